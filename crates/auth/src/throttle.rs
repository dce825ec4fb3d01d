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
use crate::sessions::StoreFailure;

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct RetryAfter(pub i64);

/// Why an attempt was not reserved.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// A limit is reached: try again after this long.
    #[error("too many failed logins; retry in {} s", .0.0)]
    TooMany(RetryAfter),
    /// The throttle's state could not be read or written, so nothing can be checked: the attempt
    /// is refused rather than let through uncounted.
    #[error(transparent)]
    Unavailable(StoreFailure),
}

/// An attempt counted before its check; give it to [`LoginThrottle::settle`] with the outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    username: String,
    client: String,
    at: UnixTime,
    counted_for_username: bool,
}

impl Reservation {
    /// The failure an adapter counted at `at` for `username` from `client`; `counted_for_username`
    /// says whether it went into the account's count from unknown clients.
    pub fn new(username: &str, client: &str, at: UnixTime, counted_for_username: bool) -> Self {
        Self { username: username.to_owned(), client: client.to_owned(), at, counted_for_username }
    }

    pub fn username(&self) -> &str {
        &self.username
    }

    pub fn client(&self) -> &str {
        &self.client
    }

    /// When the failure was counted: the entry a settlement takes back out of each counter.
    pub fn at(&self) -> UnixTime {
        self.at
    }

    /// The counters this reservation was counted in, with their limits.
    pub fn counters(&self, policy: &ThrottlePolicy) -> Vec<(Counter, usize)> {
        policy.counters(&self.username, &self.client, self.counted_for_username)
    }
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
    async fn reserve(&self, username: &str, client: &str) -> Result<Reservation, Refusal>;

    /// Settles a reservation once the check is done. If it cannot be recorded, the attempt stays
    /// counted as a failure: the throttle errs towards refusing, never towards letting through.
    async fn settle(&self, reservation: Reservation, outcome: Outcome);
}

/// One of the three counts of failures an attempt is checked against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Counter {
    UsernameAndClient(String, String),
    Client(String),
    UsernameFromUnknownClients(String),
}

impl ThrottlePolicy {
    /// The counters an attempt for `username` from `client` is checked against and counted in,
    /// with their limits; `from_unknown_client` when the account has never logged in from it.
    pub fn counters(&self, username: &str, client: &str, from_unknown_client: bool) -> Vec<(Counter, usize)> {
        let mut counters = vec![
            (
                Counter::UsernameAndClient(username.to_owned(), client.to_owned()),
                self.max_failures_per_username_and_client,
            ),
            (Counter::Client(client.to_owned()), self.max_failures_per_client),
        ];
        if from_unknown_client {
            counters.push((
                Counter::UsernameFromUnknownClients(username.to_owned()),
                self.max_failures_per_username_from_unknown_clients,
            ));
        }
        counters
    }

    /// Whether a failure at `time` has left the window by `now`.
    pub fn has_aged_out(&self, time: UnixTime, now: UnixTime) -> bool {
        now - time >= self.window_seconds
    }

    /// How long an attempt must wait, given one counter's failures still in the window (oldest
    /// first) and its limit: with `limit` of them, until the oldest leaves the window.
    pub fn wait_for(&self, failures_in_window: &[UnixTime], limit: usize, now: UnixTime) -> Option<RetryAfter> {
        (failures_in_window.len() >= limit).then(|| {
            let oldest = failures_in_window.first().copied().unwrap_or(now);
            RetryAfter((oldest + self.window_seconds - now).max(1))
        })
    }

    /// How long an attempt needing a new counter waits when all counters are in use: until the
    /// oldest failure still kept (`None`: a whole window) ages out.
    pub fn wait_for_a_free_counter(&self, oldest_failure: Option<UnixTime>, now: UnixTime) -> RetryAfter {
        RetryAfter(oldest_failure.map_or(self.window_seconds, |oldest| oldest + self.window_seconds - now).max(1))
    }
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

    /// Drops failures that left the window, and counters left empty.
    fn forget_old(&self, ledger: &mut Ledger, now: UnixTime) {
        ledger.failures.retain(|_, times| {
            while times.front().is_some_and(|time| self.policy.has_aged_out(*time, now)) {
                times.pop_front();
            }
            !times.is_empty()
        });
    }
}

#[async_trait]
impl LoginThrottle for MemoryThrottle {
    async fn reserve(&self, username: &str, client: &str) -> Result<Reservation, Refusal> {
        let now = self.clock.now();
        let mut ledger = self.ledger();
        let known = ledger.known_clients.get(username).is_some_and(|clients| clients.iter().any(|c| c == client));
        let counters = self.policy.counters(username, client, !known);
        let new_counters = counters.iter().filter(|(counter, _)| !ledger.failures.contains_key(counter)).count();
        if ledger.failures.len() + new_counters > self.policy.max_counters {
            self.forget_old(&mut ledger, now);
            if ledger.failures.len() + new_counters > self.policy.max_counters {
                let oldest = ledger.failures.values().filter_map(|times| times.front()).min().copied();
                return Err(Refusal::TooMany(self.policy.wait_for_a_free_counter(oldest, now)));
            }
        }
        let mut wait = None;
        for (counter, limit) in &counters {
            let Some(times) = ledger.failures.get_mut(counter) else { continue };
            while times.front().is_some_and(|time| self.policy.has_aged_out(*time, now)) {
                times.pop_front();
            }
            wait = wait.max(self.policy.wait_for(times.make_contiguous(), *limit, now));
        }
        if let Some(wait) = wait {
            return Err(Refusal::TooMany(wait));
        }
        for (counter, _) in counters {
            ledger.failures.entry(counter).or_default().push_back(now);
        }
        Ok(Reservation::new(username, client, now, !known))
    }

    async fn settle(&self, reservation: Reservation, outcome: Outcome) {
        if outcome == Outcome::Failed {
            return;
        }
        let mut ledger = self.ledger();
        for (counter, _) in reservation.counters(&self.policy) {
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
    //! The throttle's rules are one contract for both adapters, run against each in
    //! `crates/store/tests/store/throttle.rs`. What only this module can see is its ledger.

    use super::*;
    use crate::clock::FixedClock;

    #[tokio::test]
    async fn the_counters_kept_are_bounded_and_new_ones_wait_for_old_ones_to_age_out() {
        let policy = ThrottlePolicy { max_counters: 30, ..ThrottlePolicy::default() };
        let clock = Arc::new(FixedClock::at(1_000));
        let throttle = MemoryThrottle::new(policy, clock.clone());

        // Each failure from a new account and address starts three counters.
        for n in 0..10 {
            let reservation = throttle.reserve(&format!("user{n}"), &format!("10.0.{n}.1")).await.expect("room left");
            throttle.settle(reservation, Outcome::Failed).await;
        }
        let refused = throttle.reserve("user10", "10.0.10.1").await;
        clock.advance(policy.window_seconds);

        assert!(
            matches!(refused, Err(Refusal::TooMany(RetryAfter(wait))) if wait == policy.window_seconds),
            "30 counters in use: a 31st must wait: {refused:?}"
        );
        assert!(throttle.reserve("user10", "10.0.10.1").await.is_ok(), "the old ones aged out");
        assert!(throttle.ledger().failures.len() <= 30);
    }
}
