//! Adapters for the ports the domain defines: where users live.
//!
//! [`memory::MemoryStore`] keeps everything in a map; it is the embedded default of
//! `cargo run` and the fake behind fast API tests. [`postgres::PgStore`] is the real thing
//! (sqlx, migrations in `migrations/`, every write returning its row with `RETURNING`). Both
//! are held to the same behaviour by one contract suite (`tests/store/contract.rs`), so the
//! fake cannot drift from the database.
//!
//! It depends on `domain` only, never on `web` or `auth`: HTTP and tokens are not its business.

pub mod memory;
pub mod postgres;
