//! Adapters for the ports the domain and auth define: where users, companies, jobs,
//! applications and sessions live.
//!
//! [`memory::MemoryStore`] keeps the domain's data in maps; it is the embedded default of
//! `cargo run` and the fake behind fast API tests (auth's own memory adapter,
//! `auth::sessions::InMemorySessions`, keeps sessions). [`postgres::PgStore`] is the real
//! thing for both (sqlx, migrations in `migrations/`, every write returning its row with
//! `RETURNING`). Each port is held to one contract suite run against both adapters
//! (`tests/store/contract.rs`, `tests/store/sessions.rs`), so no fake can drift from the
//! database.
//!
//! It depends on `domain` and `auth` (for their ports), never on `web`: HTTP is not its
//! business.

pub mod memory;
pub mod postgres;
