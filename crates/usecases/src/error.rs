//! Why a use case refused, in terms a caller can act on. `web` turns each into a status.

use auth::sessions::{SessionError, StoreFailure};
use auth::throttle::{Refusal, RetryAfter};
use auth::token::TokenError;
use domain::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum UseCaseError {
    /// A rule of the domain: invalid input, not found, a conflict, wrong credentials, or a
    /// repository that failed.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// Too many failed logins; try again after this many seconds.
    #[error("too many failed logins; retry in {} s", .0.0)]
    Throttled(RetryAfter),
    /// A token was refused. The reason is what the client may be told: enough to act on (log
    /// in again), not a guide to which check a forgery tripped.
    #[error("{0}")]
    Unauthenticated(&'static str),
    /// The session store failed: the request may succeed later.
    #[error(transparent)]
    SessionsUnavailable(StoreFailure),
    /// A token could not be signed: a fault of ours (a broken key), not the client's.
    #[error(transparent)]
    Signing(TokenError),
}

impl From<Refusal> for UseCaseError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::TooMany(wait) => Self::Throttled(wait),
            Refusal::Unavailable(failure) => Self::SessionsUnavailable(failure),
        }
    }
}

impl From<SessionError> for UseCaseError {
    fn from(error: SessionError) -> Self {
        match error {
            SessionError::Store(failure) => Self::SessionsUnavailable(failure),
            SessionError::Token(error @ TokenError::Signing(_)) => Self::Signing(error),
            SessionError::Token(TokenError::Expired) => Self::Unauthenticated("token expired"),
            SessionError::Revoked | SessionError::ReuseDetected => Self::Unauthenticated("token revoked"),
            SessionError::Token(_) => Self::Unauthenticated("invalid token"),
        }
    }
}
