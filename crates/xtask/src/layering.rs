//! The architecture's rules, checked as tests (run in the unit layer), in the spirit of
//! rust-analyzer's tidy tests: a rule that is only written down is broken by the next change.
//!
//! - `domain` and `auth` depend on no other workspace crate and on no I/O framework.
//! - `store` implements ports: it may know `domain` (and `auth`), never `web`.
//! - `testkit` is a dev-dependency only.
//! - `xtask` depends on no product crate (nor on `testkit`), so product changes never rebuild
//!   the runner; it reaches Docker and Postgres through `testbed`.
//! - Every crate root opens with a `//!` paragraph saying what it owns.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Metadata {
    packages: Vec<Package>,
    workspace_root: PathBuf,
}

#[derive(Debug, Deserialize)]
struct Package {
    name: String,
    dependencies: Vec<Dependency>,
    targets: Vec<Target>,
}

#[derive(Debug, Deserialize)]
struct Dependency {
    name: String,
    /// `None` for normal dependencies, `"dev"` or `"build"` otherwise.
    kind: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Target {
    src_path: PathBuf,
    kind: Vec<String>,
}

/// Crates that mean I/O or a framework; the pure crates must not see them.
const IO_CRATES: [&str; 9] =
    ["sqlx", "axum", "tokio", "hyper", "reqwest", "tower", "tower-http", "askama", "testcontainers-modules"];

/// The product, and the harness built on it.
const PRODUCT_CRATES: [&str; 5] = ["domain", "auth", "store", "web", "e2e"];

/// Every rule broken in `metadata`, one line each.
fn violations(metadata: &Metadata) -> Vec<String> {
    let workspace: Vec<&str> = metadata.packages.iter().map(|package| package.name.as_str()).collect();
    let normal_dependencies: BTreeMap<&str, Vec<&str>> = metadata
        .packages
        .iter()
        .map(|package| {
            let normal = package.dependencies.iter().filter(|dep| dep.kind.is_none()).map(|dep| dep.name.as_str());
            (package.name.as_str(), normal.collect())
        })
        .collect();
    let mut found = Vec::new();
    for (&package, dependencies) in &normal_dependencies {
        for &dependency in dependencies {
            let broken = match package {
                "domain" | "auth" | "testbed" if workspace.contains(&dependency) => {
                    Some("depends on no workspace crate")
                }
                "domain" if IO_CRATES.contains(&dependency) => Some("does no I/O: its adapters live in other crates"),
                "auth" if IO_CRATES.contains(&dependency) && dependency != "reqwest" => {
                    Some("does no I/O except its breached-password client")
                }
                "store" if ["web", "axum", "tower-http"].contains(&dependency) => Some("knows nothing of HTTP"),
                "xtask" if PRODUCT_CRATES.contains(&dependency) || dependency == "testkit" => {
                    Some("runs the tests: changing product code must not rebuild it")
                }
                _ if dependency == "testkit" => Some("uses testkit in tests only"),
                _ => None,
            };
            if let Some(rule) = broken {
                found.push(format!("`{package}` depends on `{dependency}`, but {package} {rule}"));
            }
        }
    }
    found
}

fn metadata() -> Metadata {
    let output =
        crate::cargo::command(["metadata", "--format-version", "1", "--no-deps", "--offline"]).output().unwrap();
    assert!(output.status.success(), "cargo metadata failed: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn the_workspace_follows_the_dependency_rules() {
    let broken = violations(&metadata());
    assert!(broken.is_empty(), "architecture rules broken (docs/architecture.md):\n{}", broken.join("\n"));
}

#[test]
fn the_dependency_check_catches_a_domain_that_reaches_for_sqlx_or_web() {
    let mut metadata = metadata();
    let domain = metadata.packages.iter_mut().find(|package| package.name == "domain").unwrap();
    domain.dependencies.push(Dependency { name: "sqlx".into(), kind: None });
    domain.dependencies.push(Dependency { name: "web".into(), kind: None });
    domain.dependencies.push(Dependency { name: "testkit".into(), kind: Some("dev".into()) });

    let broken = violations(&metadata);

    assert_eq!(
        broken,
        [
            "`domain` depends on `sqlx`, but domain does no I/O: its adapters live in other crates",
            "`domain` depends on `web`, but domain depends on no workspace crate",
        ]
    );
}

#[test]
fn the_dependency_check_catches_a_runner_that_depends_on_product_code() {
    let mut metadata = metadata();
    let xtask = metadata.packages.iter_mut().find(|package| package.name == "xtask").unwrap();
    xtask.dependencies.retain(|dependency| dependency.name != "domain");
    xtask.dependencies.push(Dependency { name: "domain".into(), kind: None });

    let broken = violations(&metadata);

    assert!(
        broken.contains(
            &"`xtask` depends on `domain`, but xtask runs the tests: changing product code must not rebuild it"
                .to_owned()
        ),
        "{broken:?}"
    );
}

#[test]
fn every_crate_root_opens_with_a_doc_comment() {
    let metadata = metadata();
    let undocumented: Vec<String> = metadata
        .packages
        .iter()
        .flat_map(|package| &package.targets)
        .filter(|target| target.kind.iter().any(|kind| kind == "lib" || kind == "bin"))
        .filter(|target| {
            let source = std::fs::read_to_string(&target.src_path).unwrap_or_default();
            !source.trim_start().starts_with("//!")
        })
        .map(|target| {
            target.src_path.strip_prefix(&metadata.workspace_root).unwrap_or(&target.src_path).display().to_string()
        })
        .collect();
    assert!(undocumented.is_empty(), "crate roots without a `//!` paragraph: {undocumented:?}");
}
