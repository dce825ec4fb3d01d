//! What each layer catches and what it costs, written out. `cargo xtask catches` copies the
//! last measurements from `target/pyramid/` (the test run's `summary.json`, `coverage.json`,
//! `mutants.json`) into `docs/measured/`, writes `docs/measured/mutants.md`, and regenerates
//! the measured part of `docs/what-each-layer-catches.md` and of the test matrix (`matrix`).
//! The tests below hold the committed page to the committed measurements, so no figure there
//! is typed by hand.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::report::PYRAMID_DIR;
use crate::report::{Measurements, RunSummary};
use crate::run_facts::short_commit;

use crate::line_coverage::{ALL_LAYERS, CoverageReport, Lines, PRODUCT_CRATES};
use crate::matrix::{self, TestTimes};
use crate::mutation::{MutantsReport, TEST_LAYERS, Verdict, killing_tests};

/// The product's crates, grouped as the issue that set the targets grouped them.
pub const SCORE_GROUPS: [(&str, &[&str]); 4] = [
    ("domain + auth", &["domain", "auth"]),
    ("usecases", &["usecases"]),
    ("store + web", &["store", "web"]),
    ("all", &[]),
];

/// `caught/viable` as a percentage, with its 95 % Wilson interval when the mutants are a
/// sample of the product's.
pub fn score_cell(caught: usize, viable: usize, sampled: bool) -> String {
    if viable == 0 {
        return "–".to_owned();
    }
    let share = caught as f64 * 100.0 / viable as f64;
    if !sampled {
        return format!("{share:.1} % ({caught}/{viable})");
    }
    let (low, high) = wilson_interval(caught, viable);
    format!("{share:.1} % ({caught}/{viable}; 95 % CI {low:.0}–{high:.0} %)")
}

/// The 95 % Wilson score interval of a proportion, in percent: unlike the normal
/// approximation it stays inside 0–100 % for small samples and proportions near 1.
fn wilson_interval(successes: usize, trials: usize) -> (f64, f64) {
    let (k, n, z) = (successes as f64, trials as f64, 1.96_f64);
    let p = k / n;
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let margin = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    ((centre - margin).max(0.0) * 100.0, (centre + margin).min(1.0) * 100.0)
}

impl MutantsReport {
    /// Fewer mutants than the product has: the figures estimate the whole.
    pub fn is_sample(&self) -> bool {
        self.mutants.len() < self.mutants_in_product
    }
}

/// The mutation run as Markdown: per layer, the scores, the unique kills, the survivors.
pub fn mutants_markdown(report: &MutantsReport) -> String {
    let mut out = String::from("## Mutants: what each layer catches\n\n");
    let _ = writeln!(
        out,
        "{} mutants of the product's {} ({}), made from commit `{}`, measured {} by {}; the run took {}.\n",
        report.mutants.len(),
        report.mutants_in_product,
        report.selection,
        short_commit(&report.commit),
        report.measured_at,
        report.cargo_mutants,
        minutes(report.wall_seconds),
    );
    out.push_str("| layer | killed | survived | timeout | unviable | killed by this layer only |\n");
    out.push_str("|---|---:|---:|---:|---:|---:|\n");
    for layer in TEST_LAYERS {
        let tally = report.tally(layer);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            layer.name(),
            tally.killed,
            tally.survived,
            tally.timeout,
            tally.unviable,
            tally.unique
        );
    }
    out.push_str("\nMutation score, all layers together (caught ÷ viable):\n\n| crates | score |\n|---|---|\n");
    for (label, packages) in SCORE_GROUPS {
        let (caught, viable) = report.score(packages);
        let _ = writeln!(out, "| {label} | {} |", score_cell(caught, viable, report.is_sample()));
    }
    for layer in TEST_LAYERS {
        let unique: Vec<_> = report.mutants.iter().filter(|mutant| mutant.uniquely_killed_by(layer)).collect();
        if unique.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n### Killed by {} only\n", layer.name());
        for mutant in unique {
            let tests: Vec<String> = killing_tests(mutant, layer).iter().map(|test| format!("`{test}`")).collect();
            let _ = writeln!(out, "- `{}`: {}", mutant.name, tests.join(", "));
        }
    }
    let survivors: Vec<_> = report.survivors().collect();
    let _ = writeln!(out, "\n### Survivors of every layer ({})\n", survivors.len());
    for mutant in survivors {
        let _ = writeln!(out, "- `{}`", mutant.name);
    }
    out
}

