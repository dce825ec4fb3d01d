//! Requests to the app under test, typed: [`Client`] has a method per route, anonymous or on
//! behalf of a logged-in user (`app.as_user(&admin).post_job(&a_job())`). [`Request`] builds
//! any other request, for the tests whose point is the raw request itself.

use axum::http::Method;
use serde_json::{Value, json};

use crate::answer::Answer;
use crate::app::TestApp;
use crate::feed::Feed;
use crate::fixtures::{CompanyFixture, JobFixture, UserFixture};

/// A request, whichever way it will travel.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn new(method: Method, path: &str) -> Self {
        Self { method, path: path.to_owned(), headers: Vec::new(), body: Vec::new() }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn bearer(self, token: &str) -> Self {
        self.header("authorization", &format!("Bearer {token}"))
    }

    /// `body` as JSON, with its content type.
    pub fn json(self, body: &Value) -> Self {
        self.body(body.to_string()).header("content-type", "application/json")
    }

    /// A form, as a browser posts it.
    pub fn form(self, form: &str) -> Self {
        self.body(form).header("content-type", "application/x-www-form-urlencoded")
    }

    /// Any bytes, with no content type: say so with [`Request::header`].
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }
}

/// The app, called anonymously or with one user's access token.
pub struct Client<'a> {
    app: &'a TestApp,
    token: Option<String>,
}

impl<'a> Client<'a> {
    pub(crate) fn new(app: &'a TestApp, token: Option<String>) -> Self {
        Self { app, token }
    }

    fn request(&self, method: Method, path: &str) -> Request {
        let request = Request::new(method, path);
        match &self.token {
            Some(token) => request.bearer(token),
            None => request,
        }
    }

    async fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Answer {
        let request = self.request(method, path);
        self.app.send(body.map_or(request.clone(), |body| request.json(body))).await
    }

