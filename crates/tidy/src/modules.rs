//! No cycle between the modules of a crate. A use of `crate::…` or `super::…` in a module's
//! file (test code aside) is an edge from that module to the one it names. An edge between
//! two modules counts between the siblings that contain them, under their nearest common
//! parent: `api::ws → pages` and `pages → api::extract` make the cycle `api ↔ pages`. A module
//! and its own parent may name each other freely: a parent declares and routes to its
//! children, and they share its helpers.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::files_under;
use crate::source::test_code;

/// Module paths (`api::ws`; the crate root is `""`) and the modules each one names.
pub type Uses = BTreeMap<String, BTreeSet<String>>;

/// The modules of the crate rooted at `src`, each with the modules its code names.
pub fn uses_in(src: &Path) -> Uses {
    let files: Vec<(String, String)> = files_under(src, ".rs")
        .into_iter()
        .filter_map(|path| {
            let module = module_of(src, &path)?;
            let source = std::fs::read_to_string(&path).ok()?;
            let product = source[..source.len() - test_code(&path, &source).len()].to_owned();
            Some((module, product))
        })
        .collect();
    let modules: BTreeSet<String> = files.iter().map(|(module, _)| module.clone()).collect();
    files
        .iter()
        .map(|(module, source)| {
            let named = references(source)
                .into_iter()
                .filter_map(|path| resolve(module, &path))
                .map(|path| deepest_module(&modules, &path))
                .filter(|target| target != module)
                .collect();
            (module.clone(), named)
        })
        .collect()
}

/// `src/api/ws.rs` → `api::ws`; `src/api/mod.rs` → `api`; `src/lib.rs` → `""`. Binaries under
/// `src/bin/` and benches are crates of their own: `None`.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).ok()?.with_extension("");
    let mut parts: Vec<String> = relative.iter().map(|part| part.to_string_lossy().into_owned()).collect();
    if parts.first().is_some_and(|first| first == "bin") {
        return None;
    }
    if parts.last().is_some_and(|last| last == "mod" || (parts.len() == 1 && (last == "lib" || last == "main"))) {
        parts.pop();
    }
    Some(parts.join("::"))
}

/// Every path after `crate::` or `super::` in `source`, as written (`super::` kept), with
/// `{…}` groups expanded: `crate::{a, b::c}` gives `crate::a` and `crate::b::c`.
fn references(source: &str) -> Vec<String> {
    let code: String =
        source.lines().map(|line| line.split("//").next().unwrap_or_default()).collect::<Vec<_>>().join("\n");
    let mut found = Vec::new();
    for prefix in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(offset) = code[from..].find(prefix) {
            let at = from + offset;
            let before = &code[..at];
            // Inside a longer path (`super::super::x`, `$crate::x`, `other_crate::x`): not a start.
            let inside = before.chars().last().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
                || before.ends_with("::");
            if !inside {
                found.extend(expand(&code[at..at + path_length(&code[at..])]));
            }
            from = at + prefix.len();
        }
    }
    found
}

/// How long the path at the start of `text` is: identifiers, `::`, and balanced `{…}` groups.
fn path_length(text: &str) -> usize {
    let mut depth = 0;
    for (index, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return index,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return index + 1;
                }
            }
            c if depth > 0 || c.is_alphanumeric() || c == '_' || c == ':' || c == '*' => {}
            _ => return index,
        }
    }
    text.len()
}

