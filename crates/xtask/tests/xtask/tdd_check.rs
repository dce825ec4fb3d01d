//! `cargo xtask tdd-check` on a one-crate repository whose history holds each case: a test
//! committed red before its fix, a test that passed the moment it was added, an exempted
//! guard, and a refactor that adds no test.

use std::path::Path;
use std::process::{Command, Output};

use tempfile::TempDir;

struct Repository {
    dir: TempDir,
}

impl Repository {
    fn new() -> Self {
        let repository = Self { dir: tempfile::tempdir().unwrap() };
        repository.write("Cargo.toml", "[workspace]\nmembers = [\"calc\"]\nresolver = \"3\"\n");
        repository.write("calc/Cargo.toml", "[package]\nname = \"calc\"\nversion = \"0.1.0\"\nedition = \"2024\"\n");
        repository.write(".gitignore", "/target\n");
        repository.git(&["init", "--quiet", "--initial-branch=main"]);
        repository
    }

    fn write(&self, path: &str, text: &str) {
        let path = self.dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Commits `calc/src/lib.rs` as `source`; returns the commit.
    fn commit(&self, source: &str, message: &str) -> String {
        self.write("calc/src/lib.rs", source);
        if !self.dir.path().join("Cargo.lock").exists() {
            run(Command::new("cargo").arg("generate-lockfile").current_dir(self.dir.path()));
        }
        self.git(&["add", "--all"]);
        self.git(&["commit", "--quiet", "--message", message]);
        String::from_utf8(self.git(&["rev-parse", "HEAD"]).stdout).unwrap().trim().to_owned()
    }

    fn git(&self, args: &[&str]) -> Output {
        run(Command::new("git")
            .args(args)
            .current_dir(self.dir.path())
            .env("GIT_AUTHOR_NAME", "Red Green")
            .env("GIT_AUTHOR_EMAIL", "red@example.org")
            .env("GIT_COMMITTER_NAME", "Red Green")
            .env("GIT_COMMITTER_EMAIL", "red@example.org"))
    }

    /// `cargo xtask tdd-check BASE --head HEAD`: its exit and everything it printed.
    fn tdd_check(&self, base: &str, head: &str) -> (bool, String) {
        let output = Command::new(xtask())
            .args(["tdd-check", base, "--head", head])
            .current_dir(self.dir.path())
            .output()
            .unwrap();
        let printed = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        (output.status.success(), printed)
    }
}

fn xtask() -> String {
    std::env::var("NEXTEST_BIN_EXE_xtask").unwrap_or_else(|_| env!("CARGO_BIN_EXE_xtask").to_owned())
}

fn run(command: &mut Command) -> Output {
    let output = command.output().unwrap();
    assert!(output.status.success(), "{command:?}: {}", String::from_utf8_lossy(&output.stderr));
    output
}

const STUB: &str = "pub fn double(x: u32) -> u32 { x }\n";
const DOUBLE: &str = "pub fn double(x: u32) -> u32 { x * 2 }\n";
const TEST_OF_TWO: &str = "
#[cfg(test)]
mod tests {
    #[test]
    fn doubles_its_input() { assert_eq!(super::double(2), 4); }
";
const TEST_OF_ZERO: &str = "
    #[test]
    fn double_of_zero_is_zero() { assert_eq!(super::double(0), 0); }
";
const TEST_OF_ONE: &str = "
    #[test]
    fn double_of_one_is_two() { assert_eq!(super::double(1), 2); }
";

#[test]
fn red_first_tests_pass_the_check_and_a_test_that_never_failed_is_named() {
    let repository = Repository::new();
    let base = repository.commit(STUB, "calc: a stub");
    repository.commit(&format!("{STUB}{TEST_OF_TWO}}}\n"), "calc: specify double (red)");
    let green = repository.commit(&format!("{DOUBLE}{TEST_OF_TWO}}}\n"), "calc: double (green)");
    let green_first = repository.commit(&format!("{DOUBLE}{TEST_OF_TWO}{TEST_OF_ZERO}}}\n"), "calc: zero");
    let exempt = repository.commit(
        &format!("{DOUBLE}{TEST_OF_TWO}{TEST_OF_ZERO}{TEST_OF_ONE}}}\n"),
        "calc: pin one\n\nRed-First-Exempt: double_of_one_is_two (pins what already works)",
    );
    let refactor = repository.commit(
        &format!("pub fn double(x: u32) -> u32 {{ x + x }}\n{TEST_OF_TWO}{TEST_OF_ZERO}{TEST_OF_ONE}}}\n"),
        "calc: add instead of multiply",
    );

    let (passed, printed) = repository.tdd_check(&base, &green);
    assert!(passed, "{printed}");
    assert!(printed.contains("✓ calc tests::doubles_its_input"), "{printed}");
    assert!(printed.contains(": failed, head: passed) red first"), "{printed}");

    let (passed, printed) = repository.tdd_check(&green, &green_first);
    assert!(!passed, "{printed}");
    assert!(printed.contains("✗ calc tests::double_of_zero_is_zero"), "{printed}");
    assert!(printed.contains("passed in the commit that added it: never seen red"), "{printed}");

    let (passed, printed) = repository.tdd_check(&green_first, &exempt);
    assert!(passed, "{printed}");
    assert!(printed.contains("double_of_one_is_two"), "{printed}");
    assert!(printed.contains("exempt (pins what already works)"), "{printed}");

    let (passed, printed) = repository.tdd_check(&exempt, &refactor);
    assert!(passed, "{printed}");
    assert!(printed.contains("the change adds no test"), "{printed}");
    assert!(
        !Path::new(&repository.dir.path().join("target/tdd-check/worktree")).exists(),
        "the worktree is left behind"
    );
}
