//! What each layer needs from the machine, and getting it: `cargo xtask test` provisions what
//! its layers lack before it runs them, so a fresh Debian/Ubuntu machine needs no other step.
//!
//! Tools that install for this user or into `target/` (cargo-nextest, cargo-deny, the
//! workflow linters) are always installed. What needs root (apt packages, building the
//! Postgres image) is installed when running as root, or in CI with passwordless sudo;
//! otherwise the run stops before any test, printing the exact commands.

use std::path::Path;
use std::process::{Command, ExitStatus};

use anyhow::{Result, bail};
use testbed::postgres::{DEFAULT_IMAGE, LOCAL_IMAGE};

use crate::install::{Outcome, Privilege, apt_install};
use crate::layer::Layer;
use crate::python_tools::{CONTRACT, LINTERS};
use crate::{cargo, postgres_image, progress};

/// Something a layer needs that a machine may lack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Nextest,
    RustComponents,
    LintTools,
    ContractTools,
    CargoDeny,
    DockerEngine,
    PostgresImage,
    Browser,
    /// wrk and pgbench, for `cargo xtask bench http`.
    LoadTools,
    /// cargo-mutants, for `cargo xtask mutants`.
    CargoMutants,
    /// cargo-tarpaulin, for `cargo xtask coverage` where cargo-llvm-cov cannot run.
    Tarpaulin,
}

/// What `cargo xtask bench http` runs: a load generator and Postgres's own.
const LOAD_TOOLS: [&str; 2] = ["wrk", "postgresql-client"];

impl Need {
    /// Everything `layers` need, in the order they are provided.
    pub fn of(layers: &[Layer]) -> Vec<Need> {
        let mut needs = vec![];
        let any_tests = layers.iter().any(|layer| layer.nextest_profile().is_some());
        if any_tests {
            needs.push(Need::Nextest);
        }
        if layers.contains(&Layer::Lint) {
            needs.extend([Need::RustComponents, Need::LintTools, Need::CargoDeny]);
        }
        if layers.iter().any(|layer| layer.needs_postgres()) {
            needs.extend([Need::DockerEngine, Need::PostgresImage]);
        }
        if layers.contains(&Layer::Integration) {
            needs.push(Need::ContractTools);
        }
        if layers.iter().any(|layer| layer.needs_browser()) {
            needs.push(Need::Browser);
        }
        needs
    }

    fn label(self) -> &'static str {
        match self {
            Need::Nextest => "cargo-nextest",
            Need::RustComponents => "rustfmt and clippy",
            Need::LintTools => LINTERS.label,
            Need::ContractTools => CONTRACT.label,
            Need::CargoDeny => "cargo-deny",
            Need::DockerEngine => "a running Docker engine",
            Need::PostgresImage => "a Postgres image",
            Need::Browser => "Chromium and chromedriver",
            Need::LoadTools => "wrk and pgbench",
            Need::CargoMutants => "cargo-mutants",
            Need::Tarpaulin => "cargo-tarpaulin",
        }
    }

    fn is_met(self) -> bool {
        match self {
            Need::Nextest => cargo_succeeds(&["nextest", "--version"]),
            Need::RustComponents => cargo_succeeds(&["fmt", "--version"]) && cargo_succeeds(&["clippy", "--version"]),
            Need::LintTools => LINTERS.installed(),
            Need::ContractTools => CONTRACT.installed(),
            Need::CargoDeny => cargo_succeeds(&["deny", "--version"]),
            Need::DockerEngine => testbed::docker::ensure_engine().is_ok(),
            Need::PostgresImage => testbed::postgres::resolve_image().is_ok(),
            Need::Browser => testbed::browser::is_installed(),
            Need::LoadTools => {
                ["wrk", "pgbench"].iter().all(|tool| Command::new(tool).arg("--version").output().is_ok())
            }
            Need::CargoMutants => cargo_succeeds(&["mutants", "--version"]),
            Need::Tarpaulin => cargo_succeeds(&["tarpaulin", "--version"]),
        }
    }

    async fn provide(self, privilege: Privilege) -> Result<Outcome> {
        match self {
            Need::Nextest => cargo_install("cargo-nextest").await,
            Need::CargoDeny => cargo_install("cargo-deny").await,
            Need::RustComponents => Ok(Outcome::Manual("rustup component add rustfmt clippy".to_owned())),
            Need::LintTools => LINTERS.install(privilege).await,
            Need::ContractTools => CONTRACT.install(privilege).await,
            Need::DockerEngine => Ok(Outcome::Manual(format!(
                "install Docker Engine (https://docs.docker.com/engine/install/) and start it: {:#}",
                testbed::docker::ensure_engine().err().unwrap_or_else(|| anyhow::anyhow!("it did not answer"))
            ))),
            Need::PostgresImage => postgres_image(privilege).await,
            Need::Browser => apt_install(&testbed::browser::PACKAGES, privilege).await,
            Need::LoadTools => apt_install(&LOAD_TOOLS, privilege).await,
            // Pinned: the analyses read their output files, whose formats are theirs to change.
            Need::CargoMutants => cargo_install_version("cargo-mutants", CARGO_MUTANTS_VERSION).await,
            Need::Tarpaulin => cargo_install_version("cargo-tarpaulin", TARPAULIN_VERSION).await,
        }
    }
}

