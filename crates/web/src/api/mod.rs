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
use schemars::{JsonSchema, Schema, SchemaGenerator};
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
    /// The schema of the success body, from the type the handler answers with; `None` when
    /// the success has no body (204, 101).
    pub answer: Option<fn(&mut SchemaGenerator) -> Schema>,
    /// Failures beyond those every route, its access, body and path imply, and why they happen.
    pub also: &'static [(StatusCode, &'static str)],
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
                answer: None,
                also: &[],
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

    fn answers<T: JsonSchema>(mut self) -> Self {
        self.answer = Some(SchemaGenerator::subschema_for::<T>);
        self
    }

    fn also(mut self, failures: &'static [(StatusCode, &'static str)]) -> Self {
        self.also = failures;
        self
    }
}

/// Every API endpoint: authentication and sessions, companies, jobs, users, the live feed, health, OpenAPI.
pub fn routes() -> Vec<ApiRoute> {
    use Access::{Admin, LoggedIn, SelfOrAdmin};
    use views::*;
    const NAME_TAKEN: (StatusCode, &str) = (StatusCode::CONFLICT, "the username is taken");
    const COMPANY_EXISTS: (StatusCode, &str) = (StatusCode::CONFLICT, "a company with this handle or name exists");
    vec![
        ApiRoute::post("/auth/token", auth::token)
            .summary("Log in: a token pair for a username and password")
            .body("token-request")
            .answers::<auth::TokenResponse>()
            .also(&[(StatusCode::TOO_MANY_REQUESTS, "too many failed logins for this username or from this client")]),
        ApiRoute::post("/auth/register", auth::register)
            .summary("Create an account and log in")
            .body("register-request")
            .success(StatusCode::CREATED)
            .answers::<auth::TokenResponse>()
            .also(&[NAME_TAKEN]),
        ApiRoute::post("/auth/refresh", auth::refresh)
            .summary("Exchange a refresh token for a new pair")
            .body("refresh-request")
            .answers::<auth::TokenResponse>(),
        ApiRoute::post("/auth/verify", auth::verify)
            .summary("Check an access token")
            .body("verify-request")
            .answers::<Verified>(),
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
            .summary("Public keys, when tokens are signed asymmetrically")
            .answers::<auth::Jwks>()
            .also(&[(StatusCode::NOT_FOUND, "tokens are signed with a shared secret: there is no public key")]),
        ApiRoute::get("/companies", companies::list)
            .summary("List companies, by name")
            .query("company-search")
            .answers::<CompanyList>(),
        ApiRoute::post("/companies", companies::create)
            .summary("Create a company")
            .access(Admin)
            .body("company-new")
            .success(StatusCode::CREATED)
            .answers::<CompanyAnswer>()
            .also(&[COMPANY_EXISTS]),
        ApiRoute::get("/companies/{handle}", companies::get)
            .summary("A company and its jobs")
            .answers::<CompanyDetail>(),
        ApiRoute::patch("/companies/{handle}", companies::update)
            .summary("Change a company")
            .access(Admin)
            .body("company-update")
            .answers::<CompanyAnswer>()
            .also(&[COMPANY_EXISTS]),
        ApiRoute::delete("/companies/{handle}", companies::delete)
            .summary("Delete a company and its jobs")
            .access(Admin)
            .answers::<Deleted>(),
        ApiRoute::get("/jobs", jobs::list).summary("List jobs, by title").query("job-search").answers::<JobList>(),
        ApiRoute::post("/jobs", jobs::create)
            .summary("Post a job")
            .access(Admin)
            .body("job-new")
            .success(StatusCode::CREATED)
            .answers::<JobAnswer>()
            .also(&[(StatusCode::NOT_FOUND, "no company has this handle")]),
        ApiRoute::get("/jobs/{id}", jobs::get).summary("A job and its company").answers::<JobDetail>(),
        ApiRoute::patch("/jobs/{id}", jobs::update)
            .summary("Change a job")
            .access(Admin)
            .body("job-update")
            .answers::<JobAnswer>(),
        ApiRoute::delete("/jobs/{id}", jobs::delete).summary("Delete a job").access(Admin).answers::<DeletedJob>(),
        ApiRoute::post("/users", users::create)
            .summary("Create an account (possibly an admin)")
            .access(Admin)
            .body("user-new")
            .success(StatusCode::CREATED)
            .answers::<CreatedUser>()
            .also(&[NAME_TAKEN]),
        ApiRoute::get("/users", users::list).summary("List users, by username").access(Admin).answers::<UserList>(),
        ApiRoute::get("/users/{username}", users::get)
            .summary("A user and the jobs they applied to")
            .access(SelfOrAdmin)
            .answers::<UserDetail>(),
        ApiRoute::patch("/users/{username}", users::update)
            .summary("Change a user; a new password ends their sessions")
            .access(SelfOrAdmin)
            .body("user-update")
            .answers::<UserAnswer>(),
        ApiRoute::delete("/users/{username}", users::delete)
            .summary("Delete a user")
            .access(SelfOrAdmin)
            .answers::<Deleted>(),
        ApiRoute::post("/users/{username}/jobs/{id}", users::apply)
            .summary("Apply to a job")
            .access(SelfOrAdmin)
            .success(StatusCode::CREATED)
            .answers::<Applied>()
            .also(&[(StatusCode::CONFLICT, "this user already applied to this job")]),
        ApiRoute::get("/ws", ws::feed)
            .summary("Live feed (WebSocket): jobs posted; applications, for admins")
            .access(LoggedIn)
            .success(StatusCode::SWITCHING_PROTOCOLS)
            .also(&[
                (StatusCode::BAD_REQUEST, "a WebSocket upgrade request with a wrong header"),
                (StatusCode::UPGRADE_REQUIRED, "not a WebSocket upgrade request"),
                (StatusCode::FORBIDDEN, "opened by a page of another origin"),
            ]),
        ApiRoute::get("/healthz", health::healthz).summary("Liveness").answers::<Health>(),
        ApiRoute::get("/readyz", health::readyz).summary("Readiness: the store answers").answers::<Health>(),
        ApiRoute::get("/openapi.json", openapi::document).summary("This document").answers::<openapi::Document>(),
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
