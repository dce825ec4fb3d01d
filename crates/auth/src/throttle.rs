//! Failed-login throttling, as pure logic over a clock: the web layer asks before checking a
//! password and reports the outcome after.
//!
//! Failures are counted in a sliding window twice: per username (a guessing attack on one
//! account from many addresses) and per client (one address trying many accounts). When
//! either count reaches its limit, further attempts are refused until the oldest failure in
//! the window ages out; the caller learns how long that is (`Retry-After`). A success clears
//! the username's failures.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

use crate::clock::{Clock, UnixTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    pub window_seconds: i64,
    pub max_failures_per_username: usize,
    pub max_failures_per_client: usize,
}

impl Default for ThrottlePolicy {
    /// Five wrong passwords per account, twenty per address, in fifteen minutes.
    fn default() -> Self {
        Self { window_seconds: 15 * 60, max_failures_per_username: 5, max_failures_per_client: 20 }
    }
}

/// Seconds to wait before the next attempt can be accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub i64);

#[derive(Debug)]
pub struct LoginThrottle {
    policy: ThrottlePolicy,
    clock: Arc<dyn Clock>,
    failures: Mutex<HashMap<Key, VecDeque<UnixTime>>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Username(String),
    Client(String),
}

impl LoginThrottle {
    pub fn new(policy: ThrottlePolicy, clock: Arc<dyn Clock>) -> Self {
        Self { policy, clock, failures: Mutex::new(HashMap::new()) }
    }

    /// Whether an attempt for `username` from `client` may go ahead now.
    pub fn check(&self, username: &str, client: &str) -> Result<(), RetryAfter> {
        let now = self.clock.now();
        let mut failures = self.failures();
        let limits = [
            (Key::Username(username.to_owned()), self.policy.max_failures_per_username),
            (Key::Client(client.to_owned()), self.policy.max_failures_per_client),
        ];
        let wait = limits
            .into_iter()
            .filter_map(|(key, limit)| {
                let times = failures.get_mut(&key)?;
                self.forget_old(times, now);
                // With `limit` failures in the window, wait until the oldest of them leaves it.
                (times.len() >= limit)
                    .then(|| times.front().map_or(0, |oldest| oldest + self.policy.window_seconds - now))
            })
            .max();
        match wait {
            Some(seconds) => Err(RetryAfter(seconds.max(1))),
            None => Ok(()),
        }
    }

    pub fn record_failure(&self, username: &str, client: &str) {
        let now = self.clock.now();
        let mut failures = self.failures();
        for key in [Key::Username(username.to_owned()), Key::Client(client.to_owned())] {
            let times = failures.entry(key).or_default();
            self.forget_old(times, now);
            times.push_back(now);
        }
        // Bound the memory an attacker can make us spend: drop every key with nothing recent.
        if failures.len() > 10_000 {
            failures.retain(|_, times| times.back().is_some_and(|last| now - last < self.policy.window_seconds));
        }
    }

    pub fn record_success(&self, username: &str) {
        self.failures().remove(&Key::Username(username.to_owned()));
    }

    fn forget_old(&self, times: &mut VecDeque<UnixTime>, now: UnixTime) {
        while times.front().is_some_and(|time| now - time >= self.policy.window_seconds) {
            times.pop_front();
        }
    }

    fn failures(&self) -> std::sync::MutexGuard<'_, HashMap<Key, VecDeque<UnixTime>>> {
        // Counters are only ever pushed and popped whole: a poisoned lock still guards them.
        self.failures.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;

    const POLICY: ThrottlePolicy =
        ThrottlePolicy { window_seconds: 60, max_failures_per_username: 3, max_failures_per_client: 5 };

    fn throttle() -> (LoginThrottle, Arc<FixedClock>) {
        let clock = Arc::new(FixedClock::at(1_000));
        (LoginThrottle::new(POLICY, clock.clone()), clock)
    }

    #[test]
    fn the_third_failure_for_a_username_locks_it_until_the_first_ages_out() {
        let (throttle, clock) = throttle();
        for _ in 0..2 {
            throttle.record_failure("ada", "10.0.0.1");
            clock.advance(10);
        }
        assert_eq!(throttle.check("ada", "10.0.0.2"), Ok(()), "two failures: still allowed");
        throttle.record_failure("ada", "10.0.0.3");

        assert_eq!(throttle.check("ada", "10.0.0.4"), Err(RetryAfter(40)), "first failure at 1000, now 1020");
        clock.advance(39);
        assert_eq!(throttle.check("ada", "10.0.0.4"), Err(RetryAfter(1)));
        clock.advance(1);
        assert_eq!(throttle.check("ada", "10.0.0.4"), Ok(()));
    }

    #[test]
    fn one_client_trying_many_usernames_is_locked_out() {
        let (throttle, _) = throttle();
        for username in ["a", "b", "c", "d", "e"] {
            throttle.record_failure(username, "10.0.0.9");
        }

        assert_eq!(throttle.check("f", "10.0.0.9"), Err(RetryAfter(60)));
        assert_eq!(throttle.check("f", "10.0.0.10"), Ok(()), "other clients are not affected");
    }

    #[test]
    fn a_success_clears_the_usernames_failures() {
        let (throttle, _) = throttle();
        throttle.record_failure("ada", "10.0.0.1");
        throttle.record_failure("ada", "10.0.0.1");
        throttle.record_success("ada");
        throttle.record_failure("ada", "10.0.0.1");

        assert_eq!(throttle.check("ada", "10.0.0.1"), Ok(()));
    }
}
