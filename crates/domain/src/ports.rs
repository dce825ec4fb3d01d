//! What the use cases need from the outside world. Adapters live elsewhere: the repositories
//! in `store` (memory and Postgres), password hashing in `web` over `auth`'s argon2id.
//!
//! Every repository reports a broken rule of the data as a [`DomainError`]: a duplicate key is
//! `Conflict`, a reference to something that does not exist is `NotFound`. Anything else that
//! fails is `Unavailable`.

use async_trait::async_trait;

use crate::company::{Company, CompanyFilter, CompanyPatch, Handle};
use crate::error::DomainError;
use crate::job::{Job, JobFilter, JobId, JobPatch, NewJob};
use crate::password::{Password, PasswordHash};
use crate::user::{NewUser, StoredUserPatch, User, Username};

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

    /// Every user, by username.
    async fn list(&self) -> Result<Vec<User>, DomainError>;

    /// The updated user, or `None` when there is no such user.
    async fn update(&self, username: &Username, patch: StoredUserPatch) -> Result<Option<User>, DomainError>;

    /// Whether the user existed. Their applications go with them.
    async fn delete(&self, username: &Username) -> Result<bool, DomainError>;

    /// Records an application: `NotFound` when the user or the job does not exist, `Conflict`
    /// when it was already made.
    async fn apply(&self, username: &Username, job: JobId) -> Result<(), DomainError>;

    /// The ids of the jobs the user applied to, in increasing order.
    async fn applied_jobs(&self, username: &Username) -> Result<Vec<JobId>, DomainError>;
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait CompanyRepository: Send + Sync {
    /// A taken handle or name is [`DomainError::Conflict`].
    async fn insert(&self, company: Company) -> Result<Company, DomainError>;

    async fn find(&self, handle: &Handle) -> Result<Option<Company>, DomainError>;

    /// The companies matching `filter`, by name.
    async fn list(&self, filter: &CompanyFilter) -> Result<Vec<Company>, DomainError>;

    /// The updated company, or `None` when there is no such company.
    async fn update(&self, handle: &Handle, patch: &CompanyPatch) -> Result<Option<Company>, DomainError>;

    /// Whether the company existed. Its jobs, and the applications to them, go with it.
    async fn delete(&self, handle: &Handle) -> Result<bool, DomainError>;
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait JobRepository: Send + Sync {
    /// An unknown company is [`DomainError::NotFound`].
    async fn insert(&self, job: NewJob) -> Result<Job, DomainError>;

    async fn find(&self, id: JobId) -> Result<Option<Job>, DomainError>;

    /// The jobs matching `filter`, by title then id.
    async fn list(&self, filter: &JobFilter) -> Result<Vec<Job>, DomainError>;

    /// The company's jobs, by id.
    async fn list_for_company(&self, handle: &Handle) -> Result<Vec<Job>, DomainError>;

    async fn update(&self, id: JobId, patch: &JobPatch) -> Result<Option<Job>, DomainError>;

    /// Whether the job existed. Applications to it go with it.
    async fn delete(&self, id: JobId) -> Result<bool, DomainError>;
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait PasswordHasher: Send + Sync {
    async fn hash(&self, password: &Password) -> Result<PasswordHash, DomainError>;

    /// Whether `password` matches `hash`. With no hash (unknown user) it must spend the same
    /// time as a real check and return `false`, so timing does not reveal which usernames exist.
    /// An error ([`DomainError::Busy`]) means no check could be made now, not a wrong password.
    async fn verify<'a>(&self, password: &Password, hash: Option<&'a PasswordHash>) -> Result<bool, DomainError>;
}

/// Passwords known to attackers, from data breaches. `Ok(None)`: not known (or the check was
/// skipped by policy); an error means the policy refuses to guess.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait BreachedPasswords: Send + Sync {
    /// How many times `password` was seen in breaches, if it was.
    async fn times_seen(&self, password: &Password) -> Result<Option<u64>, DomainError>;
}
