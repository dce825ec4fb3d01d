//! Page objects for the browser tests: what a person does on each page, in their words
//! (`LoginPage::log_in`), so that a test reads as a scenario and a markup change is fixed in
//! one place.
//!
//! It depends on fantoccini only; the tests themselves (in `tests/e2e/`) get the server, the
//! database and the browser from `testkit`.

use std::time::Duration;

use anyhow::{Context, Result};
use fantoccini::{Client, Locator};

/// How long a page may take to show what a test waits for.
const PATIENCE: Duration = Duration::from_secs(10);

pub struct LoginPage<'a> {
    browser: &'a Client,
}

impl<'a> LoginPage<'a> {
    pub async fn open(browser: &'a Client, base_url: &str) -> Result<Self> {
        browser.goto(&format!("{base_url}/login")).await?;
        Self::shown(browser).await
    }

    /// The login page the browser is on or is being sent to, once its form is there.
    pub async fn shown(browser: &'a Client) -> Result<Self> {
        browser
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Id("login-form"))
            .await
            .context("the login form did not show")?;
        Ok(Self { browser })
    }

    /// Fills the form and submits it. What comes next is awaited by whoever expects it
    /// ([`signed_in_as`], [`LoginPage::error`]): each waits for an element only the next page has.
    pub async fn log_in(&self, username: &str, password: &str) -> Result<()> {
        self.browser.find(Locator::Id("username")).await?.send_keys(username).await?;
        self.browser.find(Locator::Id("password")).await?.send_keys(password).await?;
        self.browser.find(Locator::Id("login-submit")).await?.click().await?;
        Ok(())
    }

    /// The error message shown on the page, waiting for it to appear.
    pub async fn error(&self) -> Result<String> {
        let error = self.browser.wait().at_most(PATIENCE).for_element(Locator::Id("login-error")).await?;
        Ok(error.text().await?)
    }
}

/// Text of the "Signed in as …" line on the home page, waiting for it to appear.
pub async fn signed_in_as(browser: &Client) -> Result<String> {
    let line = browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Id("signed-in-as"))
        .await
        .context("no 'Signed in as' line: the home page did not show")?;
    Ok(line.text().await?)
}

/// The path of the page the browser is on.
pub async fn current_path(browser: &Client) -> Result<String> {
    Ok(browser.current_url().await?.path().to_owned())
}
