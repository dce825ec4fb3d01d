//! What each layer did to each mutant: cargo-mutants' output read layer by layer.
//!
//! cargo-mutants builds a mutant once and runs every layer's tests against it (nextest's
//! `mutants` profile runs each test to its end). This module traces each failed test in a
//! mutant's log to its layer through the layers' own filtersets (`cargo nextest list -P
//! <layer>`), so that one build tells which layers kill the mutant, which layer alone does,
//! and which mutants survive them all. It is data and analysis only: running cargo-mutants
//! and writing the results is `mutants`'.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::cargo;
use crate::layer::{Filters, Layer};

/// The analysis, beside the pyramid's other results.
pub const REPORT_FILE: &str = "mutants.json";

/// The layers a mutant can be caught by: the test layers, in pyramid order.
pub const TEST_LAYERS: [Layer; 3] = [Layer::Unit, Layer::Integration, Layer::E2e];

/// What one layer's tests did to one mutant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// At least one of the layer's tests failed. The tests are named.
    Killed { tests: Vec<String> },
    /// Every test of the layer passed.
    Survived,
    /// None failed, but one ran past its time limit (or the whole run did).
    Timeout,
    /// The mutant did not build: no layer ran.
    Unviable,
}

/// One mutant and what each layer did to it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MutantRecord {
    /// cargo-mutants' name: `file:line:column: replace … with …`.
    pub name: String,
    pub package: String,
    pub file: String,
    pub line: u32,
    pub function: Option<String>,
    /// Build and test, seconds.
    pub seconds: f64,
    /// Layer name → verdict.
    pub layers: BTreeMap<String, Verdict>,
}

impl MutantRecord {
    pub fn verdict(&self, layer: Layer) -> Option<&Verdict> {
        self.layers.get(layer.name())
    }

    fn killed_by(&self, layer: Layer) -> bool {
        matches!(self.verdict(layer), Some(Verdict::Killed { .. }))
    }

    /// Killed by `layer` while every other layer let it through.
    pub fn uniquely_killed_by(&self, layer: Layer) -> bool {
        self.killed_by(layer)
            && TEST_LAYERS
                .iter()
                .filter(|&&other| other != layer)
                .all(|&other| matches!(self.verdict(other), Some(Verdict::Survived)))
    }

    pub fn unviable(&self) -> bool {
        self.layers.values().any(|verdict| *verdict == Verdict::Unviable)
    }

    /// Caught by some layer: a failed test, or a hang that some layer's time limit stopped.
    pub fn caught(&self) -> bool {
        self.layers.values().any(|verdict| matches!(verdict, Verdict::Killed { .. } | Verdict::Timeout))
    }

    /// Viable and caught by no layer.
    pub fn survived(&self) -> bool {
        !self.unviable() && !self.caught()
    }
}

/// A mutation run, analysed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MutantsReport {
    /// The commit the mutants were made from.
    pub commit: String,
    /// When the run ended (RFC 3339).
    pub measured_at: String,
    /// Which mutants: `all`, `shard 3/32`, `in-diff …`, or several shards merged.
    pub selection: String,
    pub cargo_mutants: String,
    /// Mutants cargo-mutants finds in the whole product at this commit.
    pub mutants_in_product: usize,
    /// Wall time of the run, seconds (of the slowest shard, when merged).
    pub wall_seconds: f64,
    /// Wall time the runs took together (the shards' sum), seconds.
    pub machine_seconds: f64,
    pub mutants: Vec<MutantRecord>,
}

/// Per layer: what its tests did to the mutants.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerTally {
    pub killed: usize,
    pub survived: usize,
    pub timeout: usize,
    pub unviable: usize,
    /// Killed by this layer and by no other.
    pub unique: usize,
}

impl MutantsReport {
    pub fn tally(&self, layer: Layer) -> LayerTally {
        let mut tally = LayerTally::default();
        for mutant in &self.mutants {
            match mutant.verdict(layer) {
                Some(Verdict::Killed { .. }) => tally.killed += 1,
                Some(Verdict::Survived) | None => tally.survived += 1,
                Some(Verdict::Timeout) => tally.timeout += 1,
                Some(Verdict::Unviable) => tally.unviable += 1,
            }
            if mutant.uniquely_killed_by(layer) {
                tally.unique += 1;
            }
        }
        tally
    }

