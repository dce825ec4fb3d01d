//! What each crate may depend on, checked on the transitive graph of normal dependencies as
//! `cargo tree` resolves it for that crate alone (the features it really compiles with).
//!
//! - `domain`: a named list of crates, and nothing else at any depth.
//! - `auth`: named direct dependencies; nothing, at any depth, that serves HTTP, talks to a
//!   database or drives a browser. Its one I/O, the breached-password client, is a source rule
//!   ([`crate::source`]).
//! - `usecases`: `domain`, `auth` and named helpers; no framework at any depth.
//! - `store`: the ports it implements; nothing of HTTP or of the use cases.
//! - `testbed`: no workspace crate. `xtask`: no product crate, no `testkit`.
//! - `testkit`: a dev-dependency only.

use std::collections::BTreeSet;
use std::process::Command;

use crate::workspace_root;

/// Crates that serve HTTP, talk to a database, render pages or drive containers and browsers:
/// the pure crates must not reach them at any depth.
pub const FRAMEWORKS: [&str; 13] = [
    "axum",
    "axum-core",
    "axum-extra",
    "askama",
    "sqlx",
    "sqlx-core",
    "sqlx-postgres",
    "tokio-postgres",
    "testcontainers",
    "testcontainers-modules",
    "bollard",
    "fantoccini",
    "tokio-tungstenite",
];

/// The product's crates and the harness built on them.
pub const PRODUCT: [&str; 7] = ["domain", "auth", "usecases", "store", "web", "e2e", "testkit"];

/// One crate's rule.
pub struct Rule {
    pub package: &'static str,
    /// Direct normal dependencies, when they are limited to a list.
    pub direct: Option<&'static [&'static str]>,
    /// Every crate at any depth, when they are limited to a list.
    pub closure: Option<&'static [&'static str]>,
    /// Lists of crates allowed at no depth.
    pub forbidden: &'static [&'static [&'static str]],
    pub why: &'static str,
}

/// What `package` depends on, directly and at any depth (itself excluded).
#[derive(Debug, Default)]
pub struct Dependencies {
    pub direct: BTreeSet<String>,
    pub closure: BTreeSet<String>,
}

impl Dependencies {
    pub fn of(package: &str) -> Self {
        Self { direct: tree(package, Some(1)), closure: tree(package, None) }
    }
}

