use e2e::{LoginPage, current_path, signed_in_as};
use testkit::TestApp;
use testkit::browser::with_browser;
use testkit::fixtures::a_user;

#[tokio::test]
async fn the_right_password_signs_the_user_in() {
    let app = TestApp::served_on_postgres().await;
    app.signed_up(&a_user()).await;

    with_browser(|browser| async move {
        let login = LoginPage::open(&browser, &app.url("")).await?;
        login.log_in("ada", &a_user().password).await?;

        assert_eq!(signed_in_as(&browser).await?, "Signed in as ada");
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
async fn the_home_page_redirects_a_visitor_without_a_session_to_login() {
    let app = TestApp::served_on_postgres().await;

    with_browser(|browser| async move {
        browser.goto(&app.url("/")).await?;

        LoginPage::shown(&browser).await?;
        assert_eq!(current_path(&browser).await?, "/login");
        Ok(())
    })
    .await;
}
