//! Rules read off the source text: what a test may not do, what every crate root says, and
//! where a few things may (or may not) be written.

use std::path::{Path, PathBuf};

use crate::{files_under, relative, workspace_root};

/// A sleep in test code that waits for a condition with a deadline, not for time to pass.
pub const ALLOWED_SLEEPS: [(&str, &str); 1] = [(
    "crates/testbed/src/postgres.rs",
    "the readiness probe's backoff between attempts at a real query, under a deadline",
)];

/// Every Rust file of the workspace's crates.
pub fn rust_files() -> Vec<PathBuf> {
    let root = workspace_root();
    [files_under(&root.join("crates"), ".rs"), files_under(&root.join("e2e"), ".rs")].concat()
}

/// The part of `source` that is test code: all of it in a test file, else what follows the
/// first line that is `#[cfg(test)]` (this repository puts test modules last).
pub fn test_code<'a>(path: &Path, source: &'a str) -> &'a str {
    let path = relative(path);
    let whole_file_is_test = path.contains("/tests/")
        || path.starts_with("e2e/")
        || path.starts_with("crates/testkit/")
        || path.starts_with("crates/testbed/");
    if whole_file_is_test {
        return source;
    }
    let marker = "\n#[cfg(test)]\n";
    source.find(marker).map_or("", |start| &source[start + 1..])
}

/// What test code must not do: skip a test, expect a panic instead of stating the failure, or
/// wait for time instead of a condition. One line per finding, `path:line: what`.
pub fn test_code_violations(path: &str, test_code: &str, first_line: usize) -> Vec<String> {
    let skipped = format!("#[{}", "ignore");
    let expects_panic = format!("#[{}", "should_panic");
    let mut found = Vec::new();
    for (index, line) in test_code.lines().enumerate() {
        let code = line.split("//").next().unwrap_or_default();
        let problem = if code.contains(&skipped) {
            Some("a skipped test proves nothing: make it pass, or assert today's behaviour with a FIXME")
        } else if code.contains(&expects_panic) {
            Some("assert on the error instead of expecting a panic")
        } else if (calls(code, "sleep") || calls(code, "sleep_until"))
            && !ALLOWED_SLEEPS.iter().any(|(allowed, _)| *allowed == path)
        {
            Some("a test waits for a condition, not for time (a readiness probe, a fantoccini wait, a notification)")
        } else {
            None
        };
        if let Some(problem) = problem {
            found.push(format!("{path}:{}: {problem}", first_line + index));
        }
    }
    found
}

/// Whether `code` calls a function named `name` (`thread::sleep(…)`, not `a_sleep(…)`).
fn calls(code: &str, name: &str) -> bool {
    let call = format!("{name}(");
    code.match_indices(&call).any(|(at, _)| !code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn no_test_is_skipped_expected_to_panic_or_asleep() {
        let mut found = Vec::new();
        for path in rust_files() {
            let source = read(&path);
            let tests = test_code(&path, &source);
            let first_line = source[..source.len() - tests.len()].lines().count() + 1;
            found.extend(test_code_violations(&relative(&path), tests, first_line));
        }
        assert!(found.is_empty(), "{}", found.join("\n"));
    }

    #[test]
    fn the_test_code_rule_catches_a_skip_a_panic_and_a_sleep() {
        let code = format!(
            "#[test]\n#[{}]\nfn a() {{}}\n#[{}]\nfn b() {{}}\nfn c() {{ std::thread::{}(d); }}\n// {}(x) in a comment",
            "ignore", "should_panic", "sleep", "sleep"
        );

        let found = test_code_violations("crates/web/tests/api/x.rs", &code, 10);

        let lines: Vec<&str> = found.iter().map(|finding| finding.split(": ").next().unwrap()).collect();
        assert_eq!(
            lines,
            ["crates/web/tests/api/x.rs:11", "crates/web/tests/api/x.rs:13", "crates/web/tests/api/x.rs:15"]
        );
        let allowed = format!("tokio::time::{}(delay)", "sleep");
        assert!(test_code_violations(ALLOWED_SLEEPS[0].0, &allowed, 1).is_empty());
    }

    #[test]
    fn every_crate_root_opens_with_a_doc_comment() {
        let metadata = cargo_metadata::MetadataCommand::new().current_dir(workspace_root()).no_deps().exec().unwrap();
        let undocumented: Vec<String> = metadata
            .packages
            .iter()
            .flat_map(|package| &package.targets)
            .filter(|target| target.is_lib() || target.is_bin())
            .filter(|target| !read(target.src_path.as_std_path()).trim_start().starts_with("//!"))
            .map(|target| relative(target.src_path.as_std_path()))
            .collect();
        assert!(undocumented.is_empty(), "crate roots without a `//!` paragraph: {undocumented:?}");
    }

    #[test]
    fn auth_does_io_only_in_its_breach_adapter() {
        let io = ["reqwest", "tokio::", "std::net", "std::fs", "std::process"];
        let mut found = Vec::new();
        for path in files_under(&workspace_root().join("crates/auth/src"), ".rs") {
            if path.ends_with("breach.rs") {
                continue;
            }
            let source = read(&path);
            let product = &source[..source.len() - test_code(&path, &source).len()];
            found.extend(io.iter().filter(|io| product.contains(*io)).map(|io| format!("{}: {io}", relative(&path))));
        }
        assert!(found.is_empty(), "auth's only I/O is the breached-password client (breach.rs):\n{}", found.join("\n"));
    }

    #[test]
    fn domain_values_keep_their_fields_private() {
        let mut found = Vec::new();
        for path in files_under(&workspace_root().join("crates/domain/src"), ".rs") {
            for (number, line) in read(&path).lines().enumerate() {
                let line = line.trim();
                if line.starts_with("pub struct") && line.contains("(pub ") {
                    found.push(format!("{}:{}: {line}", relative(&path), number + 1));
                }
            }
        }
        assert!(found.is_empty(), "a value made without its constructor skips its validation:\n{}", found.join("\n"));
    }

    #[test]
    fn web_reaches_sessions_the_throttle_and_the_feed_only_through_use_cases() {
        // The adapters are wired in startup and state, and the feed is one.
        let wiring = ["startup.rs", "state.rs", "feed.rs"];
        // Their types may be named (`TokenPair`, `RetryAfter`); their functions not called.
        let orchestration = [
            "use auth::sessions;",
            "use auth::throttle;",
            "ports.sessions",
            "ports.throttle",
            "ports.events",
            ".publish(",
        ];
        let mut found = Vec::new();
        for path in files_under(&workspace_root().join("crates/web/src"), ".rs") {
            if wiring.iter().any(|file| path.ends_with(file)) {
                continue;
            }
            let source = read(&path);
            let product = &source[..source.len() - test_code(&path, &source).len()];
            found.extend(
                orchestration.iter().filter(|o| product.contains(*o)).map(|o| format!("{}: {o}", relative(&path))),
            );
            for module in ["auth::sessions::", "auth::throttle::"] {
                let called = product.match_indices(module).any(|(at, _)| {
                    product[at + module.len()..].starts_with(|c: char| c.is_ascii_lowercase() || c == '{')
                });
                if called {
                    found.push(format!("{}: a function of {module}", relative(&path)));
                }
            }
        }
        assert!(found.is_empty(), "web translates HTTP; the use cases orchestrate:\n{}", found.join("\n"));
    }
}
