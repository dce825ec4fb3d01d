//! The pyramid report: printed at the end of a run, and written to `target/pyramid/` as JSON,
//! Markdown (also appended to `$GITHUB_STEP_SUMMARY` on GitHub Actions) and an HTML page.
//!
//! A run updates the layers it ran and keeps the others' last results, each marked with when
//! it was measured; the page also shows the last coverage (`cargo xtask coverage`) and mutation
//! (`cargo xtask mutants`) results found beside it.

mod html;
mod shape;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;
use quick_junit::{Report, TestCaseStatus};
use serde::{Deserialize, Serialize};

use crate::layer::Layer;
use crate::line_coverage::CoverageReport;
use crate::mutation::MutantsReport;
use crate::run_facts::short_commit;
pub use shape::Shape;

/// Where every command leaves its results, and the page that draws them.
pub const PYRAMID_DIR: &str = "target/pyramid";

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct RunSummary {
    pub layers: Vec<LayerResult>,
    pub build_seconds: f64,
    pub total_seconds: f64,
    /// From asking Docker for the container to the first successful query.
    pub postgres_ready_ms: Option<u128>,
    /// When this run ended (RFC 3339); a layer measured at another time is an earlier run's.
    #[serde(default)]
    pub measured_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LayerResult {
    pub name: String,
    pub tests: usize,
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub seconds: f64,
    /// False when the tool itself failed (the tests did not build, nextest crashed).
    pub ran_cleanly: bool,
    /// The shard this is (`hash:1/2`), when CI split the layer across jobs.
    #[serde(default)]
    pub partition: Option<String>,
    /// How many shards' results this row sums.
    #[serde(default = "one")]
    pub shards: usize,
    /// When the run that measured this layer ended (RFC 3339).
    #[serde(default)]
    pub measured_at: Option<String>,
    /// The median of the layer's test times.
    #[serde(default)]
    pub median_test_seconds: Option<f64>,
    /// Building what this layer adds to the layers before it, in a fastest-first run.
    #[serde(default)]
    pub build_seconds: Option<f64>,
    #[serde(default)]
    pub failures: Vec<FailedTest>,
}

/// A test that failed, with where to read more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedTest {
    pub name: String,
    /// The failure's message and the first lines of its output.
    pub message: String,
    /// The layer's JUnit file, relative to the report.
    pub junit: String,
    /// What the browser showed when the test failed, relative to the report (e2e only).
    pub artifacts: Option<String>,
}

fn one() -> usize {
    1
}

/// How much of a failure's output the report keeps: its start says what went wrong.
const MESSAGE_LINES: usize = 12;

impl LayerResult {
    pub fn from_report(name: &str, report: Option<&Report>, seconds: f64, exited_ok: bool) -> Self {
        let (tests, failed, skipped) =
            report.map_or((0, 0, 0), |report| (report.tests, report.failures + report.errors, report.skipped));
        let cases = || report.into_iter().flat_map(|report| &report.test_suites).flat_map(|suite| &suite.test_cases);
        let mut times: Vec<Duration> = cases().filter_map(|case| case.time).collect();
        times.sort();
        let failures = cases()
            .filter_map(|case| match &case.status {
                TestCaseStatus::NonSuccess { message, description, .. } => Some(FailedTest {
                    name: case.name.to_string(),
                    message: failure_message(message.as_deref(), description.as_deref()),
                    junit: format!("{name}.junit.xml"),
                    artifacts: None,
                }),
                _ => None,
            })
            .collect();
        Self {
            name: name.to_owned(),
            tests,
            passed: tests.saturating_sub(failed + skipped),
            failed,
            skipped,
            seconds,
            // A red exit with no failed test means the run itself broke.
            ran_cleanly: exited_ok || failed > 0,
            partition: None,
            shards: 1,
            measured_at: None,
            median_test_seconds: (!times.is_empty()).then(|| crate::repeat::median(&times).as_secs_f64()),
            build_seconds: None,
            failures,
        }
    }

