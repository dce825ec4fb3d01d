//! The browser pages: the session cookie's flags, and the Origin check on form posts.

use reqwest::StatusCode;
use testkit::app::{InProcessApp, memory_state};
use testkit::fixtures::{UserFixture, a_user};
use web::AppState;
use web::state::HttpSettings;

fn form_of(user: &UserFixture) -> String {
    format!("username={}&password={}", user.username, user.password.replace(' ', "+"))
}

fn post_form_from(app: &InProcessApp, origin: &str, form: String) -> impl Future<Output = testkit::app::Answer> {
    let request = axum::http::Request::post("/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", origin)
        .body(form.into())
        .unwrap();
    app.call(request)
}

#[tokio::test]
async fn the_home_page_sends_visitors_without_a_session_to_login() {
    let answer = InProcessApp::with_memory_store().get("/", None).await;

    assert_eq!((answer.status, answer.header("location")), (StatusCode::SEE_OTHER, Some("/login")));
}

#[tokio::test]
async fn logging_in_sets_an_http_only_same_site_strict_session_cookie() {
    let app = InProcessApp::with_memory_store();
    app.registered(&a_user()).await;

    let answer = app.post_form("/login", &form_of(&a_user())).await;

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
    let app = InProcessApp::with_state(AppState {
        http: HttpSettings::for_origin("https://jobs.example.com"),
        ..memory_state()
    });
    app.registered(&a_user()).await;

    let answer = post_form_from(&app, "https://jobs.example.com", form_of(&a_user())).await;

    assert!(answer.header("set-cookie").unwrap().contains("Secure"));
}

#[tokio::test]
async fn a_login_form_posted_from_another_site_is_refused() {
    let app = InProcessApp::with_memory_store();
    app.registered(&a_user()).await;

    let answer = post_form_from(&app, "https://evil.example", form_of(&a_user())).await;

    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(answer.header("set-cookie"), None);
}

#[tokio::test]
async fn the_session_cookie_shows_who_is_signed_in_until_logout_revokes_it() {
    let app = InProcessApp::with_memory_store();
    app.registered(&a_user()).await;
    let login = app.post_form("/login", &form_of(&a_user())).await;
    let cookie = login.header("set-cookie").unwrap().split(';').next().unwrap().to_owned();

    let home = app.get_with_cookie("/", &cookie).await;
    let logout = app
        .call(axum::http::Request::post("/logout").header("cookie", &cookie).body(axum::body::Body::empty()).unwrap())
        .await;
    let after = app.get_with_cookie("/", &cookie).await;

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
    let app = InProcessApp::with_memory_store();
    app.registered(&a_user()).await;

    let answer = app.post_form("/login", &form_of(&a_user().with_password("wrong password"))).await;

    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.header("set-cookie"), None);
    assert!(answer.body.contains("Invalid username or password."), "{}", answer.body);
    assert!(answer.body.contains(r#"value="ada""#), "the username is kept: {}", answer.body);
}
