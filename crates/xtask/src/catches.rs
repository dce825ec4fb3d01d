//! What each layer catches, written out: the mutation run's Markdown (printed after a run,
//! committed as `docs/measured/mutants.md`), from the analysis in `mutants.json`.

use std::fmt::Write as _;

use crate::coverage::{ALL_LAYERS, CoverageReport, Lines, PRODUCT_CRATES};
use crate::mutants::{MutantsReport, TEST_LAYERS, killing_tests};

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
        short(&report.commit),
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
    let _ =
        writeln!(out, "By {}, at commit `{}`, measured {}.\n", report.tool, short(&report.commit), report.measured_at);
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

fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
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
