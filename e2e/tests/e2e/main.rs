//! Browser end-to-end tests: headless Chromium, driven over WebDriver, against the app on a real
//! socket over Postgres. The slowest layer, so it covers journeys, not every rule: each rule a
//! journey crosses is also pinned, in milliseconds, by its in-process twin in
//! `crates/web/tests/api/pages.rs` (the pairs are listed in docs/test-matrix.md).

// Test code: a panic is how a test reports, and helpers outside `#[test]` fns are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod jobs;
mod live_feed;
mod login;
mod register;
mod session;

use testkit::TestApp;
use testkit::fixtures::{Session, a_company, a_job, a_user};

/// A board with something on it: an admin, ada (a user), acme and one job there.
struct Board {
    app: TestApp,
    admin: Session,
    job: i64,
}

async fn a_board_on(app: TestApp) -> Board {
    let admin = app.admin(&a_user().named("admin")).await;
    app.signed_up(&a_user()).await;
    app.as_user(&admin).create_company(&a_company()).await.expect(201);
    let job = app.as_user(&admin).post_job(&a_job()).await.expect(201)["job"]["id"].as_i64().unwrap();
    Board { app, admin, job }
}

async fn a_board() -> Board {
    a_board_on(TestApp::served_on_postgres().await).await
}
