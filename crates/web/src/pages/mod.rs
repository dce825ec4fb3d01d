//! The server-rendered pages, for people in browsers: log in and register, the jobs with their
//! filters and Apply buttons and the live feed, the companies, the account, and the admins'
//! forms.
//!
//! Each page calls one use case, like the API's handlers, and every form's fields carry the
//! API's names and go through the API's schema ([`forms`]), so a form post and its JSON twin
//! get the same answers. A session is two cookies ([`session`]): a page whose access token
//! expired renews it silently. Every form post checks the Origin. Browsers get HTML error pages
//! ([`errors`]); two pages share the API's paths and are chosen by the `Accept` header
//! ([`pages_at_api_paths`]).

mod account;
mod admin;
mod assets;
mod companies;
pub mod errors;
mod forms;
mod jobs;
mod layout;
pub mod session;

use axum::Router;
use axum::extract::{Request, State};
use axum::handler::Handler;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};

pub use layout::wants_html;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(jobs::list))
        .route("/jobs/{id}/apply", post(jobs::apply))
        .route("/login", get(session::login_form).post(session::log_in))
        .route("/register", get(session::register_form).post(session::register))
        .route("/session/refresh", get(session::refresh))
        .route("/session/logout", post(session::log_out))
        .route("/session/logout-all", post(session::log_out_everywhere))
        .route("/account", get(account::show))
        .route("/account/password", post(account::change_password))
        .route("/admin/jobs/new", get(admin::job_form))
        .route("/admin/jobs", post(admin::post_job))
        .route("/admin/companies/new", get(admin::company_form))
        .route("/admin/companies", post(admin::create_company))
        .route("/static/{file}", get(assets::file))
}

/// The pages at the API's own paths: `GET /companies` and `GET /companies/{handle}` from a
/// browser that asks for HTML are pages; from anyone else, the API's JSON. It runs after
/// routing, on the API's route, whose path parameters the page reads.
pub async fn pages_at_api_paths(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() == Method::GET && wants_html(request.headers()) {
        let segments: Vec<&str> = request.uri().path().trim_matches('/').split('/').collect();
        match segments.as_slice() {
            ["companies"] => return companies::list.call(request, state).await,
            ["companies", _] => return companies::detail.call(request, state).await,
            _ => {}
        }
    }
    next.run(request).await
}
