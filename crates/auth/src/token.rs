//! Signed tokens (JWT): access tokens for every request, refresh tokens to get new ones.
//!
//! Verification is strict on purpose, in this order:
//! 1. the header's `alg` must be on the allow-list (the algorithms of our keys), exactly as
//!    spelled: `none`, `None`, `HS512` are refused before any cryptography;
//! 2. the header's `kid` must name one of our keys, and that key's algorithm must be the
//!    header's: an HS256 token cannot borrow an EdDSA key (algorithm confusion). `jwk`, `jku`
//!    and `x5u` headers are never read, so no key or URL is ever taken from the token;
//!    A header with `crit` is refused (we support no extension), and so is one whose `typ` is
//!    not `JWT` (explicit typing, RFC 8725 §3.11; the kind of token is its `token_type`);
//! 3. the signature, then `exp`, `nbf`, `iat`, `sub`, `jti` and `iss` (and `aud` when one is
//!    expected; when none is, a token carrying one is refused);
//! 4. the token type, then time against the injected [`Clock`], with an explicit leeway (0
//!    unless configured): `iat` not in the future, `exp − iat` no longer than the configured
//!    lifetime of that kind of token, then `exp` and `nbf`. jsonwebtoken's own time checks are off: they read the system clock
//!    and default to a 60 s leeway.
//!
//! Whether a token was revoked is not this module's business: see [`crate::sessions`].

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, Header};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::clock::{Clock, UnixTime};
use crate::keys::KeySet;

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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
    /// The subject's token version when issued; bumping it revokes every older token.
    pub ver: i64,
    /// The refresh-token family (one login and its rotations), on the access tokens minted with
    /// it too, so revoking the family ends them; absent on an access token minted alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fam: Option<String>,
}

/// Lifetimes, names written into and required from every token, and the tolerated skew.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenSettings {
    pub issuer: String,
    /// `None`: tokens carry no `aud`, and one that does is refused.
    pub audience: Option<String>,
    pub access_ttl_seconds: i64,
    pub refresh_ttl_seconds: i64,
    /// Tolerated clock skew when checking `exp` and `nbf`.
    pub leeway_seconds: i64,
}

impl Default for TokenSettings {
    fn default() -> Self {
        Self {
            issuer: "jobboard".into(),
            audience: Some("jobboard".into()),
            access_ttl_seconds: 5 * 60,
            refresh_ttl_seconds: 24 * 60 * 60,
            leeway_seconds: 0,
        }
    }
}

/// Why a token was refused. Each kind is distinct so tests can pin the exact reason; clients
/// are told less (see the web crate).
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    /// Not three base64url parts of JSON, or a claim of the wrong type (`"exp": "tomorrow"`,
    /// `"exp": 1.5e9`): [`Claims`] is typed, so such a token never gets as far as a time check.
    /// jsonwebtoken before 10.3 could mistake a mistyped `exp` for a missing one.
    #[error("the token is not a well-formed JWT")]
    Malformed,
    #[error("the token's algorithm is not allowed")]
    AlgorithmNotAllowed,
    #[error("the token names no key")]
    MissingKeyId,
    #[error("the token names a key we do not have")]
    UnknownKey,
    #[error("the token's signature does not match")]
    BadSignature,
    #[error("the token lacks the required claim `{0}`")]
    MissingClaim(String),
    /// RFC 7515 §4.1.11: a recipient must refuse extensions it does not understand; we
    /// understand none.
    #[error("the token requires header extensions we do not support")]
    CriticalHeader,
    /// RFC 8725 §3.11, explicit typing: a JSON object signed for another purpose is not a token.
    #[error("the token does not say it is a JWT")]
    NotTypedJwt,
    #[error("the token was issued in the future")]
    IssuedInTheFuture,
    #[error("the token would live longer than its kind may")]
    LifetimeTooLong,

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
    keys: KeySet,
    settings: TokenSettings,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for TokenService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenService")
            .field("keys", &self.keys)
            .field("settings", &self.settings)
            .field("clock", &self.clock)
            .finish()
    }
}

impl TokenService {
    pub fn new(keys: KeySet, settings: TokenSettings, clock: Arc<dyn Clock>) -> Self {
        Self { keys, settings, clock }
    }

    pub fn keys(&self) -> &KeySet {
        &self.keys
    }

    pub fn settings(&self) -> &TokenSettings {
        &self.settings
    }

    pub fn now(&self) -> UnixTime {
        self.clock.now()
    }

    pub fn issue_access(&self, subject: &str, version: i64) -> Result<IssuedToken, TokenError> {
        self.issue(subject, TokenType::Access, version, None)
    }