    /// Links each failed browser test to what its browser showed, when it left something in
    /// `artifacts` (a directory per test, named as testkit names it: `::` → `__`), given as
    /// seen from the report.
    pub fn link_artifacts(&mut self, artifacts: &Path, as_seen_from_report: &str) {
        for failure in &mut self.failures {
            let dir = failure.name.replace("::", "__");
            if artifacts.join(&dir).is_dir() {
                failure.artifacts = Some(format!("{as_seen_from_report}/{dir}/"));
            }
        }
    }

    /// Two shards of one layer as one row: counts add up; the shards ran side by side, so the
    /// layer took as long as the slowest.
    fn absorb(&mut self, shard: LayerResult) {
        self.tests += shard.tests;
        self.passed += shard.passed;
        self.failed += shard.failed;
        self.skipped += shard.skipped;
        self.seconds = self.seconds.max(shard.seconds);
        self.ran_cleanly &= shard.ran_cleanly;
        self.shards += shard.shards;
        self.partition = None;
        self.failures.extend(shard.failures);
        // The shards' medians do not make the layer's; the larger is the honest bound.
        self.median_test_seconds = match (self.median_test_seconds, shard.median_test_seconds) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        self.measured_at = self.measured_at.take().max(shard.measured_at);
    }

    pub fn green(&self) -> bool {
        self.failed == 0 && self.ran_cleanly
    }

    fn status(&self) -> &'static str {
        if self.green() { "green" } else { "red" }
    }
}

/// A JUnit failure as the report shows it: the message, then the start of the output.
fn failure_message(message: Option<&str>, description: Option<&str>) -> String {
    let mut lines: Vec<&str> = message.into_iter().collect();
    lines.extend(description.unwrap_or_default().lines().filter(|line| !line.trim().is_empty()).take(MESSAGE_LINES));
    let text = lines.join("\n");
    if text.is_empty() { "(no message)".to_owned() } else { text }
}

impl RunSummary {
    /// Several runs' summaries (one per CI job) as one, layers in pyramid order, the shards of
    /// a layer summed into one row.
    pub fn merge(parts: Vec<RunSummary>) -> Self {
        let mut merged = RunSummary::default();
        for part in parts {
            for layer in part.layers {
                match merged.layers.iter_mut().find(|existing| existing.name == layer.name) {
                    Some(existing) => existing.absorb(layer),
                    None => merged.layers.push(layer),
                }
            }
            merged.build_seconds += part.build_seconds;
            merged.total_seconds += part.total_seconds;
            merged.postgres_ready_ms = merged.postgres_ready_ms.or(part.postgres_ready_ms);
            merged.measured_at = merged.measured_at.take().max(part.measured_at);
        }
        merged.sort_layers();
        merged
    }

    /// Keeps `earlier`'s result for each layer this run did not run, still marked with when
    /// it was measured.
    pub fn carry_over(&mut self, earlier: RunSummary) {
        for layer in earlier.layers {
            if !self.layers.iter().any(|ran| ran.name == layer.name) {
                self.layers.push(layer);
            }
        }
        self.sort_layers();
    }

    fn sort_layers(&mut self) {
        self.layers.sort_by_key(|layer| Layer::from_name(&layer.name));
    }

    pub fn all_green(&self) -> bool {
        self.layers.iter().all(LayerResult::green)
    }

    /// Measured by an earlier run than this one.
    fn is_earlier(&self, layer: &LayerResult) -> bool {
        layer.measured_at.is_some() && layer.measured_at != self.measured_at
    }

    /// The test layers (lint's checks are not tests), in pyramid order.
    fn test_layers(&self) -> impl Iterator<Item = &LayerResult> {
        self.layers.iter().filter(|layer| layer.name != "lint")
    }

    /// `layer`'s tests as a share of all tests, in percent (lint's checks are not tests).
    fn test_share(&self, layer: &LayerResult) -> f64 {
        let total: usize = self.test_layers().map(|layer| layer.tests).sum();
        if layer.name == "lint" || total == 0 {
            return 0.0;
        }
        layer.tests as f64 * 100.0 / total as f64
    }

    /// `layer`'s wall time as a share of every layer's, lint included: lint's time is paid too.
    fn time_share(&self, layer: &LayerResult) -> f64 {
        let total: f64 = self.layers.iter().map(|layer| layer.seconds).sum();
        if total == 0.0 { 0.0 } else { layer.seconds * 100.0 / total }
    }

