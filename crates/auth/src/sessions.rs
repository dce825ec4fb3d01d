//! Sessions: what a login grants, and how it ends.
//!
//! A login issues an access token (short-lived, checked on every request) and a refresh token
//! (long-lived, exchanged for a new pair). Revocation works at three grains:
//!
//! - **a refresh token** is consumed by its use: the store marks it in one atomic
//!   `UPDATE … WHERE consumed_at IS NULL … RETURNING`, so of N concurrent refreshes exactly one
//!   wins. Presenting a consumed token again is taken as theft (reuse detection): its whole
//!   family, every token rotated from the same login, is revoked.
//! - **an access token** is revoked by `jti` at logout, until it would have expired anyway.
//! - **everything a user holds** is revoked by bumping their *token version*: every token
//!   carries the version it was issued under (`ver`), and a token older than the current
//!   version is refused. Logout-all, a password change and an account's deletion bump it.
//!   Versions live apart from user rows, so a user deleted and re-registered under the same
//!   name does not inherit the old tokens.
//!
//! The store behind all this is the [`SessionStore`] port: [`InMemorySessions`] here, the
//! Postgres adapter in the `store` crate, both held to one contract.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use async_trait::async_trait;

use crate::clock::UnixTime;
use crate::token::{Claims, TokenError, TokenService};

/// A refresh token as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshRecord {
    pub jti: String,
    pub family: String,
    pub subject: String,
    pub expires_at: UnixTime,
}

/// What consuming a refresh token found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Consumption {
    /// This call consumed it: the caller may issue the next pair of the family.
    Consumed,
    /// Someone consumed it before: a replay.
    AlreadyConsumed { family: String },
    /// Revoked, expired, or never recorded.
    Refused,
}

#[derive(Debug, thiserror::Error)]
#[error("the session store failed: {0}")]
pub struct StoreFailure(#[source] pub Box<dyn std::error::Error + Send + Sync>);

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn record_refresh(&self, record: &RefreshRecord) -> Result<(), StoreFailure>;

    /// Marks the token consumed, atomically: of concurrent calls for one `jti`, one alone gets
    /// [`Consumption::Consumed`].
    async fn consume_refresh(&self, jti: &str, now: UnixTime) -> Result<Consumption, StoreFailure>;

    async fn revoke_refresh(&self, jti: &str, now: UnixTime) -> Result<(), StoreFailure>;

    async fn revoke_family(&self, family: &str, now: UnixTime) -> Result<(), StoreFailure>;

    /// Remembers that the access token `jti` is revoked until `expires_at`.
    async fn revoke_access(&self, jti: &str, expires_at: UnixTime) -> Result<(), StoreFailure>;

    /// The subject's current token version (0 for a subject never bumped).
    async fn token_version(&self, subject: &str) -> Result<i64, StoreFailure>;

    /// Everything an access token's validity depends on in the store, read at once: every
    /// authenticated request asks this, so it is one round trip. A family is revoked once and
    /// for all: a refresh token recorded into it afterwards, even by a refresh that raced the
    /// revocation, is born revoked, and access tokens minted with it are refused.
    async fn standing<'a>(&self, subject: &str, jti: &str, family: Option<&'a str>) -> Result<Standing, StoreFailure>;

    /// Increments the subject's token version: every token issued before is refused. Returns
    /// the new version.
    async fn bump_token_version(&self, subject: &str) -> Result<i64, StoreFailure>;

    /// Forgets refresh tokens and revoked access tokens that have expired, and revoked families
    /// none of whose tokens could still be presented; returns how many tokens.
    async fn purge_expired(&self, now: UnixTime) -> Result<u64, StoreFailure>;
}

/// What the store knows of an access token: its subject's token version now, and whether the
/// token or its family was revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub token_version: i64,
    pub access_revoked: bool,
    pub family_revoked: bool,
}

impl Standing {
    /// Whether a token with `claims` still holds: minted at its subject's current token version
    /// (no log-out-everywhere since), and neither it nor its family revoked.
    pub fn admits(&self, claims: &Claims) -> bool {
        claims.ver == self.token_version && !self.access_revoked && !self.family_revoked
    }
}

/// Why a session operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    Token(#[from] TokenError),
    #[error("the token was revoked")]
    Revoked,
    /// A consumed refresh token was presented again; its family is now revoked.
    #[error("the refresh token was already used; every token of this login is revoked")]
    ReuseDetected,
    #[error(transparent)]
    Store(#[from] StoreFailure),
}

/// An access token and a refresh token, issued together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenPair {
    pub access: crate::token::IssuedToken,
    pub refresh: crate::token::IssuedToken,
}

