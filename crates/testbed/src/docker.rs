//! The few Docker questions the harness asks outside a container's life: is the engine
//! there, is an image present, which of our containers were left by a killed run.
//!
//! They go through the `docker` CLI rather than the API client because the CLI negotiates the
//! API version with any engine, and these are exactly the calls whose failure we want to
//! explain in plain words.

use std::process::{Command, Output};

use anyhow::{Context, Result, bail};

/// Label put on every container the harness starts, next to testcontainers' own.
pub const ROLE_LABEL: &str = "dev.pyramid.role";
/// Process that owns the container; when it is gone, the container is an orphan.
pub const OWNER_LABEL: &str = "dev.pyramid.owner-pid";

fn docker(args: &[&str]) -> Result<Output> {
    Command::new("docker").args(args).output().context(
        "the `docker` command is missing: install Docker Engine (https://docs.docker.com/engine/install/) \
         or set TEST_DATABASE_URL to an existing Postgres server",
    )
}

/// Fails with an explanation when no Docker engine answers.
pub fn ensure_engine() -> Result<()> {
    let output = docker(&["version", "--format", "{{.Server.Version}}"])?;
    if !output.status.success() {
        bail!(
            "the Docker engine is not reachable ({}): start it (e.g. `sudo systemctl start docker`) \
             or set TEST_DATABASE_URL to an existing Postgres server",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

pub fn image_exists(image: &str) -> Result<bool> {
    Ok(docker(&["image", "inspect", "--format", "{{.Id}}", image])?.status.success())
}

/// Removes containers with our role label whose owning process no longer exists: what a run
/// killed with SIGKILL leaves behind. Containers of live runs are left alone.
pub fn remove_orphans(role: &str) -> Result<Vec<String>> {
    let filter = format!("label={ROLE_LABEL}={role}");
    let format = format!("{{{{.ID}}}} {{{{.Label \"{OWNER_LABEL}\"}}}}");
    let output = docker(&["ps", "--all", "--filter", &filter, "--format", &format])?;
    if !output.status.success() {
        bail!("docker ps failed: {}", String::from_utf8_lossy(&output.stderr).trim());
    }
    let orphans: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_once(' '))
        .filter(|(_, pid)| !process_is_alive(pid))
        .map(|(id, _)| id.to_owned())
        .collect();
    if !orphans.is_empty() {
        let mut args = vec!["rm", "--force", "--volumes"];
        args.extend(orphans.iter().map(String::as_str));
        docker(&args)?;
    }
    Ok(orphans)
}

fn process_is_alive(pid: &str) -> bool {
    !pid.is_empty() && std::path::Path::new("/proc").join(pid).exists()
}

/// Freezes every process of `container` (`docker pause`): connections stay open and get no
/// answer, as in a network partition or a stalled host, the outage that hangs clients.
pub fn pause(container: &str) -> Result<()> {
    run(&["pause", container])
}

/// Thaws a container frozen by [`pause`].
pub fn unpause(container: &str) -> Result<()> {
    run(&["unpause", container])
}

fn run(args: &[&str]) -> Result<()> {
    let output = docker(args)?;
    if !output.status.success() {
        bail!("docker {} failed: {}", args.join(" "), String::from_utf8_lossy(&output.stderr).trim());
    }
    Ok(())
}
