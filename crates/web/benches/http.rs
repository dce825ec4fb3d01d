//! `cargo xtask bench http`: what the server serves under load, beside what its database serves
//! for the same query, measured in one run on one machine.
//!
//! The release binary runs as in production (APP_ENV=production) on a Postgres container seeded
//! with 20 companies and 200 jobs. wrk (one thread) loads it for 15 s per row, over keep-alive
//! connections: `GET /jobs` with a Bearer token the server verifies, an authenticated
//! `GET /users/{username}`, and `POST /auth/token` with the right password. pgbench (one
//! thread, prepared and simple protocol) then runs the route's own SELECT against the same
//! database at the same concurrency, and each route row gets the ratio server ÷ pgbench. A
//! login row gets the argon2 bound beside it: cores ÷ the time one hash takes here, alone and
//! with every core hashing at once.
//!
//! Nothing is pinned: the load tool, Postgres and the server (or pgbench and Postgres) share
//! every core, as they would on one small machine, the same way in every run. Each row reports
//! the CPU the server and Postgres spent per request (from /proc), so a change in the
//! sharing shows up where it happened.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use auth::password::{Argon2Cost, Argon2Passwords};
use serde_json::{Value, json};
use sqlx::PgPool;
use testbed::postgres::PostgresServer;
use testkit::TestDatabase;

const RUN: Duration = Duration::from_secs(15);
const SECRET: &str = "http-bench-secret-of-at-least-32-bytes";
const USERNAME: &str = "bench";
const PASSWORD: &str = "a long enough password for the bench";
/// Accounts the login rows cycle through (`login0`, `login1`, …).
const LOGIN_ACCOUNTS: usize = 32;
/// What wrk reports at the end of a run, as one line: requests, microseconds, p50, p99, errors.
const REPORT: &str = r#"
local token = os.getenv("WRK_TOKEN")
if token then wrk.headers["Authorization"] = "Bearer " .. token end
-- Logins cycle through WRK_LOGINS accounts, each from an address of its own behind the
-- trusted proxy, as a crowd of users would: one address and account never has more than a
-- few attempts in flight, so the throttle never refuses one.
local logins = tonumber(os.getenv("WRK_LOGINS") or "0")
local next_login = 0
if logins > 0 then
  request = function()
    next_login = (next_login + 1) % logins
    local body = string.format('{"username":"login%d","password":"%s"}', next_login, os.getenv("WRK_PASSWORD"))
    local headers = { ["Content-Type"] = "application/json", ["X-Forwarded-For"] = "10.0.0." .. next_login }
    return wrk.format("POST", nil, headers, body)
  end
end
-- Which statuses the errors were, for the login rows: a quick 503 and a 429 say different things.
-- (Only there: a response callback makes wrk parse every answer in Lua, too slow for the reads.)
local threads = {}
setup = function(thread) table.insert(threads, thread) end
if logins > 0 then
  statuses = {}
  response = function(status)
    if status >= 400 then statuses[status] = (statuses[status] or 0) + 1 end
  end
