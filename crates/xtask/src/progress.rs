//! Progress for the steps that print nothing of their own while they work (an apt install,
//! pulling or building an image, starting a container): never a silent terminal.
//!
//! On a terminal a spinner says what is happening and for how long, redrawn several times a
//! second; in a CI log, where a redrawn line is noise, a plain line starts the step, another
//! repeats every [`LOG_INTERVAL`] while it lasts, and one ends it.
//!
//! cargo's own progress bar is not enough: it is redrawn only when it changes, so while one
//! large crate compiles or links (cargo-deny's last crate: 68 s) a terminal shows nothing new.
//! [`cargo`] runs a cargo command under a status line that keeps ticking.

use std::future::Future;
use std::io::IsTerminal;
use std::process::{ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use tokio::io::{AsyncBufReadExt, BufReader};

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

fn spinner(message: String) -> ProgressBar {
    let style =
        ProgressStyle::with_template("{spinner} {msg} {elapsed}").unwrap_or_else(|_| ProgressStyle::default_spinner());
    let spinner = ProgressBar::new_spinner().with_style(style).with_message(message);
    spinner.enable_steady_tick(Duration::from_millis(120));
    spinner
}

/// Runs a cargo `command`: on a terminal under a ticking status line that shows the crate being
/// built, with everything else cargo says (warnings, errors, `Finished`) printed above it; in a
/// CI log, cargo's plain lines as they are. Each line of the command's stdout goes to
/// `on_stdout`, and what that returns is printed.
pub async fn cargo(
    what: &str,
    mut command: tokio::process::Command,
    mut on_stdout: impl FnMut(&str) -> Option<String>,
) -> Result<ExitStatus> {
    let terminal = std::io::stderr().is_terminal();
    if terminal {
        // Not a terminal for cargo, which then prints a line per step instead of a bar.
        command.env("CARGO_TERM_COLOR", "always").stderr(Stdio::piped());
    }
    let mut child =
        command.stdout(Stdio::piped()).kill_on_drop(true).spawn().with_context(|| format!("running {what}"))?;
    let mut stdout = BufReader::new(child.stdout.take().context("no stdout")?).lines();
    let mut stderr = child.stderr.take().map(|stderr| BufReader::new(stderr).lines());
    let status_line = terminal.then(|| spinner(what.to_owned()));
    let print = |text: &str| match &status_line {
        Some(bar) => bar.println(text.trim_end_matches('\n')),
        None => eprint!("{text}"),
    };
    let (mut stdout_open, mut built) = (true, 0);
    while stdout_open || stderr.is_some() {
        tokio::select! {
            line = stdout.next_line(), if stdout_open => match line? {
                Some(line) => {
                    if let Some(text) = on_stdout(&line) {
                        print(&text);
                    }
                }
                None => stdout_open = false,
            },
            line = async { stderr.as_mut()?.next_line().await.transpose() }, if stderr.is_some() => match line.transpose()? {
                Some(line) => match (cargo_step(&strip_ansi(&line)), &status_line) {
                    (Some(step), Some(bar)) => {
                        built += usize::from(step.starts_with("Compiling") || step.starts_with("Checking"));
                        bar.set_message(format!("{what}: {built} crates · {step}"));
                    }
                    _ => print(&format!("{line}\n")),
                },
                None => stderr = None,
            },
        }
    }
    let status = child.wait().await?;
    if let Some(bar) = status_line {
        bar.finish_and_clear();
    }
    Ok(status)
}

/// A line of cargo's step-by-step output ("   Compiling web v0.1.0 (…)"), which the status line
/// shows instead of printing; `Finished` and everything else is printed.
fn cargo_step(line: &str) -> Option<&str> {
    const STEPS: [&str; 12] = [
        "Compiling",
        "Checking",
        "Downloading",
        "Downloaded",
        "Updating",
        "Locking",
        "Adding",
        "Fresh",
        "Blocking",
        "Installing",
        "Waiting",
        "Documenting",
    ];
    let step = line.trim_start();
    let word = step.split_whitespace().next()?;
    (line.starts_with(' ') && STEPS.contains(&word)).then_some(step)
}

/// Text without the terminal's colour codes.
pub fn strip_ansi(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI sequences end with a letter: `ESC [ 1 ; 3 1 m`.
            for end in chars.by_ref() {
                if end.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            plain.push(c);
        }
    }
    plain
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargos_steps_go_to_the_status_line_and_the_rest_is_printed() {
        assert_eq!(
            cargo_step("   Compiling web v0.1.0 (/work/crates/web)"),
            Some("Compiling web v0.1.0 (/work/crates/web)")
        );
        assert_eq!(cargo_step("  Downloaded ring v0.17.14"), Some("Downloaded ring v0.17.14"));
        for printed in ["    Finished `test` profile in 2.1s", "warning: unused import", "error[E0425]: cannot find"] {
            assert_eq!(cargo_step(printed), None, "{printed}");
        }
    }

    #[test]
    fn colour_codes_are_stripped() {
        assert_eq!(strip_ansi("\u{1b}[1m\u{1b}[38;5;9merror\u{1b}[0m: unused"), "error: unused");
    }
}
