//! What handlers take from a request body or query string, validated against its JSON
//! Schema, each refusal already in the API's error envelope. Who the caller is lives in
//! [`crate::caller`].

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
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
