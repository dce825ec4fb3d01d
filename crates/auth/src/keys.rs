//! Signing and verification keys, each named by a `kid`.
//!
//! A [`KeySet`] signs with one key and verifies with several: during a rotation the previous
//! keys keep verifying the tokens they signed until those expire. The algorithm belongs to the
//! key, never to the token: the verifier looks the key up by `kid` and refuses a token whose
//! header names another algorithm. Public keys are built through their JWK, so what
//! `/.well-known/jwks.json` publishes is exactly what verification uses; HMAC secrets are
//! never published.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use jsonwebtoken::jwk::{
    AlgorithmParameters, CommonParameters, EllipticCurve, Jwk, KeyAlgorithm, OctetKeyPairParameters, OctetKeyPairType,
    PublicKeyUse, RSAKeyParameters, RSAKeyType,
};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};
use sha2::Sha256;

/// The key set [`KeySet::jwks`] returns, for the web layer to serve without naming jsonwebtoken.
pub use jsonwebtoken::jwk::JwkSet;

/// Shortest HMAC secret accepted: 256 bits, the size of HS256's output (RFC 7518 §3.2).
pub const MIN_SECRET_BYTES: usize = 32;

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

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for HmacSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HmacSecret(<redacted>)")
    }
}

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("the HMAC secret must be at least {MIN_SECRET_BYTES} bytes, got {bytes}")]
    TooShort { bytes: usize },
    #[error("key '{kid}' is not a valid {algorithm:?} key: {reason}")]
    Invalid { kid: String, algorithm: Algorithm, reason: String },
    #[error("the signing key '{kid}' has no {algorithm:?} verification key of the same kid")]
    SigningKeyNotVerifiable { kid: String, algorithm: Algorithm },
    #[error("two keys are named '{kid}'")]
    DuplicateKid { kid: String },
}

/// The key new tokens are signed with.
#[derive(Clone)]
pub struct SigningKey {
    pub(crate) kid: String,
    pub(crate) algorithm: Algorithm,
    pub(crate) key: EncodingKey,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey").field("kid", &self.kid).field("algorithm", &self.algorithm).finish_non_exhaustive()
    }
}

impl SigningKey {
    pub fn hs256(kid: &str, secret: &HmacSecret) -> Self {
        Self { kid: kid.to_owned(), algorithm: Algorithm::HS256, key: EncodingKey::from_secret(secret.as_bytes()) }
    }

    /// From a PKCS#8 PEM private key (`openssl genpkey -algorithm ed25519`).
    pub fn ed25519_pem(kid: &str, private_pem: &[u8]) -> Result<Self, KeyError> {
        let key = EncodingKey::from_ed_pem(private_pem).map_err(|e| invalid(kid, Algorithm::EdDSA, e))?;
        Ok(Self { kid: kid.to_owned(), algorithm: Algorithm::EdDSA, key })
    }

    /// From a PEM RSA private key (PKCS#1 or PKCS#8), 2048 bits or more.
    pub fn rs256_pem(kid: &str, private_pem: &[u8]) -> Result<Self, KeyError> {
        let key = EncodingKey::from_rsa_pem(private_pem).map_err(|e| invalid(kid, Algorithm::RS256, e))?;
        Ok(Self { kid: kid.to_owned(), algorithm: Algorithm::RS256, key })
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }
}

/// A key tokens are verified with.
#[derive(Clone)]
pub struct VerifyingKey {
    pub(crate) kid: String,
    pub(crate) algorithm: Algorithm,
    pub(crate) key: DecodingKey,
    /// For HS256: the HMAC already keyed, cloned per verification (saves the key schedule and
    /// an allocation on every request).
    pub(crate) hmac: Option<Hmac<Sha256>>,
    /// The public key as published; `None` for an HMAC secret.
    jwk: Option<Jwk>,
    /// The encoded header our own signer writes with this key. A token carrying exactly these
    /// bytes needs no header parsing: the common case takes the fast path.
    pub(crate) encoded_header: String,
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyingKey")
            .field("kid", &self.kid)
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

impl VerifyingKey {
    pub fn hs256(kid: &str, secret: &HmacSecret) -> Self {
        let key = DecodingKey::from_secret(secret.as_bytes());
        // Any key length is valid for HMAC; ours is at least 32 bytes anyway.
        let hmac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).ok();
        Self {
            kid: kid.to_owned(),
            algorithm: Algorithm::HS256,
            key,
            hmac,
            jwk: None,
            encoded_header: encoded_header(kid, Algorithm::HS256),
        }
    }

