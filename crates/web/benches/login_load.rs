//! `cargo xtask bench login-load`: what a flood of failed logins costs the server. The release
//! binary runs as in production (APP_ENV=production, Postgres); for ten seconds, 100, 200 and
//! then 500 clients each send wrong passwords as fast as they are answered, every attempt from
//! an address of its own (127.x.y.z) and for a username of its own, as a botnet would, so the
//! login throttle lets every one through to the password check. Printed: the answers, the
//! server's peak and final RSS (from /proc), and how long each kind of answer took.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use testkit::TestDatabase;
use testkit::timing::{heading, row};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpSocket;

const CONCURRENCY: [usize; 3] = [100, 200, 500];
const LOAD: Duration = Duration::from_secs(10);
const SECRET: &str = "login-load-bench-secret-of-32-bytes!";

#[tokio::main]
async fn main() -> Result<()> {
    let database = TestDatabase::new().await;
    let binary = env!("CARGO_BIN_EXE_jobboard");
    // Every attempt gets the next loopback address: 127.0.0.2, 127.0.0.3, …
    let addresses = Arc::new(AtomicU32::new(u32::from(Ipv4Addr::new(127, 0, 0, 2))));
    for clients in CONCURRENCY {
        let mut server = testkit::process::start(
            binary,
            database.url(),
            &[("APP_ENV", "production"), ("JWT_SECRET", SECRET), ("RUST_LOG", "warn,jobboard=info")],
        )
        .await?;
        let pid = server.pid().context("the server has no pid")?;
        let idle = memory(pid)?;
        let started = Instant::now();
        let workers: Vec<_> =
            (0..clients).map(|_| tokio::spawn(flood(server.address, addresses.clone(), started + LOAD))).collect();
        let mut answers: BTreeMap<u16, Vec<Duration>> = BTreeMap::new();
        for worker in workers {
            for (status, took) in worker.await?? {
                answers.entry(status).or_default().push(took);
            }
        }
        let loaded = memory(pid)?;
        server.terminate();
        server.wait_for_exit().await;

        let total: usize = answers.values().map(Vec::len).sum();
        println!(
            "\n{clients} clients for {} s: {total} attempts; RSS idle {:.1} MB, peak {:.1} MB, at the end {:.1} MB",
            LOAD.as_secs(),
            mb(idle.rss_kib),
            mb(loaded.peak_kib),
            mb(loaded.rss_kib)
        );
        println!("{}", heading("answer"));
        for (status, took) in &mut answers {
            println!("{}", row(&format!("{status}"), took));
        }
    }
    Ok(())
}

/// One client: wrong passwords until `until`, each from a new address. The status and time of
/// every answer.
async fn flood(server: SocketAddr, addresses: Arc<AtomicU32>, until: Instant) -> Result<Vec<(u16, Duration)>> {
    let mut answers = Vec::new();
    while Instant::now() < until {
        let address = Ipv4Addr::from(addresses.fetch_add(1, Ordering::Relaxed));
        let started = Instant::now();
        let status = attempt(server, address).await?;
        answers.push((status, started.elapsed()));
    }
    Ok(answers)
}

/// A login with a wrong password for a username no one has, over a connection of its own.
async fn attempt(server: SocketAddr, from: Ipv4Addr) -> Result<u16> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(IpAddr::V4(from), 0))?;
    let mut stream = socket.connect(server).await?;
    let body = format!(r#"{{"username":"flood{}","password":"not the password"}}"#, u32::from(from));
    let request = format!(
        "POST /auth/token HTTP/1.1\r\nHost: {server}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(60), stream.read_to_end(&mut response))
        .await
        .context("no answer within 60 s")??;
    let status_line = String::from_utf8_lossy(&response[..response.len().min(12)]).into_owned();
    match status_line.get(9..12).and_then(|code| code.parse().ok()) {
        Some(status) => Ok(status),
        None => bail!("not an HTTP answer: {status_line:?}"),
    }
}

struct Memory {
    rss_kib: u64,
    peak_kib: u64,
}

/// The resident set of process `pid` now, and its peak so far (Linux's VmRSS and VmHWM).
fn memory(pid: u32) -> Result<Memory> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let field = |name: &str| -> Result<u64> {
        let line = status.lines().find(|line| line.starts_with(name)).with_context(|| format!("no {name}"))?;
        Ok(line.split_whitespace().nth(1).context("no value")?.parse()?)
    };
    Ok(Memory { rss_kib: field("VmRSS:")?, peak_kib: field("VmHWM:")? })
}

fn mb(kib: u64) -> f64 {
    kib as f64 / 1024.0
}
