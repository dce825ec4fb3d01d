use anyhow::Result;
use fantoccini::Client;

use crate::{click, fill, wait_for};

pub struct RegisterPage<'a> {
    browser: &'a Client,
}

/// What the registration form asks for.
pub struct Registration<'a> {
    pub username: &'a str,
    pub password: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a str,
}

impl<'a> RegisterPage<'a> {
    pub async fn shown(browser: &'a Client) -> Result<Self> {
        wait_for(browser, "register-form").await?;
        Ok(Self { browser })
    }

    pub async fn register(&self, registration: &Registration<'_>) -> Result<()> {
        fill(self.browser, "username", registration.username).await?;
        fill(self.browser, "password", registration.password).await?;
        fill(self.browser, "firstName", registration.first_name).await?;
        fill(self.browser, "lastName", registration.last_name).await?;
        fill(self.browser, "email", registration.email).await?;
        click(self.browser, "register-submit").await
    }

    /// The messages shown under the field `name` (its API name: `firstName`), waiting for them.
    pub async fn field_error(&self, name: &str) -> Result<String> {
        Ok(wait_for(self.browser, &format!("{name}-error")).await?.text().await?)
    }
}