    /// From a PEM public key (`openssl pkey -pubout`).
    pub fn ed25519_pem(kid: &str, public_pem: &[u8]) -> Result<Self, KeyError> {
        use ed25519_dalek::pkcs8::DecodePublicKey;
        let pem = std::str::from_utf8(public_pem).map_err(|e| invalid(kid, Algorithm::EdDSA, e))?;
        let public =
            ed25519_dalek::VerifyingKey::from_public_key_pem(pem).map_err(|e| invalid(kid, Algorithm::EdDSA, e))?;
        let parameters = AlgorithmParameters::OctetKeyPair(OctetKeyPairParameters {
            key_type: OctetKeyPairType::OctetKeyPair,
            curve: EllipticCurve::Ed25519,
            x: URL_SAFE_NO_PAD.encode(public.as_bytes()),
        });
        Self::from_jwk(kid, Algorithm::EdDSA, KeyAlgorithm::EdDSA, parameters)
    }

    /// From a PEM RSA public key (SPKI `BEGIN PUBLIC KEY` or PKCS#1 `BEGIN RSA PUBLIC KEY`).
    pub fn rs256_pem(kid: &str, public_pem: &[u8]) -> Result<Self, KeyError> {
        use rsa::pkcs1::DecodeRsaPublicKey;
        use rsa::pkcs8::DecodePublicKey;
        use rsa::traits::PublicKeyParts;
        let pem = std::str::from_utf8(public_pem).map_err(|e| invalid(kid, Algorithm::RS256, e))?;
        let public = rsa::RsaPublicKey::from_public_key_pem(pem)
            .or_else(|_| rsa::RsaPublicKey::from_pkcs1_pem(pem))
            .map_err(|e| invalid(kid, Algorithm::RS256, e))?;
        let parameters = AlgorithmParameters::RSA(RSAKeyParameters {
            key_type: RSAKeyType::RSA,
            n: URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
            e: URL_SAFE_NO_PAD.encode(public.e().to_bytes_be()),
        });
        Self::from_jwk(kid, Algorithm::RS256, KeyAlgorithm::RS256, parameters)
    }

    fn from_jwk(
        kid: &str,
        algorithm: Algorithm,
        published: KeyAlgorithm,
        parameters: AlgorithmParameters,
    ) -> Result<Self, KeyError> {
        let jwk = Jwk {
            common: CommonParameters {
                public_key_use: Some(PublicKeyUse::Signature),
                key_algorithm: Some(published),
                key_id: Some(kid.to_owned()),
                ..CommonParameters::default()
            },
            algorithm: parameters,
        };
        let key = DecodingKey::from_jwk(&jwk).map_err(|e| invalid(kid, algorithm, e))?;
        Ok(Self {
            kid: kid.to_owned(),
            algorithm,
            key,
            hmac: None,
            jwk: Some(jwk),
            encoded_header: encoded_header(kid, algorithm),
        })
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }
}

/// The header `TokenService` writes for a key: `{"typ":"JWT","alg":…,"kid":…}`, base64url.
pub(crate) fn encoded_header(kid: &str, algorithm: Algorithm) -> String {
    let mut header = jsonwebtoken::Header::new(algorithm);
    header.kid = Some(kid.to_owned());
    // A Header always serialises; the fallback only disables the fast path.
    serde_json::to_vec(&header).map(|json| URL_SAFE_NO_PAD.encode(json)).unwrap_or_default()
}

fn invalid(kid: &str, algorithm: Algorithm, reason: impl fmt::Display) -> KeyError {
    KeyError::Invalid { kid: kid.to_owned(), algorithm, reason: reason.to_string() }
}

/// One signing key and every key that still verifies.
#[derive(Debug, Clone)]
pub struct KeySet {
    signing: SigningKey,
    verifying: Vec<VerifyingKey>,
}

impl KeySet {
    /// `verifying` must include the signing key's own verification key (same kid and
    /// algorithm); the others are kept for tokens signed before a rotation.
    pub fn new(signing: SigningKey, verifying: Vec<VerifyingKey>) -> Result<Self, KeyError> {
        for (index, key) in verifying.iter().enumerate() {
            if verifying[..index].iter().any(|earlier| earlier.kid == key.kid) {
                return Err(KeyError::DuplicateKid { kid: key.kid.clone() });
            }
        }
        if !verifying.iter().any(|key| key.kid == signing.kid && key.algorithm == signing.algorithm) {
            return Err(KeyError::SigningKeyNotVerifiable { kid: signing.kid.clone(), algorithm: signing.algorithm });
        }
        Ok(Self { signing, verifying })
    }

