//! `jobboard`: the server (`jobboard`), or `jobboard create-admin USERNAME` to create the first
//! admin in the configured store, the way Django's `createsuperuser` does.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;
use web::config::{Config, LogFormat};
use web::startup;

/// A request allocates and frees many small buffers on whichever worker thread runs it; glibc's
/// malloc spent about a tenth of the server's CPU on them under load (`perf`, docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage: jobboard                      serve (configuration from the environment, see .env.example)
       jobboard create-admin USERNAME [--email EMAIL]
                                     create an admin; the password is read from JOBBOARD_ADMIN_PASSWORD or stdin";

#[tokio::main]
async fn main() -> ExitCode {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprint!("{error}");
            return ExitCode::from(2);
        }
    };
    init_logging(config.log_format);
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        [] => serve(config).await,
        ["create-admin", username] => create_admin(config, username, None).await,
        ["create-admin", username, "--email", email] => create_admin(config, username, Some(email)).await,
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Pretty => builder.with_ansi(std::io::stderr().is_terminal()).init(),
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    if config.secret_generated {
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
    startup::serve(listener, state, config.connections, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

/// Creates an admin in the store `DATABASE_URL` names.
async fn create_admin(config: Config, username: &str, email: Option<&str>) -> anyhow::Result<()> {
    if config.database_url.is_none() {
        anyhow::bail!("create-admin needs DATABASE_URL: the in-memory store would forget the account at exit");
    }
    let password = match std::env::var("JOBBOARD_ADMIN_PASSWORD") {
        Ok(password) => password,
        Err(_) => {
            if std::io::stdin().is_terminal() {
                eprintln!("Password for {username} (input is not hidden; prefer JOBBOARD_ADMIN_PASSWORD or a pipe):");
            }
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let (state, _) = startup::build_state(&config).await?;
    let registration = domain::accounts::Registration {
        username: username.to_owned(),
        password,
        first_name: "Admin".into(),
        last_name: username.to_owned(),
        email: email
            .map(str::to_owned)
            .or_else(|| std::env::var("JOBBOARD_ADMIN_EMAIL").ok())
            .unwrap_or_else(|| format!("{username}@jobboard.invalid")),
    };
    let user = domain::accounts::create_account(state.ports.accounts(), registration, domain::user::Role::Admin)
        .await
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    println!("created admin {}", user.username);
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM (what `docker stop` and Kubernetes send).
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
