//! The token verifier, tested like a security library: each attack by name, each boundary to
//! the second, and properties over generated claims and tampered bytes.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{EncodingKey, Header};
use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;
use crate::clock::FixedClock;
use crate::keys::{HmacSecret, SigningKey, VerifyingKey};

const NOW: UnixTime = 1_750_000_000;
const SECRET: &[u8; 32] = b"unit-test-secret-of-32-bytes-ok!";
const ED_A: &[u8] = include_bytes!("../../testdata/ed25519-a.pem");
const ED_A_PUB: &[u8] = include_bytes!("../../testdata/ed25519-a.pub.pem");
const ED_B: &[u8] = include_bytes!("../../testdata/ed25519-b.pem");
const ED_B_PUB: &[u8] = include_bytes!("../../testdata/ed25519-b.pub.pem");
const RSA_A: &[u8] = include_bytes!("../../testdata/rsa-a.pem");
const RSA_A_PUB: &[u8] = include_bytes!("../../testdata/rsa-a.pub.pem");

fn secret() -> HmacSecret {
    HmacSecret::new(SECRET.to_vec()).unwrap()
}

fn hs256(clock: &Arc<FixedClock>) -> TokenService {
    hs256_with(clock, TokenSettings::default())
}

fn hs256_with(clock: &Arc<FixedClock>, settings: TokenSettings) -> TokenService {
    TokenService::new(KeySet::hs256("hs-1", &secret()), settings, clock.clone())
}

fn eddsa(clock: &Arc<FixedClock>) -> TokenService {
    let keys = KeySet::new(
        SigningKey::ed25519_pem("ed-a", ED_A).unwrap(),
        vec![VerifyingKey::ed25519_pem("ed-a", ED_A_PUB).unwrap()],
    )
    .unwrap();
    TokenService::new(keys, TokenSettings::default(), clock.clone())
}

fn rs256(clock: &Arc<FixedClock>) -> TokenService {
    let keys = KeySet::new(
        SigningKey::rs256_pem("rsa-a", RSA_A).unwrap(),
        vec![VerifyingKey::rs256_pem("rsa-a", RSA_A_PUB).unwrap()],
    )
    .unwrap();
    TokenService::new(keys, TokenSettings::default(), clock.clone())
}

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::at(NOW))
}

/// Valid claims of an access token issued now, as JSON, to be bent by a test.
fn claims_json() -> Value {
    json!({
        "sub": "ada", "token_type": "access", "iat": NOW, "nbf": NOW, "exp": NOW + 300,
        "jti": "j-1", "iss": "jobboard", "aud": "jobboard", "ver": 0,
    })
}

/// `claims` signed with the test secret under `header`, however wrong either may be.
fn sign_hs(header: Header, claims: &Value, secret: &[u8]) -> String {
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_secret(secret)).unwrap()
}

fn hs_header(alg: Algorithm) -> Header {
    let mut header = Header::new(alg);
    header.kid = Some("hs-1".into());
    header
}

fn b64(json: &Value) -> String {
    URL_SAFE_NO_PAD.encode(json.to_string())
}

// ---- what works -----------------------------------------------------------------------------

#[test]
fn an_issued_access_token_verifies_with_every_claim() {
    let tokens = hs256(&clock());

    let issued = tokens.issue_access("ada", 7).unwrap();
    let claims = tokens.verify_access(&issued.token).unwrap();

    assert_eq!(claims, issued.claims);
    assert_eq!((claims.sub.as_str(), claims.token_type, claims.ver), ("ada", TokenType::Access, 7));
    assert_eq!((claims.iat, claims.nbf, claims.exp), (NOW, NOW, NOW + 300));
    assert_eq!((claims.iss.as_str(), claims.aud.as_deref(), claims.fam), ("jobboard", Some("jobboard"), None));
}

#[test]
fn a_refresh_token_lives_a_day_and_names_its_family() {
    let tokens = hs256(&clock());

    let issued = tokens.issue_refresh("ada", 0, "family-1").unwrap();
    let claims = tokens.verify_refresh(&issued.token).unwrap();

    assert_eq!((claims.exp - claims.iat, claims.fam.as_deref()), (86_400, Some("family-1")));
}

#[test]
fn every_token_gets_its_own_jti() {
    let tokens = hs256(&clock());
    assert_ne!(tokens.issue_access("ada", 0).unwrap().claims.jti, tokens.issue_access("ada", 0).unwrap().claims.jti);
}

