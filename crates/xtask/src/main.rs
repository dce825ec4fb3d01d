//! `cargo xtask`: the project's developer and CI commands, in Rust so they run the same on
//! every machine (the pattern of rust-analyzer's and cargo's own `xtask`).
//!
//! - `setup`: installs what a fresh Debian/Ubuntu machine lacks and prepares the Postgres image,
//!   building it from Debian packages when no registry is reachable.
//! - `test [LAYER...]`: the pyramid runner: lint → unit → integration → e2e, fastest first,
//!   stopping at the first red layer, with JUnit per layer and a summary under `target/pyramid/`.
//! - `bench NAME`: measurements, each a bench target of the crate it measures.
//!
//! It is tooling, not product: nothing depends on it, and it depends on no product crate, so
//! that changing product code never rebuilds it. It uses `testbed` to start the one Postgres
//! container a test run shares.

mod bench;
mod cargo;
#[cfg(test)]
mod layering;
mod postgres_image;
mod report;
mod runner;
mod setup;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::runner::Layer;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  setup                 install Chromium, chromedriver and cargo-nextest if missing; prepare the Postgres image
  test [LAYER...]       run the test pyramid (layers: lint unit integration e2e; default: all, in that order)
  bench NAME            run a measurement (see below)
  report DIR...         merge the summaries found under DIRs (one per CI job) into target/pyramid/
";

enum Command {
    Setup,
    Test(Vec<Layer>),
    Bench(String),
    Report(Vec<PathBuf>),
}

fn parse(args: &[String]) -> Result<Command> {
    match args.split_first() {
        Some((command, rest)) => match (command.as_str(), rest) {
            ("setup", []) => Ok(Command::Setup),
            ("test", layers) => {
                let layers = if layers.is_empty() {
                    Layer::ALL.to_vec()
                } else {
                    layers.iter().map(|name| Layer::parse(name)).collect::<Result<Vec<_>>>()?
                };
                Ok(Command::Test(layers))
            }
            ("bench", [name]) => Ok(Command::Bench(name.clone())),
            ("report", dirs) if !dirs.is_empty() => Ok(Command::Report(dirs.iter().map(PathBuf::from).collect())),
            _ => bail!("unknown command `{}`", args.join(" ")),
        },
        None => bail!("no command given"),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match parse(&args) {
        Ok(command) => command,
        Err(error) => {
            eprintln!("error: {error}\n\n{USAGE}\nbenchmarks:\n{}", bench::list());
            return ExitCode::from(2);
        }
    };
    let root = workspace_root();
    if let Err(error) = std::env::set_current_dir(&root) {
        eprintln!("error: cannot enter the workspace at {}: {error}", root.display());
        return ExitCode::FAILURE;
    }
    let outcome = match command {
        Command::Setup => setup::run().await.map(|()| ExitCode::SUCCESS),
        Command::Test(layers) => runner::run(&layers).await,
        Command::Bench(name) => bench::run(&name).await.map(|()| ExitCode::SUCCESS),
        Command::Report(dirs) => merge_reports(&dirs),
    };
    outcome.unwrap_or_else(|error| {
        eprintln!("error: {error:#}");
        ExitCode::FAILURE
    })
}

/// Draws the whole pyramid from the per-layer summaries of separate CI jobs.
fn merge_reports(dirs: &[PathBuf]) -> Result<ExitCode> {
    let summary = report::RunSummary::merge(report::read_summaries(dirs)?);
    report::print(&summary);
    let out = Path::new(runner::PYRAMID_DIR);
    std::fs::create_dir_all(out)?;
    report::write(&summary, out)?;
    Ok(if summary.all_green() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// The workspace root, from this crate's manifest directory (`crates/xtask`).
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}