/// Starts a session for `subject` after a successful login or registration: a new family.
pub async fn start(tokens: &TokenService, store: &dyn SessionStore, subject: &str) -> Result<TokenPair, SessionError> {
    let version = store.token_version(subject).await?;
    let family = uuid::Uuid::new_v4().to_string();
    issue_pair(tokens, store, subject, version, &family).await
}

async fn issue_pair(
    tokens: &TokenService,
    store: &dyn SessionStore,
    subject: &str,
    version: i64,
    family: &str,
) -> Result<TokenPair, SessionError> {
    let access = tokens.issue_access_in(subject, version, family)?;
    let refresh = tokens.issue_refresh(subject, version, family)?;
    store
        .record_refresh(&RefreshRecord {
            jti: refresh.claims.jti.clone(),
            family: family.to_owned(),
            subject: subject.to_owned(),
            expires_at: refresh.claims.exp,
        })
        .await?;
    Ok(TokenPair { access, refresh })
}

/// Exchanges a refresh token for a new pair of the same family, consuming it.
pub async fn refresh(
    tokens: &TokenService,
    store: &dyn SessionStore,
    refresh_token: &str,
) -> Result<TokenPair, SessionError> {
    // Authenticity first: nothing forged or expired ever reaches the store.
    let claims = tokens.verify_refresh(refresh_token)?;
    let family = claims.fam.clone().ok_or_else(|| TokenError::MissingClaim("fam".into()))?;
    if claims.ver != store.token_version(&claims.sub).await? {
        return Err(SessionError::Revoked);
    }
    match store.consume_refresh(&claims.jti, tokens.now()).await? {
        Consumption::Consumed => issue_pair(tokens, store, &claims.sub, claims.ver, &family).await,
        Consumption::AlreadyConsumed { family } => {
            store.revoke_family(&family, tokens.now()).await?;
            tracing::warn!(subject = %claims.sub, "refresh token reused: its family is revoked");
            Err(SessionError::ReuseDetected)
        }
        Consumption::Refused => Err(SessionError::Revoked),
    }
}

/// The claims of an access token that is authentic, current, and not revoked.
pub async fn authenticate(
    tokens: &TokenService,
    store: &dyn SessionStore,
    access_token: &str,
) -> Result<Claims, SessionError> {
    let claims = tokens.verify_access(access_token)?;
    let standing = store.standing(&claims.sub, &claims.jti, claims.fam.as_deref()).await?;
    if standing.admits(&claims) { Ok(claims) } else { Err(SessionError::Revoked) }
}

/// Ends one session: the presented access token and the given refresh token's family.
/// A refresh token that is not the caller's own, or not authentic, is refused untouched.
pub async fn logout(
    tokens: &TokenService,
    store: &dyn SessionStore,
    access: &Claims,
    refresh_token: &str,
) -> Result<(), SessionError> {
    let refresh = tokens.verify_refresh(refresh_token)?;
    if refresh.sub != access.sub {
        return Err(SessionError::Revoked);
    }
    let now = tokens.now();
    store.revoke_access(&access.jti, access.exp).await?;
    match &refresh.fam {
        Some(family) => store.revoke_family(family, now).await?,
        None => store.revoke_refresh(&refresh.jti, now).await?,
    }
    Ok(())
}

/// Ends every session of `subject`: logout-all, a password change, an account's deletion.
pub async fn revoke_everything(store: &dyn SessionStore, subject: &str) -> Result<(), SessionError> {
    store.bump_token_version(subject).await?;
    Ok(())
}

/// The memory adapter of [`SessionStore`]: for `cargo run` and fast tests.
#[derive(Debug, Default)]
pub struct InMemorySessions {
    state: Mutex<MemoryState>,
}

#[derive(Debug, Default)]
struct MemoryState {
    refresh: HashMap<String, StoredRefresh>,
    /// Revoked families, until the last of their tokens would have expired.
    revoked_families: HashMap<String, UnixTime>,
    revoked_access: HashMap<String, UnixTime>,
    versions: HashMap<String, i64>,
}

#[derive(Debug, Clone)]
struct StoredRefresh {
    record: RefreshRecord,
    consumed: bool,
    revoked: bool,
}

impl InMemorySessions {
    pub fn new() -> Self {
        Self::default()
    }

    // Each operation is a few map updates that cannot panic halfway, so a poisoned lock still
    // guards consistent state.
    fn state(&self) -> std::sync::MutexGuard<'_, MemoryState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[async_trait]
impl SessionStore for InMemorySessions {
    async fn record_refresh(&self, record: &RefreshRecord) -> Result<(), StoreFailure> {
        let mut state = self.state();
        let revoked = state.revoked_families.contains_key(&record.family);
        let stored = StoredRefresh { record: record.clone(), consumed: false, revoked };
        state.refresh.insert(record.jti.clone(), stored);
        Ok(())
    }

