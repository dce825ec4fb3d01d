//! Signed access tokens (JWT, HS256).
//!
//! Verification is strict on purpose: the algorithm must be on the allow-list (never taken
//! from the token), `exp`, `nbf`, `iat`, `sub`, `jti`, `iss` and `aud` must all be present,
//! the token type must be the one expected, and time is read from the injected [`Clock`] with
//! an explicit leeway (0 unless configured). jsonwebtoken's own time checks are switched off
//! because they read the system clock and default to a 60 s leeway.

use std::fmt;
use std::sync::Arc;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::clock::{Clock, UnixTime};

/// Shortest HMAC secret accepted: 256 bits, the size of HS256's output (RFC 7518 §3.2).
pub const MIN_SECRET_BYTES: usize = 32;

const ALGORITHM: Algorithm = Algorithm::HS256;
const REQUIRED_CLAIMS: [&str; 7] = ["exp", "nbf", "iat", "sub", "jti", "iss", "aud"];

/// What a token is for. An access token is never accepted where a refresh token is due, and
/// the reverse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenType {
    Access,
    Refresh,
}

/// The payload of every token we issue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The username.
    pub sub: String,
    pub token_type: TokenType,
    pub iat: UnixTime,
    pub nbf: UnixTime,
    pub exp: UnixTime,
    /// Unique per token, so one token can be revoked without the others.
    pub jti: String,
    pub iss: String,
    pub aud: String,
}

/// An HMAC key of at least [`MIN_SECRET_BYTES`]. Its `Debug` output is redacted.
#[derive(Clone)]
pub struct HmacSecret(Vec<u8>);

impl HmacSecret {
    pub fn new(bytes: impl Into<Vec<u8>>) -> Result<Self, KeyError> {
        let bytes = bytes.into();
        if bytes.len() < MIN_SECRET_BYTES {
            return Err(KeyError::TooShort { bytes: bytes.len() });
        }
        Ok(Self(bytes))
    }
}

impl fmt::Debug for HmacSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HmacSecret(<redacted>)")
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("the HMAC secret must be at least {MIN_SECRET_BYTES} bytes, got {bytes}")]
    TooShort { bytes: usize },
}

/// Lifetimes and the names written into and required from every token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenSettings {
    pub issuer: String,
    pub audience: String,
    pub access_ttl_seconds: i64,
    /// Tolerated clock skew when checking `exp` and `nbf`.
    pub leeway_seconds: i64,
}

impl Default for TokenSettings {
    fn default() -> Self {
        Self { issuer: "jobboard".into(), audience: "jobboard".into(), access_ttl_seconds: 5 * 60, leeway_seconds: 0 }
    }
}

/// Why a token was refused. Each kind is distinct so tests can pin the exact reason; clients
/// are told less (see the web crate).
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("the token is not a well-formed JWT")]
    Malformed,
    #[error("the token's algorithm is not allowed")]
    AlgorithmNotAllowed,
    #[error("the token's signature does not match")]
    BadSignature,
    #[error("the token lacks the required claim `{0}`")]
    MissingClaim(String),
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid yet")]
    NotYetValid,
    #[error("the token was issued by someone else")]
    WrongIssuer,
    #[error("the token is meant for another audience")]
    WrongAudience,
    #[error("a {found:?} token was presented where a {expected:?} token is required")]
    WrongType { expected: TokenType, found: TokenType },
    #[error("signing failed: {0}")]
    Signing(String),
}

/// A freshly signed token with what the client needs to know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedToken {
    pub token: String,
    pub claims: Claims,
    pub expires_in_seconds: i64,
}

pub struct TokenService {
    encoding_key: EncodingKey,
    decoding_key: DecodingKey,
    validation: Validation,
    settings: TokenSettings,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for TokenService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenService")
            .field("settings", &self.settings)
            .field("clock", &self.clock)
            .finish_non_exhaustive()
    }
}

impl TokenService {
    pub fn hs256(secret: &HmacSecret, settings: TokenSettings, clock: Arc<dyn Clock>) -> Self {
        let mut validation = Validation::new(ALGORITHM);
        validation.algorithms = vec![ALGORITHM];
        validation.set_required_spec_claims(&REQUIRED_CLAIMS);
        validation.set_issuer(&[&settings.issuer]);
        validation.set_audience(&[&settings.audience]);
        // Time is checked below against our clock; jsonwebtoken would read the system clock.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.leeway = 0;
        Self {
            encoding_key: EncodingKey::from_secret(&secret.0),
            decoding_key: DecodingKey::from_secret(&secret.0),
            validation,
            settings,
            clock,
        }
    }

