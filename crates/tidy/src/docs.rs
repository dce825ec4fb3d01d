//! The guide's references, checked: every relative link in `README.md` and `docs/` resolves
//! (a file or folder, a heading of a Markdown page, lines of a source file); every test the
//! prose names exists; every invariant in `docs/architecture.md` names what enforces it; every
//! page of the guide is in the index's reading order and ends with links to its neighbours.
//!
//! A test name is recognised by its shape: an inline code span that is a snake_case
//! identifier of five words or more (`refresh_token_cannot_be_used_as_access_token`). It must
//! be the name of an `fn` somewhere in the workspace.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::{files_under, relative, workspace_root};

/// README.md and every page of the guide.
pub fn pages() -> Vec<PathBuf> {
    let root = workspace_root();
    let mut pages = vec![root.join("README.md")];
    pages.extend(files_under(&root.join("docs"), ".md"));
    pages
}

/// The prose of a Markdown page: fenced code blocks blanked (their lines kept, for numbers).
pub fn prose(markdown: &str) -> String {
    let mut fenced = false;
    markdown
        .lines()
        .map(|line| {
            if line.trim_start().starts_with("```") {
                fenced = !fenced;
                return "";
            }
            if fenced { "" } else { line }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The targets of the Markdown links in `prose`: `[text](target)`, outside inline code.
pub fn links(prose: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in prose.lines() {
        let outside_code: String = line.split('`').step_by(2).collect::<Vec<_>>().join(" ");
        let mut rest = outside_code.as_str();
        while let Some(at) = rest.find("](") {
            let target = &rest[at + 2..];
            let end = target.find(')').unwrap_or(target.len());
            found.push(target[..end].trim().to_owned());
            rest = &target[end..];
        }
    }
    found
}

/// Why `target`, linked from the page at `page`, does not resolve; `None` when it does.
pub fn broken(page: &Path, target: &str) -> Option<String> {
    if target.contains("://") || target.starts_with("mailto:") {
        return None;
    }
    let (path, fragment) = target.split_once('#').map_or((target, None), |(path, fragment)| (path, Some(fragment)));
    let file = if path.is_empty() { page.to_path_buf() } else { page.parent()?.join(path) };
    if !file.exists() {
        return Some(format!("{target}: no such file"));
    }
    let fragment = fragment?;
    if file.extension().is_some_and(|extension| extension == "md") {
        let text = std::fs::read_to_string(&file).ok()?;
        return (!headings(&text).contains(fragment)).then(|| format!("{target}: no heading #{fragment}"));
    }
    let lines = std::fs::read_to_string(&file).ok()?.lines().count();
    let numbers: Vec<usize> = fragment.split('-').filter_map(|part| part.strip_prefix('L')?.parse().ok()).collect();
    numbers
        .iter()
        .any(|number| *number == 0 || *number > lines)
        .then(|| format!("{target}: {} has {lines} lines", relative(&file)))
}

/// The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces → `-`.
pub fn headings(markdown: &str) -> BTreeSet<String> {
    prose(markdown)
        .lines()
        .filter_map(|line| line.strip_prefix('#'))
        .map(|heading| {
            heading
                .trim_start_matches('#')
                .trim()
                .to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
                .map(|c| if c == ' ' { '-' } else { c })
                .collect()
        })
        .collect()
}

/// The inline code spans of `prose` that have the shape of a test name.
pub fn cited_tests(prose: &str) -> Vec<String> {
    prose
        .lines()
        .flat_map(|line| line.split('`').skip(1).step_by(2).map(str::to_owned).collect::<Vec<_>>())
        .filter(|span| is_test_shaped(span))
        .collect()
}

fn is_test_shaped(span: &str) -> bool {
    let words: Vec<&str> = span.split('_').collect();
    words.len() >= 5
        && words
            .iter()
            .all(|word| !word.is_empty() && word.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
        && span.starts_with(|c: char| c.is_ascii_lowercase())
}

/// The name of every `fn` in the workspace's Rust files.
pub fn functions() -> BTreeSet<String> {
    crate::source::rust_files()
        .iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .flat_map(|source| {
            source
                .split("fn ")
                .skip(1)
                .map(|rest| rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The paragraphs of `docs/architecture.md` that state an invariant.
pub fn invariants(markdown: &str) -> Vec<String> {
    markdown
        .split("\n\n")
        .map(|paragraph| paragraph.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|paragraph| paragraph.starts_with("**Architecture invariant:**"))
        .collect()
}

/// What is wrong with an invariant's "Checked by": missing, or naming neither an `fn` nor a
/// file of the repository.
pub fn unchecked(invariant: &str, functions: &BTreeSet<String>) -> Option<String> {
    let Some((_, checked_by)) = invariant.split_once("Checked by") else {
        return Some(format!("names no test: {invariant}"));
    };
    let named: Vec<&str> = checked_by.split('`').skip(1).step_by(2).collect();
    let unknown: Vec<&&str> =
        named.iter().filter(|name| !functions.contains(**name) && !workspace_root().join(name).exists()).collect();
    if named.is_empty() || !unknown.is_empty() {
        return Some(format!("checked by {unknown:?}, which do not exist: {invariant}"));
    }
    None
}

/// The guide's pages in reading order, as `(title, file)`: the links of the numbered lists in
/// `docs/README.md`.
pub fn reading_order(index: &str) -> Vec<(String, String)> {
    prose(index)
        .lines()
        .filter_map(|line| {
            let (number, rest) = line.split_once(". [")?;
            number.chars().all(|c| c.is_ascii_digit()).then_some(())?;
            let (title, rest) = rest.split_once("](")?;
            Some((title.to_owned(), rest.split_once(')')?.0.to_owned()))
        })
        .collect()
}

/// The last line of the page at `position` in `order`: the page before, the index, the page
/// after.
pub fn footer(order: &[(String, String)], position: usize) -> String {
    let mut parts = Vec::new();
    if let Some((title, file)) = position.checked_sub(1).and_then(|before| order.get(before)) {
        parts.push(format!("[← {title}]({file})"));
    }
    parts.push("[The guide](README.md)".to_owned());
    if let Some((title, file)) = order.get(position + 1) {
        parts.push(format!("[{title} →]({file})"));
    }
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_relative_link_in_the_docs_resolves() {
        let mut broken_links = Vec::new();
        let mut checked = 0;
        for page in pages() {
            let text = std::fs::read_to_string(&page).unwrap();
            for target in links(&prose(&text)) {
                checked += 1;
                if let Some(problem) = broken(&page, &target) {
                    broken_links.push(format!("{}: {problem}", relative(&page)));
                }
            }
        }
        // Printed for a reader's figures: `cargo nextest run -p tidy docs:: --no-capture`.
        println!("{checked} links checked, {} broken", broken_links.len());
        assert!(checked > 50, "only {checked} links found: is the parser still finding them?");
        assert!(
            broken_links.is_empty(),
            "{} of {checked} links are broken:\n{}",
            broken_links.len(),
            broken_links.join("\n")
        );
    }

    #[test]
    fn every_page_of_the_guide_is_in_the_reading_order_and_ends_with_its_neighbours() {
        let docs = workspace_root().join("docs");
        let order = reading_order(&std::fs::read_to_string(docs.join("README.md")).unwrap());
        let listed: BTreeSet<&str> = order.iter().map(|(_, file)| file.as_str()).collect();

        let unlisted: Vec<String> = files_under(&docs, ".md")
            .iter()
            .map(|page| page.strip_prefix(&docs).unwrap().to_string_lossy().into_owned())
            .filter(|page| page != "README.md" && !page.starts_with("measured/") && !listed.contains(page.as_str()))
            .collect();
        assert!(unlisted.is_empty(), "pages missing from docs/README.md's reading order: {unlisted:?}");
        for (position, (_, file)) in order.iter().enumerate() {
            let page = std::fs::read_to_string(docs.join(file)).unwrap();
            let last = page.lines().rev().find(|line| !line.trim().is_empty()).unwrap_or_default();
            assert_eq!(last, footer(&order, position), "the last line of docs/{file}");
        }
    }

    #[test]
    fn the_reading_order_is_the_numbered_links_and_the_ends_have_one_neighbour() {
        let index = "Intro [not](this.md).\n\n1. [Layers](layers.md): what.\n2. [Doubles](doubles.md): which.\n- [Aside](aside.md)\n";

        let order = reading_order(index);

        assert_eq!(
            order,
            [("Layers".to_owned(), "layers.md".to_owned()), ("Doubles".to_owned(), "doubles.md".to_owned())]
        );
        assert_eq!(footer(&order, 0), "[The guide](README.md) · [Doubles →](doubles.md)");
        assert_eq!(footer(&order, 1), "[← Layers](layers.md) · [The guide](README.md)");
    }

    #[test]
    fn every_test_cited_in_the_docs_exists() {
        let functions = functions();
        let (mut missing, mut checked) = (Vec::new(), 0);
        for page in pages() {
            let text = std::fs::read_to_string(&page).unwrap();
            for test in cited_tests(&prose(&text)) {
                checked += 1;
                if !functions.contains(&test) {
                    missing.push(format!("{}: `{test}`", relative(&page)));
                }
            }
        }
        println!("{checked} test names checked, {} missing", missing.len());
        assert!(missing.is_empty(), "tests named in the docs that do not exist:\n{}", missing.join("\n"));
    }

    #[test]
    fn every_invariant_in_the_architecture_names_what_enforces_it() {
        let architecture = std::fs::read_to_string(workspace_root().join("docs/architecture.md")).unwrap();
        let functions = functions();

        let invariants = invariants(&architecture);
        let problems: Vec<String> =
            invariants.iter().filter_map(|invariant| unchecked(invariant, &functions)).collect();

        assert!(invariants.len() >= 10, "only {} invariants found", invariants.len());
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn the_link_check_catches_a_missing_file_heading_and_line() {
        let page = workspace_root().join("docs/architecture.md");
        let code = "../crates/tidy/src/lib.rs";
        let code_lines =
            std::fs::read_to_string(workspace_root().join("crates/tidy/src/lib.rs")).unwrap().lines().count();

        assert_eq!(broken(&page, "nowhere.md").as_deref(), Some("nowhere.md: no such file"));
        assert_eq!(
            broken(&page, "test-layers.md#no-such-heading").as_deref(),
            Some("test-layers.md#no-such-heading: no heading #no-such-heading")
        );
        assert!(broken(&page, &format!("{code}#L{}", code_lines + 1)).is_some());
        assert_eq!(broken(&page, &format!("{code}#L1-L3")), None);
        assert_eq!(broken(&page, "https://example.com/anything"), None);
    }

    #[test]
    fn only_test_shaped_code_spans_are_taken_for_test_names() {
        let prose =
            "Run `cargo xtask test`; see `a_wrong_password_is_refused_with_a_401`, `fold_case`, `TEST_DATABASE_URL`.";

        assert_eq!(cited_tests(prose), ["a_wrong_password_is_refused_with_a_401"]);
    }

    #[test]
    fn an_invariant_without_a_test_or_with_a_missing_one_is_named() {
        let functions: BTreeSet<String> = ["real_test_name_here_ok".to_owned()].into();

        assert!(unchecked("**Architecture invariant:** x.", &functions).is_some());
        assert!(
            unchecked("**Architecture invariant:** x. Checked by `no_such_test_at_all_here`.", &functions).is_some()
        );
        assert_eq!(unchecked("**Architecture invariant:** x. Checked by `real_test_name_here_ok`.", &functions), None);
    }
}
