//! `cargo xtask screenshots`: the pictures in `docs/screenshots/`, taken from the real pages
//! by a browser, never by hand, so that the docs show what the code serves today.
//!
//! The browser work is the `screenshots` example of the `e2e` crate (it has the page objects
//! and the harness); this command provisions what it needs first, as `test e2e` would.

use anyhow::{Result, bail};

use crate::layer::Layer;
use crate::{cargo, provision};

pub async fn run() -> Result<()> {
    provision::ensure(&[Layer::E2e]).await?;
    let status =
        cargo::async_command(["run", "--locked", "--quiet", "-p", "e2e", "--example", "screenshots"]).status().await?;
    if !status.success() {
        bail!("taking the screenshots failed ({status})");
    }
    Ok(())
}
