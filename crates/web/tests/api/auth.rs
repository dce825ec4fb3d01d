//! `/auth/*` over HTTP, in-process: the session rules of docs/jwt.md, route by route.

use std::sync::Arc;
use std::time::Duration;

use auth::breach::{FailurePolicy, PwnedPasswords, sha1_prefix_and_suffix};
use auth::keys::{KeySet, SigningKey, VerifyingKey};
use auth::password::{Argon2Cost, Argon2Passwords};
use auth::token::{TokenService, TokenSettings};
use axum::http::Method;
use reqwest::StatusCode;
use serde_json::json;
use testkit::TestApp;
use testkit::client::Request;
use testkit::fixtures::a_user;
use testkit::state::memory_state;
use testkit::world::world;
use web::AppState;
use web::passwords::{Argon2Hasher, BreachAdapter, HashingGate};
use wiremock::matchers::path_regex;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn registering_returns_a_token_pair_that_opens_the_new_account() {
    let app = TestApp::in_memory().await;

    let tokens = app.register(&a_user()).await.expect(201);

    assert_eq!(tokens["expiresIn"], 300);
    assert!(tokens["refresh"].is_string());
    app.with_token(tokens["token"].as_str().unwrap()).user("ada").await.expect(200);
}

#[tokio::test]
async fn a_wrong_password_is_a_401_in_the_error_envelope() {
    let app = TestApp::in_memory().await;
    app.signed_up(&a_user()).await;

    let answer = app.log_in(&a_user().with_password("not the password")).await;

    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.json(), json!({ "error": { "status": 401, "message": "invalid username or password" } }));
    assert_eq!(answer.header("www-authenticate"), Some("Bearer"));
}

#[tokio::test]
async fn an_unknown_user_gets_exactly_the_wrong_password_answer() {
    let app = TestApp::in_memory().await;
    app.signed_up(&a_user()).await;

    let wrong_password = app.log_in(&a_user().with_password("not the password")).await;
    let unknown_user = app.log_in(&a_user().named("nobody")).await;

    assert_eq!((unknown_user.status, unknown_user.body), (wrong_password.status, wrong_password.body));
}

#[tokio::test]
async fn registering_a_taken_username_is_a_409() {
    let app = TestApp::in_memory().await;
    app.signed_up(&a_user()).await;

    let answer = app.register(&a_user()).await;

    assert_eq!((answer.status, answer.error_message()), (StatusCode::CONFLICT, json!("username 'ada' is taken")));
}

#[tokio::test]
async fn a_refresh_gives_a_new_pair_and_reusing_the_old_token_revokes_the_family() {
    let world = world().await;

    let rotated = world.anonymous().refresh(&world.user.refresh).await.expect(200);
    let replayed = world.anonymous().refresh(&world.user.refresh).await;
    let after_replay = world.anonymous().refresh(rotated["refresh"].as_str().unwrap()).await;

    assert_eq!((replayed.status, replayed.error_message()), (StatusCode::UNAUTHORIZED, json!("token revoked")));
    assert_eq!(after_replay.status, StatusCode::UNAUTHORIZED, "the thief's copy and the victim's are both dead");
}

