//! The jobs page's live feed (`/ws`), seen from browsers: what one person does appears on
//! another's open page without a reload, and a dropped connection is said and repaired.

use e2e::{FeedState, JobsPage, PostJobPage, sign_in};
use testkit::TestApp;
use testkit::browser::{with_browser, with_two_browsers};
use testkit::fixtures::{a_job, a_user};
use testkit::state::test_clock;

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
        board.app.as_user(&board.admin).post_job(&a_job().titled("Night watch")).await.expect(201);
        jobs.wait_for_job("Night watch").await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_filtered_jobs_page_shows_only_the_posted_jobs_its_filters_match() {
    let board = a_board().await;

    with_browser(|browser| async move {
        sign_in(&browser, &board.app.url(""), "ada", &a_user().password).await?;
        browser.goto(&board.app.url("/?title=weld")).await?;
        let filtered = JobsPage::shown(&browser).await?;
        filtered.wait_for_feed(FeedState::Live).await?;

        let admin = board.app.as_user(&board.admin);
        admin.post_job(&a_job().titled("Lighthouse keeper")).await.expect(201);
        admin.post_job(&a_job().titled("Underwater welder")).await.expect(201);

        // Events arrive in order: once the second shows, the first was seen and left out.
        filtered.wait_for_job("Underwater welder").await?;
        assert_eq!(filtered.job_titles().await?, ["Underwater welder"]);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_page_left_open_past_its_access_token_renews_the_session_to_reconnect() {
    let clock = test_clock();
    let board = a_board_on(TestApp::served_on_postgres_behind_cable_at(clock.clone()).await).await;

    with_browser(|browser| async move {
        let jobs = sign_in(&browser, &board.app.url(""), "ada", &a_user().password).await?;
        jobs.wait_for_feed(FeedState::Live).await?;
        clock.advance(301);

        board.app.cut_connections();

        jobs.wait_for_feed(FeedState::Reconnecting).await?;
        jobs.wait_for_feed(FeedState::Live).await?;
        Ok(())
    })
    .await;
}
