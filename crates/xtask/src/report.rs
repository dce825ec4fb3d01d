//! The pyramid report: printed at the end of a run, and written to `target/pyramid/` as JSON,
//! Markdown (also appended to `$GITHUB_STEP_SUMMARY` on GitHub Actions) and HTML with an SVG.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Result;
use quick_junit::Report;
use serde::{Deserialize, Serialize};

use crate::layer::Layer;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct RunSummary {
    pub layers: Vec<LayerResult>,
    pub build_seconds: f64,
    pub total_seconds: f64,
    /// From asking Docker for the container to the first successful query.
    pub postgres_ready_ms: Option<u128>,
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
}

fn one() -> usize {
    1
}

impl LayerResult {
    pub fn from_report(name: &str, report: Option<&Report>, seconds: f64, exited_ok: bool) -> Self {
        let (tests, failed, skipped) =
            report.map_or((0, 0, 0), |report| (report.tests, report.failures + report.errors, report.skipped));
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
    }

    pub fn green(&self) -> bool {
        self.failed == 0 && self.ran_cleanly
    }

    fn status(&self) -> &'static str {
        if self.green() { "green" } else { "red" }
    }
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
        }
        let rank = |name: &str| Layer::from_name(name);
        merged.layers.sort_by_key(|layer| rank(&layer.name));
        merged
    }

    pub fn all_green(&self) -> bool {
        self.layers.iter().all(LayerResult::green)
    }

    /// Tests in test layers (lint's checks are not tests).
    fn test_total(&self) -> usize {
        self.test_layers().map(|layer| layer.tests).sum()
    }

    fn test_layers(&self) -> impl Iterator<Item = &LayerResult> {
        self.layers.iter().filter(|layer| layer.name != "lint")
    }

    fn share(&self, layer: &LayerResult) -> f64 {
        if layer.name == "lint" || self.test_total() == 0 {
            return 0.0;
        }
        layer.tests as f64 * 100.0 / self.test_total() as f64
    }
}

const BAR_WIDTH: usize = 40;

const HEADINGS: [&str; 7] = ["layer", "tests", "passed", "failed", "time", "share", "status"];

/// One row of the table, formatted, in the order of [`HEADINGS`].
fn cells(summary: &RunSummary, layer: &LayerResult) -> [String; 7] {
    let name = match (&layer.partition, layer.shards) {
        (Some(partition), _) => format!("{} ({partition})", layer.name),
        (None, 1) => layer.name.clone(),
        (None, shards) => format!("{} ({shards} shards)", layer.name),
    };
    [
        name,
        layer.tests.to_string(),
        layer.passed.to_string(),
        layer.failed.to_string(),
        format!("{:.1} s", layer.seconds),
        format!("{:.0}%", summary.share(layer)),
        layer.status().to_owned(),
    ]
}

/// The test layers drawn as a pyramid: bars centred, widths proportional to test counts.
fn pyramid(summary: &RunSummary) -> String {
    let mut out = String::new();
    for layer in summary.test_layers().collect::<Vec<_>>().iter().rev() {
        let width = ((summary.share(layer) / 100.0) * BAR_WIDTH as f64).round().max(1.0) as usize;
        let padding = (BAR_WIDTH - width.min(BAR_WIDTH)) / 2;
        let _ = writeln!(out, "{:>12} {}{}", layer.name, " ".repeat(padding), "█".repeat(width));
    }
    out
}

