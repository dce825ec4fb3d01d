//! `cargo xtask test LAYER --repeat N`: a layer run N times, to see a flaky test rather than
//! meet it in CI. Every run's JUnit is tallied per test: how many runs it failed, and its
//! median and slowest time. nextest's retries are off for these runs, so a test that fails
//! once in twenty shows as 1/20, not as a pass.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use quick_junit::{Report, TestCaseStatus};

/// Every test's outcomes over the runs so far.
#[derive(Debug, Default)]
pub struct Repeats {
    runs: usize,
    tests: BTreeMap<String, Outcomes>,
}

#[derive(Debug, Default)]
struct Outcomes {
    failures: usize,
    times: Vec<Duration>,
}

impl Repeats {
    /// Tallies one run's report.
    pub fn record(&mut self, report: &Report) {
        self.runs += 1;
        for case in report.test_suites.iter().flat_map(|suite| &suite.test_cases) {
            let outcomes = self.tests.entry(case.name.to_string()).or_default();
            let passed = matches!(&case.status, TestCaseStatus::Success { flaky_runs } if flaky_runs.is_empty());
            if !passed {
                outcomes.failures += 1;
            }
            outcomes.times.extend(case.time);
        }
    }

    /// Tallies a run that produced no report (the tool broke): every test known so far failed.
    pub fn record_broken_run(&mut self) {
        self.runs += 1;
        for outcomes in self.tests.values_mut() {
            outcomes.failures += 1;
        }
    }

    pub fn runs(&self) -> usize {
        self.runs
    }

    /// Failed test runs, over every test and run.
    pub fn failures(&self) -> usize {
        self.tests.values().map(|outcomes| outcomes.failures).sum()
    }

    /// Each test that failed at least once, with how many runs it failed.
    pub fn flaky(&self) -> Vec<(&str, usize)> {
        self.tests
            .iter()
            .filter(|(_, outcomes)| outcomes.failures > 0)
            .map(|(name, outcomes)| (name.as_str(), outcomes.failures))
            .collect()
    }

    /// The tally as a Markdown table, slowest median first: test, failed runs, median, max.
    pub fn table(&self, layer: &str) -> String {
        let tests = self.tests.len();
        let mut text = format!(
            "{layer} × {runs}: {tests} tests, {failures} failed test runs of {total}\n\n",
            runs = self.runs,
            failures = self.failures(),
            total = tests * self.runs,
        );
        text.push_str("| test | failed | median | max |\n|---|---:|---:|---:|\n");
        let mut rows: Vec<(&String, &Outcomes, Duration, Duration)> = self
            .tests
            .iter()
            .map(|(name, outcomes)| {
                let mut times = outcomes.times.clone();
                times.sort();
                (name, outcomes, median(&times), times.last().copied().unwrap_or_default())
            })
            .collect();
        rows.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(b.0)));
        for (name, outcomes, median, max) in rows {
            let _ = writeln!(
                text,
                "| {name} | {}/{} | {:.2} s | {:.2} s |",
                outcomes.failures,
                self.runs,
                median.as_secs_f64(),
                max.as_secs_f64()
            );
        }
        text
    }
}

/// The middle of sorted samples (the mean of the two middle ones for an even count).
pub fn median(sorted: &[Duration]) -> Duration {
    match sorted.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
    }
}

#[cfg(test)]
mod tests {
    use quick_junit::{NonSuccessKind, TestCase, TestSuite};

    use super::*;

    fn run(outcomes: &[(&str, bool, u64)]) -> Report {
        let mut suite = TestSuite::new("e2e::e2e");
        for &(name, passed, millis) in outcomes {
            let status =
                if passed { TestCaseStatus::success() } else { TestCaseStatus::non_success(NonSuccessKind::Failure) };
            let mut case = TestCase::new(name, status);
            case.set_time(Duration::from_millis(millis));
            suite.add_test_case(case);
        }
        let mut report = Report::new("nextest-run");
        report.add_test_suite(suite);
        report
    }

    #[test]
    fn a_test_that_fails_in_one_run_of_three_is_reported_as_one_of_three() {
        let mut repeats = Repeats::default();
        repeats.record(&run(&[("login::works", true, 100), ("feed::live", true, 900)]));
        repeats.record(&run(&[("login::works", true, 100), ("feed::live", false, 1_000)]));
        repeats.record(&run(&[("login::works", true, 100), ("feed::live", true, 800)]));

        assert_eq!(repeats.flaky(), [("feed::live", 1)]);
        assert_eq!(repeats.failures(), 1);
        assert!(repeats.table("e2e").contains("| feed::live | 1/3 | 0.90 s | 1.00 s |"), "{}", repeats.table("e2e"));
    }

    #[test]
    fn the_table_puts_the_slowest_median_first_and_counts_every_test_run() {
        let mut repeats = Repeats::default();
        repeats.record(&run(&[("fast", true, 100), ("slow", true, 3_000)]));
        repeats.record(&run(&[("fast", true, 300), ("slow", true, 2_000)]));

        let table = repeats.table("e2e");

        assert!(table.starts_with("e2e × 2: 2 tests, 0 failed test runs of 4\n"), "{table}");
        let slow = table.find("| slow | 0/2 | 2.50 s | 3.00 s |").unwrap();
        let fast = table.find("| fast | 0/2 | 0.20 s | 0.30 s |").unwrap();
        assert!(slow < fast, "{table}");
    }

    #[test]
    fn a_run_that_broke_counts_as_a_failure_of_every_test() {
        let mut repeats = Repeats::default();
        repeats.record(&run(&[("a", true, 1), ("b", true, 1)]));

        repeats.record_broken_run();

        assert_eq!(repeats.runs(), 2);
        assert_eq!(repeats.flaky(), [("a", 1), ("b", 1)]);
    }
}