#[test]
fn eddsa_and_rs256_tokens_carry_their_kid_and_verify() {
    for tokens in [eddsa(&clock()), rs256(&clock())] {
        let issued = tokens.issue_access("ada", 0).unwrap();
        let header = jsonwebtoken::decode_header(&issued.token).unwrap();

        assert_eq!(header.kid.as_deref(), Some(tokens.keys().signing().kid()));
        assert_eq!(tokens.verify_access(&issued.token).unwrap().sub, "ada");
    }
}

#[test]
fn after_a_rotation_tokens_signed_with_the_previous_key_still_verify() {
    let clock = clock();
    let before = TokenService::new(
        KeySet::new(
            SigningKey::ed25519_pem("ed-a", ED_A).unwrap(),
            vec![VerifyingKey::ed25519_pem("ed-a", ED_A_PUB).unwrap()],
        )
        .unwrap(),
        TokenSettings::default(),
        clock.clone(),
    );
    let after = TokenService::new(
        KeySet::new(
            SigningKey::ed25519_pem("ed-b", ED_B).unwrap(),
            vec![
                VerifyingKey::ed25519_pem("ed-b", ED_B_PUB).unwrap(),
                VerifyingKey::ed25519_pem("ed-a", ED_A_PUB).unwrap(),
            ],
        )
        .unwrap(),
        TokenSettings::default(),
        clock.clone(),
    );

    let old = before.issue_access("ada", 0).unwrap().token;
    let new = after.issue_access("ada", 0).unwrap().token;

    assert!(after.verify_access(&old).is_ok(), "old key still verifies");
    assert!(after.verify_access(&new).is_ok());
    assert_eq!(before.verify_access(&new), Err(TokenError::UnknownKey), "the new key is unknown to the old set");
}

// ---- time, to the second --------------------------------------------------------------------

/// A token with the given `exp` and `nbf`, signed with our key.
fn token_with_times(exp: UnixTime, nbf: UnixTime) -> String {
    let mut claims = claims_json();
    claims["exp"] = json!(exp);
    claims["nbf"] = json!(nbf);
    sign_hs(hs_header(Algorithm::HS256), &claims, SECRET)
}

#[test]
fn exp_boundaries_hold_to_the_second_with_and_without_leeway() {
    for leeway in [0, 30] {
        let tokens = hs256_with(&clock(), TokenSettings { leeway_seconds: leeway, ..TokenSettings::default() });

        assert_eq!(
            tokens.verify_access(&token_with_times(NOW - leeway - 1, NOW - 600)),
            Err(TokenError::Expired),
            "leeway {leeway}"
        );
        assert_eq!(
            tokens.verify_access(&token_with_times(NOW - leeway, NOW - 600)),
            Err(TokenError::Expired),
            "exp itself is past"
        );
        assert!(tokens.verify_access(&token_with_times(NOW - leeway + 1, NOW - 600)).is_ok(), "leeway {leeway}");
    }
}

#[test]
fn nbf_boundaries_hold_to_the_second_with_and_without_leeway() {
    for leeway in [0, 30] {
        let tokens = hs256_with(&clock(), TokenSettings { leeway_seconds: leeway, ..TokenSettings::default() });

        assert_eq!(
            tokens.verify_access(&token_with_times(NOW + 300, NOW + leeway + 1)),
            Err(TokenError::NotYetValid),
            "leeway {leeway}"
        );
        assert!(tokens.verify_access(&token_with_times(NOW + 300, NOW + leeway)).is_ok(), "nbf itself is valid");
        assert!(tokens.verify_access(&token_with_times(NOW + 300, NOW + leeway - 1)).is_ok(), "leeway {leeway}");
    }
}

#[test]
fn an_issued_token_dies_at_its_exp_second() {
    let clock = clock();
    let tokens = hs256(&clock);
    let issued = tokens.issue_access("ada", 0).unwrap();

    clock.advance(299);
    assert!(tokens.verify_access(&issued.token).is_ok());
    clock.advance(1);
    assert_eq!(tokens.verify_access(&issued.token), Err(TokenError::Expired));
}

// ---- the negative list: every attack by name ------------------------------------------------

