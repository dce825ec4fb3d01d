//! The test harness shared by every layer, so that a new test is a few lines.
//!
//! - [`app::TestApp`]: Jobboard under test with one API however it runs: the router called
//!   in-process, served on a socket ([`served`]), or the real binary ([`process`]); typed
//!   requests per route ([`client`]), answers read whole ([`answer`]), the live feed from a
//!   client's side ([`feed`]); every answer checked against the API document ([`contract`]).
//! - [`state`]: the application state tests run against, assembled as start-up assembles it.
//! - [`fixtures`]: builders, the one source of test data; [`world`]: a small known world
//!   (an admin, two users, a company, a job) for checking routes role by role.
//! - [`database::TestDatabase`]: a fresh database per test, cloned from a migrated template,
//!   on the run's Postgres server ([`postgres`], from `testbed`).
//! - [`browser`]: headless Chromium sessions per test, always closed, with a screenshot, the
//!   page source and the console log saved when the test fails; [`cable`]: a connection the
//!   test can cut.
//! - [`schemathesis`]: the API fuzzer run against a served app, its findings read from its report.
//! - [`timing`]: percentiles and table rows for the measurement commands.
//!
//! Everything here may depend on any workspace crate; nothing but tests (and benches) may
//! depend on this crate.

// A harness reports a broken environment by panicking with the cause, like any test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod answer;
pub mod app;
pub mod browser;
pub mod cable;
pub mod client;
pub mod contract;
pub mod database;
pub mod feed;
pub mod fixtures;
pub mod process;
pub mod schemathesis;
pub mod served;
pub mod state;
pub mod timing;
pub mod world;

pub use answer::Answer;
pub use app::TestApp;
pub use database::TestDatabase;
// The run's infrastructure, where tests have always found it.
pub use testbed::{docker, postgres};
