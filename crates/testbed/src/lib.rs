//! What a test run stands on, outside the product: the Docker engine ([`docker`]), the one
//! Postgres container a run shares ([`postgres`]), the browser binaries the end-to-end
//! layer drives ([`browser`]), and the API fuzzer the integration layer runs
//! ([`schemathesis`]).
//!
//! It knows no crate of the workspace, so that the runner (`xtask`), which starts and stops
//! these for a whole run, is never rebuilt when product code changes. `testkit` builds the
//! per-test pieces (databases, apps, browser sessions) on top of it.

pub mod browser;
pub mod docker;
pub mod postgres;
pub mod schemathesis;
