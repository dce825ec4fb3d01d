//! The JSON API. Each handler parses (schema-validated), calls one use case, and shapes the
//! answer. [`routes`] is the single list of endpoints: the router is built from it, and so is
//! the OpenAPI document, so the two cannot disagree.

pub mod auth;
pub mod companies;
pub mod extract;
pub mod health;
pub mod jobs;
pub mod openapi;
pub mod users;
pub mod views;
pub mod ws;

use axum::Router;
use axum::handler::Handler;
use axum::http::{Method, StatusCode, Uri};
use axum::routing::MethodRouter;
use serde::{Deserialize, Deserializer};

use crate::error::ApiError;
use crate::state::AppState;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Anyone,
    /// Any logged-in user (a valid, unrevoked access token).
    LoggedIn,
    Admin,
    /// An admin, or the user named in the path.
    SelfOrAdmin,
}

/// One endpoint: how it is documented, and what serves it.
pub struct ApiRoute {
    pub method: Method,
    pub path: &'static str,
    pub summary: &'static str,
    pub access: Access,
    /// Schema of the JSON body, if any.
    pub body: Option<&'static str>,
    /// Schema of the query string, if any.
    pub query: Option<&'static str>,
    pub success: StatusCode,
    handler: MethodRouter<AppState>,
}

macro_rules! route_constructors {
    ($($name:ident => $method:ident),*) => {$(
        pub fn $name<H: Handler<T, AppState>, T: 'static>(path: &'static str, handler: H) -> Self {
            Self {
                method: Method::$method,
                path,
                summary: "",
                access: Access::Anyone,
                body: None,
                query: None,
                success: StatusCode::OK,
                handler: axum::routing::on(axum::routing::MethodFilter::$method, handler),
            }
        }
    )*};
}

impl ApiRoute {
    route_constructors!(get => GET, post => POST, patch => PATCH, delete => DELETE);

    fn summary(mut self, summary: &'static str) -> Self {
        self.summary = summary;
        self
    }

    fn access(mut self, access: Access) -> Self {
        self.access = access;
        self
    }

    fn body(mut self, schema: &'static str) -> Self {
        self.body = Some(schema);
        self
    }

    fn query(mut self, schema: &'static str) -> Self {
        self.query = Some(schema);
        self
    }

    fn success(mut self, status: StatusCode) -> Self {
        self.success = status;
        self
    }
}

/// Every API endpoint (DESIGN §4 and §5).
pub fn routes() -> Vec<ApiRoute> {
    use Access::{Admin, LoggedIn, SelfOrAdmin};
    vec![
        ApiRoute::post("/auth/token", auth::token)
            .summary("Log in: a token pair for a username and password")
            .body("token-request"),
        ApiRoute::post("/auth/register", auth::register)
            .summary("Create an account and log in")
            .body("register-request")
            .success(StatusCode::CREATED),
        ApiRoute::post("/auth/refresh", auth::refresh)
            .summary("Exchange a refresh token for a new pair")
            .body("refresh-request"),
        ApiRoute::post("/auth/verify", auth::verify).summary("Check an access token").body("verify-request"),
        ApiRoute::post("/auth/logout", auth::logout)
            .summary("End this session")
            .access(LoggedIn)
            .body("logout-request")
            .success(StatusCode::NO_CONTENT),
        ApiRoute::post("/auth/logout-all", auth::logout_all)
            .summary("End every session of the caller")
            .access(LoggedIn)
            .success(StatusCode::NO_CONTENT),
        ApiRoute::get("/.well-known/jwks.json", auth::jwks)
            .summary("Public keys, when tokens are signed asymmetrically"),
        ApiRoute::get("/companies", companies::list).summary("List companies, by name").query("company-search"),
        ApiRoute::post("/companies", companies::create)
            .summary("Create a company")
            .access(Admin)
            .body("company-new")
            .success(StatusCode::CREATED),
        ApiRoute::get("/companies/{handle}", companies::get).summary("A company and its jobs"),
        ApiRoute::patch("/companies/{handle}", companies::update)
            .summary("Change a company")
            .access(Admin)
            .body("company-update"),
        ApiRoute::delete("/companies/{handle}", companies::delete)
            .summary("Delete a company and its jobs")
            .access(Admin),
        ApiRoute::get("/jobs", jobs::list).summary("List jobs, by title").query("job-search"),
        ApiRoute::post("/jobs", jobs::create)
            .summary("Post a job")
            .access(Admin)
            .body("job-new")
            .success(StatusCode::CREATED),
        ApiRoute::get("/jobs/{id}", jobs::get).summary("A job and its company"),
        ApiRoute::patch("/jobs/{id}", jobs::update).summary("Change a job").access(Admin).body("job-update"),
        ApiRoute::delete("/jobs/{id}", jobs::delete).summary("Delete a job").access(Admin),
        ApiRoute::post("/users", users::create)
            .summary("Create an account (possibly an admin)")
            .access(Admin)
            .body("user-new")
            .success(StatusCode::CREATED),
        ApiRoute::get("/users", users::list).summary("List users, by username").access(Admin),
        ApiRoute::get("/users/{username}", users::get)
            .summary("A user and the jobs they applied to")
            .access(SelfOrAdmin),
        ApiRoute::patch("/users/{username}", users::update)
            .summary("Change a user; a new password ends their sessions")
            .access(SelfOrAdmin)
            .body("user-update"),
        ApiRoute::delete("/users/{username}", users::delete).summary("Delete a user").access(SelfOrAdmin),
        ApiRoute::post("/users/{username}/jobs/{id}", users::apply)
            .summary("Apply to a job")
            .access(SelfOrAdmin)
            .success(StatusCode::CREATED),
        ApiRoute::get("/ws", ws::feed)
            .summary("Live feed (WebSocket): jobs posted; applications, for admins")
            .access(LoggedIn)
            .success(StatusCode::SWITCHING_PROTOCOLS),
        ApiRoute::get("/healthz", health::healthz).summary("Liveness"),
        ApiRoute::get("/readyz", health::readyz).summary("Readiness: the store answers"),
        ApiRoute::get("/openapi.json", openapi::document).summary("This document"),
    ]
}

/// The router of every API route.
pub fn router() -> Router<AppState> {
    routes().into_iter().fold(Router::new(), |router, route| router.route(route.path, route.handler))
}

pub async fn not_found(uri: Uri) -> ApiError {
    ApiError::not_found(format!("no route for {}", uri.path()))
}

/// For `Option<Option<T>>` fields: present (even `null`) is `Some`, absent is `None` (with
/// `#[serde(default)]`), so a partial update can tell "clear it" from "leave it".
pub fn present<'de, T: Deserialize<'de>, D: Deserializer<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}
