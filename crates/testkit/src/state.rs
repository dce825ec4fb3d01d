//! The application state tests run against, assembled as start-up assembles it
//! ([`web::startup::assemble`]) with what tests need instead: argon2 at its cheapest
//! (microseconds, not tens of milliseconds), a fixed secret, no breach check.

use std::sync::Arc;

use auth::breach::NoBreachCheck;
use auth::clock::{Clock, FixedClock, SystemClock};
use auth::keys::{HmacSecret, KeySet};
use auth::password::{Argon2Cost, Argon2Passwords};
use auth::sessions::{InMemorySessions, SessionStore};
use auth::token::{TokenService, TokenSettings};
use domain::ports::{CompanyRepository, JobRepository, UserRepository};
use store::memory::MemoryStore;
use web::AppState;
use web::passwords::{Argon2Hasher, BreachAdapter};
use web::startup::Adapters;
use web::state::{AlwaysReady, HttpSettings};

/// The HMAC secret of every test app: fixed, so a failing test's tokens can be decoded.
pub const TEST_SECRET: &[u8; 32] = b"pyramid-test-secret-32-bytes-ok!";

/// State over `store` and `sessions`. Every field is public: a test swaps the port it is
/// about (`state.ports.breaches = …`).
pub fn test_state<S>(store: Arc<S>, sessions: Arc<dyn SessionStore>) -> AppState
where
    S: UserRepository + CompanyRepository + JobRepository + 'static,
{
    test_state_at(store, sessions, Arc::new(SystemClock))
}

/// [`test_state`] on `clock`: tokens expire, and throttles forget, when the test says so.
pub fn test_state_at<S>(store: Arc<S>, sessions: Arc<dyn SessionStore>, clock: Arc<dyn Clock>) -> AppState
where
    S: UserRepository + CompanyRepository + JobRepository + 'static,
{
    let passwords = Argon2Passwords::new(Argon2Cost::TESTS_ONLY).expect("argon2 refused its cheapest parameters");
    let secret = HmacSecret::new(TEST_SECRET.to_vec()).expect("the test secret is 32 bytes");
    let adapters = Adapters {
        users: store.clone(),
        companies: store.clone(),
        jobs: store,
        sessions,
        passwords: Arc::new(Argon2Hasher::new(passwords).expect("the password hashing threads start")),
        breaches: Arc::new(BreachAdapter(Arc::new(NoBreachCheck))),
        readiness: Arc::new(AlwaysReady),
        shared_through: None,
    };
    let tokens = TokenService::new(KeySet::hs256("test", &secret), TokenSettings::default(), clock.clone());
    web::startup::assemble(adapters, tokens, clock, HttpSettings::for_origin("http://127.0.0.1"))
        .expect("the test state assembles")
}

/// The in-memory stores, as test state.
pub fn memory_state() -> AppState {
    test_state(Arc::new(MemoryStore::new()), Arc::new(InMemorySessions::new()))
}

/// The in-memory stores, as test state on `clock`.
pub fn memory_state_at(clock: Arc<dyn Clock>) -> AppState {
    test_state_at(Arc::new(MemoryStore::new()), Arc::new(InMemorySessions::new()), clock)
}

/// A clock at the present second that only the test moves (`clock.advance(301)`).
pub fn test_clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::at(SystemClock.now()))
}
