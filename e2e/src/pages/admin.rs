use anyhow::{Context, Result};
use fantoccini::{Client, Locator};

use crate::{click, fill, wait_for};

/// `/admin/jobs/new`, the form an admin posts a job with.
pub struct PostJobPage<'a> {
    browser: &'a Client,
}

impl<'a> PostJobPage<'a> {
    pub async fn open(browser: &'a Client, base_url: &str) -> Result<Self> {
        browser.goto(&format!("{base_url}/admin/jobs/new")).await?;
        wait_for(browser, "job-form").await?;
        Ok(Self { browser })
    }

    /// Posts a job titled `title` at the company `handle`, paying `salary` a year.
    pub async fn post(&self, title: &str, salary: i64, handle: &str) -> Result<()> {
        fill(self.browser, "title", title).await?;
        fill(self.browser, "salary", &salary.to_string()).await?;
        let company = self.browser.find(Locator::Id("companyHandle")).await?;
        company.select_by_value(handle).await.with_context(|| format!("no company {handle} to choose"))?;
        click(self.browser, "job-submit").await
    }
}