/// Meets every need of `layers` that this process may meet. Fails, naming each missing piece
/// with the commands that provide it, when some remain.
pub async fn ensure(layers: &[Layer]) -> Result<()> {
    ensure_needs(&Need::of(layers)).await
}

/// Meets each of `needs` that this process may meet, as [`ensure`] does for layers.
pub async fn ensure_needs(needs: &[Need]) -> Result<()> {
    let privilege = Privilege::detect();
    let mut manual = Vec::new();
    for &need in needs {
        if need.is_met() {
            continue;
        }
        // Docker first: without an engine there is no image to look for.
        if need == Need::PostgresImage && manual.iter().any(|(missing, _)| *missing == Need::DockerEngine) {
            continue;
        }
        eprintln!("missing: {}; providing it", need.label());
        match need.provide(privilege).await? {
            Outcome::Met if need.is_met() => eprintln!("✓ {}", need.label()),
            Outcome::Met => bail!("{} was installed, but is still not found", need.label()),
            Outcome::Manual(commands) => manual.push((need, commands)),
        }
    }
    if manual.is_empty() {
        return Ok(());
    }
    let steps: Vec<String> =
        manual.iter().map(|(need, commands)| format!("  - {}: {commands}", need.label())).collect();
    bail!(
        "this machine lacks what the layers need, and installing it needs root:\n{}\n\
         Run those commands (or run `cargo xtask test` as root, or in CI with passwordless sudo), then run it again.",
        steps.join("\n")
    )
}

/// The versions `cargo xtask mutants` and `cargo xtask coverage` install and were checked with.
pub const CARGO_MUTANTS_VERSION: &str = "27.1.0";
pub const TARPAULIN_VERSION: &str = "0.37.5";

async fn cargo_install_version(krate: &str, version: &str) -> Result<Outcome> {
    let what = format!("cargo install {krate}@{version} --locked (once per machine; a few minutes)");
    let command = cargo::async_command(["install", &format!("{krate}@{version}"), "--locked"]);
    let status = progress::cargo(&what, command, |_| None).await?;
    ensure_success(status, &format!("cargo install {krate}@{version} --locked"))?;
    Ok(Outcome::Met)
}

async fn cargo_install(krate: &str) -> Result<Outcome> {
    let what = format!("cargo install {krate} --locked (once per machine; a few minutes)");
    let status = progress::cargo(&what, cargo::async_command(["install", krate, "--locked"]), |_| None).await?;
    ensure_success(status, &format!("cargo install {krate} --locked"))?;
    Ok(Outcome::Met)
}

/// Present already, pulled, or built from Debian packages when no registry answers.
async fn postgres_image(privilege: Privilege) -> Result<Outcome> {
    let pulled = progress::show_blocking(&format!("docker pull {DEFAULT_IMAGE}"), || {
        Ok(Command::new("docker").args(["pull", "--quiet", DEFAULT_IMAGE]).output()?.status.success())
    })
    .await?;
    if pulled {
        return Ok(Outcome::Met);
    }
    eprintln!("{DEFAULT_IMAGE} cannot be pulled (no registry?): building {LOCAL_IMAGE} from Debian packages");
    if privilege != Privilege::Root {
        return Ok(Outcome::Manual(
            "building it needs root (debootstrap): sudo -E env \"PATH=$PATH\" cargo xtask setup".to_owned(),
        ));
    }
    if !Path::new("/usr/sbin/debootstrap").exists()
        && let Outcome::Manual(commands) = apt_install(&["debootstrap"], privilege).await?
    {
        return Ok(Outcome::Manual(commands));
    }
    progress::show_blocking(&format!("building {LOCAL_IMAGE} (debootstrap, about a minute)"), || {
        postgres_image::build(LOCAL_IMAGE)
    })
    .await?;
    Ok(Outcome::Met)
}

fn cargo_succeeds(args: &[&str]) -> bool {
    cargo::command(args).output().is_ok_and(|output| output.status.success())
}

fn ensure_success(status: ExitStatus, what: &str) -> Result<()> {
    if !status.success() {
        bail!("`{what}` failed ({status})");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unit_layer_needs_only_nextest() {
        assert_eq!(Need::of(&[Layer::Unit]), [Need::Nextest]);
    }

    #[test]
    fn lint_needs_no_nextest_and_e2e_needs_docker_postgres_and_a_browser() {
        assert_eq!(Need::of(&[Layer::Lint]), [Need::RustComponents, Need::LintTools, Need::CargoDeny]);
        assert_eq!(Need::of(&[Layer::E2e]), [Need::Nextest, Need::DockerEngine, Need::PostgresImage, Need::Browser]);
    }
}
