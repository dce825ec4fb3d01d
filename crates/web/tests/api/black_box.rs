//! The real `jobboard` binary over Postgres: configuration, migrations at start, the socket.

use reqwest::StatusCode;
use serde_json::Value;
use testkit::TestDatabase;
use testkit::app::{ServerProcess, http_client, token_of};
use testkit::fixtures::a_user;

async fn jobboard_on(database: &TestDatabase) -> ServerProcess {
    ServerProcess::start(
        env!("CARGO_BIN_EXE_jobboard"),
        &[("DATABASE_URL", database.url()), ("JWT_SECRET", "black-box-test-secret-of-32-bytes!")],
    )
    .await
}

#[tokio::test]
async fn a_registered_user_logs_in_and_reads_their_account_over_postgres() {
    let database = TestDatabase::new().await;
    let server = jobboard_on(&database).await;
    let http = http_client();
    let user = a_user();

    let registered =
        http.post(format!("{}/auth/register", server.base_url)).json(&user.registration()).send().await.unwrap();
    token_of(registered, StatusCode::CREATED).await;
    let logged_in =
        http.post(format!("{}/auth/token", server.base_url)).json(&user.credentials()).send().await.unwrap();
    let token = token_of(logged_in, StatusCode::OK).await;
    let account = http.get(format!("{}/users/ada", server.base_url)).bearer_auth(&token).send().await.unwrap();

    assert_eq!(account.status(), StatusCode::OK);
    let body: Value = account.json().await.unwrap();
    assert_eq!(body["user"]["username"], "ada");
    let stored: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE username = 'ada'")
        .fetch_one(database.pool())
        .await
        .unwrap();
    assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "production cost in the binary: {stored}");
}

#[tokio::test]
async fn a_wrong_password_is_refused_over_postgres() {
    let database = TestDatabase::new().await;
    let server = jobboard_on(&database).await;
    let http = http_client();
    let registered =
        http.post(format!("{}/auth/register", server.base_url)).json(&a_user().registration()).send().await.unwrap();
    token_of(registered, StatusCode::CREATED).await;

    let answer = http
        .post(format!("{}/auth/token", server.base_url))
        .json(&a_user().with_password("not the password").credentials())
        .send()
        .await
        .unwrap();

    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["error"]["message"], "invalid username or password");
}

#[tokio::test]
async fn registering_a_taken_username_is_a_409_not_a_500_over_postgres() {
    let database = TestDatabase::new().await;
    let server = jobboard_on(&database).await;
    let http = http_client();
    let register = || http.post(format!("{}/auth/register", server.base_url)).json(&a_user().registration()).send();
    token_of(register().await.unwrap(), StatusCode::CREATED).await;

    let again = register().await.unwrap();

    assert_eq!(again.status(), StatusCode::CONFLICT);
}
