//! One headless Chromium session per test, driven over WebDriver by fantoccini.
//!
//! [`with_browser`] owns the session's whole life: it starts chromedriver on a free port
//! (unless `WEBDRIVER_URL` names one), opens a session with a fresh profile, runs the test,
//! and whatever happened (success, error, panic) closes the session, so no Chromium is left
//! behind. When the test failed it first saves a screenshot and the page source under
//! `target/e2e-artifacts/<test>/`.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use fantoccini::{Client, ClientBuilder};
use futures::FutureExt;
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Map, Value, json};
use testbed::browser::{CHROME_BIN_ENV, INSTALL_HINT, WEBDRIVER_URL_ENV, find_chromedriver};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// Runs `test` against a fresh browser session; see the module documentation.
///
/// Panics (failing the test) when the test returned an error or panicked, or when no browser
/// could be started: an end-to-end test never passes without a browser.
pub async fn with_browser<F, Fut>(test: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = Result<()>>,
{
    let test_name = current_test_name();
    let profile = std::env::temp_dir().join(format!("pyramid-chromium-{}", uuid::Uuid::new_v4().simple()));
    let (client, driver) = match open_session(&profile).await {
        Ok(session) => session,
        Err(error) => panic!("cannot start a browser for {test_name}: {error:#}"),
    };
    let outcome = AssertUnwindSafe(test(client.clone())).catch_unwind().await;
    let failed = !matches!(outcome, Ok(Ok(())));
    let artifacts = if failed { Some(save_artifacts(&client, &test_name).await) } else { None };
    if let Err(error) = client.close().await {
        eprintln!("warning: closing the browser session failed: {error}");
    }
    drop(driver);
    let _ = std::fs::remove_dir_all(&profile);
    if let Some(saved) = &artifacts {
        match saved {
            Ok(dir) => eprintln!("screenshot and page source saved in {}", dir.display()),
            Err(error) => eprintln!("warning: could not save the failure artifacts: {error:#}"),
        }
    }
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(error)) => panic!("{error:#}"),
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

async fn open_session(profile: &Path) -> Result<(Client, Option<ChromeDriver>)> {
    let (url, driver) = match std::env::var(WEBDRIVER_URL_ENV) {
        Ok(url) => (url, None),
        Err(_) => {
            let driver = ChromeDriver::start().await?;
            (driver.url.clone(), Some(driver))
        }
    };
    let client = ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities(profile))
        .connect(&url)
        .await
        .with_context(|| format!("opening a Chromium session at {url}: is Chromium installed? {INSTALL_HINT}"))?;
    Ok((client, driver))
}

/// Chromium's flags for a CI box: headless, no sandbox (containers lack the namespaces), no
/// background traffic, and a profile of its own so sessions never share state.
fn capabilities(profile: &Path) -> Map<String, Value> {
    let mut options = json!({
        "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--window-size=1280,800",
            format!("--user-data-dir={}", profile.display()),
        ],
    });
    if let Ok(binary) = std::env::var(CHROME_BIN_ENV) {
        options["binary"] = Value::String(binary);
    }
    let capabilities = json!({ "browserName": "chrome", "goog:chromeOptions": options });
    match capabilities {
        Value::Object(map) => map,
        _ => unreachable!("a JSON object literal"),
    }
}

/// chromedriver on a free port, killed when dropped.
struct ChromeDriver {
    url: String,
    _process: Child,
}

impl ChromeDriver {
    async fn start() -> Result<Self> {
        let binary = find_chromedriver()?;
        let mut process = Command::new(&binary)
            .arg("--port=0")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting chromedriver at {}: {INSTALL_HINT}", binary.display()))?;
        let stdout = process.stdout.take().context("chromedriver has no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let announced_port = async {
            while let Some(line) = lines.next_line().await? {
                // "ChromeDriver was started successfully on port 38841."
                if let Some(rest) = line.split_once("started successfully on port ").map(|(_, rest)| rest) {
                    return rest.trim_end_matches('.').trim().parse::<u16>().context("parsing chromedriver's port");
                }
            }
            bail!("chromedriver exited before announcing its port")
        };
        let port = tokio::time::timeout(Duration::from_secs(20), announced_port)
            .await
            .map_err(|_| anyhow!("chromedriver did not announce its port within 20 s"))??;
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Self { url: format!("http://127.0.0.1:{port}"), _process: process })
    }
}

/// libtest runs each test on a thread named after it (`module::test_name`).
fn current_test_name() -> String {
    std::thread::current().name().filter(|name| *name != "main").unwrap_or("unnamed-test").replace("::", "__")
}

async fn save_artifacts(client: &Client, test_name: &str) -> Result<PathBuf> {
    let dir = target_dir()?.join("e2e-artifacts").join(test_name);
    tokio::fs::create_dir_all(&dir).await?;
    let screenshot = client.screenshot().await.context("taking a screenshot")?;
    tokio::fs::write(dir.join("screenshot.png"), screenshot).await?;
    let source = client.source().await.context("reading the page source")?;
    tokio::fs::write(dir.join("page.html"), source).await?;
    let url = client.current_url().await.map(|url| url.to_string()).unwrap_or_default();
    tokio::fs::write(dir.join("url.txt"), url).await?;
    Ok(dir)
}

/// `target/`, found from the test binary's own path (`target/debug/deps/<binary>`).
fn target_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return Ok(PathBuf::from(dir));
    }
    let exe = std::env::current_exe()?;
    exe.ancestors().nth(3).map(Path::to_path_buf).context("test binary is not under target/<profile>/deps")
}
