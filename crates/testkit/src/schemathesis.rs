//! schemathesis against a served app: it reads `/openapi.json`, generates requests from it
//! (valid and invalid, one by one and chained through the answers), and checks every answer
//! against the document. Its settings are `.config/schemathesis.toml`; each pass says who
//! calls and which operations it covers.

use std::path::{Path, PathBuf};

use serde_json::Value;
use tokio::process::Command;

use crate::app::TestApp;

/// Who calls, and on what, in one pass.
#[derive(Debug, Default)]
pub struct Pass<'a> {
    pub name: &'a str,
    pub bearer: Option<&'a str>,
    /// `--include-name` / `--exclude-name` values: `"DELETE /users/{username}"`.
    pub only: &'a [&'a str],
    pub except: &'a [&'a str],
    /// `--phases`, when not all of them.
    pub phases: Option<&'a str>,
}

/// What one pass found, from schemathesis's JSON report.
#[derive(Debug)]
pub struct Findings {
    pub pass: String,
    pub generated: u64,
    /// One line per kind of failure: its code, title, count and operations.
    pub failures: Vec<String>,
    /// Operations schemathesis could not test, with why.
    pub errors: Vec<String>,
    /// Operations that answered nothing but 401 and 403: for a pass with a token, a session
    /// that ended under it.
    pub refused_every_time: Vec<String>,
    /// Its whole console output, for the assertion message.
    pub output: String,
}

/// Runs one pass against `app` and reads its report. Panics, saying how to get it, when
/// schemathesis is not installed.
pub async fn run(app: &TestApp, pass: Pass<'_>) -> Findings {
    let workspace = workspace();
    let schemathesis =
        testbed::schemathesis::find(&workspace).unwrap_or_else(|missing| panic!("cannot run schemathesis: {missing}"));
    let reports = report_dir(&workspace, pass.name);
    let mut command = Command::new(&schemathesis);
    command
        .arg("--no-color")
        .arg("--config-file")
        .arg(workspace.join(".config/schemathesis.toml"))
        .arg("run")
        .arg(app.url("/openapi.json"))
        .args(["--report", "json", "--report-json-path"])
        .arg(reports.join("report.json"))
        .current_dir(&reports);
    if let Some(token) = pass.bearer {
        command.args(["--header", &format!("Authorization: Bearer {token}")]);
    }
    for name in pass.only {
        command.args(["--include-name", name]);
    }
    for name in pass.except {
        command.args(["--exclude-name", name]);
    }
    if let Some(phases) = pass.phases {
        command.args(["--phases", phases]);
    }
    let output = command.output().await.unwrap_or_else(|error| panic!("running {}: {error}", schemathesis.display()));
    let console = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    let report: Value = std::fs::read_to_string(reports.join("report.json"))
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_else(|| panic!("schemathesis wrote no report ({}):\n{console}", output.status));
    findings(pass.name, &report, console)
}

fn findings(pass: &str, report: &Value, output: String) -> Findings {
    let list = |key: &str| report[key].as_array().cloned().unwrap_or_default();
    let failures = list("failures")
        .iter()
        .map(|failure| {
            format!("{} {} ×{} in {}", failure["code"], failure["title"], failure["count"], failure["operations"])
        })
        .collect();
    let errors = list("errors").iter().map(Value::to_string).collect();
    let generated = report["test_cases"]["generated"].as_u64().unwrap_or_default();
    let refused_every_time =
        report["warnings"]["missing_auth"].as_array().into_iter().flatten().map(Value::to_string).collect();
    Findings { pass: pass.to_owned(), generated, failures, errors, refused_every_time, output }
}

/// The workspace root: the first directory above this package's that holds `Cargo.lock`.
fn workspace() -> PathBuf {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| PathBuf::from("."), PathBuf::from);
    manifest.ancestors().find(|dir| dir.join("Cargo.lock").is_file()).map_or(manifest.clone(), Path::to_path_buf)
}

/// A directory for this pass's report (and the cassettes schemathesis may write), under
/// `target/`, emptied first so a stale report is never read.
fn report_dir(workspace: &Path, pass: &str) -> PathBuf {
    let dir = workspace.join("target/schemathesis").join(pass);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|error| panic!("creating {}: {error}", dir.display()));
    dir
}
