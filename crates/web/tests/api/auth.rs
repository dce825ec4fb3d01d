//! `/auth/*` over HTTP, in-process: the session rules of docs/jwt.md, route by route.

use std::sync::Arc;
use std::time::Duration;

use auth::breach::{FailurePolicy, PwnedPasswords, sha1_prefix_and_suffix};
use auth::keys::{KeySet, SigningKey, VerifyingKey};
use auth::token::{TokenService, TokenSettings};
use reqwest::StatusCode;
use serde_json::json;
use testkit::app::{InProcessApp, memory_state};
use testkit::fixtures::a_user;
use testkit::world::world;
use web::AppState;
use web::passwords::BreachAdapter;
use wiremock::matchers::path_regex;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn registering_returns_a_token_pair_that_opens_the_new_account() {
    let app = InProcessApp::with_memory_store();

    let answer = app.post_json("/auth/register", &a_user().registration()).await;

    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    let body = answer.json();
    assert_eq!(body["expiresIn"], 300);
    assert!(body["refresh"].is_string());
    let account = app.get("/users/ada", body["token"].as_str()).await;
    assert_eq!(account.status, StatusCode::OK, "{}", account.body);
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
async fn registering_a_taken_username_is_a_409() {
    let app = InProcessApp::with_memory_store();
    app.registered(&a_user()).await;

    let answer = app.post_json("/auth/register", &a_user().registration()).await;

    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert_eq!(answer.json()["error"]["message"], "username 'ada' is taken");
}

#[tokio::test]
async fn a_refresh_gives_a_new_pair_and_reusing_the_old_token_revokes_the_family() {
    let world = world().await;

    let rotated = world.app.post_json("/auth/refresh", &json!({ "refresh": world.user.refresh })).await;
    let replayed = world.app.post_json("/auth/refresh", &json!({ "refresh": world.user.refresh })).await;
    let after_replay = world.app.post_json("/auth/refresh", &json!({ "refresh": rotated.json()["refresh"] })).await;

    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.body);
    assert_eq!(
        (replayed.status, replayed.json()["error"]["message"].clone()),
        (StatusCode::UNAUTHORIZED, json!("token revoked"))
    );
    assert_eq!(after_replay.status, StatusCode::UNAUTHORIZED, "the thief's copy and the victim's are both dead");
}

