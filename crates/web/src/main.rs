//! `jobboard`: reads the configuration from the environment, builds the application, serves it.

use std::io::IsTerminal;
use std::process::ExitCode;

use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;
use web::config::{Config, JwtSecret};
use web::startup;

#[tokio::main]
async fn main() -> ExitCode {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprint!("{error}");
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
    match run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> anyhow::Result<()> {
    if let JwtSecret::Generated(_) = config.jwt_secret {
        tracing::warn!("JWT_SECRET is not set: signing with a random secret, so tokens die with this process");
    }
    let (state, demo_accounts) = startup::build_state(&config).await?;
    let listener = TcpListener::bind(config.bind_addr).await?;
    let address = listener.local_addr()?;
    if !demo_accounts.is_empty() {
        println!("Demo accounts (in-memory store, gone when the server stops):");
        for demo in &demo_accounts {
            println!("  {:?}: {} / {}", demo.role, demo.username, demo.password);
        }
    }
    tracing::info!("listening on http://{address}");
    startup::serve(listener, state, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM (what `docker stop` and Kubernetes send).
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
