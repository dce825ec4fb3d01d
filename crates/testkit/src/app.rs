//! The application under test, on a real socket (port 0) or as a router to call in-process.

use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use auth::clock::SystemClock;
use auth::keys::{HmacSecret, KeySet};
use auth::password::{Argon2Cost, Argon2Passwords};
use auth::sessions::{InMemorySessions, SessionStore};
use auth::token::{TokenService, TokenSettings};
use domain::ports::{CompanyRepository, JobRepository, UserRepository};
use reqwest::{Response, StatusCode};
use serde_json::Value;
use store::memory::MemoryStore;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpListener;
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;
use web::AppState;
use web::passwords::Argon2Hasher;

use crate::database::TestDatabase;
use crate::fixtures::UserFixture;

/// The HMAC secret of every test app: fixed, so a failing test's tokens can be decoded.
pub const TEST_SECRET: &[u8; 32] = b"pyramid-test-secret-32-bytes-ok!";

/// State for tests: argon2 at its cheapest (microseconds, not tens of milliseconds), the
/// fixed test secret, the real clock.
pub fn test_state<S>(store: Arc<S>, sessions: Arc<dyn SessionStore>) -> AppState
where
    S: UserRepository + CompanyRepository + JobRepository + 'static,
{
    let passwords = Argon2Passwords::new(Argon2Cost::TESTS_ONLY).expect("argon2 refused its cheapest parameters");
    let secret = HmacSecret::new(TEST_SECRET.to_vec()).expect("the test secret is 32 bytes");
    let keys = KeySet::hs256("test", &secret);
    AppState {
        users: store.clone(),
        companies: store.clone(),
        jobs: store,
        passwords: Arc::new(Argon2Hasher::new(passwords)),
        tokens: Arc::new(TokenService::new(keys, TokenSettings::default(), Arc::new(SystemClock))),
        sessions,
        secure_cookies: false,
    }
}

/// Jobboard serving on 127.0.0.1 at a random port, with typed helpers for its API. However
/// it runs (a task in the test's runtime, or the real binary in a process of its own), tests
/// speak to it the same way. The server stops, and its database goes, when this is dropped.
pub struct TestApp {
    pub address: SocketAddr,
    http: reqwest::Client,
    /// Declared before the database: fields drop in order, so the server stops first.
    _server: RunningServer,
    database: Option<TestDatabase>,
}

enum RunningServer {
    Task(JoinHandle<()>),
    Process(Child),
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        match self {
            RunningServer::Task(task) => task.abort(),
            RunningServer::Process(child) => {
                let _ = child.start_kill();
            }
        }
    }
}

impl TestApp {
    /// In-process, over the in-memory stores: for breadth, in milliseconds.
    pub async fn with_memory_store() -> Self {
        Self::in_process(Arc::new(MemoryStore::new()), Arc::new(InMemorySessions::new()), None).await
    }

    /// In-process, over a fresh Postgres database of its own: for depth.
    pub async fn with_postgres() -> Self {
        let database = TestDatabase::new().await;
        let store = Arc::new(database.store());
        Self::in_process(store.clone(), store, Some(database)).await
    }

    /// The real `binary` (a black box: its own process, its own configuration from `env`) over
    /// a fresh Postgres database, once it has logged the address it listens on.
    pub async fn binary_with_postgres(binary: &str, env: &[(&str, &str)]) -> Self {
        let database = TestDatabase::new().await;
        let (address, child) = match start_binary(binary, database.url(), env).await {
            Ok(started) => started,
            Err(error) => panic!("cannot start {binary}: {error:#}"),
        };
        Self { address, http: http_client(), _server: RunningServer::Process(child), database: Some(database) }
    }

    async fn in_process<S>(store: Arc<S>, sessions: Arc<dyn SessionStore>, database: Option<TestDatabase>) -> Self
    where
        S: UserRepository + CompanyRepository + JobRepository + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("cannot bind a local port");
        let address = listener.local_addr().expect("a bound listener has an address");
        let state = test_state(store, sessions);
        let server = tokio::spawn(async move {
            let _ = web::startup::serve(listener, state, std::future::pending()).await;
        });
        Self { address, http: http_client(), _server: RunningServer::Task(server), database }
    }

    /// The app's database, when it has one.
    pub fn database(&self) -> Option<&TestDatabase> {
        self.database.as_ref()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.http.post(self.url(path)).json(body).send().await.unwrap_or_else(|error| panic!("POST {path}: {error}"))
    }

    pub async fn get(&self, path: &str, bearer: Option<&str>) -> Response {
        let mut request = self.http.get(self.url(path));
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap_or_else(|error| panic!("GET {path}: {error}"))
    }

    pub async fn register(&self, user: &UserFixture) -> Response {
        self.post_json("/auth/register", &user.registration()).await
    }

    pub async fn request_token(&self, user: &UserFixture) -> Response {
        self.post_json("/auth/token", &user.credentials()).await
    }

    /// Registers `user` and returns their access token; panics unless registration succeeds.
    pub async fn registered(&self, user: &UserFixture) -> String {
        let response = self.register(user).await;
        token_of(response, StatusCode::CREATED).await
    }
}

