//! Where schemathesis is: the virtualenv `cargo xtask test` installs it into, under the
//! workspace's `target/`, or where the environment says.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};

/// Path of the schemathesis executable, when it is not in the workspace's virtualenv.
pub const SCHEMATHESIS_ENV: &str = "SCHEMATHESIS";
/// The virtualenv, relative to the workspace root.
pub const VENV: &str = "target/contract-tools";
/// Its pinned requirements, every wheel's hash included, relative to the workspace root.
pub const REQUIREMENTS: &str = ".config/contract-tools.txt";

pub const INSTALL_HINT: &str = "`cargo xtask test integration` (or `cargo xtask setup`) installs it from PyPI into \
     target/contract-tools; or set SCHEMATHESIS to its path";

/// The executable, looked for from `start` (any directory inside the workspace) upwards.
pub fn find(start: &Path) -> Result<PathBuf> {
    if let Some(path) = std::env::var_os(SCHEMATHESIS_ENV) {
        let path = PathBuf::from(path);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(anyhow!("{SCHEMATHESIS_ENV}={} is not a file", path.display()))
        };
    }
    start
        .ancestors()
        .map(|dir| dir.join(VENV).join("bin").join("schemathesis"))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| anyhow!("schemathesis not found above {}: {INSTALL_HINT}", start.display()))
}
