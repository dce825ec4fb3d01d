use anyhow::Result;
use fantoccini::Client;

use crate::{click, wait_for};

/// The header on every page, with who is signed in and the logout button.
pub struct Header<'a> {
    browser: &'a Client,
}

impl<'a> Header<'a> {
    pub fn of(browser: &'a Client) -> Self {
        Self { browser }
    }

    /// "Signed in as …", once a page for a signed-in person shows.
    pub async fn signed_in_as(&self) -> Result<String> {
        Ok(wait_for(self.browser, "signed-in-as").await?.text().await?)
    }

    pub async fn log_out(&self) -> Result<()> {
        click(self.browser, "logout").await
    }
}
