use reqwest::StatusCode;
use serde_json::json;
use testkit::app::InProcessApp;
use testkit::fixtures::a_user;

#[tokio::test]
async fn registering_returns_a_token_that_opens_the_new_account() {
    let app = InProcessApp::with_memory_store();

    let token = app.registered(&a_user()).await;
    let answer = app.get("/users/ada", Some(&token)).await;

    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(
        answer.json(),
        json!({ "user": {
            "username": "ada", "firstName": "Ada", "lastName": "Lovelace",
            "email": "ada@example.com", "isAdmin": false,
        }})
    );
}

#[tokio::test]
async fn the_right_password_gets_a_five_minute_token() {
    let app = InProcessApp::with_memory_store();
    app.registered(&a_user()).await;

    let answer = app.post_json("/auth/token", &a_user().credentials()).await;

    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.json()["expiresIn"], 300);
}

#[tokio::test]
async fn a_wrong_password_is_a_401_in_the_error_envelope() {
    let app = InProcessApp::with_memory_store();
    app.registered(&a_user()).await;

    let answer = app.post_json("/auth/token", &a_user().with_password("not the password").credentials()).await;

    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.json(), json!({ "error": { "status": 401, "message": "invalid username or password" } }));
    assert_eq!(answer.header("www-authenticate"), Some("Bearer"));
}

#[tokio::test]
async fn an_unknown_user_gets_exactly_the_wrong_password_answer() {
    let app = InProcessApp::with_memory_store();
    app.registered(&a_user()).await;

    let wrong_password = app.post_json("/auth/token", &a_user().with_password("not the password").credentials()).await;
    let unknown_user = app.post_json("/auth/token", &a_user().named("nobody").credentials()).await;

    assert_eq!((unknown_user.status, unknown_user.body), (wrong_password.status, wrong_password.body));
}

#[tokio::test]
async fn registration_lists_every_violation() {
    let app = InProcessApp::with_memory_store();
    let mut body = a_user().registration();
    body["username"] = json!("has spaces");
    body["password"] = json!("short");
    body["email"] = json!("nope");

    let answer = app.post_json("/auth/register", &body).await;

    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        answer.json()["error"]["message"],
        json!([
            "username: may contain only letters, digits, '_', '-' and '.'",
            "password: must be at least 8 characters",
            "email: must be an email address",
        ])
    );
}

#[tokio::test]
async fn registering_a_taken_username_is_a_409() {
    let app = InProcessApp::with_memory_store();
    app.registered(&a_user()).await;

    let answer = app.post_json("/auth/register", &a_user().registration()).await;

    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert_eq!(answer.json()["error"]["message"], "username 'ada' is taken");
}

#[tokio::test]
async fn malformed_json_is_a_400_in_the_envelope_not_a_500() {
    let app = InProcessApp::with_memory_store();

    let answer = app
        .call(
            axum::http::Request::post("/auth/token")
                .header("content-type", "application/json")
                .body("{\"username\":".into())
                .unwrap(),
        )
        .await;

    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.json()["error"]["status"], 400);
}

#[tokio::test]
async fn unknown_fields_are_rejected() {
    let app = InProcessApp::with_memory_store();
    let mut body = a_user().credentials();
    body["isAdmin"] = json!(true);

    let answer = app.post_json("/auth/token", &body).await;

    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.body);
    assert!(answer.json()["error"]["message"].as_str().unwrap().contains("unknown field `isAdmin`"));
}

#[tokio::test]
async fn reading_an_account_needs_a_bearer_token() {
    let app = InProcessApp::with_memory_store();
    app.registered(&a_user()).await;

    let answer = app.get("/users/ada", None).await;

    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.json()["error"]["message"], "missing bearer token");
}

#[tokio::test]
async fn a_token_in_the_query_string_is_ignored() {
    let app = InProcessApp::with_memory_store();
    let token = app.registered(&a_user()).await;

    let answer = app.get(&format!("/users/ada?token={token}&access_token={token}"), None).await;

    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_forged_token_is_a_401() {
    let app = InProcessApp::with_memory_store();
    let token = app.registered(&a_user()).await;
    let forged = format!("{}x", &token[..token.len() - 1]);

    let answer = app.get("/users/ada", Some(&forged)).await;

    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.json()["error"]["message"], "invalid token");
}

#[tokio::test]
async fn reading_someone_elses_account_is_forbidden() {
    let app = InProcessApp::with_memory_store();
    app.registered(&a_user()).await;
    let mallory = app.registered(&a_user().named("mallory")).await;

    let answer = app.get("/users/ada", Some(&mallory)).await;

    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(answer.json()["error"]["message"], "you may only read your own account");
}

#[tokio::test]
async fn an_unknown_route_is_a_404_in_the_envelope() {
    let answer = InProcessApp::with_memory_store().get("/nowhere", None).await;

    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.json()["error"]["message"], "no route for /nowhere");
}

#[tokio::test]
async fn healthz_answers_ok() {
    let answer = InProcessApp::with_memory_store().get("/healthz", None).await;

    assert_eq!((answer.status, answer.json()), (StatusCode::OK, json!({ "status": "ok" })));
}

mod pages {
    use super::*;

    fn form_of(user: &testkit::fixtures::UserFixture) -> String {
        format!("username={}&password={}", user.username, user.password.replace(' ', "+"))
    }

    #[tokio::test]
    async fn the_home_page_sends_visitors_without_a_session_to_login() {
        let answer = InProcessApp::with_memory_store().get("/", None).await;

        assert_eq!(answer.status, StatusCode::SEE_OTHER);
        assert_eq!(answer.header("location"), Some("/login"));
    }

    #[tokio::test]
    async fn logging_in_sets_an_http_only_same_site_strict_session_cookie() {
        let app = InProcessApp::with_memory_store();
        app.registered(&a_user()).await;

        let answer = app.post_form("/login", &form_of(&a_user())).await;

        assert_eq!(answer.status, StatusCode::SEE_OTHER);
        assert_eq!(answer.header("location"), Some("/"));
        let cookie = answer.header("set-cookie").unwrap();
        assert!(cookie.starts_with("jobboard_session="), "{cookie}");
        for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=300"] {
            assert!(cookie.contains(attribute), "{attribute} missing from {cookie}");
        }
        assert!(!cookie.contains("Secure"), "plain-http development URL: {cookie}");
    }

    #[tokio::test]
    async fn the_session_cookie_shows_who_is_signed_in() {
        let app = InProcessApp::with_memory_store();
        app.registered(&a_user()).await;
        let login = app.post_form("/login", &form_of(&a_user())).await;
        let cookie = login.header("set-cookie").unwrap().split(';').next().unwrap().to_owned();

        let home = app.get_with_cookie("/", &cookie).await;

        assert_eq!(home.status, StatusCode::OK);
        assert!(home.body.contains("Signed in as ada"), "{}", home.body);
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

    #[tokio::test]
    async fn a_forged_session_cookie_is_sent_back_to_login() {
        let answer = InProcessApp::with_memory_store().get_with_cookie("/", "jobboard_session=forged").await;

        assert_eq!(answer.status, StatusCode::SEE_OTHER);
        assert_eq!(answer.header("location"), Some("/login"));
    }
}
