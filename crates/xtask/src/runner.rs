//! The pyramid runner: lint → unit → integration → e2e, fastest first, stopping at the first
//! red layer, so a failing unit test never waits for a browser (the TDD loop).
//!
//! Each test layer is a nextest profile (`.config/nextest.toml`); the runner adds what the
//! profile cannot: it provisions what the layers need, builds only what the next layer runs,
//! starts the run's one Postgres container before the first layer that needs it (its URL goes
//! to every test in `TEST_DATABASE_URL`; the container goes at the end, also when the run
//! fails or is interrupted), and writes the report. `--repeat N` runs each layer N times and
//! tallies every test over the runs (see `repeat`); after the browser layer it lists where
//! failed tests left what their browsers showed.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use quick_junit::Report;
use testbed::postgres::{PostgresServer, URL_ENV};

use crate::layer::{Filters, Layer, build_selection};
use crate::repeat::Repeats;
use crate::report::{self, LayerResult, PYRAMID_DIR, RunSummary};
use crate::{cargo, lint, progress, provision};

/// Where a failed browser test leaves its screenshot, page, URL and console (testkit::browser).
const E2E_ARTIFACTS: &str = "target/e2e-artifacts";

/// How `cargo xtask test` was asked to run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub layers: Vec<Layer>,
    /// Run the tests of a `cargo nextest archive` instead of building them (CI's test jobs).
    pub archive: Option<PathBuf>,
    /// Run one shard of each layer (`hash:1/2`), as CI's matrix does.
    pub partition: Option<String>,
    /// Run each test layer this many times and tally every test ([`Repeats`]).
    pub repeat: u32,
}

pub async fn run(options: &Options) -> Result<ExitCode> {
    let filters = Filters::load(Path::new("."))?;
    provision::ensure(&options.layers).await?;
    let pyramid_dir = Path::new(PYRAMID_DIR);
    std::fs::create_dir_all(pyramid_dir)?;
    // The layers this run leaves out keep their last results, marked with when they ran.
    let earlier = report::read_summaries(&[pyramid_dir.to_path_buf()]).ok().and_then(|mut found| found.pop());

    let started = Instant::now();
    let mut summary = RunSummary::default();
    let mut postgres: Option<PostgresServer> = None;
    let outcome = tokio::select! {
        outcome = run_layers(options, &filters, &mut summary, &mut postgres) => outcome,
        () = interrupted() => Err(anyhow::anyhow!("interrupted")),
    };
    // Whatever happened above, the container goes.
    if let Some(server) = postgres.take() {
        server.stop().await?;
    }
    summary.total_seconds = started.elapsed().as_secs_f64();
    let now = crate::run_facts::now();
    for layer in &mut summary.layers {
        layer.measured_at = Some(now.clone());
    }
    summary.measured_at = Some(now);
    if let Some(earlier) = earlier {
        summary.carry_over(earlier);
    }
    report::write(&summary, pyramid_dir)?;
    report::print(&summary, &report::Measurements::read(pyramid_dir)?);
    outcome?;
    Ok(if summary.all_green() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

async fn run_layers(
    options: &Options,
    filters: &Filters,
    summary: &mut RunSummary,
    postgres: &mut Option<PostgresServer>,
) -> Result<()> {
    for (index, &layer) in options.layers.iter().enumerate() {
        println!("\n▶ [{}/{}] {}", index + 1, options.layers.len(), layer.name());
        let result = if layer == Layer::Lint {
            run_lint().await?
        } else {
            let selection = build_selection(filters.of(layer)?);
            let mut build_seconds = None;
            if options.archive.is_none() {
                let build = Instant::now();
                build_tests(layer, &selection).await?;
                build_seconds = Some(build.elapsed().as_secs_f64());
                summary.build_seconds += build.elapsed().as_secs_f64();
            }
            if layer.needs_postgres() && postgres.is_none() {
                let server = progress::show("starting the run's Postgres container", PostgresServer::start()).await?;
                println!(
                    "  Postgres ready: {} ms from container request to first query ({}, {})",
                    server.ready_after().as_millis(),
                    server.image(),
                    &server.container_id()[..12]
                );
                summary.postgres_ready_ms = Some(server.ready_after().as_millis());
                *postgres = Some(server);
            }
            if layer.needs_browser() {
                // Screenshots of this run's failures only.
                let _ = std::fs::remove_dir_all(E2E_ARTIFACTS);
            }
            let database_url = postgres.as_ref().map(|server| server.url().to_owned());
            let result = if options.repeat > 1 {
                run_repeatedly(layer, &selection, options, database_url.as_deref()).await?
            } else {
                run_nextest(layer, &selection, options, database_url.as_deref()).await?.0
            };
            if layer.needs_browser() {
                list_artifacts(Path::new(E2E_ARTIFACTS));
            }
            let mut result = result;
            result.link_artifacts(Path::new(E2E_ARTIFACTS), "../e2e-artifacts");
            result.build_seconds = build_seconds;
            result
        };
        let green = result.green();
        summary.layers.push(result);
        if !green {
            println!("\n✗ {} is red: the layers above it were not run.", layer.name());
            break;
        }
    }
    Ok(())
}

/// Builds the layer's test binaries, with cargo's progress on screen, so that the layer's
/// time is its tests' time.
async fn build_tests(layer: Layer, selection: &[&str]) -> Result<()> {
    let profile = layer.nextest_profile().context("not a test layer")?;
    let mut command = cargo::async_command(["nextest", "run", "--no-run", "--locked", "--profile", profile]);
    command.args(selection);
    let status = progress::cargo(&format!("building the {} tests", layer.name()), command, |_| None).await?;
    if !status.success() {
        bail!("the {} tests do not build", layer.name());
    }
    Ok(())
}

/// Runs the layer `options.repeat` times with retries off, tallies each test over the runs,
/// and prints (and writes to `target/pyramid/<layer>.repeat.md`) the tally. A browser test's
/// artifacts are kept per run, under `target/e2e-artifacts/run-<n>/`.
async fn run_repeatedly(
    layer: Layer,
    selection: &[&str],
    options: &Options,
    database_url: Option<&str>,
) -> Result<LayerResult> {
    let mut repeats = Repeats::default();
    let mut total = LayerResult::from_report(layer.name(), None, 0.0, true);
    for run in 1..=options.repeat {
        let (result, report) = run_nextest(layer, selection, options, database_url).await?;
        match &report {
            Some(report) => repeats.record(report),
            None => repeats.record_broken_run(),
        }
        println!(
            "  run {run}/{}: {} passed, {} failed in {:.1} s",
            options.repeat, result.passed, result.failed, result.seconds
        );
        if layer.needs_browser() {
            keep_artifacts_of_run(Path::new(E2E_ARTIFACTS), run)?;
        }
        total.tests += result.tests;
        total.passed += result.passed;
        total.failed += result.failed;
        total.skipped += result.skipped;
        total.seconds += result.seconds;
        total.ran_cleanly &= result.ran_cleanly;
    }
    let table = repeats.table(layer.name());
    println!("\n{table}");
    std::fs::write(Path::new(PYRAMID_DIR).join(format!("{}.repeat.md", layer.name())), &table)?;
    for (test, failures) in repeats.flaky() {
        println!("✗ {test} failed {failures} of {} runs", repeats.runs());
    }
    Ok(total)
}

/// Moves the artifacts one run left (`<test>/`) under `run-<n>/`, before the next run's
/// failures of the same test replace them.
fn keep_artifacts_of_run(root: &Path, run: u32) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(root) else { return Ok(()) };
    let kept = root.join(format!("run-{run}"));
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with("run-") {
            continue;
        }
        std::fs::create_dir_all(&kept)?;
        std::fs::rename(entry.path(), kept.join(name))?;
    }
    Ok(())
}

