//! The pages, in-process and as a browser uses them: every page and every error it shows, the
//! browser session's cookies and how they renew and end, the Origin check, and the HTML error
//! pages. The browser tests (`e2e/`) walk the journeys; these cover the breadth in
//! milliseconds.

use reqwest::StatusCode;
use serde_json::json;
use testkit::TestApp;
use testkit::client::Visitor;
use testkit::fixtures::{a_company, a_job, a_user};
use testkit::state::{memory_state, memory_state_at, test_clock};
use web::state::HttpSettings;

/// An app with ada registered and a browser signed in as her.
async fn signed_in(app: &TestApp) -> Visitor<'_> {
    app.signed_up(&a_user()).await;
    let mut browser = app.visitor();
    let answer = browser.log_in(&a_user()).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    browser
}

/// An app with an admin, acme and one job.
async fn with_a_job() -> TestApp {
    let app = TestApp::in_memory().await;
    let admin = app.admin(&a_user().named("root")).await;
    app.as_user(&admin).create_company(&a_company()).await.expect(201);
    app.as_user(&admin).post_job(&a_job()).await.expect(201);
    app
}

#[tokio::test]
async fn a_visitor_without_a_session_is_sent_to_log_in_and_back_to_the_page_asked_for() {
    let app = TestApp::in_memory().await;
    let mut browser = app.visitor();

    let jobs = browser.open("/companies/acme").await;
    let login = browser.follow(jobs).await;

    assert_eq!(login.status, StatusCode::OK);
    assert!(login.body.contains(r#"name="next" value="/companies/acme""#), "{}", login.body);
    assert!(login.body.contains(r#"href="/register""#), "the login page links to registration");
}

#[tokio::test]
async fn logging_in_sets_an_access_cookie_and_a_refresh_cookie_scoped_to_the_session_paths() {
    let app = TestApp::in_memory().await;
    app.signed_up(&a_user()).await;

    let answer = app.visitor().log_in(&a_user()).await;

    assert_eq!((answer.status, answer.header("location")), (StatusCode::SEE_OTHER, Some("/")));
    let cookies: Vec<&str> = answer.headers.get_all("set-cookie").iter().map(|c| c.to_str().unwrap()).collect();
    let named = |name: &str| *cookies.iter().find(|cookie| cookie.starts_with(&format!("{name}="))).unwrap();
    let (access, refresh) = (named("jobboard_session"), named("jobboard_refresh"));
    assert_eq!(cookies.len(), 2, "{cookies:?}");
    for (cookie, path, max_age) in [(access, "Path=/;", "Max-Age=300"), (refresh, "Path=/session", "Max-Age=86400")] {
        for attribute in ["HttpOnly", "SameSite=Strict", path, max_age] {
            assert!(cookie.contains(attribute), "{attribute} missing from {cookie}");
        }
        assert!(!cookie.contains("Secure"), "plain-http development URL: {cookie}");
    }
}

#[tokio::test]
async fn over_https_both_session_cookies_are_secure() {
    let mut state = memory_state();
    state.http = HttpSettings::for_origin("https://jobs.example.com");
    let app = TestApp::with_state(state).await;
    app.signed_up(&a_user()).await;

    let answer = app.visitor().log_in(&a_user()).await;

    let cookies: Vec<&str> = answer.headers.get_all("set-cookie").iter().map(|c| c.to_str().unwrap()).collect();
    assert_eq!(cookies.len(), 2);
    assert!(cookies.iter().all(|cookie| cookie.contains("Secure")), "{cookies:?}");
}

#[tokio::test]
async fn a_login_form_posted_from_another_site_is_refused() {
    let app = TestApp::in_memory().await;
    app.signed_up(&a_user()).await;

    let answer = app.visitor().from_origin("https://evil.example").log_in(&a_user()).await;

    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(answer.header("set-cookie"), None);
}

#[tokio::test]
async fn a_wrong_password_shows_an_error_on_the_login_page() {
    let app = TestApp::in_memory().await;
    app.signed_up(&a_user()).await;

    let answer = app.visitor().log_in(&a_user().with_password("wrong password")).await;

    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.header("set-cookie"), None);
    assert!(answer.body.contains("Invalid username or password."), "{}", answer.body);
    assert!(answer.body.contains(r#"value="ada""#), "the username is kept: {}", answer.body);
}

#[tokio::test]
async fn the_throttle_shows_on_the_login_page_with_the_wait() {
    let app = TestApp::in_memory().await;
    app.signed_up(&a_user()).await;
    let mut browser = app.visitor();
    for _ in 0..5 {
        browser.log_in(&a_user().with_password("wrong password")).await;
    }

    let answer = browser.log_in(&a_user()).await;

    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(answer.body.contains("Too many failed attempts. Try again in"), "{}", answer.body);
}

#[tokio::test]
async fn an_expired_access_token_is_renewed_silently_on_the_next_page() {
    let clock = test_clock();
    let app = TestApp::with_state(memory_state_at(clock.clone())).await;
    let mut browser = signed_in(&app).await;
    let first_refresh = browser.cookie("jobboard_refresh").unwrap().value().to_owned();
    clock.advance(301);

    let renewing = browser.open("/").await;
    let home = browser.follow(renewing).await;

    assert!(home.body.contains("Signed in as ada"), "{}", home.body);
    assert_ne!(browser.cookie("jobboard_refresh").unwrap().value(), first_refresh, "the refresh token rotated");
}

#[tokio::test]
async fn a_refresh_token_that_expired_lands_on_the_login_page_saying_the_session_ended() {
    let clock = test_clock();
    let app = TestApp::with_state(memory_state_at(clock.clone())).await;
    let mut browser = signed_in(&app).await;
    clock.advance(86_401);

    let renewing = browser.open("/account").await;
    let login = browser.follow(renewing).await;

    assert!(login.body.contains("Your session has ended, please sign in again."), "{}", login.body);
    assert!(login.body.contains(r#"value="/account""#), "and back to the account after: {}", login.body);
    assert!(browser.cookie("jobboard_session").is_none() && browser.cookie("jobboard_refresh").is_none());
}

#[tokio::test]
async fn logging_out_revokes_both_tokens_not_just_the_cookies() {
    let app = TestApp::in_memory().await;
    let mut browser = signed_in(&app).await;
    let access = browser.cookie("jobboard_session").unwrap().value().to_owned();
    let refresh = browser.cookie("jobboard_refresh").unwrap().value().to_owned();

    let logout = browser.submit("/session/logout", "").await;

    assert_eq!(logout.header("location"), Some("/login"));
    assert_eq!(app.with_token(&access).user("ada").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.anonymous().refresh(&refresh).await.status, StatusCode::UNAUTHORIZED);
    let after = browser.open("/").await;
    assert_eq!(browser.follow(after).await.status, StatusCode::OK, "the login page again");
}

#[tokio::test]
async fn pages_are_never_cached_so_the_back_button_asks_again_after_logout() {
    let app = TestApp::in_memory().await;
    let mut browser = signed_in(&app).await;

    let home = browser.open("/").await;

    assert_eq!(home.header("cache-control"), Some("no-store"));
}

#[tokio::test]
async fn registering_signs_the_new_user_in() {
    let app = TestApp::in_memory().await;
    let mut browser = app.visitor();

    let form =
        "username=newbie&password=correct+horse+battery+staple&firstName=New&lastName=Bie&email=newbie%40example.com";
    let registered = browser.submit("/register", form).await;
    let home = browser.follow(registered).await;

    assert!(home.body.contains("Signed in as newbie"), "{}", home.body);
}

#[tokio::test]
async fn registration_shows_every_violation_next_to_its_field_and_keeps_what_was_typed() {
    let app = TestApp::in_memory().await;

    let answer = app.visitor().submit("/register", "username=has+spaces&password=tiny-pw&email=nope").await;

    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    for field in ["username", "password", "firstName", "lastName", "email"] {
        assert!(answer.body.contains(&format!(r#"id="{field}-error""#)), "no error for {field}: {}", answer.body);
        assert!(
            answer.body.contains(&format!(r#"aria-describedby="{field}-error""#)),
            "{field}'s error is not tied to it"
        );
    }
    assert!(answer.body.contains(r#"value="has spaces""#), "{}", answer.body);
    assert!(!answer.body.contains("tiny-pw"), "a password is never written back into a page");
}

#[tokio::test]
async fn a_taken_username_is_said_next_to_the_form() {
    let app = TestApp::in_memory().await;
    app.signed_up(&a_user()).await;

    let form = "username=ada&password=correct+horse+battery+staple&firstName=A&lastName=L&email=a%40example.com";
    let answer = app.visitor().submit("/register", form).await;

    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.body.contains("username &#39;ada&#39; is taken"), "{}", answer.body);
}

#[tokio::test]
async fn the_jobs_page_lists_jobs_filtered_by_a_get_form() {
    let app = with_a_job().await;
    let root = app.logged_in(&a_user().named("root")).await;
    app.as_user(&root).post_job(&a_job().titled("Welder").paying(10).with_equity(None)).await.expect(201);
    let mut browser = signed_in(&app).await;

    let all = browser.open("/").await;
    let welders = browser.open("/?title=weld&minSalary=&hasEquity=").await;
    let with_equity = browser.open("/?hasEquity=true").await;

    assert!(all.body.contains("Engineer") && all.body.contains("Welder"), "{}", all.body);
    assert!(welders.body.contains("Welder") && !welders.body.contains("Engineer"), "{}", welders.body);
    assert!(welders.body.contains(r#"value="weld""#), "the filter is kept in its field");
    assert!(with_equity.body.contains("Engineer") && !with_equity.body.contains("Welder"));
}

/// Found by mutation testing: no test noticed a box that was always ticked
/// (`docs/what-each-layer-catches.md`).
#[tokio::test]
async fn the_equity_box_is_ticked_only_when_the_filter_asks_for_equity() {
    let app = with_a_job().await;
    let mut browser = signed_in(&app).await;
    let ticked = r#"name="hasEquity" type="checkbox" value="true" checked>"#;

    let unfiltered = browser.open("/").await;
    let with_equity = browser.open("/?hasEquity=true").await;

    assert!(!unfiltered.body.contains(ticked), "{}", unfiltered.body);
    assert!(with_equity.body.contains(ticked), "{}", with_equity.body);
}

#[tokio::test]
async fn a_filter_that_makes_no_sense_is_said_next_to_its_field() {
    let app = with_a_job().await;
    let mut browser = signed_in(&app).await;

    let answer = browser.open("/?minSalary=lots").await;

    assert!(answer.body.contains(r#"id="minSalary-error""#), "{}", answer.body);
}

#[tokio::test]
async fn applying_turns_the_button_into_applied_which_stays_on_reload() {
    let app = with_a_job().await;
    let mut browser = signed_in(&app).await;
    let before = browser.open("/").await;
    assert!(before.body.contains(r#"id="apply-1""#), "{}", before.body);

    let applied = browser.submit("/jobs/1/apply", "next=%2F").await;
    let after = browser.follow(applied).await;
    let reloaded = browser.open("/").await;

    for page in [after, reloaded] {
        assert!(page.body.contains(r#"id="applied-1""#) && !page.body.contains(r#"id="apply-1""#), "{}", page.body);
    }
}

#[tokio::test]
async fn a_browser_gets_the_companies_pages_where_an_api_client_gets_json() {
    let app = with_a_job().await;
    let mut browser = signed_in(&app).await;

    let list = browser.open("/companies?nameLike=ac").await;
    let company = browser.open("/companies/acme").await;
    let json = app.anonymous().company("acme").await;

    assert!(list.body.contains(r#"href="/companies/acme""#) && list.body.contains(r#"value="ac""#), "{}", list.body);
    assert!(company.body.contains(r#"id="company-name""#) && company.body.contains("Engineer"), "{}", company.body);
    assert_eq!(json.json()["company"]["handle"], "acme");
}

#[tokio::test]
async fn a_new_password_signs_the_browser_out_everywhere() {
    let app = TestApp::in_memory().await;
    let mut browser = signed_in(&app).await;
    let account = browser.open("/account").await;
    assert!(account.body.contains("signs you out everywhere"), "{}", account.body);

    let changed = browser.submit("/account/password", "password=a+whole+new+passphrase").await;
    let login = browser.follow(changed).await;

    assert!(login.body.contains("Your password was changed"), "{}", login.body);
    let mut again = app.visitor();
    assert_eq!(again.log_in(&a_user().with_password("a whole new passphrase")).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_password_the_rules_refuse_is_said_next_to_its_field() {
    let app = TestApp::in_memory().await;
    let mut browser = signed_in(&app).await;

    let answer = browser.submit("/account/password", "password=short").await;

    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.body.contains(r#"id="password-error""#), "{}", answer.body);
}

#[tokio::test]
async fn logging_out_everywhere_from_the_account_page_ends_the_api_sessions_too() {
    let app = TestApp::in_memory().await;
    let mut browser = signed_in(&app).await;
    let api = app.logged_in(&a_user()).await;

    browser.submit("/session/logout-all", "").await;

    assert_eq!(app.as_user(&api).user("ada").await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_admin_posts_a_job_from_the_admin_form() {
    let app = with_a_job().await;
    let mut admin = app.visitor();
    admin.log_in(&a_user().named("root")).await;
    let form = admin.open("/admin/jobs/new").await;
    assert!(form.body.contains(r#"<option value="acme""#), "{}", form.body);

    let posted = admin.submit("/admin/jobs", "title=Rocket+welder&salary=90000&equity=&companyHandle=acme").await;
    let jobs = admin.follow(posted).await;

    assert!(jobs.body.contains("Rocket welder"), "{}", jobs.body);
}

#[tokio::test]
async fn the_admin_forms_show_every_violation_next_to_its_field() {
    let app = with_a_job().await;
    let mut admin = app.visitor();
    admin.log_in(&a_user().named("root")).await;

    let job = admin.submit("/admin/jobs", "title=&salary=-5&equity=2&companyHandle=acme").await;
    let company = admin.submit("/admin/companies", "handle=Bad+Handle&name=&description=&numEmployees=&logoUrl=").await;

    assert_eq!((job.status, company.status), (StatusCode::BAD_REQUEST, StatusCode::BAD_REQUEST));
    for field in ["title", "salary", "equity"] {
        assert!(job.body.contains(&format!(r#"id="{field}-error""#)), "{field}: {}", job.body);
    }
    for field in ["handle", "name"] {
        assert!(company.body.contains(&format!(r#"id="{field}-error""#)), "{field}: {}", company.body);
    }
}

#[tokio::test]
async fn an_admin_adds_a_company_and_lands_on_its_page() {
    let app = with_a_job().await;
    let mut admin = app.visitor();
    admin.log_in(&a_user().named("root")).await;

    let created = admin
        .submit("/admin/companies", "handle=globex&name=Globex&description=Everything&numEmployees=12&logoUrl=")
        .await;

    assert_eq!(created.header("location"), Some("/companies/globex"), "{}", created.body);
    assert!(admin.follow(created).await.body.contains("Globex"));
}

#[tokio::test]
async fn a_user_who_opens_an_admin_page_gets_the_403_page() {
    let app = with_a_job().await;
    let mut browser = signed_in(&app).await;

    let answer = browser.open("/admin/jobs/new").await;

    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert!(answer.header("content-type").unwrap().starts_with("text/html"), "{:?}", answer.headers);
    assert!(answer.body.contains(r#"id="error-status">403"#), "{}", answer.body);
}

#[tokio::test]
async fn a_browser_gets_an_html_404_where_an_api_client_gets_the_envelope() {
    let app = TestApp::in_memory().await;

    let page = app.visitor().open("/no/such/page").await;
    let api = app.get("/no/such/page").await;

    assert_eq!((page.status, api.status), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
    assert!(page.body.contains("Not found") && page.body.contains("<!doctype html>"), "{}", page.body);
    assert_eq!(api.error_message(), json!("no route for /no/such/page"));
}

#[tokio::test]
async fn the_stylesheet_and_the_feed_script_are_served_by_the_app_itself() {
    let app = TestApp::in_memory().await;

    let css = app.get("/static/app.css").await;
    let script = app.get("/static/feed.js").await;

    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert!(script.body.contains("new WebSocket"), "{}", script.body);
    assert!(app.get("/static/nope.js").await.status == StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_page_trusts_only_its_own_scripts_and_styles() {
    let app = TestApp::in_memory().await;

    let login = app.visitor().open("/login").await;

    let policy = login.header("content-security-policy").unwrap();
    assert!(policy.contains("default-src 'self'") && !policy.contains("unsafe-inline"), "{policy}");
}

#[tokio::test]
async fn the_jobs_page_carries_the_live_feed_and_a_template_for_the_jobs_it_brings() {
    let app = with_a_job().await;
    let mut browser = signed_in(&app).await;

    let page = browser.open("/").await;

    assert!(
        page.body.contains(r#"<template id="job-template">"#) && page.body.contains("/static/feed.js"),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"id="feed-status""#));
}

#[tokio::test]
async fn the_password_labels_state_the_schemas_minimum() {
    let app = TestApp::in_memory().await;
    let schemas = web::schemas::Schemas::load().unwrap();
    let mut browser = signed_in(&app).await;

    for (page, schema) in [("/register", "register-request"), ("/account", "user-update")] {
        let minimum = schemas.schema(schema).unwrap()["properties"]["password"]["minLength"].as_u64().unwrap();
        let body = browser.open(page).await.body;

        assert!(body.contains(&format!("at least {minimum} characters")), "{page} does not say {minimum}: {body}");
    }
}

#[tokio::test]
async fn every_asset_a_page_links_is_served_and_the_icon_is_one() {
    let app = TestApp::in_memory().await;
    let mut browser = signed_in(&app).await;
    let page = browser.open("/").await.body;

    let linked: Vec<&str> = page.split(r#"="/static/"#).skip(1).filter_map(|rest| rest.split('"').next()).collect();

    assert!(page.contains(r#"<link rel="icon""#), "without one, browsers ask for /favicon.ico: {page}");
    assert!(linked.len() >= 3, "{linked:?}");
    for asset in linked {
        assert_eq!(app.get(&format!("/static/{asset}")).await.status, StatusCode::OK, "{asset}");
    }
}

#[tokio::test]
async fn an_error_page_keeps_the_header_of_whoever_is_signed_in() {
    let app = TestApp::in_memory().await;
    let mut browser = signed_in(&app).await;

    for path in ["/no-such-page", "/admin/jobs/new"] {
        let page = browser.open(path).await;

        assert!(
            page.body.contains("Signed in as ada") && page.body.contains(r#"id="logout""#),
            "{path}: {}",
            page.body
        );
    }
}
