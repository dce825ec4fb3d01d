//! Companies: who posts jobs.

use crate::error::{DomainError, Violation, Violations};
use crate::text::{SearchText, line, paragraph};

pub const HANDLE_MAX_CHARS: usize = 25;
pub const COMPANY_NAME_MAX_CHARS: usize = 100;
pub const DESCRIPTION_MAX_CHARS: usize = 2000;
pub const LOGO_URL_MAX_CHARS: usize = 2048;

/// A company's permanent key, used in URLs: 1 to 25 lower-case ASCII letters, digits and
/// `-`, starting with a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Handle(String);

impl Handle {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, Violation> {
        let violation = |message: &str| Err(Violation::new(field, message));
        if raw.is_empty() {
            return violation("must not be empty");
        }
        if raw.chars().count() > HANDLE_MAX_CHARS {
            return violation("must be at most 25 characters");
        }
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
        if !raw.chars().all(allowed) || raw.starts_with('-') {
            return violation("may contain only lower-case letters, digits and '-', and must not start with '-'");
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Handle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// 1 to 100 characters, unique among companies.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CompanyName(String);

impl CompanyName {
    pub fn parse(raw: &str) -> Result<Self, Violation> {
        line("name", raw, COMPANY_NAME_MAX_CHARS).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Free text up to 2000 characters; may be empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Description(String);

impl Description {
    pub fn parse(raw: &str) -> Result<Self, Violation> {
        paragraph("description", raw, DESCRIPTION_MAX_CHARS).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A head count: from 0 to `i32::MAX`, what a Postgres `integer` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct EmployeeCount(i32);

impl EmployeeCount {
    pub fn parse(field: &'static str, raw: i64) -> Result<Self, Violation> {
        match i32::try_from(raw) {
            Ok(count) if count >= 0 => Ok(Self(count)),
            _ => Err(Violation::new(field, format!("must be between 0 and {}", i32::MAX))),
        }
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

/// An absolute http(s) URL of at most 2048 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoUrl(String);

impl LogoUrl {
    pub fn parse(raw: &str) -> Result<Self, Violation> {
        let violation = |message: String| Err(Violation::new("logo_url", message));
        if raw.chars().count() > LOGO_URL_MAX_CHARS {
            return violation(format!("must be at most {LOGO_URL_MAX_CHARS} characters"));
        }
        let host = raw.strip_prefix("https://").or_else(|| raw.strip_prefix("http://"));
        let valid = host.is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
            && !raw.chars().any(|c| c.is_whitespace() || c.is_control());
        if !valid {
            return violation("must be an http or https URL".into());
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Company {
    pub handle: Handle,
    pub name: CompanyName,
    pub description: Description,
    pub num_employees: Option<EmployeeCount>,
    pub logo_url: Option<LogoUrl>,
}

/// A company as submitted, not yet validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompanyForm {
    pub handle: String,
    pub name: String,
    pub description: String,
    pub num_employees: Option<i64>,
    pub logo_url: Option<String>,
}

impl CompanyForm {
    /// Every field checked, every violation reported.
    pub fn validate(&self) -> Result<Company, DomainError> {
        let mut violations = Violations::default();
        let handle = violations.check(Handle::parse("handle", &self.handle));
        let name = violations.check(CompanyName::parse(&self.name));
        let description = violations.check(Description::parse(&self.description));
        let num_employees =
            violations.check_optional(self.num_employees.map(|n| EmployeeCount::parse("num_employees", n)));
        let logo_url = violations.check_optional(self.logo_url.as_deref().map(LogoUrl::parse));
        match (handle, name, description, num_employees, logo_url) {
            (Some(handle), Some(name), Some(description), Some(num_employees), Some(logo_url)) => {
                Ok(Company { handle, name, description, num_employees, logo_url })
            }
            _ => Err(violations.into_error()),
        }
    }
}

/// The fields a partial update may change. `None`: leave it; `Some(None)`: clear it.
/// The handle is not here: it never changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompanyChanges {
    pub name: Option<String>,
    pub description: Option<String>,
    pub num_employees: Option<Option<i64>>,
    pub logo_url: Option<Option<String>>,
}

/// Validated [`CompanyChanges`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompanyPatch {
    pub name: Option<CompanyName>,
    pub description: Option<Description>,
    pub num_employees: Option<Option<EmployeeCount>>,
    pub logo_url: Option<Option<LogoUrl>>,
}

impl CompanyChanges {
    pub fn validate(&self) -> Result<CompanyPatch, DomainError> {
        let mut violations = Violations::default();
        let name = violations.check_optional(self.name.as_deref().map(CompanyName::parse));
        let description = violations.check_optional(self.description.as_deref().map(Description::parse));
        let num_employees = violations.check_optional(
            self.num_employees.map(|n| n.map(|n| EmployeeCount::parse("num_employees", n)).transpose()),
        );
        let logo_url =
            violations.check_optional(self.logo_url.as_ref().map(|url| url.as_deref().map(LogoUrl::parse).transpose()));
        if self == &CompanyChanges::default() {
            violations.push(Violation::new("body", "must change at least one field"));
        }
        match (name, description, num_employees, logo_url) {
            (Some(name), Some(description), Some(num_employees), Some(logo_url)) if violations.is_empty() => {
                Ok(CompanyPatch { name, description, num_employees, logo_url })
            }
            _ => Err(violations.into_error()),
        }
    }
}

impl CompanyPatch {
    pub fn apply_to(&self, company: &mut Company) {
        if let Some(name) = &self.name {
            company.name = name.clone();
        }
        if let Some(description) = &self.description {
            company.description = description.clone();
        }
        if let Some(num_employees) = self.num_employees {
            company.num_employees = num_employees;
        }
        if let Some(logo_url) = &self.logo_url {
            company.logo_url = logo_url.clone();
        }
    }
}

/// Which companies to list. Built by [`CompanyFilter::new`], which refuses a minimum above the
/// maximum.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompanyFilter {
    name_like: Option<SearchText>,
    min_employees: Option<EmployeeCount>,
    max_employees: Option<EmployeeCount>,
}

/// List filters as submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompanyQuery {
    pub name_like: Option<String>,
    pub min_employees: Option<i64>,
    pub max_employees: Option<i64>,
}

impl CompanyQuery {
    pub fn validate(&self) -> Result<CompanyFilter, DomainError> {
        let mut violations = Violations::default();
        let name_like =
            violations.check_optional(self.name_like.as_deref().map(|raw| SearchText::parse("name_like", raw)));
        let min_employees =
            violations.check_optional(self.min_employees.map(|n| EmployeeCount::parse("min_employees", n)));
        let max_employees =
            violations.check_optional(self.max_employees.map(|n| EmployeeCount::parse("max_employees", n)));
        if let (Some(Some(min)), Some(Some(max))) = (min_employees, max_employees)
            && min > max
        {
            violations.push(Violation::new("min_employees", "must not be greater than the maximum"));
        }
        match (name_like, min_employees, max_employees) {
            (Some(name_like), Some(min_employees), Some(max_employees)) if violations.is_empty() => {
                Ok(CompanyFilter { name_like, min_employees, max_employees })
            }
            _ => Err(violations.into_error()),
        }
    }
}

impl CompanyFilter {
    pub fn name_like(&self) -> Option<&SearchText> {
        self.name_like.as_ref()
    }

    pub fn min_employees(&self) -> Option<EmployeeCount> {
        self.min_employees
    }

    pub fn max_employees(&self) -> Option<EmployeeCount> {
        self.max_employees
    }

    /// The reference semantics every store must match. A company with no head count matches
    /// no head-count bound.
    pub fn matches(&self, company: &Company) -> bool {
        let name_ok = self.name_like.as_ref().is_none_or(|text| text.is_found_in(company.name.as_str()));
        let min_ok = self.min_employees.is_none_or(|min| company.num_employees.is_some_and(|n| n >= min));
        let max_ok = self.max_employees.is_none_or(|max| company.num_employees.is_some_and(|n| n <= max));
        name_ok && min_ok && max_ok
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_handle_is_lower_case_and_at_most_25_characters() {
        assert!(Handle::parse("handle", "acme-2").is_ok());
        assert!(Handle::parse("handle", &"a".repeat(25)).is_ok());
        for raw in ["", "Acme", "acme corp", "-acme", "acmé", &"a".repeat(26)] {
            assert!(Handle::parse("handle", raw).is_err(), "{raw:?} was accepted");
        }
    }

    #[test]
    fn a_logo_url_is_an_absolute_http_url() {
        assert!(LogoUrl::parse("https://acme.example/logo.png").is_ok());
        for raw in ["ftp://acme.example/x", "https://", "https:///x", "javascript:alert(1)", "https://a b"] {
            assert!(LogoUrl::parse(raw).is_err(), "{raw:?} was accepted");
        }
    }

    #[test]
    fn a_company_without_a_head_count_matches_no_head_count_bound() {
        let company = CompanyForm {
            handle: "x".into(),
            name: "X".into(),
            description: String::new(),
            num_employees: None,
            logo_url: None,
        }
        .validate()
        .unwrap();
        let at_least_zero = CompanyQuery { min_employees: Some(0), ..CompanyQuery::default() }.validate().unwrap();

        assert!(CompanyFilter::default().matches(&company));
        assert!(!at_least_zero.matches(&company));
    }

    proptest! {
        #[test]
        fn head_counts_are_accepted_exactly_within_int4(count in any::<i64>()) {
            let accepted = EmployeeCount::parse("num_employees", count).is_ok();
            prop_assert_eq!(accepted, (0..=i64::from(i32::MAX)).contains(&count));
        }

        #[test]
        fn handles_of_the_documented_shape_are_accepted(handle in "[a-z0-9][a-z0-9-]{0,24}") {
            prop_assert!(Handle::parse("handle", &handle).is_ok());
        }

        #[test]
        fn a_handle_with_an_upper_case_letter_is_refused(prefix in "[a-z]{0,10}", upper in "[A-Z]", suffix in "[a-z]{0,10}") {
            let raw = format!("{prefix}{upper}{suffix}");
            prop_assert!(Handle::parse("handle", &raw).is_err());
        }

        #[test]
        fn the_bounds_filter_keeps_exactly_the_companies_inside(
            count in 0..1000i64, min in proptest::option::of(0..1000i64), max in proptest::option::of(0..1000i64)
        ) {
            let query = CompanyQuery { min_employees: min, max_employees: max, ..CompanyQuery::default() };
            let company = CompanyForm { num_employees: Some(count), handle: "x".into(), name: "X".into(), ..CompanyForm::default() }
                .validate()
                .unwrap();
            match query.validate() {
                Ok(filter) => prop_assert_eq!(
                    filter.matches(&company),
                    min.is_none_or(|min| count >= min) && max.is_none_or(|max| count <= max)
                ),
                Err(_) => prop_assert!(min > max, "only min > max is refused"),
            }
        }
    }
}