#[test]
fn rejects_alg_none_in_any_spelling() {
    let tokens = hs256(&clock());
    for alg in ["none", "None", "nOnE", "NONE"] {
        let unsigned = format!("{}.{}.", b64(&json!({ "alg": alg, "typ": "JWT", "kid": "hs-1" })), b64(&claims_json()));
        assert_eq!(tokens.verify_access(&unsigned), Err(TokenError::AlgorithmNotAllowed), "alg {alg}");
    }
}

#[test]
fn rejects_hs256_signed_with_the_public_key_when_eddsa_is_configured() {
    let tokens = eddsa(&clock());
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("ed-a".into());

    let confused = sign_hs(header, &claims_json(), ED_A_PUB);

    assert_eq!(tokens.verify_access(&confused), Err(TokenError::AlgorithmNotAllowed));
}

#[test]
fn rejects_hs256_signed_with_the_public_key_when_rs256_is_configured() {
    let tokens = rs256(&clock());
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("rsa-a".into());

    let confused = sign_hs(header, &claims_json(), RSA_A_PUB);

    assert_eq!(tokens.verify_access(&confused), Err(TokenError::AlgorithmNotAllowed));
}

#[test]
fn rejects_an_hmac_algorithm_outside_the_allow_list() {
    let tokens = hs256(&clock());

    let hs512 = sign_hs(hs_header(Algorithm::HS512), &claims_json(), SECRET);

    assert_eq!(tokens.verify_access(&hs512), Err(TokenError::AlgorithmNotAllowed));
}

#[test]
fn rejects_a_payload_tampered_under_the_original_signature() {
    let tokens = hs256(&clock());
    let genuine = tokens.issue_access("ada", 0).unwrap().token;
    let parts: Vec<&str> = genuine.split('.').collect();
    let mut payload: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    payload["sub"] = json!("admin");

    let tampered = format!("{}.{}.{}", parts[0], b64(&payload), parts[2]);

    assert_eq!(tokens.verify_access(&tampered), Err(TokenError::BadSignature));
}

#[test]
fn rejects_an_empty_or_truncated_signature() {
    let tokens = hs256(&clock());
    let genuine = tokens.issue_access("ada", 0).unwrap().token;
    let (signed_part, signature) = genuine.rsplit_once('.').unwrap();

    let empty = format!("{signed_part}.");
    // 40 characters: whole base64 groups, so it decodes (to 30 of the 32 bytes) and the
    // signature check itself must refuse it.
    let truncated = format!("{signed_part}.{}", &signature[..40]);

    assert_eq!(tokens.verify_access(&empty), Err(TokenError::BadSignature));
    assert_eq!(tokens.verify_access(&truncated), Err(TokenError::BadSignature));
}

#[test]
fn rejects_bad_base64url() {
    let tokens = hs256(&clock());
    let genuine = tokens.issue_access("ada", 0).unwrap().token;
    let parts: Vec<&str> = genuine.split('.').collect();

    for broken in [
        format!("{}.{}.{}", "e30=!", parts[1], parts[2]),
        format!("{}.@@@@.{}", parts[0], parts[2]),
        format!("{}.{}.{}", parts[0], parts[1], "+/+/"),
        "not.a.jwt".to_owned(),
        String::new(),
    ] {
        let result = tokens.verify_access(&broken);
        assert!(matches!(result, Err(TokenError::Malformed | TokenError::BadSignature)), "{broken:?}: {result:?}");
    }
    assert_eq!(tokens.verify_access(&format!("{}.@@@@.{}", parts[0], parts[2])), Err(TokenError::BadSignature));
    assert_eq!(tokens.verify_access("e30=!.e30.e30"), Err(TokenError::Malformed));
}

#[test]
fn rejects_exp_as_a_string_or_a_float() {
    let tokens = hs256(&clock());
    for (exp, expected) in [
        (json!("9999999999"), TokenError::Malformed),
        (json!(9_999_999_999.5), TokenError::Malformed),
        (json!(true), TokenError::Malformed),
        (json!(null), TokenError::MissingClaim("exp".into())),
    ] {
        let mut claims = claims_json();
        claims["exp"] = exp.clone();

        let token = sign_hs(hs_header(Algorithm::HS256), &claims, SECRET);

        assert_eq!(tokens.verify_access(&token), Err(expected), "exp {exp}");
    }
}

