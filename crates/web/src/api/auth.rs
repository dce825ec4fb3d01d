//! `/auth/*` and the JWKS: logging in, registering, refreshing, verifying, logging out.

use auth::sessions::{self, SessionError, TokenPair};
use auth::throttle::RetryAfter;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::DomainError;
use domain::accounts::{self, Registration};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::extract::{Caller, ClientAddress, HasSchema, ValidJson};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisterRequest {
    pub username: String,
    pub password: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
}

impl HasSchema for RegisterRequest {
    const SCHEMA: &'static str = "register-request";
}

impl From<RegisterRequest> for Registration {
    fn from(body: RegisterRequest) -> Self {
        Registration {
            username: body.username,
            password: body.password,
            first_name: body.first_name,
            last_name: body.last_name,
            email: body.email,
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct TokenRequest {
    pub username: String,
    pub password: String,
}

impl HasSchema for TokenRequest {
    const SCHEMA: &'static str = "token-request";
}

#[derive(Debug, Deserialize)]
pub struct RefreshRequest {
    pub refresh: String,
}

impl HasSchema for RefreshRequest {
    const SCHEMA: &'static str = "refresh-request";
}

/// `POST /auth/logout` takes the same body.
pub type LogoutRequest = RefreshRequest;

#[derive(Debug, Deserialize)]
pub struct VerifyRequest {
    pub token: String,
}

impl HasSchema for VerifyRequest {
    const SCHEMA: &'static str = "verify-request";
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

impl From<TokenPair> for TokenResponse {
    fn from(pair: TokenPair) -> Self {
        Self { token: pair.access.token, refresh: pair.refresh.token, expires_in: pair.access.expires_in_seconds }
    }
}

/// `POST /auth/token`: a token pair for the right password. Throttled per username and client;
/// an unknown user and a wrong password get the same answer in about the same time.
pub async fn token(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    ValidJson(body): ValidJson<TokenRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    state.throttle.check(&body.username, &client).map_err(too_many_attempts)?;
    match accounts::authenticate(state.users.as_ref(), state.passwords.as_ref(), &body.username, &body.password).await {
        Ok(user) => {
            state.throttle.record_success(&body.username);
            Ok(Json(start_session(&state, user.username.as_str()).await?))
        }
        Err(DomainError::BadCredentials) => {
            state.throttle.record_failure(&body.username, &client);
            Err(DomainError::BadCredentials.into())
        }
        Err(other) => Err(other.into()),
    }
}

/// 429 with the number of seconds to wait.
pub fn too_many_attempts(RetryAfter(seconds): RetryAfter) -> ApiError {
    ApiError::new(StatusCode::TOO_MANY_REQUESTS, format!("too many failed logins; retry in {seconds} s"))
        .with_header(header::RETRY_AFTER, HeaderValue::from(seconds))
}

/// `POST /auth/register`: a new, non-admin account and its first token pair.
pub async fn register(
    State(state): State<AppState>,
    ValidJson(body): ValidJson<RegisterRequest>,
) -> Result<(StatusCode, Json<TokenResponse>), ApiError> {
    let user = accounts::register(state.accounts(), body.into()).await?;
    Ok((StatusCode::CREATED, Json(start_session(&state, user.username.as_str()).await?)))
}

/// `POST /auth/refresh`: a new pair for a refresh token, which is consumed.
pub async fn refresh(
    State(state): State<AppState>,
    ValidJson(body): ValidJson<RefreshRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    sessions::refresh(&state.tokens, state.sessions.as_ref(), &body.refresh)
        .await
        .map(|pair| Json(pair.into()))
        .map_err(session_error)
}

/// `POST /auth/verify`: 200 `{}` when the access token is valid and not revoked, 401 otherwise.
pub async fn verify(
    State(state): State<AppState>,
    ValidJson(body): ValidJson<VerifyRequest>,
) -> Result<Json<Value>, ApiError> {
    super::extract::caller_from_token(&state, &body.token).await?;
    Ok(Json(json!({})))
}

/// `POST /auth/logout`: ends this session (the access token presented, the refresh family).
pub async fn logout(
    State(state): State<AppState>,
    caller: Caller,
    ValidJson(body): ValidJson<LogoutRequest>,
) -> Result<StatusCode, ApiError> {
    sessions::logout(&state.tokens, state.sessions.as_ref(), &caller.claims, &body.refresh)
        .await
        .map_err(session_error)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /auth/logout-all`: ends every session of the caller, from the next request on.
pub async fn logout_all(State(state): State<AppState>, caller: Caller) -> Result<StatusCode, ApiError> {
    sessions::revoke_everything(state.sessions.as_ref(), &caller.claims.sub).await.map_err(session_error)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /.well-known/jwks.json`: the public keys, when tokens are signed asymmetrically.
pub async fn jwks(State(state): State<AppState>) -> Response {
    let jwks = state.tokens.keys().jwks();
    if jwks.keys.is_empty() {
        return ApiError::not_found("no public keys: tokens are signed with a shared secret (HS256)").into_response();
    }
    Json(jwks).into_response()
}

pub async fn start_session(state: &AppState, username: &str) -> Result<TokenResponse, ApiError> {
    sessions::start(&state.tokens, state.sessions.as_ref(), username)
        .await
        .map(TokenResponse::from)
        .map_err(session_error)
}

pub fn session_error(error: SessionError) -> ApiError {
    match error {
        SessionError::Store(failure) => ApiError::unavailable(&failure),
        SessionError::Token(auth::token::TokenError::Signing(_)) => ApiError::internal(&error),
        other => ApiError::unauthorized(super::extract::reason(&other)),
    }
}
