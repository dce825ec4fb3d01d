//! `/healthz` (liveness) and `/readyz` (readiness).

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::state::AppState;

/// The process answers. Orchestrators restart it when this fails.
pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// The process can serve: the store answers. Load balancers stop sending traffic while this is
/// 503.
pub async fn readyz(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    match state.readiness.check().await {
        Ok(()) => Ok(Json(json!({ "status": "ready" }))),
        Err(reason) => {
            tracing::warn!(%reason, "not ready");
            Err(ApiError::new(axum::http::StatusCode::SERVICE_UNAVAILABLE, "not ready: the store is unreachable"))
        }
    }
}