end
done = function(summary, latency, requests)
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses") or {}) do
      io.write(string.format("STATUS %d %d\n", status, count))
    end
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("REPORT %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), errors))
end
"#;
/// The SELECT behind `GET /jobs` (crates/store/src/postgres/jobs.rs, no filter).
const JOBS_SELECT: &str =
    r#"SELECT id, title, salary, equity, company_handle FROM jobs WHERE TRUE ORDER BY title COLLATE "C", id;"#;
/// The SELECT behind `GET /users/{username}` (crates/store/src/postgres/users.rs).
const USER_SELECT: &str =
    "SELECT username, first_name, last_name, email, is_admin FROM users WHERE username = 'bench';";

#[tokio::main]
async fn main() -> Result<()> {
    for tool in ["wrk", "pgbench"] {
        ensure!(on_path(tool), "{tool} is missing: `cargo xtask bench http` installs it (apt: wrk, postgresql-client)");
    }
    let postgres = PostgresServer::start().await?;
    let database = TestDatabase::on_server(postgres.url()).await?;
    seed(database.pool()).await?;
    let postgres_pid = docker_pid(postgres.container_id())?;
    let mut server = testkit::process::start(
        env!("CARGO_BIN_EXE_jobboard"),
        database.url(),
        &[
            ("APP_ENV", "production"),
            ("JWT_SECRET", SECRET),
            ("ACCESS_TOKEN_TTL", "1h"),
            ("RUST_LOG", "warn,jobboard=info"),
        ],
    )
    .await?;
    let server_pid = server.pid().context("the server has no pid")?;
    let base = format!("http://{}", server.address);
    let token = register(&base, USERNAME).await?;
    for account in 0..LOGIN_ACCOUNTS {
        register(&base, &format!("login{account}")).await?;
    }
    let idle_kib = rss_kib(server_pid)?;
    let cpu = Cpu { server: server_pid, postgres: postgres_pid };
    let scripts = script_dir()?;

    let mut table = Table::default();
    for (route, path, select) in
        [("GET /jobs", "/jobs", JOBS_SELECT), ("GET /users/{username}", "/users/bench", USER_SELECT)]
    {
        for connections in [8, 64] {
            let load = Load { url: format!("{base}{path}"), token: Some(&token), logins: 0, connections };
            let served = cpu.during(|| wrk(&scripts, &load))?;
            let prepared =
                cpu.during(|| pgbench(&scripts, database.url(), select, connections, "prepared"))?.without_server();
            let simple =
                cpu.during(|| pgbench(&scripts, database.url(), select, connections, "simple"))?.without_server();
            table.route(route, connections, &served, &prepared, &simple);
        }
    }
    let cores = std::thread::available_parallelism()?.get();
    let (alone, side_by_side) = (hash_time(1)?, hash_time(cores)?);
    let bound = cores as f64 / alone.as_secs_f64();
    let shared_bound = cores as f64 / side_by_side.as_secs_f64();
    for connections in [8, 16] {
        let load = Load { url: format!("{base}/auth/token"), token: None, logins: LOGIN_ACCOUNTS, connections };
        let served = cpu.during(|| wrk(&scripts, &load))?;
        table.login(connections, &served, bound);
    }
    let loaded_kib = rss_kib(server_pid)?;
    server.terminate();
    server.wait_for_exit().await;

    println!("\n{}", table.rows.join("\n"));
    println!("\nargon2 bound: {cores} cores ÷ {:.1} ms per hash = {bound:.1} logins/s", alone.as_secs_f64() * 1000.0);
    println!(
        "with every core hashing at once: {cores} cores ÷ {:.1} ms per hash = {shared_bound:.1} logins/s",
        side_by_side.as_secs_f64() * 1000.0
    );
    println!("server RSS: {:.1} MB idle, {:.1} MB after the load", mb(idle_kib), mb(loaded_kib));
    println!(
        "{cores} cores, shared by wrk (1 thread), Postgres and the server, or by pgbench (1 thread) and Postgres; \
         {} s per row",
        RUN.as_secs()
    );
    Ok(())
}

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()))
}

/// 20 companies and 200 jobs, a third of them with equity: about 20 KB of JSON for `GET /jobs`.
async fn seed(database: &PgPool) -> Result<()> {
    sqlx::query(
        "INSERT INTO companies (handle, name, description, num_employees)
         SELECT 'company-' || n, 'Company ' || n, 'A company that hires engineers.', n * 10 FROM generate_series(1, 20) AS n",
    )
    .execute(database)
    .await?;
    sqlx::query(
        "INSERT INTO jobs (title, salary, equity, company_handle)
         SELECT 'Engineer ' || n, 50000 + n * 100, CASE WHEN n % 3 = 0 THEN 0.05 END, 'company-' || (n % 20 + 1)
         FROM generate_series(1, 200) AS n",
    )
    .execute(database)
    .await?;
    Ok(())
}

/// Registers `username` with the bench's password; its access token.
async fn register(base: &str, username: &str) -> Result<String> {
    let answer: Value = testkit::served::http_client()
        .post(format!("{base}/auth/register"))
        .json(&json!({
            "username": username, "password": PASSWORD, "firstName": "Bench", "lastName": "Mark",
            "email": format!("{username}@example.com"),
        }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    answer["token"].as_str().map(str::to_owned).context("registration answered no token")
}

/// A directory for the load tools' scripts, under target/.
fn script_dir() -> Result<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-http");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("report.lua"), REPORT)?;
    Ok(dir)
}

struct Load<'a> {
    url: String,
    token: Option<&'a str>,
    /// How many accounts to cycle logins through; 0: no logins, the same request each time.
    logins: usize,
    connections: usize,
}

/// What one run served.
#[derive(Debug, Default)]
struct Served {
    per_second: f64,
    p50: Option<Duration>,
    p99: Option<Duration>,
    errors: u64,
    /// How many answers had each error status, where the load tool counted them.
    statuses: Vec<(u16, u64)>,
    requests: u64,
}