    pub fn issue_access(&self, subject: &str) -> Result<IssuedToken, TokenError> {
        self.issue(subject, TokenType::Access, self.settings.access_ttl_seconds)
    }

    fn issue(&self, subject: &str, token_type: TokenType, ttl_seconds: i64) -> Result<IssuedToken, TokenError> {
        let now = self.clock.now();
        let claims = Claims {
            sub: subject.to_owned(),
            token_type,
            iat: now,
            nbf: now,
            exp: now + ttl_seconds,
            jti: uuid::Uuid::new_v4().to_string(),
            iss: self.settings.issuer.clone(),
            aud: self.settings.audience.clone(),
        };
        let token = jsonwebtoken::encode(&Header::new(ALGORITHM), &claims, &self.encoding_key)
            .map_err(|error| TokenError::Signing(error.to_string()))?;
        Ok(IssuedToken { token, claims, expires_in_seconds: ttl_seconds })
    }

    /// The claims of `token` when it is an authentic, current access token.
    pub fn verify_access(&self, token: &str) -> Result<Claims, TokenError> {
        self.verify(token, TokenType::Access)
    }

    fn verify(&self, token: &str, expected: TokenType) -> Result<Claims, TokenError> {
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding_key, &self.validation)
            .map_err(|error| classify(error.kind()))?
            .claims;
        if claims.token_type != expected {
            return Err(TokenError::WrongType { expected, found: claims.token_type });
        }
        let (now, leeway) = (self.clock.now(), self.settings.leeway_seconds);
        // RFC 7519: valid strictly before `exp` and from `nbf` on.
        if now >= claims.exp.saturating_add(leeway) {
            return Err(TokenError::Expired);
        }
        if now < claims.nbf.saturating_sub(leeway) {
            return Err(TokenError::NotYetValid);
        }
        Ok(claims)
    }
}

