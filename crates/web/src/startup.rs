//! Turns a [`Config`] into a running application: adapters chosen, demo data seeded, socket
//! bound, shutdown handled.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use auth::breach::{BreachCheck, NoBreachCheck, PwnedPasswords};
use auth::clock::{Clock, SystemClock};
use auth::password::{Argon2Cost, Argon2Passwords};
use auth::sessions::{InMemorySessions, SessionStore};
use auth::throttle::{LoginThrottle, ThrottlePolicy};
use auth::token::TokenService;
use domain::accounts::{self, Registration};
use domain::ports::{BreachedPasswords, CompanyRepository, JobRepository, PasswordHasher, UserRepository};
use domain::user::Role;
use rand::Rng;
use rand::distr::Alphanumeric;
use store::memory::MemoryStore;
use store::postgres::PgStore;
use tokio::net::TcpListener;
use usecases::Ports;

use crate::config::Config;
use crate::feed::LocalFeed;
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

/// The adapters behind the ports, as start-up (or a test) chose them.
pub struct Adapters {
    pub users: Arc<dyn UserRepository>,
    pub companies: Arc<dyn CompanyRepository>,
    pub jobs: Arc<dyn JobRepository>,
    pub sessions: Arc<dyn SessionStore>,
    pub passwords: Arc<dyn PasswordHasher>,
    pub breaches: Arc<dyn BreachedPasswords>,
    pub readiness: Arc<dyn Readiness>,
}

/// The one place an [`AppState`] is put together: the adapters behind the use cases' ports,
/// the token service, the login throttle and the live feed over `clock`, the schemas.
pub fn assemble(
    adapters: Adapters,
    tokens: TokenService,
    clock: Arc<dyn Clock>,
    http: HttpSettings,
) -> anyhow::Result<AppState> {
    let feed = Arc::new(LocalFeed::new(64));
    let ports = Ports {
        users: adapters.users,
        companies: adapters.companies,
        jobs: adapters.jobs,
        passwords: adapters.passwords,
        breaches: adapters.breaches,
        sessions: adapters.sessions,
        tokens: Arc::new(tokens),
        throttle: Arc::new(LoginThrottle::new(ThrottlePolicy::default(), clock)),
        events: feed.clone(),
    };
    Ok(AppState { ports, feed, readiness: adapters.readiness, schemas: Arc::new(Schemas::load()?), http })
}

/// The state for `config`: Postgres when `DATABASE_URL` is set (migrated at start), otherwise
/// the in-memory store with demo companies, jobs, a user and an admin.
pub async fn build_state(config: &Config) -> anyhow::Result<(AppState, Vec<DemoAccount>)> {
    let passwords = Arc::new(Argon2Hasher::new(Argon2Passwords::new(Argon2Cost::OWASP)?)?);
    let breach: Arc<dyn BreachCheck> = match &config.breach_check {
        Some(check) => Arc::new(PwnedPasswords::new(check.url.clone(), check.timeout, check.policy)?),
        None => Arc::new(NoBreachCheck),
    };
    let breaches = Arc::new(BreachAdapter(breach));
    let adapters = match &config.database_url {
        Some(url) => {
            let store = Arc::new(PgStore::connect_and_migrate(url).await.context("connecting to DATABASE_URL")?);
            Adapters {
                users: store.clone(),
                companies: store.clone(),
                jobs: store.clone(),
                sessions: store.clone(),
                passwords,
                breaches,
                readiness: store,
            }
        }
        None => {
            let store = Arc::new(MemoryStore::new());
            store.seed_demo_catalog().await?;
            Adapters {
                users: store.clone(),
                companies: store.clone(),
                jobs: store,
                sessions: Arc::new(InMemorySessions::new()),
                passwords,
                breaches,
                readiness: Arc::new(AlwaysReady),
            }
        }
    };
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let tokens = TokenService::new(config.keys.clone(), config.tokens.clone(), clock.clone());
    let http = HttpSettings {
        request_timeout: config.request_timeout,
        body_limit_bytes: config.body_limit_bytes,
        ..HttpSettings::for_origin(&config.public_origin())
    };
    let state = assemble(adapters, tokens, clock, http)?;
    let demo_accounts = match config.database_url {
        Some(_) => Vec::new(),
        None => vec![
            seed_demo_account(&state, "demo", Role::User).await?,
            seed_demo_account(&state, "admin", Role::Admin).await?,
        ],
    };
    Ok((state, demo_accounts))
}

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
    accounts::create_account(state.ports.accounts(), registration, role).await?;
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
