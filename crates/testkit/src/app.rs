//! The application under test, on a real socket (port 0) or as a router to call in-process.

use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use auth::breach::NoBreachCheck;
use auth::clock::{Clock, SystemClock};
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
use web::passwords::{Argon2Hasher, BreachAdapter};
use web::startup::Adapters;
use web::state::{AlwaysReady, HttpSettings};

use crate::database::TestDatabase;
use crate::fixtures::UserFixture;

/// The HMAC secret of every test app: fixed, so a failing test's tokens can be decoded.
pub const TEST_SECRET: &[u8; 32] = b"pyramid-test-secret-32-bytes-ok!";

/// State for tests over `store` and `sessions`, assembled as start-up assembles it, with what
/// tests need instead: argon2 at its cheapest (microseconds, not tens of milliseconds), the
/// fixed test secret, no breach check. Every field is public: a test swaps the port it is
/// about (`state.ports.breaches = …`).
pub fn test_state<S>(store: Arc<S>, sessions: Arc<dyn SessionStore>) -> AppState
where
    S: UserRepository + CompanyRepository + JobRepository + 'static,
{
    let passwords = Argon2Passwords::new(Argon2Cost::TESTS_ONLY).expect("argon2 refused its cheapest parameters");
    let secret = HmacSecret::new(TEST_SECRET.to_vec()).expect("the test secret is 32 bytes");
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let adapters = Adapters {
        users: store.clone(),
        companies: store.clone(),
        jobs: store,
        sessions,
        passwords: Arc::new(Argon2Hasher::new(passwords)),
        breaches: Arc::new(BreachAdapter(Arc::new(NoBreachCheck))),
        readiness: Arc::new(AlwaysReady),
    };
    let tokens = TokenService::new(KeySet::hs256("test", &secret), TokenSettings::default(), clock.clone());
    web::startup::assemble(adapters, tokens, clock, HttpSettings::for_origin("http://127.0.0.1"))
        .expect("the test state assembles")
}

/// The in-memory stores, as test state.
pub fn memory_state() -> AppState {
    test_state(Arc::new(MemoryStore::new()), Arc::new(InMemorySessions::new()))
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
    Process(ServerProcess),
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        match self {
            RunningServer::Task(task) => task.abort(),
            RunningServer::Process(process) => {
                let _ = process.child.start_kill();
            }
        }
    }
}

/// The binary's process and everything it logged so far.
pub struct ServerProcess {
    child: Child,
    log: Arc<Log>,
}

#[derive(Default)]
struct Log {
    lines: std::sync::Mutex<Vec<String>>,
    appended: tokio::sync::Notify,
    /// The process closed its stderr: it has exited.
    closed: std::sync::atomic::AtomicBool,
}

impl ServerProcess {
    /// Everything logged so far, one line each.
    pub fn logs(&self) -> String {
        self.log.lines.lock().map(|lines| lines.join("\n")).unwrap_or_default()
    }

    /// Waits until a log line contains `text` (or panics after 30 s with the log).
    pub async fn wait_for_log(&self, text: &str) {
        let waiting = async {
            loop {
                let appended = self.log.appended.notified();
                if self.logs().contains(text) {
                    return;
                }
                appended.await;
            }
        };
        if tokio::time::timeout(Duration::from_secs(30), waiting).await.is_err() {
            panic!("no log line contains {text:?} within 30 s; the log:\n{}", self.logs());
        }
    }

    /// Sends SIGTERM, as `docker stop` and Kubernetes do.
    pub fn terminate(&self) {
        let pid = self.child.id().expect("the process is running").to_string();
        let sent = std::process::Command::new("kill").args(["-TERM", &pid]).status().expect("running kill");
        assert!(sent.success(), "kill -TERM {pid} failed");
    }

    pub async fn wait_for_exit(&mut self) -> std::process::ExitStatus {
        tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .expect("the server exits within 30 s")
            .expect("waiting for the server")
    }
}

impl TestApp {
    /// In-process, over the in-memory stores: for breadth, in milliseconds.
    pub async fn with_memory_store() -> Self {
        Self::with_state(memory_state()).await
    }

    /// In-process, over a fresh Postgres database of its own: for depth.
    pub async fn with_postgres() -> Self {
        let database = TestDatabase::new().await;
        let store = Arc::new(database.store());
        let state = AppState { readiness: store.clone(), ..test_state(store.clone(), store) };
        Self::serve(state, Some(database)).await
    }

    /// In-process, over any state (a port swapped for a stub, say).
    pub async fn with_state(state: AppState) -> Self {
        Self::serve(state, None).await
    }

    /// The real `binary` (a black box: its own process, its own configuration from `env`) over
    /// a fresh Postgres database, once it has logged the address it listens on.
    pub async fn binary_with_postgres(binary: &str, env: &[(&str, &str)]) -> Self {
        Self::binary_over(binary, TestDatabase::new().await, env).await
    }

    /// The real `binary` over `database` (prepared by the test: an admin created, say).
    pub async fn binary_over(binary: &str, database: TestDatabase, env: &[(&str, &str)]) -> Self {
        let (address, process) = match start_binary(binary, database.url(), env).await {
            Ok(started) => started,
            Err(error) => panic!("cannot start {binary}: {error:#}"),
        };
        Self { address, http: http_client(), _server: RunningServer::Process(process), database: Some(database) }
    }

    /// The process, when this is the real binary.
    pub fn process(&mut self) -> &mut ServerProcess {
        match &mut self._server {
            RunningServer::Process(process) => process,
            RunningServer::Task(_) => panic!("this app runs in-process, not as the binary"),
        }
    }

