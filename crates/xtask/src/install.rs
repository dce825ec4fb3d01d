//! How xtask installs what a machine lacks, with the rights it has: apt-get as root, or in CI
//! with sudo that asks for no password; otherwise the exact commands, for the user to run.

use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::progress;

/// What this process may do to the machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Privilege {
    Root,
    /// In CI, with `sudo` that asks for no password (GitHub's runners).
    Sudo,
    User,
}

impl Privilege {
    pub fn detect() -> Self {
        if is_root() {
            Privilege::Root
        } else if std::env::var("CI").is_ok_and(|value| value == "true")
            && Command::new("sudo").args(["-n", "true"]).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
        {
            Privilege::Sudo
        } else {
            Privilege::User
        }
    }
}

/// How a need ended up: met, or left to the user with the commands that meet it.
pub enum Outcome {
    Met,
    Manual(String),
}

/// `apt-get install` as root or with CI's sudo; otherwise the command to run.
pub async fn apt_install(packages: &[&'static str], privilege: Privilege) -> Result<Outcome> {
    let list = packages.join(" ");
    let script = format!("apt-get update && apt-get install -y --no-install-recommends {list}");
    let prefix = match privilege {
        Privilege::Root => vec![],
        Privilege::Sudo => vec!["sudo", "-n"],
        Privilege::User => return Ok(Outcome::Manual(format!("sudo sh -c '{script}'"))),
    };
    let packages = packages.to_vec();
    progress::show_blocking(&format!("apt-get install {list}"), move || {
        let mut command = Command::new(prefix.first().copied().unwrap_or("sh"));
        command.args(prefix.iter().skip(1));
        if !prefix.is_empty() {
            command.arg("sh");
        }
        // Quiet unless it fails: apt's progress drowns the rest of a CI log.
        let output = command
            .args(["-c", &format!("export DEBIAN_FRONTEND=noninteractive; {script}")])
            .output()
            .context("running apt-get")?;
        if !output.status.success() {
            bail!(
                "installing {} failed:\n{}{}",
                packages.join(" "),
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(())
    })
    .await?;
    Ok(Outcome::Met)
}

pub fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|output| output.stdout.starts_with(b"0\n"))
}
