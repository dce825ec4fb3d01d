//! Request parts every handler needs, with rejections in the API's error envelope.

use auth::sessions::{self, SessionError};
use auth::token::{Claims, TokenError};
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::state::AppState;

/// A JSON body; a malformed one, or one with wrong or unknown fields, is a 400 (415 without
/// `Content-Type: application/json`) in the envelope, never axum's plain-text rejection.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        axum::Json::<T>::from_request(request, state).await.map(|axum::Json(value)| Self(value)).map_err(
            |rejection: JsonRejection| {
                // axum answers 422 for well-formed JSON of the wrong shape; to a client both
                // are simply a bad request, as the API's error table says.
                let status = match rejection.status() {
                    StatusCode::UNPROCESSABLE_ENTITY => StatusCode::BAD_REQUEST,
                    other => other,
                };
                ApiError::new(status, rejection.body_text())
            },
        )
    }
}

/// The caller proven by a valid access token in `Authorization: Bearer …`. Tokens are read from
/// that header only: never from a query string, where they would end up in logs.
#[derive(Debug, Clone)]
pub struct BearerClaims(pub Claims);

impl FromRequestParts<AppState> for BearerClaims {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header =
            parts.headers.get(header::AUTHORIZATION).ok_or_else(|| ApiError::unauthorized("missing bearer token"))?;
        let token = header
            .to_str()
            .ok()
            .and_then(|value| value.strip_prefix("Bearer "))
            .ok_or_else(|| ApiError::unauthorized("the Authorization header must be `Bearer <token>`"))?;
        match sessions::authenticate(&state.tokens, state.sessions.as_ref(), token).await {
            Ok(claims) => Ok(Self(claims)),
            Err(SessionError::Store(failure)) => Err(ApiError::unavailable(&failure)),
            Err(error) => Err(ApiError::unauthorized(reason(&error))),
        }
    }
}

/// What the client is told about a refused token: enough to act on (log in again), not a
/// guide to which check an attacker's forgery tripped.
pub fn reason(error: &SessionError) -> &'static str {
    match error {
        SessionError::Token(TokenError::Expired) => "token expired",
        SessionError::Revoked | SessionError::ReuseDetected => "token revoked",
        _ => "invalid token",
    }
}