    /// An access token minted with a refresh token of `family`: it dies with the family.
    pub fn issue_access_in(&self, subject: &str, version: i64, family: &str) -> Result<IssuedToken, TokenError> {
        self.issue(subject, TokenType::Access, version, Some(family.to_owned()))
    }

    /// A refresh token of `family` (a new family at login; the same one at every rotation).
    pub fn issue_refresh(&self, subject: &str, version: i64, family: &str) -> Result<IssuedToken, TokenError> {
        self.issue(subject, TokenType::Refresh, version, Some(family.to_owned()))
    }

    fn issue(
        &self,
        subject: &str,
        token_type: TokenType,
        version: i64,
        family: Option<String>,
    ) -> Result<IssuedToken, TokenError> {
        let ttl = match token_type {
            TokenType::Access => self.settings.access_ttl_seconds,
            TokenType::Refresh => self.settings.refresh_ttl_seconds,
        };
        let now = self.clock.now();
        let claims = Claims {
            sub: subject.to_owned(),
            token_type,
            iat: now,
            nbf: now,
            exp: now.saturating_add(ttl),
            jti: uuid::Uuid::new_v4().to_string(),
            iss: self.settings.issuer.clone(),
            aud: self.settings.audience.clone(),
            ver: version,
            fam: family,
        };
        let signing = self.keys.signing();
        let mut header = Header::new(signing.algorithm);
        header.kid = Some(signing.kid.clone());
        let token = jsonwebtoken::encode(&header, &claims, &signing.key)
            .map_err(|error| TokenError::Signing(error.to_string()))?;
        Ok(IssuedToken { token, claims, expires_in_seconds: ttl })
    }

    /// The claims of `token` when it is an authentic, current access token.
    pub fn verify_access(&self, token: &str) -> Result<Claims, TokenError> {
        self.verify(token, TokenType::Access)
    }

    /// The claims of `token` when it is an authentic, current refresh token.
    pub fn verify_refresh(&self, token: &str) -> Result<Claims, TokenError> {
        self.verify(token, TokenType::Refresh)
    }

    fn verify(&self, token: &str, expected: TokenType) -> Result<Claims, TokenError> {
        let mut parts = token.split('.');
        let (Some(encoded_header), Some(encoded_payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenError::Malformed);
        };
        let key = match self.keys.find_by_encoded_header(encoded_header) {
            Some(key) => key,
            None => self.key_named_by(encoded_header)?,
        };
        // jsonwebtoken checks the signature; the claims are checked here, so that a missing or
        // mistyped claim is named and time is read from our clock.
        let signed = &token[..encoded_header.len() + 1 + encoded_payload.len()];
        let authentic = match &key.hmac {
            Some(hmac) => verify_hmac(hmac.clone(), signed, signature)?,
            None => jsonwebtoken::crypto::verify(signature, signed.as_bytes(), &key.key, key.algorithm)
                .map_err(|_| TokenError::Malformed)?,
        };
        if !authentic {
            return Err(TokenError::BadSignature);
        }
        let mut buffer = [0; 1024];
        let claims =
            parse_part::<RawClaims<'_>>(encoded_payload, &mut buffer)?.into_claims(self.settings.audience.is_some())?;

        if claims.iss != self.settings.issuer {
            return Err(TokenError::WrongIssuer);
        }
        if claims.aud != self.settings.audience {
            return Err(TokenError::WrongAudience);
        }
        if claims.token_type != expected {
            return Err(TokenError::WrongType { expected, found: claims.token_type });
        }
        let (now, leeway) = (self.clock.now(), self.settings.leeway_seconds);
        if claims.iat > now.saturating_add(leeway) {
            return Err(TokenError::IssuedInTheFuture);
        }
        let lifetime = match claims.token_type {
            TokenType::Access => self.settings.access_ttl_seconds,
            TokenType::Refresh => self.settings.refresh_ttl_seconds,
        };
        // A key that leaked, or a bug in an issuer, must not mint a token for ever.
        if claims.exp.saturating_sub(claims.iat) > lifetime {
            return Err(TokenError::LifetimeTooLong);
        }
        // RFC 7519: valid strictly before `exp`, and from `nbf` on.
        if now >= claims.exp.saturating_add(leeway) {
            return Err(TokenError::Expired);
        }
        if now < claims.nbf.saturating_sub(leeway) {
            return Err(TokenError::NotYetValid);
        }
        Ok(claims)
    }
}

