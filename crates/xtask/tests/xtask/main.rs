//! The xtask binary from outside, on repositories made for the purpose.

// Test code: a panic is how a test reports.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tdd_check;
