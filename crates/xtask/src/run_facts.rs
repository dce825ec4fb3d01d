//! What a measuring run was (its commit, when, with what), kept beside the tool's output as
//! `run.json`, so that the output can be analysed again (`--analyse`) without running the tool.

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::Serialize;
use serde::de::DeserializeOwned;

const FILE: &str = "run.json";

pub fn save(output: &Path, facts: &impl Serialize) -> Result<()> {
    std::fs::write(output.join(FILE), serde_json::to_string_pretty(facts)?)?;
    Ok(())
}

/// The facts the last run of `command` left in `output`.
pub fn read<T: DeserializeOwned>(output: &Path, command: &str) -> Result<T> {
    let path = output.join(FILE);
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}: has `{command}` run?", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("reading {}", path.display()))
}

/// The commit checked out.
pub fn head_commit() -> Result<String> {
    git(&["rev-parse", "HEAD"])
}

/// Whether tracked files differ from the commit checked out.
pub fn tree_is_dirty() -> Result<bool> {
    Ok(!git(&["status", "--porcelain", "--untracked-files=no"])?.is_empty())
}

/// A commit as the reports print it: its first twelve hex digits.
pub fn short_commit(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

/// Now, as RFC 3339 to the second.
pub fn now() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

fn git(args: &[&str]) -> Result<String> {
    let output = std::process::Command::new("git").args(args).output()?;
    if !output.status.success() {
        bail!("git {} failed", args.join(" "));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}