/// Prints every directory under `root` holding what a failed browser test's browser showed.
fn list_artifacts(root: &Path) {
    let mut found = Vec::new();
    collect_artifact_dirs(root, &mut found);
    if found.is_empty() {
        return;
    }
    found.sort();
    println!("\nWhat the browsers showed when their tests failed (screenshot, page, URL, console):");
    for dir in found {
        println!("  {}", dir.display());
    }
}

fn collect_artifact_dirs(dir: &Path, found: &mut Vec<PathBuf>) {
    if dir.join("screenshot.png").is_file() {
        found.push(dir.to_path_buf());
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        if entry.path().is_dir() {
            collect_artifact_dirs(&entry.path(), found);
        }
    }
}

async fn run_nextest(
    layer: Layer,
    selection: &[&str],
    options: &Options,
    database_url: Option<&str>,
) -> Result<(LayerResult, Option<Report>)> {
    let profile = layer.nextest_profile().context("not a test layer")?;
    let junit = PathBuf::from("target/nextest").join(profile).join("junit.xml");
    let _ = std::fs::remove_file(&junit);
    let mut command = cargo::async_command(["nextest", "run", "--profile", profile]);
    match &options.archive {
        Some(archive) => command.arg("--archive-file").arg(archive).args(["--workspace-remap", "."]),
        // Built already: only the test run's own output.
        None => command.args(["--locked", "--cargo-quiet"]).args(selection),
    };
    if let Some(partition) = &options.partition {
        // A shard may hold no test of a small layer.
        command.args(["--partition", partition, "--no-tests", "warn"]);
    }
    if options.repeat > 1 {
        // Runs are tallied, not watched: only failures on screen, and no retry may turn one
        // into a pass.
        command.args(["--retries", "0", "--status-level", "fail", "--final-status-level", "fail"]);
    }
    if let Some(url) = database_url {
        command.env(URL_ENV, url);
    }
    command.kill_on_drop(true);
    let started = Instant::now();
    let status = command.status().await.context("running cargo nextest")?;
    let seconds = started.elapsed().as_secs_f64();
    let report = match std::fs::read_to_string(&junit) {
        Ok(xml) => {
            std::fs::write(Path::new(PYRAMID_DIR).join(format!("{}.junit.xml", layer.name())), &xml)?;
            Some(Report::deserialize_from_str(&xml).context("reading nextest's JUnit report")?)
        }
        Err(_) => None,
    };
    let mut result = LayerResult::from_report(layer.name(), report.as_ref(), seconds, status.success());
    result.partition.clone_from(&options.partition);
    Ok((result, report))
}

async fn run_lint() -> Result<LayerResult> {
    let started = Instant::now();
    let report = lint::run().await?;
    std::fs::write(Path::new(PYRAMID_DIR).join("lint.junit.xml"), report.to_string()?)?;
    Ok(LayerResult::from_report("lint", Some(&report), started.elapsed().as_secs_f64(), true))
}

/// Completes on Ctrl-C or SIGTERM.
async fn interrupted() {
    let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(signal) => signal,
        Err(_) => return std::future::pending().await,
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {},
        _ = terminate.recv() => {},
    }
    eprintln!("\ninterrupted: stopping the tests and removing the Postgres container");
}
