//! `cargo xtask bench live-feed`: how long a job an admin posts takes to reach a jobs page open
//! in another browser, from the admin's `POST /jobs` being sent to the job being in that page.
//!
//! The page notes, with `Date.now()`, when each job's element enters its list (a
//! MutationObserver installed for the measurement); this process notes, on the same clock,
//! when it sent the POST. The server runs over Postgres, as the browser tests run it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use e2e::{FeedState, sign_in};
use fantoccini::Client;
use testkit::TestApp;
use testkit::browser::Browsers;
use testkit::fixtures::{a_company, a_job, a_user};
use testkit::timing::{heading, row};

const POSTS: usize = 20;

/// Records in `window.seenAt[title]` the moment a job titled so is added to the list, and
/// hands it to whoever waits for that title.
const OBSERVER: &str = r#"
window.seenAt = {};
window.waiting = {};
new MutationObserver((changes) => {
  for (const change of changes) for (const node of change.addedNodes) {
    const title = node.querySelector && node.querySelector(".job-title");
    if (!title) continue;
    window.seenAt[title.textContent] = Date.now();
    window.waiting[title.textContent]?.(window.seenAt[title.textContent]);
  }
}).observe(document.getElementById("jobs"), { childList: true });
"#;

/// Answers when the page saw the title it is given, at once or as soon as it arrives.
const SEEN_AT: &str = r#"
const [title, answer] = arguments;
if (window.seenAt[title]) answer(window.seenAt[title]); else window.waiting[title] = answer;
"#;

#[tokio::main]
async fn main() -> Result<()> {
    let app = TestApp::served_on_postgres().await;
    let admin = app.admin(&a_user().named("admin")).await;
    app.signed_up(&a_user()).await;
    app.as_user(&admin).create_company(&a_company()).await.expect(201);

    let browsers = Browsers::open(1).await?;
    let outcome = measure(&browsers.client(0), &app, &admin).await;
    browsers.close().await;
    let mut latencies = outcome?;

    println!("{}", heading("POST /jobs → in another browser's page"));
    println!("{}", row("over Postgres, one page open", &mut latencies));
    Ok(())
}

async fn measure(browser: &Client, app: &TestApp, admin: &testkit::fixtures::Session) -> Result<Vec<Duration>> {
    sign_in(browser, &app.url(""), "ada", &a_user().password).await?.wait_for_feed(FeedState::Live).await?;
    browser.execute(OBSERVER, vec![]).await?;
    let mut latencies = Vec::with_capacity(POSTS);
    for post in 0..POSTS {
        let title = format!("Measured job {post}");
        let sent = now_ms();
        app.as_user(admin).post_job(&a_job().titled(&title)).await.expect(201);
        let seen = seen_at(browser, &title).await?;
        latencies.push(Duration::from_millis(seen.saturating_sub(sent)));
    }
    Ok(latencies)
}

/// When the page saw `title` arrive, waiting until it has (WebDriver's script timeout, 30 s).
async fn seen_at(browser: &Client, title: &str) -> Result<u64> {
    let seen = browser.execute_async(SEEN_AT, vec![title.into()]).await?;
    seen.as_u64().with_context(|| format!("the page answered {seen} for {title:?}"))
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|since| since.as_millis() as u64)
        .context("clock before 1970")
        .unwrap_or(0)
}
