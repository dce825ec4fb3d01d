//! The one way xtask starts cargo. Every nested cargo command is built here, so that what it
//! inherits from the `cargo run` that started xtask is decided in one place.

use std::process::Command;

/// `cargo` with `args`, run by the cargo that started xtask (`$CARGO`) when there is one.
pub fn command<I, S>(args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.args(args);
    command
}

/// The same command for tokio, for the steps the runner must be able to interrupt.
pub fn async_command<I, S>(args: I) -> tokio::process::Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    tokio::process::Command::from(command(args))
}
