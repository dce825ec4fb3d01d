//! Where the browser binaries are: chromedriver and Chromium, found on `PATH`, where GitHub's
//! runners keep them, or where the environment says.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};

/// Use a WebDriver server that is already running instead of starting chromedriver.
pub const WEBDRIVER_URL_ENV: &str = "WEBDRIVER_URL";
/// Path of the chromedriver binary, when it is not on `PATH`.
pub const CHROMEDRIVER_ENV: &str = "CHROMEDRIVER";
/// Path of the Chrome/Chromium binary, when chromedriver cannot find it.
pub const CHROME_BIN_ENV: &str = "CHROME_BIN";
/// Debian's packages of both; `cargo xtask test` installs them when it may.
pub const PACKAGES: [&str; 2] = ["chromium", "chromium-driver"];

pub const INSTALL_HINT: &str = "install it with `sudo apt-get install chromium chromium-driver` (Debian/Ubuntu), \
     or let `cargo xtask test` install it (as root or in CI); or set CHROMEDRIVER / WEBDRIVER_URL";

pub fn find_chromedriver() -> Result<PathBuf> {
    if let Ok(path) = std::env::var(CHROMEDRIVER_ENV) {
        return Ok(PathBuf::from(path));
    }
    let mut candidates = on_path(&["chromedriver"]);
    // GitHub's Ubuntu runners ship chromedriver here, off the PATH.
    if let Some(dir) = std::env::var_os("CHROMEWEBDRIVER") {
        candidates.push(Path::new(&dir).join("chromedriver"));
    }
    candidates
        .into_iter()
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| anyhow!("chromedriver not found: {INSTALL_HINT}"))
}

pub fn find_chromium() -> Option<PathBuf> {
    if let Some(binary) = std::env::var_os(CHROME_BIN_ENV) {
        return Some(PathBuf::from(binary));
    }
    on_path(&["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"])
        .into_iter()
        .find(|candidate| candidate.is_file())
}

/// Both binaries are there (or a WebDriver server is named).
pub fn is_installed() -> bool {
    std::env::var_os(WEBDRIVER_URL_ENV).is_some() || (find_chromedriver().is_ok() && find_chromium().is_some())
}

fn on_path(names: &[&str]) -> Vec<PathBuf> {
    let Some(path) = std::env::var_os("PATH") else { return Vec::new() };
    std::env::split_paths(&path).flat_map(|dir| names.iter().map(move |name| dir.join(name))).collect()
}
