//! `cargo xtask coverage`: which lines of the product each layer's tests run, layer by layer
//! and all together, crate by crate.
//!
//! cargo-llvm-cov is the field's tool and runs nextest's profiles directly, but it needs the
//! toolchain's `llvm-tools` component. Where that is missing (and cannot be downloaded), the
//! same layers run under cargo-tarpaulin's LLVM engine, which reads the raw profiles itself.
//! The report names the tool that produced its figures.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use testbed::postgres::{PostgresServer, URL_ENV};

use crate::layer::Layer;
use crate::line_coverage::{ALL_LAYERS, CoverageReport, LineHits, Lines, REPORT_FILE};
use crate::mutation::TEST_LAYERS;
use crate::provision::{self, Need};
use crate::report::PYRAMID_DIR;
use crate::{cargo, progress, run_facts};

/// Which coverage tool runs here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Tool {
    /// cargo-llvm-cov: runs nextest's layer profiles; needs the `llvm-tools` component.
    LlvmCov,
    /// cargo-tarpaulin with its LLVM engine: needs no component.
    Tarpaulin,
}

impl Tool {
    /// cargo-llvm-cov where the toolchain has `llvm-tools` and it is installed, else tarpaulin.
    pub fn detect() -> Self {
        let has_llvm_tools =
            std::process::Command::new("rustup").args(["component", "list", "--installed"]).output().is_ok_and(
                |output| String::from_utf8_lossy(&output.stdout).lines().any(|line| line.starts_with("llvm-tools")),
            );
        let has_llvm_cov =
            crate::cargo::command(["llvm-cov", "--version"]).output().is_ok_and(|output| output.status.success());
        if has_llvm_tools && has_llvm_cov { Tool::LlvmCov } else { Tool::Tarpaulin }
    }
}

/// Where each layer's LCOV tracefile is written.
const OUTPUT: &str = "target/coverage";

/// What a coverage run was, kept beside its LCOV files so that `--analyse` can count them
/// again without running the tests.
#[derive(Debug, Serialize, Deserialize)]
struct RunFacts {
    tool: String,
    commit: String,
    measured_at: String,
}

/// Measures each test layer's coverage of the product, and all layers' together.
pub async fn run(tool: Option<Tool>) -> Result<()> {
    let tool = tool.unwrap_or_else(Tool::detect);
    provision::ensure(&TEST_LAYERS).await?;
    if tool == Tool::Tarpaulin {
        provision::ensure_needs(&[Need::Tarpaulin]).await?;
    }
    let server = progress::show("starting the run's Postgres container", PostgresServer::start()).await?;
    let measured = measure_layers(tool, server.url()).await;
    server.stop().await?;
    measured?;
    let facts = RunFacts { tool: tool.version()?, commit: run_facts::head_commit()?, measured_at: run_facts::now() };
    run_facts::save(Path::new(OUTPUT), &facts)?;
    analyse_last_run()
}

/// Counts the last run's LCOV files (`target/coverage/<layer>/lcov.info`) into
/// `target/pyramid/coverage.json`.
pub fn analyse_last_run() -> Result<()> {
    let facts: RunFacts = run_facts::read(Path::new(OUTPUT), "cargo xtask coverage")?;
    let mut measured = Vec::new();
    let mut all = LineHits::default();
    for layer in TEST_LAYERS {
        let tracefile = Path::new(OUTPUT).join(layer.name()).join("lcov.info");
        let text = std::fs::read_to_string(&tracefile)
            .with_context(|| format!("reading {}, the {} layer's coverage", tracefile.display(), layer.name()))?;
        let hits = LineHits::from_lcov(&text);
        all.union(&hits);
        measured.push((layer, hits));
    }
    let mut layers: BTreeMap<String, BTreeMap<String, Lines>> =
        measured.iter().map(|(layer, hits)| (layer.name().to_owned(), hits.per_crate_of(&all))).collect();
    layers.insert(ALL_LAYERS.to_owned(), all.per_crate());
    let report = CoverageReport { tool: facts.tool, commit: facts.commit, measured_at: facts.measured_at, layers };
    let dir = Path::new(PYRAMID_DIR);
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join(REPORT_FILE), serde_json::to_string_pretty(&report)?)?;
    let markdown = crate::catches::coverage_markdown(&report);
    println!("\n{markdown}");
    crate::report::to_step_summary(&markdown)?;
    crate::report::refresh(dir)
}

