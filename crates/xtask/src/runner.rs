//! The pyramid runner: lint → unit → integration → e2e, fastest first, stopping at the first
//! red layer, so a failing unit test never waits for a browser (the TDD loop).
//!
//! Tests run under cargo-nextest, one process per test; layers are nextest filtersets. Before
//! the first layer that needs Postgres the runner starts the run's one container and hands
//! its URL to every test in `TEST_DATABASE_URL`; the container is removed at the end, also
//! when the run fails or is interrupted.

use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use testbed::postgres::{PostgresServer, URL_ENV};

use crate::cargo;
use crate::report::{self, LayerResult, RunSummary};

pub const PYRAMID_DIR: &str = "target/pyramid";
/// Where nextest's `ci` profile writes its JUnit report (`.config/nextest.toml`).
const NEXTEST_JUNIT: &str = "target/nextest/ci/junit.xml";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    Lint,
    Unit,
    Integration,
    E2e,
}

impl Layer {
    pub const ALL: [Layer; 4] = [Layer::Lint, Layer::Unit, Layer::Integration, Layer::E2e];

    pub fn parse(name: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|layer| layer.name() == name)
            .with_context(|| format!("unknown layer `{name}` (layers: lint unit integration e2e)"))
    }

    pub fn name(self) -> &'static str {
        match self {
            Layer::Lint => "lint",
            Layer::Unit => "unit",
            Layer::Integration => "integration",
            Layer::E2e => "e2e",
        }
    }

    /// The nextest filterset selecting the layer's tests (DESIGN §2).
    fn filter(self) -> Option<&'static str> {
        match self {
            Layer::Lint => None,
            Layer::Unit => Some("kind(lib) | kind(bin)"),
            Layer::Integration => Some("kind(test) & !package(e2e)"),
            Layer::E2e => Some("package(e2e)"),
        }
    }

    pub fn needs_postgres(self) -> bool {
        matches!(self, Layer::Integration | Layer::E2e)
    }

    pub fn needs_browser(self) -> bool {
        self == Layer::E2e
    }
}

pub async fn run(layers: &[Layer]) -> Result<ExitCode> {
    let missing = crate::setup::missing_prerequisites(layers);
    if !missing.is_empty() {
        eprintln!("Missing prerequisites:");
        for prerequisite in &missing {
            eprintln!("  - {prerequisite}");
        }
        eprintln!("`cargo xtask setup` installs all of them on Debian/Ubuntu.");
        return Ok(ExitCode::FAILURE);
    }
    let pyramid_dir = Path::new(PYRAMID_DIR);
    if pyramid_dir.exists() {
        std::fs::remove_dir_all(pyramid_dir)?;
    }
    std::fs::create_dir_all(pyramid_dir)?;

    let started = Instant::now();
    let mut summary = RunSummary::default();
    let mut postgres: Option<PostgresServer> = None;
    let outcome = tokio::select! {
        outcome = run_layers(layers, &mut summary, &mut postgres) => outcome,
        () = interrupted() => Err(anyhow::anyhow!("interrupted")),
    };
    // Whatever happened above, the container goes.
    if let Some(server) = postgres.take() {
        server.stop().await?;
    }
    summary.total_seconds = started.elapsed().as_secs_f64();
    report::print(&summary);
    report::write(&summary, pyramid_dir)?;
    outcome?;
    Ok(if summary.all_green() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

async fn run_layers(layers: &[Layer], summary: &mut RunSummary, postgres: &mut Option<PostgresServer>) -> Result<()> {
    let mut built = false;
    for (index, &layer) in layers.iter().enumerate() {
        println!("\n▶ [{}/{}] {}", index + 1, layers.len(), layer.name());
        if layer.filter().is_some() && !built {
            let build = Instant::now();
            build_tests().await?;
            summary.build_seconds = build.elapsed().as_secs_f64();
            built = true;
        }
        if layer.needs_postgres() && postgres.is_none() {
            let server = PostgresServer::start().await?;
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
            let _ = std::fs::remove_dir_all("target/e2e-artifacts");
        }
        let database_url = postgres.as_ref().map(|server| server.url().to_owned());
        let result = match layer {
            Layer::Lint => run_lint().await?,
            _ => run_nextest(layer, database_url.as_deref()).await?,
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

/// Builds every test binary once, so that layer times are test times.
async fn build_tests() -> Result<()> {
    let status = cargo::async_command(["nextest", "run", "--workspace", "--locked", "--no-run", "--cargo-quiet"])
        .status()
        .await
        .context("running cargo nextest")?;
    if !status.success() {
        bail!("the tests do not build");
    }
    Ok(())
}

async fn run_nextest(layer: Layer, database_url: Option<&str>) -> Result<LayerResult> {
    let filter = layer.filter().context("not a test layer")?;
    let _ = std::fs::remove_file(NEXTEST_JUNIT);
    let mut command = cargo::async_command([
        "nextest",
        "run",
        "--workspace",
        "--locked",
        "--cargo-quiet",
        "--profile",
        "ci",
        "-E",
        filter,
    ]);
    command.kill_on_drop(true);
    if let Some(url) = database_url {
        command.env(URL_ENV, url);
    }
    let started = Instant::now();
    let status = command.status().await.context("running cargo nextest")?;
    let seconds = started.elapsed().as_secs_f64();
    let junit = PathBuf::from(PYRAMID_DIR).join(format!("{}.junit.xml", layer.name()));
    let counts = match std::fs::read_to_string(NEXTEST_JUNIT) {
        Ok(xml) => {
            std::fs::write(&junit, &xml)?;
            Some(Report::deserialize_from_str(&xml).context("reading nextest's JUnit report")?)
        }
        Err(_) => None,
    };
    Ok(LayerResult::from_report(layer.name(), counts.as_ref(), seconds, status.success()))
}

/// `cargo fmt --check` and `cargo clippy -D warnings`, reported as a JUnit suite of two checks.
async fn run_lint() -> Result<LayerResult> {
    let checks: [(&str, &[&str]); 2] = [
        ("fmt", &["fmt", "--all", "--", "--check"]),
        ("clippy", &["clippy", "--workspace", "--all-targets", "--locked", "--quiet", "--", "-D", "warnings"]),
    ];
    let started = Instant::now();
    let mut suite = TestSuite::new("lint");
    for (name, args) in checks {
        println!("  cargo {}", args.join(" "));
        let check_started = Instant::now();
        let output = cargo::async_command(args).stdin(Stdio::null()).output().await?;
        let mut case = if output.status.success() {
            TestCase::new(name, TestCaseStatus::success())
        } else {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            let text =
                format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
            print!("{text}");
            status.set_description(text);
            TestCase::new(name, status)
        };
        case.set_time(check_started.elapsed());
        suite.add_test_case(case);
    }
    let seconds = started.elapsed().as_secs_f64();
    suite.set_time(Duration::from_secs_f64(seconds));
    let mut report = Report::new("lint");
    report.add_test_suite(suite);
    std::fs::write(Path::new(PYRAMID_DIR).join("lint.junit.xml"), report.to_string()?)?;
    Ok(LayerResult::from_report("lint", Some(&report), seconds, true))
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
