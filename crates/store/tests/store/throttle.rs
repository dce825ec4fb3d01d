//! auth's `LoginThrottle` port, one contract for both adapters (auth's `MemoryThrottle` and
//! `PgThrottle`): the policy holds wherever its state lives, and on Postgres it holds for
//! attempts racing on separate connections, as they do from several instances.

use std::sync::Arc;

use auth::clock::FixedClock;
use auth::throttle::{LoginThrottle, MemoryThrottle, Outcome, Refusal, Reservation, RetryAfter, ThrottlePolicy};
use store::postgres::throttle::PgThrottle;
use tokio::task::JoinSet;

const NOW: i64 = 1_750_000_000;

const POLICY: ThrottlePolicy = ThrottlePolicy {
    window_seconds: 60,
    max_failures_per_username_and_client: 3,
    max_failures_per_client: 5,
    max_failures_per_username_from_unknown_clients: 4,
    known_clients_per_username: 2,
    max_counters: 1_000,
};

macro_rules! contract {
    (@policy) => { POLICY };
    (@policy $policy:expr) => { $policy };
    ($($case:ident $(with $policy:expr)?),* $(,)?) => {
        mod memory {
            use super::*;
            $(
                #[tokio::test]
                async fn $case() {
                    let clock = Arc::new(FixedClock::at(NOW));
                    let policy = contract!(@policy $($policy)?);
                    super::$case(Arc::new(MemoryThrottle::new(policy, clock.clone())), clock).await;
                }
            )*
        }

        mod postgres {
            use super::*;
            $(
                #[tokio::test]
                async fn $case() {
                    let database = testkit::TestDatabase::new().await;
                    let clock = Arc::new(FixedClock::at(NOW));
                    let policy = contract!(@policy $($policy)?);
                    super::$case(Arc::new(PgThrottle::new(database.pool().clone(), policy, clock.clone())), clock).await;
                }
            )*
        }
    };
}

contract! {
    of_30_guesses_racing_from_30_addresses_only_the_limit_is_checked,
    the_owner_still_logs_in_from_their_own_address_during_an_attack_from_others,
    an_account_remembers_only_its_most_recent_addresses,
    one_address_is_limited_per_account_and_across_accounts,
    a_refused_attempt_waits_until_the_oldest_failure_leaves_the_window,
    a_success_gives_back_its_reservation_and_clears_that_addresses_failures,
    a_success_clears_no_other_accounts_failures,
    an_attempt_that_could_not_be_checked_does_not_count,
    successful_logins_racing_on_one_account_and_address_leave_nothing_counted,
    the_counters_kept_are_bounded_and_new_ones_wait_for_old_ones_to_age_out with ThrottlePolicy { max_counters: 30, ..POLICY },
}

/// How long a refused attempt must wait; `None` if it was reserved.
fn wait(reserved: Result<Reservation, Refusal>) -> Option<RetryAfter> {
    match reserved {
        Ok(_) => None,
        Err(Refusal::TooMany(wait)) => Some(wait),
        Err(Refusal::Unavailable(failure)) => panic!("the throttle's store failed: {failure}"),
    }
}

async fn attempt(throttle: &Arc<dyn LoginThrottle>, username: &str, client: &str, outcome: Outcome) {
    let reservation = throttle.reserve(username, client).await.expect("not throttled yet");
    throttle.settle(reservation, outcome).await;
}

async fn of_30_guesses_racing_from_30_addresses_only_the_limit_is_checked(
    throttle: Arc<dyn LoginThrottle>,
    _: Arc<FixedClock>,
) {
    let mut guesses = JoinSet::new();
    for address in 0..30 {
        let throttle = throttle.clone();
        // Reserved, none settled: every check is still running.
        guesses.spawn(async move { wait(throttle.reserve("ada", &format!("10.0.0.{address}")).await).is_none() });
    }

    let admitted = guesses.join_all().await.into_iter().filter(|admitted| *admitted).count();

    assert_eq!(admitted, POLICY.max_failures_per_username_from_unknown_clients);
}

async fn the_owner_still_logs_in_from_their_own_address_during_an_attack_from_others(
    throttle: Arc<dyn LoginThrottle>,
    _: Arc<FixedClock>,
) {
    attempt(&throttle, "ada", "198.51.100.1", Outcome::Succeeded).await;

    for address in 0..POLICY.max_failures_per_username_from_unknown_clients {
        attempt(&throttle, "ada", &format!("10.0.0.{address}"), Outcome::Failed).await;
    }

    assert!(wait(throttle.reserve("ada", "10.0.0.200").await).is_some(), "a new address is throttled for ada");
    assert_eq!(wait(throttle.reserve("ada", "198.51.100.1").await), None, "the owner's own address is not");
}

async fn an_account_remembers_only_its_most_recent_addresses(throttle: Arc<dyn LoginThrottle>, clock: Arc<FixedClock>) {
    for address in ["198.51.100.1", "198.51.100.2", "198.51.100.3"] {
        attempt(&throttle, "ada", address, Outcome::Succeeded).await;
        clock.advance(1);
    }

    for address in 0..POLICY.max_failures_per_username_from_unknown_clients {
        attempt(&throttle, "ada", &format!("10.0.0.{address}"), Outcome::Failed).await;
    }

    assert!(wait(throttle.reserve("ada", "198.51.100.1").await).is_some(), "the oldest of three is forgotten");
    assert_eq!(wait(throttle.reserve("ada", "198.51.100.3").await), None, "the two most recent are known");
}