/// The coverage run as Markdown: per crate, each layer alone and all together.
pub fn coverage_markdown(report: &CoverageReport) -> String {
    let columns: Vec<&str> = TEST_LAYERS.iter().map(|layer| layer.name()).chain([ALL_LAYERS]).collect();
    let mut out = String::from("## Line coverage of the product, per layer\n\n");
    let _ = writeln!(
        out,
        "By {}, at commit `{}`, measured {}.\n",
        report.tool,
        short_commit(&report.commit),
        report.measured_at
    );
    let _ = writeln!(out, "| crate | {} |\n|---|{}", columns.join(" | "), "---:|".repeat(columns.len()));
    let cell = |lines: Option<Lines>| match lines.and_then(|lines| lines.percent().map(|percent| (lines, percent))) {
        Some((lines, percent)) => format!("{percent:.1} % ({}/{})", lines.covered, lines.coverable),
        None => "–".to_owned(),
    };
    for name in PRODUCT_CRATES {
        let row: Vec<String> = columns
            .iter()
            .map(|layer| cell(report.layers.get(*layer).and_then(|crates| crates.get(name)).copied()))
            .collect();
        let _ = writeln!(out, "| {name} | {} |", row.join(" | "));
    }
    let totals: Vec<String> = columns.iter().map(|layer| cell(report.product(layer))).collect();
    let _ = writeln!(out, "| **product** | {} |", totals.join(" | "));
    out
}

/// Where the measurements the docs quote are committed.
pub const MEASURED_DIR: &str = "docs/measured";
/// The page whose measured part is generated.
pub const PAGE: &str = "docs/what-each-layer-catches.md";
/// Why each survivor of every layer is left without a test.
pub const SURVIVORS_FILE: &str = "docs/measured/survivors.toml";
const BEGIN: &str = "<!-- begin: generated by `cargo xtask catches` from docs/measured/; do not edit by hand -->";
const END: &str = "<!-- end: generated -->";
const MEASUREMENTS: [&str; 3] = ["summary.json", crate::line_coverage::REPORT_FILE, crate::mutation::REPORT_FILE];

/// Runs narrowed to chosen mutants (`--re`, `--in-diff` on one change, `--js`) to find what one
/// layer alone catches: kept beside the sample, whose scores they would bias. One run per
/// selection: a probe run again replaces its earlier self.
pub const PROBES_FILE: &str = "mutants-probes.json";

/// Adds the last probe run (`cargo xtask mutants --re …`, `--in-diff …` or `--js`) to the
/// docs' probes and regenerates the pages.
pub fn publish_probes() -> Result<()> {
    let from = Path::new(PYRAMID_DIR).join(crate::mutation::REPORT_FILE);
    let report: MutantsReport = serde_json::from_str(
        &std::fs::read_to_string(&from)
            .with_context(|| format!("{} is missing: run `cargo xtask mutants --re …` first", from.display()))?,
    )?;
    if report.selection == "all" || report.selection.starts_with("shard") {
        bail!(
            "the last mutants run was {}, a sample of the whole, not a probe (--re, --in-diff or --js)",
            report.selection
        );
    }
    let mut probes = read_probes(Path::new("."))?;
    probes.retain(|earlier| earlier.selection != report.selection);
    probes.push(report);
    std::fs::write(Path::new(MEASURED_DIR).join(PROBES_FILE), serde_json::to_string_pretty(&probes)?)?;
    regenerate(Path::new("."))?;
    println!("✓ {MEASURED_DIR}/{PROBES_FILE} and the pages made from it regenerated");
    Ok(())
}

/// Rewrites the generated parts of the pages from `docs/measured/` alone.
pub fn regenerate_pages() -> Result<()> {
    regenerate(Path::new("."))?;
    println!("✓ the measured parts of {PAGE} and {} regenerated from {MEASURED_DIR}/", matrix::PAGE);
    Ok(())
}

/// Commits the last measurements to the docs and regenerates the page's measured part.
pub fn publish() -> Result<()> {
    let measured = Path::new(MEASURED_DIR);
    std::fs::create_dir_all(measured)?;
    for file in MEASUREMENTS {
        let from = Path::new(PYRAMID_DIR).join(file);
        if !from.is_file() {
            bail!(
                "{} is missing: run `cargo xtask test`, `cargo xtask coverage` and `cargo xtask mutants` first",
                from.display()
            );
        }
        std::fs::copy(&from, measured.join(file))?;
    }
    let (summary, _) = read_measured(Path::new("."))?;
    let times = TestTimes::from_junit(Path::new(PYRAMID_DIR), summary.measured_at)?;
    std::fs::write(measured.join(matrix::TIMES_FILE), serde_json::to_string_pretty(&times)?)?;
    regenerate(Path::new("."))?;
    println!("✓ {MEASURED_DIR}/ and the measured parts of {PAGE} and {} regenerated", matrix::PAGE);
    Ok(())
}

