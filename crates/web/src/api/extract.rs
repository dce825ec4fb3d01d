//! What handlers take from a request, each refusal already in the API's error envelope:
//! bodies and query strings validated against their JSON Schema, and the caller with the
//! rights the route requires.
//!
//! | extractor | who gets through |
//! |---|---|
//! | (none) | anyone |
//! | [`Caller`] | a valid, unrevoked access token of an existing account |
//! | [`Admin`] | a caller whose account is an admin *now* (read from the store, not the token) |
//! | [`SelfOrAdmin`] | an admin, or the caller named by the `{username}` path segment |

use std::net::SocketAddr;

use auth::sessions::{self, SessionError};
use auth::token::{Claims, TokenError};
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use domain::user::{User, Username};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::state::AppState;

/// A request type with a schema file in `crates/web/schemas/`.
pub trait HasSchema {
    const SCHEMA: &'static str;
}

/// A JSON body that passed its schema, then deserialised. Every violation is reported.
pub struct ValidJson<T>(pub T);

impl<T: DeserializeOwned + HasSchema> FromRequest<AppState> for ValidJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.split(';').next().is_some_and(|mime| mime.trim() == "application/json"));
        if !is_json {
            return Err(ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "expected Content-Type: application/json"));
        }
        let bytes = Bytes::from_request(request, state).await.map_err(|rejection| match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "request body too large"),
            status => ApiError::new(status, rejection.body_text()),
        })?;
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|error| ApiError::invalid(vec![format!("body: not valid JSON ({error})")]))?;
        state.schemas.validate(T::SCHEMA, &value).map_err(ApiError::invalid)?;
        // The schema is stricter than the type: this only fails if they disagree, a bug of ours.
        serde_json::from_value(value).map(Self).map_err(|error| ApiError::internal(&error))
    }
}

/// A query string that passed its schema (values typed as the schema declares), deserialised.
/// Unknown parameters are refused like unknown fields.
pub struct ValidQuery<T>(pub T);

impl<T: DeserializeOwned + HasSchema> FromRequestParts<AppState> for ValidQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        let value = state.schemas.query_as_json(T::SCHEMA, query).map_err(ApiError::invalid)?;
        state.schemas.validate(T::SCHEMA, &value).map_err(ApiError::invalid)?;
        serde_json::from_value(value).map(Self).map_err(|error| ApiError::internal(&error))
    }
}

/// The authenticated caller: their verified claims and their account as it is now.
#[derive(Debug, Clone)]
pub struct Caller {
    pub claims: Claims,
    pub user: User,
}

impl Caller {
    pub fn is_admin(&self) -> bool {
        self.user.is_admin
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        // Only the Authorization header: a token in a query string ends up in logs and history.
        let header =
            parts.headers.get(header::AUTHORIZATION).ok_or_else(|| ApiError::unauthorized("missing bearer token"))?;
        let token = header
            .to_str()
            .ok()
            .and_then(|value| value.strip_prefix("Bearer "))
            .ok_or_else(|| ApiError::unauthorized("the Authorization header must be `Bearer <token>`"))?;
        caller_from_token(state, token).await
    }
}

/// The caller an access token proves, wherever the token came from (header or cookie).
pub async fn caller_from_token(state: &AppState, token: &str) -> Result<Caller, ApiError> {
    let claims = match sessions::authenticate(&state.tokens, state.sessions.as_ref(), token).await {
        Ok(claims) => claims,
        Err(SessionError::Store(failure)) => return Err(ApiError::unavailable(&failure)),
        Err(error) => return Err(ApiError::unauthorized(reason(&error))),
    };
    let username = Username::parse(&claims.sub).map_err(|_| ApiError::unauthorized("invalid token"))?;
    match state.users.find(&username).await? {
        Some(user) => Ok(Caller { claims, user }),
        None => Err(ApiError::unauthorized("the account no longer exists")),
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

/// A caller who is an admin at the time of the request.
#[derive(Debug, Clone)]
pub struct Admin(pub Caller);

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = Caller::from_request_parts(parts, state).await?;
        if !caller.is_admin() {
            return Err(ApiError::forbidden("admin rights required"));
        }
        Ok(Self(caller))
    }
}

/// An admin, or the user the `{username}` path segment names.
#[derive(Debug, Clone)]
pub struct SelfOrAdmin(pub Caller);

impl FromRequestParts<AppState> for SelfOrAdmin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = Caller::from_request_parts(parts, state).await?;
        let params =
            RawPathParams::from_request_parts(parts, state).await.map_err(|error| ApiError::internal(&error))?;
        let target = params.iter().find(|(name, _)| *name == "username").map(|(_, value)| value);
        if caller.is_admin() || target == Some(caller.claims.sub.as_str()) {
            Ok(Self(caller))
        } else {
            Err(ApiError::forbidden("only that user or an admin may do this"))
        }
    }
}

/// The address of the client as the server saw it (the TCP peer), for throttling. In-process
/// tests have none: they share one bucket.
pub fn client_address(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |ConnectInfo(address)| address.ip().to_string())
}

/// The client address, as an extractor.
pub struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(client_address(parts)))
    }
}
