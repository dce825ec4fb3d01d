//! `cargo xtask setup`, and the prerequisite check `cargo xtask test` runs first.

use std::process::Command;

use anyhow::{Context, Result, bail};
use testbed::postgres::{DEFAULT_IMAGE, LOCAL_IMAGE, PostgresServer};

use crate::cargo;
use crate::postgres_image;
use crate::runner::Layer;

const BROWSER_PACKAGES: [&str; 2] = ["chromium", "chromium-driver"];

/// Installs what is missing, then proves the Postgres image starts.
pub async fn run() -> Result<()> {
    if !has_browser() {
        apt_install(&BROWSER_PACKAGES)?;
    } else {
        println!("✓ Chromium and chromedriver are installed");
    }
    if !cargo_succeeds(&["nextest", "--version"]) {
        println!("installing cargo-nextest (a few minutes)…");
        let status =
            cargo::command(["install", "cargo-nextest", "--locked"]).status().context("running cargo install")?;
        if !status.success() {
            bail!("`cargo install cargo-nextest --locked` failed ({status})");
        }
    } else {
        println!("✓ cargo-nextest is installed");
    }
    testbed::docker::ensure_engine()?;
    prepare_postgres_image().await?;
    let server = PostgresServer::start().await.context("starting the Postgres image as tests will")?;
    println!("✓ {} starts and accepts connections in {} ms", server.image(), server.ready_after().as_millis());
    server.stop().await
}

/// Present already, pulled, or built from Debian packages when no registry answers.
async fn prepare_postgres_image() -> Result<()> {
    if let Ok(image) = testbed::postgres::resolve_image() {
        println!("✓ Postgres image {image} is present");
        return Ok(());
    }
    println!("pulling {DEFAULT_IMAGE}…");
    if succeeds("docker", &["pull", "--quiet", DEFAULT_IMAGE]) {
        return Ok(());
    }
    println!("{DEFAULT_IMAGE} cannot be pulled (no registry?): building {LOCAL_IMAGE} from Debian packages");
    postgres_image::build(LOCAL_IMAGE)
}

/// Everything `layers` need that this machine lacks, each with the way to get it.
pub fn missing_prerequisites(layers: &[Layer]) -> Vec<String> {
    let mut missing = Vec::new();
    if !cargo_succeeds(&["nextest", "--version"]) {
        missing.push("cargo-nextest: `cargo install cargo-nextest --locked`".to_owned());
    }
    if layers.contains(&Layer::Lint)
        && !(cargo_succeeds(&["fmt", "--version"]) && cargo_succeeds(&["clippy", "--version"]))
    {
        missing.push("rustfmt and clippy: `rustup component add rustfmt clippy`".to_owned());
    }
    if layers.iter().any(|layer| layer.needs_postgres())
        && let Err(error) = testbed::docker::ensure_engine().and_then(|()| testbed::postgres::resolve_image())
    {
        missing.push(format!("{error:#}"));
    }
    if layers.iter().any(|layer| layer.needs_browser()) && !has_browser() {
        missing.push(format!(
            "Chromium and chromedriver: `sudo apt-get install --no-install-recommends {}` (or set CHROME_BIN / CHROMEDRIVER)",
            BROWSER_PACKAGES.join(" ")
        ));
    }
    missing
}

fn has_browser() -> bool {
    testbed::browser::is_installed()
}

/// `apt-get install` as root; otherwise the exact command to run, as an error.
pub fn apt_install(packages: &[&str]) -> Result<()> {
    let command = format!("apt-get update && apt-get install -y --no-install-recommends {}", packages.join(" "));
    if !is_root() {
        bail!("{} missing; install with: sudo sh -c '{command}'", packages.join(", "));
    }
    println!("installing {} with apt-get…", packages.join(", "));
    // Quiet unless it fails: apt's progress drowns the rest of a CI log.
    let output = Command::new("sh")
        .args(["-c", &format!("export DEBIAN_FRONTEND=noninteractive; {command}")])
        .output()
        .context("running apt-get")?;
    if !output.status.success() {
        bail!(
            "`{command}` failed:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

pub fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|output| output.stdout.starts_with(b"0\n"))
}

fn cargo_succeeds(args: &[&str]) -> bool {
    cargo::command(args).output().is_ok_and(|output| output.status.success())
}

fn succeeds(program: &str, args: &[&str]) -> bool {
    Command::new(program).args(args).output().is_ok_and(|output| output.status.success())
}
