use anyhow::Result;
use fantoccini::Client;

use crate::{click, fill, wait_for};

/// `/account`: the password change and "Log out everywhere".
pub struct AccountPage<'a> {
    browser: &'a Client,
}

impl<'a> AccountPage<'a> {
    pub async fn open(browser: &'a Client, base_url: &str) -> Result<Self> {
        browser.goto(&format!("{base_url}/account")).await?;
        wait_for(browser, "password-form").await?;
        Ok(Self { browser })
    }

    pub async fn log_out_everywhere(&self) -> Result<()> {
        click(self.browser, "logout-all").await
    }

    pub async fn change_password(&self, new_password: &str) -> Result<()> {
        fill(self.browser, "password", new_password).await?;
        click(self.browser, "password-submit").await
    }
}
