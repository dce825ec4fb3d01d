//! `/healthz` (liveness) and `/readyz` (readiness).

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};

use super::views::Health;
use crate::error::ApiError;
use crate::state::AppState;

/// The process answers. Orchestrators restart it when this fails.
pub async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// Longer than a healthy store ever takes to answer `SELECT 1`, and short enough that a load
/// balancer hears about a hung database before its own probe times out.
const READINESS_TIMEOUT: Duration = Duration::from_secs(1);

/// The process can serve: the store answers, within a second. Load balancers stop sending
/// traffic while this is 503.
pub async fn readyz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let reason = match tokio::time::timeout(READINESS_TIMEOUT, state.readiness.check()).await {
        Ok(Ok(())) => return Ok(Json(Health { status: "ready" })),
        Ok(Err(reason)) => reason,
        Err(_) => format!("no answer within {READINESS_TIMEOUT:?}"),
    };
    tracing::warn!(%reason, "not ready");
    Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "not ready: the store is unreachable")
        .with_header(header::RETRY_AFTER, HeaderValue::from(1)))
}
