//! The login throttle on Postgres: auth's [`LoginThrottle`] port, with the policy of
//! [`auth::throttle`] applied to state every instance shares, so N instances allow the guesses
//! of one.
//!
//! The counts an attempt is checked against are keyed by its username, its client, or both.
//! A reservation takes transaction-scoped advisory locks on both keys before it reads them and
//! holds them until its counts are written, so concurrent attempts touching any of the same
//! counts queue, on whichever instance they arrive. The two locks are always taken in the same
//! order, so two attempts cannot each hold the lock the other waits for.

use std::sync::Arc;

use async_trait::async_trait;
use auth::clock::{Clock, UnixTime};
use auth::sessions::StoreFailure;
use auth::throttle::{Counter, LoginThrottle, Outcome, Refusal, Reservation, ThrottlePolicy};
use sqlx::{PgConnection, PgPool};

/// The first half of every throttle lock's key: advisory locks are shared by all users of the
/// database, and this keeps the throttle's apart.
const LOCK_CLASS: i32 = 0x6a62_7468; // "jbth"

/// [`ThrottlePolicy`] kept in the `login_failures` and `login_known_clients` tables.
#[derive(Debug)]
pub struct PgThrottle {
    pool: PgPool,
    policy: ThrottlePolicy,
    clock: Arc<dyn Clock>,
}

impl PgThrottle {
    pub fn new(pool: PgPool, policy: ThrottlePolicy, clock: Arc<dyn Clock>) -> Self {
        Self { pool, policy, clock }
    }

    /// The throttle's answer, or the database's error when it could not give one.
    async fn try_reserve(&self, username: &str, client: &str) -> Result<Result<Reservation, Refusal>, sqlx::Error> {
        let now = self.clock.now();
        let mut transaction = self.pool.begin().await?;
        lock_counts_of(&mut transaction, username, client).await?;
        let known = sqlx::query_scalar::<_, bool>(
            "SELECT EXISTS (SELECT 1 FROM login_known_clients WHERE username = $1 AND client = $2)",
        )
        .bind(username)
        .bind(client)
        .fetch_one(&mut *transaction)
        .await?;
        let counters = self.policy.counters(username, client, !known);
        let keys = Keys::of(counters.iter().map(|(counter, _)| counter));
        let stored: Vec<(String, String, String, Vec<i64>)> = sqlx::query_as(
            "SELECT kind, username, client, failed_at FROM login_failures
             WHERE (kind, username, client) IN (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]))",
        )
        .bind(&keys.kinds)
        .bind(&keys.usernames)
        .bind(&keys.clients)
        .fetch_all(&mut *transaction)
        .await?;

        let mut wait = None;
        for (counter, limit) in &counters {
            let key = key_of(counter);
            let Some((.., failed_at)) = stored
                .iter()
                .find(|(kind, username, client, _)| (kind.as_str(), username.as_str(), client.as_str()) == key)
            else {
                continue;
            };
            let in_window: Vec<UnixTime> =
                failed_at.iter().copied().filter(|time| !self.policy.has_aged_out(*time, now)).collect();
            wait = wait.max(self.policy.wait_for(&in_window, *limit, now));
        }
        if let Some(wait) = wait {
            return Ok(Err(Refusal::TooMany(wait)));
        }
        let new_counters = counters.len() - stored.len();
        if new_counters > 0 && !self.room_for(&mut transaction, new_counters, now).await? {
            let oldest = sqlx::query_scalar::<_, Option<i64>>("SELECT min(failed_at[1]) FROM login_failures")
                .fetch_one(&mut *transaction)
                .await?;
            return Ok(Err(Refusal::TooMany(self.policy.wait_for_a_free_counter(oldest, now))));
        }
        // Each counter keeps the failures still in the window, and this one, in time order
        // (instances' clocks may disagree by a little).
        sqlx::query(
            "INSERT INTO login_failures AS counter (kind, username, client, failed_at)
             SELECT kind, username, client, ARRAY[$4::bigint]
             FROM unnest($1::text[], $2::text[], $3::text[]) AS attempt (kind, username, client)
             ON CONFLICT (kind, username, client) DO UPDATE SET failed_at = ARRAY(
                 SELECT time FROM unnest(counter.failed_at || $4::bigint) AS time WHERE time > $4 - $5 ORDER BY time
             )",
        )
        .bind(&keys.kinds)
        .bind(&keys.usernames)
        .bind(&keys.clients)
        .bind(now)
        .bind(self.policy.window_seconds)
        .execute(&mut *transaction)
        .await?;
        transaction.commit().await?;
        Ok(Ok(Reservation::new(username, client, now, !known)))
    }

    /// Whether `new_counters` more fit under the bound, once counters whose failures have all
    /// aged out are dropped. Attempts on other keys run concurrently, so the count can pass the
    /// bound by the counters of the reservations in flight at that moment: bounded still.
    async fn room_for(
        &self,
        connection: &mut PgConnection,
        new_counters: usize,
        now: UnixTime,
    ) -> Result<bool, sqlx::Error> {
        let bound = i64::try_from(self.policy.max_counters).unwrap_or(i64::MAX);
        let wanted = i64::try_from(new_counters).unwrap_or(i64::MAX);
        let in_use = || {
            // Counting stops at the bound: a full table costs what a nearly empty one does.
            sqlx::query_scalar::<_, i64>("SELECT count(*) FROM (SELECT FROM login_failures LIMIT $1) AS counters")
                .bind(bound.saturating_add(1))
        };
        if in_use().fetch_one(&mut *connection).await?.saturating_add(wanted) <= bound {
            return Ok(true);
        }
        sqlx::query("DELETE FROM login_failures WHERE failed_at[cardinality(failed_at)] <= $1 - $2")
            .bind(now)
            .bind(self.policy.window_seconds)
            .execute(&mut *connection)
            .await?;
        Ok(in_use().fetch_one(&mut *connection).await?.saturating_add(wanted) <= bound)
    }

    async fn try_settle(&self, reservation: &Reservation, outcome: Outcome) -> Result<(), sqlx::Error> {
        let mut transaction = self.pool.begin().await?;
        lock_counts_of(&mut transaction, reservation.username(), reservation.client()).await?;
        let counters = reservation.counters(&self.policy);
        let keys = Keys::of(counters.iter().map(|(counter, _)| counter));
        // Gives back the reservation: one entry at its time leaves each of its counters.
        sqlx::query(
            "UPDATE login_failures
             SET failed_at = failed_at[:array_position(failed_at, $4) - 1] || failed_at[array_position(failed_at, $4) + 1:]
             WHERE (kind, username, client) IN (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]))
               AND $4 = ANY (failed_at)",
        )
        .bind(&keys.kinds)
        .bind(&keys.usernames)
        .bind(&keys.clients)
        .bind(reservation.at())
        .execute(&mut *transaction)
        .await?;
        if outcome == Outcome::Succeeded {
            self.remember_client(&mut transaction, reservation).await?;
        }
        sqlx::query(
            "DELETE FROM login_failures
             WHERE (kind, username, client) IN (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]))
               AND cardinality(failed_at) = 0",
        )
        .bind(&keys.kinds)
        .bind(&keys.usernames)
        .bind(&keys.clients)
        .execute(&mut *transaction)
        .await?;
        transaction.commit().await
    }

    /// A success clears the failures of that account from that client, and makes the client one
    /// of the account's known ones (the most recent `known_clients_per_username`).
    async fn remember_client(
        &self,
        connection: &mut PgConnection,
        reservation: &Reservation,
    ) -> Result<(), sqlx::Error> {
        let (username, client) = (reservation.username(), reservation.client());
        sqlx::query("DELETE FROM login_failures WHERE kind = 'username_and_client' AND username = $1 AND client = $2")
            .bind(username)
            .bind(client)
            .execute(&mut *connection)
            .await?;
        sqlx::query(
            "INSERT INTO login_known_clients (username, client, logged_in_at) VALUES ($1, $2, $3)
             ON CONFLICT (username, client) DO UPDATE SET logged_in_at = EXCLUDED.logged_in_at",
        )
        .bind(username)
        .bind(client)
        .bind(reservation.at())
        .execute(&mut *connection)
        .await?;
        sqlx::query(
            "DELETE FROM login_known_clients WHERE username = $1 AND client NOT IN (
                 SELECT client FROM login_known_clients WHERE username = $1
                 ORDER BY logged_in_at DESC, client = $2 DESC LIMIT $3
             )",
        )
        .bind(username)
        .bind(client)
        .bind(i64::try_from(self.policy.known_clients_per_username).unwrap_or(i64::MAX))
        .execute(&mut *connection)
        .await?;
        Ok(())
    }
}

