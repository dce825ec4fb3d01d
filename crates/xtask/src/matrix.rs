//! The test matrix, written out: `docs/test-matrix.toml` names the behaviours and, for each,
//! the test at every layer that has one, with what that test proves and cannot see. This
//! module adds what no one should type: where each test's code is (found by its name), what it
//! cost in the last `cargo xtask test` (its JUnit time, committed as
//! `docs/measured/test-times.json`), and which of the measured mutants it killed. `cargo xtask
//! catches` regenerates the page; the tests below hold the committed page to those files.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use quick_junit::Report;
use serde::{Deserialize, Serialize};

use crate::layer::Layer;
use crate::mutation::{MutantsReport, TEST_LAYERS, killing_tests};
use crate::run_facts::short_commit;

pub const PAGE: &str = "docs/test-matrix.md";
pub const BEHAVIOURS: &str = "docs/test-matrix.toml";
pub const TIMES_FILE: &str = "test-times.json";

/// Each test's time in one run, by layer, keyed `binary-id test-name` as nextest names it.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct TestTimes {
    pub measured_at: Option<String>,
    pub layers: BTreeMap<String, BTreeMap<String, f64>>,
}

impl TestTimes {
    /// Reads `<layer>.junit.xml` of each test layer in `dir` (the runner's copies).
    pub fn from_junit(dir: &Path, measured_at: Option<String>) -> Result<Self> {
        let mut layers = BTreeMap::new();
        for layer in TEST_LAYERS {
            let path = dir.join(format!("{}.junit.xml", layer.name()));
            let xml = std::fs::read_to_string(&path)
                .with_context(|| format!("{} is missing: run `cargo xtask test` first", path.display()))?;
            let report = Report::deserialize_from_str(&xml).with_context(|| format!("reading {}", path.display()))?;
            let times = report
                .test_suites
                .iter()
                .flat_map(|suite| suite.test_cases.iter().map(move |case| (suite, case)))
                .map(|(suite, case)| {
                    let seconds = case.time.map_or(0.0, |time| time.as_secs_f64());
                    (format!("{} {}", suite.name.as_str(), case.name.as_str()), seconds)
                })
                .collect();
            layers.insert(layer.name().to_owned(), times);
        }
        Ok(Self { measured_at, layers })
    }

    /// The layer that ran `test`, and how long it took.
    fn of(&self, test: &str) -> Option<(Layer, f64)> {
        self.layers.iter().find_map(|(layer, times)| Some((Layer::from_name(layer)?, *times.get(test)?)))
    }
}

/// `docs/test-matrix.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Behaviours {
    #[serde(rename = "behaviour")]
    pub behaviours: Vec<Behaviour>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Behaviour {
    pub title: String,
    pub tests: Vec<MatrixTest>,
    /// Two of the tests, shown next to each other: the same behaviour at two layers.
    #[serde(default)]
    pub side_by_side: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatrixTest {
    /// `binary-id test-name`, as nextest and the JUnit report name it.
    pub test: String,
    /// What kind of test within its layer, when the layer alone does not say: "contract, on
    /// Postgres", "black box".
    #[serde(default)]
    pub kind: Option<String>,
    pub proves: String,
    pub cannot_see: String,
}

impl MatrixTest {
    fn function(&self) -> &str {
        self.test.rsplit("::").next().unwrap_or(&self.test)
    }
}

/// Where a test's code is: the file, relative to the workspace, and its lines from the first
/// attribute to the closing brace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestSource {
    pub file: PathBuf,
    pub first: usize,
    pub last: usize,
    pub code: String,
}

