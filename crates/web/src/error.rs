//! The one error envelope of the API: `{"error": {"status": 400, "message": ...}}`, where
//! `message` is a string, or the list of every violation when the input was invalid.

use auth::throttle::RetryAfter;
use axum::Json;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::DomainError;
use schemars::JsonSchema;
use serde::Serialize;
use usecases::UseCaseError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Message {
    One(String),
    /// Every violation, one string each.
    Many(Vec<String>),
}

/// What every error answer holds, and the schema `/openapi.json` gives it.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Error")]
pub struct Envelope {
    pub error: ErrorBody,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ErrorBody {
    /// The HTTP status, repeated for clients that only keep the body.
    pub status: u16,
    pub message: Message,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: Message,
    /// Extra response headers, e.g. `Retry-After` on a 429.
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self { status, message: Message::One(message.into()), headers: Vec::new() }
    }

    pub fn invalid(violations: Vec<String>) -> Self {
        Self { status: StatusCode::BAD_REQUEST, message: Message::Many(violations), headers: Vec::new() }
    }

    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    pub fn unauthorized(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, reason)
    }

    pub fn forbidden(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, reason)
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, what)
    }

    /// A backing service (the database) failed: 503, details in the log only. Clients may come
    /// back in a second: an outage that lasts longer keeps answering this, quickly.
    pub fn unavailable(error: &dyn std::error::Error) -> Self {
        tracing::error!(error = %error, "a backing service failed");
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "service temporarily unavailable")
            .with_header(header::RETRY_AFTER, HeaderValue::from(1))
    }

    /// A failure that is ours, not the client's. The details go to the log, not to the client.
    pub fn internal(error: &dyn std::error::Error) -> Self {
        tracing::error!(error = %error, "request failed on our side");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
    }
}

impl From<DomainError> for ApiError {
    fn from(error: DomainError) -> Self {
        match error {
            DomainError::Invalid(violations) => {
                Self::invalid(violations.iter().map(|v| format!("{}: {}", camel_case(v.field), v.message)).collect())
            }
            DomainError::NotFound(what) => Self::not_found(format!("{what} not found")),
            DomainError::Conflict(message) => Self::new(StatusCode::CONFLICT, message),
            DomainError::BadCredentials => Self::unauthorized(error.to_string()),
            DomainError::Busy { retry_after_seconds } => Self::new(StatusCode::SERVICE_UNAVAILABLE, error.to_string())
                .with_header(header::RETRY_AFTER, HeaderValue::from(retry_after_seconds)),
            DomainError::Unavailable(source) => Self::unavailable(source.as_ref()),
        }
    }
}

impl From<UseCaseError> for ApiError {
    fn from(error: UseCaseError) -> Self {
        match error {
            UseCaseError::Domain(error) => error.into(),
            UseCaseError::Throttled(RetryAfter(seconds)) => Self::new(StatusCode::TOO_MANY_REQUESTS, error.to_string())
                .with_header(header::RETRY_AFTER, HeaderValue::from(seconds)),
            UseCaseError::Unauthenticated(reason) => Self::unauthorized(reason),
            UseCaseError::SessionsUnavailable(failure) => Self::unavailable(&failure),
            UseCaseError::Signing(error) => Self::internal(&error),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Envelope { error: ErrorBody { status: self.status.as_u16(), message: self.message } };
        let mut response = (self.status, Json(body)).into_response();
        response.headers_mut().extend(self.headers);
        if self.status == StatusCode::UNAUTHORIZED {
            // RFC 6750 §3: a 401 names the scheme the client should use.
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// The API spells fields in camelCase (`firstName`); the domain in Rust's snake_case.
fn camel_case(field: &str) -> String {
    let mut words = field.split('_');
    let first = words.next().unwrap_or_default().to_owned();
    words.fold(first, |mut camel, word| {
        let mut chars = word.chars();
        camel.extend(chars.next().map(|c| c.to_ascii_uppercase()));
        camel.push_str(chars.as_str());
        camel
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn violations_name_fields_as_the_api_spells_them() {
        let error = ApiError::from(DomainError::Invalid(vec![
            domain::Violation::new("first_name", "must not be empty"),
            domain::Violation::new("email", "must be an email address"),
        ]));

        assert_eq!(
            error.message,
            Message::Many(vec!["firstName: must not be empty".into(), "email: must be an email address".into()])
        );
        assert_eq!(error.status, StatusCode::BAD_REQUEST);
    }
}
