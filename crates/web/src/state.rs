//! What every handler can reach: the adapters behind the domain's ports and the token service.

use std::sync::Arc;

use auth::sessions::SessionStore;
use auth::token::TokenService;
use domain::ports::{CompanyRepository, JobRepository, PasswordHasher, UserRepository};

#[derive(Clone)]
pub struct AppState {
    pub users: Arc<dyn UserRepository>,
    pub companies: Arc<dyn CompanyRepository>,
    pub jobs: Arc<dyn JobRepository>,
    pub passwords: Arc<dyn PasswordHasher>,
    pub tokens: Arc<TokenService>,
    pub sessions: Arc<dyn SessionStore>,
    /// Whether cookies get the `Secure` flag (the public URL is https).
    pub secure_cookies: bool,
}
