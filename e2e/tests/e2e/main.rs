//! Browser end-to-end tests: headless Chromium, driven over WebDriver, against the app on a real
//! socket over Postgres. The slowest layer, so it covers journeys, not every rule.

// Test code: a panic is how a test reports, and helpers outside `#[test]` fns are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod login;
