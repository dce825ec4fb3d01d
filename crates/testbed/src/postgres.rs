//! The Postgres server tests run against: one container per test run.
//!
//! `cargo xtask test` starts it once ([`PostgresServer::start`]) and hands its URL to every
//! test process in `TEST_DATABASE_URL`; a test run without the runner starts its own (see
//! [`crate::database::TestDatabase`]). Either way the container carries labels naming its
//! owner, so a run killed before it could clean up is cleaned up by the next.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use sqlx::Connection;
use sqlx::postgres::PgConnection;
use testcontainers_modules::postgres::Postgres;
use testcontainers_modules::testcontainers::core::Mount;
use testcontainers_modules::testcontainers::runners::AsyncRunner;
use testcontainers_modules::testcontainers::{ContainerAsync, ImageExt};

use crate::docker;

/// Overrides the image (`name:tag`).
pub const IMAGE_ENV: &str = "PYRAMID_POSTGRES_IMAGE";
/// Points the harness at an existing server instead of a container.
pub const URL_ENV: &str = "TEST_DATABASE_URL";
/// The image used when the registry is reachable.
pub const DEFAULT_IMAGE: &str = "postgres:16-alpine";
/// The image `cargo xtask setup` builds from Debian packages when it is not.
pub const LOCAL_IMAGE: &str = "pyramid-postgres:bookworm";
const ROLE: &str = "test-postgres";

/// Which image to run: `$PYRAMID_POSTGRES_IMAGE`, else the official image if present, else
/// the locally built one. Never pulls: a missing image is a setup step, named in the error.
pub fn resolve_image() -> Result<String> {
    if let Ok(image) = std::env::var(IMAGE_ENV) {
        if !docker::image_exists(&image)? {
            bail!("{IMAGE_ENV}={image}, but that image is not present: build or pull it first");
        }
        return Ok(image);
    }
    for image in [DEFAULT_IMAGE, LOCAL_IMAGE] {
        if docker::image_exists(image)? {
            return Ok(image.to_owned());
        }
    }
    bail!(
        "no Postgres image: neither {DEFAULT_IMAGE} nor {LOCAL_IMAGE} is present. Run `cargo xtask setup` \
         (pulls the first, or builds the second from Debian packages when no registry is reachable)"
    )
}

/// A running Postgres container, removed when dropped.
pub struct PostgresServer {
    container: ContainerAsync<Postgres>,
    url: String,
    image: String,
    ready_after: Duration,
}

impl PostgresServer {
    /// Starts a container and returns once a real connection succeeded.
    pub async fn start() -> Result<Self> {
        docker::ensure_engine()?;
        docker::remove_orphans(ROLE)?;
        let image = resolve_image()?;
        let (name, tag) = image.rsplit_once(':').unwrap_or((image.as_str(), "latest"));
        let started = Instant::now();
        // Trust, not SCRAM: a throwaway server needs no password check, and SCRAM's 4096
        // PBKDF2 rounds cost tens of milliseconds per connection in an unoptimised build.
        let container = Postgres::default()
            .with_host_auth()
            .with_name(name)
            .with_tag(tag)
            // Durability is worthless in a throwaway server and costs most of CREATE DATABASE.
            .with_cmd([
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=300",
            ])
            // On the container's overlay filesystem CREATE DATABASE takes ~600 ms here; on tmpfs
            // ~30 ms. That is the price of every test's isolation, so the data lives in memory.
            .with_mount(Mount::tmpfs_mount("/var/lib/postgresql/data"))
            .with_label(docker::ROLE_LABEL, ROLE)
            .with_label(docker::OWNER_LABEL, std::process::id().to_string())
            .with_startup_timeout(Duration::from_secs(60))
            .start()
            .await
            .map_err(|error| explain_start_failure(error.into(), &image))?;
        let host = container.get_host().await?;
        let port = container.get_host_port_ipv4(5432).await?;
        let url = format!("postgres://postgres:postgres@{host}:{port}/postgres");
        wait_until_accepting(&url).await?;
        Ok(Self { container, url, image, ready_after: started.elapsed() })
    }

    /// URL of the server's `postgres` database, with superuser rights.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn image(&self) -> &str {
        &self.image
    }

    pub fn container_id(&self) -> &str {
        self.container.id()
    }

    /// From asking Docker for a container to the first successful query.
    pub fn ready_after(&self) -> Duration {
        self.ready_after
    }

    /// Freezes the server: it keeps its connections and its data, and answers nothing.
    pub fn pause(&self) -> Result<()> {
        docker::pause(self.container_id())
    }

    pub fn unpause(&self) -> Result<()> {
        docker::unpause(self.container_id())
    }

    /// Removes the container now and reports failure, rather than on drop where it can only log.
    pub async fn stop(self) -> Result<()> {
        self.container.rm().await.context("removing the Postgres container")
    }
}

fn explain_start_failure(error: anyhow::Error, image: &str) -> anyhow::Error {
    error.context(format!(
        "starting a {image} container failed: is the Docker engine running and the image present (`cargo xtask setup`)?"
    ))
}

/// The ready line is logged by the init server too, and a port can accept before the server
/// does: only a query proves readiness.
pub async fn wait_until_accepting(url: &str) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut delay = Duration::from_millis(10);
    loop {
        let attempt = async {
            let mut connection = PgConnection::connect(url).await?;
            sqlx::query("SELECT 1").execute(&mut connection).await?;
            connection.close().await
        };
        match attempt.await {
            Ok(()) => return Ok(()),
            Err(error) if Instant::now() >= deadline => {
                return Err(anyhow!(error).context(format!("Postgres at {url} did not accept connections in 30 s")));
            }
            Err(_) => {
                // The probe's backoff: the condition waited for is the successful query above.
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_millis(200));
            }
        }
    }
}
