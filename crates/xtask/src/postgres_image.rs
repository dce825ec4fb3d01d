//! Builds a Postgres image without a registry: debootstrap Debian bookworm with PostgreSQL into
//! a folder, trim it, add an entrypoint that behaves like the official image's, and
//! `docker import` it. The mirror is the machine's own (from its apt sources), never hard-coded.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};

const SUITE: &str = "bookworm";
const ENTRYPOINT: &str = include_str!("../postgres-image/docker-entrypoint.sh");
const WORK_DIR: &str = "target/postgres-image";

pub fn build(tag: &str) -> Result<()> {
    let mirror = debian_mirror()?;
    let rootfs = PathBuf::from(WORK_DIR).join("rootfs");
    if rootfs.exists() {
        fs::remove_dir_all(&rootfs)?;
    }
    fs::create_dir_all(&rootfs)?;

    let log = PathBuf::from(WORK_DIR).join("debootstrap.log");
    eprintln!("debootstrap {SUITE} with postgresql from {mirror} (log: {})", log.display());
    let started = Instant::now();
    debootstrap(&rootfs, &mirror, &log)?;
    trim(&rootfs)?;
    let bin_dir = postgres_bin_dir(&rootfs)?;
    let entrypoint = rootfs.join("usr/local/bin/docker-entrypoint.sh");
    fs::write(&entrypoint, ENTRYPOINT)?;
    fs::set_permissions(&entrypoint, fs::Permissions::from_mode(0o755))?;

    import(&rootfs, tag, &bin_dir)?;
    fs::remove_dir_all(&rootfs)?;
    eprintln!("✓ built {tag} in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn debootstrap(rootfs: &Path, mirror: &str, log: &Path) -> Result<()> {
    let log_file = fs::File::create(log)?;
    let status = Command::new("debootstrap")
        .args(["--variant=minbase", "--include=postgresql", SUITE])
        .arg(rootfs)
        .arg(mirror)
        .stdout(log_file.try_clone()?)
        .stderr(log_file)
        .status()
        .context("running debootstrap")?;
    if !status.success() {
        let text = fs::read_to_string(log).unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(20).collect::<Vec<_>>().into_iter().rev().collect();
        bail!("debootstrap failed ({status}); the end of {}:\n{}", log.display(), tail.join("\n"));
    }
    Ok(())
}

/// What a server in a throwaway container never needs: apt's caches, documentation,
/// translations, and the cluster the package created (the entrypoint makes its own).
fn trim(rootfs: &Path) -> Result<()> {
    for dir in
        ["var/cache/apt", "var/lib/apt/lists", "usr/share/doc", "usr/share/man", "usr/share/info", "usr/share/locale"]
    {
        let dir = rootfs.join(dir);
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
            fs::create_dir_all(&dir)?;
        }
    }
    for parent in ["var/lib/postgresql", "etc/postgresql"] {
        for cluster in fs::read_dir(rootfs.join(parent))? {
            fs::remove_dir_all(cluster?.path())?;
        }
    }
    Ok(())
}

/// `/usr/lib/postgresql/<major>/bin` inside the image.
fn postgres_bin_dir(rootfs: &Path) -> Result<String> {
    let versions = fs::read_dir(rootfs.join("usr/lib/postgresql")).context("postgresql is not in the rootfs")?;
    let major = versions
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .max()
        .context("no PostgreSQL version in the rootfs")?;
    Ok(format!("/usr/lib/postgresql/{major}/bin"))
}

