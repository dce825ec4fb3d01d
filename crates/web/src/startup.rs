//! Turns a [`Config`] into a running application: adapters chosen, demo data seeded, socket
//! bound, shutdown handled.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use async_trait::async_trait;
use auth::breach::{BreachCheck, NoBreachCheck, PwnedPasswords};
use auth::clock::{Clock, SystemClock};
use auth::password::{Argon2Cost, Argon2Passwords};
use auth::sessions::{InMemorySessions, SessionStore};
use auth::throttle::{LoginThrottle, MemoryThrottle, ThrottlePolicy};
use auth::token::{Claims, TokenService};
use axum::extract::ConnectInfo;
use domain::accounts::{self, Registration};
use domain::ports::{BreachedPasswords, CompanyRepository, JobRepository, PasswordHasher, UserRepository};
use domain::user::{Role, Username};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use rand::Rng;
use rand::distr::Alphanumeric;
use store::memory::MemoryStore;
use store::postgres::PgStore;
use store::postgres::throttle::PgThrottle;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio_util::task::TaskTracker;
use tower::Service;
use usecases::callers::{AskedInTurn, CallerDirectory, CallerRecord};
use usecases::events::EventPublisher;
use usecases::{Ports, UseCaseError};

use crate::config::{Config, ConnectionLimits};
use crate::feed::{self, LocalFeed, SharedFeed};
use crate::passwords::{Argon2Hasher, BreachAdapter};
use crate::schemas::Schemas;
use crate::state::{AlwaysReady, AppState, HttpSettings, LiveSockets, Readiness};

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
    /// The database every instance on it shares the live feed and the login throttle through,
    /// so that each hears every event and a guess counts on all; it also reads a token's caller
    /// in one query. `None` keeps the feed and the throttle within this process.
    pub shared_through: Option<Arc<PgStore>>,
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
    let (events, throttle, callers): (Arc<dyn EventPublisher>, Arc<dyn LoginThrottle>, Arc<dyn CallerDirectory>) =
        match adapters.shared_through {
            Some(store) => (
                Arc::new(SharedFeed::new(store.clone())),
                Arc::new(PgThrottle::new(store.pool().clone(), ThrottlePolicy::default(), clock)),
                Arc::new(PgCallers(store)),
            ),
            None => (
                feed.clone(),
                Arc::new(MemoryThrottle::new(ThrottlePolicy::default(), clock)),
                Arc::new(AskedInTurn::new(adapters.sessions.clone(), adapters.users.clone())),
            ),
        };
    let ports = Ports {
        users: adapters.users,
        companies: adapters.companies,
        jobs: adapters.jobs,
        passwords: adapters.passwords,
        breaches: adapters.breaches,
        sessions: adapters.sessions,
        callers,
        tokens: Arc::new(tokens),
        throttle,
        events,
    };
    Ok(AppState {
        ports,
        feed,
        readiness: adapters.readiness,
        schemas: Arc::new(Schemas::load()?),
        http,
        sockets: LiveSockets::default(),
    })
}

/// The caller directory on Postgres: sessions and accounts live in one database, so one query
/// reads both.
struct PgCallers(Arc<PgStore>);

#[async_trait]
impl CallerDirectory for PgCallers {
    async fn look_up(&self, claims: &Claims, holder: &Username) -> Result<CallerRecord, UseCaseError> {
        let (standing, account) = self.0.caller_record(claims, holder).await?;
        Ok(CallerRecord { standing, account })
    }
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
            let store = Arc::new(
                PgStore::connect_and_migrate(url.expose(), config.database_acquire_timeout)
                    .await
                    .context("connecting to DATABASE_URL")?,
            );
            Adapters {
                users: store.clone(),
                companies: store.clone(),
                jobs: store.clone(),
                sessions: store.clone(),
                passwords,
                breaches,
                readiness: store.clone(),
                shared_through: Some(store),
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
                shared_through: None,
            }
        }
    };
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let tokens = TokenService::new(config.keys.clone(), config.tokens.clone(), clock.clone());
    let http = HttpSettings {
        request_timeout: config.request_timeout,
        body_limit_bytes: config.body_limit_bytes,
        trusted_proxies: config.trusted_proxies.clone(),
        ..HttpSettings::for_origin(&config.public_origin())
    };
    let shared_through = adapters.shared_through.clone();
    let state = assemble(adapters, tokens, clock, http)?;
    if let Some(store) = shared_through {
        feed::relay_from_database(&store, state.ports.jobs.clone(), state.feed.clone())
            .await
            .context("listening for the live feed on DATABASE_URL")?;
    }
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

/// Serves `state` on `listener` within `limits` until `shutdown` completes; then stops
/// accepting, lets requests in flight finish, tells open feeds the server is going away, and
/// returns once all of that is done or `limits.shutdown_deadline` has passed, whichever is
/// first. Each request knows its peer address (for login throttling).
///
/// A loop of its own rather than `axum::serve`, which sets no header-read timeout, no limit on
/// connections and no deadline: one half-sent header kept the process alive after SIGTERM.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let sockets = state.sockets.clone();
    let router = crate::app(state);
    let places = Arc::new(Semaphore::new(limits.max_connections));
    let connections = TaskTracker::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, say: pause rather than spin on the same error.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let Ok(place) = places.clone().try_acquire_owned() else {
            tokio::spawn(turn_away(stream));
            continue;
        };
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            router.clone().call(request)
        });
        let closing = sockets.closing.clone();
        connections.spawn(async move {
            let _place = place;
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder.timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout);
            let connection = builder.serve_connection(TokioIo::new(stream), service).with_upgrades();
            let mut connection = std::pin::pin!(connection);
            let served = tokio::select! {
                served = connection.as_mut() => served,
                () = closing.cancelled() => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(error) = served {
                tracing::debug!(%error, "a connection ended with an error");
            }
        });
    }
    drop(listener);
    sockets.closing.cancel();
    connections.close();
    sockets.open.close();
    let finished = async {
        connections.wait().await;
        sockets.open.wait().await;
    };
    if tokio::time::timeout(limits.shutdown_deadline, finished).await.is_err() {
        tracing::warn!(
            connections = connections.len(),
            feeds = sockets.open.len(),
            "still open at the shutdown deadline: closed"
        );
    }
    Ok(())
}

/// The answer to a connection past the maximum: a 503 in the API's envelope, then close. The
/// request is read (briefly) before closing, so the client gets the answer, not a reset.
async fn turn_away(mut stream: TcpStream) {
    const BODY: &str = r#"{"error":{"message":"too many connections; try again shortly","status":503}}"#;
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 1\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{BODY}",
        BODY.len()
    );
    if stream.write_all(answer.as_bytes()).await.is_err() || stream.shutdown().await.is_err() {
        return;
    }
    let mut unread = [0u8; 4096];
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        while matches!(stream.read(&mut unread).await, Ok(read) if read > 0) {}
    })
    .await;
}
