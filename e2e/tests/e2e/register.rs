use e2e::{Header, JobsPage, LoginPage, RegisterPage, Registration, current_path};
use testkit::TestApp;
use testkit::browser::with_browser;

const GRACE: Registration<'static> = Registration {
    username: "grace",
    password: "a long and uncommon passphrase",
    first_name: "Grace",
    last_name: "Hopper",
    email: "grace@example.com",
};

#[tokio::test]
async fn registering_from_the_login_page_signs_the_new_user_in() {
    let app = TestApp::served_on_postgres().await;

    with_browser(|browser| async move {
        LoginPage::open(&browser, &app.url("")).await?.go_to_register().await?;
        RegisterPage::shown(&browser).await?.register(&GRACE).await?;

        JobsPage::shown(&browser).await?;
        assert_eq!(Header::of(&browser).signed_in_as().await?, "Signed in as grace");
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_registration_the_rules_refuse_says_why_next_to_each_field() {
    let app = TestApp::served_on_postgres().await;

    with_browser(|browser| async move {
        LoginPage::open(&browser, &app.url("")).await?.go_to_register().await?;
        let register = RegisterPage::shown(&browser).await?;
        register.register(&Registration { password: "tiny-pw", email: "not an email", ..GRACE }).await?;

        let register = RegisterPage::shown(&browser).await?;
        assert_eq!(register.field_error("password").await?, "value is shorter than 8 characters");
        assert!(
            register.field_error("email").await?.starts_with("must be an email address"),
            "the email's rule is said"
        );
        assert_eq!(current_path(&browser).await?, "/register");
        Ok(())
    })
    .await;
}
