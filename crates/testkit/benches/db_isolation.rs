//! `cargo xtask bench db-isolation`: three ways to give each test a clean, migrated database,
//! measured on one server in one run: what a test waits for before it can start (provision)
//! and after it ends (clean-up).

use std::time::{Duration, Instant};

use anyhow::Result;
use sqlx::postgres::PgPoolOptions;
use sqlx::{AssertSqlSafe, Connection, Executor, PgConnection};
use testkit::TestDatabase;
use testkit::postgres::PostgresServer;
use testkit::timing::{heading, percentile, row};

const SAMPLES: usize = 50;

#[derive(Default)]
struct Samples {
    provision: Vec<Duration>,
    clean_up: Vec<Duration>,
}

#[tokio::main]
async fn main() -> Result<()> {
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

    println!("{}", heading("provision (the test waits)"));
    println!("{}", row("template clone (testkit)", &mut template.provision));
    println!("{}", row("create + run migrations", &mut migrate.provision));
    println!("{}", row("transaction rolled back", &mut rollback.provision));
    println!("\n{}", heading("clean up"));
    println!("{}", row("template clone: drop database", &mut template.clean_up));
    println!("{}", row("create + migrate: drop database", &mut migrate.clean_up));
    println!("{}", row("transaction: rollback", &mut rollback.clean_up));
    let ratio =
        percentile(&migrate.provision, 50.0).as_secs_f64() / percentile(&template.provision, 50.0).as_secs_f64();
    println!("\ncreate + migrate takes {ratio:.1}× the template clone's median provisioning time");
    println!(
        "a rolled-back transaction is cheapest, but the code under test cannot commit, run its own \
         transactions or use another connection, and the tests share one database's sequences"
    );
    Ok(())
}
