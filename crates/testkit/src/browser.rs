//! Headless Chromium sessions, driven over WebDriver by fantoccini: one per test, or two for a
//! test about what one browser does to another.
//!
//! [`with_browser`] and [`with_two_browsers`] own the sessions' whole life: they start
//! chromedriver on a free port (unless `WEBDRIVER_URL` names one), open each session with a
//! fresh profile, run the test, and whatever happened (success, error, panic) close the
//! sessions, so no Chromium is left behind. When the test failed they first save, per browser,
//! a screenshot, the page source, its URL and the browser's console log under
//! `target/e2e-artifacts/<test>/`, and print where.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use axum::http::Method;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder};
use futures::FutureExt;
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Map, Value, json};
use testbed::browser::{CHROME_BIN_ENV, INSTALL_HINT, WEBDRIVER_URL_ENV, find_chromedriver};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// Where failed tests leave what their browsers showed, under the target directory.
pub const ARTIFACTS_DIR: &str = "e2e-artifacts";

/// Runs `test` against a fresh browser session; see the module documentation.
///
/// Panics (failing the test) when the test returned an error or panicked, or when no browser
/// could be started: an end-to-end test never passes without a browser.
pub async fn with_browser<F, Fut>(test: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = Result<()>>,
{
    let browsers = Browsers::open_or_panic(1).await;
    let client = browsers.client(0);
    browsers.run(test(client)).await;
}

/// Runs `test` against two browsers with separate profiles: two people, or one person on two
/// machines. Their artifacts are saved apart, as `browser-a/` and `browser-b/`.
pub async fn with_two_browsers<F, Fut>(test: F)
where
    F: FnOnce(Client, Client) -> Fut,
    Fut: Future<Output = Result<()>>,
{
    let browsers = Browsers::open_or_panic(2).await;
    let (a, b) = (browsers.client(0), browsers.client(1));
    browsers.run(test(a, b)).await;
}

/// Browser sessions on one chromedriver, each with a profile of its own. Tests use
/// [`with_browser`]; a command that drives a browser outside a test (screenshots, a
/// measurement) opens them here and calls [`Browsers::close`].
pub struct Browsers {
    sessions: Vec<(Client, PathBuf)>,
    _driver: Option<ChromeDriver>,
    test_name: String,
}

impl Browsers {
    pub async fn open(count: usize) -> Result<Self> {
        let (url, driver) = match std::env::var(WEBDRIVER_URL_ENV) {
            Ok(url) => (url, None),
            Err(_) => {
                let driver = ChromeDriver::start().await?;
                (driver.url.clone(), Some(driver))
            }
        };
        // Opened side by side: starting Chromium is mostly waiting, and a two-browser test
        // would otherwise pay for it twice.
        let opened = futures::future::join_all((0..count).map(|_| {
            let profile = std::env::temp_dir().join(format!("pyramid-chromium-{}", uuid::Uuid::new_v4().simple()));
            let url = url.clone();
            async move {
                let client =
                    ClientBuilder::new(HttpConnector::new()).capabilities(capabilities(&profile)).connect(&url).await;
                (client, profile)
            }
        }))
        .await;
        let mut browsers = Self { sessions: Vec::new(), _driver: driver, test_name: current_test_name() };
        let mut failure = None;
        for (client, profile) in opened {
            match client {
                Ok(client) => browsers.sessions.push((client, profile)),
                Err(error) => {
                    let _ = std::fs::remove_dir_all(&profile);
                    failure = Some(error);
                }
            }
        }
        if let Some(error) = failure {
            browsers.close().await;
            return Err(anyhow!(error)).with_context(|| {
                format!("opening a Chromium session at {url}: is Chromium installed? {INSTALL_HINT}")
            });
        }
        Ok(browsers)
    }

    async fn open_or_panic(count: usize) -> Self {
        match Self::open(count).await {
            Ok(browsers) => browsers,
            Err(error) => panic!("cannot start a browser for {}: {error:#}", current_test_name()),
        }
    }

    pub fn client(&self, index: usize) -> Client {
        self.sessions[index].0.clone()
    }

    /// Closes every session and removes its profile.
    pub async fn close(self) {
        futures::future::join_all(self.sessions.into_iter().map(|(client, profile)| async move {
            if let Err(error) = client.close().await {
                eprintln!("warning: closing a browser session failed: {error}");
            }
            let _ = std::fs::remove_dir_all(&profile);
        }))
        .await;
    }

    async fn run(self, test: impl Future<Output = Result<()>>) {
        let outcome = AssertUnwindSafe(test).catch_unwind().await;
        if !matches!(outcome, Ok(Ok(()))) {
            self.save_artifacts().await;
        }
        self.close().await;
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(error)) => panic!("{error:#}"),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }

    async fn save_artifacts(&self) {
        let dir = match target_dir() {
            Ok(target) => target.join(ARTIFACTS_DIR).join(&self.test_name),
            Err(error) => return eprintln!("warning: no target directory for the failure artifacts: {error:#}"),
        };
        let _ = std::fs::remove_dir_all(&dir);
        for (index, (client, _)) in self.sessions.iter().enumerate() {
            let browser_dir = match self.sessions.len() {
                1 => dir.clone(),
                _ => dir.join(format!("browser-{}", char::from(b'a' + index as u8))),
            };
            match save_browser_artifacts(client, &browser_dir).await {
                Ok(saved) => {
                    eprintln!("what the browser showed is saved in {}: {}", browser_dir.display(), saved.join(", "))
                }
                Err(error) => eprintln!("warning: could not save {}: {error:#}", browser_dir.display()),
            }
        }
    }
}

