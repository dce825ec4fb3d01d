//! The jobs page's live feed (`/ws`), seen from browsers: what one person does appears on
//! another's open page without a reload, and a dropped connection is said and repaired.

use e2e::{FeedState, PostJobPage, sign_in};
use testkit::TestApp;
use testkit::browser::{with_browser, with_two_browsers};
use testkit::fixtures::a_user;

use crate::{a_board, a_board_on};

#[tokio::test]
async fn a_job_an_admin_posts_appears_on_every_open_jobs_page_without_a_reload() {
    let board = a_board().await;
    let admin_password = board.admin.password.clone();

    with_two_browsers(|admin, ada| async move {
        let base = board.app.url("");
        sign_in(&admin, &base, "admin", &admin_password).await?;
        let open_page = sign_in(&ada, &base, "ada", &a_user().password).await?;
        open_page.wait_for_feed(FeedState::Live).await?;

        PostJobPage::open(&admin, &base).await?.post("Lighthouse keeper", 52_000, "acme").await?;

        open_page.wait_for_job("Lighthouse keeper").await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn the_feed_says_it_is_reconnecting_when_the_connection_drops_then_live_again() {
    let board = a_board_on(TestApp::served_on_postgres_behind_cable().await).await;

    with_browser(|browser| async move {
        let jobs = sign_in(&browser, &board.app.url(""), "ada", &a_user().password).await?;
        jobs.wait_for_feed(FeedState::Live).await?;

        board.app.cut_connections();

        jobs.wait_for_feed(FeedState::Reconnecting).await?;
        jobs.wait_for_feed(FeedState::Live).await?;
        board.app.as_user(&board.admin).post_job(&testkit::fixtures::a_job().titled("Night watch")).await.expect(201);
        jobs.wait_for_job("Night watch").await?;
        Ok(())
    })
    .await;
}