/// Rewrites `docs/measured/mutants.md` and the page's generated part from `docs/measured/`.
fn regenerate(workspace: &Path) -> Result<()> {
    let (summary, measurements) = read_measured(workspace)?;
    let mutants = measurements.mutants.as_ref().context("no mutants.json in docs/measured")?;
    let survivors = Survivors::read(workspace)?;
    std::fs::write(workspace.join(MEASURED_DIR).join("mutants.md"), survivors.annotate(&mutants_markdown(mutants)))?;
    let page_path = workspace.join(PAGE);
    let page = std::fs::read_to_string(&page_path).with_context(|| format!("reading {}", page_path.display()))?;
    let probes = read_probes(workspace)?;
    std::fs::write(&page_path, replace_generated(&page, &measured_part(&summary, &measurements, &probes))?)?;
    let matrix_path = workspace.join(matrix::PAGE);
    let matrix_page =
        std::fs::read_to_string(&matrix_path).with_context(|| format!("reading {}", matrix_path.display()))?;
    std::fs::write(&matrix_path, regenerated_matrix(workspace, &matrix_page)?)?;
    Ok(())
}

/// `page` (the test matrix) with its generated part rewritten from the behaviours and the
/// measurements committed under `workspace`.
pub fn regenerated_matrix(workspace: &Path, page: &str) -> Result<String> {
    let measured = workspace.join(MEASURED_DIR);
    let (behaviours, times) = matrix::read(workspace, &measured)?;
    let mutants = Measurements::read(&measured)?.mutants.context("no mutants.json in docs/measured")?;
    let probes = read_probes(workspace)?;
    let runs: Vec<&MutantsReport> = std::iter::once(&mutants).chain(&probes).collect();
    replace_generated(page, &matrix::render(workspace, &behaviours, &times, &runs)?)
}

fn read_probes(workspace: &Path) -> Result<Vec<MutantsReport>> {
    let path = workspace.join(MEASURED_DIR).join(PROBES_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).with_context(|| format!("reading {}", path.display())),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(error) => Err(error).with_context(|| format!("reading {}", path.display())),
    }
}

fn read_measured(workspace: &Path) -> Result<(RunSummary, Measurements)> {
    let dir = workspace.join(MEASURED_DIR);
    let summary = serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json"))?)?;
    Ok((summary, Measurements::read(&dir)?))
}

fn replace_generated(page: &str, generated: &str) -> Result<String> {
    let (before, rest) = page.split_once(BEGIN).with_context(|| format!("the page lacks the line {BEGIN}"))?;
    let (_, after) = rest.split_once(END).with_context(|| format!("the page lacks the line {END}"))?;
    Ok(format!("{before}{BEGIN}\n{generated}{END}{after}"))
}

/// The page's measured part: cost, coverage and mutants per layer, then coverage per crate.
pub fn measured_part(summary: &RunSummary, measurements: &Measurements, probes: &[MutantsReport]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\nTests and times: `cargo xtask test`, run of {}. {}\n",
        summary.measured_at.as_deref().unwrap_or("an unknown time"),
        crate::report::sources(measurements).trim().replace('\n', " ")
    );
    out.push_str("| layer | tests | build | run | median test | product lines run | mutants killed | killed by this layer only |\n");
    out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for layer in TEST_LAYERS {
        let Some(result) = summary.layers.iter().find(|result| result.name == layer.name()) else { continue };
        let seconds = |value: Option<f64>| value.map_or_else(|| "–".to_owned(), |value| format!("{value:.1} s"));
        let coverage = measurements
            .coverage
            .as_ref()
            .and_then(|coverage| coverage.product(layer.name()))
            .and_then(|lines| lines.percent().map(|percent| format!("{percent:.1} %")))
            .unwrap_or_else(|| "–".to_owned());
        let (killed, unique) = match &measurements.mutants {
            Some(mutants) => {
                let tally = mutants.tally(layer);
                (format!("{}/{}", tally.killed, mutants.mutants.len()), tally.unique.to_string())
            }
            None => ("–".to_owned(), "–".to_owned()),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.1} s | {} | {coverage} | {killed} | {unique} |",
            layer.name(),
            result.tests,
            seconds(result.build_seconds),
            result.seconds,
            result.median_test_seconds.map_or_else(|| "–".to_owned(), |median| format!("{:.0} ms", median * 1000.0)),
        );
    }
    if let Some(coverage) = &measurements.coverage {
        out.push('\n');
        out.push_str(&coverage_markdown(coverage).replacen("## ", "### ", 1));
    }
    if let Some(mutants) = &measurements.mutants {
        out.push('\n');
        let summary_only = mutants_markdown(mutants);
        let cut = summary_only.find("\n### ").unwrap_or(summary_only.len());
        out.push_str(&summary_only[..cut].replacen("## ", "### ", 1));
        out.push_str("\nEvery unique kill and every survivor, by name: [measured/mutants.md](measured/mutants.md).\n");
    }
    if !probes.is_empty() {
        out.push_str("\n### Probes: mutants chosen to find what one layer alone catches\n");
    }
    for probe in probes {
        out.push('\n');
        out.push_str(&probes_markdown(probe));
    }
    out
}