    /// Any route by method and path: for table-driven tests over every route.
    pub async fn send(&self, method: &str, path: &str, body: Option<&Value>) -> Answer {
        let method = Method::from_bytes(method.as_bytes()).unwrap_or_else(|_| panic!("not a method: {method}"));
        self.call(method, path, body).await
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Answer {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn register(&self, user: &UserFixture) -> Answer {
        self.post("/auth/register", &user.registration()).await
    }

    pub async fn log_in(&self, user: &UserFixture) -> Answer {
        self.post("/auth/token", &user.credentials()).await
    }

    pub async fn refresh(&self, refresh: &str) -> Answer {
        self.post("/auth/refresh", &json!({ "refresh": refresh })).await
    }

    pub async fn verify(&self, token: &str) -> Answer {
        self.post("/auth/verify", &json!({ "token": token })).await
    }

    pub async fn log_out(&self, refresh: &str) -> Answer {
        self.post("/auth/logout", &json!({ "refresh": refresh })).await
    }

    pub async fn log_out_everywhere(&self) -> Answer {
        self.call(Method::POST, "/auth/logout-all", None).await
    }

    /// `GET /companies?{query}`.
    pub async fn companies(&self, query: &str) -> Answer {
        self.get(&with_query("/companies", query)).await
    }

    pub async fn company(&self, handle: &str) -> Answer {
        self.get(&format!("/companies/{handle}")).await
    }

    pub async fn create_company(&self, company: &CompanyFixture) -> Answer {
        self.post("/companies", &company.body()).await
    }

    pub async fn update_company(&self, handle: &str, changes: &Value) -> Answer {
        self.call(Method::PATCH, &format!("/companies/{handle}"), Some(changes)).await
    }

    pub async fn delete_company(&self, handle: &str) -> Answer {
        self.call(Method::DELETE, &format!("/companies/{handle}"), None).await
    }

    /// `GET /jobs?{query}`.
    pub async fn jobs(&self, query: &str) -> Answer {
        self.get(&with_query("/jobs", query)).await
    }

    pub async fn job(&self, id: i64) -> Answer {
        self.get(&format!("/jobs/{id}")).await
    }

    pub async fn post_job(&self, job: &JobFixture) -> Answer {
        self.post("/jobs", &job.body()).await
    }

    pub async fn update_job(&self, id: i64, changes: &Value) -> Answer {
        self.call(Method::PATCH, &format!("/jobs/{id}"), Some(changes)).await
    }

    pub async fn delete_job(&self, id: i64) -> Answer {
        self.call(Method::DELETE, &format!("/jobs/{id}"), None).await
    }

    /// `POST /users`: an admin creates an account, an admin's when `admin`.
    pub async fn create_user(&self, user: &UserFixture, admin: bool) -> Answer {
        let mut body = user.registration();
        body["isAdmin"] = json!(admin);
        self.post("/users", &body).await
    }

    pub async fn users(&self) -> Answer {
        self.get("/users").await
    }

    pub async fn user(&self, username: &str) -> Answer {
        self.get(&format!("/users/{username}")).await
    }

    pub async fn update_user(&self, username: &str, changes: &Value) -> Answer {
        self.call(Method::PATCH, &format!("/users/{username}"), Some(changes)).await
    }

    pub async fn delete_user(&self, username: &str) -> Answer {
        self.call(Method::DELETE, &format!("/users/{username}"), None).await
    }

    pub async fn apply(&self, username: &str, job: i64) -> Answer {
        self.call(Method::POST, &format!("/users/{username}/jobs/{job}"), None).await
    }

    /// The WebSocket handshake as a plain request: on a socket the server answers 101; in
    /// process there is no connection to upgrade, so a caller let through gets 426.
    pub async fn ask_for_feed(&self) -> Answer {
        let request = self
            .request(Method::GET, "/ws")
            .header("connection", "upgrade")
            .header("upgrade", "websocket")
            .header("sec-websocket-version", "13")
            .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==");
        self.app.send(request).await
    }

    /// The live feed, opened as this caller; `Err` holds the status of a refused upgrade.
    pub async fn open_feed(&self) -> Result<Feed, u16> {
        Feed::open(self.app, self.token.as_deref(), None).await
    }

    /// The live feed, opened from a page of `origin`.
    pub async fn open_feed_from(&self, origin: &str) -> Result<Feed, u16> {
        Feed::open(self.app, self.token.as_deref(), Some(origin)).await
    }
}

fn with_query(path: &str, query: &str) -> String {
    if query.is_empty() { path.to_owned() } else { format!("{path}?{query}") }
}

/// The server-rendered pages, as a browser uses them: pages opened and forms submitted with
/// the session cookie it holds, from a page of the origin it is on.
pub struct Visitor<'a> {
    app: &'a TestApp,
    origin: Option<String>,
    cookie: Option<String>,
}

impl<'a> Visitor<'a> {
    pub(crate) fn new(app: &'a TestApp) -> Self {
        Self { app, origin: None, cookie: None }
    }

    /// Forms are posted from a page of `origin` (the `Origin` header a browser sends).
    pub fn from_origin(mut self, origin: &str) -> Self {
        self.origin = Some(origin.to_owned());
        self
    }

    /// The `name=value` of the cookie a response set: what a browser sends back.
    pub fn with_cookie_from(mut self, answer: &Answer) -> Self {
        let set_cookie = answer.header("set-cookie").unwrap_or_else(|| panic!("no cookie set: {}", answer.body));
        self.cookie = set_cookie.split(';').next().map(str::to_owned);
        self
    }

    fn request(&self, method: Method, path: &str) -> Request {
        let request = Request::new(method, path);
        match &self.cookie {
            Some(cookie) => request.header("cookie", cookie),
            None => request,
        }
    }

    pub async fn open(&self, path: &str) -> Answer {
        self.app.send(self.request(Method::GET, path)).await
    }

    pub async fn submit(&self, path: &str, form: &str) -> Answer {
        let request = self.request(Method::POST, path).form(form);
        let request = match &self.origin {
            Some(origin) => request.header("origin", origin),
            None => request,
        };
        self.app.send(request).await
    }

    /// The login form, filled in with `user`'s credentials and submitted.
    pub async fn log_in(&self, user: &UserFixture) -> Answer {
        self.submit("/login", &user.login_form()).await
    }
}