    /// The usual set-up: one HMAC secret that signs and verifies.
    pub fn hs256(kid: &str, secret: &HmacSecret) -> Self {
        Self { signing: SigningKey::hs256(kid, secret), verifying: vec![VerifyingKey::hs256(kid, secret)] }
    }

    pub fn signing(&self) -> &SigningKey {
        &self.signing
    }

    pub fn find(&self, kid: &str) -> Option<&VerifyingKey> {
        self.verifying.iter().find(|key| key.kid == kid)
    }

    /// The key whose own signer writes exactly `encoded_header`, if any.
    pub(crate) fn find_by_encoded_header(&self, encoded_header: &str) -> Option<&VerifyingKey> {
        self.verifying.iter().find(|key| !key.encoded_header.is_empty() && key.encoded_header == encoded_header)
    }

    /// Whether some key verifies `algorithm`: the allow-list.
    pub fn allows(&self, algorithm: Algorithm) -> bool {
        self.verifying.iter().any(|key| key.algorithm == algorithm)
    }

    /// The public keys, as `/.well-known/jwks.json` serves them. Empty with HMAC only.
    pub fn jwks(&self) -> JwkSet {
        JwkSet { keys: self.verifying.iter().filter_map(|key| key.jwk.clone()).collect() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED_A_PUB: &[u8] = include_bytes!("../testdata/ed25519-a.pub.pem");
    const ED_B_PUB: &[u8] = include_bytes!("../testdata/ed25519-b.pub.pem");
    const ED_A: &[u8] = include_bytes!("../testdata/ed25519-a.pem");
    const RSA_A_PUB: &[u8] = include_bytes!("../testdata/rsa-a.pub.pem");

    #[test]
    fn the_jwks_publishes_public_keys_only_never_a_secret() {
        let secret = HmacSecret::new(vec![1; 32]).unwrap();
        let keys = KeySet::new(
            SigningKey::ed25519_pem("ed-a", ED_A).unwrap(),
            vec![
                VerifyingKey::ed25519_pem("ed-a", ED_A_PUB).unwrap(),
                VerifyingKey::ed25519_pem("ed-b", ED_B_PUB).unwrap(),
                VerifyingKey::rs256_pem("rsa-a", RSA_A_PUB).unwrap(),
                VerifyingKey::hs256("hs", &secret),
            ],
        )
        .unwrap();

        let jwks = serde_json::to_value(keys.jwks()).unwrap();

        let kids: Vec<&str> = jwks["keys"].as_array().unwrap().iter().map(|k| k["kid"].as_str().unwrap()).collect();
        assert_eq!(kids, ["ed-a", "ed-b", "rsa-a"]);
        assert_eq!(jwks["keys"][0]["kty"], "OKP");
        assert_eq!(jwks["keys"][2]["kty"], "RSA");
        assert!(!jwks.to_string().contains(&URL_SAFE_NO_PAD.encode([1; 32])), "the HMAC secret is not published");
    }

    #[test]
    fn a_signing_key_must_be_among_the_verifying_keys() {
        let result = KeySet::new(
            SigningKey::ed25519_pem("ed-a", ED_A).unwrap(),
            vec![VerifyingKey::ed25519_pem("ed-b", ED_B_PUB).unwrap()],
        );
        assert_eq!(
            result.unwrap_err(),
            KeyError::SigningKeyNotVerifiable { kid: "ed-a".into(), algorithm: Algorithm::EdDSA }
        );
    }

    #[test]
    fn kids_are_unique() {
        let result = KeySet::new(
            SigningKey::ed25519_pem("ed-a", ED_A).unwrap(),
            vec![
                VerifyingKey::ed25519_pem("ed-a", ED_A_PUB).unwrap(),
                VerifyingKey::ed25519_pem("ed-a", ED_B_PUB).unwrap(),
            ],
        );
        assert_eq!(result.unwrap_err(), KeyError::DuplicateKid { kid: "ed-a".into() });
    }

    #[test]
    fn a_key_that_is_not_pem_is_refused_with_its_kid() {
        assert!(
            matches!(VerifyingKey::ed25519_pem("broken", b"nope"), Err(KeyError::Invalid { kid, .. }) if kid == "broken")
        );
        assert!(matches!(SigningKey::rs256_pem("broken", ED_A), Err(KeyError::Invalid { .. })));
    }
}
