//! `cargo xtask bench …`: measurements that tests must not make (a timed assertion is a flaky
//! test), printed with their distribution.
//!
//! A measurement of product code lives beside that code, as a bench target of its crate, so
//! that xtask never depends on the product; this module only knows where each one is.

use anyhow::{Result, bail};

use crate::cargo;

/// A bench target: its name here, the package that holds it, and what it measures.
struct Bench {
    name: &'static str,
    package: &'static str,
    measures: &'static str,
}

const BENCHES: [Bench; 4] = [
    Bench {
        name: "auth",
        package: "auth",
        measures: "criterion: token signing and verification per algorithm, argon2id at OWASP cost",
    },
    Bench {
        name: "login-timing",
        package: "web",
        measures: "failed-login latency: unknown username vs wrong password (200 each)",
    },
    Bench { name: "db-setup", package: "testkit", measures: "container start-up and per-test database creation" },
    Bench {
        name: "db-isolation",
        package: "testkit",
        measures: "per-test isolation: template clone, create + migrate, rolled-back transaction",
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
    // The optimised `bench` profile: what is measured is what production runs.
    let status =
        cargo::async_command(["bench", "--locked", "-p", bench.package, "--bench", bench.name]).status().await?;
    if !status.success() {
        bail!("cargo bench -p {} --bench {} failed ({status})", bench.package, bench.name);
    }
    Ok(())
}
