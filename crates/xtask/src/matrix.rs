//! The test matrix, written out: `docs/test-matrix.toml` names the behaviours and, for each,
//! the test at every layer that has one, with what that test proves and cannot see. This
//! module adds what no one should type: where each test's code is (found by its name), what it
//! cost in the last `cargo xtask test` (its JUnit time, committed as
//! `docs/measured/test-times.json`), and which of the measured mutants it killed. `cargo xtask
//! catches` regenerates the page; the tests below hold the committed page to those files.

#[cfg(test)]
pub fn layers_of(behaviour: &Behaviour, times: &TestTimes) -> std::collections::BTreeSet<&'static str> {
    behaviour.tests.iter().filter_map(|test| times.of(&test.test)).map(|(layer, _)| layer.name()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "\
mod login {
    use super::*;

    /// Why this test exists.
    #[tokio::test]
    async fn a_wrong_password_is_refused() {
        let app = TestApp::new().await;
        assert_eq!(app.log_in(\"wrong\").await, 401);
    }

    #[test]
    fn a_second_test() {}
}
";

    #[test]
    fn a_test_is_found_with_its_attributes_and_doc_comment_up_to_its_closing_brace() {
        let found = locate(SOURCE, "a_wrong_password_is_refused").unwrap();

        assert_eq!((found.first, found.last), (4, 9));
        assert!(found.code.starts_with("/// Why this test exists.\n#[tokio::test]\nasync fn"), "{}", found.code);
        assert!(found.code.ends_with("401);\n}"), "{}", found.code);
    }

    #[test]
    fn a_test_written_on_one_line_ends_on_that_line() {
        let found = locate(SOURCE, "a_second_test").unwrap();

        assert_eq!((found.first, found.last), (11, 12));
    }

    #[test]
    fn an_empty_struct_inside_a_test_does_not_end_it() {
        let source = "#[test]\nfn a_unit_value_is_built_and_compared() {\n    let empty = Empty {}\n    assert_eq!(empty, Empty {});\n}\n";

        let found = locate(source, "a_unit_value_is_built_and_compared").unwrap();

        assert_eq!((found.first, found.last), (1, 5));
    }

    #[test]
    fn a_name_that_only_begins_another_tests_name_is_not_found() {
        assert_eq!(locate(SOURCE, "a_wrong_password"), None);
    }

    #[test]
    fn a_binarys_sources_are_its_librarys_src_or_its_test_directory() {
        assert_eq!(sources_of("auth"), Path::new("crates/auth/src"));
        assert_eq!(sources_of("web::api"), Path::new("crates/web/tests/api"));
        assert_eq!(sources_of("e2e::e2e"), Path::new("e2e/tests/e2e"));
    }

    #[test]
    fn a_heading_anchor_is_lower_case_without_punctuation() {
        assert_eq!(anchor("A wrong password is refused, with a 401"), "a-wrong-password-is-refused-with-a-401");
    }
}