/// A client that does not follow redirects, so tests see the 303s the app sends.
pub fn http_client() -> reqwest::Client {
    auth::breach::http_client_builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("cannot build an HTTP client")
}

/// The `token` of a token response, after checking its status.
pub async fn token_of(response: Response, expected: StatusCode) -> String {
    let status = response.status();
    let body: Value = response.json().await.expect("response is not JSON");
    assert_eq!(status, expected, "unexpected status; body: {body}");
    body["token"].as_str().unwrap_or_else(|| panic!("no token in {body}")).to_owned()
}

/// Starts `binary` on a free port over `database_url` and waits for it to log its address.
async fn start_binary(binary: &str, database_url: &str, env: &[(&str, &str)]) -> Result<(SocketAddr, Child)> {
    let mut child = Command::new(binary)
        .env("BIND_ADDR", "127.0.0.1:0")
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "info")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let stderr = child.stderr.take().context("no stderr")?;
    let mut lines = BufReader::new(stderr).lines();
    let logged_address = async {
        while let Some(line) = lines.next_line().await? {
            if let Some((_, address)) = line.split_once("listening on http://") {
                return Ok(address.trim().trim_matches('"').parse::<SocketAddr>()?);
            }
        }
        bail!("the server exited before listening")
    };
    let address = tokio::time::timeout(Duration::from_secs(30), logged_address)
        .await
        .context("the server did not log its address within 30 s")??;
    // Keep draining the log so the server never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Ok((address, child))
}

/// The router called in-process, without a socket: the fastest way to test a route.
pub struct InProcessApp {
    router: axum::Router,
}

/// What an in-process call answered, body already read.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Answer {
    /// The body as JSON; panics with the body when it is not.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|error| panic!("body is not JSON ({error}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

impl InProcessApp {
    /// Over the in-memory stores.
    pub fn with_memory_store() -> Self {
        Self::over(Arc::new(MemoryStore::new()), Arc::new(InMemorySessions::new()))
    }

    /// Over any stores: the fakes, or stubs that fail on purpose.
    pub fn over<S>(store: Arc<S>, sessions: Arc<dyn SessionStore>) -> Self
    where
        S: UserRepository + CompanyRepository + JobRepository + 'static,
    {
        Self { router: web::app(test_state(store, sessions)) }
    }

    pub async fn call(&self, request: axum::http::Request<axum::body::Body>) -> Answer {
        use http_body_util::BodyExt;
        use tower::ServiceExt;

        let response = self.router.clone().oneshot(request).await.unwrap_or_else(|never| match never {});
        let (parts, body) = response.into_parts();
        let bytes = body.collect().await.expect("reading the body").to_bytes();
        Answer { status: parts.status, headers: parts.headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Answer {
        self.call(request("POST", path, &[("content-type", "application/json")], body.to_string())).await
    }

    pub async fn post_form(&self, path: &str, form: &str) -> Answer {
        self.call(request("POST", path, &[("content-type", "application/x-www-form-urlencoded")], form.to_owned()))
            .await
    }

    pub async fn get(&self, path: &str, bearer: Option<&str>) -> Answer {
        let authorization = bearer.map(|token| format!("Bearer {token}"));
        let headers: Vec<(&str, &str)> = authorization.iter().map(|value| ("authorization", value.as_str())).collect();
        self.call(request("GET", path, &headers, String::new())).await
    }

    pub async fn get_with_cookie(&self, path: &str, cookie: &str) -> Answer {
        self.call(request("GET", path, &[("cookie", cookie)], String::new())).await
    }

    /// Registers `user` and returns their access token; panics unless registration succeeds.
    pub async fn registered(&self, user: &UserFixture) -> String {
        let answer = self.post_json("/auth/register", &user.registration()).await;
        assert_eq!(answer.status, StatusCode::CREATED, "registration failed: {}", answer.body);
        answer.json()["token"].as_str().unwrap_or_else(|| panic!("no token in {}", answer.body)).to_owned()
    }
}

fn request(method: &str, path: &str, headers: &[(&str, &str)], body: String) -> axum::http::Request<axum::body::Body> {
    let builder = axum::http::Request::builder().method(method).uri(path);
    let builder = headers.iter().fold(builder, |builder, (name, value)| builder.header(*name, *value));
    builder.body(body.into()).expect("a valid request")
}
