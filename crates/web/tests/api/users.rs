//! `/users`, every path of it.

use reqwest::StatusCode;
use serde_json::json;
use testkit::TestApp;
use testkit::fixtures::a_user;
use testkit::world::world;

#[tokio::test]
async fn an_admin_creates_an_admin_who_gets_a_working_token() {
    let world = world().await;

    let created = world.as_admin().create_user(&a_user().named("second"), true).await.expect(201);

    assert_eq!(created["user"]["isAdmin"], true);
    let token = created["token"].as_str().unwrap();
    assert_eq!(world.app.with_token(token).users().await.status, StatusCode::OK);
}

#[tokio::test]
async fn registration_can_never_make_an_admin() {
    let mut body = a_user().registration();
    body["isAdmin"] = json!(true);

    let answer = world().await.anonymous().post("/auth/register", &body).await;

    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn users_are_listed_by_username_without_password_hashes() {
    let world = world().await;

    let answer = world.as_admin().users().await;

    let users = answer.json()["users"].clone();
    let names: Vec<&str> = users.as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap()).collect();
    assert_eq!(names, ["admin", "other", "user"]);
    assert!(!answer.body.contains("argon2"), "no hash leaves the server");
}

#[tokio::test]
async fn a_user_applies_once_and_sees_the_job_among_theirs() {
    let world = world().await;

    let applied = world.as_user().apply("user", world.job).await;
    let again = world.as_user().apply("user", world.job).await;
    let detail = world.as_user().user("user").await;

    assert_eq!((applied.status, applied.json()), (StatusCode::CREATED, json!({ "applied": world.job })));
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(detail.json()["user"]["jobs"], json!([world.job]));
}

#[tokio::test]
async fn applying_to_an_unknown_job_is_a_404() {
    let world = world().await;

    let answer = world.as_user().apply("user", 99999).await;

    assert_eq!((answer.status, answer.error_message()), (StatusCode::NOT_FOUND, json!("job 99999 not found")));
}

#[tokio::test]
async fn a_new_password_ends_every_session_of_that_user() {
    let world = world().await;

    world.as_user().update_user("user", &json!({ "password": "a whole new passphrase" })).await.expect(200);

    assert_eq!(world.as_user().user("user").await.status, StatusCode::UNAUTHORIZED);
    let relogin = world.app.log_in(&a_user().named("user").with_password("a whole new passphrase")).await;
    assert_eq!(relogin.status, StatusCode::OK);
}

#[tokio::test]
async fn a_deleted_users_token_is_refused() {
    let world = world().await;

    let deleted = world.as_user().delete_user("user").await;

    assert_eq!(deleted.json(), json!({ "deleted": "user" }));
    assert_eq!(world.as_user().user("user").await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_demoted_admin_loses_admin_rights_on_the_next_request() {
    let app = TestApp::on_postgres().await;
    let admin = app.admin(&a_user()).await;
    assert_eq!(app.as_user(&admin).users().await.status, StatusCode::OK);

    // No route demotes an admin: the database is changed behind the app's back.
    sqlx::query("UPDATE users SET is_admin = false WHERE username = 'ada'")
        .execute(app.database().unwrap().pool())
        .await
        .unwrap();

    assert_eq!(app.as_user(&admin).users().await.status, StatusCode::FORBIDDEN, "the same token, no longer admin");
}