    /// Caught ÷ viable for the mutants of `packages` (all of them when empty), all layers
    /// together: `(caught, viable)`.
    pub fn score(&self, packages: &[&str]) -> (usize, usize) {
        let of_packages = self
            .mutants
            .iter()
            .filter(|mutant| packages.is_empty() || packages.contains(&mutant.package.as_str()))
            .filter(|mutant| !mutant.unviable());
        of_packages.fold((0, 0), |(caught, viable), mutant| (caught + usize::from(mutant.caught()), viable + 1))
    }

    pub fn survivors(&self) -> impl Iterator<Item = &MutantRecord> {
        self.mutants.iter().filter(|mutant| mutant.survived())
    }

    /// Several shards' reports as one: the mutants of all, the run as long as the slowest.
    pub fn merge(parts: Vec<MutantsReport>) -> Result<Self> {
        let mut parts = parts.into_iter();
        let mut merged = parts.next().context("no mutants report to merge")?;
        let mut selections = vec![merged.selection.clone()];
        for part in parts {
            if part.commit != merged.commit {
                bail!("shards of different commits: {} and {}", merged.commit, part.commit);
            }
            selections.push(part.selection);
            merged.wall_seconds = merged.wall_seconds.max(part.wall_seconds);
            merged.machine_seconds += part.machine_seconds;
            merged.measured_at = merged.measured_at.max(part.measured_at);
            merged.mutants.extend(part.mutants);
        }
        merged.mutants.sort_by(|a, b| (&a.file, a.line, &a.name).cmp(&(&b.file, b.line, &b.name)));
        merged.mutants.dedup_by(|a, b| a.name == b.name);
        if selections.len() > 1 {
            merged.selection = selections.join(" + ");
        }
        Ok(merged)
    }
}

/// Which layer each test belongs to, keyed `binary-id test-name` as nextest prints them.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct TestLayers(HashMap<String, Layer>);

impl TestLayers {
    /// Asks nextest which tests each layer's profile selects.
    pub async fn list() -> Result<Self> {
        let filters = Filters::load(Path::new("."))?;
        let mut layers = Self::default();
        for layer in TEST_LAYERS {
            filters.of(layer)?;
            let profile = layer.nextest_profile().context("not a test layer")?;
            let output = cargo::async_command([
                "nextest",
                "list",
                "--workspace",
                "--locked",
                "--cargo-quiet",
                "--profile",
                profile,
                "--message-format",
                "json",
            ])
            .output()
            .await?;
            if !output.status.success() {
                bail!("listing the {} tests failed:\n{}", layer.name(), String::from_utf8_lossy(&output.stderr));
            }
            layers.add(layer, &String::from_utf8_lossy(&output.stdout))?;
        }
        Ok(layers)
    }

    /// Adds the tests `nextest list --message-format json` says `layer`'s filter matches.
    fn add(&mut self, layer: Layer, list_json: &str) -> Result<()> {
        let list: serde_json::Value = serde_json::from_str(list_json).context("reading nextest's test list")?;
        let suites = list["rust-suites"].as_object().context("nextest's test list has no rust-suites")?;
        for (binary, suite) in suites {
            let Some(cases) = suite["testcases"].as_object() else { continue };
            for (test, case) in cases {
                if case["filter-match"]["status"] == "matches" {
                    self.0.insert(format!("{binary} {test}"), layer);
                }
            }
        }
        Ok(())
    }

    fn layer_of(&self, test: &str) -> Option<Layer> {
        self.0.get(test).copied()
    }
}

/// How a test ended, as nextest prints it in a failure line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Failed,
    TimedOut,
}