/// `a::{b, c::{d}}` as `a::b`, `a::c::d`.
fn expand(path: &str) -> Vec<String> {
    let Some(open) = path.find('{') else { return vec![path.trim_end_matches("::").to_owned()] };
    let (head, group) = (&path[..open], &path[open + 1..path.len().saturating_sub(1)]);
    let mut items = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (index, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&group[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    items.push(&group[start..]);
    items
        .into_iter()
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .flat_map(|item| {
            let item = if item == "self" { "" } else { item };
            expand(&format!("{head}{item}"))
        })
        .collect()
}

/// A referenced path from inside `module`, as module segments from the crate root.
fn resolve(module: &str, path: &str) -> Option<Vec<String>> {
    let mut segments: Vec<&str> = path.split("::").filter(|segment| !segment.is_empty()).collect();
    let mut base: Vec<&str> = if module.is_empty() { Vec::new() } else { module.split("::").collect() };
    match segments.first() {
        Some(&"crate") => {
            segments.remove(0);
            base.clear();
        }
        Some(&"super") => {
            while segments.first() == Some(&"super") {
                segments.remove(0);
                base.pop()?;
            }
        }
        _ => return None,
    }
    Some(base.into_iter().chain(segments).map(str::to_owned).collect())
}

/// The longest prefix of `path` that is a module of the crate.
fn deepest_module(modules: &BTreeSet<String>, path: &[String]) -> String {
    (0..=path.len())
        .rev()
        .map(|length| path[..length].join("::"))
        .find(|candidate| modules.contains(candidate))
        .unwrap_or_default()
}

/// Every cycle among sibling modules, as `a → b → a`.
pub fn cycles(uses: &Uses) -> Vec<String> {
    let mut siblings: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, targets) in uses {
        for to in targets {
            if let Some((a, b)) = as_siblings(from, to) {
                siblings.entry(a).or_default().insert(b);
            }
        }
    }
    let mut found = BTreeSet::new();
    for start in siblings.keys() {
        let mut path = vec![start.clone()];
        find_cycles(&siblings, &mut path, &mut found);
    }
    found.into_iter().collect()
}

/// The two modules under `from` and `to`'s nearest common parent that contain them; `None`
/// when one contains the other.
fn as_siblings(from: &str, to: &str) -> Option<(String, String)> {
    let (a, b): (Vec<&str>, Vec<&str>) = (split(from), split(to));
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common == a.len() || common == b.len() {
        return None;
    }
    Some((a[..=common].join("::"), b[..=common].join("::")))
}

fn split(module: &str) -> Vec<&str> {
    if module.is_empty() { Vec::new() } else { module.split("::").collect() }
}

fn find_cycles(graph: &BTreeMap<String, BTreeSet<String>>, path: &mut Vec<String>, found: &mut BTreeSet<String>) {
    let Some(last) = path.last().cloned() else { return };
    for next in graph.get(&last).into_iter().flatten() {
        if next == &path[0] {
            // Each cycle once, from its smallest module.
            if path.iter().all(|module| module >= &path[0]) {
                found.insert(format!("{} → {next}", path.join(" → ")));
            }
        } else if !path.contains(next) {
            path.push(next.clone());
            find_cycles(graph, path, found);
            path.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace_root;

    #[test]
    fn no_module_of_a_crate_depends_on_itself_through_others() {
        let mut found = Vec::new();
        for src in [
            files_under(&workspace_root().join("crates"), "lib.rs"),
            files_under(&workspace_root().join("crates"), "main.rs"),
        ]
        .concat()
        .into_iter()
        .chain(files_under(&workspace_root().join("e2e/src"), "lib.rs"))
        .filter_map(|root| root.parent().map(Path::to_path_buf))
        .filter(|src| src.ends_with("src"))
        {
            found.extend(cycles(&uses_in(&src)).into_iter().map(|cycle| format!("{}: {cycle}", crate::relative(&src))));
        }
        found.sort();
        found.dedup();
        assert!(found.is_empty(), "modules that depend on themselves through others:\n{}", found.join("\n"));
    }

    #[test]
    fn the_cycle_check_catches_the_cycle_web_had() {
        let mut uses = Uses::new();
        uses.entry("state".into()).or_default().insert("api::ws".into());
        uses.entry("api::ws".into()).or_default().insert("pages".into());
        uses.entry("pages".into()).or_default().insert("api::extract".into());
        uses.entry("api::users".into()).or_default().insert("api".into());

        assert_eq!(cycles(&uses), ["api → pages → api"]);
    }

    #[test]
    fn uses_are_read_through_groups_self_and_super() {
        let source = "use crate::{caller::{LoggedIn, identify}, error::ApiError};\nuse super::views::JobView;\nuse super::super::state;";

        let found: Vec<Vec<String>> =
            references(source).iter().filter_map(|path| resolve("api::jobs::detail", path)).collect();

        assert_eq!(
            found,
            [
                ["caller", "LoggedIn"].map(String::from).to_vec(),
                ["caller", "identify"].map(String::from).to_vec(),
                ["error", "ApiError"].map(String::from).to_vec(),
                ["api", "jobs", "views", "JobView"].map(String::from).to_vec(),
                ["api", "state"].map(String::from).to_vec(),
            ]
        );
    }
}
