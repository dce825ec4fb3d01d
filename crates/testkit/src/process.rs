//! The real `jobboard` binary in a process of its own: started on a free port over a database,
//! its log collected line by line, signals sent as an orchestrator would.

use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::fixtures::UserFixture;

/// The binary's process and everything it logged so far.
pub struct ServerProcess {
    pub address: SocketAddr,
    child: Child,
    log: Arc<Log>,
    binary: String,
    /// What it was started with, for the one-shot commands run beside it.
    env: Vec<(String, String)>,
}

#[derive(Default)]
struct Log {
    lines: std::sync::Mutex<Vec<String>>,
    appended: tokio::sync::Notify,
    /// The process closed its stderr: it has exited.
    closed: std::sync::atomic::AtomicBool,
}

impl Log {
    fn text(&self) -> String {
        self.lines.lock().map(|lines| lines.join("\n")).unwrap_or_default()
    }
}

impl ServerProcess {
    /// Everything logged so far, one line each.
    pub fn logs(&self) -> String {
        self.log.text()
    }

    /// Waits until a log line contains `text` (or panics after 30 s with the log).
    pub async fn wait_for_log(&self, text: &str) {
        let waiting = async {
            loop {
                let appended = self.log.appended.notified();
                if self.logs().contains(text) {
                    return;
                }
                appended.await;
            }
        };
        if tokio::time::timeout(Duration::from_secs(30), waiting).await.is_err() {
            panic!("no log line contains {text:?} within 30 s; the log:\n{}", self.logs());
        }
    }

    /// The operating system's id of the process, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Sends SIGTERM, as `docker stop` and Kubernetes do.
    pub fn terminate(&self) {
        let pid = self.child.id().expect("the process is running").to_string();
        let sent = std::process::Command::new("kill").args(["-TERM", &pid]).status().expect("running kill");
        assert!(sent.success(), "kill -TERM {pid} failed");
    }

    /// `jobboard create-admin`, beside the server and over its database: the one way there is
    /// to make the first admin of a real deployment.
    pub async fn create_admin(&self, user: &UserFixture) {
        let env: Vec<(&str, &str)> = self.env.iter().map(|(name, value)| (name.as_str(), value.as_str())).collect();
        let created =
            run_binary(&self.binary, &["create-admin", &user.username], &env, &format!("{}\n", user.password)).await;
        assert!(created.status.success(), "create-admin failed: {}", String::from_utf8_lossy(&created.stderr));
    }

    /// Waits for the process to exit and for its last log line to be read: the log is
    /// complete when this returns.
    pub async fn wait_for_exit(&mut self) -> std::process::ExitStatus {
        let status = tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .expect("the server exits within 30 s")
            .expect("waiting for the server");
        let log_closed = async {
            loop {
                let appended = self.log.appended.notified();
                if self.log.closed.load(std::sync::atomic::Ordering::SeqCst) {
                    return;
                }
                appended.await;
            }
        };
        tokio::time::timeout(Duration::from_secs(10), log_closed).await.expect("the log ends when the process does");
        status
    }
}

/// Starts `binary` on a free port over `database_url` and waits for it to log its address.
pub async fn start(binary: &str, database_url: &str, env: &[(&str, &str)]) -> Result<ServerProcess> {
    let mut env_of_run: Vec<(String, String)> =
        vec![("DATABASE_URL".into(), database_url.into()), ("RUST_LOG".into(), "info".into())];
    env_of_run.extend(env.iter().map(|(name, value)| ((*name).to_owned(), (*value).to_owned())));
    let mut child = Command::new(binary)
        .env("BIND_ADDR", "127.0.0.1:0")
        .envs(env_of_run.iter().map(|(name, value)| (name, value)))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let stderr = child.stderr.take().context("no stderr")?;
    let log = Arc::new(Log::default());
    let collector = log.clone();
    // Keep reading, so the server never blocks on a full pipe and every line is kept.
    tokio::spawn(async move {
        let mut lines = BufReader::new(stderr).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            if let Ok(mut kept) = collector.lines.lock() {
                kept.push(line);
            }
            collector.appended.notify_waiters();
        }
        collector.closed.store(true, std::sync::atomic::Ordering::SeqCst);
        collector.appended.notify_waiters();
    });
    let logged_address = async {
        loop {
            let appended = log.appended.notified();
            if let Some((_, rest)) = log.text().split_once("listening on http://") {
                let address: String = rest.chars().take_while(|c| !c.is_whitespace() && *c != '"').collect();
                return Ok(address.parse::<SocketAddr>()?);
            }
            if log.closed.load(std::sync::atomic::Ordering::SeqCst) {
                bail!("the server exited before listening; its log:\n{}", log.text());
            }
            appended.await;
        }
    };
    let address = tokio::time::timeout(Duration::from_secs(30), logged_address)
        .await
        .map_err(|_| anyhow::anyhow!("the server did not log its address within 30 s; its log:\n{}", log.text()))??;
    Ok(ServerProcess { address, child, log, binary: binary.to_owned(), env: env_of_run })
}

/// Runs `binary` with `args` to completion, `stdin` written to it: for one-shot commands like
/// `jobboard create-admin`.
pub async fn run_binary(binary: &str, args: &[&str], env: &[(&str, &str)], stdin: &str) -> std::process::Output {
    use tokio::io::AsyncWriteExt;
    let mut child = Command::new(binary)
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start {binary}: {error}"));
    let mut input = child.stdin.take().expect("stdin is piped");
    input.write_all(stdin.as_bytes()).await.expect("writing stdin");
    drop(input);
    tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("the command finishes within 60 s")
        .expect("waiting for the command")
}
