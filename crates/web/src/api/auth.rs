//! `POST /auth/register` and `POST /auth/token`.

use auth::sessions::{self, SessionError};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::accounts::{self, Registration};
use serde::{Deserialize, Serialize};

use super::extract::JsonBody;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegisterBody {
    pub username: String,
    pub password: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenResponse {
    /// The access token.
    pub token: String,
    pub refresh: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
}

pub async fn register(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<RegisterBody>,
) -> Result<(StatusCode, Json<TokenResponse>), ApiError> {
    let registration = Registration {
        username: body.username,
        password: body.password,
        first_name: body.first_name,
        last_name: body.last_name,
        email: body.email,
    };
    let user = accounts::register(state.users.as_ref(), state.passwords.as_ref(), registration).await?;
    Ok((StatusCode::CREATED, Json(start_session(&state, user.username.as_str()).await?)))
}

pub async fn token(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<TokenBody>,
) -> Result<Json<TokenResponse>, ApiError> {
    let user =
        accounts::authenticate(state.users.as_ref(), state.passwords.as_ref(), &body.username, &body.password).await?;
    Ok(Json(start_session(&state, user.username.as_str()).await?))
}

async fn start_session(state: &AppState, username: &str) -> Result<TokenResponse, ApiError> {
    let pair =
        sessions::start(&state.tokens, state.sessions.as_ref(), username).await.map_err(|error| match error {
            SessionError::Store(failure) => ApiError::unavailable(&failure),
            other => ApiError::internal(&other),
        })?;
    Ok(TokenResponse {
        token: pair.access.token,
        refresh: pair.refresh.token,
        expires_in: pair.access.expires_in_seconds,
    })
}
