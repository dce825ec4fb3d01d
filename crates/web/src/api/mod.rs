//! The JSON API. Each handler parses, calls one use case, and shapes the answer.

pub mod auth;
pub mod extract;
pub mod users;

use axum::Json;
use axum::http::Uri;
use serde_json::{Value, json};

use crate::error::ApiError;

/// Liveness: the process is up and serving.
pub async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

pub async fn not_found(uri: Uri) -> ApiError {
    ApiError::not_found(format!("no route for {}", uri.path()))
}
