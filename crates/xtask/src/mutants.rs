//! `cargo xtask mutants`: what each layer of the pyramid catches, measured by mutation testing.
//!
//! cargo-mutants (configured in `.cargo/mutants.toml`) changes the product's code one mutant
//! at a time, builds it once, and runs every layer's tests against it; `mutation` reads which
//! layers killed each mutant. A full run is long (one to two minutes a mutant on two cores),
//! so it is sharded (`--shard k/n`, merged with `--merge`), and a pull request mutates only
//! its diff (`--in-diff`). `--re` narrows a run to chosen mutants, and `--js` mutates the
//! pages' JavaScript instead (`js_mutants`). The analysis is `target/pyramid/mutants.json`,
//! read by the report.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use testbed::postgres::{PostgresServer, URL_ENV};

use crate::mutation::{MutantsReport, REPORT_FILE, TEST_LAYERS, TestLayers, analyse};
use crate::provision::{self, Need};
use crate::report::PYRAMID_DIR;
use crate::{cargo, progress, run_facts};

/// Where cargo-mutants writes `mutants.out/`.
const OUTPUT: &str = "target/mutants";

/// How `cargo xtask mutants` was asked to run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Test one shard of the mutants (`k/n`), as CI's scheduled matrix does.
    pub shard: Option<String>,
    /// Mutate only the lines this diff touches: a pull request's check.
    pub in_diff: Option<PathBuf>,
    /// Mutate this tree and build in its `target/`, instead of a copy built from scratch.
    pub in_place: bool,
    /// Mutate only the mutants whose names match one of these regexes.
    pub names: Vec<String>,
    /// Mutate the pages' JavaScript instead of the Rust (`js_mutants`).
    pub javascript: bool,
}

/// What the run itself was, kept beside cargo-mutants' output so that the analysis can be
/// redone (`--analyse`) without running the mutants again.
#[derive(Debug, Serialize, Deserialize)]
struct RunFacts {
    commit: String,
    measured_at: String,
    selection: String,
    cargo_mutants: String,
    mutants_in_product: usize,
    wall_seconds: f64,
}

const TEST_LAYERS_FILE: &str = "layers.json";

pub async fn run(options: &Options) -> Result<()> {
    if options.javascript {
        if !options.in_place {
            bail!("--js writes each mutant over the scripts of this tree: run it in a clone, with --in-place");
        }
        return save(&crate::js_mutants::run(&options.names, selection(options)).await?);
    }
    provision::ensure(&TEST_LAYERS).await?;
    provision::ensure_needs(&[Need::CargoMutants]).await?;
    let commit = run_facts::head_commit()?;
    if run_facts::tree_is_dirty()? {
        eprintln!("note: the tree has uncommitted changes; the report names {commit} but measures them too");
    }
    let mutants_in_product = count_mutants().await?;
    // Listed before the mutants, from the tree they are made from: a test renamed later
    // cannot go missing from the map.
    let layers = progress::show("listing each layer's tests", TestLayers::list()).await?;
    std::fs::create_dir_all(OUTPUT)?;
    std::fs::write(Path::new(OUTPUT).join(TEST_LAYERS_FILE), serde_json::to_string(&layers)?)?;

    let server = progress::show("starting the run's Postgres container", PostgresServer::start()).await?;
    let started = Instant::now();
    let status = run_cargo_mutants(options, server.url()).await;
    let wall_seconds = started.elapsed().as_secs_f64();
    server.stop().await?;
    let status = status?;
    // 0: all caught; 2: some missed; 3: some timed out. Anything else is the tool failing.
    if !matches!(status.code(), Some(0 | 2 | 3)) {
        bail!("cargo mutants failed ({status}): see {OUTPUT}/mutants.out/debug.log");
    }
    let facts = RunFacts {
        commit,
        measured_at: run_facts::now(),
        selection: selection(options),
        cargo_mutants: cargo_mutants_version()?,
        mutants_in_product,
        wall_seconds,
    };
    run_facts::save(Path::new(OUTPUT), &facts)?;
    analyse_last_run()
}

