//! `cargo xtask`: the project's developer and CI commands, in Rust so they run the same on
//! every machine (the pattern of rust-analyzer's and cargo's own `xtask`).
//!
//! - `test [LAYER...]`: the pyramid runner: lint → unit → integration → e2e, fastest first,
//!   stopping at the first red layer, provisioning what the layers need first, with JUnit per
//!   layer and a summary under `target/pyramid/`; `--repeat N` runs each layer N times and
//!   tallies failures and times per test.
//! - `setup`: provisions what every layer needs without running them (a CI image, a laptop).
//! - `bench NAME`: measurements, each a bench target of the crate it measures.
//! - `tdd-check [BASE]`: every test added since BASE was red before the change that made it
//!   pass.
//! - `screenshots`: `docs/screenshots/*.png`, taken from the real pages by a browser.
//! - `report DIR...`: the pyramid of a CI run, from the summaries of its jobs.
//!
//! It is tooling, not product: nothing depends on it, and it depends on no product crate, so
//! that changing product code never rebuilds it. It uses `testbed` to start the one Postgres
//! container a test run shares.

mod bench;
mod cargo;
mod catches;
mod coverage;
mod install;
mod js_mutants;
mod layer;
mod line_coverage;
mod lint;
mod matrix;
mod mutants;
mod mutation;
mod postgres_image;
mod progress;
mod provision;
mod python_tools;
mod repeat;
mod report;
mod run_facts;
mod runner;
mod screenshots;
mod tdd_check;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use testbed::postgres::PostgresServer;

use crate::layer::Layer;

#[derive(Debug, Parser)]
#[command(name = "cargo xtask", about = "Pyramid's developer and CI commands", after_help = bench_help())]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the test pyramid, fastest layer first, stopping at the first red one
    Test {
        /// Layers to run, in pyramid order whatever the order given [default: all]
        #[arg(value_enum)]
        layers: Vec<Layer>,
        /// Run the tests of this `cargo nextest archive` instead of building them
        #[arg(long, value_name = "FILE")]
        archive_file: Option<PathBuf>,
        /// Run one shard of each layer, e.g. `hash:1/2`
        #[arg(long, value_name = "SPEC")]
        partition: Option<String>,
        /// Run each test layer N times, retries off, and report failures and times per test
        #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
        repeat: u32,
    },
    /// Install what every layer needs (Chromium, chromedriver, the Postgres image, the
    /// linters), without running tests
    Setup,
    /// Run a measurement
    Bench {
        /// Which one (see the list below)
        name: String,
    },
    /// Show that every test added since BASE failed in the commit that added it and passes now
    TddCheck {
        /// Where the change starts [default: the merge base with main]
        base: Option<String>,
        /// Where it ends [default: HEAD]
        #[arg(long, value_name = "REV")]
        head: Option<String>,
    },
    /// Mutate the product and record which layers' tests catch each mutant
    Mutants {
        /// Test one shard of the mutants, e.g. `3/32` (shards count from 0)
        #[arg(long, value_name = "K/N", conflicts_with_all = ["in_diff", "merge", "analyse"])]
        shard: Option<String>,
        /// Mutate only the code this diff changes (a pull request's check)
        #[arg(long, value_name = "FILE", conflicts_with_all = ["merge", "analyse"])]
        in_diff: Option<PathBuf>,
        /// Merge the shards' `mutants.json` found under these directories
        #[arg(long, value_name = "DIR", num_args = 1.., conflicts_with = "analyse")]
        merge: Vec<PathBuf>,
        /// Analyse the last run's output again, without running mutants
        #[arg(long)]
        analyse: bool,
        /// Mutate this tree and build in its target/ (faster, no copy); an interrupted run
        /// can leave a file mutated, so only in a checkout of its own (CI, a clone)
        #[arg(long, conflicts_with_all = ["merge", "analyse"])]
        in_place: bool,
        /// Mutate only the mutants whose name matches this regex (repeatable), to study one
        /// function or file: the name is `file:line:col: replace … with …`
        #[arg(long = "re", value_name = "REGEX", conflicts_with_all = ["merge", "analyse"])]
        names: Vec<String>,
        /// Mutate the JavaScript the pages run (crates/web/static/*.js), which cargo-mutants
        /// cannot: the code only the browser layer executes
        #[arg(long = "js", conflicts_with_all = ["shard", "in_diff", "merge", "analyse"])]
        javascript: bool,
    },
    /// Measure each test layer's line coverage of the product, and all layers' together
    Coverage {
        /// The tool [default: cargo-llvm-cov where the toolchain has llvm-tools, else tarpaulin]
        #[arg(long, value_enum, conflicts_with = "analyse")]
        tool: Option<coverage::Tool>,
        /// Count the last run's LCOV files again, without running the tests
        #[arg(long)]
        analyse: bool,
    },
    /// Commit the last test, coverage and mutants results to docs/measured/ and regenerate
    /// docs/what-each-layer-catches.md and docs/test-matrix.md from them
    Catches {
        /// Commit the last mutants run, narrowed with --re or --in-diff, as the probes instead
        #[arg(long)]
        probes: bool,
        /// Only rewrite the pages from what docs/measured/ already holds, as after an edit of
        /// docs/test-matrix.toml
        #[arg(long, conflicts_with = "probes")]
        pages_only: bool,
    },
    /// Take docs/screenshots/*.png from the real pages, at desktop and phone widths
    Screenshots,
    /// Merge the summaries found under DIRs (one per CI job) into target/pyramid/
    Report {
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
    },
}