    /// The shape the test layers' bars make, from the top (e2e) down, by `measure`.
    fn shape(&self, measure: impl Fn(&LayerResult) -> f64) -> Shape {
        let widths: Vec<f64> =
            self.test_layers().collect::<Vec<_>>().iter().rev().map(|layer| measure(layer)).collect();
        Shape::of(&widths)
    }

    fn failures(&self) -> impl Iterator<Item = (&LayerResult, &FailedTest)> {
        self.layers.iter().flat_map(|layer| layer.failures.iter().map(move |failure| (layer, failure)))
    }
}

/// What the report shows beside the test run: the last coverage and mutation runs, if any.
#[derive(Debug, Default)]
pub struct Measurements {
    pub coverage: Option<CoverageReport>,
    pub mutants: Option<MutantsReport>,
}

impl Measurements {
    /// The results found in `dir`, each as its own command left it.
    pub fn read(dir: &Path) -> Result<Self> {
        let read = |file: &str| std::fs::read_to_string(dir.join(file)).ok();
        Ok(Self {
            coverage: read(crate::line_coverage::REPORT_FILE).map(|json| serde_json::from_str(&json)).transpose()?,
            mutants: read(crate::mutation::REPORT_FILE).map(|json| serde_json::from_str(&json)).transpose()?,
        })
    }

    /// `layer`'s line coverage of the product, formatted.
    fn coverage_cell(&self, layer: &str) -> String {
        let lines = self.coverage.as_ref().and_then(|coverage| coverage.product(layer));
        lines.and_then(|lines| lines.percent()).map_or_else(|| "–".to_owned(), |percent| format!("{percent:.1} %"))
    }

    /// `layer`'s mutants killed, and those killed by it alone, formatted.
    fn mutant_cells(&self, layer: &str) -> [String; 2] {
        let tally = self.mutants.as_ref().zip(Layer::from_name(layer)).filter(|(_, layer)| *layer != Layer::Lint);
        match tally.map(|(mutants, layer)| (mutants.tally(layer), mutants.mutants.len())) {
            Some((tally, total)) => [format!("{}/{total}", tally.killed), tally.unique.to_string()],
            None => ["–".to_owned(), "–".to_owned()],
        }
    }
}

const BAR_WIDTH: usize = 40;

const HEADINGS: [&str; 11] = [
    "layer",
    "tests",
    "failed",
    "time",
    "time share",
    "median test",
    "coverage",
    "mutants killed",
    "only here",
    "status",
    "measured",
];

/// One row of the table, formatted, in the order of [`HEADINGS`].
fn cells(summary: &RunSummary, measurements: &Measurements, layer: &LayerResult) -> [String; 11] {
    let name = match (&layer.partition, layer.shards) {
        (Some(partition), _) => format!("{} ({partition})", layer.name),
        (None, 1) => layer.name.clone(),
        (None, shards) => format!("{} ({shards} shards)", layer.name),
    };
    let [killed, unique] = measurements.mutant_cells(&layer.name);
    [
        name,
        layer.tests.to_string(),
        layer.failed.to_string(),
        format!("{:.1} s", layer.seconds),
        format!("{:.0} %", summary.time_share(layer)),
        layer.median_test_seconds.map_or_else(|| "–".to_owned(), |seconds| format!("{:.3} s", seconds)),
        measurements.coverage_cell(&layer.name),
        killed,
        unique,
        layer.status().to_owned(),
        measured_label(summary, layer),
    ]
}

fn measured_label(summary: &RunSummary, layer: &LayerResult) -> String {
    match &layer.measured_at {
        Some(at) if summary.is_earlier(layer) => format!("earlier run, {at}"),
        _ => "this run".to_owned(),
    }
}

/// The test layers drawn as text bars, top down, centred, widths proportional to `share`.
fn bars(summary: &RunSummary, share: impl Fn(&LayerResult) -> f64) -> String {
    let mut out = String::new();
    for layer in summary.test_layers().collect::<Vec<_>>().iter().rev() {
        let width = ((share(layer) / 100.0) * BAR_WIDTH as f64).round().max(1.0) as usize;
        let padding = (BAR_WIDTH - width.min(BAR_WIDTH)) / 2;
        let _ = writeln!(out, "{:>12} {}{}", layer.name, " ".repeat(padding), "█".repeat(width));
    }
    out
}

