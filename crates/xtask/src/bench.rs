//! `cargo xtask bench …`: measurements that tests must not make (a timed assertion is a flaky
//! test), printed with their distribution.

use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use testkit::TestDatabase;
use testkit::postgres::PostgresServer;

pub async fn run(name: &str) -> Result<()> {
    match name {
        "db-setup" => db_setup().await,
        other => bail!("unknown benchmark `{other}` (benchmarks: db-setup)"),
    }
}

/// What the integration layer pays: a container per run, a database per test.
async fn db_setup() -> Result<()> {
    const CONTAINERS: usize = 5;
    const DATABASES: usize = 30;

    let mut ready = Vec::new();
    for round in 1..=CONTAINERS {
        let server = PostgresServer::start().await?;
        println!(
            "container {round}/{CONTAINERS}: ready in {} ms ({})",
            server.ready_after().as_millis(),
            server.image()
        );
        ready.push(server.ready_after());
        server.stop().await?;
    }

    let server = PostgresServer::start().await?;
    let started = Instant::now();
    drop(TestDatabase::on_server(server.url()).await?);
    let first = started.elapsed();
    let (mut creates, mut drops) = (Vec::new(), Vec::new());
    for _ in 0..DATABASES {
        let started = Instant::now();
        let database = TestDatabase::on_server(server.url()).await?;
        creates.push(started.elapsed());
        let started = Instant::now();
        drop(database);
        drops.push(started.elapsed());
    }
    server.stop().await?;

    println!("\n{:<44} {:>4} {:>9} {:>9} {:>9}", "", "n", "median", "p95", "max");
    print_row("container start → first query", &mut ready);
    print_row("test database from the template (create)", &mut creates);
    print_row("test database dropped", &mut drops);
    println!("first test database (builds the template too): {} ms", first.as_millis());
    Ok(())
}

fn print_row(label: &str, samples: &mut [Duration]) {
    samples.sort();
    let ms = |duration: Duration| format!("{:.1} ms", duration.as_secs_f64() * 1000.0);
    println!(
        "{label:<44} {:>4} {:>9} {:>9} {:>9}",
        samples.len(),
        ms(percentile(samples, 50.0)),
        ms(percentile(samples, 95.0)),
        ms(percentile(samples, 100.0))
    );
}

/// Nearest-rank percentile of sorted samples.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let samples: Vec<Duration> = (1..=20).map(Duration::from_millis).collect();

        assert_eq!(percentile(&samples, 50.0), Duration::from_millis(10));
        assert_eq!(percentile(&samples, 95.0), Duration::from_millis(19));
        assert_eq!(percentile(&samples, 100.0), Duration::from_millis(20));
        assert_eq!(percentile(&[], 50.0), Duration::ZERO);
    }
}
