//! The browser pages: the session cookie's flags, and the Origin check on form posts.

use reqwest::StatusCode;
use testkit::TestApp;
use testkit::fixtures::a_user;
use testkit::state::memory_state;
use web::state::HttpSettings;

#[tokio::test]
async fn the_home_page_sends_visitors_without_a_session_to_login() {
    let answer = TestApp::in_memory().await.visitor().open("/").await;

    assert_eq!((answer.status, answer.header("location")), (StatusCode::SEE_OTHER, Some("/login")));
}

#[tokio::test]
async fn logging_in_sets_an_http_only_same_site_strict_session_cookie() {
    let app = TestApp::in_memory().await;
    app.signed_up(&a_user()).await;

    let answer = app.visitor().log_in(&a_user()).await;

    assert_eq!((answer.status, answer.header("location")), (StatusCode::SEE_OTHER, Some("/")));
    let cookie = answer.header("set-cookie").unwrap();
    assert!(cookie.starts_with("jobboard_session="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=300"] {
        assert!(cookie.contains(attribute), "{attribute} missing from {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain-http development URL: {cookie}");
}

#[tokio::test]
async fn over_https_the_session_cookie_is_secure() {
    let mut state = memory_state();
    state.http = HttpSettings::for_origin("https://jobs.example.com");
    let app = TestApp::with_state(state).await;
    app.signed_up(&a_user()).await;

    let answer = app.visitor().from_origin("https://jobs.example.com").log_in(&a_user()).await;

    assert!(answer.header("set-cookie").unwrap().contains("Secure"));
}

#[tokio::test]
async fn a_login_form_posted_from_another_site_is_refused() {
    let app = TestApp::in_memory().await;
    app.signed_up(&a_user()).await;

    let answer = app.visitor().from_origin("https://evil.example").log_in(&a_user()).await;

    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(answer.header("set-cookie"), None);
}

#[tokio::test]
async fn the_session_cookie_shows_who_is_signed_in_until_logout_revokes_it() {
    let app = TestApp::in_memory().await;
    app.signed_up(&a_user()).await;
    let signed_in = app.visitor().with_cookie_from(&app.visitor().log_in(&a_user()).await);

    let home = signed_in.open("/").await;
    let logout = signed_in.submit("/logout", "").await;
    let after = signed_in.open("/").await;

    assert!(home.body.contains("Signed in as ada"), "{}", home.body);
    assert_eq!(logout.header("location"), Some("/login"));
    assert_eq!(
        (after.status, after.header("location")),
        (StatusCode::SEE_OTHER, Some("/login")),
        "the old cookie is dead"
    );
}

#[tokio::test]
async fn a_wrong_password_shows_an_error_on_the_login_page() {
    let app = TestApp::in_memory().await;
    app.signed_up(&a_user()).await;

    let answer = app.visitor().log_in(&a_user().with_password("wrong password")).await;

    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.header("set-cookie"), None);
    assert!(answer.body.contains("Invalid username or password."), "{}", answer.body);
    assert!(answer.body.contains(r#"value="ada""#), "the username is kept: {}", answer.body);
}
