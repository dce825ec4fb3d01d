//! The in-memory store: the embedded default of `cargo run`, and a fake for fast tests.

use std::collections::BTreeMap;
use std::sync::{PoisonError, RwLock};

use async_trait::async_trait;
use domain::DomainError;
use domain::password::PasswordHash;
use domain::ports::{Credentials, UserRepository};
use domain::user::{NewUser, User, Username};

#[derive(Debug, Default)]
pub struct MemoryStore {
    users: RwLock<BTreeMap<Username, Credentials>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl UserRepository for MemoryStore {
    async fn insert(&self, user: NewUser, password_hash: PasswordHash) -> Result<User, DomainError> {
        // A panic elsewhere while holding the lock cannot leave a half-written map (each write
        // is one insert), so a poisoned lock is safe to keep using.
        let mut users = self.users.write().unwrap_or_else(PoisonError::into_inner);
        if users.contains_key(&user.username) {
            return Err(DomainError::Conflict(format!("username '{}' is taken", user.username)));
        }
        let user = user.into_user();
        let credentials = Credentials { user: user.clone(), password_hash };
        users.insert(user.username.clone(), credentials);
        Ok(user)
    }

    async fn find(&self, username: &Username) -> Result<Option<User>, DomainError> {
        let users = self.users.read().unwrap_or_else(PoisonError::into_inner);
        Ok(users.get(username).map(|credentials| credentials.user.clone()))
    }

    async fn find_credentials(&self, username: &Username) -> Result<Option<Credentials>, DomainError> {
        let users = self.users.read().unwrap_or_else(PoisonError::into_inner);
        Ok(users.get(username).cloned())
    }
}
