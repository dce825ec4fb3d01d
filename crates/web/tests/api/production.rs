//! What a production server does that a development one does not: every layer of
//! `web::middleware`, in-process.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::Method;
use axum::routing::get;
use reqwest::StatusCode;
use serde_json::json;
use testkit::client::Request;
use testkit::state::memory_state;
use testkit::{TestApp, TestDatabase};
use web::state::HttpSettings;

async fn boom() -> &'static str {
    panic!("a bug")
}

/// A router with the production layers around routes that misbehave on purpose.
fn misbehaving(http: &HttpSettings) -> Router {
    let routes = Router::new()
        .route("/boom", get(boom))
        .route("/forever", get(std::future::pending::<&'static str>))
        .route("/fine", get(|| async { "fine" }));
    web::middleware::production_layers(routes, http)
}

#[tokio::test]
async fn a_panicking_handler_is_a_500_envelope_and_the_server_keeps_serving() {
    let app = TestApp::served_router(misbehaving(&HttpSettings::for_origin("http://127.0.0.1"))).await;

    let boom = app.get("/boom").await;
    let after = app.get("/fine").await;

    assert_eq!(
        (boom.status, boom.json()),
        (StatusCode::INTERNAL_SERVER_ERROR, json!({ "error": { "status": 500, "message": "internal error" } }))
    );
    assert_eq!(after.status, StatusCode::OK, "the same server answers the next request");
}

#[tokio::test]
async fn a_request_that_takes_too_long_is_cut_off_with_a_503_envelope_saying_when_to_retry() {
    let http =
        HttpSettings { request_timeout: Duration::from_millis(100), ..HttpSettings::for_origin("http://127.0.0.1") };
    let app = TestApp::with_router(misbehaving(&http)).await;

    let answer = app.get("/forever").await;

    assert_eq!((answer.status, answer.error_message()), (StatusCode::SERVICE_UNAVAILABLE, json!("request timed out")));
    assert_eq!(answer.header("retry-after"), Some("1"), "every 503 says when to come back");
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_413_envelope() {
    let huge = json!({ "username": "a", "password": "x".repeat(100 * 1024) });

    let answer = TestApp::in_memory().await.anonymous().post("/auth/token", &huge).await;

    assert_eq!(
        (answer.status, answer.error_message()),
        (StatusCode::PAYLOAD_TOO_LARGE, json!("request body too large"))
    );
}

#[tokio::test]
async fn a_wrong_method_is_a_405_envelope_naming_the_allowed_ones() {
    let answer = TestApp::in_memory().await.send(Request::new(Method::PUT, "/companies")).await;

    assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(answer.json()["error"]["status"], 405);
    assert!(answer.header("allow").unwrap().contains("GET"));
}

#[tokio::test]
async fn every_response_carries_security_headers_and_a_request_id() {
    let answer = TestApp::in_memory().await.get("/healthz").await;

    for (header, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "same-origin"),
        ("cross-origin-opener-policy", "same-origin"),
    ] {
        assert_eq!(answer.header(header), Some(value), "{header}");
    }
    assert!(answer.header("content-security-policy").unwrap().contains("default-src 'self'"));
    assert_eq!(answer.header("strict-transport-security"), None, "plain http: no HSTS");
    assert_eq!(answer.header("x-request-id").map(str::len), Some(36), "a uuid");
}

#[tokio::test]
async fn over_https_responses_ask_for_https_only() {
    let mut state = memory_state();
    state.http = HttpSettings::for_origin("https://jobs.example.com");

    let answer = TestApp::with_state(state).await.get("/healthz").await;

    assert!(answer.header("strict-transport-security").unwrap().starts_with("max-age="));
}

#[tokio::test]
async fn readiness_fails_with_503_when_the_database_is_unreachable() {
    let database = TestDatabase::new().await;
    let store = Arc::new(database.store());
    let mut state = memory_state();
    state.readiness = store.clone();
    let app = TestApp::with_state(state).await;
    assert_eq!(app.get("/readyz").await.status, StatusCode::OK);

    store.pool().close().await;

    let answer = app.get("/readyz").await;
    assert_eq!(
        (answer.status, answer.error_message()),
        (StatusCode::SERVICE_UNAVAILABLE, json!("not ready: the store is unreachable"))
    );
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK, "alive, not ready");
}

/// A database that hangs (a network partition, a stopped VM) must not hang the readiness
/// probe: the orchestrator has to hear "not ready", not time out waiting.
#[tokio::test]
async fn readiness_is_503_with_retry_after_when_the_store_does_not_answer_within_a_second() {
    struct Hanging;
    #[async_trait::async_trait]
    impl web::state::Readiness for Hanging {
        async fn check(&self) -> Result<(), String> {
            std::future::pending().await
        }
    }
    let mut state = memory_state();
    state.readiness = Arc::new(Hanging);
    let app = TestApp::with_state(state).await;

    let answer = tokio::time::timeout(Duration::from_secs(10), app.get("/readyz")).await.expect("an answer");

    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE, "{}", answer.body);
    assert_eq!(answer.header("retry-after"), Some("1"));
}
