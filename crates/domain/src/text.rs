//! Rules shared by the free-text values (names, titles, descriptions) and the search text of
//! list filters.

use crate::error::Violation;

/// A one-line text (a name, a title): not blank, at most `max_chars` characters (what
/// Postgres' `VARCHAR(n)` counts), no control characters at all.
pub(crate) fn line(field: &'static str, raw: &str, max_chars: usize) -> Result<String, Violation> {
    if raw.trim().is_empty() {
        return Err(Violation::new(field, "must not be empty"));
    }
    check_length_and_controls(field, raw, max_chars, &[])
}

/// A free text (a description): may be empty or span lines, still bounded.
pub(crate) fn paragraph(field: &'static str, raw: &str, max_chars: usize) -> Result<String, Violation> {
    check_length_and_controls(field, raw, max_chars, &['\n', '\r', '\t'])
}

fn check_length_and_controls(
    field: &'static str,
    raw: &str,
    max_chars: usize,
    allowed: &[char],
) -> Result<String, Violation> {
    if raw.chars().count() > max_chars {
        return Err(Violation::new(field, format!("must be at most {max_chars} characters")));
    }
    // Postgres refuses NUL in text; the other control characters are only trouble.
    if raw.chars().any(|c| c.is_control() && !allowed.contains(&c)) {
        return Err(Violation::new(field, "must not contain control characters"));
    }
    Ok(raw.to_owned())
}

/// Longest search text accepted by a list filter.
pub const SEARCH_MAX_CHARS: usize = 100;

/// Text to look for, case-insensitively, anywhere in a name or title. Every character stands
/// for itself: `%` and `_` are not wildcards, whatever the store does underneath.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText(String);

impl SearchText {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, Violation> {
        line(field, raw, SEARCH_MAX_CHARS).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `haystack` contains this text, ignoring case. The reference semantics that every
    /// store must match (the Postgres store does it with an escaped `ILIKE`).
    pub fn is_found_in(&self, haystack: &str) -> bool {
        fold_case(haystack).contains(&fold_case(&self.0))
    }
}

/// Lower-cases one character at a time with the simple (one-to-one) mapping, as Postgres'
/// `ILIKE` does through the C library: 'İ' becomes 'i', where Rust's full mapping gives "i̇".
/// The property test against Postgres (`crates/store/tests/store/properties.rs`) found that
/// difference; this is the fix.
pub fn fold_case(text: &str) -> String {
    text.chars().map(|c| c.to_lowercase().next().unwrap_or(c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_finds_itself_ignoring_case_and_treats_wildcards_literally() {
        let text = SearchText::parse("name_like", "50%_off").unwrap();

        assert!(text.is_found_in("Get 50%_OFF today"));
        assert!(!text.is_found_in("Get 50 percent off"));
        assert!(!text.is_found_in("50%xoff"));
    }

    #[test]
    fn capital_dotted_i_folds_to_plain_i_as_postgres_does() {
        // Regression: found by `postgres_ilike_and_the_reference_matching_agree`.
        assert_eq!(fold_case("İSTANBUL"), "istanbul");
        assert!(SearchText::parse("name_like", "istanbul").unwrap().is_found_in("İstanbul Ltd"));
    }

    #[test]
    fn blank_and_overlong_search_text_is_refused() {
        assert!(SearchText::parse("title", " ").is_err());
        assert!(SearchText::parse("title", &"x".repeat(101)).is_err());
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn any_text_is_found_in_anything_that_contains_it(before in ".{0,20}", needle in ".{1,20}", after in ".{0,20}") {
            prop_assume!(!needle.trim().is_empty() && needle.chars().all(|c| !c.is_control()));
            let text = SearchText::parse("title", &needle).unwrap();
            let haystack = format!("{before}{needle}{after}");
            prop_assert!(text.is_found_in(&haystack));
        }
    }
}