/// The tests that failed or timed out in a nextest run's output, as `binary-id test-name`.
///
/// When the run finished, only its final list counts (the lines after `Summary`): a test that
/// failed once and passed on its retry is flaky, not a kill, and is not listed there. A run
/// stopped for time has no final list; every failure line it printed counts.
pub fn failed_tests(log: &str) -> BTreeMap<String, Ending> {
    let lines: Vec<&str> = log.lines().collect();
    let final_list = lines.iter().rposition(|line| line.trim_start().starts_with("Summary ["));
    let mut found = BTreeMap::new();
    for line in &lines[final_list.map_or(0, |at| at + 1)..] {
        let mut line = line.trim_start();
        // `TRY 2 FAIL [...]`: the attempt that decided, when retries are on.
        if let Some(rest) = line.strip_prefix("TRY ") {
            line = rest.split_once(' ').map_or("", |(_, rest)| rest.trim_start());
        }
        let Some((status, rest)) = line.split_once(' ') else { continue };
        let ending = match status {
            "TIMEOUT" => Ending::TimedOut,
            "FAIL" | "ABORT" | "SIGSEGV" | "SIGABRT" | "SIGKILL" | "SIGBUS" | "LEAK-FAIL" => Ending::Failed,
            _ => continue,
        };
        // `[   0.012s] ( 3/506) web::api a_test_name`, the counter only in some versions.
        let Some((_, after_time)) = rest.split_once("] ") else { continue };
        let after_counter = match after_time.trim_start().strip_prefix('(') {
            Some(counter) => counter.split_once(") ").map_or("", |(_, rest)| rest),
            None => after_time,
        };
        let mut words = after_counter.split_whitespace();
        let (Some(binary), Some(test)) = (words.next(), words.next()) else { continue };
        found.insert(format!("{binary} {test}"), ending);
    }
    found
}

/// cargo-mutants' verdict on one mutant, as `outcomes.json` spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Summary {
    Success,
    CaughtMutant,
    MissedMutant,
    Unviable,
    Failure,
    Timeout,
}

/// Each layer's verdict, from cargo-mutants' summary and the tests that failed in its log.
pub fn verdicts(
    summary: Summary,
    failures: &BTreeMap<String, Ending>,
    layers: &TestLayers,
) -> BTreeMap<String, Verdict> {
    let mut verdicts = BTreeMap::new();
    for layer in TEST_LAYERS {
        let mine: Vec<(&String, &Ending)> =
            failures.iter().filter(|(test, _)| layers.layer_of(test) == Some(layer)).collect();
        let failed: Vec<String> =
            mine.iter().filter(|(_, ending)| **ending == Ending::Failed).map(|(test, _)| (*test).clone()).collect();
        let verdict = if summary == Summary::Unviable {
            Verdict::Unviable
        } else if !failed.is_empty() {
            Verdict::Killed { tests: failed }
        } else if !mine.is_empty() || summary == Summary::Timeout {
            // A layer's own test hung, or the whole run was stopped before this layer's
            // tests could say anything.
            Verdict::Timeout
        } else {
            Verdict::Survived
        };
        verdicts.insert(layer.name().to_owned(), verdict);
    }
    verdicts
}

#[derive(Debug, Deserialize)]
struct Outcomes {
    outcomes: Vec<Outcome>,
}

#[derive(Debug, Deserialize)]
struct Outcome {
    scenario: serde_json::Value,
    summary: Summary,
    log_path: Option<String>,
    #[serde(default)]
    phase_results: Vec<PhaseResult>,
}

#[derive(Debug, Deserialize)]
struct PhaseResult {
    duration: f64,
}

#[derive(Debug, Deserialize)]
struct Mutant {
    name: String,
    package: String,
    file: String,
    function: Option<Function>,
    span: Span,
}

#[derive(Debug, Deserialize)]
struct Function {
    function_name: String,
}

#[derive(Debug, Deserialize)]
struct Span {
    start: Position,
}

#[derive(Debug, Deserialize)]
struct Position {
    line: u32,
}

/// The mutants of cargo-mutants' `outcomes.json` (its baseline left out), each with its
/// layers' verdicts read from its log under `out_dir`.
pub fn analyse(out_dir: &Path, layers: &TestLayers) -> Result<Vec<MutantRecord>> {
    let path = out_dir.join("outcomes.json");
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let outcomes: Outcomes = serde_json::from_str(&text).with_context(|| format!("reading {}", path.display()))?;
    let mut records = Vec::new();
    for outcome in outcomes.outcomes {
        let Some(mutant) = outcome.scenario.get("Mutant") else { continue };
        let mutant: Mutant = serde_json::from_value(mutant.clone()).context("reading a mutant in outcomes.json")?;
        let log = match &outcome.log_path {
            Some(log) => std::fs::read_to_string(out_dir.join(log)).unwrap_or_default(),
            None => String::new(),
        };
        let failures = failed_tests(&log);
        let unattributed: Vec<&String> = failures.keys().filter(|test| layers.layer_of(test).is_none()).collect();
        if !unattributed.is_empty() {
            bail!("{}: failed tests in no layer: {unattributed:?}", mutant.name);
        }
        if outcome.summary == Summary::CaughtMutant && failures.is_empty() {
            bail!("{}: caught, but no failed test was found in its log {:?}", mutant.name, outcome.log_path);
        }
        records.push(MutantRecord {
            layers: verdicts(outcome.summary, &failures, layers),
            name: mutant.name,
            package: mutant.package,
            file: mutant.file,
            line: mutant.span.start.line,
            function: mutant.function.map(|function| function.function_name),
            seconds: outcome.phase_results.iter().map(|phase| phase.duration).sum(),
        });
    }
    Ok(records)
}

