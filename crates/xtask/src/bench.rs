//! `cargo xtask bench …`: measurements that tests must not make (a timed assertion is a flaky
//! test), printed with their distribution.
//!
//! A measurement of product code lives beside that code, as a bench target of its crate, so
//! that xtask never depends on the product; this module only knows where each one is. The
//! measurements of the workflow itself (how long the TDD loop takes) are xtask's own.

mod tdd_loop;

use anyhow::{Result, bail};

use crate::cargo;
use crate::provision::{self, Need};

/// A measurement: its name here, where it lives, and what it measures.
struct Bench {
    name: &'static str,
    /// The package whose bench target it is; `None` for xtask's own.
    package: Option<&'static str>,
    measures: &'static str,
}

const BENCHES: [Bench; 8] = [
    Bench {
        name: "tdd-loop",
        package: None,
        measures: "edit → red and edit → green of `cargo xtask test unit`, and `cargo run` after it (scratch copy)",
    },
    Bench {
        name: "auth",
        package: Some("auth"),
        measures: "criterion: token signing and verification per algorithm, argon2id at OWASP cost",
    },
    Bench {
        name: "login-timing",
        package: Some("web"),
        measures: "failed-login latency: unknown username vs wrong password (200 each)",
    },
    Bench {
        name: "login-load",
        package: Some("web"),
        measures: "100, 200, 500 clients failing logins for 10 s: answers, their times, the server's peak RSS",
    },
    Bench {
        name: "http",
        package: Some("web"),
        measures: "GET /jobs, GET /users/{username}, POST /auth/token under wrk, beside pgbench and the argon2 bound",
    },
    Bench { name: "db-setup", package: Some("testkit"), measures: "container start-up and per-test database creation" },
    Bench {
        name: "db-isolation",
        package: Some("testkit"),
        measures: "per-test isolation: template clone, create + migrate, rolled-back transaction",
    },
    Bench {
        name: "live-feed",
        package: Some("e2e"),
        measures: "an admin's POST /jobs → the job in another browser's open jobs page (20 posts)",
    },
];

/// One line per benchmark, for the usage text.
pub fn list() -> String {
    BENCHES.iter().map(|bench| format!("  {:<14} {}\n", bench.name, bench.measures)).collect()
}

pub async fn run(name: &str) -> Result<()> {
    let Some(bench) = BENCHES.iter().find(|bench| bench.name == name) else {
        bail!("unknown benchmark `{name}`; the benchmarks are:\n{}", list());
    };
    let Some(package) = bench.package else { return tdd_loop::run().await };
    if bench.name == "http" {
        provision::ensure_needs(&[Need::DockerEngine, Need::PostgresImage, Need::LoadTools]).await?;
    }
    // The optimised `bench` profile: what is measured is what production runs.
    let status = cargo::async_command(["bench", "--locked", "-p", package, "--bench", bench.name]).status().await?;
    if !status.success() {
        bail!("cargo bench -p {package} --bench {} failed ({status})", bench.name);
    }
    Ok(())
}