/// Finds the code of `test` (`binary-id test-name`) among `files` (relative to `root`): first
/// in its own binary's sources, then, for tests a macro stamps out (the store's contract
/// suite), anywhere. A name defined more than once there is settled by the module path.
pub fn find_test(root: &Path, files: &[PathBuf], test: &str) -> Result<TestSource> {
    let (binary, path) = test.split_once(' ').with_context(|| format!("{test}: not `binary-id test-name`"))?;
    let modules: Vec<&str> = path.split("::").collect();
    let name = modules.last().copied().unwrap_or(path);
    let home = sources_of(binary);
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(root.join(file))?;
        if let Some(source) = locate(&text, name) {
            found.push(TestSource { file: file.clone(), ..source });
        }
    }
    let at_home: Vec<&TestSource> = found.iter().filter(|source| source.file.starts_with(&home)).collect();
    let candidates = if at_home.is_empty() { found.iter().collect() } else { at_home };
    let named_by_module: Vec<&TestSource> = candidates
        .iter()
        .copied()
        .filter(|source| source.file.file_stem().is_some_and(|stem| modules.iter().any(|module| stem == *module)))
        .collect();
    match (candidates.as_slice(), named_by_module.as_slice()) {
        ([only], _) | (_, [only]) => Ok((*only).clone()),
        ([], _) => bail!("no fn {name} in the workspace"),
        _ => bail!(
            "fn {name} is defined in {:?}; which one {test} is cannot be told",
            candidates.iter().map(|c| &c.file).collect::<Vec<_>>()
        ),
    }
}

/// Where the sources of a nextest binary are: `web` is the library's `src/`, `web::api` the
/// integration test `tests/api`.
fn sources_of(binary: &str) -> PathBuf {
    let (package, target) = binary.split_once("::").map_or((binary, None), |(package, target)| (package, Some(target)));
    let package_dir = if package == "e2e" { PathBuf::from("e2e") } else { Path::new("crates").join(package) };
    match target {
        None => package_dir.join("src"),
        Some(target) => package_dir.join("tests").join(target),
    }
}

/// The lines of `fn name` in `text` (1-based), with its attributes and doc comment, dedented.
pub fn locate(text: &str, name: &str) -> Option<TestSource> {
    let lines: Vec<&str> = text.lines().collect();
    let signature = format!("fn {name}(");
    let at = lines.iter().position(|line| {
        let line = line.trim_start();
        line.starts_with(&signature) || line.starts_with(&format!("async {signature}"))
    })?;
    let indent = lines[at].len() - lines[at].trim_start().len();
    let mut first = at;
    while first > 0 {
        let above = lines[first - 1].trim_start();
        if !(above.starts_with("#[") || above.starts_with("///")) {
            break;
        }
        first -= 1;
    }
    let closing = format!("{}}}", " ".repeat(indent));
    // A one-line body (`fn f() {}`) ends on its signature; any other at its closing brace.
    let last =
        (at..lines.len()).find(|&index| lines[index] == closing || (index == at && lines[index].ends_with("{}")))?;
    let code = lines[first..=last]
        .iter()
        .map(|line| line.get(indent..).unwrap_or(line.trim_start()))
        .collect::<Vec<_>>()
        .join("\n");
    Some(TestSource { file: PathBuf::new(), first: first + 1, last: last + 1, code })
}

/// The workspace's Rust files that hold tests, relative to `root`.
pub fn test_files(root: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![root.join("crates"), root.join("e2e")];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|extension| extension == "rs") {
                files.push(path.strip_prefix(root)?.to_path_buf());
            }
        }
    }
    files.sort();
    Ok(files)
}

/// One test of the matrix with what was found and measured about it.
struct Row<'a> {
    test: &'a MatrixTest,
    layer: Layer,
    seconds: f64,
    source: TestSource,
    kills: Vec<String>,
}

