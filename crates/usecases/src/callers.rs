//! The port [`identify`](crate::sessions::identify) reads a caller through: what the store
//! knows now of an access token (its [`Standing`]) and the account it names, together.
//!
//! Every authenticated request asks this once, so its cost is the request's. Where one
//! database holds both sessions and accounts, one query answers it (`web`'s Postgres adapter);
//! [`AskedInTurn`] asks the session store and then the users, for the memory store and tests.

use std::sync::Arc;

use async_trait::async_trait;
use auth::sessions::{SessionStore, Standing};
use auth::token::Claims;
use domain::ports::UserRepository;
use domain::user::{User, Username};

use crate::error::UseCaseError;

/// What the store holds of a token's caller. `account` is `None` when the account is gone, and
/// may be `None` when the standing already refuses the token (no need to read it then).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerRecord {
    pub standing: Standing,
    pub account: Option<User>,
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait CallerDirectory: Send + Sync {
    /// The standing of the token `claims` describe and the account of `holder` (the username
    /// the token's subject parses to), as they are now.
    async fn look_up(&self, claims: &Claims, holder: &Username) -> Result<CallerRecord, UseCaseError>;
}

/// The directory over two stores: the session store's standing first, then the account, and
/// only if the standing admits the token.
pub struct AskedInTurn {
    sessions: Arc<dyn SessionStore>,
    users: Arc<dyn UserRepository>,
}

impl AskedInTurn {
    pub fn new(sessions: Arc<dyn SessionStore>, users: Arc<dyn UserRepository>) -> Self {
        Self { sessions, users }
    }
}

#[async_trait]
impl CallerDirectory for AskedInTurn {
    async fn look_up(&self, claims: &Claims, holder: &Username) -> Result<CallerRecord, UseCaseError> {
        let standing = self
            .sessions
            .standing(&claims.sub, &claims.jti, claims.fam.as_deref())
            .await
            .map_err(UseCaseError::SessionsUnavailable)?;
        let account = if standing.admits(claims) { self.users.find(holder).await? } else { None };
        Ok(CallerRecord { standing, account })
    }
}
