//! Every port a use case reaches, in one bundle that `web` fills at start-up with the
//! adapters it chose (memory or Postgres, argon2id, the breach check, the live feed).

use std::sync::Arc;

use auth::sessions::SessionStore;
use auth::throttle::LoginThrottle;
use auth::token::TokenService;
use domain::accounts::Accounts;
use domain::ports::{BreachedPasswords, CompanyRepository, JobRepository, PasswordHasher, UserRepository};

use crate::callers::CallerDirectory;
use crate::events::EventPublisher;

#[derive(Clone)]
pub struct Ports {
    pub users: Arc<dyn UserRepository>,
    pub companies: Arc<dyn CompanyRepository>,
    pub jobs: Arc<dyn JobRepository>,
    pub passwords: Arc<dyn PasswordHasher>,
    pub breaches: Arc<dyn BreachedPasswords>,
    pub sessions: Arc<dyn SessionStore>,
    /// The sessions' and the users' answer about a token's caller, read together.
    pub callers: Arc<dyn CallerDirectory>,
    pub tokens: Arc<TokenService>,
    pub throttle: Arc<dyn LoginThrottle>,
    pub events: Arc<dyn EventPublisher>,
}

impl Ports {
    /// The ports the domain's account rules need.
    pub fn accounts(&self) -> Accounts<'_> {
        Accounts { users: self.users.as_ref(), passwords: self.passwords.as_ref(), breaches: self.breaches.as_ref() }
    }
}
