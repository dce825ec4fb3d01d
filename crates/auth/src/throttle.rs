//! Failed-login throttling: a policy, and the port its state lives behind ([`LoginThrottle`];
//! [`MemoryThrottle`] keeps it in this process).
//!
//! An attempt is *reserved* before its password is checked, counted as a failure at once, and
//! settled after: a success gives the reservation back, a wrong password keeps it. Checking
//! first and recording after let 30 concurrent guesses through a limit of 5, because none had
//! failed yet when the others were checked.
//!
//! Failures are counted in a sliding window, three ways:
//! - per (username, client): one address guessing one account;
//! - per client: one address guessing many accounts;
//! - per username, from clients that account has never logged in from: many addresses guessing
//!   one account. A client the owner has logged in from is exempt from this count, so an attack
//!   from elsewhere cannot lock the owner out of their own device's address.
//!
//! When a count reaches its limit, further attempts are refused until the oldest failure in the
//! window ages out; the caller learns how long that is (`Retry-After`). What the throttle keeps
//! is bounded: keys are as long as a valid username or address can be (the use case refuses
//! longer ones before they get here), and their number is capped.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;

use crate::clock::{Clock, UnixTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    pub window_seconds: i64,
    pub max_failures_per_username_and_client: usize,
    pub max_failures_per_client: usize,
    /// Failures for one account from all the clients it has never logged in from, together.
    pub max_failures_per_username_from_unknown_clients: usize,
    /// How many clients an account remembers having logged in from, most recent first.
    pub known_clients_per_username: usize,
    /// At most this many counters; when they are all in use, attempts that would need a new
    /// one are refused until old ones age out (failing closed, and bounded).
    pub max_counters: usize,
}

impl Default for ThrottlePolicy {
    /// Five wrong passwords per account and address, twenty per address, five per account from
    /// unknown addresses, in fifteen minutes.
    fn default() -> Self {
        Self {
            window_seconds: 15 * 60,
            max_failures_per_username_and_client: 5,
            max_failures_per_client: 20,
            max_failures_per_username_from_unknown_clients: 5,
            known_clients_per_username: 8,
            max_counters: 100_000,
        }
    }
}

/// Seconds to wait before the next attempt can be accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub i64);

/// An attempt counted before its check; give it to [`LoginThrottle::settle`] with the outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    username: String,
    client: String,
    at: UnixTime,
    counted_for_username: bool,
}

/// What the password check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Succeeded,
    Failed,
    /// No check could be made (the hasher was busy, the store down): the attempt does not count.
    NotChecked,
}

/// Where throttle state lives: in this process, or shared by every instance.
#[async_trait]
pub trait LoginThrottle: Send + Sync {
    /// Counts an attempt for `username` from `client` as a failure before its password is
    /// checked, or refuses it with how long to wait.
    async fn reserve(&self, username: &str, client: &str) -> Result<Reservation, RetryAfter>;

    /// Settles a reservation once the check is done.
    async fn settle(&self, reservation: Reservation, outcome: Outcome);
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Counter {
    UsernameAndClient(String, String),
    Client(String),
    UsernameFromUnknownClients(String),
}

#[derive(Debug, Default)]
struct Ledger {
    failures: HashMap<Counter, VecDeque<UnixTime>>,
    /// Per username, the clients it logged in from, most recent last.
    known_clients: HashMap<String, VecDeque<String>>,
}

/// The throttle's state in this process's memory, behind one lock: a reservation is checked
/// and counted in one step, so concurrent attempts cannot all slip under a limit.
#[derive(Debug)]
pub struct MemoryThrottle {
    policy: ThrottlePolicy,
    clock: Arc<dyn Clock>,
    ledger: Mutex<Ledger>,
}

impl MemoryThrottle {
    pub fn new(policy: ThrottlePolicy, clock: Arc<dyn Clock>) -> Self {
        Self { policy, clock, ledger: Mutex::new(Ledger::default()) }
    }

    fn ledger(&self) -> MutexGuard<'_, Ledger> {
        // Counters are only ever pushed and popped whole: a poisoned lock still guards them.
        self.ledger.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn counters(&self, username: &str, client: &str, counted_for_username: bool) -> Vec<(Counter, usize)> {
        let mut counters = vec![
            (
                Counter::UsernameAndClient(username.to_owned(), client.to_owned()),
                self.policy.max_failures_per_username_and_client,
            ),
            (Counter::Client(client.to_owned()), self.policy.max_failures_per_client),
        ];
        if counted_for_username {
            counters.push((
                Counter::UsernameFromUnknownClients(username.to_owned()),
                self.policy.max_failures_per_username_from_unknown_clients,
            ));
        }
        counters
    }

