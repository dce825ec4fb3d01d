//! `/users`, every path of it.

use reqwest::StatusCode;
use serde_json::json;
use testkit::TestApp;
use testkit::fixtures::a_user;
use testkit::world::world;

#[tokio::test]
async fn an_admin_creates_an_admin_who_gets_a_working_token() {
    let world = world().await;
    let mut body = a_user().named("second").registration();
    body["isAdmin"] = json!(true);

    let answer = world.app.send("POST", "/users", Some(&body), Some(&world.admin.token)).await;

    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    assert_eq!(answer.json()["user"]["isAdmin"], true);
    let token = answer.json()["token"].as_str().unwrap().to_owned();
    assert_eq!(world.app.get("/users", Some(&token)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn registration_can_never_make_an_admin() {
    let mut body = a_user().registration();
    body["isAdmin"] = json!(true);

    let answer = world().await.app.post_json("/auth/register", &body).await;

    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn users_are_listed_by_username_without_password_hashes() {
    let world = world().await;

    let answer = world.app.get("/users", Some(&world.admin.token)).await;

    let users = answer.json()["users"].clone();
    let names: Vec<&str> = users.as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap()).collect();
    assert_eq!(names, ["admin", "other", "user"]);
    assert!(!answer.body.contains("argon2"), "no hash leaves the server");
}

#[tokio::test]
async fn a_user_applies_once_and_sees_the_job_among_theirs() {
    let world = world().await;
    let path = format!("/users/user/jobs/{}", world.job);

    let applied = world.app.send("POST", &path, None, Some(&world.user.token)).await;
    let again = world.app.send("POST", &path, None, Some(&world.user.token)).await;
    let detail = world.app.get("/users/user", Some(&world.user.token)).await;

    assert_eq!((applied.status, applied.json()), (StatusCode::CREATED, json!({ "applied": world.job })));
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(detail.json()["user"]["jobs"], json!([world.job]));
}

#[tokio::test]
async fn applying_to_an_unknown_job_is_a_404() {
    let world = world().await;

    let answer = world.app.send("POST", "/users/user/jobs/99999", None, Some(&world.user.token)).await;

    assert_eq!(
        (answer.status, answer.json()["error"]["message"].clone()),
        (StatusCode::NOT_FOUND, json!("job 99999 not found"))
    );
}

#[tokio::test]
async fn a_new_password_ends_every_session_of_that_user() {
    let world = world().await;

    let changed = world
        .app
        .send("PATCH", "/users/user", Some(&json!({ "password": "a whole new passphrase" })), Some(&world.user.token))
        .await;

    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(world.app.get("/users/user", Some(&world.user.token)).await.status, StatusCode::UNAUTHORIZED);
    let relogin =
        world.app.post_json("/auth/token", &json!({ "username": "user", "password": "a whole new passphrase" })).await;
    assert_eq!(relogin.status, StatusCode::OK);
}

#[tokio::test]
async fn a_deleted_users_token_is_refused() {
    let world = world().await;

    let deleted = world.app.send("DELETE", "/users/user", None, Some(&world.user.token)).await;

    assert_eq!(deleted.json(), json!({ "deleted": "user" }));
    assert_eq!(world.app.get("/users/user", Some(&world.user.token)).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_demoted_admin_loses_admin_rights_on_the_next_request() {
    let app = TestApp::with_postgres().await;
    let token = app.registered_admin(&a_user()).await;
    assert_eq!(app.get("/users", Some(&token)).await.status(), StatusCode::OK);

    sqlx::query("UPDATE users SET is_admin = false WHERE username = 'ada'")
        .execute(app.database().unwrap().pool())
        .await
        .unwrap();

    assert_eq!(
        app.get("/users", Some(&token)).await.status(),
        StatusCode::FORBIDDEN,
        "the same token, no longer admin"
    );
}
