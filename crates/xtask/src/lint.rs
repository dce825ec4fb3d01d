//! The lint layer: the checks that need no test to run, each a JUnit test case.
//!
//! - `fmt`: `cargo fmt --check`.
//! - `clippy`: every target, warnings denied. Its diagnostics are shown as they come, and
//!   cargo's own progress stays on screen: a cold clippy takes minutes.
//! - `deny`: licenses, bans and sources of every dependency (`deny.toml`). Advisories need the
//!   advisory database from GitHub, so the workflow checks them (`.github/workflows/ci.yml`).
//! - `actionlint`, `zizmor`: the workflow's correctness and security.
//! - `shellcheck`: every shell script in the repository.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use cargo_metadata::Message;
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::python_tools::LINTERS;
use crate::{cargo, progress};

/// One check's verdict and what it printed.
struct Verdict {
    name: &'static str,
    passed: bool,
    output: String,
    elapsed: Duration,
}

/// Runs every check (all of them, so one run reports every problem) and returns the report.
pub async fn run() -> Result<Report> {
    let mut suite = TestSuite::new("lint");
    let started = Instant::now();
    let fmt = cargo::async_command(["fmt", "--all", "--", "--check"]);
    record(&mut suite, captured("fmt", "cargo fmt --check", fmt).await?);
    record(&mut suite, clippy().await?);
    let deny = cargo::async_command(["deny", "check", "licenses", "bans", "sources"]);
    record(&mut suite, captured("deny", "cargo deny check licenses bans sources", deny).await?);
    record(&mut suite, captured("actionlint", "actionlint", LINTERS.command("actionlint").into()).await?);
    record(&mut suite, zizmor().await?);
    record(&mut suite, shellcheck().await?);
    suite.set_time(started.elapsed());
    let mut report = Report::new("lint");
    report.add_test_suite(suite);
    Ok(report)
}

/// Prints a check's verdict (and its output when it failed) and adds it to the suite.
fn record(suite: &mut TestSuite, verdict: Verdict) {
    let mark = if verdict.passed { "✓" } else { "✗" };
    println!("  {mark} {:<11} {:>6.1} s", verdict.name, verdict.elapsed.as_secs_f64());
    let mut case = if verdict.passed {
        TestCase::new(verdict.name, TestCaseStatus::success())
    } else {
        print!("{}", verdict.output);
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        status.set_description(progress::strip_ansi(&verdict.output));
        TestCase::new(verdict.name, status)
    };
    case.set_time(verdict.elapsed);
    suite.add_test_case(case);
}

/// A quick check whose output is shown only when it fails.
async fn captured(name: &'static str, what: &str, mut command: tokio::process::Command) -> Result<Verdict> {
    let started = Instant::now();
    let output =
        progress::show(what, command.stdin(Stdio::null()).output()).await.with_context(|| format!("running {what}"))?;
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    Ok(Verdict { name, passed: output.status.success(), output: text, elapsed: started.elapsed() })
}

/// Clippy under a ticking status line, each diagnostic printed as it arrives.
async fn clippy() -> Result<Verdict> {
    let started = Instant::now();
    let command = cargo::async_command([
        "clippy",
        "--workspace",
        "--all-targets",
        "--locked",
        "--message-format=json-diagnostic-rendered-ansi",
        "--",
        "-D",
        "warnings",
    ]);
    let mut diagnostics = String::new();
    let status = progress::cargo("cargo clippy", command, |line| {
        let Ok(Message::CompilerMessage(message)) = serde_json::from_str::<Message>(line) else { return None };
        let rendered = message.message.rendered?;
        diagnostics.push_str(&rendered);
        Some(rendered)
    })
    .await?;
    Ok(Verdict { name: "clippy", passed: status.success(), output: diagnostics, elapsed: started.elapsed() })
}

/// With a GitHub token (in CI) zizmor also asks GitHub whether each pinned commit is what its
/// tag says; without one it runs its offline audits only.
async fn zizmor() -> Result<Verdict> {
    let mut command = LINTERS.command("zizmor");
    // The auditor persona: every finding, also those zizmor's default hides as low-confidence.
    command.args(["--persona", "auditor", "--format", "plain", "--no-progress"]);
    if std::env::var_os("GH_TOKEN").is_none() {
        command.arg("--offline");
    }
    command.arg(".github");
    captured("zizmor", "zizmor", command.into()).await
}

async fn shellcheck() -> Result<Verdict> {
    let scripts = shell_scripts(Path::new("."))?;
    let mut command = LINTERS.command("shellcheck");
    command.args(&scripts);
    captured("shellcheck", &format!("shellcheck ({} scripts)", scripts.len()), command.into()).await
}

/// Every file git tracks under `root` whose first line names a POSIX shell or bash.
fn shell_scripts(root: &Path) -> Result<Vec<String>> {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["ls-files", "-z"])
        .output()
        .context("running git ls-files")?;
    Ok(String::from_utf8_lossy(&output.stdout)
        .split('\0')
        .filter(|path| !path.is_empty())
        .filter(|path| {
            let first_line = std::fs::read(root.join(path))
                .ok()
                .and_then(|bytes| bytes.split(|byte| *byte == b'\n').next().map(<[u8]>::to_vec))
                .unwrap_or_default();
            is_shell_shebang(&String::from_utf8_lossy(&first_line))
        })
        .map(str::to_owned)
        .collect())
}

fn is_shell_shebang(line: &str) -> bool {
    let Some(interpreter) = line.strip_prefix("#!") else { return false };
    let mut words = interpreter.split_whitespace();
    let program = match words.next() {
        Some(env) if env.ends_with("/env") => words.next(),
        program => program,
    };
    program.is_some_and(|program| ["sh", "bash"].contains(&program.rsplit('/').next().unwrap_or(program)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_scripts_are_found_by_their_shebang() {
        for line in ["#!/bin/sh", "#!/usr/bin/env bash", "#!/bin/bash -eu", "#!/usr/bin/env sh"] {
            assert!(is_shell_shebang(line), "{line}");
        }
        for line in ["#!/usr/bin/env python3", "#![allow(dead_code)]", "# comment", ""] {
            assert!(!is_shell_shebang(line), "{line}");
        }
    }

    #[test]
    fn the_repositorys_scripts_are_checked() {
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).unwrap();

        let scripts = shell_scripts(workspace).unwrap();

        assert!(scripts.contains(&".ci/run".to_owned()), "{scripts:?}");
        assert!(scripts.contains(&"crates/xtask/postgres-image/docker-entrypoint.sh".to_owned()), "{scripts:?}");
    }
}
