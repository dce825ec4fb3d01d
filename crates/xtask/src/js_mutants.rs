//! `cargo xtask mutants --js`: the pages' JavaScript mutated too, so that the browser layer
//! is measured on the code only it runs.
//!
//! cargo-mutants mutates Rust, and every Rust behaviour the browser tests rely on has an
//! in-process test as well: no Rust mutant is caught by e2e alone. What only a browser
//! executes is the JavaScript the pages load (`crates/web/static/*.js`). No JavaScript
//! mutation tool can be installed here (StrykerJS comes from npm, which this machine cannot
//! reach), so this module applies the classic operators itself: `===`/`!==`, `&&`/`||`, a
//! dropped `!`, `true`/`false`. Each mutant is written over the file, every layer's tests run
//! as cargo-mutants runs them (nextest's `mutants` profile), and the file is put back; the
//! failures are read by `mutation` exactly as a Rust mutant's are.

#[cfg(test)]
mod tests {
    use super::*;

    fn names(source: &str) -> Vec<String> {
        mutants_of("feed.js", source).iter().map(JsMutant::name).collect()
    }

    #[test]
    fn each_operator_is_swapped_where_it_stands() {
        let source = "function f(a, b) {\n  return a === b && !a || b !== true;\n}\n";

        assert_eq!(
            names(source),
            [
                "feed.js:2:12: replace === with !== in f",
                "feed.js:2:18: replace && with || in f",
                "feed.js:2:21: replace ! with nothing in f",
                "feed.js:2:24: replace || with && in f",
                "feed.js:2:29: replace !== with === in f",
                "feed.js:2:33: replace true with false in f",
            ]
        );
    }

    #[test]
    fn comments_strings_and_template_text_are_not_code() {
        let source = "// a || b\n/* !a */\nconst s = \"a && b\" + 'x === y' + `true ${a || b} false`;\n";

        assert_eq!(names(source), ["feed.js:3:44: replace || with &&"]);
    }

    #[test]
    fn a_word_that_only_contains_true_is_left_alone() {
        assert!(names("const untrue = trueish.istrue;\n").is_empty());
    }

    #[test]
    fn code_after_a_function_is_not_said_to_be_in_it() {
        let source = "function f() {\n  if (x) { y(); }\n}\nconst z = !f();\n";

        assert_eq!(names(source), ["feed.js:4:11: replace ! with nothing"]);
    }

    #[test]
    fn a_mutant_changes_only_its_own_text() {
        let source = "if (a === b && c === d) go();\n";
        let the_second_equality = &mutants_of("feed.js", source)[2];

        assert_eq!(the_second_equality.apply(source), "if (a === b && c !== d) go();\n");
    }

    #[test]
    fn the_live_feed_script_has_mutants_of_each_kind() {
        let source = include_str!("../../web/static/feed.js");

        let mutants = mutants_of("crates/web/static/feed.js", source);

        for kind in ["===", "&&", "!", "||"] {
            assert!(mutants.iter().any(|mutant| mutant.original == kind), "no {kind} mutated in feed.js");
        }
        assert!(mutants.iter().any(|mutant| mutant.function.as_deref() == Some("matchesFilters")));
    }
}