/// Runs each layer under `tool`, leaving its LCOV file in `target/coverage/<layer>/`.
async fn measure_layers(tool: Tool, database_url: &str) -> Result<()> {
    for layer in TEST_LAYERS {
        let dir = Path::new(OUTPUT).join(layer.name());
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let tracefile = match tool {
            Tool::LlvmCov => llvm_cov(layer, &dir, database_url).await?,
            Tool::Tarpaulin => tarpaulin(layer, &dir, database_url).await?,
        };
        if !tracefile.is_file() {
            bail!("the {} layer's run left no {}", layer.name(), tracefile.display());
        }
    }
    Ok(())
}

/// The layer's nextest profile under cargo-llvm-cov, its counters cleared first.
async fn llvm_cov(layer: Layer, dir: &Path, database_url: &str) -> Result<PathBuf> {
    let profile = layer.nextest_profile().context("not a test layer")?;
    run_cargo(&format!("clearing coverage before {}", layer.name()), &["llvm-cov", "clean", "--workspace"], None)
        .await?;
    run_cargo(
        &format!("the {} tests under cargo-llvm-cov", layer.name()),
        &["llvm-cov", "nextest", "--workspace", "--locked", "--no-report", "--profile", profile],
        Some(database_url),
    )
    .await?;
    let tracefile = dir.join("lcov.info");
    let path = tracefile.to_string_lossy().into_owned();
    run_cargo("writing the LCOV file", &["llvm-cov", "report", "--lcov", "--output-path", &path], None).await?;
    Ok(tracefile)
}

/// The cargo targets tarpaulin runs for a layer. Tarpaulin runs test binaries itself and
/// cannot read nextest's filtersets, so each layer's filter is restated here as cargo's
/// target selection; a test below fails if the filters in `.config/nextest.toml` change.
fn tarpaulin_targets(layer: Layer) -> &'static [&'static str] {
    match layer {
        Layer::Unit => &["--workspace", "--exclude", "xtask", "--exclude", "tidy", "--lib", "--bins"],
        // The black-box tests start the real binary: its lines count too.
        Layer::Integration => {
            &["--workspace", "--exclude", "xtask", "--exclude", "tidy", "--exclude", "e2e", "--tests", "--follow-exec"]
        }
        Layer::E2e => &["--package", "e2e", "--tests"],
        Layer::Lint => &[],
    }
}

async fn tarpaulin(layer: Layer, dir: &Path, database_url: &str) -> Result<PathBuf> {
    let output_dir = dir.to_string_lossy().into_owned();
    let mut args = vec![
        "tarpaulin",
        "--engine",
        "llvm",
        "--skip-clean",
        "--locked",
        "--target-dir",
        "target/tarpaulin",
        "--out",
        "Lcov",
        "--output-dir",
        &output_dir,
        // Its default of 60 s without a word from a test binary stopped the store's contract
        // suite, whose Postgres half runs long under instrumentation.
        "--timeout",
        "900",
    ];
    args.extend(tarpaulin_targets(layer));
    run_cargo(&format!("the {} tests under cargo-tarpaulin", layer.name()), &args, Some(database_url)).await?;
    Ok(dir.join("lcov.info"))
}

async fn run_cargo(what: &str, args: &[&str], database_url: Option<&str>) -> Result<()> {
    let mut command = cargo::async_command(args);
    if let Some(url) = database_url {
        command.env(URL_ENV, url);
    }
    let status = progress::cargo(what, command, |_| None).await?;
    if !status.success() {
        bail!("{what} failed ({status}): `cargo {}`", args.join(" "));
    }
    Ok(())
}

impl Tool {
    /// The tool's name and version, as the report credits it.
    fn version(self) -> Result<String> {
        let (args, engine) = match self {
            Tool::LlvmCov => (["llvm-cov", "--version"], ""),
            Tool::Tarpaulin => (["tarpaulin", "--version"], " (LLVM engine)"),
        };
        let output = cargo::command(args).output()?;
        let text = String::from_utf8_lossy(&output.stdout);
        let version = text.split_whitespace().last().context("the coverage tool printed no version")?;
        let name = match self {
            Tool::LlvmCov => "cargo-llvm-cov",
            Tool::Tarpaulin => "cargo-tarpaulin",
        };
        Ok(format!("{name} {version}{engine}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tarpaulins_targets_restate_each_layers_nextest_filter() {
        let filters =
            crate::layer::Filters::load(Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).unwrap()).unwrap();
        let restated = [
            (Layer::Unit, "kind(lib) | kind(bin)"),
            (Layer::Integration, "kind(test) & !package(e2e)"),
            (Layer::E2e, "package(e2e)"),
        ];

        for (layer, filter) in restated {
            assert_eq!(
                filters.of(layer).unwrap(),
                filter,
                "the {} filter changed: change tarpaulin_targets to select the same tests",
                layer.name()
            );
            assert!(!tarpaulin_targets(layer).is_empty());
        }
    }
}
