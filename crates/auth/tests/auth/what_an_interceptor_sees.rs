//! What someone who intercepts a token can read, and what they cannot do with it.
//!
//! A JWT is signed, not encrypted: its payload is base64url-encoded JSON that anyone can read
//! without a key. The signature only makes changes detectable. So: never put a secret in a
//! token, send tokens over TLS only, and keep them short-lived. docs/jwt.md explains it.

use std::sync::Arc;

use auth::clock::FixedClock;
use auth::keys::{HmacSecret, KeySet};
use auth::token::{TokenError, TokenService, TokenSettings};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

fn tokens() -> TokenService {
    let secret = HmacSecret::new(*b"the-server-s-secret-of-32-bytes!").unwrap();
    TokenService::new(KeySet::hs256("hs-1", &secret), TokenSettings::default(), Arc::new(FixedClock::at(1_750_000_000)))
}

/// What an interceptor does: split on dots, base64url-decode, parse JSON. No key involved.
fn read_without_the_key(token: &str) -> (Value, Value) {
    let mut parts = token.split('.');
    let mut decode =
        || serde_json::from_slice::<Value>(&URL_SAFE_NO_PAD.decode(parts.next().unwrap()).unwrap()).unwrap();
    (decode(), decode())
}

#[test]
fn anyone_can_read_the_payload_without_the_key() {
    let token = tokens().issue_access("ada", 0).unwrap().token;

    let (header, payload) = read_without_the_key(&token);

    insta::assert_json_snapshot!("header", header);
    insta::assert_json_snapshot!("payload", payload, { ".jti" => "[unique per token]" });
}

#[test]
fn but_a_changed_copy_is_refused() {
    let tokens = tokens();
    let token = tokens.issue_access("ada", 0).unwrap().token;
    let (_, mut payload) = read_without_the_key(&token);
    payload["sub"] = "admin".into();
    let parts: Vec<&str> = token.split('.').collect();

    let tampered = format!("{}.{}.{}", parts[0], URL_SAFE_NO_PAD.encode(payload.to_string()), parts[2]);

    assert_eq!(tokens.verify_access(&tampered), Err(TokenError::BadSignature));
}

/// The token docs/jwt.md shows, split there at its dots, joined again.
fn the_guides_token() -> String {
    let guide = include_str!("../../../../docs/jwt.md");
    let lines: Vec<&str> = guide.lines().collect();
    let first = lines.iter().position(|line| line.starts_with("eyJ")).expect("a token in docs/jwt.md");
    lines[first..first + 3].concat()
}

#[test]
fn the_token_in_the_guide_is_one_this_service_accepts_and_reads_as_the_guide_says() {
    let tokens = tokens();
    let token = the_guides_token();

    let claims = tokens.verify_access(&token).expect("the guide's token verifies with the test secret");

    assert_eq!((claims.sub.as_str(), claims.iat, claims.exp), ("ada", 1_750_000_000, 1_750_000_300));
    // As at login: an access token minted with its refresh token's family.
    let issued = tokens.issue_access_in("ada", 0, "a-family").unwrap().token;
    let (guide_header, guide_payload) = read_without_the_key(&token);
    let (header, payload) = read_without_the_key(&issued);
    assert_eq!(guide_header, header, "the guide's header is the one the service writes");
    let names = |claims: &Value| claims.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&guide_payload), names(&payload), "the guide's claims are the ones the service sets");
}