/// The page's generated part.
pub fn render(root: &Path, behaviours: &Behaviours, times: &TestTimes, runs: &[&MutantsReport]) -> Result<String> {
    let files = test_files(root)?;
    let mut sections = Vec::new();
    for behaviour in &behaviours.behaviours {
        let mut rows = Vec::new();
        for test in &behaviour.tests {
            let (layer, seconds) = times
                .of(&test.test)
                .with_context(|| format!("{} did not run in the measured `cargo xtask test`", test.test))?;
            let source = find_test(root, &files, &test.test)?;
            let kills = runs.iter().flat_map(|run| kills_of(run, &test.test)).collect();
            rows.push(Row { test, layer, seconds, source, kills });
        }
        rows.sort_by_key(|row| TEST_LAYERS.iter().position(|layer| *layer == row.layer));
        sections.push((behaviour, rows));
    }

    let mut out = String::new();
    let runs_said: Vec<String> = runs
        .iter()
        .map(|run| format!("{} mutants ({}, at `{}`)", run.mutants.len(), run.selection, short_commit(&run.commit)))
        .collect();
    let _ = writeln!(
        out,
        "Test times: the JUnit report of `cargo xtask test`, run of {}. Mutants: {} of `cargo xtask mutants`; \
         a test's kills are those of these mutants it failed on.\n",
        times.measured_at.as_deref().unwrap_or("an unrecorded time"),
        runs_said.join(" and "),
    );
    out.push_str(&overview(&sections));
    for (behaviour, rows) in &sections {
        out.push_str(&section(behaviour, rows)?);
    }
    Ok(out)
}

fn kills_of(mutants: &MutantsReport, test: &str) -> Vec<String> {
    mutants
        .mutants
        .iter()
        .filter(|mutant| TEST_LAYERS.iter().any(|layer| killing_tests(mutant, *layer).contains(test)))
        .map(|mutant| mutant.name.split(": ").next().unwrap_or(&mutant.name).trim_start_matches("crates/").to_owned())
        .collect()
}

/// Behaviours × layers: how many tests each layer has for the behaviour, and their time.
fn overview(sections: &[(&Behaviour, Vec<Row>)]) -> String {
    let mut out = String::from("| behaviour | unit | integration | e2e |\n|---|---|---|---|\n");
    for (behaviour, rows) in sections {
        let cells: Vec<String> = TEST_LAYERS
            .iter()
            .map(|layer| {
                let at: Vec<&Row> = rows.iter().filter(|row| row.layer == *layer).collect();
                match at.len() {
                    0 => "–".to_owned(),
                    1 => format!("1 test, {}", duration(at[0].seconds)),
                    n => format!("{n} tests, {}", duration(at.iter().map(|row| row.seconds).sum())),
                }
            })
            .collect();
        let _ = writeln!(out, "| [{}](#{}) | {} |", behaviour.title, anchor(&behaviour.title), cells.join(" | "));
    }
    out.push('\n');
    out
}

fn section(behaviour: &Behaviour, rows: &[Row]) -> Result<String> {
    let mut out = format!("### {}\n\n", behaviour.title);
    out.push_str(
        "| layer | test | proves | cannot see | time | measured mutants it kills |\n|---|---|---|---|---:|---|\n",
    );
    for row in rows {
        let layer = match &row.test.kind {
            Some(kind) => format!("{}, {kind}", row.layer.name()),
            None => row.layer.name().to_owned(),
        };
        let kills = if row.kills.is_empty() {
            "–".to_owned()
        } else {
            row.kills.iter().map(|kill| format!("`{kill}`")).collect::<Vec<_>>().join(", ")
        };
        let _ = writeln!(
            out,
            "| {layer} | [`{}`]({}) | {} | {} | {} | {kills} |",
            row.test.function(),
            link(&row.source),
            row.test.proves,
            row.test.cannot_see,
            duration(row.seconds),
        );
    }
    out.push('\n');
    if !behaviour.side_by_side.is_empty() {
        out.push_str(&side_by_side(behaviour, rows)?);
    }
    Ok(out)
}

