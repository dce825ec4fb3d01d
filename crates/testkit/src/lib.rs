//! The test harness shared by every layer, so that a new test is a few lines.
//!
//! - [`postgres`] (from `testbed`): one Postgres container per run (started by `cargo xtask
//!   test`, or by the harness itself when run alone), as `docs/test-infrastructure.md` describes.
//! - [`database::TestDatabase`]: a fresh database per test, cloned from a migrated template.
//! - [`app::TestApp`]: the web app on a real socket with typed request helpers.
//! - [`fixtures`]: builders for test data; [`world`]: a small known world (an admin, two
//!   users, a company, a job) for checking routes role by role.
//! - [`timing`]: percentiles and table rows for the measurement commands.
//! - [`browser`]: a headless Chromium session per test, always closed, with a screenshot and
//!   the page source saved when the test fails.
//!
//! Everything here may depend on any workspace crate; nothing but tests may depend on this
//! crate.

// A harness reports a broken environment by panicking with the cause, like any test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod app;
pub mod browser;
pub mod database;
pub mod fixtures;
pub mod timing;
pub mod world;

pub use app::TestApp;
// The run's infrastructure, where tests have always found it.
pub use database::TestDatabase;
pub use testbed::{docker, postgres};
