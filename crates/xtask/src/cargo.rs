//! The one way xtask starts cargo. Every nested cargo command is built here, so that what it
//! inherits from the `cargo run` that started xtask is decided in one place.
//!
//! `cargo run -p xtask` describes xtask to it in environment variables (`CARGO_MANIFEST_DIR`,
//! `CARGO_PKG_*`, …). A nested cargo that inherits them passes them on to build scripts, and
//! ring's build script reruns whenever `CARGO_MANIFEST_DIR` changes: ring, rustls, reqwest and
//! every workspace crate above them were rebuilt at each switch between `cargo build` and
//! `cargo xtask` (rust-lang/cargo#16134, briansmith/ring#2454). The nested cargo describes
//! its own packages; it needs none of ours.

use std::ffi::{OsStr, OsString};
use std::process::Command;

/// Variables cargo sets for the package it builds or runs, beyond the `CARGO_PKG_*` family.
const PER_PACKAGE: [&str; 9] = [
    "CARGO_MANIFEST_DIR",
    "CARGO_MANIFEST_PATH",
    "CARGO_MANIFEST_LINKS",
    "CARGO_PRIMARY_PACKAGE",
    "CARGO_CRATE_NAME",
    "CARGO_BIN_NAME",
    "CARGO_TARGET_TMPDIR",
    "CARGO_RUSTC_CURRENT_DIR",
    "OUT_DIR",
];

/// `cargo` with `args`, run by the cargo that started xtask (`$CARGO`, so the same
/// toolchain) when there is one, without the variables that describe xtask's own package.
pub fn command<I, S>(args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.args(args);
    for name in per_package_variables(std::env::vars_os().map(|(name, _)| name)) {
        command.env_remove(name);
    }
    command
}

/// The fixed names, and every `CARGO_PKG_*` among `present` (cargo adds to that family).
fn per_package_variables(present: impl Iterator<Item = OsString>) -> Vec<OsString> {
    let metadata = present.filter(|name| name.to_string_lossy().starts_with("CARGO_PKG_"));
    PER_PACKAGE.iter().map(OsString::from).chain(metadata).collect()
}

/// The same command for tokio, for the steps the runner must be able to interrupt.
pub fn async_command<I, S>(args: I) -> tokio::process::Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    tokio::process::Command::from(command(args))
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;
    use std::path::Path;

    /// What cargo sets for the package it runs (and nextest for the test it runs), and what
    /// ring's build script, among others, reruns for when it changes.
    const PER_PACKAGE: [&str; 8] = [
        "CARGO_MANIFEST_DIR",
        "CARGO_MANIFEST_PATH",
        "CARGO_MANIFEST_LINKS",
        "CARGO_PRIMARY_PACKAGE",
        "CARGO_CRATE_NAME",
        "CARGO_BIN_NAME",
        "CARGO_PKG_NAME",
        "CARGO_PKG_VERSION",
    ];

    fn removed(command: &std::process::Command) -> Vec<String> {
        command
            .get_envs()
            .filter(|(_, value)| value.is_none())
            .map(|(name, _)| name.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn nested_cargo_does_not_inherit_the_variables_cargo_set_for_xtask() {
        let command = super::command(["build"]);

        let removed = removed(&command);

        for name in PER_PACKAGE {
            assert!(removed.contains(&name.to_owned()), "a nested cargo inherits {name}; removed only {removed:?}");
        }
    }

    #[test]
    fn nested_cargo_does_not_inherit_any_package_metadata_variable() {
        // The test runner sets the CARGO_PKG_* of this package, as `cargo run` does for xtask.
        let present: Vec<String> = std::env::vars_os()
            .map(|(name, _)| name.to_string_lossy().into_owned())
            .filter(|name| name.starts_with("CARGO_PKG_"))
            .collect();
        assert!(!present.is_empty(), "expected the test runner to set CARGO_PKG_* for this test");

        let removed = removed(&super::command(["build"]));

        let inherited: Vec<&String> = present.iter().filter(|name| !removed.contains(name)).collect();
        assert!(inherited.is_empty(), "a nested cargo inherits {inherited:?}");
    }

    #[test]
    fn nested_cargo_keeps_the_toolchain_and_the_users_settings() {
        let removed = removed(&super::command(["build"]));

        for kept in ["CARGO_HOME", "CARGO_TARGET_DIR", "CARGO_TERM_COLOR", "RUSTUP_TOOLCHAIN", "RUSTFLAGS"] {
            assert!(!removed.contains(&kept.to_owned()), "{kept} is the user's choice and must pass through");
        }
    }

    #[test]
    fn xtask_starts_cargo_only_through_this_module() {
        let sources = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut offenders = Vec::new();
        let mut pending = vec![sources];
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    pending.push(path);
                } else if path.extension() == Some(OsStr::new("rs")) && !path.ends_with("src/cargo.rs") {
                    let source = std::fs::read_to_string(&path).unwrap();
                    for (number, line) in source.lines().enumerate() {
                        if line.contains("Command::new(") && line.to_lowercase().contains("cargo") {
                            offenders.push(format!("{}:{}: {}", path.display(), number + 1, line.trim()));
                        }
                    }
                }
            }
        }
        assert!(offenders.is_empty(), "start cargo with `crate::cargo::command`:\n{}", offenders.join("\n"));
    }
}