/// One probe run, mutant by mutant: what each layer did and who alone caught it.
pub fn probes_markdown(report: &MutantsReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} mutants ({}), made from commit `{}`, measured {} by {}; the run took {}. \
         They were chosen, not sampled, so they say nothing of the scores above.\n",
        report.mutants.len(),
        report.selection,
        short_commit(&report.commit),
        report.measured_at,
        report.cargo_mutants,
        minutes(report.wall_seconds),
    );
    out.push_str("| mutant | unit | integration | e2e | caught by |\n|---|---|---|---|---|\n");
    for mutant in &report.mutants {
        let verdicts: Vec<&str> = TEST_LAYERS
            .iter()
            .map(|layer| match mutant.verdict(*layer) {
                Some(Verdict::Killed { .. }) => "killed",
                Some(Verdict::Survived) => "survived",
                Some(Verdict::Timeout) => "timeout",
                Some(Verdict::Unviable) => "unviable",
                None => "–",
            })
            .collect();
        let caught_by = if mutant.unviable() {
            "does not build".to_owned()
        } else if let Some(layer) = TEST_LAYERS.iter().find(|layer| mutant.uniquely_killed_by(**layer)) {
            format!("**{} only**", layer.name())
        } else if mutant.caught() {
            "several layers".to_owned()
        } else {
            "no layer".to_owned()
        };
        // A `|` inside a table cell ends the cell, even in a code span, unless escaped.
        let name = mutant.name.trim_start_matches("crates/").replace('|', "\\|");
        let _ = writeln!(out, "| `{name}` | {} | {caught_by} |", verdicts.join(" | "));
    }
    out
}

/// The reasons survivors of every layer are left without a test.
#[derive(Debug, Default, Deserialize)]
pub struct Survivors {
    #[serde(default)]
    survivor: Vec<Survivor>,
}

#[derive(Debug, Deserialize)]
struct Survivor {
    mutant: String,
    reason: String,
}

impl Survivors {
    fn read(workspace: &Path) -> Result<Self> {
        match std::fs::read_to_string(workspace.join(SURVIVORS_FILE)) {
            Ok(text) => toml::from_str(&text).with_context(|| format!("reading {SURVIVORS_FILE}")),
            Err(_) => Ok(Self::default()),
        }
    }

    fn reason(&self, mutant: &str) -> Option<&str> {
        self.survivor.iter().find(|survivor| survivor.mutant == mutant).map(|survivor| survivor.reason.as_str())
    }

    /// The survivors' lines of the mutants Markdown, each followed by its reason.
    fn annotate(&self, markdown: &str) -> String {
        let mut out = String::new();
        let mut in_survivors = false;
        for line in markdown.lines() {
            in_survivors |= line.starts_with("### Survivors");
            out.push_str(line);
            if in_survivors && let Some(name) = line.strip_prefix("- `").and_then(|rest| rest.strip_suffix('`')) {
                let _ = write!(out, ": {}", self.reason(name).unwrap_or("**no reason given: needs a test**"));
            }
            out.push('\n');
        }
        out
    }
}

