//! What every handler can reach: the use cases' ports, the live feed's subscriptions, the
//! compiled schemas, the readiness check, and the knobs of the HTTP layer. It is assembled in
//! one place, [`crate::startup::assemble`].

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use ipnet::IpNet;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use usecases::Ports;

use crate::feed::LocalFeed;
use crate::schemas::Schemas;

#[derive(Clone)]
pub struct AppState {
    pub ports: Ports,
    /// The same feed as `ports.events`, for the WebSockets that listen to it.
    pub feed: Arc<LocalFeed>,
    pub readiness: Arc<dyn Readiness>,
    pub schemas: Arc<Schemas>,
    pub http: HttpSettings,
    pub sockets: LiveSockets,
}

/// The open WebSockets, as shutdown sees them: each relay watches `closing` and holds a token
/// of `open` from its upgrade's acceptance, so shutdown can tell every one to close and wait
/// for their close frames.
#[derive(Debug, Clone, Default)]
pub struct LiveSockets {
    pub closing: CancellationToken,
    pub open: TaskTracker,
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
    /// Proxies whose `X-Forwarded-For` names the client (none by default: the header is then
    /// whatever the client wrote, and ignored).
    pub trusted_proxies: Vec<IpNet>,
}

impl HttpSettings {
    pub fn for_origin(public_origin: &str) -> Self {
        Self {
            public_origin: public_origin.trim_end_matches('/').to_owned(),
            https: public_origin.starts_with("https://"),
            request_timeout: Duration::from_secs(30),
            body_limit_bytes: 64 * 1024,
            trusted_proxies: Vec::new(),
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