fn wrk(scripts: &Path, load: &Load) -> Result<Served> {
    let mut command = Command::new("wrk");
    command
        .args(["-t1", &format!("-c{}", load.connections), &format!("-d{}s", RUN.as_secs()), "--timeout", "10s"])
        .arg("-s")
        .arg(scripts.join("report.lua"))
        .arg(&load.url)
        .env("WRK_LOGINS", load.logins.to_string())
        .env("WRK_PASSWORD", PASSWORD)
        .env_remove("WRK_TOKEN");
    if let Some(token) = load.token {
        command.env("WRK_TOKEN", token);
    }
    let output = command.output().context("running wrk")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    ensure!(output.status.success(), "wrk failed: {stdout}{}", String::from_utf8_lossy(&output.stderr));
    let report = stdout.lines().find_map(|line| line.strip_prefix("REPORT ")).context("wrk printed no report")?;
    let numbers: Vec<u64> = report.split_whitespace().map(str::parse).collect::<Result<_, _>>()?;
    let [requests, micros, p50, p99, errors] = numbers[..] else { bail!("wrk's report: {report}") };
    let statuses = stdout
        .lines()
        .filter_map(|line| line.strip_prefix("STATUS ")?.split_once(' '))
        .map(|(status, count)| Ok((status.parse()?, count.parse()?)))
        .collect::<Result<Vec<(u16, u64)>>>()?;
    // Only answers that served the request count: a flood of quick 503s is not throughput.
    Ok(Served {
        per_second: requests.saturating_sub(errors) as f64 / (micros as f64 / 1e6),
        p50: Some(Duration::from_micros(p50)),
        p99: Some(Duration::from_micros(p99)),
        errors,
        statuses,
        requests,
    })
}

fn pgbench(scripts: &Path, url: &str, select: &str, connections: usize, protocol: &str) -> Result<Served> {
    let script = scripts.join("select.sql");
    std::fs::write(&script, select)?;
    let output = Command::new("pgbench")
        .args(["-n", "-j1", "-M", protocol, &format!("-c{connections}"), &format!("-T{}", RUN.as_secs()), "-f"])
        .arg(&script)
        .arg(url)
        .output()
        .context("running pgbench")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    ensure!(output.status.success(), "pgbench failed: {stdout}{}", String::from_utf8_lossy(&output.stderr));
    let field = |prefix: &str| -> Result<f64> {
        let line = stdout.lines().find(|line| line.starts_with(prefix)).with_context(|| format!("no {prefix}"))?;
        Ok(line[prefix.len()..].split_whitespace().next().context("no value")?.parse()?)
    };
    let transactions = field("number of transactions actually processed: ")?;
    // Only pgbench 15 and later count failed transactions.
    let failed = field("number of failed transactions: ").unwrap_or(0.0);
    Ok(Served {
        per_second: field("tps = ")?,
        p50: None,
        p99: None,
        errors: failed as u64,
        statuses: Vec::new(),
        requests: transactions as u64,
    })
}

/// How long one argon2id verification takes here, at the server's cost, with `at_once` of them
/// running side by side on threads of their own: the median of 20 per thread. With one, the
/// other cores idle; with one per core, the hashes share caches and memory bandwidth, as the
/// server's hashing threads do under a login load.
fn hash_time(at_once: usize) -> Result<Duration> {
    let passwords = Arc::new(Argon2Passwords::new(Argon2Cost::OWASP)?);
    let hash = Arc::new(passwords.hash(PASSWORD)?);
    let threads: Vec<_> = (0..at_once)
        .map(|_| {
            let (passwords, hash) = (passwords.clone(), hash.clone());
            std::thread::spawn(move || {
                (0..20)
                    .map(|_| {
                        let started = Instant::now();
                        let matched = passwords.verify(PASSWORD, Some(&hash));
                        if matched { Ok(started.elapsed()) } else { bail!("the hash did not verify") }
                    })
                    .collect::<Result<Vec<_>>>()
            })
        })
        .collect();
    let mut times = Vec::new();
    for thread in threads {
        times.extend(thread.join().map_err(|_| anyhow::anyhow!("a hashing thread panicked"))??);
    }
    times.sort();
    Ok(times[times.len() / 2])
}

/// The error count, with the statuses behind it when they were counted: `120 (503 ×100, 429 ×20)`.
fn errors(served: &Served) -> String {
    if served.statuses.is_empty() {
        return served.errors.to_string();
    }
    let mut statuses = served.statuses.clone();
    statuses.sort();
    let each: Vec<String> = statuses.iter().map(|(status, count)| format!("{status} ×{count}")).collect();
    format!("{} ({})", served.errors, each.join(", "))
}

/// The processes whose CPU time a row reports.
struct Cpu {
    server: u32,
    postgres: u32,
}

/// CPU seconds spent during a run, with what the run served.
struct Measured {
    served: Served,
    /// `None` for a run the server took no part in.
    server_seconds: Option<f64>,
    postgres_seconds: f64,
}

impl Measured {
    fn without_server(self) -> Self {
        Self { server_seconds: None, ..self }
    }
}

