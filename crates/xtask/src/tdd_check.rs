//! `cargo xtask tdd-check [BASE]`: every test that the change from BASE adds was seen red
//! before the change that makes it pass (docs/tdd.md).
//!
//! Rust's unit tests live in the file of the code they test, so "HEAD's tests over BASE's
//! code" cannot be assembled file by file. The history can show it instead: each new test
//! must fail (or not compile) in the commit that introduced it, and pass at HEAD. A test
//! that passed the moment it appeared never proved the change that followed; the check names
//! it. A commit may exempt a test that guards behaviour already there, with a trailer
//! `Red-First-Exempt: <test name> (why)`, which a reviewer then reads.
//!
//! Everything happens in a scratch worktree under `target/tdd-check/`, with a target
//! directory of its own: the user's files and build are never touched.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};

use anyhow::{Context, Result, bail};
use serde_json::Value;
use testbed::postgres::{PostgresServer, URL_ENV};

use crate::layer::Layer;
use crate::{cargo, progress, provision};

const SCRATCH: &str = "target/tdd-check";
const EXEMPT_TRAILER: &str = "Red-First-Exempt";
/// nextest's exit codes (`nextest_metadata::NextestExitCode`).
const TESTS_FAILED: i32 = 100;
const BUILD_FAILED: i32 = 101;
const NO_TESTS_RUN: i32 = 4;

/// A test as nextest names it: the binary and the test's path inside it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct TestId {
    binary: String,
    name: String,
}

impl TestId {
    /// The function's own name, which is what a commit adds to the source.
    fn function(&self) -> &str {
        self.name.rsplit("::").next().unwrap_or(&self.name)
    }

    fn filter(&self) -> String {
        format!("binary_id(={}) & test(={})", self.binary, self.name)
    }
}

impl std::fmt::Display for TestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.binary, self.name)
    }
}

/// How one test ran at one commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Passed,
    Failed,
    DoesNotCompile,
    Absent,
}

impl Outcome {
    fn describe(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::DoesNotCompile => "did not compile",
            Outcome::Absent => "not found",
        }
    }

    fn is_red(self) -> bool {
        matches!(self, Outcome::Failed | Outcome::DoesNotCompile)
    }
}

/// One new test's story.
struct Finding {
    test: TestId,
    introduced_in: Option<String>,
    when_introduced: Outcome,
    at_head: Outcome,
    exemption: Option<String>,
}

impl Finding {
    fn verdict(&self) -> std::result::Result<&'static str, String> {
        if self.at_head != Outcome::Passed {
            return Err(format!("{} at the head", self.at_head.describe()));
        }
        if self.when_introduced.is_red() {
            return Ok("red first");
        }
        if self.exemption.is_some() {
            return Ok("exempt");
        }
        Err(match self.when_introduced {
            Outcome::Passed => "passed in the commit that added it: never seen red".to_owned(),
            other => format!("{} in the commit that added it", other.describe()),
        })
    }
}