fn minutes(seconds: f64) -> String {
    let whole = seconds.round() as u64;
    format!("{} min {:02} s", whole / 60, whole % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sampled_score_carries_its_confidence_interval() {
        assert_eq!(score_cell(45, 50, false), "90.0 % (45/50)");
        assert_eq!(score_cell(45, 50, true), "90.0 % (45/50; 95 % CI 79–96 %)");
        assert_eq!(score_cell(0, 0, true), "–");
    }

    #[test]
    fn the_wilson_interval_stays_within_bounds_for_a_perfect_small_sample() {
        let (low, high) = wilson_interval(5, 5);

        assert!((56.0..57.0).contains(&low), "{low}");
        assert_eq!(high, 100.0);
    }
}

#[cfg(test)]
mod committed {
    //! The page and the measurements committed with it agree.

    use super::*;
    use crate::layer::Layer;
    use crate::mutation::MutantRecord;

    fn workspace() -> &'static Path {
        Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).unwrap()
    }

    fn page() -> String {
        std::fs::read_to_string(workspace().join(PAGE)).unwrap()
    }

    fn mutants() -> MutantsReport {
        read_measured(workspace()).unwrap().1.mutants.unwrap()
    }

    #[test]
    fn the_measured_part_of_the_page_is_what_the_committed_measurements_give() {
        let (summary, measurements) = read_measured(workspace()).unwrap();
        let page = page();

        let probes = read_probes(workspace()).unwrap();

        let regenerated = replace_generated(&page, &measured_part(&summary, &measurements, &probes)).unwrap();

        assert!(page == regenerated, "{PAGE} differs from what docs/measured/ gives: run `cargo xtask catches`");
    }

    /// `(mutant, layer, test)` of each example: a `- **Mutant:** `…`` line, then
    /// `- **Caught by:** <layer>, `<test>``.
    fn examples(page: &str) -> Vec<(String, String, String)> {
        let lines: Vec<&str> = page.lines().collect();
        lines
            .windows(2)
            .filter_map(|pair| {
                let mutant = pair[0].strip_prefix("- **Mutant:** `")?.strip_suffix('`')?;
                let (layer, test) = pair[1].strip_prefix("- **Caught by:** ")?.split_once(", `")?;
                Some((mutant.to_owned(), layer.to_owned(), test.strip_suffix('`')?.to_owned()))
            })
            .collect()
    }

    #[test]
    fn every_example_on_the_page_is_a_measured_unique_kill_by_the_test_it_names() {
        let mut mutants = mutants();
        mutants.mutants.extend(read_probes(workspace()).unwrap().into_iter().flat_map(|probe| probe.mutants));
        let examples = examples(&page());

        assert!((3..=5).contains(&examples.len()), "{} examples; the page promises three to five", examples.len());
        for (name, layer, test) in examples {
            let mutant: &MutantRecord = mutants
                .mutants
                .iter()
                .find(|mutant| mutant.name == name)
                .unwrap_or_else(|| panic!("{name} is not in the measured run"));
            let layer = Layer::from_name(&layer).unwrap_or_else(|| panic!("no layer called {layer}"));
            assert!(
                mutant.uniquely_killed_by(layer),
                "{name} is not killed by {} alone: {:?}",
                layer.name(),
                mutant.layers
            );
            assert!(killing_tests(mutant, layer).contains(test.as_str()), "{test} did not kill {name}");
        }
    }

    #[test]
    fn every_survivor_of_the_committed_run_has_a_reason() {
        let survivors = Survivors::read(workspace()).unwrap();
        let mutants = mutants();

        let unexplained: Vec<&str> = mutants
            .survivors()
            .map(|mutant| mutant.name.as_str())
            .filter(|name| survivors.reason(name).is_none())
            .collect();

        assert!(unexplained.is_empty(), "survivors with no test and no reason in {SURVIVORS_FILE}: {unexplained:#?}");
    }

    #[test]
    fn the_test_matrix_page_is_what_its_behaviours_and_the_measurements_give() {
        let page = std::fs::read_to_string(workspace().join(matrix::PAGE)).unwrap();

        let regenerated = regenerated_matrix(workspace(), &page).unwrap();

        assert!(
            page == regenerated,
            "{} differs from what its behaviours and docs/measured/ give: run `cargo xtask catches`",
            matrix::PAGE
        );
    }

    #[test]
    fn the_matrix_has_a_dozen_behaviours_each_tested_at_two_layers_or_more() {
        let (behaviours, times) = matrix::read(workspace(), &workspace().join(MEASURED_DIR)).unwrap();

        assert!(behaviours.behaviours.len() >= 12, "{} behaviours", behaviours.behaviours.len());
        for behaviour in &behaviours.behaviours {
            let layers = matrix::layers_of(behaviour, &times);
            assert!(layers.len() >= 2, "\"{}\" is tested at {layers:?} only", behaviour.title);
        }
    }
}
