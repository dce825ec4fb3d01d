//! [`TestApp`]: Jobboard under test, with one API however it runs — the router called
//! in-process without a socket (breadth, in milliseconds), served on a socket by a task of the
//! test's runtime (the live feed, the browser), or the real binary in a process of its own
//! (the black box). The same methods return the same [`Answer`] on every transport.

use std::net::SocketAddr;
use std::sync::Arc;

use auth::clock::{Clock, SystemClock};
use axum::body::Body;
use domain::user::Role;
use http_body_util::BodyExt;
use tower::ServiceExt;
use web::AppState;

use crate::answer::Answer;
use crate::cable::Cable;
use crate::client::{Client, Request, Visitor};
use crate::contract;
use crate::database::TestDatabase;
use crate::fixtures::{Session, UserFixture};
use crate::process::{self, ServerProcess};
use crate::served::{self, ServerTask};
use crate::state::{memory_state, test_state_at};

pub struct TestApp {
    transport: Transport,
    /// The state behind an app this process runs, for what only the inside can do (make an
    /// admin through the use case).
    state: Option<AppState>,
    /// Declared last: fields drop in order, so the server stops before its database goes.
    database: Option<TestDatabase>,
}

enum Transport {
    InProcess(axum::Router),
    Socket { http: reqwest::Client, server: Server },
}

enum Server {
    Task(ServerTask),
    /// A task that clients reach through a cable the test can cut; held, never read, since
    /// dropping it stops the server.
    BehindCable {
        _task: ServerTask,
        cable: Cable,
    },
    // Boxed: a process carries its log and environment, a task only a handle.
    Process(Box<ServerProcess>),
}

impl TestApp {
    /// The router, called without a socket, over the in-memory stores.
    pub async fn in_memory() -> Self {
        Self::with_state(memory_state()).await
    }

    /// The router, called without a socket, over any state (a port swapped for a stub).
    pub async fn with_state(state: AppState) -> Self {
        Self { transport: Transport::InProcess(web::app(state.clone())), state: Some(state), database: None }
    }

    /// Any router, called without a socket: the production layers around a route that
    /// misbehaves on purpose, say.
    pub async fn with_router(router: axum::Router) -> Self {
        Self { transport: Transport::InProcess(router), state: None, database: None }
    }

    /// Any router, served on a socket: a server that must keep serving after a bad request.
    pub async fn served_router(router: axum::Router) -> Self {
        let transport =
            Transport::Socket { http: served::http_client(), server: Server::Task(served::serve_router(router).await) };
        Self { transport, state: None, database: None }
    }

    /// The router, called without a socket, over a fresh Postgres database of its own.
    pub async fn on_postgres() -> Self {
        let (state, database) = postgres_state(Arc::new(SystemClock)).await;
        Self { database: Some(database), ..Self::with_state(state).await }
    }

    /// Served on a socket, over the in-memory stores.
    pub async fn served_in_memory() -> Self {
        Self::served(memory_state(), None).await
    }

    /// Served on a socket, over a fresh Postgres database: what the browser tests drive.
    pub async fn served_on_postgres() -> Self {
        Self::served_on_postgres_at(Arc::new(SystemClock)).await
    }

    /// [`TestApp::served_on_postgres`] on `clock`, which the test moves to expire tokens.
    pub async fn served_on_postgres_at(clock: Arc<dyn Clock>) -> Self {
        let (state, database) = postgres_state(clock).await;
        Self::served(state, Some(database)).await
    }

    /// Served on a socket, over any state.
    pub async fn served_with_state(state: AppState) -> Self {
        Self::served(state, None).await
    }

    async fn served(mut state: AppState, database: Option<TestDatabase>) -> Self {
        let task = served::serve(state.clone()).await;
        state.http.public_origin = format!("http://{}", task.address);
        let transport = Transport::Socket { http: served::http_client(), server: Server::Task(task) };
        Self { transport, state: Some(state), database }
    }