/// The layers' test and time shares, each called by its shape.
fn shapes_text(summary: &RunSummary) -> String {
    if summary.test_layers().next().is_none() {
        return String::new();
    }
    let test_layers_time: f64 = summary.test_layers().map(|layer| layer.seconds).sum();
    let time_of_tests = |layer: &LayerResult| {
        if test_layers_time == 0.0 { 0.0 } else { layer.seconds * 100.0 / test_layers_time }
    };
    format!(
        "Tests per layer: {}\n{}\nTime per layer: {}\n{}",
        summary.shape(|layer| layer.tests as f64).name(),
        bars(summary, |layer| summary.test_share(layer)),
        summary.shape(|layer| layer.seconds).name(),
        bars(summary, time_of_tests),
    )
}

/// The table, the run's totals, and the shapes.
pub fn text(summary: &RunSummary, measurements: &Measurements) -> String {
    let rows: Vec<[String; 11]> = summary.layers.iter().map(|layer| cells(summary, measurements, layer)).collect();
    // The name column fits the longest name ("integration (2 shards)").
    let width = rows.iter().map(|row| row[0].chars().count() + 1).max().unwrap_or(0).max(12);
    // Columns as in the terminal summary: the numbers, the status; the rest is in the page.
    let line = |cells: &[String]| {
        let numbers: Vec<String> = cells[1..6].iter().map(|cell| format!("{cell:>12}")).collect();
        format!("{:<width$}{}  {}  {}\n", cells[0], numbers.join(""), cells[9], cells[10])
    };
    let mut out = line(&HEADINGS.map(str::to_owned));
    for row in &rows {
        out.push_str(&line(row));
    }
    let _ = writeln!(out, "build {:.1} s, total {:.1} s", summary.build_seconds, summary.total_seconds);
    if let Some(ms) = summary.postgres_ready_ms {
        let _ = writeln!(out, "Postgres container ready in {ms} ms");
    }
    out.push('\n');
    out.push_str(&shapes_text(summary));
    out
}

pub fn print(summary: &RunSummary, measurements: &Measurements) {
    println!("\nThe layers\n\n{}", text(summary, measurements));
    for (layer, failure) in summary.failures() {
        println!("✗ {} {}: {}", layer.name, failure.name, failure.message.lines().next().unwrap_or_default());
    }
}

pub fn write(summary: &RunSummary, dir: &Path) -> Result<()> {
    let markdown = write_files(summary, dir)?;
    to_step_summary(&markdown)
}

/// Writes the report's files in `dir`; the Markdown written.
fn write_files(summary: &RunSummary, dir: &Path) -> Result<String> {
    let measurements = Measurements::read(dir)?;
    std::fs::write(dir.join("summary.json"), serde_json::to_string_pretty(summary)?)?;
    let markdown = markdown(summary, &measurements);
    std::fs::write(dir.join("summary.md"), &markdown)?;
    std::fs::write(dir.join("index.html"), html::page(summary, &measurements))?;
    Ok(markdown)
}

/// Appends `markdown` to the GitHub Actions job's summary page, when there is one.
pub fn to_step_summary(markdown: &str) -> Result<()> {
    if let Ok(path) = std::env::var("GITHUB_STEP_SUMMARY") {
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new().append(true).create(true).open(path)?;
        file.write_all(markdown.as_bytes())?;
    }
    Ok(())
}

fn markdown(summary: &RunSummary, measurements: &Measurements) -> String {
    let mut out = format!(
        "## The test layers\n\n| {} |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n",
        HEADINGS.join(" | ")
    );
    for layer in &summary.layers {
        let _ = writeln!(out, "| {} |", cells(summary, measurements, layer).join(" | "));
    }
    let _ = write!(out, "\n```\n{}```\n", shapes_text(summary));
    let failures: Vec<_> = summary.failures().collect();
    if !failures.is_empty() {
        out.push_str("\n### Failed tests\n\n");
        for (layer, failure) in failures {
            let first = failure.message.lines().next().unwrap_or_default();
            let _ = writeln!(out, "- **{}** `{}`: {first} ({})", layer.name, failure.name, failure.junit);
        }
    }
    out.push_str(&sources(measurements));
    out
}