pub async fn run(base: Option<String>, head: Option<String>) -> Result<ExitCode> {
    let head = rev_parse(head.as_deref().unwrap_or("HEAD"))?;
    let base = match base {
        Some(base) => rev_parse(&base)?,
        None => default_base(&head)?,
    };
    println!("tdd-check {}..{}", short(&base), short(&head));
    let commits: Vec<String> =
        git(&["rev-list", "--reverse", &format!("{base}..{head}")])?.lines().map(str::to_owned).collect();
    if commits.is_empty() {
        println!("no commit between them: nothing to check");
        return Ok(ExitCode::SUCCESS);
    }

    let scratch = Scratch::open()?;
    let before = progress::show(&format!("listing the tests at {}", short(&base)), scratch.list(&base)).await?;
    let after = progress::show(&format!("listing the tests at {}", short(&head)), scratch.list(&head)).await?;
    let new = added_tests(&before, after);
    if new.is_empty() {
        println!("the change adds no test: nothing to check (a refactor, or code without a test?)");
        scratch.close()?;
        return Ok(ExitCode::SUCCESS);
    }
    println!("{} new test(s) in {} commit(s)", new.len(), commits.len());

    let exemptions = exemptions(&base, &head)?;
    // What the new tests stand on, provided as `cargo xtask test` would provide it.
    let layers: Vec<Layer> = new.iter().filter_map(|(test, kind)| layer_of(test, kind)).collect();
    provision::ensure(&layers).await?;
    let postgres = if layers.iter().any(|layer| layer.needs_postgres()) {
        Some(progress::show("starting Postgres for the integration tests", PostgresServer::start()).await?)
    } else {
        None
    };
    let database_url = postgres.as_ref().map(|server| server.url().to_owned());

    let mut findings = Vec::new();
    for (test, _) in &new {
        let introduced_in = introducing_commit(&base, &head, test.function())?;
        let when_introduced = match &introduced_in {
            Some(commit) => {
                progress::show(
                    &format!("{} at {}", test.function(), short(commit)),
                    scratch.run(commit, test, database_url.as_deref()),
                )
                .await?
            }
            None => Outcome::Absent,
        };
        let at_head = progress::show(
            &format!("{} at {}", test.function(), short(&head)),
            scratch.run(&head, test, database_url.as_deref()),
        )
        .await?;
        let exemption = exemptions
            .iter()
            .find(|(name, _)| name == test.function() || *name == test.name)
            .map(|(_, reason)| reason.clone());
        findings.push(Finding { test: test.clone(), introduced_in, when_introduced, at_head, exemption });
    }
    if let Some(server) = postgres {
        server.stop().await?;
    }
    scratch.close()?;

    let mut broken = 0;
    println!();
    for finding in &findings {
        let commit = finding.introduced_in.as_deref().map_or("?", short);
        let story = format!("{commit}: {}, head: {}", finding.when_introduced.describe(), finding.at_head.describe());
        match finding.verdict() {
            Ok(verdict) => {
                let reason = finding.exemption.as_deref().filter(|_| verdict == "exempt").unwrap_or("");
                println!("✓ {}  ({story}) {verdict} {reason}", finding.test);
            }
            Err(problem) => {
                broken += 1;
                println!("✗ {}  ({story}) {problem}", finding.test);
            }
        }
    }
    if broken == 0 {
        println!("\nevery new test was red before the change that made it pass");
        Ok(ExitCode::SUCCESS)
    } else {
        println!(
            "\n{broken} new test(s) not shown red first: commit each test before the change that makes it pass, \
             or exempt a guard with a `{EXEMPT_TRAILER}: <test> (why)` trailer"
        );
        Ok(ExitCode::FAILURE)
    }
}

/// The merge base with main (the local branch, else the remote's).
fn default_base(head: &str) -> Result<String> {
    for main in ["main", "origin/main"] {
        if let Ok(base) = git(&["merge-base", head, main]) {
            return Ok(base.trim().to_owned());
        }
    }
    bail!("no merge base with main or origin/main: name the base, `cargo xtask tdd-check BASE`")
}

/// The layer a test belongs to, for what it needs; unit tests need nothing beyond nextest.
fn layer_of(test: &TestId, kind: &str) -> Option<Layer> {
    if test.binary == "e2e" || test.binary.starts_with("e2e::") {
        Some(Layer::E2e)
    } else if kind == "test" {
        Some(Layer::Integration)
    } else {
        None
    }
}

/// The oldest commit after `base` whose change adds `fn <function>`.
fn introducing_commit(base: &str, head: &str, function: &str) -> Result<Option<String>> {
    let pickaxe = format!("-Sfn {function}(");
    let commits = git(&["log", "--reverse", "--format=%H", &pickaxe, &format!("{base}..{head}")])?;
    Ok(commits.lines().next().map(str::to_owned))
}

/// `(test name, reason)` from every `Red-First-Exempt:` trailer in the range.
fn exemptions(base: &str, head: &str) -> Result<Vec<(String, String)>> {
    let format = format!("--format=%(trailers:key={EXEMPT_TRAILER},valueonly,separator=%x0A)");
    let values = git(&["log", &format, &format!("{base}..{head}")])?;
    Ok(values.lines().filter_map(parse_exemption).collect())
}

fn parse_exemption(value: &str) -> Option<(String, String)> {
    let value = value.trim();
    let (name, reason) = value.split_once(char::is_whitespace).unwrap_or((value, ""));
    (!name.is_empty()).then(|| (name.to_owned(), reason.trim().to_owned()))
}

/// A worktree of this repository and a target directory of its own.
struct Scratch {
    worktree: PathBuf,
    target: PathBuf,
}

