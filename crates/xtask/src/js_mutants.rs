//! `cargo xtask mutants --js`: the pages' JavaScript mutated too, so that the browser layer
//! is measured on the code only it runs.
//!
//! cargo-mutants mutates Rust, and every Rust behaviour the browser tests rely on has an
//! in-process test as well: no Rust mutant is caught by e2e alone. What only a browser
//! executes is the JavaScript the pages load (`crates/web/static/*.js`). No JavaScript
//! mutation tool can be installed here (StrykerJS comes from npm, which this machine cannot
//! reach), so this module applies the classic operators itself: `===`/`!==`, `&&`/`||`, a
//! dropped `!`, `true`/`false`. Each mutant is written over the file, every layer's tests run
//! as cargo-mutants runs them (nextest's `mutants` profile), and the file is put back; the
//! failures are read by `mutation` exactly as a Rust mutant's are.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use regex::Regex;
use testbed::postgres::{PostgresServer, URL_ENV};

use crate::mutation::{MutantRecord, MutantsReport, Summary, TEST_LAYERS, TestLayers, failed_tests, verdicts};
use crate::provision;
use crate::{cargo, progress, run_facts};

/// The scripts the pages load: the only code a browser runs that no other layer does.
const SCRIPTS: &str = "crates/web/static";
/// Each mutant's test log, for a reader who wants to see why a layer failed.
const LOGS: &str = "target/mutants-js";
/// nextest's exit codes (`nextest_metadata::NextestExitCode`).
const TESTS_FAILED: i32 = 100;
const BUILD_FAILED: i32 = 101;

/// One change to one script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsMutant {
    pub file: String,
    /// Byte offset of the replaced text.
    offset: usize,
    pub line: u32,
    pub column: u32,
    pub original: &'static str,
    pub replacement: &'static str,
    /// The named function around it, if any.
    pub function: Option<String>,
}

impl JsMutant {
    /// Named as cargo-mutants names its own: `file:line:column: replace … with … in …`.
    pub fn name(&self) -> String {
        let shown = |text: &str| if text.is_empty() { "nothing".to_owned() } else { text.to_owned() };
        let mut name = format!(
            "{}:{}:{}: replace {} with {}",
            self.file,
            self.line,
            self.column,
            shown(self.original),
            shown(self.replacement)
        );
        if let Some(function) = &self.function {
            name.push_str(&format!(" in {function}"));
        }
        name
    }

    /// `source` with this mutant's change made.
    pub fn apply(&self, source: &str) -> String {
        let end = self.offset + self.original.len();
        format!("{}{}{}", &source[..self.offset], self.replacement, &source[end..])
    }
}

/// Where the scanner is: code, or something whose text is not code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    Code,
    LineComment,
    BlockComment,
    Quoted(u8),
    /// A template literal's text; its `${…}` are code again.
    Template,
}

/// Every mutant of `source` (the text of `file`), in source order.
///
/// A small scanner, not a parser: it skips comments, strings and template text (but mutates
/// the code inside `${…}`), and knows no regular-expression literals, which these scripts do
/// not use.
pub fn mutants_of(file: &str, source: &str) -> Vec<JsMutant> {
    let bytes = source.as_bytes();
    let mut found = Vec::new();
    // The contexts entered, innermost last; a `${` in a template pushes `Code` with its depth.
    let mut stack = vec![(Reading::Code, 0usize)];
    let mut depth = 0usize;
    // Named functions open around the scanner: (name, the brace depth inside them).
    let mut functions: Vec<(String, usize)> = Vec::new();
    let mut pending_function: Option<String> = None;
    let (mut line, mut line_start) = (1u32, 0usize);
    let mut at = 0;
    while at < bytes.len() {
        let here = &source[at..];
        let (context, _) = *stack.last().unwrap_or(&(Reading::Code, 0));
        let byte = bytes[at];
        if byte == b'\n' {
            line += 1;
            line_start = at + 1;
        }
        match context {
            Reading::LineComment if byte == b'\n' => {
                stack.pop();
            }
            Reading::BlockComment if here.starts_with("*/") => {
                stack.pop();
                at += 2;
                continue;
            }
            Reading::Quoted(_) | Reading::Template if byte == b'\\' => {
                at += 1 + source[at + 1..].chars().next().map_or(0, char::len_utf8);
                continue;
            }
            Reading::Quoted(quote) if byte == quote => {
                stack.pop();
            }
            Reading::Template if byte == b'`' => {
                stack.pop();
            }
            Reading::Template if here.starts_with("${") => {
                depth += 1;
                stack.push((Reading::Code, depth));
                at += 2;
                continue;
            }
            Reading::Code => {
                if here.starts_with("//") {
                    stack.push((Reading::LineComment, depth));
                } else if here.starts_with("/*") {
                    stack.push((Reading::BlockComment, depth));
                } else if byte == b'"' || byte == b'\'' {
                    stack.push((Reading::Quoted(byte), depth));
                } else if byte == b'`' {
                    stack.push((Reading::Template, depth));
                } else if byte == b'{' {
                    depth += 1;
                    if let Some(name) = pending_function.take() {
                        functions.push((name, depth));
                    }
                } else if byte == b'}' {
                    if stack.len() > 1 && stack.last().is_some_and(|(_, opened)| *opened == depth) {
                        // The `}` that ends a template's `${…}`.
                        stack.pop();
                    }
                    if functions.last().is_some_and(|(_, inside)| *inside == depth) {
                        functions.pop();
                    }
                    depth = depth.saturating_sub(1);
                } else if let Some(name) = function_keyword(source, at) {
                    pending_function = Some(name);
                } else if let Some((original, replacement)) = operator_at(source, at) {
                    let column = u32::try_from(source[line_start..at].chars().count() + 1).unwrap_or(u32::MAX);
                    found.push(JsMutant {
                        file: file.to_owned(),
                        offset: at,
                        line,
                        column,
                        original,
                        replacement,
                        function: functions.last().map(|(name, _)| name.clone()),
                    });
                    at += original.len();
                    continue;
                }
            }
            _ => {}
        }
        at += here.chars().next().map_or(1, char::len_utf8);
    }
    found
}

