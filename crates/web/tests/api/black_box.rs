//! The real `jobboard` binary over Postgres: configuration, migrations at start, the socket.

use reqwest::StatusCode;
use serde_json::Value;
use testkit::TestApp;
use testkit::app::token_of;
use testkit::fixtures::a_user;

async fn jobboard() -> TestApp {
    TestApp::binary_with_postgres(
        env!("CARGO_BIN_EXE_jobboard"),
        &[("JWT_SECRET", "black-box-test-secret-of-32-bytes!")],
    )
    .await
}

#[tokio::test]
async fn a_registered_user_logs_in_and_reads_their_account_over_postgres() {
    let app = jobboard().await;
    app.registered(&a_user()).await;

    let token = token_of(app.request_token(&a_user()).await, StatusCode::OK).await;
    let account = app.get("/users/ada", Some(&token)).await;

    assert_eq!(account.status(), StatusCode::OK);
    let body: Value = account.json().await.unwrap();
    assert_eq!(body["user"]["username"], "ada");
    let stored: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE username = 'ada'")
        .fetch_one(app.database().unwrap().pool())
        .await
        .unwrap();
    assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "production cost in the binary: {stored}");
}

#[tokio::test]
async fn a_wrong_password_is_refused_over_postgres() {
    let app = jobboard().await;
    app.registered(&a_user()).await;

    let answer = app.request_token(&a_user().with_password("not the password")).await;

    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["error"]["message"], "invalid username or password");
}

#[tokio::test]
async fn registering_a_taken_username_is_a_409_not_a_500_over_postgres() {
    let app = jobboard().await;
    app.registered(&a_user()).await;

    let again = app.register(&a_user()).await;

    assert_eq!(again.status(), StatusCode::CONFLICT);
}
