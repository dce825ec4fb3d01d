//! The Postgres store (sqlx): [`PgStore`], the schema it migrates to, and what its adapters
//! share. Each port's adapter lives in its own module: `users`, `companies`, `jobs`, and
//! `sessions` (auth's [`SessionStore`](auth::sessions::SessionStore) port), [`throttle`] (auth's
//! login throttle, shared by every instance); [`notifications`] is the channel several instances
//! on one database hear each other through; `callers` reads a token's standing and its
//! holder's account in one query, since every authenticated request asks for both.
//!
//! - The repositories' inserts, updates and deletes return their row with `RETURNING`: one
//!   round trip, and the caller gets what the database holds (defaults, triggers and all). The
//!   throttle's writes return nothing a caller needs, so they only execute.
//! - Each table's read columns are one constant beside its row struct, used by every `SELECT`
//!   and `RETURNING`: rows are read by column name, so the list and the struct cannot drift
//!   apart query by query. An `INSERT` spells out its target list instead, because that
//!   order pairs with its bind positions.
//! - Partial updates are built from a fixed map of the patch's fields to column names, never
//!   from request keys, with every value a bind parameter.
//! - Filters are bind parameters too; search text is escaped for `ILIKE`, so `%` and `_` match
//!   themselves.
//! - Constraint violations become domain errors (unique → `Conflict`, foreign key →
//!   `NotFound`); anything else is `Unavailable`, never a panic.
//! - Lists are ordered by code point (`COLLATE "C"`), as the memory store orders them,
//!   whatever the server's locale.

mod callers;
mod companies;
mod jobs;
pub mod notifications;
mod sessions;
pub mod throttle;
mod users;

use domain::DomainError;
use domain::text::SearchText;
use sqlx::AssertSqlSafe;
use sqlx::migrate::Migrator;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};

/// The schema, embedded in the binary. Tests migrate a template database with it once.
pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    /// Connects (a request waits at most `acquire_timeout` for a connection, then fails) and
    /// brings the schema up to date.
    pub async fn connect_and_migrate(url: &str, acquire_timeout: Duration) -> Result<Self, StoreError> {
        // sqlx pings a connection before lending it (a round trip per query), and that ping is
        // what `acquire_timeout` bounds: without it, a request that gets a pooled connection to
        // a frozen database waits on its query as long as the freeze lasts. Measured: turning
        // the ping off made that black-box test hang (docs/performance.md).
        let pool = PgPoolOptions::new().max_connections(10).acquire_timeout(acquire_timeout).connect(url).await?;
        MIGRATOR.run(&pool).await?;
        Ok(Self::new(pool))
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

/// Failures of the store itself (connecting, migrating), as opposed to domain outcomes.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}

/// `%text%` for `ILIKE`, with `\`, `%` and `_` escaped so every character matches itself.
pub fn contains_pattern(text: &SearchText) -> String {
    let mut pattern = String::with_capacity(text.as_str().len() + 2);
    pattern.push('%');
    for c in text.as_str().chars() {
        if matches!(c, '\\' | '%' | '_') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// One statement from fragments such as `"SELECT "`, a table's column constant and the rest.
///
/// sqlx takes a `&'static str` as SQL without question, but not a `String` built at run time,
/// lest input reach the text. Every part here must be `'static`, so the statement is made of
/// literals and constants only, as one literal would be; values still go through binds.
fn static_sql(parts: &[&'static str]) -> AssertSqlSafe<String> {
    AssertSqlSafe(parts.concat())
}

/// Turns a database error into the domain's words. `describe` names the violated constraint
/// in the domain's terms, or `None` when it is not one this call expects.
fn classify(error: sqlx::Error, describe: impl FnOnce(&str) -> Option<DomainError>) -> DomainError {
    if let sqlx::Error::Database(db) = &error
        && let Some(constraint) = db.constraint()
        && let Some(domain_error) = describe(constraint)
    {
        return domain_error;
    }
    DomainError::Unavailable(Box::new(error))
}

fn unavailable(error: sqlx::Error) -> DomainError {
    DomainError::Unavailable(Box::new(error))
}

/// A row the domain refuses means something wrote around it: report, don't serve it.
fn corrupt(table: &str, key: &str, violation: domain::Violation) -> DomainError {
    DomainError::Unavailable(format!("corrupt {table} row '{key}': {violation}").into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_like_pattern_escapes_every_wildcard_and_the_escape_itself() {
        let text = SearchText::parse("title", r"50%_off\now").unwrap();
        assert_eq!(contains_pattern(&text), r"%50\%\_off\\now%");
    }
}