async fn one_address_is_limited_per_account_and_across_accounts(throttle: Arc<dyn LoginThrottle>, _: Arc<FixedClock>) {
    for _ in 0..3 {
        attempt(&throttle, "ada", "10.0.0.9", Outcome::Failed).await;
    }
    assert_eq!(wait(throttle.reserve("ada", "10.0.0.9").await), Some(RetryAfter(60)), "3 per account");

    attempt(&throttle, "bob", "10.0.0.9", Outcome::Failed).await;
    attempt(&throttle, "cy", "10.0.0.9", Outcome::Failed).await;
    assert_eq!(wait(throttle.reserve("dee", "10.0.0.9").await), Some(RetryAfter(60)), "5 per address");
    assert_eq!(wait(throttle.reserve("dee", "10.0.0.10").await), None, "other addresses are not affected");
}

async fn a_refused_attempt_waits_until_the_oldest_failure_leaves_the_window(
    throttle: Arc<dyn LoginThrottle>,
    clock: Arc<FixedClock>,
) {
    for _ in 0..3 {
        attempt(&throttle, "ada", "10.0.0.1", Outcome::Failed).await;
        clock.advance(10);
    }

    assert_eq!(wait(throttle.reserve("ada", "10.0.0.1").await), Some(RetryAfter(30)), "the first of three 30 s ago");
    clock.advance(29);
    assert_eq!(wait(throttle.reserve("ada", "10.0.0.1").await), Some(RetryAfter(1)));
    clock.advance(1);
    assert_eq!(wait(throttle.reserve("ada", "10.0.0.1").await), None);
}

async fn a_success_gives_back_its_reservation_and_clears_that_addresses_failures(
    throttle: Arc<dyn LoginThrottle>,
    _: Arc<FixedClock>,
) {
    attempt(&throttle, "ada", "10.0.0.1", Outcome::Failed).await;
    attempt(&throttle, "ada", "10.0.0.1", Outcome::Failed).await;

    attempt(&throttle, "ada", "10.0.0.1", Outcome::Succeeded).await;

    for _ in 0..3 {
        attempt(&throttle, "ada", "10.0.0.1", Outcome::Failed).await;
    }
    assert!(wait(throttle.reserve("ada", "10.0.0.1").await).is_some(), "three new failures, the limit");
}

/// Found by mutation testing: the in-memory throttle survived a mutant that, on any success,
/// dropped every counter still holding failures (`docs/what-each-layer-catches.md`).
async fn a_success_clears_no_other_accounts_failures(throttle: Arc<dyn LoginThrottle>, _: Arc<FixedClock>) {
    for _ in 0..3 {
        attempt(&throttle, "ada", "10.0.0.1", Outcome::Failed).await;
    }

    attempt(&throttle, "bob", "10.0.0.2", Outcome::Succeeded).await;

    assert_eq!(wait(throttle.reserve("ada", "10.0.0.1").await), Some(RetryAfter(60)), "ada's guesses still count");
}

async fn an_attempt_that_could_not_be_checked_does_not_count(throttle: Arc<dyn LoginThrottle>, _: Arc<FixedClock>) {
    for _ in 0..10 {
        attempt(&throttle, "ada", "10.0.0.1", Outcome::NotChecked).await;
    }

    assert_eq!(wait(throttle.reserve("ada", "10.0.0.1").await), None);
}

async fn the_counters_kept_are_bounded_and_new_ones_wait_for_old_ones_to_age_out(
    throttle: Arc<dyn LoginThrottle>,
    clock: Arc<FixedClock>,
) {
    // Each failure from a new account and address starts three counters.
    for n in 0..10 {
        attempt(&throttle, &format!("user{n}"), &format!("10.0.{n}.1"), Outcome::Failed).await;
    }
    let refused = wait(throttle.reserve("user10", "10.0.10.1").await);
    clock.advance(60);

    assert_eq!(refused, Some(RetryAfter(60)), "30 counters in use: more must wait");
    assert_eq!(wait(throttle.reserve("user10", "10.0.10.1").await), None, "the old ones aged out");
}

async fn successful_logins_racing_on_one_account_and_address_leave_nothing_counted(
    throttle: Arc<dyn LoginThrottle>,
    _: Arc<FixedClock>,
) {
    let mut owners = JoinSet::new();
    for _ in 0..POLICY.max_failures_per_username_and_client {
        let throttle = throttle.clone();
        owners.spawn(async move {
            let mut refused = 0;
            for _ in 0..40 {
                match throttle.reserve("ada", "198.51.100.1").await {
                    Ok(reservation) => throttle.settle(reservation, Outcome::Succeeded).await,
                    Err(_) => refused += 1,
                }
            }
            refused
        });
    }

    let refused: u32 = owners.join_all().await.into_iter().sum();

    assert_eq!(refused, 0, "an owner logging in from a few tabs at once is never refused");
    for _ in 0..POLICY.max_failures_per_username_and_client {
        assert_eq!(wait(throttle.reserve("ada", "198.51.100.1").await), None, "nothing was left counted");
    }
}