/// Every test named in the killed verdicts of `report`, for the docs' examples.
pub fn killing_tests(mutant: &MutantRecord, layer: Layer) -> BTreeSet<&str> {
    match mutant.verdict(layer) {
        Some(Verdict::Killed { tests }) => tests.iter().map(String::as_str).collect(),
        _ => BTreeSet::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layers() -> TestLayers {
        let mut layers = TestLayers::default();
        layers.0.insert("domain tests::a_unit_test".into(), Layer::Unit);
        layers.0.insert("web::api an_api_test".into(), Layer::Integration);
        layers.0.insert("e2e::login a_browser_test".into(), Layer::E2e);
        layers
    }

    fn record(unit: Verdict, integration: Verdict, e2e: Verdict) -> MutantRecord {
        MutantRecord {
            name: "crates/domain/src/x.rs:1:1: replace f with ()".into(),
            package: "domain".into(),
            file: "crates/domain/src/x.rs".into(),
            line: 1,
            function: Some("f".into()),
            seconds: 1.0,
            layers: [("unit", unit), ("integration", integration), ("e2e", e2e)]
                .into_iter()
                .map(|(name, verdict)| (name.to_owned(), verdict))
                .collect(),
        }
    }

    fn killed(test: &str) -> Verdict {
        Verdict::Killed { tests: vec![test.into()] }
    }

    #[test]
    fn the_failed_and_timed_out_tests_are_read_from_the_final_list_of_nextests_output() {
        let log = "\
    Starting 4 tests across 2 binaries
  TRY 1 FAIL [   0.010s] (1/4) web::api a_flaky_test
        FAIL [   0.012s] (2/4) domain tests::a_unit_test
     TIMEOUT [  60.001s] (3/4) web::api an_api_test
  TRY 2 FAIL [   1.000s] (4/4) e2e::login a_browser_test
------------
     Summary [  60.020s] 4 tests run: 1 passed (1 flaky), 2 failed, 1 timed out
        FAIL [   0.012s] (2/4) domain tests::a_unit_test
     TIMEOUT [  60.001s] (3/4) web::api an_api_test
  TRY 2 FAIL [   1.000s] (4/4) e2e::login a_browser_test
";

        let failures = failed_tests(log);

        assert_eq!(
            failures.into_iter().collect::<Vec<_>>(),
            [
                ("domain tests::a_unit_test".to_owned(), Ending::Failed),
                ("e2e::login a_browser_test".to_owned(), Ending::Failed),
                ("web::api an_api_test".to_owned(), Ending::TimedOut),
            ],
            "a test that passed on its retry is flaky, not a kill"
        );
    }

    #[test]
    fn a_run_stopped_before_its_summary_counts_every_failure_it_printed() {
        let log = "        FAIL [   0.1s] (1/9) domain tests::a_unit_test\n     TIMEOUT [  60.0s] (2/9) web::api an_api_test\n";

        assert_eq!(failed_tests(log).len(), 2);
    }

    #[test]
    fn each_layer_is_judged_by_its_own_tests() {
        let failures = failed_tests("        FAIL [   0.1s] (1/9) web::api an_api_test\n");

        let verdicts = verdicts(Summary::CaughtMutant, &failures, &layers());

        assert_eq!(verdicts["unit"], Verdict::Survived);
        assert_eq!(verdicts["integration"], killed("web::api an_api_test"));
        assert_eq!(verdicts["e2e"], Verdict::Survived);
    }

    #[test]
    fn a_run_stopped_for_time_leaves_the_silent_layers_timed_out_and_keeps_the_kills() {
        let failures = failed_tests("        FAIL [   0.1s] domain tests::a_unit_test\n");

        let verdicts = verdicts(Summary::Timeout, &failures, &layers());

        assert_eq!(verdicts["unit"], killed("domain tests::a_unit_test"));
        assert_eq!(verdicts["integration"], Verdict::Timeout);
        assert_eq!(verdicts["e2e"], Verdict::Timeout);
    }

    #[test]
    fn a_mutant_that_does_not_build_is_unviable_for_every_layer() {
        let verdicts = verdicts(Summary::Unviable, &BTreeMap::new(), &layers());

        assert!(verdicts.values().all(|verdict| *verdict == Verdict::Unviable), "{verdicts:?}");
    }

    #[test]
    fn a_kill_is_unique_only_when_every_other_layer_let_the_mutant_through() {
        let only_unit = record(killed("u"), Verdict::Survived, Verdict::Survived);
        let unit_and_e2e = record(killed("u"), Verdict::Survived, killed("e"));
        let unit_and_a_hang = record(killed("u"), Verdict::Timeout, Verdict::Survived);

        assert!(only_unit.uniquely_killed_by(Layer::Unit));
        assert!(!unit_and_e2e.uniquely_killed_by(Layer::Unit));
        assert!(!unit_and_a_hang.uniquely_killed_by(Layer::Unit), "a hang is a catch too");
        assert!(!only_unit.uniquely_killed_by(Layer::Integration));
    }

    #[test]
    fn tallies_and_scores_count_each_layer_and_leave_unviable_mutants_out_of_the_score() {
        let report = MutantsReport {
            commit: "abc".into(),
            measured_at: "2026-11-24T00:00:00Z".into(),
            selection: "all".into(),
            cargo_mutants: "cargo-mutants 27.1.0".into(),
            mutants_in_product: 4,
            wall_seconds: 1.0,
            machine_seconds: 1.0,
            mutants: vec![
                record(killed("u"), Verdict::Survived, Verdict::Survived),
                record(killed("u"), killed("i"), Verdict::Survived),
                record(Verdict::Survived, Verdict::Survived, Verdict::Survived),
                record(Verdict::Unviable, Verdict::Unviable, Verdict::Unviable),
            ],
        };

        let unit = report.tally(Layer::Unit);
        let integration = report.tally(Layer::Integration);

        assert_eq!(unit, LayerTally { killed: 2, survived: 1, timeout: 0, unviable: 1, unique: 1 });
        assert_eq!(integration, LayerTally { killed: 1, survived: 2, timeout: 0, unviable: 1, unique: 0 });
        assert_eq!(report.score(&["domain"]), (2, 3));
        assert_eq!(report.score(&["web"]), (0, 0));
        assert_eq!(report.survivors().count(), 1);
    }

    #[test]
    fn tests_are_placed_in_the_layer_whose_filter_nextest_says_they_match() {
        let list = r#"{"rust-suites": {"web::api": {"testcases": {
            "an_api_test": {"filter-match": {"status": "matches"}},
            "another": {"filter-match": {"status": "mismatch", "reason": "default-filter"}}
        }}}}"#;
        let mut layers = TestLayers::default();

        layers.add(Layer::Integration, list).unwrap();

        assert_eq!(layers.layer_of("web::api an_api_test"), Some(Layer::Integration));
        assert_eq!(layers.layer_of("web::api another"), None);
    }

    #[test]
    fn merged_shards_hold_every_mutant_once_and_last_as_long_as_the_slowest() {
        let shard = |name: &str, seconds| MutantsReport {
            commit: "abc".into(),
            measured_at: "2026-11-24T00:00:00Z".into(),
            selection: format!("shard {name}"),
            cargo_mutants: String::new(),
            mutants_in_product: 2,
            wall_seconds: seconds,
            machine_seconds: seconds,
            mutants: vec![MutantRecord {
                name: name.into(),
                ..record(Verdict::Survived, Verdict::Survived, Verdict::Survived)
            }],
        };

        let merged = MutantsReport::merge(vec![shard("0/2", 10.0), shard("1/2", 30.0)]).unwrap();

        assert_eq!(merged.mutants.len(), 2);
        assert_eq!((merged.wall_seconds, merged.machine_seconds), (30.0, 40.0));
        assert_eq!(merged.selection, "shard 0/2 + shard 1/2");
    }
}