#[test]
fn rejects_a_token_missing_exp_or_jti() {
    let tokens = hs256(&clock());
    for claim in ["exp", "jti", "nbf", "iat", "sub", "iss", "aud", "token_type", "ver"] {
        let mut claims = claims_json();
        claims.as_object_mut().unwrap().remove(claim);

        let token = sign_hs(hs_header(Algorithm::HS256), &claims, SECRET);

        assert_eq!(tokens.verify_access(&token), Err(TokenError::MissingClaim(claim.into())), "without {claim}");
    }
}

#[test]
fn rejects_a_token_from_another_issuer_or_for_another_audience() {
    let tokens = hs256(&clock());
    let bent = |claim: &str, value: &str| {
        let mut claims = claims_json();
        claims[claim] = json!(value);
        sign_hs(hs_header(Algorithm::HS256), &claims, SECRET)
    };

    assert_eq!(tokens.verify_access(&bent("iss", "evil")), Err(TokenError::WrongIssuer));
    assert_eq!(tokens.verify_access(&bent("aud", "billing")), Err(TokenError::WrongAudience));
}

#[test]
fn rejects_an_aud_when_no_audience_is_expected() {
    let tokens = hs256_with(&clock(), TokenSettings { audience: None, ..TokenSettings::default() });

    let with_aud = sign_hs(hs_header(Algorithm::HS256), &claims_json(), SECRET);
    let mut without = claims_json();
    without.as_object_mut().unwrap().remove("aud");

    assert_eq!(tokens.verify_access(&with_aud), Err(TokenError::WrongAudience));
    assert!(tokens.verify_access(&sign_hs(hs_header(Algorithm::HS256), &without, SECRET)).is_ok());
}

#[test]
fn rejects_an_unknown_or_missing_kid() {
    let tokens = hs256(&clock());
    let mut unknown = Header::new(Algorithm::HS256);
    unknown.kid = Some("hs-2".into());

    assert_eq!(tokens.verify_access(&sign_hs(unknown, &claims_json(), SECRET)), Err(TokenError::UnknownKey));
    assert_eq!(
        tokens.verify_access(&sign_hs(Header::new(Algorithm::HS256), &claims_json(), SECRET)),
        Err(TokenError::MissingKeyId)
    );
}

#[test]
fn a_refresh_token_is_never_an_access_token_and_the_reverse() {
    let tokens = hs256(&clock());
    let access = tokens.issue_access("ada", 0).unwrap().token;
    let refresh = tokens.issue_refresh("ada", 0, "f").unwrap().token;

    assert_eq!(
        tokens.verify_access(&refresh),
        Err(TokenError::WrongType { expected: TokenType::Access, found: TokenType::Refresh })
    );
    assert_eq!(
        tokens.verify_refresh(&access),
        Err(TokenError::WrongType { expected: TokenType::Refresh, found: TokenType::Access })
    );
}

#[test]
fn rejects_a_token_signed_with_another_secret() {
    let tokens = hs256(&clock());

    let forged = sign_hs(hs_header(Algorithm::HS256), &claims_json(), b"another-secret-of-thirty-two-b!!");

    assert_eq!(tokens.verify_access(&forged), Err(TokenError::BadSignature));
}

#[test]
fn rejects_an_eddsa_token_signed_by_someone_elses_key_under_our_kid() {
    let tokens = eddsa(&clock());
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some("ed-a".into());

    let forged = jsonwebtoken::encode(&header, &claims_json(), &EncodingKey::from_ed_pem(ED_B).unwrap()).unwrap();

    assert_eq!(tokens.verify_access(&forged), Err(TokenError::BadSignature));
}

/// `claims` under a header written by hand (what jsonwebtoken's `Header` cannot express),
/// signed with the test secret.
fn sign_raw_header(header: &Value, claims: &Value) -> String {
    let signed = format!("{}.{}", b64(header), b64(claims));
    let mut hmac = <Hmac<Sha256> as Mac>::new_from_slice(SECRET).unwrap();
    hmac.update(signed.as_bytes());
    format!("{signed}.{}", URL_SAFE_NO_PAD.encode(hmac.finalize().into_bytes()))
}

#[test]
fn rejects_any_critical_header_extension() {
    let tokens = hs256(&clock());
    let header = json!({ "alg": "HS256", "typ": "JWT", "kid": "hs-1", "crit": ["exp"], "exp": NOW + 300 });

    assert_eq!(tokens.verify_access(&sign_raw_header(&header, &claims_json())), Err(TokenError::CriticalHeader));
}