    async fn consume_refresh(&self, jti: &str, now: UnixTime) -> Result<Consumption, StoreFailure> {
        let mut state = self.state();
        let Some(stored) = state.refresh.get_mut(jti) else { return Ok(Consumption::Refused) };
        Ok(match stored {
            StoredRefresh { revoked: true, .. } => Consumption::Refused,
            StoredRefresh { consumed: true, record, .. } => {
                Consumption::AlreadyConsumed { family: record.family.clone() }
            }
            StoredRefresh { record, .. } if record.expires_at <= now => Consumption::Refused,
            StoredRefresh { consumed, .. } => {
                *consumed = true;
                Consumption::Consumed
            }
        })
    }

    async fn revoke_refresh(&self, jti: &str, _now: UnixTime) -> Result<(), StoreFailure> {
        if let Some(stored) = self.state().refresh.get_mut(jti) {
            stored.revoked = true;
        }
        Ok(())
    }

    async fn revoke_family(&self, family: &str, now: UnixTime) -> Result<(), StoreFailure> {
        let mut state = self.state();
        let mut last_expiry = now;
        for stored in state.refresh.values_mut().filter(|stored| stored.record.family == family) {
            stored.revoked = true;
            last_expiry = last_expiry.max(stored.record.expires_at);
        }
        state.revoked_families.entry(family.to_owned()).or_insert(last_expiry);
        Ok(())
    }

    async fn revoke_access(&self, jti: &str, expires_at: UnixTime) -> Result<(), StoreFailure> {
        self.state().revoked_access.insert(jti.to_owned(), expires_at);
        Ok(())
    }

    async fn token_version(&self, subject: &str) -> Result<i64, StoreFailure> {
        Ok(self.state().versions.get(subject).copied().unwrap_or(0))
    }

    async fn standing<'a>(&self, subject: &str, jti: &str, family: Option<&'a str>) -> Result<Standing, StoreFailure> {
        let state = self.state();
        Ok(Standing {
            token_version: state.versions.get(subject).copied().unwrap_or(0),
            access_revoked: state.revoked_access.contains_key(jti),
            family_revoked: family.is_some_and(|family| state.revoked_families.contains_key(family)),
        })
    }

    async fn bump_token_version(&self, subject: &str) -> Result<i64, StoreFailure> {
        let mut state = self.state();
        let version = state.versions.entry(subject.to_owned()).or_insert(0);
        *version += 1;
        Ok(*version)
    }

