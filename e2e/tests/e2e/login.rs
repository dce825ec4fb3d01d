use e2e::{Header, JobsPage, LoginPage, current_path};
use testkit::TestApp;
use testkit::browser::with_browser;
use testkit::fixtures::a_user;

#[tokio::test]
async fn the_right_password_opens_the_jobs_page() {
    let app = TestApp::served_on_postgres().await;
    app.signed_up(&a_user()).await;

    with_browser(|browser| async move {
        LoginPage::open(&browser, &app.url("")).await?.log_in("ada", &a_user().password).await?;

        JobsPage::shown(&browser).await?;
        assert_eq!(Header::of(&browser).signed_in_as().await?, "Signed in as ada");
        assert_eq!(current_path(&browser).await?, "/");
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_wrong_password_shows_an_error_on_the_login_page() {
    let app = TestApp::served_on_postgres().await;
    app.signed_up(&a_user()).await;

    with_browser(|browser| async move {
        let login = LoginPage::open(&browser, &app.url("")).await?;
        login.log_in("ada", "not the password").await?;

        assert_eq!(login.error().await?, "Invalid username or password.");
        assert_eq!(current_path(&browser).await?, "/login");
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_visitor_is_sent_to_log_in_then_back_to_the_page_asked_for() {
    let app = TestApp::served_on_postgres().await;
    app.signed_up(&a_user()).await;

    with_browser(|browser| async move {
        browser.goto(&app.url("/account")).await?;
        let login = LoginPage::shown(&browser).await?;
        assert_eq!(login.notice().await?, None, "no session ended: there was none");

        login.log_in("ada", &a_user().password).await?;

        assert_eq!(Header::of(&browser).signed_in_as().await?, "Signed in as ada");
        assert_eq!(current_path(&browser).await?, "/account");
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn too_many_wrong_passwords_show_the_throttle_and_how_long_to_wait() {
    let app = TestApp::served_on_postgres().await;
    app.signed_up(&a_user()).await;

    with_browser(|browser| async move {
        for _ in 0..5 {
            let login = LoginPage::open(&browser, &app.url("")).await?;
            login.log_in("ada", "not the password").await?;
            assert_eq!(login.error().await?, "Invalid username or password.");
        }

        let login = LoginPage::open(&browser, &app.url("")).await?;
        login.log_in("ada", &a_user().password).await?;

        let error = login.error().await?;
        assert!(error.starts_with("Too many failed attempts. Try again in "), "{error}");
        assert_eq!(current_path(&browser).await?, "/login", "the right password waits too");
        Ok(())
    })
    .await;
}
