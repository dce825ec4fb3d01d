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
        let mut value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|error| ApiError::invalid(vec![format!("body: not valid JSON ({error})")]))?;
        state.schemas.validate(T::SCHEMA, &value).map_err(ApiError::invalid)?;
        whole_numbers_as_integers(&mut value);
        // The schema is stricter than the type: this only fails if they disagree, a bug of ours.
        serde_json::from_value(value).map(Self).map_err(|error| ApiError::internal(&error))
    }
}

/// JSON has one number type, and JSON Schema's `integer` admits `5.0` and `1e3`; serde's
/// integers do not. Once the schema has accepted a body, every whole number in it is written
/// as an integer, so what the schema accepts the types accept too.
fn whole_numbers_as_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(number) if number.is_f64() => {
            if let Some(float) = number.as_f64()
                && float.fract() == 0.0
                && float >= i64::MIN as f64
                && float < i64::MAX as f64
            {
                *number = (float as i64).into();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn only_whole_numbers_in_range_become_integers_at_any_depth() {
        let mut body = json!({ "a": 5.0, "b": 5.5, "c": [1e3, { "d": -2.0 }], "e": 1e300, "f": 7 });

        whole_numbers_as_integers(&mut body);

        assert_eq!(body.to_string(), r#"{"a":5,"b":5.5,"c":[1000,{"d":-2}],"e":1e+300,"f":7}"#);
    }
}