#[tokio::test]
async fn an_access_token_cannot_refresh_and_a_refresh_token_cannot_authenticate() {
    let world = world().await;

    let refresh_with_access = world.app.post_json("/auth/refresh", &json!({ "refresh": world.user.token })).await;
    let read_with_refresh = world.app.get("/users/user", Some(&world.user.refresh)).await;

    assert_eq!(refresh_with_access.status, StatusCode::UNAUTHORIZED);
    assert_eq!(read_with_refresh.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn logout_revokes_that_access_token_and_its_refresh_token_at_once() {
    let world = world().await;

    let logout = world
        .app
        .send("POST", "/auth/logout", Some(&json!({ "refresh": world.user.refresh })), Some(&world.user.token))
        .await;

    assert_eq!(logout.status, StatusCode::NO_CONTENT, "{}", logout.body);
    let verify = world.app.post_json("/auth/verify", &json!({ "token": world.user.token })).await;
    assert_eq!(
        (verify.status, verify.json()["error"]["message"].clone()),
        (StatusCode::UNAUTHORIZED, json!("token revoked"))
    );
    assert_eq!(world.app.get("/users/user", Some(&world.user.token)).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        world.app.post_json("/auth/refresh", &json!({ "refresh": world.user.refresh })).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        world.app.get("/users/other", Some(&world.other.token)).await.status,
        StatusCode::OK,
        "others stay logged in"
    );
}

#[tokio::test]
async fn logout_all_ends_every_session_of_the_caller() {
    let world = world().await;
    let second = world
        .app
        .post_json("/auth/token", &json!({ "username": "user", "password": world.user.password }))
        .await
        .json();

    let answer = world.app.send("POST", "/auth/logout-all", None, Some(&world.user.token)).await;

    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    for token in [world.user.token.as_str(), second["token"].as_str().unwrap()] {
        assert_eq!(world.app.get("/users/user", Some(token)).await.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        world.app.post_json("/auth/refresh", &json!({ "refresh": second["refresh"] })).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn verify_accepts_a_live_token_and_refuses_garbage() {
    let world = world().await;

    let live = world.app.post_json("/auth/verify", &json!({ "token": world.user.token })).await;
    let garbage = world.app.post_json("/auth/verify", &json!({ "token": "a.b.c" })).await;

    assert_eq!((live.status, live.json()), (StatusCode::OK, json!({})));
    assert_eq!(garbage.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_username_out_with_429_and_retry_after() {
    let app = InProcessApp::with_memory_store();
    app.registered(&a_user()).await;
    let wrong = a_user().with_password("not the password").credentials();
    for attempt in 1..=5 {
        assert_eq!(app.post_json("/auth/token", &wrong).await.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }

    let locked = app.post_json("/auth/token", &a_user().credentials()).await;

    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
    let retry_after: i64 = locked.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry_after), "Retry-After: {retry_after}");
    assert!(locked.json()["error"]["message"].as_str().unwrap().starts_with("too many failed logins"));
}

#[tokio::test]
async fn a_token_in_the_query_string_is_ignored() {
    let world = world().await;

    let answer = world.app.get(&format!("/users/user?token={0}&access_token={0}", world.user.token), None).await;

    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
}

/// The range API stubbed to know `password` as breached 42 times.
async fn breach_service_knowing(password: &str) -> MockServer {
    let server = MockServer::start().await;
    let (prefix, suffix) = sha1_prefix_and_suffix(password);
    Mock::given(path_regex(format!("^/range/{prefix}$")))
        .respond_with(ResponseTemplate::new(200).set_body_string(format!("{suffix}:42\r\n")))
        .mount(&server)
        .await;
    Mock::given(path_regex("^/range/"))
        .respond_with(ResponseTemplate::new(200).set_body_string(""))
        .mount(&server)
        .await;
    server
}

fn state_checking_breaches_at(server: &MockServer, policy: FailurePolicy) -> AppState {
    let url = url::Url::parse(&format!("{}/", server.uri())).unwrap();
    let client = PwnedPasswords::new(url, Duration::from_millis(500), policy).unwrap();
    let mut state = memory_state();
    state.ports.breaches = Arc::new(BreachAdapter(Arc::new(client)));
    state
}

#[tokio::test]
async fn a_breached_password_is_refused_at_registration_and_at_a_password_change() {
    let server = breach_service_knowing("password123").await;
    let app = InProcessApp::with_state(state_checking_breaches_at(&server, FailurePolicy::FailOpen));

    let refused = app.post_json("/auth/register", &a_user().with_password("password123").registration()).await;
    let token = app.registered(&a_user()).await;
    let change = app.send("PATCH", "/users/ada", Some(&json!({ "password": "password123" })), Some(&token)).await;

    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        refused.json()["error"]["message"],
        json!(["password: has appeared in data breaches 42 times; choose another"])
    );
    assert_eq!(change.status, StatusCode::BAD_REQUEST, "{}", change.body);
}

#[tokio::test]
async fn a_breach_service_outage_lets_registration_through_unless_configured_to_refuse() {
    let server = MockServer::start().await;
    Mock::given(path_regex("^/range/")).respond_with(ResponseTemplate::new(500)).mount(&server).await;
    let open = InProcessApp::with_state(state_checking_breaches_at(&server, FailurePolicy::FailOpen));
    let closed = InProcessApp::with_state(state_checking_breaches_at(&server, FailurePolicy::FailClosed));

    let accepted = open.post_json("/auth/register", &a_user().registration()).await;
    let refused = closed.post_json("/auth/register", &a_user().registration()).await;

    assert_eq!(accepted.status, StatusCode::CREATED);
    assert_eq!(
        (refused.status, refused.json()["error"]["message"].clone()),
        (StatusCode::SERVICE_UNAVAILABLE, json!("service temporarily unavailable"))
    );
}

#[tokio::test]
async fn the_jwks_publishes_the_public_key_when_tokens_are_signed_with_eddsa() {
    let keys = KeySet::new(
        SigningKey::ed25519_pem("ed-a", include_bytes!("../../../auth/testdata/ed25519-a.pem")).unwrap(),
        vec![VerifyingKey::ed25519_pem("ed-a", include_bytes!("../../../auth/testdata/ed25519-a.pub.pem")).unwrap()],
    )
    .unwrap();
    let tokens = TokenService::new(keys, TokenSettings::default(), Arc::new(auth::clock::SystemClock));
    let mut state = memory_state();
    state.ports.tokens = Arc::new(tokens);
    let app = InProcessApp::with_state(state);

    let jwks = app.get("/.well-known/jwks.json", None).await;
    let token = app.registered(&a_user()).await;

    assert_eq!(jwks.status, StatusCode::OK);
    assert_eq!(
        (jwks.json()["keys"][0]["kid"].clone(), jwks.json()["keys"][0]["crv"].clone()),
        (json!("ed-a"), json!("Ed25519"))
    );
    assert_eq!(jsonwebtoken::decode_header(&token).unwrap().alg, jsonwebtoken::Algorithm::EdDSA);
    assert_eq!(app.get("/users/ada", Some(&token)).await.status, StatusCode::OK);
}
