//! `cargo xtask bench tdd-loop`: how long the TDD loop takes, from saving a change to the
//! unit layer's verdict, and how long `cargo run` takes after a test run.
//!
//! It works on a scratch copy of the tree (`target/tdd-loop/tree`, with a build of its own),
//! never on the user's files. One line of a domain function is changed so that a unit test
//! fails, `cargo xtask test unit` runs (edit → red), the line is restored and the layer runs
//! again (edit → green); each several times. Then, after `cargo xtask test unit`, `cargo run`
//! is timed until the server logs that it listens: with nothing changed in between, it must
//! not rebuild anything.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::{cargo, progress};

const SCRATCH: &str = "target/tdd-loop";
const ROUNDS: usize = 5;

/// The edit: `SearchText::is_found_in` looks at the start only, which a unit test catches.
const FILE: &str = "crates/domain/src/text.rs";
const LINE: &str = "fold_case(haystack).contains(&fold_case(&self.0))";
const BROKEN: &str = "fold_case(haystack).starts_with(&fold_case(&self.0))";
/// A test that must go red with the edit.
const CATCHES_IT: &str = "search_text_finds_itself_ignoring_case_and_treats_wildcards_literally";

pub async fn run() -> Result<()> {
    let tree = progress::show_blocking("copying the tree to target/tdd-loop/tree", copy_tree).await?;
    let file = tree.join(FILE);
    let original = std::fs::read_to_string(&file)?;
    ensure!(
        original.contains(LINE),
        "{FILE} no longer contains `{LINE}`: the bench's edit must be updated (crates/xtask/src/bench/tdd_loop.rs)"
    );
    let broken = original.replacen(LINE, BROKEN, 1);

    println!("warming up the scratch tree's build (slow the first time: it builds everything once)…");
    let warm_up = Instant::now();
    unit_layer(&tree).await?;
    cargo_run_until_serving(&tree).await?;
    println!("warm: {:.0} s\n", warm_up.elapsed().as_secs_f64());

    let (mut red, mut green) = (Vec::new(), Vec::new());
    for round in 1..=ROUNDS {
        std::fs::write(&file, &broken)?;
        let started = Instant::now();
        let verdict = unit_layer(&tree).await?;
        red.push(started.elapsed());
        ensure!(!verdict, "round {round}: the unit layer stayed green after the edit");
        let junit = std::fs::read_to_string(tree.join("target/pyramid/unit.junit.xml"))?;
        ensure!(junit.contains(CATCHES_IT), "round {round}: {CATCHES_IT} did not run");

        std::fs::write(&file, &original)?;
        let started = Instant::now();
        let verdict = unit_layer(&tree).await?;
        green.push(started.elapsed());
        ensure!(verdict, "round {round}: the unit layer stayed red after the revert");
        println!(
            "round {round}: edit → red {:.1} s, edit → green {:.1} s",
            seconds(red[round - 1]),
            seconds(green[round - 1])
        );
    }

    let mut serving = Vec::new();
    for round in 1..=ROUNDS {
        ensure!(unit_layer(&tree).await?, "the unit layer is red");
        serving.push(cargo_run_until_serving(&tree).await?);
        println!(
            "round {round}: cargo run after cargo xtask test unit: serving in {:.1} s",
            seconds(serving[round - 1])
        );
    }

    println!("\n{:<52} {:>3} {:>8} {:>8}", "", "n", "median", "max");
    for (label, samples) in [
        ("edit → red: `cargo xtask test unit` fails", &mut red),
        ("edit → green: `cargo xtask test unit` passes", &mut green),
        ("`cargo run` after `cargo xtask test unit` → serving", &mut serving),
    ] {
        samples.sort();
        let median = samples[samples.len() / 2];
        let max = samples[samples.len() - 1];
        println!("{label:<52} {:>3} {:>6.1} s {:>6.1} s", samples.len(), seconds(median), seconds(max));
    }
    println!("\n({} cores; the edit: {FILE}, `{LINE}` → `{BROKEN}`)", cores());
    Ok(())
}

/// The tree as git sees it (tracked and untracked, not ignored), copied over the last copy
/// and committed there: a checkout of its own, as the tests expect (some ask git about the
/// tree). The copy's own build under its `target/` is kept.
fn copy_tree() -> Result<PathBuf> {
    let tree = Path::new(SCRATCH).join("tree");
    let output = std::process::Command::new("git")
        .args(["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
        .output()
        .context("running git ls-files")?;
    ensure!(output.status.success(), "git ls-files failed");
    if tree.exists() {
        for entry in std::fs::read_dir(&tree)? {
            let path = entry?.path();
            if !["target", ".git"].iter().any(|kept| path.file_name() == Some(kept.as_ref())) {
                if path.is_dir() { std::fs::remove_dir_all(&path)? } else { std::fs::remove_file(&path)? }
            }
        }
    }
    for file in String::from_utf8_lossy(&output.stdout).split('\0').filter(|file| !file.is_empty()) {
        let source = Path::new(file);
        // Deleted in the working tree but still in the index.
        if !source.is_file() {
            continue;
        }
        let destination = tree.join(file);
        if let Some(parent) = destination.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(source, &destination)?;
    }
    let git = |args: &[&str]| -> Result<()> {
        let status = std::process::Command::new("git")
            .args(args)
            .current_dir(&tree)
            .env("GIT_AUTHOR_NAME", "tdd-loop")
            .env("GIT_AUTHOR_EMAIL", "tdd-loop@localhost")
            .env("GIT_COMMITTER_NAME", "tdd-loop")
            .env("GIT_COMMITTER_EMAIL", "tdd-loop@localhost")
            .stdout(Stdio::null())
            .status()?;
        ensure!(status.success(), "git {} failed in the scratch tree", args.join(" "));
        Ok(())
    };
    if !tree.join(".git").exists() {
        git(&["init", "--quiet"])?;
    }
    git(&["add", "--all"])?;
    git(&["commit", "--quiet", "--allow-empty", "--message", "the tree, as copied"])?;
    Ok(tree)
}

/// `cargo xtask test unit` in the scratch tree: whether it was green.
async fn unit_layer(tree: &Path) -> Result<bool> {
    let status = cargo::async_command(["xtask", "test", "unit"])
        .current_dir(tree)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .await?;
    Ok(status.success())
}

/// `cargo run` in the scratch tree, until the server says it listens; then it is stopped.
async fn cargo_run_until_serving(tree: &Path) -> Result<Duration> {
    let started = Instant::now();
    let mut server = cargo::async_command(["run", "--quiet"])
        .current_dir(tree)
        .env("BIND_ADDR", "127.0.0.1:0")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let stderr = server.stderr.take().context("cargo run has no stderr")?;
    let mut lines = BufReader::new(stderr).lines();
    let listening = async {
        while let Some(line) = lines.next_line().await? {
            if line.contains("listening on") {
                return Ok(());
            }
        }
        bail!("the server exited before listening")
    };
    tokio::time::timeout(Duration::from_secs(600), listening)
        .await
        .context("the server did not listen in 10 minutes")??;
    let elapsed = started.elapsed();
    server.kill().await?;
    Ok(elapsed)
}

fn seconds(duration: Duration) -> f64 {
    duration.as_secs_f64()
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}
