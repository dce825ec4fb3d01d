//! What every handler can reach: the adapters behind the domain's ports and the token service.

use std::sync::Arc;

use auth::token::TokenService;
use domain::ports::{PasswordHasher, UserRepository};

#[derive(Clone)]
pub struct AppState {
    pub users: Arc<dyn UserRepository>,
    pub passwords: Arc<dyn PasswordHasher>,
    pub tokens: Arc<TokenService>,
    /// Whether cookies get the `Secure` flag (the public URL is https).
    pub secure_cookies: bool,
}