/// Chromium's flags for a CI box: headless, no sandbox (containers lack the namespaces), no
/// background traffic, and a profile of its own so sessions never share state. The console
/// is logged so that a failed test can show what the page's script said.
///
/// Every host name but the app's resolves to "not found" at once: the browser reaches only
/// the server under test. Without it, the new-tab page Chromium opens first waited for a DNS
/// lookup that could not succeed, and one session in four spent 5 s on its first command.
fn capabilities(profile: &Path) -> Map<String, Value> {
    let mut options = json!({
        "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--window-size=1280,800", "--hide-scrollbars",
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
            format!("--user-data-dir={}", profile.display()),
        ],
    });
    if let Ok(binary) = std::env::var(CHROME_BIN_ENV) {
        options["binary"] = Value::String(binary);
    }
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": options,
        "goog:loggingPrefs": { "browser": "ALL" },
    });
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

/// Saves what `client` shows into `dir`; the names of the files saved.
async fn save_browser_artifacts(client: &Client, dir: &Path) -> Result<Vec<&'static str>> {
    tokio::fs::create_dir_all(dir).await?;
    let screenshot = client.screenshot().await.context("taking a screenshot")?;
    tokio::fs::write(dir.join("screenshot.png"), screenshot).await?;
    let source = client.source().await.context("reading the page source")?;
    tokio::fs::write(dir.join("page.html"), source).await?;
    let url = client.current_url().await.map(|url| url.to_string()).unwrap_or_default();
    tokio::fs::write(dir.join("url.txt"), url).await?;
    let console = console_log(client).await.unwrap_or_else(|error| format!("(no console log: {error:#})\n"));
    tokio::fs::write(dir.join("console.log"), console).await?;
    Ok(vec!["screenshot.png", "page.html", "url.txt", "console.log"])
}

/// The browser's console since the last read, one `LEVEL message` per line. WebDriver has no
/// standard command for it; chromedriver keeps Selenium's `se/log`.
async fn console_log(client: &Client) -> Result<String> {
    let entries = client.issue_cmd(ConsoleLog).await.context("asking chromedriver for the console log")?;
    let lines: Vec<String> = entries
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .map(|entry| {
                    let level = entry["level"].as_str().unwrap_or("?");
                    let message = entry["message"].as_str().unwrap_or_default();
                    format!("{level} {message}\n")
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(if lines.is_empty() { "(the console was empty)\n".to_owned() } else { lines.concat() })
}

#[derive(Debug)]
struct ConsoleLog;

impl WebDriverCompatibleCommand for ConsoleLog {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/se/log", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (Method, Option<String>) {
        (Method::POST, Some(json!({ "type": "browser" }).to_string()))
    }
}

/// `target/`, found from the test binary's own path (`target/debug/deps/<binary>`).
fn target_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return Ok(PathBuf::from(dir));
    }
    let exe = std::env::current_exe()?;
    exe.ancestors().nth(3).map(Path::to_path_buf).context("test binary is not under target/<profile>/deps")
}
