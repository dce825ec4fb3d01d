//! Progress for the steps that print nothing of their own while they work (an apt install,
//! pulling or building an image, starting a container): never a silent terminal.
//!
//! On a terminal a spinner says what is happening and for how long, redrawn several times a
//! second; in a CI log, where a redrawn line is noise, a plain line starts the step, another
//! repeats every [`LOG_INTERVAL`] while it lasts, and one ends it.

use std::future::Future;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// How often a CI log hears that a long step is still going.
pub const LOG_INTERVAL: Duration = Duration::from_secs(10);

/// Runs `work`, showing that `what` is under way until it completes; the caller reports how
/// it ended.
pub async fn show<T>(what: &str, work: impl Future<Output = T>) -> T {
    let started = Instant::now();
    if std::io::stderr().is_terminal() {
        let spinner = ProgressBar::new_spinner()
            .with_style(
                ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            )
            .with_message(what.to_owned());
        spinner.enable_steady_tick(Duration::from_millis(120));
        let output = work.await;
        spinner.finish_and_clear();
        output
    } else {
        eprintln!("{what}…");
        let mut heartbeat = tokio::time::interval_at(tokio::time::Instant::now() + LOG_INTERVAL, LOG_INTERVAL);
        tokio::pin!(work);
        loop {
            tokio::select! {
                output = &mut work => break output,
                _ = heartbeat.tick() => eprintln!("  … {what}: {} s", started.elapsed().as_secs()),
            }
        }
    }
}

/// [`show`] for blocking work (a `std::process` command, a filesystem walk).
pub async fn show_blocking<T: Send + 'static>(
    what: &str,
    work: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> anyhow::Result<T> {
    show(what, async { tokio::task::spawn_blocking(work).await? }).await
}
