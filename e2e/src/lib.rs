//! Page objects for the browser tests: what a person does on each page, in their words
//! (`LoginPage::log_in`, `JobsPage::apply`), so that a test reads as a scenario and a markup
//! change is fixed in one place. Each page object is made by opening the page or by finding
//! the browser on it (`shown`), which waits for an element only that page has: a test never
//! sleeps, it waits for what it expects, up to [`PATIENCE`].
//!
//! It depends on fantoccini only; the tests themselves (in `tests/e2e/`) get the server, the
//! database and the browsers from `testkit`.

mod pages;

use std::time::Duration;

use anyhow::{Context, Result};
use fantoccini::elements::Element;
use fantoccini::{Client, Locator};

pub use pages::account::AccountPage;
pub use pages::admin::PostJobPage;
pub use pages::error::ErrorPage;
pub use pages::header::Header;
pub use pages::jobs::{FeedState, JobsPage};
pub use pages::login::LoginPage;
pub use pages::register::{RegisterPage, Registration};

/// How long a page may take to show what a test waits for: far above what it takes (the
/// figures are in `cargo xtask test e2e --repeat`), so that only a broken page runs out of it.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// Logs `username` in from the login page, as a person would, and waits for the jobs page.
pub async fn sign_in<'a>(browser: &'a Client, base_url: &str, username: &str, password: &str) -> Result<JobsPage<'a>> {
    LoginPage::open(browser, base_url).await?.log_in(username, password).await?;
    JobsPage::shown(browser).await.context("signing in did not end on the jobs page")
}

/// The path of the page the browser is on.
pub async fn current_path(browser: &Client) -> Result<String> {
    Ok(browser.current_url().await?.path().to_owned())
}

/// The element `id`, once the page shows it; the error names what was awaited and where.
async fn wait_for(browser: &Client, id: &str) -> Result<Element> {
    match browser.wait().at_most(PATIENCE).for_element(Locator::Id(id)).await {
        Ok(element) => Ok(element),
        Err(error) => {
            let url = browser.current_url().await.map(|url| url.to_string()).unwrap_or_default();
            Err(error).with_context(|| format!("#{id} did not show within {PATIENCE:?} (the browser is on {url})"))
        }
    }
}

/// The element `id` if the page shows it now, without waiting.
async fn find_now(browser: &Client, id: &str) -> Result<Option<Element>> {
    Ok(browser.find_all(Locator::Id(id)).await?.into_iter().next())
}

/// Types `text` into the field `id`, replacing what it held.
async fn fill(browser: &Client, id: &str, text: &str) -> Result<()> {
    let field = browser.find(Locator::Id(id)).await.with_context(|| format!("no field #{id}"))?;
    field.clear().await?;
    field.send_keys(text).await?;
    Ok(())
}

async fn click(browser: &Client, id: &str) -> Result<()> {
    browser.find(Locator::Id(id)).await.with_context(|| format!("no #{id} to click"))?.click().await?;
    Ok(())
}
