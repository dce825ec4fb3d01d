//! What every handler can reach: the adapters behind the domain's and auth's ports, the token
//! service, the compiled schemas, and the knobs of the HTTP layer.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use auth::sessions::SessionStore;
use auth::throttle::LoginThrottle;
use auth::token::TokenService;
use domain::accounts::Accounts;
use domain::ports::{BreachedPasswords, CompanyRepository, JobRepository, PasswordHasher, UserRepository};
use tokio::sync::broadcast;

use crate::api::ws::Event;
use crate::schemas::Schemas;

#[derive(Clone)]
pub struct AppState {
    pub users: Arc<dyn UserRepository>,
    pub companies: Arc<dyn CompanyRepository>,
    pub jobs: Arc<dyn JobRepository>,
    pub sessions: Arc<dyn SessionStore>,
    pub passwords: Arc<dyn PasswordHasher>,
    pub breaches: Arc<dyn BreachedPasswords>,
    pub readiness: Arc<dyn Readiness>,
    pub tokens: Arc<TokenService>,
    pub throttle: Arc<LoginThrottle>,
    pub schemas: Arc<Schemas>,
    pub events: broadcast::Sender<Event>,
    pub http: HttpSettings,
}

impl AppState {
    pub fn accounts(&self) -> Accounts<'_> {
        Accounts { users: self.users.as_ref(), passwords: self.passwords.as_ref(), breaches: self.breaches.as_ref() }
    }
}

/// How the HTTP layer behaves: limits, and what the public URL implies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpSettings {
    /// `scheme://host[:port]` of the public URL: the only Origin accepted on form posts and
    /// WebSocket upgrades.
    pub public_origin: String,
    /// Cookies get `Secure`, and responses `Strict-Transport-Security`, when served over https.
    pub https: bool,
    pub request_timeout: Duration,
    pub body_limit_bytes: usize,
}

impl HttpSettings {
    pub fn for_origin(public_origin: &str) -> Self {
        Self {
            public_origin: public_origin.trim_end_matches('/').to_owned(),
            https: public_origin.starts_with("https://"),
            request_timeout: Duration::from_secs(30),
            body_limit_bytes: 64 * 1024,
        }
    }
}

/// Whether the service can do its work now: `/readyz`. Liveness (`/healthz`) only says the
/// process answers.
#[async_trait]
pub trait Readiness: Send + Sync {
    /// `Err` names what is not ready.
    async fn check(&self) -> Result<(), String>;
}

/// The in-memory store is ready whenever the process is.
pub struct AlwaysReady;

#[async_trait]
impl Readiness for AlwaysReady {
    async fn check(&self) -> Result<(), String> {
        Ok(())
    }
}

#[async_trait]
impl Readiness for store::postgres::PgStore {
    async fn check(&self) -> Result<(), String> {
        sqlx::query("SELECT 1").execute(self.pool()).await.map(drop).map_err(|error| format!("database: {error}"))
    }
}
