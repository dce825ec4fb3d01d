//! Key material is never taken from a token. A token may carry `jku` (a URL of keys), `jwk`
//! (a key) or `x5u` (a certificate URL); a verifier that follows them lets the attacker choose
//! the key. Here they point at a live stub server, and the test proves nothing asks it.

use std::sync::Arc;

use auth::clock::SystemClock;
use auth::keys::{KeySet, SigningKey, VerifyingKey};
use auth::token::{TokenError, TokenService, TokenSettings};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn our_tokens() -> TokenService {
    let keys = KeySet::new(
        SigningKey::ed25519_pem("ed-a", include_bytes!("../../testdata/ed25519-a.pem")).unwrap(),
        vec![VerifyingKey::ed25519_pem("ed-a", include_bytes!("../../testdata/ed25519-a.pub.pem")).unwrap()],
    )
    .unwrap();
    TokenService::new(keys, TokenSettings::default(), Arc::new(SystemClock))
}

/// A token signed with the attacker's key (ed25519-b), with `header_extras` merged in.
fn attackers_token(kid: &str, header_extras: serde_json::Value) -> String {
    let now = jsonwebtoken::get_current_timestamp();
    let claims = json!({
        "sub": "admin", "token_type": "access", "iat": now, "nbf": now, "exp": now + 300,
        "jti": "x", "iss": "jobboard", "aud": "jobboard", "ver": 0,
    });
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(kid.to_owned());
    let signed = jsonwebtoken::encode(
        &header,
        &claims,
        &EncodingKey::from_ed_pem(include_bytes!("../../testdata/ed25519-b.pem")).unwrap(),
    )
    .unwrap();
    // Re-encode the header with the extras; the signature no longer covers it, which only
    // matters if the verifier gets that far.
    let (_, rest) = signed.split_once('.').unwrap();
    let mut header_json = serde_json::to_value(&header).unwrap();
    header_json.as_object_mut().unwrap().extend(header_extras.as_object().unwrap().clone());
    format!("{}.{rest}", URL_SAFE_NO_PAD.encode(header_json.to_string()))
}

#[tokio::test]
async fn jku_jwk_and_x5u_headers_are_never_followed() {
    let attacker = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_string("{\"keys\":[]}")).mount(&attacker).await;
    let jwks_url = format!("{}/jwks.json", attacker.uri());
    let attackers_jwk =
        json!({ "kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", "kid": "evil" });
    let tokens = our_tokens();

    let unknown_kid = tokens
        .verify_access(&attackers_token("evil", json!({ "jku": jwks_url, "jwk": attackers_jwk, "x5u": jwks_url })));
    let our_kid = tokens.verify_access(&attackers_token("ed-a", json!({ "jku": jwks_url, "jwk": attackers_jwk })));

    assert_eq!(unknown_kid, Err(TokenError::UnknownKey));
    assert_eq!(our_kid, Err(TokenError::BadSignature), "our kid, the attacker's signature");
    assert_eq!(attacker.received_requests().await.unwrap().len(), 0, "no request ever reached the attacker's server");
}