impl TokenService {
    /// The key a header names, checked against the allow-list: the slow path, for headers our
    /// own signer did not write byte for byte.
    fn key_named_by(&self, encoded_header: &str) -> Result<&crate::keys::VerifyingKey, TokenError> {
        let mut buffer = [0; 1024];
        let header: RawHeader<'_> = parse_part(encoded_header, &mut buffer)?;
        // `from_str` is exact: "none", "None" and "nOnE" name no algorithm at all.
        let algorithm = Algorithm::from_str(&header.alg).map_err(|_| TokenError::AlgorithmNotAllowed)?;
        if !self.keys.allows(algorithm) {
            return Err(TokenError::AlgorithmNotAllowed);
        }
        if header.crit.is_some() {
            return Err(TokenError::CriticalHeader);
        }
        if !header.typ.is_some_and(|typ| typ.eq_ignore_ascii_case("JWT")) {
            return Err(TokenError::NotTypedJwt);
        }
        let kid = header.kid.ok_or(TokenError::MissingKeyId)?;
        let key = self.keys.find(&kid).ok_or(TokenError::UnknownKey)?;
        if key.algorithm != algorithm {
            return Err(TokenError::AlgorithmNotAllowed);
        }
        Ok(key)
    }
}

/// HS256 in constant time, with the signature decoded on the stack.
fn verify_hmac(mut hmac: Hmac<Sha256>, signed: &str, signature: &str) -> Result<bool, TokenError> {
    let mut decoded = [0; 64];
    let length = URL_SAFE_NO_PAD.decode_slice(signature, &mut decoded).map_err(|_| TokenError::Malformed)?;
    hmac.update(signed.as_bytes());
    Ok(hmac.verify_slice(&decoded[..length]).is_ok())
}

/// One base64url part of a token, parsed as JSON borrowing from `buffer` (a token larger
/// than the buffer is not one of ours).
fn parse_part<'b, T: Deserialize<'b>>(encoded: &str, buffer: &'b mut [u8; 1024]) -> Result<T, TokenError> {
    let length = URL_SAFE_NO_PAD.decode_slice(encoded, buffer).map_err(|_| TokenError::Malformed)?;
    serde_json::from_slice(&buffer[..length]).map_err(|_| TokenError::Malformed)
}

/// The payload as sent: every claim optional so that a missing one can be named, every one
/// typed so that a mistyped one is refused; strings borrowed until they are kept.
#[derive(Deserialize)]
struct RawClaims<'a> {
    #[serde(borrow)]
    sub: Option<Cow<'a, str>>,
    token_type: Option<TokenType>,
    iat: Option<UnixTime>,
    nbf: Option<UnixTime>,
    exp: Option<UnixTime>,
    #[serde(borrow)]
    jti: Option<Cow<'a, str>>,
    #[serde(borrow)]
    iss: Option<Cow<'a, str>>,
    #[serde(borrow)]
    aud: Option<Cow<'a, str>>,
    ver: Option<i64>,
    #[serde(borrow)]
    fam: Option<Cow<'a, str>>,
}

impl RawClaims<'_> {
    fn into_claims(self, audience_expected: bool) -> Result<Claims, TokenError> {
        fn required<T>(value: Option<T>, name: &str) -> Result<T, TokenError> {
            value.ok_or_else(|| TokenError::MissingClaim(name.to_owned()))
        }
        if audience_expected && self.aud.is_none() {
            return Err(TokenError::MissingClaim("aud".into()));
        }
        Ok(Claims {
            exp: required(self.exp, "exp")?,
            nbf: required(self.nbf, "nbf")?,
            iat: required(self.iat, "iat")?,
            sub: required(self.sub, "sub")?.into_owned(),
            jti: required(self.jti, "jti")?.into_owned(),
            iss: required(self.iss, "iss")?.into_owned(),
            token_type: required(self.token_type, "token_type")?,
            ver: required(self.ver, "ver")?,
            aud: self.aud.map(Cow::into_owned),
            fam: self.fam.map(Cow::into_owned),
        })
    }
}

/// The header fields we read, decoded by hand so that an unknown algorithm is reported as such
/// and not as a parse error. `crit` is only looked for: whatever it names, it is refused.
#[derive(Deserialize)]
struct RawHeader<'a> {
    #[serde(borrow)]
    alg: Cow<'a, str>,
    #[serde(borrow)]
    kid: Option<Cow<'a, str>>,
    #[serde(borrow)]
    typ: Option<Cow<'a, str>>,
    crit: Option<serde::de::IgnoredAny>,
}

#[cfg(test)]
mod tests;