/// The name after a `function` keyword that starts at `at`.
fn function_keyword(source: &str, at: usize) -> Option<String> {
    let rest = source[at..].strip_prefix("function ")?;
    if starts_inside_a_word(source, at) {
        return None;
    }
    let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$').collect();
    (!name.is_empty()).then_some(name)
}

/// The operator that starts at `at`, and what it becomes.
fn operator_at(source: &str, at: usize) -> Option<(&'static str, &'static str)> {
    const SWAPS: [(&str, &str); 6] =
        [("===", "!=="), ("!==", "==="), ("&&", "||"), ("||", "&&"), ("true", "false"), ("false", "true")];
    let here = &source[at..];
    for (original, replacement) in SWAPS {
        if !here.starts_with(original) {
            continue;
        }
        let is_word = original.chars().all(char::is_alphabetic);
        if is_word && (starts_inside_a_word(source, at) || ends_inside_a_word(source, at + original.len())) {
            continue;
        }
        return Some((original, replacement));
    }
    // A negation, `!x`, dropped: not `!=`, which the swaps above handle as `!==`.
    (here.starts_with('!') && !here.starts_with("!=")).then_some(("!", ""))
}

fn starts_inside_a_word(source: &str, at: usize) -> bool {
    source[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '.')
}

fn ends_inside_a_word(source: &str, end: usize) -> bool {
    source[end..].chars().next().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

/// Every mutant of every script, narrowed to the names matching `patterns` when any are given.
pub fn selected(workspace: &Path, patterns: &[String]) -> Result<(Vec<JsMutant>, usize)> {
    let patterns = patterns.iter().map(|pattern| Regex::new(pattern)).collect::<Result<Vec<_>, _>>()?;
    let mut all = Vec::new();
    for script in scripts(workspace)? {
        let file = script.strip_prefix(workspace).unwrap_or(&script).to_string_lossy().into_owned();
        let source = std::fs::read_to_string(&script).with_context(|| format!("reading {}", script.display()))?;
        all.extend(mutants_of(&file, &source));
    }
    let in_product = all.len();
    all.retain(|mutant| patterns.is_empty() || patterns.iter().any(|pattern| pattern.is_match(&mutant.name())));
    Ok((all, in_product))
}

fn scripts(workspace: &Path) -> Result<Vec<PathBuf>> {
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(workspace.join(SCRIPTS))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|extension| extension == "js"))
        .collect();
    scripts.sort();
    Ok(scripts)
}

/// Puts a script back as it was, however the run ends.
struct Restore {
    path: PathBuf,
    original: String,
}

impl Drop for Restore {
    fn drop(&mut self) {
        if let Err(error) = std::fs::write(&self.path, &self.original) {
            eprintln!("could not put {} back: {error}; `git checkout` it", self.path.display());
        }
    }
}

/// Runs the mutants whose names match `patterns` (all when there are none), each against
/// every layer; `selection` says in words what was run.
pub async fn run(patterns: &[String], selection: String) -> Result<MutantsReport> {
    provision::ensure(&TEST_LAYERS).await?;
    let workspace = Path::new(".");
    let (mutants, in_product) = selected(workspace, patterns)?;
    if mutants.is_empty() {
        bail!("no JavaScript mutant's name matches {patterns:?}");
    }
    let commit = run_facts::head_commit()?;
    let layers = progress::show("listing each layer's tests", TestLayers::list()).await?;
    std::fs::create_dir_all(LOGS)?;
    let server = progress::show("starting the run's Postgres container", PostgresServer::start()).await?;
    let started = Instant::now();
    let records = run_each(&mutants, &layers, server.url()).await;
    let wall_seconds = started.elapsed().as_secs_f64();
    server.stop().await?;
    Ok(MutantsReport {
        commit,
        measured_at: run_facts::now(),
        selection,
        cargo_mutants: "cargo xtask mutants --js".to_owned(),
        mutants_in_product: in_product,
        wall_seconds,
        machine_seconds: wall_seconds,
        mutants: records?,
    })
}

