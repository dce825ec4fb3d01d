//! `cargo xtask bench login-timing`: whether the time of a failed login tells an unknown
//! username from a wrong password. The server runs as `cargo run` does (production argon2id
//! cost, memory store) with the login throttle lifted; the two kinds of attempt alternate so
//! drift affects both alike.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow, ensure};
use auth::clock::SystemClock;
use auth::throttle::{MemoryThrottle, ThrottlePolicy};
use testkit::timing::percentile;

const ATTEMPTS: usize = 200;

#[tokio::main]
async fn main() -> Result<()> {
    let config =
        web::config::Config::from_lookup(|_| None, |_| Err("no files".into())).map_err(|error| anyhow!("{error}"))?;
    let (mut state, demo) = web::startup::build_state(&config).await?;
    let unlimited = ThrottlePolicy {
        window_seconds: 1,
        max_failures_per_username_and_client: usize::MAX,
        max_failures_per_client: usize::MAX,
        max_failures_per_username_from_unknown_clients: usize::MAX,
        ..ThrottlePolicy::default()
    };
    state.ports.throttle = Arc::new(MemoryThrottle::new(unlimited, Arc::new(SystemClock)));
    let app = testkit::served::serve(state).await;
    let known = demo.first().map(|account| account.username.clone()).unwrap_or_else(|| "demo".into());
    let http = testkit::served::http_client();
    let url = format!("http://{}/auth/token", app.address);
    let attempt = |username: String| {
        let (http, url) = (http.clone(), url.clone());
        async move {
            let body = serde_json::json!({ "username": username, "password": "not the password" });
            let started = Instant::now();
            let response = http.post(url).json(&body).send().await?;
            let elapsed = started.elapsed();
            ensure!(response.status() == 401, "expected 401, got {}", response.status());
            Ok::<_, anyhow::Error>((elapsed, response.text().await?))
        }
    };
    // Warm up: the first argon2 allocations and connections are not what is measured.
    for _ in 0..5 {
        attempt(known.clone()).await?;
    }
    let (mut unknown, mut wrong) = (Vec::new(), Vec::new());
    for index in 0..ATTEMPTS {
        let (unknown_time, unknown_body) = attempt(format!("nobody{index}")).await?;
        let (wrong_time, wrong_body) = attempt(known.clone()).await?;
        ensure!(unknown_body == wrong_body, "the answers differ: {unknown_body} / {wrong_body}");
        unknown.push(unknown_time);
        wrong.push(wrong_time);
    }
    let mean = |samples: &[Duration]| samples.iter().sum::<Duration>() / u32::try_from(samples.len()).unwrap_or(1);
    let (unknown_mean, wrong_mean) = (mean(&unknown), mean(&wrong));
    println!("{ATTEMPTS} attempts each, identical 401 bodies\n");
    println!("{:<44} {:>4} {:>9} {:>9} {:>9}", "", "n", "mean", "p95", "max");
    for (label, samples, mean) in
        [("unknown username", &mut unknown, unknown_mean), ("wrong password", &mut wrong, wrong_mean)]
    {
        samples.sort();
        println!(
            "{label:<44} {:>4} {:>6.1} ms {:>6.1} ms {:>6.1} ms",
            samples.len(),
            mean.as_secs_f64() * 1000.0,
            percentile(samples, 95.0).as_secs_f64() * 1000.0,
            percentile(samples, 100.0).as_secs_f64() * 1000.0
        );
    }
    println!("\nunknown / wrong mean ratio: {:.3}", unknown_mean.as_secs_f64() / wrong_mean.as_secs_f64());
    Ok(())
}
