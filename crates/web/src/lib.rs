//! Jobboard over HTTP: the JSON API, the server-rendered pages, and the server around them.
//!
//! [`app`] builds the whole router from an [`AppState`], with no socket, so tests can call it
//! in-process; `main.rs` only reads [`config::Config`], builds the state and serves. Handlers
//! and pages are thin: they parse the request, call one use case (of `usecases`, or of
//! `domain` when only its own ports are involved) with the ports held in the state, and turn
//! the outcome (or the [`error::ApiError`]) into a response.
//!
//! This is the only crate that knows every other one: it wires `store`'s adapters and
//! `auth`'s services into the use cases' ports ([`startup::assemble`]). No business rule may
//! live here.

pub mod api;
pub mod caller;
pub mod config;
pub mod error;
pub mod feed;
pub mod middleware;
pub mod pages;
pub mod passwords;
pub mod schemas;
pub mod startup;
pub mod state;

use axum::Router;

pub use state::AppState;

/// Every route of Jobboard with the production layers, ready to serve or to call in-process.
/// Browsers get HTML error pages from outside every layer, so even a panic's 500 is one.
pub fn app(state: AppState) -> Router {
    let http = state.http.clone();
    let router = api::router()
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), caller::bearer_must_hold))
        .merge(pages::router())
        .fallback(api::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), pages::pages_at_api_paths))
        .with_state(state.clone());
    let error_pages = axum::middleware::from_fn_with_state(state, pages::errors::html_for_browsers);
    middleware::production_layers(router, &http).layer(error_pages)
}
