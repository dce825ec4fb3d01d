//! What the use cases need from the outside world. Adapters live elsewhere: users in
//! `store` (memory and Postgres), password hashing in `web` over `auth`'s argon2id.

use async_trait::async_trait;

use crate::error::DomainError;
use crate::password::{Password, PasswordHash};
use crate::user::{NewUser, User, Username};

/// A user together with their password hash: what authentication needs, and nothing else gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub user: User,
    pub password_hash: PasswordHash,
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait UserRepository: Send + Sync {
    /// Stores a new user; a taken username is [`DomainError::Conflict`].
    async fn insert(&self, user: NewUser, password_hash: PasswordHash) -> Result<User, DomainError>;

    async fn find(&self, username: &Username) -> Result<Option<User>, DomainError>;

    async fn find_credentials(&self, username: &Username) -> Result<Option<Credentials>, DomainError>;
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait PasswordHasher: Send + Sync {
    async fn hash(&self, password: &Password) -> Result<PasswordHash, DomainError>;

    /// Whether `password` matches `hash`. With no hash (unknown user) it must spend the same
    /// time as a real check and return `false`, so timing does not reveal which usernames exist.
    async fn verify<'a>(&self, password: &Password, hash: Option<&'a PasswordHash>) -> bool;
}
