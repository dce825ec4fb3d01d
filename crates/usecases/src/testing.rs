//! Ports for unit tests: strict mocks where a test states an interaction (a mock with no
//! expectation fails the test when called), fakes where a test only needs state (the
//! in-memory sessions), the real token service and throttle over a clock the test holds.

use std::sync::Arc;

use auth::clock::FixedClock;
use auth::keys::{HmacSecret, KeySet};
use auth::sessions::{InMemorySessions, SessionStore};
use auth::throttle::{LoginThrottle, MemoryThrottle, ThrottlePolicy};
use auth::token::{TokenService, TokenSettings};
use domain::fixtures::NeverBreached;
use domain::ports::{MockCompanyRepository, MockJobRepository, MockPasswordHasher, MockUserRepository, UserRepository};

use crate::callers::{AskedInTurn, CallerDirectory};
use crate::events::MockEventPublisher;
use crate::ports::Ports;

pub const NOW: i64 = 1_800_000_000;

pub struct TestPorts {
    pub users: MockUserRepository,
    pub jobs: MockJobRepository,
    pub passwords: MockPasswordHasher,
    pub sessions: Arc<dyn SessionStore>,
    pub events: MockEventPublisher,
    pub clock: Arc<FixedClock>,
    pub throttle: Arc<dyn LoginThrottle>,
    /// `None` asks the sessions and the users above in turn.
    pub callers: Option<Arc<dyn CallerDirectory>>,
}

impl TestPorts {
    pub fn new() -> Self {
        let clock = Arc::new(FixedClock::at(NOW));
        Self {
            users: MockUserRepository::new(),
            jobs: MockJobRepository::new(),
            passwords: MockPasswordHasher::new(),
            sessions: Arc::new(InMemorySessions::new()),
            events: MockEventPublisher::new(),
            throttle: Arc::new(MemoryThrottle::new(ThrottlePolicy::default(), clock.clone())),
            clock,
            callers: None,
        }
    }

    pub fn build(self) -> Ports {
        let secret = HmacSecret::new(b"usecases-test-secret-of-32-bytes".to_vec()).unwrap();
        let users: Arc<dyn UserRepository> = Arc::new(self.users);
        let callers = self.callers.unwrap_or_else(|| Arc::new(AskedInTurn::new(self.sessions.clone(), users.clone())));
        Ports {
            users,
            companies: Arc::new(MockCompanyRepository::new()),
            jobs: Arc::new(self.jobs),
            passwords: Arc::new(self.passwords),
            breaches: Arc::new(NeverBreached),
            sessions: self.sessions,
            callers,
            tokens: Arc::new(TokenService::new(KeySet::hs256("test", &secret), TokenSettings::default(), self.clock)),
            throttle: self.throttle,
            events: Arc::new(self.events),
        }
    }
}