    async fn serve(mut state: AppState, database: Option<TestDatabase>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("cannot bind a local port");
        let address = listener.local_addr().expect("a bound listener has an address");
        // The browser's Origin on form posts is this address: make it the public one.
        state.http.public_origin = format!("http://{address}");
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

    /// Registers `user`, makes them an admin in the database (no API can), and returns a token
    /// from a fresh login. Postgres-backed apps only.
    pub async fn registered_admin(&self, user: &UserFixture) -> String {
        self.registered(user).await;
        let database = self.database.as_ref().expect("an admin is promoted in the database: use a Postgres-backed app");
        sqlx::query("UPDATE users SET is_admin = true WHERE username = $1")
            .bind(&user.username)
            .execute(database.pool())
            .await
            .expect("promoting the admin");
        token_of(self.request_token(user).await, StatusCode::OK).await
    }
}

/// A router served on a real socket (port 0) until the returned handle is dropped.
pub async fn serve_router(router: axum::Router) -> ServedRouter {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("cannot bind a local port");
    let address = listener.local_addr().expect("a bound listener has an address");
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    ServedRouter { address, task }
}

pub struct ServedRouter {
    pub address: SocketAddr,
    task: JoinHandle<()>,
}

impl ServedRouter {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }
}

impl Drop for ServedRouter {
    fn drop(&mut self) {
        self.task.abort();
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
async fn start_binary(binary: &str, database_url: &str, env: &[(&str, &str)]) -> Result<(SocketAddr, ServerProcess)> {
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
    let log = Arc::new(Log::default());
    let collector = log.clone();
    // Keep reading, so the server never blocks on a full pipe and every line is kept.
    tokio::spawn(async move {
        let mut lines = BufReader::new(stderr).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            if let Ok(mut kept) = collector.lines.lock() {
                kept.push(line);
            }
            collector.appended.notify_waiters();
        }
        collector.closed.store(true, std::sync::atomic::Ordering::SeqCst);
        collector.appended.notify_waiters();
    });
    let process = ServerProcess { child, log };
    let logged_address = async {
        loop {
            let appended = process.log.appended.notified();
            if let Some((_, rest)) = process.logs().split_once("listening on http://") {
                let address: String = rest.chars().take_while(|c| !c.is_whitespace() && *c != '"').collect();
                return Ok(address.parse::<SocketAddr>()?);
            }
            if process.log.closed.load(std::sync::atomic::Ordering::SeqCst) {
                bail!("the server exited before listening; its log:\n{}", process.logs());
            }
            appended.await;
        }
    };
    let address = tokio::time::timeout(Duration::from_secs(30), logged_address).await.map_err(|_| {
        anyhow::anyhow!("the server did not log its address within 30 s; its log:\n{}", process.logs())
    })??;
    Ok((address, process))
}

/// Runs `binary` with `args` to completion, `stdin` written to it: for one-shot commands like
/// `jobboard create-admin`.
pub async fn run_binary(binary: &str, args: &[&str], env: &[(&str, &str)], stdin: &str) -> std::process::Output {
    use tokio::io::AsyncWriteExt;
    let mut child = Command::new(binary)
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start {binary}: {error}"));
    let mut input = child.stdin.take().expect("stdin is piped");
    input.write_all(stdin.as_bytes()).await.expect("writing stdin");
    drop(input);
    tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("the command finishes within 60 s")
        .expect("waiting for the command")
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
        Self::with_state(memory_state())
    }

    /// Over any state: the fakes, or a port swapped for a stub.
    pub fn with_state(state: AppState) -> Self {
        Self { router: web::app(state) }
    }

    /// Any router: the production layers around a route that misbehaves on purpose, say.
    pub fn with_router(router: axum::Router) -> Self {
        Self { router }
    }

    pub async fn call(&self, request: axum::http::Request<axum::body::Body>) -> Answer {
        use http_body_util::BodyExt;
        use tower::ServiceExt;

        let response = self.router.clone().oneshot(request).await.unwrap_or_else(|never| match never {});
        let (parts, body) = response.into_parts();
        let bytes = body.collect().await.expect("reading the body").to_bytes();
        Answer { status: parts.status, headers: parts.headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    /// Any request: `body` as JSON, `bearer` as `Authorization: Bearer`.
    pub async fn send(&self, method: &str, path: &str, body: Option<&Value>, bearer: Option<&str>) -> Answer {
        let authorization = bearer.map(|token| format!("Bearer {token}"));
        let mut headers: Vec<(&str, &str)> =
            authorization.iter().map(|value| ("authorization", value.as_str())).collect();
        if body.is_some() {
            headers.push(("content-type", "application/json"));
        }
        self.call(request(method, path, &headers, body.map(Value::to_string).unwrap_or_default())).await
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Answer {
        self.send("POST", path, Some(body), None).await
    }

    pub async fn post_form(&self, path: &str, form: &str) -> Answer {
        self.call(request("POST", path, &[("content-type", "application/x-www-form-urlencoded")], form.to_owned()))
            .await
    }

    pub async fn get(&self, path: &str, bearer: Option<&str>) -> Answer {
        self.send("GET", path, None, bearer).await
    }

    /// A bodiless request with exactly these headers.
    pub async fn call_with_headers(&self, method: &str, path: &str, headers: &[(&str, &str)]) -> Answer {
        self.call(request(method, path, headers, String::new())).await
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
