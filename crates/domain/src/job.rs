//! Jobs: what companies post and users apply to.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::company::{Company, Handle};
use crate::error::{DomainError, Violation, Violations};
use crate::text::{SearchText, line};

pub const JOB_TITLE_MAX_CHARS: usize = 100;

/// A job's id, assigned by the store (a Postgres `serial`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct JobId(i32);

impl JobId {
    pub fn new(id: i32) -> Self {
        Self(id)
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// 1 to 100 characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct JobTitle(String);

impl JobTitle {
    pub fn parse(raw: &str) -> Result<Self, Violation> {
        line("title", raw, JOB_TITLE_MAX_CHARS).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A yearly salary in whole currency units: 0 to `i32::MAX`, what a Postgres `integer` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Salary(i32);

impl Salary {
    pub fn parse(field: &'static str, raw: i64) -> Result<Self, Violation> {
        match i32::try_from(raw) {
            Ok(salary) if salary >= 0 => Ok(Self(salary)),
            _ => Err(Violation::new(field, format!("must be between 0 and {}", i32::MAX))),
        }
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

/// The share of the company offered, from 0 to 1, as an exact decimal: never a float, so
/// "0.1" is stored and shown as 0.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Equity(Decimal);

impl Equity {
    /// From its decimal text, e.g. `"0.05"`.
    pub fn parse(raw: &str) -> Result<Self, Violation> {
        let violation = || Violation::new("equity", "must be a decimal number between 0 and 1, like \"0.05\"");
        let value = Decimal::from_str(raw.trim()).map_err(|_| violation())?;
        Self::from_decimal(value).ok_or_else(violation)
    }

    pub fn from_decimal(value: Decimal) -> Option<Self> {
        (Decimal::ZERO..=Decimal::ONE).contains(&value).then_some(Self(value.normalize()))
    }

    pub fn get(self) -> Decimal {
        self.0
    }

    pub fn is_positive(self) -> bool {
        self.0 > Decimal::ZERO
    }
}

impl fmt::Display for Equity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: JobId,
    pub title: JobTitle,
    pub salary: Option<Salary>,
    pub equity: Option<Equity>,
    pub company_handle: Handle,
}

/// A validated job about to be stored; the store assigns its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    pub title: JobTitle,
    pub salary: Option<Salary>,
    pub equity: Option<Equity>,
    pub company_handle: Handle,
}

impl NewJob {
    pub fn with_id(self, id: JobId) -> Job {
        Job { id, title: self.title, salary: self.salary, equity: self.equity, company_handle: self.company_handle }
    }
}

/// A job as submitted, not yet validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobForm {
    pub title: String,
    pub salary: Option<i64>,
    pub equity: Option<String>,
    pub company_handle: String,
}

impl JobForm {
    pub fn validate(&self) -> Result<NewJob, DomainError> {
        let mut violations = Violations::default();
        let title = violations.check(JobTitle::parse(&self.title));
        let salary = violations.check_optional(self.salary.map(|s| Salary::parse("salary", s)));
        let equity = violations.check_optional(self.equity.as_deref().map(Equity::parse));
        let company_handle = violations.check(Handle::parse("company_handle", &self.company_handle));
        match (title, salary, equity, company_handle) {
            (Some(title), Some(salary), Some(equity), Some(company_handle)) => {
                Ok(NewJob { title, salary, equity, company_handle })
            }
            _ => Err(violations.into_error()),
        }
    }
}

/// The fields a partial update may change (`Some(None)` clears). Neither the id nor the
/// company can change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobChanges {
    pub title: Option<String>,
    pub salary: Option<Option<i64>>,
    pub equity: Option<Option<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobPatch {
    pub title: Option<JobTitle>,
    pub salary: Option<Option<Salary>>,
    pub equity: Option<Option<Equity>>,
}

impl JobChanges {
    pub fn validate(&self) -> Result<JobPatch, DomainError> {
        let mut violations = Violations::default();
        let title = violations.check_optional(self.title.as_deref().map(JobTitle::parse));
        let salary = violations.check_optional(self.salary.map(|s| s.map(|s| Salary::parse("salary", s)).transpose()));
        let equity =
            violations.check_optional(self.equity.as_ref().map(|e| e.as_deref().map(Equity::parse).transpose()));
        if self == &JobChanges::default() {
            violations.push(Violation::new("body", "must change at least one field"));
        }
        match (title, salary, equity) {
            (Some(title), Some(salary), Some(equity)) if violations.is_empty() => {
                Ok(JobPatch { title, salary, equity })
            }
            _ => Err(violations.into_error()),
        }
    }
}

impl JobPatch {
    pub fn apply_to(&self, job: &mut Job) {
        if let Some(title) = &self.title {
            job.title = title.clone();
        }
        if let Some(salary) = self.salary {
            job.salary = salary;
        }
        if let Some(equity) = self.equity {
            job.equity = equity;
        }
    }
}

/// List filters as submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobQuery {
    pub title: Option<String>,
    pub min_salary: Option<i64>,
    pub has_equity: Option<bool>,
}

/// Which jobs to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobFilter {
    title: Option<SearchText>,
    min_salary: Option<Salary>,
    /// `hasEquity=true` keeps jobs with equity above 0; false or absent does not filter.
    only_with_equity: bool,
}

impl JobQuery {
    pub fn validate(&self) -> Result<JobFilter, DomainError> {
        let mut violations = Violations::default();
        let title = violations.check_optional(self.title.as_deref().map(|raw| SearchText::parse("title", raw)));
        let min_salary = violations.check_optional(self.min_salary.map(|s| Salary::parse("min_salary", s)));
        match (title, min_salary) {
            (Some(title), Some(min_salary)) => {
                Ok(JobFilter { title, min_salary, only_with_equity: self.has_equity == Some(true) })
            }
            _ => Err(violations.into_error()),
        }
    }
}

impl JobFilter {
    pub fn title(&self) -> Option<&SearchText> {
        self.title.as_ref()
    }