    /// [`TestApp::served_on_postgres`], reached through a [`Cable`] that
    /// [`TestApp::cut_connections`] cuts: for what a client does when its connection drops.
    pub async fn served_on_postgres_behind_cable() -> Self {
        Self::served_on_postgres_behind_cable_at(Arc::new(SystemClock)).await
    }

    /// [`TestApp::served_on_postgres_behind_cable`] on `clock`, which the test moves.
    pub async fn served_on_postgres_behind_cable_at(clock: Arc<dyn Clock>) -> Self {
        let (mut state, database) = postgres_state(clock).await;
        let mut cable = Cable::bind().await;
        let task = served::serve_behind(state.clone(), cable.address).await;
        cable.plug_into(task.address);
        state.http.public_origin = format!("http://{}", cable.address);
        let transport =
            Transport::Socket { http: served::http_client(), server: Server::BehindCable { _task: task, cable } };
        Self { transport, state: Some(state), database: Some(database) }
    }

    /// Drops every connection open to the app, as a network failure would; new ones get through.
    pub fn cut_connections(&self) {
        match &self.transport {
            Transport::Socket { server: Server::BehindCable { cable, .. }, .. } => cable.cut(),
            _ => panic!("only an app served behind a cable can have its connections cut"),
        }
    }

    /// The real `binary` (its own process, its own configuration from `env`) over a fresh
    /// Postgres database, once it has logged the address it listens on.
    pub async fn binary(binary: &str, env: &[(&str, &str)]) -> Self {
        Self::binary_over(binary, TestDatabase::new().await, env).await
    }

    /// The real `binary` over `database`, which the test prepared.
    pub async fn binary_over(binary: &str, database: TestDatabase, env: &[(&str, &str)]) -> Self {
        let process = match process::start(binary, database.url(), env).await {
            Ok(process) => process,
            Err(error) => panic!("cannot start {binary}: {error:#}"),
        };
        let transport = Transport::Socket { http: served::http_client(), server: Server::Process(Box::new(process)) };
        Self { transport, state: None, database: Some(database) }
    }

    /// Another `binary` process over this app's database: a second instance, as a load
    /// balancer would have behind it. It shares the database, not the process's memory.
    pub async fn another_instance(&self, binary: &str, env: &[(&str, &str)]) -> Self {
        let database = self.database.as_ref().expect("only an app over its own database has instances to add");
        let process = match process::start(binary, database.url(), env).await {
            Ok(process) => process,
            Err(error) => panic!("cannot start another {binary}: {error:#}"),
        };
        let transport = Transport::Socket { http: served::http_client(), server: Server::Process(Box::new(process)) };
        Self { transport, state: None, database: None }
    }

    /// Sends any request and reads the whole answer.
    /// Sends any request and reads the whole answer, which must keep the API document's
    /// promise for that request ([`contract::check`]).
    pub async fn send(&self, request: Request) -> Answer {
        let answer = match &self.transport {
            Transport::InProcess(router) => call_router(router, request.clone()).await,
            Transport::Socket { http, server } => call_socket(http, server.address(), request.clone()).await,
        };
        contract::check(&request, &answer);
        answer
    }