fn import(rootfs: &Path, tag: &str, bin_dir: &str) -> Result<()> {
    let mut tar = Command::new("tar")
        .args(["--numeric-owner", "-C"])
        .arg(rootfs)
        .args(["-c", "."])
        .stdout(Stdio::piped())
        .spawn()
        .context("running tar")?;
    let tar_output = tar.stdout.take().context("tar has no stdout")?;
    let changes = [
        r#"ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]"#.to_owned(),
        "EXPOSE 5432".to_owned(),
        format!("ENV PATH={bin_dir}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
        "ENV PGDATA=/var/lib/postgresql/data".to_owned(),
        "LABEL dev.pyramid.built-by=\"cargo xtask setup\"".to_owned(),
    ];
    let mut import = Command::new("docker");
    import.arg("import");
    for change in &changes {
        import.args(["--change", change]);
    }
    let status =
        import.args(["-", tag]).stdin(tar_output).stdout(Stdio::null()).status().context("running docker import")?;
    let tar_status = tar.wait()?;
    if !status.success() || !tar_status.success() {
        bail!("importing the rootfs as {tag} failed (tar: {tar_status}, docker import: {status})");
    }
    Ok(())
}

/// The first Debian mirror in the machine's apt sources (deb822 `.sources` or one-line lists).
fn debian_mirror() -> Result<String> {
    let mut files: Vec<PathBuf> = vec![PathBuf::from("/etc/apt/sources.list")];
    if let Ok(entries) = fs::read_dir("/etc/apt/sources.list.d") {
        let mut listed: Vec<PathBuf> = entries.filter_map(|entry| Some(entry.ok()?.path())).collect();
        listed.sort();
        files.extend(listed);
    }
    files
        .iter()
        .filter_map(|file| {
            let text = fs::read_to_string(file).ok()?;
            match file.extension().and_then(|ext| ext.to_str()) {
                Some("sources") => mirror_in_deb822(&text),
                Some("list") => mirror_in_one_line_list(&text),
                _ => None,
            }
        })
        .next()
        .context("no Debian mirror in /etc/apt/sources.list or /etc/apt/sources.list.d")
}

fn is_debian_archive(uri: &str) -> bool {
    !uri.contains("security") && (uri.contains("debian") || uri.contains("deb."))
}

fn mirror_in_deb822(text: &str) -> Option<String> {
    text.split("\n\n").find_map(|stanza| {
        let field = |name: &str| {
            stanza
                .lines()
                .find_map(|line| line.strip_prefix(name).and_then(|rest| rest.strip_prefix(':')).map(str::trim))
        };
        let is_binary = field("Types")?.split_whitespace().any(|kind| kind == "deb");
        let enabled = field("Enabled").is_none_or(|value| value != "no");
        let uri = field("URIs")?.split_whitespace().find(|uri| is_debian_archive(uri))?;
        (is_binary && enabled).then(|| uri.to_owned())
    })
}

fn mirror_in_one_line_list(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let rest = line.trim().strip_prefix("deb ")?.trim_start();
        let rest = match rest.strip_prefix('[') {
            Some(options) => options.split_once(']')?.1,
            None => rest,
        };
        rest.split_whitespace().next().filter(|uri| is_debian_archive(uri)).map(str::to_owned)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_archive_not_the_security_mirror_in_deb822_sources() {
        let sources = "\
Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security

Types: deb
# snapshot comment
URIs: http://mirror.example.org/debian
Suites: bookworm bookworm-updates
";
        assert_eq!(mirror_in_deb822(sources).as_deref(), Some("http://mirror.example.org/debian"));
    }

    #[test]
    fn skips_disabled_and_source_only_deb822_stanzas() {
        let sources = "\
Types: deb-src
URIs: http://deb.debian.org/debian

Types: deb
Enabled: no
URIs: http://old.example.org/debian
";
        assert_eq!(mirror_in_deb822(sources), None);
    }

    #[test]
    fn finds_the_archive_in_a_one_line_list_with_options() {
        let list = "# comment\ndeb-src http://deb.debian.org/debian bookworm main\n\
                    deb [arch=amd64 signed-by=/k.gpg] http://ftp.fr.debian.org/debian bookworm main\n";
        assert_eq!(mirror_in_one_line_list(list).as_deref(), Some("http://ftp.fr.debian.org/debian"));
    }
}