/// The unmutated tree first (a failure there would be counted as kills), then each mutant.
async fn run_each(mutants: &[JsMutant], layers: &TestLayers, database_url: &str) -> Result<Vec<MutantRecord>> {
    let (baseline, _) = test_every_layer(database_url, &Path::new(LOGS).join("baseline.log")).await?;
    if baseline != Some(0) {
        bail!("the unmutated tree fails its tests: see {LOGS}/baseline.log");
    }
    let mut records = Vec::new();
    for (index, mutant) in mutants.iter().enumerate() {
        let name = mutant.name();
        println!("[{}/{}] {name}", index + 1, mutants.len());
        let path = PathBuf::from(&mutant.file);
        let original = std::fs::read_to_string(&path)?;
        let restore = Restore { path: path.clone(), original };
        std::fs::write(&path, mutant.apply(&restore.original))?;
        let started = Instant::now();
        let log_path = Path::new(LOGS).join(format!("{}.log", index + 1));
        let (code, log) = test_every_layer(database_url, &log_path).await?;
        drop(restore);
        let summary = match code {
            Some(0) => Summary::MissedMutant,
            Some(TESTS_FAILED) => Summary::CaughtMutant,
            Some(BUILD_FAILED) => Summary::Unviable,
            other => bail!("{name}: nextest ended with {other:?}: see {}", log_path.display()),
        };
        let failures = failed_tests(&log);
        if summary == Summary::CaughtMutant && failures.is_empty() {
            bail!("{name}: tests failed, but none is named in {}", log_path.display());
        }
        let verdicts: BTreeMap<_, _> = verdicts(summary, &failures, layers);
        println!(
            "  {}",
            verdicts.iter().map(|(layer, verdict)| format!("{layer}: {verdict:?}")).collect::<Vec<_>>().join(", ")
        );
        records.push(MutantRecord {
            name,
            package: "web".to_owned(),
            file: mutant.file.clone(),
            line: mutant.line,
            function: mutant.function.clone(),
            seconds: started.elapsed().as_secs_f64(),
            layers: verdicts,
        });
    }
    Ok(records)
}

/// Every layer's tests, as cargo-mutants runs them: nextest's `mutants` profile, built with
/// cargo's `mutants` profile. Returns the exit code and the log.
async fn test_every_layer(database_url: &str, log_path: &Path) -> Result<(Option<i32>, String)> {
    let output =
        cargo::async_command(["nextest", "run", "--workspace", "--cargo-profile", "mutants", "--profile", "mutants"])
            .env(URL_ENV, database_url)
            .kill_on_drop(true)
            .output()
            .await
            .context("running cargo nextest")?;
    let log = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    std::fs::write(log_path, &log)?;
    Ok((output.status.code(), log))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(source: &str) -> Vec<String> {
        mutants_of("feed.js", source).iter().map(JsMutant::name).collect()
    }

    #[test]
    fn each_operator_is_swapped_where_it_stands() {
        let source = "function f(a, b) {\n  return a === b && !a || b !== true;\n}\n";

        assert_eq!(
            names(source),
            [
                "feed.js:2:12: replace === with !== in f",
                "feed.js:2:18: replace && with || in f",
                "feed.js:2:21: replace ! with nothing in f",
                "feed.js:2:24: replace || with && in f",
                "feed.js:2:29: replace !== with === in f",
                "feed.js:2:33: replace true with false in f",
            ]
        );
    }

    #[test]
    fn comments_strings_and_template_text_are_not_code() {
        let source = "// a || b\n/* !a */\nconst s = \"a && b\" + 'x === y' + `true ${a || b} false`;\n";

        assert_eq!(names(source), ["feed.js:3:44: replace || with &&"]);
    }

    #[test]
    fn an_escaped_character_of_any_width_stays_inside_its_string() {
        assert_eq!(names("const s = \"\\é || \\\" && \" || `\\…`;\n"), ["feed.js:1:26: replace || with &&"]);
    }

    #[test]
    fn a_word_that_only_contains_true_is_left_alone() {
        assert!(names("const untrue = trueish.istrue;\n").is_empty());
    }

    #[test]
    fn code_after_a_function_is_not_said_to_be_in_it() {
        let source = "function f() {\n  if (x) { y(); }\n}\nconst z = !f();\n";

        assert_eq!(names(source), ["feed.js:4:11: replace ! with nothing"]);
    }

    #[test]
    fn a_mutant_changes_only_its_own_text() {
        let source = "if (a === b && c === d) go();\n";
        let the_second_equality = &mutants_of("feed.js", source)[2];

        assert_eq!(the_second_equality.apply(source), "if (a === b && c !== d) go();\n");
    }

    #[test]
    fn the_live_feed_script_has_mutants_of_each_kind() {
        let source = include_str!("../../web/static/feed.js");

        let mutants = mutants_of("crates/web/static/feed.js", source);

        for kind in ["===", "&&", "!", "||"] {
            assert!(mutants.iter().any(|mutant| mutant.original == kind), "no {kind} mutated in feed.js");
        }
        assert!(mutants.iter().any(|mutant| mutant.function.as_deref() == Some("matchesFilters")));
    }
}
