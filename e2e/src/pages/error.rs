use anyhow::Result;
use fantoccini::Client;

use crate::{find_now, wait_for};

/// The page a browser gets for an error: its status, a title and what to do.
pub struct ErrorPage<'a> {
    browser: &'a Client,
}

impl<'a> ErrorPage<'a> {
    pub async fn shown(browser: &'a Client) -> Result<Self> {
        wait_for(browser, "error-status").await?;
        Ok(Self { browser })
    }

    pub async fn status(&self) -> Result<String> {
        self.text("error-status").await
    }

    pub async fn title(&self) -> Result<String> {
        self.text("error-title").await
    }

    pub async fn message(&self) -> Result<String> {
        self.text("error-message").await
    }

    /// "Try again in N seconds.", when the error has a wait.
    pub async fn retry(&self) -> Result<Option<String>> {
        match find_now(self.browser, "error-retry").await? {
            Some(retry) => Ok(Some(retry.text().await?)),
            None => Ok(None),
        }
    }

    async fn text(&self, id: &str) -> Result<String> {
        Ok(wait_for(self.browser, id).await?.text().await?)
    }
}
