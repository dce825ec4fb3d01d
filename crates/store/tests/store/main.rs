//! The store's integration tests, one binary: the contract both adapters must honour, and
//! what only Postgres can show.

// Test code: a panic is how a test reports, and helpers outside `#[test]` fns are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod contract;
mod fixtures;
mod postgres;