#[async_trait]
impl LoginThrottle for PgThrottle {
    async fn reserve(&self, username: &str, client: &str) -> Result<Reservation, Refusal> {
        self.try_reserve(username, client)
            .await
            .unwrap_or_else(|error| Err(Refusal::Unavailable(StoreFailure(Box::new(error)))))
    }

    async fn settle(&self, reservation: Reservation, outcome: Outcome) {
        if outcome == Outcome::Failed {
            return;
        }
        // Unsettled, the attempt stays counted as a failure (the port's promise): refusing too
        // much for a window is the safe side of losing this write.
        let _ = self.try_settle(&reservation, outcome).await;
    }
}

/// Locks the counts keyed by `username` and by `client` until the transaction ends, the lower
/// key first.
async fn lock_counts_of(transaction: &mut PgConnection, username: &str, client: &str) -> Result<(), sqlx::Error> {
    let (username_key, client_key) = (format!("username {username}"), format!("client {client}"));
    for order in ["least", "greatest"] {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT pg_advisory_xact_lock($1, {order}(hashtext($2), hashtext($3)))"
        )))
        .bind(LOCK_CLASS)
        .bind(&username_key)
        .bind(&client_key)
        .execute(&mut *transaction)
        .await?;
    }
    Ok(())
}

/// A counter's primary key in `login_failures`.
fn key_of(counter: &Counter) -> (&'static str, &str, &str) {
    match counter {
        Counter::UsernameAndClient(username, client) => ("username_and_client", username, client),
        Counter::Client(client) => ("client", "", client),
        Counter::UsernameFromUnknownClients(username) => ("username_from_unknown_clients", username, ""),
    }
}

/// Counters' keys as three parallel arrays, for `unnest`.
struct Keys {
    kinds: Vec<&'static str>,
    usernames: Vec<String>,
    clients: Vec<String>,
}

impl Keys {
    fn of<'a>(counters: impl Iterator<Item = &'a Counter>) -> Self {
        let mut keys = Self { kinds: Vec::new(), usernames: Vec::new(), clients: Vec::new() };
        for counter in counters {
            let (kind, username, client) = key_of(counter);
            keys.kinds.push(kind);
            keys.usernames.push(username.to_owned());
            keys.clients.push(client.to_owned());
        }
        keys
    }
}
