use e2e::{ErrorPage, JobsPage, current_path, sign_in};
use testkit::browser::with_browser;
use testkit::fixtures::{a_job, a_user};

use crate::a_board;

#[tokio::test]
async fn applying_turns_the_button_into_applied_which_survives_a_reload() {
    let board = a_board().await;

    with_browser(|browser| async move {
        let jobs = sign_in(&browser, &board.app.url(""), "ada", &a_user().password).await?;
        jobs.apply(board.job).await?;

        browser.refresh().await?;

        let jobs = JobsPage::shown(&browser).await?;
        assert!(jobs.shows_applied(board.job).await?, "the application is the server's, not the page's");
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn filtering_the_jobs_gives_a_page_with_its_own_address() {
    let board = a_board().await;
    board.app.as_user(&board.admin).post_job(&a_job().titled("Welder").paying(40_000)).await.expect(201);

    with_browser(|browser| async move {
        sign_in(&browser, &board.app.url(""), "ada", &a_user().password).await?;

        browser.goto(&board.app.url("/?title=weld")).await?;

        let jobs = JobsPage::shown(&browser).await?;
        assert_eq!(jobs.job_titles().await?, ["Welder"]);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_user_who_opens_an_admin_page_gets_the_403_page() {
    let board = a_board().await;

    with_browser(|browser| async move {
        sign_in(&browser, &board.app.url(""), "ada", &a_user().password).await?;

        browser.goto(&board.app.url("/admin/jobs/new")).await?;

        let error = ErrorPage::shown(&browser).await?;
        assert_eq!(error.status().await?, "403");
        assert_eq!(current_path(&browser).await?, "/admin/jobs/new");
        Ok(())
    })
    .await;
}