/// The names in `cargo tree -p package -e normal`, to `depth`, without the package itself.
fn tree(package: &str, depth: Option<u32>) -> BTreeSet<String> {
    let mut command = Command::new(env!("CARGO"));
    command
        .current_dir(workspace_root())
        .args(["tree", "-p", package, "-e", "normal", "--prefix", "none", "-f", "{p}"]);
    if let Some(depth) = depth {
        command.args(["--depth", &depth.to_string()]);
    }
    let output = command.output().unwrap_or_else(|error| panic!("running cargo tree: {error}"));
    assert!(output.status.success(), "cargo tree -p {package}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != package)
        .map(str::to_owned)
        .collect()
}

/// Every way `dependencies` break `rule`, one line each.
pub fn violations(rule: &Rule, dependencies: &Dependencies) -> Vec<String> {
    let mut found = Vec::new();
    let package = rule.package;
    if let Some(allowed) = rule.direct {
        for name in dependencies.direct.iter().filter(|name| !allowed.contains(&name.as_str())) {
            found.push(format!("`{package}` depends on `{name}`, which is not on its list: {}", rule.why));
        }
    }
    if let Some(allowed) = rule.closure {
        for name in dependencies.closure.iter().filter(|name| !allowed.contains(&name.as_str())) {
            found.push(format!("`{package}` reaches `{name}`, which is not on its list: {}", rule.why));
        }
    }
    let forbidden = |name: &&String| rule.forbidden.iter().any(|list| list.contains(&name.as_str()));
    for name in dependencies.closure.iter().filter(forbidden) {
        found.push(format!("`{package}` reaches `{name}`: {}", rule.why));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(rule: &Rule) {
        let broken = violations(rule, &Dependencies::of(rule.package));
        assert!(broken.is_empty(), "docs/architecture.md's rules are broken:\n{}", broken.join("\n"));
    }

    const DOMAIN: Rule = Rule {
        package: "domain",
        direct: None,
        closure: Some(&[
            "arrayvec",
            "async-trait",
            "num-traits",
            "proc-macro2",
            "quote",
            "rust_decimal",
            "syn",
            "thiserror",
            "thiserror-impl",
            "unicode-ident",
        ]),
        forbidden: &[],
        why: "domain knows nothing of HTTP, SQL, JSON or a runtime, and no other workspace crate",
    };

    #[test]
    fn domain_depends_only_on_its_named_crates() {
        check(&DOMAIN);
    }

    #[test]
    fn auth_depends_on_named_crates_and_reaches_no_framework() {
        check(&Rule {
            package: "auth",
            direct: Some(&[
                "argon2",
                "async-trait",
                "base64",
                "ed25519-dalek",
                "hmac",
                "jsonwebtoken",
                "reqwest",
                "rsa",
                "rustls",
                "serde",
                "serde_json",
                "sha1",
                "sha2",
                "thiserror",
                "tracing",
                "url",
                "uuid",
            ]),
            closure: None,
            forbidden: &[&FRAMEWORKS, &PRODUCT],
            why: "auth knows no workspace crate, and its only I/O is the breached-password client",
        });
    }

    #[test]
    fn usecases_depend_on_domain_and_auth_only() {
        check(&Rule {
            package: "usecases",
            direct: Some(&["async-trait", "auth", "domain", "thiserror"]),
            closure: None,
            forbidden: &[&FRAMEWORKS],
            why: "the use cases run over ports; the adapters live in store and web",
        });
    }

    #[test]
    fn store_knows_nothing_of_http_or_the_use_cases() {
        check(&Rule {
            package: "store",
            direct: None,
            closure: None,
            forbidden: &[&["web", "usecases", "axum", "axum-core", "axum-extra", "askama"]],
            why: "store implements the ports of domain and auth; HTTP is not its business",
        });
    }

    #[test]
    fn testbed_knows_no_workspace_crate() {
        check(&Rule {
            package: "testbed",
            direct: None,
            closure: None,
            forbidden: &[&PRODUCT],
            why: "the runner starts the run's infrastructure with it, and must not rebuild when product code changes",
        });
    }

    #[test]
    fn the_runner_depends_on_no_product_crate() {
        check(&Rule {
            package: "xtask",
            direct: None,
            closure: None,
            forbidden: &[&PRODUCT],
            why: "xtask runs the tests: changing product code must not rebuild it",
        });
    }

    #[test]
    fn only_tests_depend_on_testkit() {
        let metadata = cargo_metadata::MetadataCommand::new().current_dir(workspace_root()).no_deps().exec().unwrap();
        let normal_users: Vec<&str> = metadata
            .packages
            .iter()
            .filter(|package| {
                package.dependencies.iter().any(|dependency| {
                    dependency.name == "testkit" && dependency.kind == cargo_metadata::DependencyKind::Normal
                })
            })
            .map(|package| package.name.as_str())
            .collect();
        assert!(normal_users.is_empty(), "testkit is a dev-dependency only, but {normal_users:?} depend on it");
    }

    #[test]
    fn a_rule_catches_a_new_direct_dependency_and_a_forbidden_one_at_any_depth() {
        let mut dependencies = Dependencies::of("domain");
        dependencies.direct.insert("serde_json".into());
        dependencies.closure.extend(["serde_json".to_owned(), "sqlx-postgres".to_owned()]);
        let rule = Rule { forbidden: &[&["sqlx-postgres"]], ..DOMAIN };

        let broken = violations(&rule, &dependencies);

        assert_eq!(
            broken,
            [
                "`domain` reaches `serde_json`, which is not on its list: domain knows nothing of HTTP, SQL, JSON or a runtime, and no other workspace crate",
                "`domain` reaches `sqlx-postgres`, which is not on its list: domain knows nothing of HTTP, SQL, JSON or a runtime, and no other workspace crate",
                "`domain` reaches `sqlx-postgres`: domain knows nothing of HTTP, SQL, JSON or a runtime, and no other workspace crate",
            ]
        );
    }
}
