//! `cargo xtask bench …`: measurements that tests must not make (a timed assertion is a flaky
//! test), printed with their distribution.

use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use sqlx::postgres::PgPoolOptions;
use sqlx::{AssertSqlSafe, Connection, Executor, PgConnection};
use testkit::TestDatabase;
use testkit::postgres::PostgresServer;

pub async fn run(name: &str) -> Result<()> {
    match name {
        "db-setup" => db_setup().await,
        "db-isolation" => db_isolation().await,
        "auth" => criterion("auth").await,
        "login-timing" => login_timing().await,
        other => bail!("unknown benchmark `{other}` (benchmarks: db-setup, db-isolation, auth, login-timing)"),
    }
}

/// A crate's criterion benchmarks, in the optimised `bench` profile.
async fn criterion(package: &str) -> Result<()> {
    let status = crate::cargo::async_command(["bench", "--locked", "-p", package]).status().await?;
    if !status.success() {
        bail!("cargo bench -p {package} failed ({status})");
    }
    Ok(())
}

/// Whether the time of a failed login tells an unknown username from a wrong password. The
/// server runs as `cargo run` does (production argon2id cost, memory store) with the login
/// throttle lifted; the two kinds of attempt alternate so drift affects both alike.
async fn login_timing() -> Result<()> {
    const ATTEMPTS: usize = 200;
    let config = web::config::Config::from_lookup(|_| None, |_| Err("no files".into()))
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    let (mut state, demo) = web::startup::build_state(&config).await?;
    let unlimited = auth::throttle::ThrottlePolicy {
        window_seconds: 1,
        max_failures_per_username: usize::MAX,
        max_failures_per_client: usize::MAX,
    };
    state.throttle = std::sync::Arc::new(auth::throttle::LoginThrottle::new(
        unlimited,
        std::sync::Arc::new(auth::clock::SystemClock),
    ));
    let app = testkit::app::serve_router(web::app(state)).await;
    let known = demo.first().map(|account| account.username.clone()).unwrap_or_else(|| "demo".into());
    let http = testkit::app::http_client();
    let url = app.url("/auth/token");
    let attempt = |username: String| {
        let (http, url) = (http.clone(), url.clone());
        async move {
            let body = serde_json::json!({ "username": username, "password": "not the password" });
            let started = Instant::now();
            let response = http.post(url).json(&body).send().await?;
            let elapsed = started.elapsed();
            anyhow::ensure!(response.status() == 401, "expected 401, got {}", response.status());
            Ok::<_, anyhow::Error>((elapsed, response.text().await?))
        }
    };
    // Warm up: the first argon2 allocations and connections are not what is measured.
    for _ in 0..5 {
        attempt(known.clone()).await?;
    }
    let (mut unknown, mut wrong) = (Vec::new(), Vec::new());
    for index in 0..ATTEMPTS {
        let (unknown_time, unknown_body) = attempt(format!("nobody{index}")).await?;
        let (wrong_time, wrong_body) = attempt(known.clone()).await?;
        anyhow::ensure!(unknown_body == wrong_body, "the answers differ: {unknown_body} / {wrong_body}");
        unknown.push(unknown_time);
        wrong.push(wrong_time);
    }
    let mean = |samples: &[Duration]| samples.iter().sum::<Duration>() / u32::try_from(samples.len()).unwrap_or(1);
    let (unknown_mean, wrong_mean) = (mean(&unknown), mean(&wrong));
    println!("{ATTEMPTS} attempts each, identical 401 bodies\n");
    println!("{:<44} {:>4} {:>9} {:>9} {:>9}", "", "n", "mean", "p95", "max");
    for (label, samples, mean) in
        [("unknown username", &mut unknown, unknown_mean), ("wrong password", &mut wrong, wrong_mean)]
    {
        samples.sort();
        println!(
            "{label:<44} {:>4} {:>6.1} ms {:>6.1} ms {:>6.1} ms",
            samples.len(),
            mean.as_secs_f64() * 1000.0,
            percentile(samples, 95.0).as_secs_f64() * 1000.0,
            percentile(samples, 100.0).as_secs_f64() * 1000.0
        );
    }
    println!("\nunknown / wrong mean ratio: {:.3}", unknown_mean.as_secs_f64() / wrong_mean.as_secs_f64());
    Ok(())
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

/// Three ways to give each test a clean, migrated database, measured on one server in one run:
/// what a test waits for before it can start (provision) and after it ends (clean-up).
async fn db_isolation() -> Result<()> {
    const SAMPLES: usize = 50;
    let server = PostgresServer::start().await?;
    println!("{} ready in {} ms; {SAMPLES} samples per strategy\n", server.image(), server.ready_after().as_millis());
    drop(TestDatabase::on_server(server.url()).await?); // builds the template outside the measurement

    let mut template = Samples::default();
    for _ in 0..SAMPLES {
        let started = Instant::now();
        let database = TestDatabase::on_server(server.url()).await?;
        template.provision.push(started.elapsed());
        let started = Instant::now();
        drop(database);
        template.clean_up.push(started.elapsed());
    }

    let mut migrate = Samples::default();
    let mut admin = PgConnection::connect(server.url()).await?;
    for index in 0..SAMPLES {
        let name = format!("bench_migrate_{index}");
        let started = Instant::now();
        admin.execute(AssertSqlSafe(format!(r#"CREATE DATABASE "{name}""#))).await?;
        let pool = PgPoolOptions::new()
            .max_connections(5)
            .connect(&testkit::database::with_database(server.url(), &name)?)
            .await?;
        store::postgres::MIGRATOR.run(&pool).await?;
        migrate.provision.push(started.elapsed());
        let started = Instant::now();
        pool.close().await;
        admin.execute(AssertSqlSafe(format!(r#"DROP DATABASE "{name}""#))).await?;
        migrate.clean_up.push(started.elapsed());
    }

    let mut rollback = Samples::default();
    let shared = TestDatabase::on_server(server.url()).await?;
    for _ in 0..SAMPLES {
        let started = Instant::now();
        let transaction = shared.pool().begin().await?;
        rollback.provision.push(started.elapsed());
        let started = Instant::now();
        transaction.rollback().await?;
        rollback.clean_up.push(started.elapsed());
    }
    drop(shared);
    admin.close().await?;
    server.stop().await?;

    println!("{:<44} {:>4} {:>9} {:>9} {:>9}", "provision (the test waits)", "n", "median", "p95", "max");
    print_row("template clone (testkit)", &mut template.provision);
    print_row("create + run migrations", &mut migrate.provision);
    print_row("transaction rolled back", &mut rollback.provision);
    println!("\n{:<44} {:>4} {:>9} {:>9} {:>9}", "clean up", "n", "median", "p95", "max");
    print_row("template clone: drop database", &mut template.clean_up);
    print_row("create + migrate: drop database", &mut migrate.clean_up);
    print_row("transaction: rollback", &mut rollback.clean_up);
    let ratio =
        percentile(&migrate.provision, 50.0).as_secs_f64() / percentile(&template.provision, 50.0).as_secs_f64();
    println!("\ncreate + migrate takes {ratio:.1}× the template clone's median provisioning time");
    println!(
        "a rolled-back transaction is cheapest, but the code under test cannot commit, run its own \
         transactions or use another connection, and the tests share one database's sequences"
    );
    Ok(())
}

#[derive(Default)]
struct Samples {
    provision: Vec<Duration>,
    clean_up: Vec<Duration>,
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
