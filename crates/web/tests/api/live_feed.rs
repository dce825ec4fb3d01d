//! `/ws` on a real socket: the upgrade, who may open it, and what each caller is told.

use reqwest::StatusCode;
use serde_json::json;
use testkit::TestApp;
use testkit::fixtures::{a_company, a_job, a_user};
use testkit::state::{memory_state_at, test_clock};

/// How the server closes a feed whose caller's session no longer holds (RFC 6455 §7.4.1:
/// 1008, policy violation).
fn session_ended() -> (u16, String) {
    (1008, "the session has ended".to_owned())
}

#[tokio::test]
async fn a_posted_job_reaches_every_open_feed_and_applications_reach_admins_only() {
    let app = TestApp::served_in_memory().await;
    let (admin, user) = (app.admin(&a_user().named("root")).await, app.signed_up(&a_user()).await);
    let mut admin_feed = app.as_user(&admin).open_feed().await.unwrap();
    let mut user_feed = app.as_user(&user).open_feed().await.unwrap();
    app.as_user(&admin).create_company(&a_company()).await.expect(201);

    let job = app.as_user(&admin).post_job(&a_job()).await.expect(201)["job"].clone();
    assert_eq!(user_feed.next_event().await, json!({ "type": "jobPosted", "job": job }));
    assert_eq!(admin_feed.next_event().await["type"], "jobPosted");

    let id = job["id"].as_i64().unwrap();
    app.as_user(&user).apply("ada", id).await.expect(201);
    app.as_user(&admin).post_job(&a_job()).await.expect(201);
    assert_eq!(
        admin_feed.next_event().await,
        json!({ "type": "applied", "application": { "username": "ada", "jobId": id } })
    );
    assert_eq!(
        user_feed.next_event().await["type"],
        "jobPosted",
        "the user never saw the application, only the next job"
    );
}

#[tokio::test]
async fn the_feed_refuses_anonymous_and_cross_origin_callers() {
    let app = TestApp::served_in_memory().await;
    let user = app.signed_up(&a_user()).await;

    let anonymous = app.with_token("not a token").open_feed().await.err();
    let cross_origin = app.as_user(&user).open_feed_from("https://evil.example").await.err();
    let same_origin = app.as_user(&user).open_feed_from(&app.url("")).await;

    assert_eq!(anonymous, Some(401));
    assert_eq!(cross_origin, Some(403));
    assert!(same_origin.is_ok());
}

#[tokio::test]
async fn a_plain_request_for_the_feed_is_told_which_upgrade_header_is_missing() {
    let app = TestApp::served_in_memory().await;
    let user = app.signed_up(&a_user()).await;

    let answer = app.as_user(&user).get("/ws").await;

    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.error_message(), json!("Connection header did not include 'upgrade'"));
}

#[tokio::test]
async fn a_feed_whose_session_was_logged_out_everywhere_is_closed_at_the_next_event() {
    let app = TestApp::served_in_memory().await;
    let (admin, user) = (app.admin(&a_user().named("root")).await, app.signed_up(&a_user()).await);
    let mut feed = app.as_user(&user).open_feed().await.unwrap();
    app.as_user(&admin).create_company(&a_company()).await.expect(201);

    app.as_user(&user).log_out_everywhere().await;
    app.as_user(&admin).post_job(&a_job()).await.expect(201);

    assert_eq!(feed.closed_with().await, session_ended());
}

#[tokio::test]
async fn a_deleted_admins_feed_is_closed_before_it_hears_another_admin_event() {
    let app = TestApp::served_in_memory().await;
    let (root, other) = (app.admin(&a_user().named("root")).await, app.admin(&a_user().named("other")).await);
    let user = app.signed_up(&a_user()).await;
    let mut feed = app.as_user(&other).open_feed().await.unwrap();
    app.as_user(&root).create_company(&a_company()).await.expect(201);
    let job = app.as_user(&root).post_job(&a_job()).await.expect(201)["job"]["id"].as_i64().unwrap();
    assert_eq!(feed.next_event().await["type"], "jobPosted");

    app.as_user(&root).delete_user("other").await;
    app.as_user(&user).apply("ada", job).await.expect(201);

    assert_eq!(feed.closed_with().await, session_ended(), "no application reached a deleted admin");
}

#[tokio::test]
async fn a_feed_is_closed_once_its_access_token_has_expired() {
    let clock = test_clock();
    let app = TestApp::served_with_state(memory_state_at(clock.clone())).await;
    let user = app.signed_up(&a_user()).await;
    let mut feed = app.as_user(&user).open_feed().await.unwrap();

    clock.advance(301);
    let admin = app.admin(&a_user().named("root")).await;
    app.as_user(&admin).create_company(&a_company()).await.expect(201);
    app.as_user(&admin).post_job(&a_job()).await.expect(201);

    assert_eq!(feed.closed_with().await, session_ended());
}