#[tokio::test]
async fn an_access_token_cannot_refresh_and_a_refresh_token_cannot_authenticate() {
    let world = world().await;

    let refresh_with_access = world.anonymous().refresh(&world.user.token).await;
    let read_with_refresh = world.app.with_token(&world.user.refresh).user("user").await;

    assert_eq!(refresh_with_access.status, StatusCode::UNAUTHORIZED);
    assert_eq!(read_with_refresh.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn logout_revokes_that_access_token_and_its_refresh_token_at_once() {
    let world = world().await;

    assert_eq!(world.as_user().log_out(&world.user.refresh).await.status, StatusCode::NO_CONTENT);

    let verify = world.anonymous().verify(&world.user.token).await;
    assert_eq!((verify.status, verify.error_message()), (StatusCode::UNAUTHORIZED, json!("token revoked")));
    assert_eq!(world.as_user().user("user").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(world.anonymous().refresh(&world.user.refresh).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(world.as_other().user("other").await.status, StatusCode::OK, "others stay logged in");
}

#[tokio::test]
async fn logout_all_ends_every_session_of_the_caller() {
    let world = world().await;
    let second = world.app.logged_in(&a_user().named("user")).await;

    assert_eq!(world.as_user().log_out_everywhere().await.status, StatusCode::NO_CONTENT);

    for session in [&world.user, &second] {
        assert_eq!(world.app.as_user(session).user("user").await.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(world.anonymous().refresh(&second.refresh).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn verify_accepts_a_live_token_and_refuses_garbage() {
    let world = world().await;

    let live = world.anonymous().verify(&world.user.token).await;
    let garbage = world.anonymous().verify("a.b.c").await;

    assert_eq!((live.status, live.json()), (StatusCode::OK, json!({})));
    assert_eq!(garbage.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_username_out_with_429_and_retry_after() {
    let app = TestApp::in_memory().await;
    app.signed_up(&a_user()).await;
    for attempt in 1..=5 {
        let wrong = app.log_in(&a_user().with_password("not the password")).await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }

    let locked = app.log_in(&a_user()).await;

    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
    let retry_after: i64 = locked.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry_after), "Retry-After: {retry_after}");
    assert!(locked.error_message().as_str().unwrap().starts_with("too many failed logins"));
}

#[tokio::test]
async fn a_token_in_the_query_string_is_ignored() {
    let world = world().await;

    let answer = world.app.get(&format!("/users/user?token={0}&access_token={0}", world.user.token)).await;

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
    let app = TestApp::with_state(state_checking_breaches_at(&server, FailurePolicy::FailOpen)).await;

    let refused = app.register(&a_user().with_password("password123")).await;
    let ada = app.signed_up(&a_user()).await;
    let change = app.as_user(&ada).update_user("ada", &json!({ "password": "password123" })).await;

    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.error_message(), json!(["password: has appeared in data breaches 42 times; choose another"]));
    assert_eq!(change.status, StatusCode::BAD_REQUEST, "{}", change.body);
}

#[tokio::test]
async fn a_breach_service_outage_lets_registration_through_unless_configured_to_refuse() {
    let server = MockServer::start().await;
    Mock::given(path_regex("^/range/")).respond_with(ResponseTemplate::new(500)).mount(&server).await;
    let open = TestApp::with_state(state_checking_breaches_at(&server, FailurePolicy::FailOpen)).await;
    let closed = TestApp::with_state(state_checking_breaches_at(&server, FailurePolicy::FailClosed)).await;

    let accepted = open.register(&a_user()).await;
    let refused = closed.register(&a_user()).await;

    assert_eq!(accepted.status, StatusCode::CREATED);
    assert_eq!(
        (refused.status, refused.error_message()),
        (StatusCode::SERVICE_UNAVAILABLE, json!("service temporarily unavailable"))
    );
    assert_eq!(refused.header("retry-after"), Some("1"), "a 503 says when to come back");
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
    let app = TestApp::with_state(state).await;

    let jwks = app.get("/.well-known/jwks.json").await;
    let ada = app.signed_up(&a_user()).await;

    assert_eq!(jwks.status, StatusCode::OK);
    assert_eq!(
        (jwks.json()["keys"][0]["kid"].clone(), jwks.json()["keys"][0]["crv"].clone()),
        (json!("ed-a"), json!("Ed25519"))
    );
    assert_eq!(jsonwebtoken::decode_header(&ada.token).unwrap().alg, jsonwebtoken::Algorithm::EdDSA);
    assert_eq!(app.as_user(&ada).user("ada").await.status, StatusCode::OK);
}

#[tokio::test]
async fn when_no_password_can_be_checked_now_login_and_registration_answer_503_with_retry_after() {
    let mut state = memory_state();
    let cheap = Argon2Passwords::new(Argon2Cost::TESTS_ONLY).unwrap();
    state.ports.passwords = Arc::new(Argon2Hasher::with_gate(cheap, HashingGate::new(0, 0).unwrap()));
    let app = TestApp::with_state(state).await;

    let login = app.log_in(&a_user()).await;
    let registration = app.register(&a_user()).await;

    for answer in [login, registration] {
        assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE, "{}", answer.body);
        assert_eq!(answer.error_message(), json!("too many passwords to check at once; try again shortly"));
        assert_eq!(answer.header("retry-after"), Some("1"));
    }
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let world = world().await;

    for scheme in ["bearer", "BEARER", "Bearer"] {
        let request = Request::new(Method::GET, &format!("/users/{}", world.user.username))
            .header("authorization", &format!("{scheme} {}", world.user.token));
        let answer = world.app.send(request).await;
        assert_eq!(answer.status, StatusCode::OK, "{scheme}: {}", answer.body);
    }
}

/// RFC 6750 §3.1: a token that does not hold is refused wherever it is sent, so a client
/// learns its session ended instead of silently seeing the anonymous view.
#[tokio::test]
async fn a_forged_or_revoked_token_is_a_401_even_on_a_public_route() {
    let world = world().await;
    let logged_out = world.as_other().log_out(&world.other.refresh).await;
    assert!(logged_out.status.is_success(), "{}", logged_out.body);

    let anonymous = world.anonymous().jobs("").await;
    let forged = world.app.with_token("a.b.c").jobs("").await;
    let revoked = world.as_other().jobs("").await;
    let valid = world.as_user().jobs("").await;

    assert_eq!(anonymous.status, StatusCode::OK);
    assert_eq!(valid.status, StatusCode::OK);
    for refused in [forged, revoked] {
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{}", refused.body);
        assert_eq!(refused.header("www-authenticate"), Some("Bearer"));
    }
}
