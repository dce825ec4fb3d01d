//! Turns a [`Config`] into a running application: adapters chosen, demo data seeded, socket bound.

use std::future::Future;
use std::sync::Arc;

use anyhow::Context;
use auth::clock::SystemClock;
use auth::keys::KeySet;
use auth::password::{Argon2Cost, Argon2Passwords};
use auth::sessions::InMemorySessions;
use auth::token::TokenService;
use domain::accounts::{self, Registration};
use domain::ports::{PasswordHasher, UserRepository};
use domain::user::Role;
use rand::Rng;
use rand::distr::Alphanumeric;
use store::memory::MemoryStore;
use store::postgres::PgStore;
use tokio::net::TcpListener;

use crate::config::Config;
use crate::passwords::Argon2Hasher;
use crate::state::AppState;

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
    let passwords: Arc<dyn PasswordHasher> = Arc::new(Argon2Hasher::new(Argon2Passwords::new(Argon2Cost::OWASP)?));
    let keys = KeySet::hs256("hs-1", config.jwt_secret.key());
    let tokens = Arc::new(TokenService::new(keys, config.tokens.clone(), Arc::new(SystemClock)));
    let secure_cookies = config.secure_cookies();
    match &config.database_url {
        Some(url) => {
            let store = Arc::new(PgStore::connect_and_migrate(url).await.context("connecting to DATABASE_URL")?);
            let state = AppState {
                users: store.clone(),
                companies: store.clone(),
                jobs: store.clone(),
                sessions: store,
                passwords,
                tokens,
                secure_cookies,
            };
            Ok((state, Vec::new()))
        }
        None => {
            let store = Arc::new(MemoryStore::new());
            store.seed_demo_catalog().await?;
            let demo_accounts = vec![
                seed_demo_account(store.as_ref(), passwords.as_ref(), "demo", Role::User).await?,
                seed_demo_account(store.as_ref(), passwords.as_ref(), "admin", Role::Admin).await?,
            ];
            let state = AppState {
                users: store.clone(),
                companies: store.clone(),
                jobs: store,
                sessions: Arc::new(InMemorySessions::new()),
                passwords,
                tokens,
                secure_cookies,
            };
            Ok((state, demo_accounts))
        }
    }
}

async fn seed_demo_account(
    users: &dyn UserRepository,
    passwords: &dyn PasswordHasher,
    username: &str,
    role: Role,
) -> anyhow::Result<DemoAccount> {
    // Random per run: a demo server reachable from elsewhere must not have a well-known password.
    let password: String = rand::rng().sample_iter(Alphanumeric).take(16).map(char::from).collect();
    let registration = Registration {
        username: username.into(),
        password: password.clone(),
        first_name: "Demo".into(),
        last_name: if role == Role::Admin { "Admin".into() } else { "User".into() },
        email: format!("{username}@example.com"),
    };
    accounts::create_account(users, passwords, registration, role).await?;
    Ok(DemoAccount { username: username.into(), password, role })
}

/// Serves `state` on `listener` until `shutdown` completes, then lets in-flight requests finish.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, crate::app(state)).with_graceful_shutdown(shutdown).await
}