/// Where the coverage and mutation columns come from, or how to fill them.
pub fn sources(measurements: &Measurements) -> String {
    let mut out = String::from("\n");
    match &measurements.coverage {
        Some(coverage) => {
            let _ = writeln!(
                out,
                "Coverage: lines of the product crates, by {}, measured {} at `{}`.",
                coverage.tool,
                coverage.measured_at,
                short_commit(&coverage.commit)
            );
        }
        None => out.push_str("Coverage: not measured here; `cargo xtask coverage` fills it in.\n"),
    }
    match &measurements.mutants {
        Some(mutants) => {
            let _ = writeln!(
                out,
                "Mutants: {} of the product's {} ({}), by {}, measured {} at `{}`.",
                mutants.mutants.len(),
                mutants.mutants_in_product,
                mutants.selection,
                mutants.cargo_mutants,
                mutants.measured_at,
                short_commit(&mutants.commit)
            );
        }
        None => out.push_str("Mutants: not measured here; `cargo xtask mutants` fills them in.\n"),
    }
    out
}

/// Every `summary.json` under `dirs`, however the CI artifacts nested them.
pub fn read_summaries(dirs: &[PathBuf]) -> Result<Vec<RunSummary>> {
    let mut found = Vec::new();
    for path in files_named(dirs, "summary.json")? {
        found.push(serde_json::from_str(&std::fs::read_to_string(&path)?)?);
    }
    Ok(found)
}