    /// Drops failures that left the window, and counters left empty.
    fn forget_old(&self, ledger: &mut Ledger, now: UnixTime) {
        let window = self.policy.window_seconds;
        ledger.failures.retain(|_, times| {
            while times.front().is_some_and(|time| now - time >= window) {
                times.pop_front();
            }
            !times.is_empty()
        });
    }
}

#[async_trait]
impl LoginThrottle for MemoryThrottle {
    async fn reserve(&self, username: &str, client: &str) -> Result<Reservation, RetryAfter> {
        let now = self.clock.now();
        let window = self.policy.window_seconds;
        let mut ledger = self.ledger();
        let known = ledger.known_clients.get(username).is_some_and(|clients| clients.iter().any(|c| c == client));
        let counters = self.counters(username, client, !known);
        let new_counters = counters.iter().filter(|(counter, _)| !ledger.failures.contains_key(counter)).count();
        if ledger.failures.len() + new_counters > self.policy.max_counters {
            self.forget_old(&mut ledger, now);
            if ledger.failures.len() + new_counters > self.policy.max_counters {
                let oldest = ledger.failures.values().filter_map(|times| times.front()).min().copied();
                return Err(RetryAfter(oldest.map_or(window, |oldest| oldest + window - now).max(1)));
            }
        }
        let mut wait = None;
        for (counter, limit) in &counters {
            let Some(times) = ledger.failures.get_mut(counter) else { continue };
            while times.front().is_some_and(|time| now - time >= window) {
                times.pop_front();
            }
            // With `limit` failures in the window, wait until the oldest of them leaves it.
            if times.len() >= *limit {
                let seconds = times.front().map_or(window, |oldest| oldest + window - now);
                wait = wait.max(Some(seconds.max(1)));
            }
        }
        if let Some(seconds) = wait {
            return Err(RetryAfter(seconds));
        }
        for (counter, _) in counters {
            ledger.failures.entry(counter).or_default().push_back(now);
        }
        Ok(Reservation {
            username: username.to_owned(),
            client: client.to_owned(),
            at: now,
            counted_for_username: !known,
        })
    }

