//! Turns a [`Config`] into a running application: adapters chosen, demo data seeded, socket
//! bound, shutdown handled.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use auth::breach::{BreachCheck, NoBreachCheck, PwnedPasswords};
use auth::clock::SystemClock;
use auth::password::{Argon2Cost, Argon2Passwords};
use auth::sessions::{InMemorySessions, SessionStore};
use auth::throttle::{LoginThrottle, ThrottlePolicy};
use auth::token::TokenService;
use domain::accounts::{self, Registration};
use domain::ports::{CompanyRepository, JobRepository, UserRepository};
use domain::user::Role;
use rand::Rng;
use rand::distr::Alphanumeric;
use store::memory::MemoryStore;
use store::postgres::PgStore;
use tokio::net::TcpListener;

use crate::config::Config;
use crate::passwords::{Argon2Hasher, BreachAdapter};
use crate::schemas::Schemas;
use crate::state::{AlwaysReady, AppState, HttpSettings, Readiness};

/// An account created at start-up for trying the app without registering.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub username: String,
    pub password: String,
    pub role: Role,
}

/// The state for `config`: Postgres when `DATABASE_URL` is set (migrated at start), otherwise
/// the in-memory store with demo companies, jobs, a user and an admin.
pub async fn build_state(config: &Config) -> anyhow::Result<(AppState, Vec<DemoAccount>)> {
    let passwords = Arc::new(Argon2Hasher::new(Argon2Passwords::new(Argon2Cost::OWASP)?));
    let breach: Arc<dyn BreachCheck> = match &config.breach_check {
        Some(check) => Arc::new(PwnedPasswords::new(check.url.clone(), check.timeout, check.policy)?),
        None => Arc::new(NoBreachCheck),
    };
    let clock = Arc::new(SystemClock);
    let http = HttpSettings {
        request_timeout: config.request_timeout,
        body_limit_bytes: config.body_limit_bytes,
        ..HttpSettings::for_origin(&config.public_origin())
    };
    let (users, companies, jobs, sessions, readiness): Stores = match &config.database_url {
        Some(url) => {
            let store = Arc::new(PgStore::connect_and_migrate(url).await.context("connecting to DATABASE_URL")?);
            (store.clone(), store.clone(), store.clone(), store.clone(), store)
        }
        None => {
            let store = Arc::new(MemoryStore::new());
            store.seed_demo_catalog().await?;
            (store.clone(), store.clone(), store, Arc::new(InMemorySessions::new()), Arc::new(AlwaysReady))
        }
    };
    let state = AppState {
        users,
        companies,
        jobs,
        sessions,
        passwords,
        breaches: Arc::new(BreachAdapter(breach)),
        readiness,
        tokens: Arc::new(TokenService::new(config.keys.clone(), config.tokens.clone(), clock.clone())),
        throttle: Arc::new(LoginThrottle::new(ThrottlePolicy::default(), clock)),
        schemas: Arc::new(Schemas::load()?),
        events: tokio::sync::broadcast::channel(64).0,
        http,
    };
    let demo_accounts = match config.database_url {
        Some(_) => Vec::new(),
        None => vec![
            seed_demo_account(&state, "demo", Role::User).await?,
            seed_demo_account(&state, "admin", Role::Admin).await?,
        ],
    };
    Ok((state, demo_accounts))
}

type Stores = (
    Arc<dyn UserRepository>,
    Arc<dyn CompanyRepository>,
    Arc<dyn JobRepository>,
    Arc<dyn SessionStore>,
    Arc<dyn Readiness>,
);

async fn seed_demo_account(state: &AppState, username: &str, role: Role) -> anyhow::Result<DemoAccount> {
    // Random per run: a demo server reachable from elsewhere must not have a well-known password.
    let password: String = rand::rng().sample_iter(Alphanumeric).take(16).map(char::from).collect();
    let registration = Registration {
        username: username.into(),
        password: password.clone(),
        first_name: "Demo".into(),
        last_name: if role == Role::Admin { "Admin".into() } else { "User".into() },
        email: format!("{username}@example.com"),
    };
    accounts::create_account(state.accounts(), registration, role).await?;
    Ok(DemoAccount { username: username.into(), password, role })
}

/// Serves `state` on `listener` until `shutdown` completes, then lets in-flight requests
/// finish. Each request knows its peer address (for login throttling).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = crate::app(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}