impl Scratch {
    fn open() -> Result<Self> {
        let root = std::env::current_dir()?.join(SCRATCH);
        let worktree = root.join("worktree");
        // What a run killed half-way left behind.
        let _ = git(&["worktree", "remove", "--force", &worktree.to_string_lossy()]);
        let _ = git(&["worktree", "prune"]);
        std::fs::create_dir_all(&root)?;
        git(&["worktree", "add", "--detach", "--force", &worktree.to_string_lossy(), "HEAD"])?;
        Ok(Self { worktree, target: root.join("target") })
    }

    fn checkout(&self, commit: &str) -> Result<()> {
        let output = Command::new("git")
            .arg("-C")
            .arg(&self.worktree)
            .args(["checkout", "--quiet", "--detach", "--force", commit])
            .output()?;
        if !output.status.success() {
            bail!("checking out {commit}: {}", String::from_utf8_lossy(&output.stderr));
        }
        Ok(())
    }

    /// cargo in the worktree. Every nextest call names its profile: one inherited from the
    /// environment (`NEXTEST_PROFILE`, set for a test that runs this) may not exist there.
    fn cargo(&self, args: &[&str]) -> tokio::process::Command {
        let mut command = cargo::async_command(args);
        command.current_dir(&self.worktree).env("CARGO_TARGET_DIR", &self.target).stdin(Stdio::null());
        command
    }

