//! What a malformed request gets: a 400 (415 for the wrong media type) in the envelope, with
//! every violation listed; never a 500.

use reqwest::StatusCode;
use serde_json::json;
use testkit::app::InProcessApp;
use testkit::fixtures::a_user;
use testkit::world::world;

#[tokio::test]
async fn registration_lists_every_violation_at_once() {
    let app = InProcessApp::with_memory_store();
    let body = json!({ "username": "has spaces", "password": "short", "email": "nope", "lastName": "L", "extra": 1 });

    let answer = app.post_json("/auth/register", &body).await;

    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let violations = answer.json()["error"]["message"].as_array().unwrap().clone();
    let text = violations.iter().map(|v| v.as_str().unwrap()).collect::<Vec<_>>().join("\n");
    for expected in ["username:", "password:", "email:", "firstName", "extra"] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    assert!(violations.len() >= 5, "{text}");
}

#[tokio::test]
async fn malformed_json_is_a_400_in_the_envelope() {
    let answer = InProcessApp::with_memory_store()
        .call(
            axum::http::Request::post("/auth/token")
                .header("content-type", "application/json")
                .body("{\"username\":".into())
                .unwrap(),
        )
        .await;

    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.json()["error"]["message"][0].as_str().unwrap().starts_with("body: not valid JSON"));
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_415() {
    let answer = InProcessApp::with_memory_store().post_form("/auth/token", "username=a&password=b").await;

    assert_eq!(answer.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(answer.json()["error"]["status"], 415);
}

#[tokio::test]
async fn unknown_fields_and_wrong_types_are_refused() {
    let mut body = a_user().credentials();
    body["isAdmin"] = json!(true);
    body["password"] = json!(12345678);

    let answer = InProcessApp::with_memory_store().post_json("/auth/token", &body).await;

    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let text = answer.body;
    assert!(text.contains("isAdmin") && text.contains("password"), "{text}");
}

#[tokio::test]
async fn unknown_or_repeated_query_parameters_are_refused() {
    let app = world().await.app;

    let unknown = app.get("/jobs?titel=x", None).await;
    let repeated = app.get("/jobs?title=a&title=b", None).await;
    let wrong_type = app.get("/companies?minEmployees=lots", None).await;

    for answer in [unknown, repeated, wrong_type] {
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.body);
    }
}

#[tokio::test]
async fn an_empty_patch_is_a_400() {
    let world = world().await;

    let answer = world.app.send("PATCH", "/companies/acme", Some(&json!({})), Some(&world.admin.token)).await;

    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
}