/// Two tests' code in two columns: GitHub renders the fenced blocks inside the table cells.
fn side_by_side(behaviour: &Behaviour, rows: &[Row]) -> Result<String> {
    let pair: Vec<&Row> = behaviour
        .side_by_side
        .iter()
        .map(|test| {
            rows.iter().find(|row| &row.test.test == test).with_context(|| {
                format!("{test}, shown side by side in \"{}\", is not one of its tests", behaviour.title)
            })
        })
        .collect::<Result<_>>()?;
    let mut out = String::from("<table>\n<tr>");
    for row in &pair {
        let _ = write!(
            out,
            "<th>{}: <a href=\"{}\"><code>{}</code></a></th>",
            row.layer.name(),
            link(&row.source),
            row.test.function()
        );
    }
    out.push_str("</tr>\n<tr>\n");
    for row in &pair {
        let _ = write!(out, "<td>\n\n```rust\n{}\n```\n\n</td>\n", row.source.code);
    }
    out.push_str("</tr>\n</table>\n\n");
    Ok(out)
}

fn link(source: &TestSource) -> String {
    format!("../{}#L{}-L{}", source.file.display(), source.first, source.last)
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces to `-`.
fn anchor(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

fn duration(seconds: f64) -> String {
    if seconds < 1.0 { format!("{:.0} ms", seconds * 1000.0) } else { format!("{seconds:.2} s") }
}

/// Reads the behaviours and the committed measurements under `root`.
pub fn read(root: &Path, measured: &Path) -> Result<(Behaviours, TestTimes)> {
    let behaviours = toml::from_str(&std::fs::read_to_string(root.join(BEHAVIOURS))?)
        .with_context(|| format!("reading {BEHAVIOURS}"))?;
    let times = serde_json::from_str(&std::fs::read_to_string(measured.join(TIMES_FILE))?)
        .with_context(|| format!("reading {TIMES_FILE}"))?;
    Ok((behaviours, times))
}

/// The layers at which `behaviour` has a test that ran.
#[cfg(test)]
pub fn layers_of(behaviour: &Behaviour, times: &TestTimes) -> std::collections::BTreeSet<&'static str> {
    behaviour.tests.iter().filter_map(|test| times.of(&test.test)).map(|(layer, _)| layer.name()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "\
mod login {
    use super::*;

    /// Why this test exists.
    #[tokio::test]
    async fn a_wrong_password_is_refused() {
        let app = TestApp::new().await;
        assert_eq!(app.log_in(\"wrong\").await, 401);
    }

    #[test]
    fn a_second_test() {}
}
";

    #[test]
    fn a_test_is_found_with_its_attributes_and_doc_comment_up_to_its_closing_brace() {
        let found = locate(SOURCE, "a_wrong_password_is_refused").unwrap();

        assert_eq!((found.first, found.last), (4, 9));
        assert!(found.code.starts_with("/// Why this test exists.\n#[tokio::test]\nasync fn"), "{}", found.code);
        assert!(found.code.ends_with("401);\n}"), "{}", found.code);
    }

    #[test]
    fn a_test_written_on_one_line_ends_on_that_line() {
        let found = locate(SOURCE, "a_second_test").unwrap();

        assert_eq!((found.first, found.last), (11, 12));
    }

    #[test]
    fn an_empty_struct_inside_a_test_does_not_end_it() {
        let source = "#[test]\nfn a_unit_value_is_built_and_compared() {\n    let empty = Empty {}\n    assert_eq!(empty, Empty {});\n}\n";

        let found = locate(source, "a_unit_value_is_built_and_compared").unwrap();

        assert_eq!((found.first, found.last), (1, 5));
    }

    #[test]
    fn a_name_that_only_begins_another_tests_name_is_not_found() {
        assert_eq!(locate(SOURCE, "a_wrong_password"), None);
    }

    #[test]
    fn a_binarys_sources_are_its_librarys_src_or_its_test_directory() {
        assert_eq!(sources_of("auth"), Path::new("crates/auth/src"));
        assert_eq!(sources_of("web::api"), Path::new("crates/web/tests/api"));
        assert_eq!(sources_of("e2e::e2e"), Path::new("e2e/tests/e2e"));
    }

    #[test]
    fn a_heading_anchor_is_lower_case_without_punctuation() {
        assert_eq!(anchor("A wrong password is refused, with a 401"), "a-wrong-password-is-refused-with-a-401");
    }
}
