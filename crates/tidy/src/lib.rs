//! The repository's invariants, as tests that `cargo test` runs: a rule that is only written
//! down is broken by the next change (rust-analyzer's tidy tests are the model).
//!
//! - [`layering`]: what each crate may depend on, checked on the transitive graph.
//! - [`source`]: no skipped, panic-expecting or sleeping test; every crate root says what it
//!   owns; domain values keep their fields private; `web` reaches sessions, the throttle and
//!   the feed only through the use cases.
//! - [`modules`]: no cycle between the modules of a crate.
//! - [`docs`]: every relative link and every test named in README.md and `docs/` exists, and
//!   every invariant in `docs/architecture.md` names the test that enforces it.
//!
//! Each rule is a function over what it reads, tested once on the real tree and once on a
//! made-up violation, so a rule that can no longer fail is noticed. This crate reads the
//! repository; no other crate depends on it, and it depends on no workspace crate.

// Test code: a panic is how a test reports.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod docs;
pub mod layering;
pub mod modules;
pub mod source;

use std::path::{Path, PathBuf};

/// The workspace root: two levels above this crate.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Every file under `dir` (recursively) whose name ends with `extension`, sorted, skipping
/// build output and hidden folders.
pub fn files_under(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                if name != "target" && !name.starts_with('.') {
                    pending.push(path);
                }
            } else if name.ends_with(extension) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// `path` relative to the workspace root, for messages.
pub fn relative(path: &Path) -> String {
    path.strip_prefix(workspace_root()).unwrap_or(path).display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether git would leave `path` out of `git add --all`, by git's own reading of the
    /// ignore files.
    fn ignored_by_git(path: &str) -> bool {
        let status = std::process::Command::new("git")
            .args(["check-ignore", "--quiet", "--no-index", path])
            .current_dir(workspace_root())
            .status()
            .expect("git runs");
        // 0: ignored; 1: not ignored; anything else is git failing, which must not pass.
        match status.code() {
            Some(0) => true,
            Some(1) => false,
            other => panic!("git check-ignore {path} ended with {other:?}"),
        }
    }

    #[test]
    fn a_dotenv_file_with_real_secrets_is_never_committed_but_its_example_is() {
        for secrets in [".env", ".env.local", ".env.production", "crates/web/.env"] {
            assert!(ignored_by_git(secrets), "{secrets} is not in .gitignore: `git add --all` would commit it");
        }
        assert!(!ignored_by_git(".env.example"), ".env.example documents the variables and must be committed");
    }
}
