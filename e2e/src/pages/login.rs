use anyhow::Result;
use fantoccini::Client;

use crate::{click, fill, find_now, wait_for};

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
        wait_for(browser, "login-form").await?;
        Ok(Self { browser })
    }

    /// Fills the form and submits it. What comes next is awaited by whoever expects it
    /// (the next page's `shown`, or [`LoginPage::error`]).
    pub async fn log_in(&self, username: &str, password: &str) -> Result<()> {
        fill(self.browser, "username", username).await?;
        fill(self.browser, "password", password).await?;
        click(self.browser, "login-submit").await
    }

    /// The error the page shows after a failed attempt, waiting for it.
    pub async fn error(&self) -> Result<String> {
        Ok(wait_for(self.browser, "login-error").await?.text().await?)
    }

    /// The notice the page opened with ("Your session has ended…"), if any.
    pub async fn notice(&self) -> Result<Option<String>> {
        match find_now(self.browser, "login-notice").await? {
            Some(notice) => Ok(Some(notice.text().await?)),
            None => Ok(None),
        }
    }

    pub async fn go_to_register(&self) -> Result<()> {
        click(self.browser, "register-link").await
    }
}
