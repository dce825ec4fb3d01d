//! Adapters from `auth` to the domain's ports: argon2id hashing, the breached-password check.

use std::sync::Arc;

use async_trait::async_trait;
use auth::breach::{BreachCheck, Verdict};
use auth::password::Argon2Passwords;
use domain::DomainError;
use domain::password::{Password, PasswordHash};
use domain::ports::{BreachedPasswords, PasswordHasher};

/// Runs argon2 on tokio's blocking pool: at OWASP cost a hash takes tens of milliseconds of
/// CPU, which would stall every request sharing the worker thread.
#[derive(Debug, Clone)]
pub struct Argon2Hasher(Arc<Argon2Passwords>);

impl Argon2Hasher {
    pub fn new(passwords: Argon2Passwords) -> Self {
        Self(Arc::new(passwords))
    }
}

#[async_trait]
impl PasswordHasher for Argon2Hasher {
    async fn hash(&self, password: &Password) -> Result<PasswordHash, DomainError> {
        let (passwords, password) = (self.0.clone(), password.clone());
        tokio::task::spawn_blocking(move || passwords.hash(password.expose()))
            .await
            .map_err(|join| DomainError::Unavailable(Box::new(join)))?
            .map(PasswordHash::new)
            .map_err(|error| DomainError::Unavailable(Box::new(error)))
    }

    async fn verify<'a>(&self, password: &Password, hash: Option<&'a PasswordHash>) -> bool {
        let (passwords, password) = (self.0.clone(), password.clone());
        let hash = hash.map(|hash| hash.as_str().to_owned());
        // A verification that could not run is a failed verification: fail closed.
        tokio::task::spawn_blocking(move || passwords.verify(password.expose(), hash.as_deref())).await.unwrap_or(false)
    }
}

/// The domain's breach port over auth's range-API client (or no check at all).
pub struct BreachAdapter(pub Arc<dyn BreachCheck>);

#[async_trait]
impl BreachedPasswords for BreachAdapter {
    async fn times_seen(&self, password: &Password) -> Result<Option<u64>, DomainError> {
        match self.0.check(password.expose()).await {
            Ok(Verdict::Breached { seen }) => Ok(Some(seen)),
            Ok(Verdict::NotFound | Verdict::NotChecked) => Ok(None),
            Err(error) => Err(DomainError::Unavailable(Box::new(error))),
        }
    }
}
