//! Jobboard over HTTP: the JSON API, the server-rendered pages, and the server around them.
//!
//! [`app`] builds the whole router from an [`AppState`], with no socket, so tests can call it
//! in-process; `main.rs` only reads [`config::Config`], builds the state and serves. Handlers
//! are thin: they parse the request, call a use case of `domain` with the adapters held in the
//! state, and turn the outcome (or the [`error::ApiError`]) into a response.
//!
//! This is the only crate that knows every other one: it wires `store`'s adapters and
//! `auth`'s services into `domain`'s ports. No business rule may live here.

pub mod api;
pub mod config;
pub mod error;
pub mod pages;
pub mod passwords;
pub mod startup;
pub mod state;

use axum::Router;
use axum::routing::{get, post};
use tower_http::trace::TraceLayer;

pub use state::AppState;

/// Every route of Jobboard, ready to serve or to call in-process.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(api::health))
        .route("/auth/register", post(api::auth::register))
        .route("/auth/token", post(api::auth::token))
        .route("/users/{username}", get(api::users::get_user))
        .route("/", get(pages::home))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .fallback(api::not_found)
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