/// Reads the last run's output in `target/mutants/` into `target/pyramid/mutants.json`.
pub fn analyse_last_run() -> Result<()> {
    let facts: RunFacts = run_facts::read(Path::new(OUTPUT), "cargo xtask mutants")?;
    let layers: TestLayers = serde_json::from_str(&std::fs::read_to_string(Path::new(OUTPUT).join(TEST_LAYERS_FILE))?)?;
    let report = MutantsReport {
        mutants: analyse(&Path::new(OUTPUT).join("mutants.out"), &layers)?,
        commit: facts.commit,
        measured_at: facts.measured_at,
        selection: facts.selection,
        cargo_mutants: facts.cargo_mutants,
        mutants_in_product: facts.mutants_in_product,
        wall_seconds: facts.wall_seconds,
        machine_seconds: facts.wall_seconds,
    };
    save(&report)
}

/// Merges the shards' `mutants.json` found under `dirs` into `target/pyramid/mutants.json`.
pub fn merge(dirs: &[PathBuf]) -> Result<()> {
    let mut parts = Vec::new();
    for path in crate::report::files_named(dirs, REPORT_FILE)? {
        let text = std::fs::read_to_string(&path)?;
        parts.push(serde_json::from_str(&text).with_context(|| format!("reading {}", path.display()))?);
    }
    save(&MutantsReport::merge(parts)?)
}

fn save(report: &MutantsReport) -> Result<()> {
    let dir = Path::new(PYRAMID_DIR);
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join(REPORT_FILE), serde_json::to_string_pretty(report)?)?;
    let markdown = crate::catches::mutants_markdown(report);
    println!("\n{markdown}");
    crate::report::to_step_summary(&markdown)?;
    crate::report::refresh(dir)
}

/// What the run mutated, in words the report prints beside its figures.
fn selection(options: &Options) -> String {
    let mut parts = Vec::new();
    if options.javascript {
        parts.push("javascript".to_owned());
    }
    if let Some(shard) = &options.shard {
        parts.push(format!("shard {shard}"));
    }
    if let Some(diff) = &options.in_diff {
        parts.push(format!("in-diff {}", diff.display()));
    }
    if !options.names.is_empty() {
        parts.push(format!("names matching {}", options.names.join(" or ")));
    }
    if parts.is_empty() { "all".to_owned() } else { parts.join(", ") }
}

async fn run_cargo_mutants(options: &Options, database_url: &str) -> Result<std::process::ExitStatus> {
    // `test_workspace` in .cargo/mutants.toml is not applied by cargo-mutants 27.1.0: without
    // the flag only the mutated packages' tests ran, and e2e's never did.
    let mut command = cargo::async_command(["mutants", "--output", OUTPUT, "--no-shuffle", "--test-workspace=true"]);
    if options.in_place {
        command.arg("--in-place");
    }
    if let Some(shard) = &options.shard {
        command.args(["--shard", shard]);
    }
    if let Some(diff) = &options.in_diff {
        command.arg("--in-diff").arg(diff);
    }
    for name in &options.names {
        command.args(["--re", name]);
    }
    command.env(URL_ENV, database_url).kill_on_drop(true);
    command.status().await.context("running cargo mutants")
}

/// How many mutants the whole product has, so that a shard's report says what it samples.
async fn count_mutants() -> Result<usize> {
    let output = cargo::async_command(["mutants", "--list"]).output().await?;
    if !output.status.success() {
        bail!("cargo mutants --list failed:\n{}", String::from_utf8_lossy(&output.stderr));
    }
    Ok(String::from_utf8_lossy(&output.stdout).lines().count())
}

fn cargo_mutants_version() -> Result<String> {
    let output = cargo::command(["mutants", "--version"]).output()?;
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_narrowed_several_ways_says_each_in_its_selection() {
        let options = Options {
            shard: Some("0/32".to_owned()),
            names: vec!["text.rs".to_owned(), "forms.rs:78".to_owned()],
            ..Options::default()
        };

        assert_eq!(selection(&options), "shard 0/32, names matching text.rs or forms.rs:78");
    }

    #[test]
    fn a_run_narrowed_no_way_is_all_the_mutants() {
        assert_eq!(selection(&Options::default()), "all");
    }
}
