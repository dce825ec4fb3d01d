//! The screenshots in `docs/screenshots/`, taken from the real pages: `cargo xtask screenshots`
//! (which provisions Chromium and the Postgres image first) runs this. Every page a person
//! can reach, at a desktop and a phone width, over a small board seeded through the API.

// A command, not a library: a failure ends it with the cause.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use e2e::{FeedState, Header, JobsPage, LoginPage, RegisterPage, Registration, sign_in};
use fantoccini::Client;
use testkit::TestApp;
use testkit::browser::Browsers;
use testkit::fixtures::{a_company, a_job, a_user};

/// Name, width and height: a laptop, and a phone in portrait.
const SIZES: [(&str, u32, u32); 2] = [("desktop", 1280, 900), ("phone", 390, 844)];

#[tokio::main]
async fn main() -> Result<()> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().context("e2e/ is in the workspace")?;
    let out = workspace.join("docs/screenshots");
    std::fs::create_dir_all(&out)?;
    let app = TestApp::served_on_postgres().await;
    seed(&app).await;
    let browsers = Browsers::open(1).await?;
    let browser = browsers.client(0);
    let outcome = take_all(&browser, &app, &out).await;
    browsers.close().await;
    for path in outcome? {
        println!("{}", path.strip_prefix(workspace).unwrap_or(&path).display());
    }
    Ok(())
}

/// A board worth looking at: three companies, six jobs, ada (who applied to one) and an admin.
async fn seed(app: &TestApp) {
    let admin = app.admin(&a_user().named("admin")).await;
    app.signed_up(&a_user()).await;
    let as_admin = app.as_user(&admin);
    for (handle, name, size) in
        [("acme", "Acme Anvils", 120), ("lumen", "Lumen Labs", 35), ("harbor", "Harbor & Co", 800)]
    {
        as_admin.create_company(&a_company().named(handle).called(name).with_employees(size)).await.expect(201);
    }
    let mut ids = Vec::new();
    for (title, company, salary, equity) in [
        ("Backend engineer", "acme", 98_000, Some("0.01")),
        ("Product designer", "lumen", 84_000, None),
        ("Site reliability engineer", "harbor", 112_000, Some("0.005")),
        ("Data analyst", "lumen", 71_000, None),
        ("Engineering manager", "acme", 135_000, Some("0.02")),
        ("Support specialist", "harbor", 52_000, None),
    ] {
        let job = a_job().titled(title).at(company).paying(salary).with_equity(equity);
        ids.push(as_admin.post_job(&job).await.expect(201)["job"]["id"].as_i64().unwrap());
    }
    app.as_user(&app.logged_in(&a_user()).await).apply("ada", ids[1]).await.expect(201);
}

/// Takes each picture at every size and remembers where it put them.
struct Camera<'a> {
    browser: &'a Client,
    base: String,
    out: &'a Path,
    taken: Vec<PathBuf>,
}

impl Camera<'_> {
    /// The page at `path`, opened afresh at each size.
    async fn page(&mut self, name: &str, path: &str) -> Result<()> {
        for (size, width, height) in SIZES {
            self.browser.set_window_size(width, height).await?;
            self.browser.goto(&format!("{}{path}", self.base)).await?;
            if path == "/" || path.starts_with("/?") {
                // Settled once the live feed says it is live.
                JobsPage::shown(self.browser).await?.wait_for_feed(FeedState::Live).await?;
            }
            self.save(name, size).await?;
        }
        Ok(())
    }

    /// The page the browser is on (the answer to a form), at each size.
    async fn here(&mut self, name: &str) -> Result<()> {
        for (size, width, height) in SIZES {
            self.browser.set_window_size(width, height).await?;
            self.save(name, size).await?;
        }
        Ok(())
    }

    async fn save(&mut self, name: &str, size: &str) -> Result<()> {
        let file = self.out.join(format!("{name}-{size}.png"));
        let png = self.browser.screenshot().await?;
        std::fs::write(&file, png).with_context(|| format!("writing {}", file.display()))?;
        self.taken.push(file);
        Ok(())
    }
}

async fn take_all(browser: &Client, app: &TestApp, out: &Path) -> Result<Vec<PathBuf>> {
    let base = app.url("");
    let mut camera = Camera { browser, base: base.clone(), out, taken: Vec::new() };

    camera.page("login", "/login").await?;
    camera.page("register", "/register").await?;
    camera.page("not-found", "/no-such-page").await?;
    LoginPage::open(browser, &base).await?.go_to_register().await?;
    let refused =
        Registration { username: "grace", password: "tiny-pw", first_name: "Grace", last_name: "", email: "grace@" };
    RegisterPage::shown(browser).await?.register(&refused).await?;
    RegisterPage::shown(browser).await?;
    camera.here("register-refused").await?;

    sign_in(browser, &base, "ada", &a_user().password).await?;
    camera.page("jobs", "/").await?;
    camera.page("jobs-filtered", "/?minSalary=90000&hasEquity=true").await?;
    camera.page("companies", "/companies").await?;
    camera.page("company", "/companies/lumen").await?;
    camera.page("account", "/account").await?;
    camera.page("forbidden", "/admin/jobs/new").await?;
    Header::of(browser).log_out().await?;

    sign_in(browser, &base, "admin", &a_user().named("admin").password).await?;
    camera.page("jobs-admin", "/").await?;
    camera.page("post-a-job", "/admin/jobs/new").await?;
    camera.page("add-a-company", "/admin/companies/new").await?;
    Ok(camera.taken)
}
