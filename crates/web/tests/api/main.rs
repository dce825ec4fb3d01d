//! The web crate's integration tests, one binary.
//!
//! In-process, over the in-memory stores (breadth: every route, every error path):
//! `authorization` (every route × every role), `auth`, `companies`, `jobs`, `users`,
//! `validation`, `production`, `openapi`, `pages`, `snapshots`, `properties` (generated input on
//! every schema: never a 5xx).
//! Over Postgres: `limits` (every schema limit, through to the database), `live_feed` (the
//! WebSocket on a real socket), `black_box` (the real `jobboard` binary: configuration,
//! signals, logs, full flows), `instances` (two binaries on one database) and `schemathesis`
//! (the binary, fuzzed from its API document).

// Test code: a panic is how a test reports, and helpers outside `#[test]` fns are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod auth;
mod authorization;
mod black_box;
mod companies;
mod instances;
mod jobs;
mod limits;
mod live_feed;
mod openapi;
mod pages;
mod production;
mod properties;
mod schemathesis;
mod snapshots;
mod users;
mod validation;
