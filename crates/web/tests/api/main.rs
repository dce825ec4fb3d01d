//! The web crate's integration tests, one binary.
//!
//! - `in_process`: the router called without a socket, over the in-memory store: every route
//!   and error path, in milliseconds.
//! - `black_box`: the real `jobboard` binary as a separate process, over Postgres, spoken to
//!   over HTTP: the whole stack, configuration included.

// Test code: a panic is how a test reports, and helpers outside `#[test]` fns are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod black_box;
mod in_process;