    async fn settle(&self, reservation: Reservation, outcome: Outcome) {
        if outcome == Outcome::Failed {
            return;
        }
        let mut ledger = self.ledger();
        for (counter, _) in self.counters(&reservation.username, &reservation.client, reservation.counted_for_username)
        {
            if let Some(times) = ledger.failures.get_mut(&counter)
                && let Some(index) = times.iter().rposition(|time| *time == reservation.at)
            {
                times.remove(index);
            }
        }
        if outcome == Outcome::Succeeded {
            let pair = Counter::UsernameAndClient(reservation.username.clone(), reservation.client.clone());
            ledger.failures.remove(&pair);
            let known = ledger.known_clients.entry(reservation.username).or_default();
            known.retain(|client| *client != reservation.client);
            known.push_back(reservation.client);
            if known.len() > self.policy.known_clients_per_username {
                known.pop_front();
            }
        }
        ledger.failures.retain(|_, times| !times.is_empty());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;

    const POLICY: ThrottlePolicy = ThrottlePolicy {
        window_seconds: 60,
        max_failures_per_username_and_client: 3,
        max_failures_per_client: 5,
        max_failures_per_username_from_unknown_clients: 4,
        known_clients_per_username: 2,
        max_counters: 1_000,
    };

    fn throttle_with(policy: ThrottlePolicy) -> (MemoryThrottle, Arc<FixedClock>) {
        let clock = Arc::new(FixedClock::at(1_000));
        (MemoryThrottle::new(policy, clock.clone()), clock)
    }

    fn throttle() -> (MemoryThrottle, Arc<FixedClock>) {
        throttle_with(POLICY)
    }

    async fn fail(throttle: &MemoryThrottle, username: &str, client: &str) {
        let reservation = throttle.reserve(username, client).await.expect("not throttled yet");
        throttle.settle(reservation, Outcome::Failed).await;
    }

    async fn succeed(throttle: &MemoryThrottle, username: &str, client: &str) {
        let reservation = throttle.reserve(username, client).await.expect("not throttled");
        throttle.settle(reservation, Outcome::Succeeded).await;
    }

    #[tokio::test]
    async fn of_30_guesses_in_flight_at_once_from_30_addresses_only_the_limit_is_checked() {
        let (throttle, _) = throttle_with(ThrottlePolicy::default());

        // Reserved, none settled yet: every check is still running.
        let mut admitted = 0;
        for address in 0..30 {
            if throttle.reserve("ada", &format!("10.0.0.{address}")).await.is_ok() {
                admitted += 1;
            }
        }

        assert_eq!(admitted, 5);
    }

    #[tokio::test]
    async fn the_owner_still_logs_in_from_their_own_address_during_an_attack_from_others() {
        let (throttle, _) = throttle();
        succeed(&throttle, "ada", "198.51.100.1").await;

        for address in 0..POLICY.max_failures_per_username_from_unknown_clients {
            fail(&throttle, "ada", &format!("10.0.0.{address}")).await;
        }

        assert!(throttle.reserve("ada", "10.0.0.200").await.is_err(), "a new address is throttled for ada");
        assert!(throttle.reserve("ada", "198.51.100.1").await.is_ok(), "the owner's own address is not");
    }

    #[tokio::test]
    async fn one_address_is_limited_per_account_and_across_accounts() {
        let (throttle, _) = throttle();
        for _ in 0..3 {
            fail(&throttle, "ada", "10.0.0.9").await;
        }
        assert_eq!(throttle.reserve("ada", "10.0.0.9").await.err(), Some(RetryAfter(60)), "3 per account");

        fail(&throttle, "bob", "10.0.0.9").await;
        fail(&throttle, "cy", "10.0.0.9").await;
        assert_eq!(throttle.reserve("dee", "10.0.0.9").await.err(), Some(RetryAfter(60)), "5 per address");
        assert!(throttle.reserve("dee", "10.0.0.10").await.is_ok(), "other addresses are not affected");
    }

    #[tokio::test]
    async fn failures_age_out_of_the_window_one_by_one() {
        let (throttle, clock) = throttle();
        for _ in 0..3 {
            fail(&throttle, "ada", "10.0.0.1").await;
            clock.advance(10);
        }

        assert_eq!(throttle.reserve("ada", "10.0.0.1").await.err(), Some(RetryAfter(30)), "first at 1000, now 1030");
        clock.advance(29);
        assert_eq!(throttle.reserve("ada", "10.0.0.1").await.err(), Some(RetryAfter(1)));
        clock.advance(1);
        assert!(throttle.reserve("ada", "10.0.0.1").await.is_ok());
    }

    #[tokio::test]
    async fn a_success_gives_back_its_reservation_and_clears_that_addresses_failures() {
        let (throttle, _) = throttle();
        fail(&throttle, "ada", "10.0.0.1").await;
        fail(&throttle, "ada", "10.0.0.1").await;

        succeed(&throttle, "ada", "10.0.0.1").await;

        for _ in 0..3 {
            fail(&throttle, "ada", "10.0.0.1").await;
        }
        assert!(throttle.reserve("ada", "10.0.0.1").await.is_err(), "three new failures, the limit");
    }

    #[tokio::test]
    async fn an_attempt_that_could_not_be_checked_does_not_count() {
        let (throttle, _) = throttle();

        for _ in 0..10 {
            let reservation = throttle.reserve("ada", "10.0.0.1").await.expect("never throttled");
            throttle.settle(reservation, Outcome::NotChecked).await;
        }

        assert!(throttle.reserve("ada", "10.0.0.1").await.is_ok());
    }

    #[tokio::test]
    async fn the_counters_kept_are_bounded_and_new_ones_wait_for_old_ones_to_age_out() {
        let (throttle, clock) = throttle_with(ThrottlePolicy { max_counters: 30, ..POLICY });

        for n in 0..10 {
            fail(&throttle, &format!("user{n}"), &format!("10.0.{n}.1")).await;
        }
        let refused = throttle.reserve("user10", "10.0.10.1").await;
        clock.advance(60);

        assert_eq!(refused.err(), Some(RetryAfter(60)), "30 counters in use: a 31st must wait");
        assert!(throttle.reserve("user10", "10.0.10.1").await.is_ok(), "the old ones aged out");
        assert!(throttle.ledger().failures.len() <= 30);
    }
}
