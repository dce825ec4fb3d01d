//! `cargo xtask bench db-setup`: what the integration layer pays for its isolation: a
//! container per run, a database per test.

use std::time::Instant;

use anyhow::Result;
use testkit::TestDatabase;
use testkit::postgres::PostgresServer;
use testkit::timing::{heading, row};

const CONTAINERS: usize = 5;
const DATABASES: usize = 30;

#[tokio::main]
async fn main() -> Result<()> {
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

    println!("\n{}", heading(""));
    println!("{}", row("container start → first query", &mut ready));
    println!("{}", row("test database from the template (create)", &mut creates));
    println!("{}", row("test database dropped", &mut drops));
    println!("first test database (builds the template too): {} ms", first.as_millis());
    Ok(())
}