    async fn purge_expired(&self, now: UnixTime) -> Result<u64, StoreFailure> {
        let mut state = self.state();
        let before = state.refresh.len() + state.revoked_access.len();
        state.refresh.retain(|_, stored| stored.record.expires_at > now);
        state.revoked_access.retain(|_, expires_at| *expires_at > now);
        state.revoked_families.retain(|_, expires_at| *expires_at > now);
        let after = state.refresh.len() + state.revoked_access.len();
        Ok(u64::try_from(before - after).unwrap_or(u64::MAX))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::clock::{Clock, FixedClock};
    use crate::keys::{HmacSecret, KeySet};
    use crate::token::TokenSettings;

    fn tokens(clock: &Arc<FixedClock>) -> TokenService {
        let secret = HmacSecret::new(*b"session-test-secret-32-bytes-ok!").unwrap();
        TokenService::new(KeySet::hs256("hs", &secret), TokenSettings::default(), clock.clone())
    }

    fn setup() -> (TokenService, InMemorySessions, Arc<FixedClock>) {
        let clock = Arc::new(FixedClock::at(1_750_000_000));
        (tokens(&clock), InMemorySessions::new(), clock)
    }

    #[tokio::test]
    async fn a_refresh_rotates_the_pair_and_consumes_the_old_token() {
        let (tokens, store, _) = setup();
        let first = start(&tokens, &store, "ada").await.unwrap();

        let second = refresh(&tokens, &store, &first.refresh.token).await.unwrap();

        assert_ne!(second.refresh.token, first.refresh.token);
        assert_eq!(second.refresh.claims.fam, first.refresh.claims.fam, "same family");
        assert!(authenticate(&tokens, &store, &second.access.token).await.is_ok());
    }

    #[tokio::test]
    async fn reusing_a_consumed_refresh_token_revokes_its_whole_family() {
        let (tokens, store, _) = setup();
        let stolen = start(&tokens, &store, "ada").await.unwrap().refresh.token;
        let rotated = refresh(&tokens, &store, &stolen).await.unwrap();

        let replay = refresh(&tokens, &store, &stolen).await;

        assert!(matches!(replay, Err(SessionError::ReuseDetected)), "{replay:?}");
        let after = refresh(&tokens, &store, &rotated.refresh.token).await;
        assert!(matches!(after, Err(SessionError::Revoked)), "the rotated token dies with its family: {after:?}");
    }

    #[tokio::test]
    async fn logout_revokes_that_access_token_and_that_sessions_refresh_tokens_only() {
        let (tokens, store, _) = setup();
        let phone = start(&tokens, &store, "ada").await.unwrap();
        let laptop = start(&tokens, &store, "ada").await.unwrap();
        let claims = authenticate(&tokens, &store, &phone.access.token).await.unwrap();

        logout(&tokens, &store, &claims, &phone.refresh.token).await.unwrap();

        assert!(matches!(authenticate(&tokens, &store, &phone.access.token).await, Err(SessionError::Revoked)));
        assert!(matches!(refresh(&tokens, &store, &phone.refresh.token).await, Err(SessionError::Revoked)));
        assert!(authenticate(&tokens, &store, &laptop.access.token).await.is_ok(), "other sessions live on");
        assert!(refresh(&tokens, &store, &laptop.refresh.token).await.is_ok());
    }

    #[tokio::test]
    async fn logout_refuses_someone_elses_refresh_token() {
        let (tokens, store, _) = setup();
        let ada = start(&tokens, &store, "ada").await.unwrap();
        let bob = start(&tokens, &store, "bob").await.unwrap();
        let claims = authenticate(&tokens, &store, &ada.access.token).await.unwrap();

        let result = logout(&tokens, &store, &claims, &bob.refresh.token).await;

        assert!(matches!(result, Err(SessionError::Revoked)));
        assert!(refresh(&tokens, &store, &bob.refresh.token).await.is_ok(), "bob's session is untouched");
    }

    #[tokio::test]
    async fn revoking_everything_kills_every_token_of_that_user_from_the_next_request() {
        let (tokens, store, _) = setup();
        let one = start(&tokens, &store, "ada").await.unwrap();
        let two = start(&tokens, &store, "ada").await.unwrap();
        let bob = start(&tokens, &store, "bob").await.unwrap();

        revoke_everything(&store, "ada").await.unwrap();

        for access in [&one.access.token, &two.access.token] {
            assert!(matches!(authenticate(&tokens, &store, access).await, Err(SessionError::Revoked)));
        }
        assert!(matches!(refresh(&tokens, &store, &one.refresh.token).await, Err(SessionError::Revoked)));
        assert!(authenticate(&tokens, &store, &bob.access.token).await.is_ok());
        assert!(start(&tokens, &store, "ada").await.is_ok(), "a new login works");
    }

    #[tokio::test]
    async fn an_expired_refresh_token_is_refused_and_purged() {
        let (tokens, store, clock) = setup();
        let pair = start(&tokens, &store, "ada").await.unwrap();
        clock.advance(24 * 60 * 60);

        let result = refresh(&tokens, &store, &pair.refresh.token).await;

        assert!(matches!(result, Err(SessionError::Token(TokenError::Expired))), "{result:?}");
        assert_eq!(store.purge_expired(clock.now()).await.unwrap(), 1);
    }

    #[tokio::test]
    async fn an_access_token_is_checked_with_one_question_to_the_store() {
        let clock = Arc::new(FixedClock::at(1_750_000_000));
        let access = tokens(&clock).issue_access_in("ada", 2, "family").unwrap().token;
        let mut store = MockSessionStore::new();
        store
            .expect_standing()
            .withf(|subject, jti, family| subject == "ada" && !jti.is_empty() && *family == Some("family"))
            .times(1)
            .returning(|_, _, _| Ok(Standing { token_version: 2, access_revoked: false, family_revoked: false }));

        let claims = authenticate(&tokens(&clock), &store, &access).await;

        assert_eq!(claims.unwrap().sub, "ada");
    }

    #[tokio::test]
    async fn the_store_is_never_asked_anything_about_a_forged_refresh_token() {
        let clock = Arc::new(FixedClock::at(1_750_000_000));
        let forger = {
            let secret = HmacSecret::new(*b"a-forgers-secret-of-32-bytes-ok!").unwrap();
            TokenService::new(KeySet::hs256("hs", &secret), TokenSettings::default(), clock.clone())
        };
        let forged = forger.issue_refresh("ada", 0, "family").unwrap().token;
        let mut store = MockSessionStore::new();
        store.expect_consume_refresh().times(0);
        store.expect_token_version().times(0);
        store.expect_revoke_family().times(0);

        let result = refresh(&tokens(&clock), &store, &forged).await;

        assert!(matches!(result, Err(SessionError::Token(TokenError::BadSignature))), "{result:?}");
    }
}