/// Every file called `name` under `dirs`, however deep.
pub fn files_named(dirs: &[PathBuf], name: &str) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending: Vec<PathBuf> = dirs.to_vec();
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.file_name().is_some_and(|file| file == name) {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Writes the report in `dir` again from what it holds, after a measurement added to it.
pub fn refresh(dir: &Path) -> Result<()> {
    let summary = match std::fs::read_to_string(dir.join("summary.json")) {
        Ok(json) => serde_json::from_str(&json)?,
        Err(_) => RunSummary::default(),
    };
    write_files(&summary, dir).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(name: &str, tests: usize, failed: usize) -> LayerResult {
        LayerResult {
            failed,
            passed: tests - failed,
            measured_at: Some("2026-11-24T10:00:00Z".into()),
            ..LayerResult::from_report(name, None, 1.0, true)
        }
        .with_tests(tests)
    }

    impl LayerResult {
        fn with_tests(mut self, tests: usize) -> Self {
            self.tests = tests;
            self
        }
    }

    #[test]
    fn test_shares_count_tests_only_and_time_shares_count_lint_too() {
        let mut summary = RunSummary {
            layers: vec![layer("lint", 2, 0), layer("unit", 75, 0), layer("integration", 20, 0), layer("e2e", 5, 0)],
            ..RunSummary::default()
        };
        summary.layers[0].seconds = 7.0;

        let tests: Vec<f64> = summary.layers.iter().map(|l| summary.test_share(l)).collect();
        let time: Vec<f64> = summary.layers.iter().map(|l| summary.time_share(l)).collect();

        assert_eq!(tests, [0.0, 75.0, 20.0, 5.0]);
        assert_eq!(time, [70.0, 10.0, 10.0, 10.0]);
    }

    #[test]
    fn the_text_bars_are_drawn_narrowest_on_top_and_the_shape_is_named() {
        let summary = RunSummary {
            layers: vec![layer("unit", 75, 0), layer("integration", 20, 0), layer("e2e", 5, 0)],
            ..RunSummary::default()
        };

        let text = text(&summary, &Measurements::default());
        let bars: Vec<(&str, usize)> = text
            .lines()
            .filter(|line| line.contains('█'))
            .take(3)
            .map(|line| (line.split_whitespace().next().unwrap(), line.matches('█').count()))
            .collect();

        assert_eq!(bars, [("e2e", 2), ("integration", 8), ("unit", 30)]);
        assert!(text.contains("Tests per layer: a pyramid"), "{text}");
    }

    #[test]
    fn merging_ci_jobs_puts_layers_back_in_pyramid_order() {
        let part = |name| RunSummary { layers: vec![layer(name, 1, 0)], total_seconds: 2.0, ..RunSummary::default() };

        let merged = RunSummary::merge(vec![part("e2e"), part("lint"), part("integration"), part("unit")]);

        let names: Vec<&str> = merged.layers.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["lint", "unit", "integration", "e2e"]);
        assert_eq!(merged.total_seconds, 8.0);
    }

    #[test]
    fn the_shards_of_a_layer_merge_into_one_row_as_long_as_the_slowest() {
        let shard = |tests, failed, seconds| RunSummary {
            layers: vec![LayerResult { seconds, ..layer("integration", tests, failed) }],
            ..RunSummary::default()
        };

        let merged = RunSummary::merge(vec![shard(95, 0, 12.0), shard(94, 1, 15.0)]);

        let [integration] = merged.layers.as_slice() else { panic!("{:?}", merged.layers) };
        assert_eq!((integration.tests, integration.passed, integration.failed), (189, 188, 1));
        assert_eq!((integration.seconds, integration.shards), (15.0, 2));
        assert_eq!(cells(&merged, &Measurements::default(), integration)[0], "integration (2 shards)");
    }

    #[test]
    fn a_failed_layer_or_a_broken_run_is_red() {
        assert!(!RunSummary { layers: vec![layer("unit", 3, 1)], ..RunSummary::default() }.all_green());
        let broken = LayerResult::from_report("unit", None, 1.0, false);
        assert!(!broken.green(), "no report and a red exit: the tests did not even build");
    }

    #[test]
    fn running_one_layer_keeps_the_other_layers_last_results() {
        let earlier = RunSummary {
            layers: vec![layer("unit", 200, 0), layer("integration", 250, 0), layer("e2e", 17, 0)],
            measured_at: Some("2026-11-23T08:00:00Z".into()),
            ..RunSummary::default()
        };
        let mut now = RunSummary {
            layers: vec![LayerResult { measured_at: Some("2026-11-24T10:00:00Z".into()), ..layer("unit", 224, 0) }],
            measured_at: Some("2026-11-24T10:00:00Z".into()),
            ..RunSummary::default()
        };
        let earlier_layers: Vec<LayerResult> = earlier
            .layers
            .iter()
            .map(|layer| LayerResult { measured_at: Some("2026-11-23T08:00:00Z".into()), ..layer.clone() })
            .collect();

        now.carry_over(RunSummary { layers: earlier_layers, ..earlier });

        let rows: Vec<(&str, usize, String)> =
            now.layers.iter().map(|layer| (layer.name.as_str(), layer.tests, measured_label(&now, layer))).collect();
        assert_eq!(
            rows,
            [
                ("unit", 224, "this run".to_owned()),
                ("integration", 250, "earlier run, 2026-11-23T08:00:00Z".to_owned()),
                ("e2e", 17, "earlier run, 2026-11-23T08:00:00Z".to_owned()),
            ]
        );
    }

    #[test]
    fn a_junit_report_gives_the_median_test_time_and_each_failure_with_its_message() {
        use quick_junit::{NonSuccessKind, TestCase, TestSuite};
        let mut suite = TestSuite::new("web::api");
        for (name, millis) in [("a", 10), ("b", 30), ("c", 20)] {
            let mut case = TestCase::new(name, TestCaseStatus::success());
            case.set_time(Duration::from_millis(millis));
            suite.add_test_case(case);
        }
        let mut failed = TestCase::new("d", TestCaseStatus::non_success(NonSuccessKind::Failure));
        failed.status.set_message("test failed");
        failed.status.set_description("thread 'd' panicked at x.rs:3:5:\nleft: 1\nright: 2\n");
        failed.set_time(Duration::from_millis(40));
        suite.add_test_case(failed);
        let mut report = Report::new("nextest-run");
        report.add_test_suite(suite);

        let mut layer = LayerResult::from_report("integration", Some(&report), 1.0, false);
        layer.link_artifacts(Path::new("/nonexistent"), "../e2e-artifacts");

        assert_eq!(layer.median_test_seconds, Some(0.025));
        assert_eq!(
            layer.failures,
            [FailedTest {
                name: "d".into(),
                message: "test failed\nthread 'd' panicked at x.rs:3:5:\nleft: 1\nright: 2".into(),
                junit: "integration.junit.xml".into(),
                artifacts: None,
            }]
        );
    }
}