fn bench_help() -> String {
    format!("Benchmarks (`cargo xtask bench NAME`):\n{}", bench::list())
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(error) = std::env::set_current_dir(workspace_root()) {
        eprintln!("error: cannot enter the workspace: {error}");
        return ExitCode::FAILURE;
    }
    let outcome = match cli.command {
        Command::Test { mut layers, archive_file, partition, repeat } => {
            if layers.is_empty() {
                layers = Layer::ALL.to_vec();
            }
            layers.sort();
            layers.dedup();
            runner::run(&runner::Options { layers, archive: archive_file, partition, repeat }).await
        }
        Command::Setup => setup().await.map(|()| ExitCode::SUCCESS),
        Command::Bench { name } => bench::run(&name).await.map(|()| ExitCode::SUCCESS),
        Command::TddCheck { base, head } => tdd_check::run(base, head).await,
        Command::Mutants { shard, in_diff, merge, analyse, in_place, names, javascript } => {
            let done = if !merge.is_empty() {
                mutants::merge(&merge)
            } else if analyse {
                mutants::analyse_last_run()
            } else {
                mutants::run(&mutants::Options { shard, in_diff, in_place, names, javascript }).await
            };
            done.map(|()| ExitCode::SUCCESS)
        }
        Command::Coverage { tool, analyse } => {
            let done = if analyse { coverage::analyse_last_run() } else { coverage::run(tool).await };
            done.map(|()| ExitCode::SUCCESS)
        }
        Command::Catches { probes, pages_only } => {
            let done = if pages_only {
                catches::regenerate_pages()
            } else if probes {
                catches::publish_probes()
            } else {
                catches::publish()
            };
            done.map(|()| ExitCode::SUCCESS)
        }
        Command::Screenshots => screenshots::run().await.map(|()| ExitCode::SUCCESS),
        Command::Report { dirs } => merge_reports(&dirs),
    };
    outcome.unwrap_or_else(|error| {
        eprintln!("error: {error:#}");
        ExitCode::FAILURE
    })
}

/// Provisions every layer's needs, then proves the Postgres image starts as tests will start it.
async fn setup() -> Result<()> {
    provision::ensure(&Layer::ALL).await?;
    let server = progress::show("starting the Postgres image as tests will", PostgresServer::start())
        .await
        .context("starting the Postgres image as tests will")?;
    println!("✓ {} starts and accepts connections in {} ms", server.image(), server.ready_after().as_millis());
    server.stop().await
}

/// Draws the whole pyramid from the per-layer summaries of separate CI jobs.
fn merge_reports(dirs: &[PathBuf]) -> Result<ExitCode> {
    let summary = report::RunSummary::merge(report::read_summaries(dirs)?);
    let out = Path::new(report::PYRAMID_DIR);
    std::fs::create_dir_all(out)?;
    report::write(&summary, out)?;
    report::print(&summary, &report::Measurements::read(out)?);
    Ok(if summary.all_green() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// The workspace this command runs in: the nearest ancestor of the current directory with a
/// `[workspace]` manifest, else the one xtask was built in.
fn workspace_root() -> PathBuf {
    let from_cwd = std::env::current_dir().ok().and_then(|cwd| {
        cwd.ancestors()
            .find(|dir| std::fs::read_to_string(dir.join("Cargo.toml")).is_ok_and(|toml| toml.contains("[workspace]")))
            .map(Path::to_path_buf)
    });
    from_cwd.unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    })
}
