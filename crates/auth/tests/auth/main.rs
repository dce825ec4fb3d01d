//! auth's integration tests, one binary: its HTTP client against a stub server (wiremock), and
//! its public API used the way an attacker or an observer would.

// Test code: a panic is how a test reports, and helpers outside `#[test]` fns are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod breach;
mod key_sources;
mod what_an_interceptor_sees;