impl Cpu {
    fn during(&self, run: impl FnOnce() -> Result<Served>) -> Result<Measured> {
        let (server, postgres) = (cpu_seconds(self.server)?, tree_cpu_seconds(self.postgres)?);
        let served = run()?;
        Ok(Measured {
            served,
            server_seconds: Some(cpu_seconds(self.server)? - server),
            postgres_seconds: tree_cpu_seconds(self.postgres)? - postgres,
        })
    }
}

/// /proc counts in USER_HZ, which Linux fixes at 100 for user space.
const TICKS_PER_SECOND: f64 = 100.0;

/// User and system CPU seconds of `pid`, its threads included.
fn cpu_seconds(pid: u32) -> Result<f64> {
    Ok(ticks_of(pid)?.0 / TICKS_PER_SECOND)
}

/// [`cpu_seconds`] of a Postgres postmaster with its live backends and every backend that has
/// exited (the kernel adds those to the parent's `cutime`/`cstime`).
fn tree_cpu_seconds(postmaster: u32) -> Result<f64> {
    let (mut ticks, _) = ticks_of(postmaster)?;
    for entry in std::fs::read_dir("/proc")? {
        let Ok(child) = entry?.file_name().to_string_lossy().parse::<u32>() else { continue };
        // A backend that exits between the listing and the read is counted by its parent.
        if let Ok((child_ticks, parent)) = ticks_of(child)
            && parent == postmaster
        {
            ticks += child_ticks;
        }
    }
    Ok(ticks / TICKS_PER_SECOND)
}

/// `(utime + stime + cutime + cstime, parent pid)` from /proc/{pid}/stat.
fn ticks_of(pid: u32) -> Result<(f64, u32)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // The command name may hold spaces: fields are counted after its closing parenthesis.
    let fields: Vec<&str> = stat.rsplit_once(')').context("no command name")?.1.split_whitespace().collect();
    let number = |index: usize| -> Result<f64> { Ok(fields.get(index).context("short stat")?.parse()?) };
    Ok((number(11)? + number(12)? + number(13)? + number(14)?, number(1)? as u32))
}

/// The postmaster's pid on this machine.
fn docker_pid(container: &str) -> Result<u32> {
    let output = Command::new("docker").args(["inspect", "-f", "{{.State.Pid}}", container]).output()?;
    ensure!(output.status.success(), "docker inspect {container}: {}", String::from_utf8_lossy(&output.stderr));
    Ok(String::from_utf8(output.stdout)?.trim().parse()?)
}

fn rss_kib(pid: u32) -> Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:")).context("no VmRSS")?;
    Ok(line.split_whitespace().nth(1).context("no value")?.parse()?)
}

fn mb(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// The printed table: one row per load, in Markdown.
struct Table {
    rows: Vec<String>,
}

impl Default for Table {
    fn default() -> Self {
        Self {
            rows: vec![
                "| load | conns | served/s | p50 | p99 | errors | server CPU / req | Postgres CPU / req | compared with |".to_owned(),
                "|---|---:|---:|---:|---:|---:|---:|---:|---|".to_owned(),
            ],
        }
    }
}

impl Table {
    fn push(&mut self, load: &str, connections: usize, measured: &Measured, compared: &str) {
        let per_request = |seconds: f64| {
            if measured.served.requests == 0 {
                "–".to_owned()
            } else {
                format!("{:.3} ms", seconds * 1000.0 / measured.served.requests as f64)
            }
        };
        let latency =
            |at: Option<Duration>| at.map_or("–".to_owned(), |at| format!("{:.1} ms", at.as_secs_f64() * 1000.0));
        let served = &measured.served;
        self.rows.push(format!(
            "| {load} | {connections} | {:.0} | {} | {} | {} | {} | {} | {compared} |",
            served.per_second,
            latency(served.p50),
            latency(served.p99),
            errors(served),
            measured.server_seconds.map_or("–".to_owned(), per_request),
            per_request(measured.postgres_seconds),
        ));
    }

    fn route(&mut self, route: &str, connections: usize, served: &Measured, prepared: &Measured, simple: &Measured) {
        let ratio = |of: &Measured| served.served.per_second / of.served.per_second * 100.0;
        let compared = format!("**{:.0} %** of pgbench prepared, {:.0} % of simple", ratio(prepared), ratio(simple));
        self.push(route, connections, served, &compared);
        self.push("pgbench, prepared: the same SELECT", connections, prepared, "");
        self.push("pgbench, simple: the same SELECT", connections, simple, "");
    }

    fn login(&mut self, connections: usize, served: &Measured, bound: f64) {
        let compared =
            format!("**{:.0} %** of the argon2 bound ({bound:.1}/s)", served.served.per_second / bound * 100.0);
        self.push("POST /auth/token (right password, 32 accounts)", connections, served, &compared);
    }
}
