//! The browser session of DESIGN §5, as a person lives it: two cookies, renewed without a
//! word while the refresh token holds, ended for good by logout.

use e2e::{AccountPage, Header, LoginPage, current_path, sign_in};
use testkit::TestApp;
use testkit::browser::{with_browser, with_two_browsers};
use testkit::fixtures::a_user;
use testkit::state::test_clock;

#[tokio::test]
async fn after_logout_the_back_button_does_not_show_the_jobs_page() {
    let app = TestApp::served_on_postgres().await;
    app.signed_up(&a_user()).await;

    with_browser(|browser| async move {
        sign_in(&browser, &app.url(""), "ada", &a_user().password).await?;
        Header::of(&browser).log_out().await?;
        LoginPage::shown(&browser).await?;

        browser.back().await?;

        LoginPage::shown(&browser).await?;
        assert_eq!(current_path(&browser).await?, "/login");
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn an_expired_access_token_is_renewed_without_the_person_noticing() {
    let clock = test_clock();
    let app = TestApp::served_on_postgres_at(clock.clone()).await;
    app.signed_up(&a_user()).await;

    with_browser(|browser| async move {
        sign_in(&browser, &app.url(""), "ada", &a_user().password).await?;
        clock.advance(301);

        AccountPage::open(&browser, &app.url("")).await?;

        assert_eq!(current_path(&browser).await?, "/account");
        assert_eq!(Header::of(&browser).signed_in_as().await?, "Signed in as ada");
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn an_expired_refresh_token_lands_on_the_login_page_saying_the_session_ended() {
    let clock = test_clock();
    let app = TestApp::served_on_postgres_at(clock.clone()).await;
    app.signed_up(&a_user()).await;

    with_browser(|browser| async move {
        sign_in(&browser, &app.url(""), "ada", &a_user().password).await?;
        clock.advance(86_401);

        browser.goto(&app.url("/account")).await?;

        let login = LoginPage::shown(&browser).await?;
        assert_eq!(login.notice().await?.as_deref(), Some("Your session has ended, please sign in again."));
        login.log_in("ada", &a_user().password).await?;
        assert_eq!(Header::of(&browser).signed_in_as().await?, "Signed in as ada");
        assert_eq!(current_path(&browser).await?, "/account", "back where the person was going");
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn logging_out_everywhere_in_one_browser_ends_the_session_in_the_other() {
    let app = TestApp::served_on_postgres().await;
    app.signed_up(&a_user()).await;

    with_two_browsers(|laptop, phone| async move {
        sign_in(&laptop, &app.url(""), "ada", &a_user().password).await?;
        sign_in(&phone, &app.url(""), "ada", &a_user().password).await?;

        AccountPage::open(&laptop, &app.url("")).await?.log_out_everywhere().await?;
        LoginPage::shown(&laptop).await?;
        phone.refresh().await?;

        let login = LoginPage::shown(&phone).await?;
        assert_eq!(login.notice().await?.as_deref(), Some("Your session has ended, please sign in again."));
        assert_eq!(current_path(&phone).await?, "/login");
        Ok(())
    })
    .await;
}