fn classify(kind: &ErrorKind) -> TokenError {
    match kind {
        ErrorKind::InvalidSignature => TokenError::BadSignature,
        ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName | ErrorKind::UnsupportedAlgorithm => {
            TokenError::AlgorithmNotAllowed
        }
        ErrorKind::MissingRequiredClaim(claim) => TokenError::MissingClaim(claim.clone()),
        ErrorKind::InvalidIssuer => TokenError::WrongIssuer,
        ErrorKind::InvalidAudience => TokenError::WrongAudience,
        ErrorKind::ExpiredSignature => TokenError::Expired,
        ErrorKind::ImmatureSignature => TokenError::NotYetValid,
        _ => TokenError::Malformed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;

    const NOW: UnixTime = 1_750_000_000;

    fn secret(byte: u8) -> HmacSecret {
        HmacSecret::new(vec![byte; MIN_SECRET_BYTES]).unwrap()
    }

    fn service_at(clock: &Arc<FixedClock>) -> TokenService {
        TokenService::hs256(&secret(7), TokenSettings::default(), clock.clone())
    }

    #[test]
    fn an_issued_access_token_verifies_with_its_claims() {
        let clock = Arc::new(FixedClock::at(NOW));
        let tokens = service_at(&clock);

        let issued = tokens.issue_access("ada").unwrap();
        let claims = tokens.verify_access(&issued.token).unwrap();

        assert_eq!(claims, issued.claims);
        assert_eq!((claims.sub.as_str(), claims.token_type), ("ada", TokenType::Access));
        assert_eq!((claims.iat, claims.nbf, claims.exp), (NOW, NOW, NOW + 300));
        assert_eq!(issued.expires_in_seconds, 300);
    }

    #[test]
    fn every_token_gets_its_own_jti() {
        let tokens = service_at(&Arc::new(FixedClock::at(NOW)));
        let first = tokens.issue_access("ada").unwrap();
        let second = tokens.issue_access("ada").unwrap();
        assert_ne!(first.claims.jti, second.claims.jti);
    }

    #[test]
    fn rejects_an_expired_token_from_its_exp_second_on() {
        let clock = Arc::new(FixedClock::at(NOW));
        let tokens = service_at(&clock);
        let issued = tokens.issue_access("ada").unwrap();

        clock.advance(299);
        assert!(tokens.verify_access(&issued.token).is_ok(), "one second before exp");
        clock.advance(1);
        assert_eq!(tokens.verify_access(&issued.token), Err(TokenError::Expired));
    }

    #[test]
    fn leeway_extends_validity_by_exactly_that_many_seconds() {
        let clock = Arc::new(FixedClock::at(NOW));
        let settings = TokenSettings { leeway_seconds: 30, ..TokenSettings::default() };
        let tokens = TokenService::hs256(&secret(7), settings, clock.clone());
        let issued = tokens.issue_access("ada").unwrap();

        clock.advance(300 + 29);
        assert!(tokens.verify_access(&issued.token).is_ok());
        clock.advance(1);
        assert_eq!(tokens.verify_access(&issued.token), Err(TokenError::Expired));
    }

    #[test]
    fn rejects_a_token_before_its_nbf() {
        let clock = Arc::new(FixedClock::at(NOW));
        let tokens = service_at(&clock);
        let issued = tokens.issue_access("ada").unwrap();

        clock.advance(-1);
        assert_eq!(tokens.verify_access(&issued.token), Err(TokenError::NotYetValid));
    }

    #[test]
    fn rejects_a_token_signed_with_another_secret() {
        let clock = Arc::new(FixedClock::at(NOW));
        let forger = TokenService::hs256(&secret(8), TokenSettings::default(), clock.clone());
        let forged = forger.issue_access("admin").unwrap();

        assert_eq!(service_at(&clock).verify_access(&forged.token), Err(TokenError::BadSignature));
    }

    #[test]
    fn rejects_a_token_whose_payload_was_edited() {
        let clock = Arc::new(FixedClock::at(NOW));
        let tokens = service_at(&clock);
        let genuine = tokens.issue_access("ada").unwrap().token;
        let impostor = tokens.issue_access("root").unwrap().token;
        let [header, _, signature]: [&str; 3] = genuine.split('.').collect::<Vec<_>>().try_into().unwrap();
        let edited_payload = impostor.split('.').nth(1).unwrap();

        let tampered = format!("{header}.{edited_payload}.{signature}");

        assert_eq!(tokens.verify_access(&tampered), Err(TokenError::BadSignature));
    }

    #[test]
    fn rejects_an_unsigned_alg_none_token() {
        let tokens = service_at(&Arc::new(FixedClock::at(NOW)));
        let payload = tokens.issue_access("ada").unwrap().token.split('.').nth(1).unwrap().to_owned();
        // {"alg":"none","typ":"JWT"}
        let unsigned = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.");

        assert!(tokens.verify_access(&unsigned).is_err());
    }

    #[test]
    fn rejects_a_token_for_another_audience_or_issuer() {
        let clock = Arc::new(FixedClock::at(NOW));
        let tokens = service_at(&clock);
        let other_audience = TokenSettings { audience: "billing".into(), ..TokenSettings::default() };
        let other_issuer = TokenSettings { issuer: "someone-else".into(), ..TokenSettings::default() };
        let for_billing = TokenService::hs256(&secret(7), other_audience, clock.clone()).issue_access("ada").unwrap();
        let from_elsewhere = TokenService::hs256(&secret(7), other_issuer, clock.clone()).issue_access("ada").unwrap();

        assert_eq!(tokens.verify_access(&for_billing.token), Err(TokenError::WrongAudience));
        assert_eq!(tokens.verify_access(&from_elsewhere.token), Err(TokenError::WrongIssuer));
    }

    #[test]
    fn rejects_garbage() {
        let tokens = service_at(&Arc::new(FixedClock::at(NOW)));
        for garbage in ["", "abc", "a.b", "a.b.c", "a.b.c.d"] {
            assert_eq!(tokens.verify_access(garbage), Err(TokenError::Malformed), "{garbage:?}");
        }
    }

    #[test]
    fn a_secret_shorter_than_32_bytes_is_refused() {
        assert_eq!(HmacSecret::new(vec![0; 31]).unwrap_err(), KeyError::TooShort { bytes: 31 });
        assert_eq!(format!("{:?}", secret(1)), "HmacSecret(<redacted>)");
    }
}