    pub fn min_salary(&self) -> Option<Salary> {
        self.min_salary
    }

    pub fn only_with_equity(&self) -> bool {
        self.only_with_equity
    }

    /// The reference semantics every store must match. A job with no salary matches no
    /// salary bound.
    pub fn matches(&self, job: &Job) -> bool {
        let title_ok = self.title.as_ref().is_none_or(|text| text.is_found_in(job.title.as_str()));
        let salary_ok = self.min_salary.is_none_or(|min| job.salary.is_some_and(|salary| salary >= min));
        let equity_ok = !self.only_with_equity || job.equity.is_some_and(Equity::is_positive);
        title_ok && salary_ok && equity_ok
    }
}

/// A job with the company that posted it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobDetail {
    pub job: Job,
    pub company: Company,
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn equity_is_an_exact_decimal_from_0_to_1() {
        assert_eq!(Equity::parse("0.05").unwrap().to_string(), "0.05");
        assert_eq!(Equity::parse("0.10").unwrap().to_string(), "0.1");
        assert!(Equity::parse("0").is_ok());
        assert!(Equity::parse("1").is_ok());
        assert_eq!(Equity::parse("1e-2").unwrap().to_string(), "0.01");
        for raw in ["1.0000001", "-0.1", "abc", "NaN", "inf", ""] {
            assert!(Equity::parse(raw).is_err(), "{raw:?} was accepted");
        }
    }

    #[test]
    fn has_equity_keeps_only_jobs_with_equity_above_zero() {
        let with = |equity: Option<&str>| {
            JobForm { equity: equity.map(str::to_owned), title: "t".into(), company_handle: "c".into(), salary: None }
                .validate()
                .unwrap()
                .with_id(JobId::new(1))
        };
        let filter = JobQuery { has_equity: Some(true), ..JobQuery::default() }.validate().unwrap();
        let no_filter = JobQuery { has_equity: Some(false), ..JobQuery::default() }.validate().unwrap();

        assert!(filter.matches(&with(Some("0.5"))));
        assert!(!filter.matches(&with(Some("0"))));
        assert!(!filter.matches(&with(None)));
        assert!(no_filter.matches(&with(None)), "hasEquity=false does not filter");
    }

    proptest! {
        #[test]
        fn every_decimal_from_0_to_1_parses_back_to_itself(mantissa in 0..=1_000_000u32, scale in 0..=6u32) {
            let value = Decimal::new(i64::from(mantissa), scale);
            let parsed = Equity::parse(&value.to_string());
            if value <= Decimal::ONE {
                prop_assert_eq!(parsed.map(Equity::get), Ok(value.normalize()));
            } else {
                prop_assert!(parsed.is_err());
            }
        }

        #[test]
        fn salaries_are_accepted_exactly_within_int4(salary in any::<i64>()) {
            prop_assert_eq!(Salary::parse("salary", salary).is_ok(), (0..=i64::from(i32::MAX)).contains(&salary));
        }
    }
}
