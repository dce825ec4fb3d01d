use std::time::Duration;

use anyhow::{Context, Result};
use fantoccini::{Client, Locator};

use crate::{PATIENCE, click, find_now, wait_for};

/// `/`, the jobs list, with its filters, its Apply buttons and its live feed.
pub struct JobsPage<'a> {
    browser: &'a Client,
}

/// What the page says of its live feed (`data-state` of `#feed-status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedState {
    Connecting,
    Live,
    Reconnecting,
}

impl FeedState {
    fn attribute(self) -> &'static str {
        match self {
            FeedState::Connecting => "connecting",
            FeedState::Live => "live",
            FeedState::Reconnecting => "reconnecting",
        }
    }
}

impl<'a> JobsPage<'a> {
    pub async fn open(browser: &'a Client, base_url: &str) -> Result<Self> {
        browser.goto(&format!("{base_url}/")).await?;
        Self::shown(browser).await
    }

    /// The jobs page the browser is on or is being sent to, once its list is there.
    pub async fn shown(browser: &'a Client) -> Result<Self> {
        wait_for(browser, "job-filters").await?;
        Ok(Self { browser })
    }

    /// Applies to the job `id` and waits for the page to say so.
    pub async fn apply(&self, id: i64) -> Result<()> {
        click(self.browser, &format!("apply-{id}")).await?;
        wait_for(self.browser, &format!("applied-{id}")).await?;
        Ok(())
    }

    /// Whether the job `id` shows "Applied" instead of its Apply button, now.
    pub async fn shows_applied(&self, id: i64) -> Result<bool> {
        Ok(find_now(self.browser, &format!("applied-{id}")).await?.is_some())
    }

    /// The job titled `title`, once the list shows it, however it got there (the server or
    /// the live feed); its element id.
    pub async fn wait_for_job(&self, title: &str) -> Result<String> {
        let xpath = format!("//ul[@id='jobs']/li[.//h2[normalize-space()='{title}']]");
        let job = self
            .browser
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::XPath(&xpath))
            .await
            .with_context(|| format!("the job {title:?} did not show within {PATIENCE:?}"))?;
        job.attr("id").await?.context("a listed job has an id")
    }

    pub async fn job_titles(&self) -> Result<Vec<String>> {
        let mut titles = Vec::new();
        for title in self.browser.find_all(Locator::Css("#jobs .job-title")).await? {
            titles.push(title.text().await?);
        }
        Ok(titles)
    }

    /// Waits until the page says its feed is in `state`. Looked at often: "reconnecting" may
    /// last only the half second before the first retry.
    pub async fn wait_for_feed(&self, state: FeedState) -> Result<()> {
        let css = format!("#feed-status[data-state='{}']", state.attribute());
        self.browser
            .wait()
            .at_most(PATIENCE)
            .every(Duration::from_millis(50))
            .for_element(Locator::Css(&css))
            .await
            .with_context(|| format!("the feed did not become {state:?} within {PATIENCE:?}"))?;
        Ok(())
    }

    /// The feed's status line, as the person reads it.
    pub async fn feed_status(&self) -> Result<String> {
        Ok(self.browser.find(Locator::Id("feed-status")).await?.text().await?)
    }
}