    /// The app, called anonymously.
    pub fn anonymous(&self) -> Client<'_> {
        Client::new(self, None)
    }

    /// The app, called with `session`'s access token.
    pub fn as_user(&self, session: &Session) -> Client<'_> {
        Client::new(self, Some(session.token.clone()))
    }

    /// The app, called with any token: an expired or forged one, say.
    pub fn with_token(&self, token: &str) -> Client<'_> {
        Client::new(self, Some(token.to_owned()))
    }

    /// The pages, as a browser without a session, on a page of the app's own origin.
    pub fn visitor(&self) -> Visitor<'_> {
        let origin = self.state.as_ref().map(|state| state.http.public_origin.clone());
        Visitor::new(self, origin)
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.anonymous().get(path).await
    }

    pub async fn register(&self, user: &UserFixture) -> Answer {
        self.anonymous().register(user).await
    }

    pub async fn log_in(&self, user: &UserFixture) -> Answer {
        self.anonymous().log_in(user).await
    }

    /// Registers `user` and returns their session; panics unless registration succeeds.
    pub async fn signed_up(&self, user: &UserFixture) -> Session {
        session_of(user, &self.register(user).await.expect(201))
    }

    /// Logs `user` in; panics unless the login succeeds.
    pub async fn logged_in(&self, user: &UserFixture) -> Session {
        session_of(user, &self.log_in(user).await.expect(200))
    }

    /// Makes `user` an admin the way this app's kind of deployment does it, then logs them in:
    /// the use case, for an app this process runs; `jobboard create-admin`, for the binary.
    pub async fn admin(&self, user: &UserFixture) -> Session {
        match (&self.state, &self.transport) {
            (Some(state), _) => {
                let registration = user.registration_form();
                let created = domain::accounts::create_account(state.ports.accounts(), registration, Role::Admin).await;
                created.unwrap_or_else(|error| panic!("creating the admin {}: {error}", user.username));
            }
            (None, Transport::Socket { server: Server::Process(process), .. }) => process.create_admin(user).await,
            (None, _) => panic!("a bare router has no store to make an admin in"),
        }
        self.logged_in(user).await
    }

    /// `http://127.0.0.1:<port>{path}`: for what needs a socket (a browser, a WebSocket).
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address())
    }

    pub fn address(&self) -> SocketAddr {
        match &self.transport {
            Transport::Socket { server, .. } => server.address(),
            Transport::InProcess(_) => panic!("this app runs in-process, without a socket: use TestApp::served_*"),
        }
    }

    /// The app's database, when it has one.
    pub fn database(&self) -> Option<&TestDatabase> {
        self.database.as_ref()
    }

    /// The process, when this is the real binary.
    pub fn process(&mut self) -> &mut ServerProcess {
        match &mut self.transport {
            Transport::Socket { server: Server::Process(process), .. } => process,
            _ => panic!("this app is not the binary"),
        }
    }
}

impl Server {
    fn address(&self) -> SocketAddr {
        match self {
            Server::Task(task) => task.address,
            Server::BehindCable { cable, .. } => cable.address,
            Server::Process(process) => process.address,
        }
    }
}

async fn postgres_state(clock: Arc<dyn Clock>) -> (AppState, TestDatabase) {
    let database = TestDatabase::new().await;
    let store = Arc::new(database.store());
    let mut state = test_state_at(store.clone(), store.clone(), clock);
    state.readiness = store;
    (state, database)
}

fn session_of(user: &UserFixture, tokens: &serde_json::Value) -> Session {
    let token = |field: &str| tokens[field].as_str().unwrap_or_else(|| panic!("no {field} in {tokens}")).to_owned();
    Session {
        username: user.username.clone(),
        password: user.password.clone(),
        token: token("token"),
        refresh: token("refresh"),
    }
}

async fn call_router(router: &axum::Router, request: Request) -> Answer {
    let builder = axum::http::Request::builder().method(request.method).uri(&request.path);
    let builder = request.headers.iter().fold(builder, |builder, (name, value)| builder.header(name, value));
    let request = builder.body(Body::from(request.body)).expect("a valid request");
    let response = router.clone().oneshot(request).await.unwrap_or_else(|never| match never {});
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.expect("reading the body").to_bytes();
    Answer { status: parts.status, headers: parts.headers, body: String::from_utf8_lossy(&bytes).into_owned() }
}

async fn call_socket(http: &reqwest::Client, address: SocketAddr, request: Request) -> Answer {
    let url = format!("http://{address}{}", request.path);
    let builder = http.request(request.method.clone(), &url);
    let builder = request.headers.iter().fold(builder, |builder, (name, value)| builder.header(name, value));
    let response = builder
        .body(request.body)
        .send()
        .await
        .unwrap_or_else(|error| panic!("{} {}: {error}", request.method, request.path));
    let (status, headers) = (response.status(), response.headers().clone());
    let body = response.text().await.expect("reading the body");
    Answer { status, headers, body }
}
