//! Requests to the app under test, typed: [`Client`] has a method per route, anonymous or on
//! behalf of a logged-in user (`app.as_user(&admin).post_job(&a_job())`). [`Request`] builds
//! any other request, for the tests whose point is the raw request itself.

use axum::http::Method;
use axum_extra::extract::cookie::Cookie;
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

/// The server-rendered pages, as a browser uses them: it asks for HTML, keeps the cookies it is
/// given (each sent back only under its path, gone when expired or removed), and posts forms
/// from a page of its origin. It follows no redirect unless asked ([`Visitor::follow`]), so a
/// test sees each one.
pub struct Visitor<'a> {
    app: &'a TestApp,
    origin: Option<String>,
    cookies: Vec<Cookie<'static>>,
}

impl<'a> Visitor<'a> {
    pub(crate) fn new(app: &'a TestApp, origin: Option<String>) -> Self {
        Self { app, origin, cookies: Vec::new() }
    }

    /// Forms are posted from a page of `origin` (the `Origin` header a browser sends).
    pub fn from_origin(mut self, origin: &str) -> Self {
        self.origin = Some(origin.to_owned());
        self
    }

    /// The cookie `name`, as the browser holds it.
    pub fn cookie(&self, name: &str) -> Option<&Cookie<'static>> {
        self.cookies.iter().find(|cookie| cookie.name() == name)
    }

    pub async fn open(&mut self, path: &str) -> Answer {
        let request = self.request(Method::GET, path);
        self.exchange(request).await
    }

    pub async fn submit(&mut self, path: &str, form: &str) -> Answer {
        let mut request = self.request(Method::POST, path).form(form);
        if let Some(origin) = &self.origin {
            request = request.header("origin", origin);
        }
        self.exchange(request).await
    }

    /// The login form, filled in with `user`'s credentials and submitted.
    pub async fn log_in(&mut self, user: &UserFixture) -> Answer {
        self.submit("/login", &user.login_form()).await
    }

    /// Follows `answer`'s redirects, as a browser does, to the page they end on.
    pub async fn follow(&mut self, answer: Answer) -> Answer {
        let mut answer = answer;
        for _ in 0..10 {
            let Some(location) = answer.header("location").map(str::to_owned) else { return answer };
            answer = self.open(&location).await;
        }
        panic!("more than 10 redirects, the last to {:?}", answer.header("location"))
    }

    fn request(&self, method: Method, path: &str) -> Request {
        let route = path.split('?').next().unwrap_or(path);
        let sent: Vec<String> = self
            .cookies
            .iter()
            .filter(|cookie| route.starts_with(cookie.path().unwrap_or("/")))
            .map(|cookie| format!("{}={}", cookie.name(), cookie.value()))
            .collect();
        let request = Request::new(method, path).header("accept", "text/html,application/xhtml+xml");
        if sent.is_empty() { request } else { request.header("cookie", &sent.join("; ")) }
    }

    async fn exchange(&mut self, request: Request) -> Answer {
        let answer = self.app.send(request).await;
        for set in answer.headers.get_all("set-cookie") {
            let Ok(cookie) = Cookie::parse(set.to_str().unwrap_or_default().to_owned()) else { continue };
            self.cookies.retain(|kept| !(kept.name() == cookie.name() && kept.path() == cookie.path()));
            let removed = cookie.max_age().is_some_and(|age| age.is_zero() || age.is_negative());
            if !removed {
                self.cookies.push(cookie);
            }
        }
        answer
    }
}
