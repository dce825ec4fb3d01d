//! The store's integration tests, one binary:
//! - `contract`: the behaviour both adapters must share, run against each;
//! - `postgres`: what only the real database can show (constraints, RETURNING, triggers);
//! - `properties`: generated input against the real database (what the domain accepts, Postgres
//!   stores; search text matches itself and nothing else);
//! - `sessions`: auth's session store, one contract for both adapters, and the refresh race;
//! - `throttle`: auth's login throttle, one contract for both adapters, racing on Postgres.

// Test code: a panic is how a test reports, and helpers outside `#[test]` fns are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod contract;
mod fixtures;
mod postgres;
mod properties;
mod sessions;
mod throttle;
