//! The one error type of the domain boundary; the web crate turns it into HTTP statuses.

use std::fmt;

/// Why a use case did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// The input broke one or more rules; every broken rule is listed, not only the first.
    #[error("invalid input: {}", Violation::join(.0))]
    Invalid(Vec<Violation>),
    #[error("{0} not found")]
    NotFound(String),
    /// The thing already exists (a username taken, say).
    #[error("{0}")]
    Conflict(String),
    /// Deliberately vague: the caller must not learn whether the user exists.
    #[error("invalid username or password")]
    BadCredentials,
    /// Too much work in line already (passwords to hash, say): refused at once rather than
    /// queued without bound. Retry after the given number of seconds.
    #[error("too many passwords to check at once; try again shortly")]
    Busy { retry_after_seconds: u64 },
    /// An adapter behind a port failed (database down, thread pool gone...). Not the client's fault.
    #[error("a backing service failed: {0}")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// One broken rule on one field, phrased for the person who sent the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub field: &'static str,
    pub message: String,
}

impl Violation {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self { field, message: message.into() }
    }

    fn join(violations: &[Violation]) -> String {
        violations.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Collects violations from several independent checks so that all of them are reported at once.
#[derive(Debug, Default)]
pub(crate) struct Violations(Vec<Violation>);

impl Violations {
    /// Keeps the value when the check passed, records the violation otherwise.
    pub(crate) fn check<T>(&mut self, result: Result<T, Violation>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(violation) => {
                self.0.push(violation);
                None
            }
        }
    }

    /// For an optional field: `Some(None)` when absent, `Some(Some(value))` when valid, `None`
    /// (and the violation recorded) when invalid.
    pub(crate) fn check_optional<T>(&mut self, result: Option<Result<T, Violation>>) -> Option<Option<T>> {
        match result {
            None => Some(None),
            Some(result) => self.check(result).map(Some),
        }
    }

    pub(crate) fn push(&mut self, violation: Violation) {
        self.0.push(violation);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn into_error(self) -> DomainError {
        DomainError::Invalid(self.0)
    }
}
