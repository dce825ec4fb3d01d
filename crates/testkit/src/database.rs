//! A fresh database per test, cloned from a migrated template.
//!
//! Cloning (`CREATE DATABASE … TEMPLATE …`) copies files instead of replaying migrations, so
//! isolation costs milliseconds (see `cargo xtask bench db-setup`). The template is built once
//! per server, under an advisory lock so that concurrent test processes wait for the first one,
//! and is named after the migrations it contains so a schema change gets a new one.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::{AssertSqlSafe, Connection, Executor, PgConnection};
use store::postgres::{MIGRATOR, PgStore};
use url::Url;

use crate::postgres::{PostgresServer, URL_ENV};

/// Serialises template creation across every process sharing the server.
const TEMPLATE_LOCK: i64 = 0x7079_7261_6d69;

/// A database of its own for one test; dropped (with its connections) when this is dropped.
pub struct TestDatabase {
    name: String,
    url: String,
    server_url: String,
    pool: PgPool,
    /// Only when no runner provided a server: the container then lives as long as the test.
    /// Fields drop after `Drop::drop`, so the database is gone before its server.
    own_server: Option<PostgresServer>,
}

impl TestDatabase {
    /// A migrated, empty database on the run's server (`TEST_DATABASE_URL`), or on a container
    /// started for this test when there is none. Panics with the reason and the fix when
    /// Docker or the image is missing: a database test must never pass without a database.
    pub async fn new() -> Self {
        match Self::try_new().await {
            Ok(database) => database,
            Err(error) => panic!("cannot provide a test database: {error:#}"),
        }
    }

    async fn try_new() -> Result<Self> {
        match std::env::var(URL_ENV) {
            Ok(url) => Self::on_server(&url).await,
            Err(_) => {
                let server = PostgresServer::start().await.context(
                    "no TEST_DATABASE_URL, so the harness started its own container \
                     (`cargo xtask test` shares one across the run)",
                )?;
                let mut database = Self::on_server(server.url()).await?;
                database.own_server = Some(server);
                Ok(database)
            }
        }
    }

    /// A fresh database on the server at `server_url` (a superuser URL).
    pub async fn on_server(server_url: &str) -> Result<Self> {
        let server_url = server_url.to_owned();
        let mut admin =
            PgConnection::connect(&server_url).await.with_context(|| format!("connecting to {server_url}"))?;
        let template = ensure_template(&mut admin, &server_url, &MIGRATOR).await?;
        let name = format!("test_{}", uuid::Uuid::new_v4().simple());
        ddl(&mut admin, format!(r#"CREATE DATABASE "{name}" TEMPLATE "{template}""#))
            .await
            .with_context(|| format!("creating {name} from {template}"))?;
        admin.close().await?;
        let url = with_database(&server_url, &name)?;
        let pool = PgPoolOptions::new().max_connections(5).connect(&url).await?;
        Ok(Self { name, url, server_url, pool, own_server: None })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The Postgres store over this database.
    pub fn store(&self) -> PgStore {
        PgStore::new(self.pool.clone())
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // Drop runs inside the test's runtime, which cannot be blocked on; a short-lived thread
        // with its own runtime can.
        let (server_url, name) = (self.server_url.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            runtime.block_on(drop_database(&server_url, &name))
        })
        .join();
        if let Ok(Err(error)) = dropped {
            eprintln!("warning: test database {} was not dropped: {error:#}", self.name);
        }
    }
}

async fn drop_database(server_url: &str, name: &str) -> Result<()> {
    let mut admin = PgConnection::connect(server_url).await?;
    // The test's pool may still hold connections. Postgres ends them for `DROP … WITH (FORCE)`
    // (or `pg_terminate_backend(pid, timeout)`) but then checks every 100 ms whether they are
    // gone; they are gone in about a millisecond, so we end them and watch ourselves.
    sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
        .bind(name)
        .execute(&mut admin)
        .await?;
    let mut poll = tokio::time::interval(Duration::from_millis(1));
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        let remaining: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_stat_activity WHERE datname = $1")
            .bind(name)
            .fetch_one(&mut admin)
            .await?;
        if remaining == 0 {
            break;
        }
        poll.tick().await;
    }
    ddl(&mut admin, format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#)).await?;
    admin.close().await?;
    Ok(())
}

/// The name of the migrated template on the server `admin` is connected to, creating it if
/// this is the first test to ask.
pub async fn ensure_template(admin: &mut PgConnection, server_url: &str, migrator: &Migrator) -> Result<String> {
    let template = template_name(migrator);
    sqlx::query("SELECT pg_advisory_lock($1)").bind(TEMPLATE_LOCK).execute(&mut *admin).await?;
    let outcome = create_template_unless_present(admin, server_url, &template, migrator).await;
    sqlx::query("SELECT pg_advisory_unlock($1)").bind(TEMPLATE_LOCK).execute(&mut *admin).await?;
    outcome.map(|()| template)
}

async fn create_template_unless_present(
    admin: &mut PgConnection,
    server_url: &str,
    template: &str,
    migrator: &Migrator,
) -> Result<()> {
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(template)
        .fetch_one(&mut *admin)
        .await?;
    if exists {
        return Ok(());
    }
    // Built under another name and renamed when complete: a crash mid-way never leaves a
    // half-migrated database under the template's name.
    let building = format!("{template}_building");
    ddl(admin, format!(r#"DROP DATABASE IF EXISTS "{building}" WITH (FORCE)"#)).await?;
    ddl(admin, format!(r#"CREATE DATABASE "{building}""#)).await?;
    let mut connection = PgConnection::connect(&with_database(server_url, &building)?).await?;
    migrator.run(&mut connection).await.context("migrating the template database")?;
    connection.close().await?;
    ddl(admin, format!(r#"ALTER DATABASE "{building}" RENAME TO "{template}""#)).await?;
    // No connections allowed: CREATE DATABASE … TEMPLATE fails if anyone is connected to it.
    ddl(admin, format!(r#"ALTER DATABASE "{template}" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false"#)).await?;
    Ok(())
}

/// `pyramid_template_<fingerprint of every migration's checksum>`.
fn template_name(migrator: &Migrator) -> String {
    // FNV-1a: tiny, and stable across Rust versions (std's hasher is not).
    let fingerprint = migrator
        .iter()
        .flat_map(|migration| migration.checksum.iter().copied())
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3));
    format!("pyramid_template_{fingerprint:016x}")
}

/// `url` with its database replaced by `database`.
pub fn with_database(url: &str, database: &str) -> Result<String> {
    let mut url = Url::parse(url).with_context(|| format!("{URL_ENV} is not a URL: {url}"))?;
    url.set_path(database);
    Ok(url.into())
}

/// Runs a statement whose identifiers we generated ourselves (a uuid or a hex fingerprint,
/// never input): DDL cannot take identifiers as bind parameters.
async fn ddl(connection: &mut PgConnection, sql: String) -> Result<()> {
    connection.execute(AssertSqlSafe(sql)).await?;
    Ok(())
}