/// The table, the run's totals, and the pyramid.
pub fn text(summary: &RunSummary) -> String {
    let rows: Vec<[String; 7]> = summary.layers.iter().map(|layer| cells(summary, layer)).collect();
    // The name column fits the longest name ("integration (2 shards)").
    let width = rows.iter().map(|row| row[0].chars().count() + 1).max().unwrap_or(0).max(12);
    let line = |cells: &[String]| {
        let [name, numbers @ .., status] = cells else { return String::new() };
        let numbers: Vec<String> = numbers.iter().map(|cell| format!("{cell:>8}")).collect();
        format!("{name:<width$}{}  {status}\n", numbers.join(""))
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
    out.push_str(&pyramid(summary));
    out
}

pub fn print(summary: &RunSummary) {
    println!("\nThe pyramid\n\n{}", text(summary));
}

pub fn write(summary: &RunSummary, dir: &Path) -> Result<()> {
    std::fs::write(dir.join("summary.json"), serde_json::to_string_pretty(summary)?)?;
    let markdown = markdown(summary);
    std::fs::write(dir.join("summary.md"), &markdown)?;
    std::fs::write(dir.join("index.html"), html(summary))?;
    if let Ok(path) = std::env::var("GITHUB_STEP_SUMMARY") {
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new().append(true).create(true).open(path)?;
        file.write_all(markdown.as_bytes())?;
    }
    Ok(())
}

fn markdown(summary: &RunSummary) -> String {
    let mut out = format!("## Test pyramid\n\n| {} |\n|---|---:|---:|---:|---:|---:|---|\n", HEADINGS.join(" | "));
    for layer in &summary.layers {
        let _ = writeln!(out, "| {} |", cells(summary, layer).join(" | "));
    }
    let _ = write!(out, "\n```\n{}```\n", pyramid(summary));
    out
}

/// A self-contained page: the table and the pyramid as an SVG of centred bars.
fn html(summary: &RunSummary) -> String {
    let layers: Vec<&LayerResult> = summary.test_layers().collect();
    let (width, row) = (600.0, 48.0);
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{}" role="img" aria-label="test pyramid">"#,
        row * layers.len() as f64 + 8.0
    );
    for (index, layer) in layers.iter().rev().enumerate() {
        let bar = (summary.share(layer) / 100.0 * (width - 200.0)).max(4.0);
        let (x, y) = ((width - bar) / 2.0, index as f64 * row + 4.0);
        let colour = if layer.green() { "#2e7d32" } else { "#c62828" };
        let _ = write!(
            svg,
            r#"<rect x="{x:.1}" y="{y:.1}" width="{bar:.1}" height="{h:.1}" fill="{colour}"/><text x="8" y="{ty:.1}" font-family="sans-serif" font-size="14">{name} · {tests} tests · {seconds:.1} s</text>"#,
            h = row - 10.0,
            ty = y + row / 2.0,
            name = layer.name,
            tests = layer.tests,
            seconds = layer.seconds,
        );
    }
    svg.push_str("</svg>");
    format!(
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Test pyramid</title>\
         <body style=\"font-family:sans-serif;max-width:44rem;margin:2rem auto\"><h1>Test pyramid</h1>{svg}<pre>{}</pre></body></html>\n",
        text(summary).replace('&', "&amp;").replace('<', "&lt;")
    )
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
    write(&summary, dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(name: &str, tests: usize, failed: usize) -> LayerResult {
        LayerResult {
            name: name.into(),
            tests,
            passed: tests - failed,
            failed,
            skipped: 0,
            seconds: 1.0,
            ran_cleanly: true,
            partition: None,
            shards: 1,
        }
    }

    #[test]
    fn shares_count_tests_only_not_lint_checks() {
        let summary = RunSummary {
            layers: vec![layer("lint", 2, 0), layer("unit", 75, 0), layer("integration", 20, 0), layer("e2e", 5, 0)],
            ..RunSummary::default()
        };

        let shares: Vec<f64> = summary.layers.iter().map(|l| summary.share(l)).collect();

        assert_eq!(shares, [0.0, 75.0, 20.0, 5.0]);
    }

    #[test]
    fn the_pyramid_is_drawn_narrowest_on_top() {
        let summary = RunSummary {
            layers: vec![layer("unit", 75, 0), layer("integration", 20, 0), layer("e2e", 5, 0)],
            ..RunSummary::default()
        };

        let text = text(&summary);
        let bars: Vec<(&str, usize)> = text
            .lines()
            .filter(|line| line.contains('█'))
            .map(|line| (line.split_whitespace().next().unwrap(), line.matches('█').count()))
            .collect();

        assert_eq!(bars, [("e2e", 2), ("integration", 8), ("unit", 30)]);
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
        assert_eq!(cells(&merged, integration)[0], "integration (2 shards)");
    }

    #[test]
    fn a_failed_layer_or_a_broken_run_is_red() {
        assert!(!RunSummary { layers: vec![layer("unit", 3, 1)], ..RunSummary::default() }.all_green());
        let broken = LayerResult::from_report("unit", None, 1.0, false);
        assert!(!broken.green(), "no report and a red exit: the tests did not even build");
    }
}