    /// Every test at `commit`, with the kind of its binary (`lib`, `bin`, `test`, …).
    async fn list(&self, commit: &str) -> Result<BTreeMap<TestId, String>> {
        self.checkout(commit)?;
        let output = self
            .cargo(&["nextest", "list", "--workspace", "--locked", "--profile", "default", "--message-format", "json"])
            .stderr(Stdio::piped())
            .output()
            .await?;
        if !output.status.success() {
            bail!(
                "the tests at {} do not build, so its test list is unknown:\n{}",
                short(commit),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        parse_test_list(&String::from_utf8_lossy(&output.stdout))
    }

    /// Runs one test at `commit`.
    async fn run(&self, commit: &str, test: &TestId, database_url: Option<&str>) -> Result<Outcome> {
        self.checkout(commit)?;
        let filter = test.filter();
        let mut command = self.cargo(&[
            "nextest",
            "run",
            "--workspace",
            "--locked",
            "--profile",
            "default",
            "--ignore-default-filter",
            "--no-fail-fast",
            "--cargo-quiet",
            "-E",
            &filter,
        ]);
        if let Some(url) = database_url {
            command.env(URL_ENV, url);
        }
        let output = command.output().await?;
        Ok(match output.status.code() {
            Some(0) => Outcome::Passed,
            Some(TESTS_FAILED) => Outcome::Failed,
            Some(BUILD_FAILED) => Outcome::DoesNotCompile,
            Some(NO_TESTS_RUN) => Outcome::Absent,
            _ => bail!(
                "nextest could not run {test} at {} ({}):\n{}",
                short(commit),
                output.status,
                String::from_utf8_lossy(&output.stderr)
            ),
        })
    }

    fn close(self) -> Result<()> {
        git(&["worktree", "remove", "--force", &self.worktree.to_string_lossy()])?;
        Ok(())
    }
}

/// The tests at the head that were not there at the base, each with the kind of its binary.
/// A test whose function disappeared from one place and appeared in another moved: it is the
/// same test, seen red (or not) when it was first written.
fn added_tests(before: &BTreeMap<TestId, String>, after: BTreeMap<TestId, String>) -> Vec<(TestId, String)> {
    let gone: Vec<&str> = before.keys().filter(|test| !after.contains_key(*test)).map(TestId::function).collect();
    after
        .into_iter()
        .filter(|(test, _)| !before.contains_key(test))
        .filter(|(test, _)| !gone.contains(&test.function()))
        .collect()
}

/// nextest's JSON test list as `test → kind of its binary`.
fn parse_test_list(json: &str) -> Result<BTreeMap<TestId, String>> {
    let list: Value = serde_json::from_str(json).context("reading nextest's test list")?;
    let suites = list["rust-suites"].as_object().context("no rust-suites in nextest's test list")?;
    let mut tests = BTreeMap::new();
    for (binary, suite) in suites {
        let kind = suite["kind"].as_str().unwrap_or("unknown").to_owned();
        let cases = suite["testcases"].as_object().into_iter().flatten();
        for (name, _) in cases {
            tests.insert(TestId { binary: binary.clone(), name: name.clone() }, kind.clone());
        }
    }
    Ok(tests)
}

fn rev_parse(revision: &str) -> Result<String> {
    Ok(git(&["rev-parse", "--verify", &format!("{revision}^{{commit}}")])
        .with_context(|| format!("`{revision}` is not a commit"))?
        .trim()
        .to_owned())
}

fn short(commit: &str) -> &str {
    &commit[..commit.len().min(9)]
}

fn git(args: &[&str]) -> Result<String> {
    let output = Command::new("git").args(args).output().context("running git")?;
    if !output.status.success() {
        bail!("git {} failed: {}", args.join(" "), String::from_utf8_lossy(&output.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(when_introduced: Outcome, at_head: Outcome, exemption: Option<&str>) -> Finding {
        Finding {
            test: TestId { binary: "domain".into(), name: "text::tests::blank_is_refused".into() },
            introduced_in: Some("abc".into()),
            when_introduced,
            at_head,
            exemption: exemption.map(str::to_owned),
        }
    }

    #[test]
    fn a_test_red_when_added_and_green_at_the_head_passes() {
        assert_eq!(finding(Outcome::Failed, Outcome::Passed, None).verdict(), Ok("red first"));
        assert_eq!(finding(Outcome::DoesNotCompile, Outcome::Passed, None).verdict(), Ok("red first"));
    }

    #[test]
    fn a_test_green_when_added_fails_the_check_unless_exempted() {
        let green_first = finding(Outcome::Passed, Outcome::Passed, None).verdict();
        assert_eq!(green_first, Err("passed in the commit that added it: never seen red".to_owned()));
        assert_eq!(finding(Outcome::Passed, Outcome::Passed, Some("(a guard)")).verdict(), Ok("exempt"));
    }

    #[test]
    fn a_test_red_at_the_head_fails_the_check_even_when_exempt() {
        assert_eq!(
            finding(Outcome::Failed, Outcome::Failed, Some("x")).verdict(),
            Err("failed at the head".to_owned())
        );
    }

    #[test]
    fn browser_tests_need_the_e2e_layer_and_other_integration_tests_postgres() {
        let test = |binary: &str| TestId { binary: binary.into(), name: "t".into() };

        assert_eq!(layer_of(&test("e2e::e2e"), "test"), Some(Layer::E2e));
        assert_eq!(layer_of(&test("web::api"), "test"), Some(Layer::Integration));
        assert_eq!(layer_of(&test("domain"), "lib"), None);
    }

    #[test]
    fn an_exemption_names_the_test_then_says_why() {
        assert_eq!(
            parse_exemption(" keeps_settings (guards against stripping too much)"),
            Some(("keeps_settings".to_owned(), "(guards against stripping too much)".to_owned()))
        );
        assert_eq!(parse_exemption("   "), None);
    }

    fn listed(tests: &[(&str, &str)]) -> BTreeMap<TestId, String> {
        tests
            .iter()
            .map(|(binary, name)| (TestId { binary: (*binary).into(), name: (*name).into() }, "lib".to_owned()))
            .collect()
    }

    #[test]
    fn a_test_that_moved_to_another_module_or_crate_is_not_new() {
        let before = listed(&[("xtask", "bench::tests::percentiles_use_the_nearest_rank"), ("xtask", "kept")]);
        let after = listed(&[
            ("testkit", "timing::tests::percentiles_use_the_nearest_rank"),
            ("testkit", "timing::tests::a_row_sorts_its_samples"),
            ("xtask", "kept"),
        ]);

        let added: Vec<String> = added_tests(&before, after).into_iter().map(|(test, _)| test.to_string()).collect();

        assert_eq!(added, ["testkit timing::tests::a_row_sorts_its_samples"]);
    }

    #[test]
    fn the_test_list_names_each_test_with_its_binary_and_kind() {
        let json = r#"{"rust-suites": {
            "domain": {"kind": "lib", "testcases": {"text::tests::a": {}, "text::tests::b": {}}},
            "web::api": {"kind": "test", "testcases": {"auth::login": {}}}
        }}"#;

        let tests = parse_test_list(json).unwrap();

        let listed: Vec<String> = tests.iter().map(|(test, kind)| format!("{test} [{kind}]")).collect();
        assert_eq!(
            listed,
            ["domain text::tests::a [lib]", "domain text::tests::b [lib]", "web::api auth::login [test]"]
        );
    }
}