#[test]
fn a_token_must_say_it_is_a_jwt() {
    let tokens = hs256(&clock());
    let typed = |typ: Option<&str>| {
        let mut header = json!({ "alg": "HS256", "kid": "hs-1" });
        if let Some(typ) = typ {
            header["typ"] = json!(typ);
        }
        tokens.verify_access(&sign_raw_header(&header, &claims_json()))
    };

    assert_eq!(typed(None), Err(TokenError::NotTypedJwt));
    assert_eq!(typed(Some("at+jwt")), Err(TokenError::NotTypedJwt));
    assert_eq!(typed(Some("JOSE")), Err(TokenError::NotTypedJwt));
    assert!(typed(Some("JWT")).is_ok());
    assert!(typed(Some("jwt")).is_ok(), "media types are case-insensitive (RFC 7515 §4.1.9)");
}

#[test]
fn rejects_a_token_issued_in_the_future_beyond_the_leeway() {
    let strict = hs256(&clock());
    let lenient = hs256_with(&clock(), TokenSettings { leeway_seconds: 30, ..TokenSettings::default() });
    let issued_at = |iat: UnixTime| {
        let mut claims = claims_json();
        claims["iat"] = json!(iat);
        sign_hs(hs_header(Algorithm::HS256), &claims, SECRET)
    };

    assert!(strict.verify_access(&issued_at(NOW)).is_ok());
    assert_eq!(strict.verify_access(&issued_at(NOW + 1)), Err(TokenError::IssuedInTheFuture));
    assert!(lenient.verify_access(&issued_at(NOW + 30)).is_ok());
    assert_eq!(lenient.verify_access(&issued_at(NOW + 31)), Err(TokenError::IssuedInTheFuture));
    assert_eq!(strict.verify_access(&issued_at(NOW + 3 * 365 * 24 * 3600)), Err(TokenError::IssuedInTheFuture));
}

#[test]
fn rejects_a_token_that_would_live_longer_than_its_kind_may() {
    let tokens = hs256(&clock());
    let lasting = |token_type: &str, exp: UnixTime| {
        let mut claims = claims_json();
        claims["token_type"] = json!(token_type);
        claims["exp"] = json!(exp);
        claims["fam"] = json!("f-1");
        sign_hs(hs_header(Algorithm::HS256), &claims, SECRET)
    };

    assert!(tokens.verify_access(&lasting("access", NOW + 300)).is_ok());
    assert_eq!(tokens.verify_access(&lasting("access", NOW + 301)), Err(TokenError::LifetimeTooLong));
    assert_eq!(tokens.verify_access(&lasting("access", i64::MAX)), Err(TokenError::LifetimeTooLong));
    assert!(tokens.verify_refresh(&lasting("refresh", NOW + 24 * 3600)).is_ok());
    assert_eq!(tokens.verify_refresh(&lasting("refresh", NOW + 24 * 3600 + 1)), Err(TokenError::LifetimeTooLong));
}

// ---- properties -----------------------------------------------------------------------------

proptest! {
    #[test]
    fn any_claims_round_trip(subject in "\\PC{1,40}", version in any::<i64>(), family in "[a-z0-9-]{1,36}") {
        let tokens = hs256(&clock());

        let access = tokens.issue_access(&subject, version).unwrap();
        let refresh = tokens.issue_refresh(&subject, version, &family).unwrap();

        prop_assert_eq!(tokens.verify_access(&access.token), Ok(access.claims));
        prop_assert_eq!(tokens.verify_refresh(&refresh.token), Ok(refresh.claims));
    }

    #[test]
    fn any_single_byte_change_anywhere_is_rejected(position in any::<prop::sample::Index>(), replacement in 0u8..128) {
        let tokens = hs256(&clock());
        let token = tokens.issue_access("ada", 0).unwrap().token;
        let mut bytes = token.clone().into_bytes();
        let index = position.index(bytes.len());
        prop_assume!(bytes[index] != replacement);
        bytes[index] = replacement;

        let changed = String::from_utf8(bytes).unwrap();

        prop_assert!(tokens.verify_access(&changed).is_err(), "byte {} changed to {:?} was accepted", index, replacement as char);
    }
}
