//! `cargo xtask`: the project's developer and CI commands, in Rust so they run the same on
//! every machine (the pattern of rust-analyzer's and cargo's own `xtask`).
//!
//! - `setup`: installs what a fresh Debian/Ubuntu machine lacks and prepares the Postgres image,
//!   building it from Debian packages when no registry is reachable.
//! - `test [LAYER...]`: the pyramid runner: lint → unit → integration → e2e, fastest first,
//!   stopping at the first red layer, with JUnit per layer and a summary under `target/pyramid/`.
//! - `bench db-setup`: what a Postgres container and a per-test database cost.
//!
//! It is tooling, not product: nothing depends on it. It uses `testkit` to start the one
//! Postgres container a test run shares.

mod bench;
mod docker_shim;
#[cfg(test)]
mod layering;
mod postgres_image;
mod report;
mod runner;
mod setup;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::docker_shim::DockerShim;
use crate::runner::Layer;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  setup                 install Chromium, chromedriver and cargo-nextest if missing; prepare the Postgres image
  test [LAYER...]       run the test pyramid (layers: lint unit integration e2e; default: all, in that order)
  bench db-setup        measure container start-up and per-test database creation
";

enum Command {
    Setup,
    Test(Vec<Layer>),
    Bench(String),
}

fn parse(args: &[String]) -> Result<Command> {
    match args.split_first() {
        Some((command, rest)) => match (command.as_str(), rest) {
            ("setup", []) => Ok(Command::Setup),
            ("test", layers) => {
                let layers = if layers.is_empty() {
                    Layer::ALL.to_vec()
                } else {
                    layers.iter().map(|name| Layer::parse(name)).collect::<Result<Vec<_>>>()?
                };
                Ok(Command::Test(layers))
            }
            ("bench", [name]) => Ok(Command::Bench(name.clone())),
            _ => bail!("unknown command `{}`", args.join(" ")),
        },
        None => bail!("no command given"),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match parse(&args) {
        Ok(command) => command,
        Err(error) => {
            eprintln!("error: {error}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let root = workspace_root();
    if let Err(error) = std::env::set_current_dir(&root) {
        eprintln!("error: cannot enter the workspace at {}: {error}", root.display());
        return ExitCode::FAILURE;
    }
    let shim_plan = plan_docker_shim();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let _shim = match shim_plan.map(ShimPlan::start).transpose() {
            Ok(shim) => shim,
            Err(error) => {
                eprintln!("error: {error:#}");
                return ExitCode::FAILURE;
            }
        };
        let outcome = match command {
            Command::Setup => setup::run().await.map(|()| ExitCode::SUCCESS),
            Command::Test(layers) => runner::run(&layers).await,
            Command::Bench(name) => bench::run(&name).await.map(|()| ExitCode::SUCCESS),
        };
        outcome.unwrap_or_else(|error| {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        })
    })
}

/// The workspace root, from this crate's manifest directory (`crates/xtask`).
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// What it takes to bridge testcontainers to an engine older than its API (see `docker_shim`).
struct ShimPlan {
    socket: PathBuf,
    engine_socket: PathBuf,
    engine_version: String,
}

impl ShimPlan {
    fn start(self) -> Result<DockerShim> {
        eprintln!(
            "note: the Docker engine speaks API {} and testcontainers {}: bridging through {}",
            self.engine_version,
            docker_shim::CLIENT_API_VERSION,
            self.socket.display()
        );
        DockerShim::start(self.socket, self.engine_socket, self.engine_version)
    }
}

/// Decides, before any thread exists, whether testcontainers needs the shim, and if so points
/// `DOCKER_HOST` (read by testcontainers, the docker CLI and every child process) at it.
fn plan_docker_shim() -> Option<ShimPlan> {
    let engine_socket = match std::env::var("DOCKER_HOST") {
        Ok(host) => PathBuf::from(host.strip_prefix("unix://")?),
        Err(_) => PathBuf::from("/var/run/docker.sock"),
    };
    let engine_version = testkit::docker::engine_api_version().ok()?;
    if !docker_shim::needed_for(&engine_version) {
        return None;
    }
    let socket = std::env::temp_dir().join(format!("pyramid-docker-{}.sock", std::process::id()));
    #[allow(unsafe_code)]
    // SAFETY: called from `main` before the runtime or any other thread is started, so no
    // other thread can be reading the environment while it changes.
    unsafe {
        std::env::set_var("DOCKER_HOST", format!("unix://{}", socket.display()));
    }
    Some(ShimPlan { socket, engine_socket, engine_version })
}
