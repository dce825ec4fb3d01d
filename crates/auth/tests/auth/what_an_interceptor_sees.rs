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
