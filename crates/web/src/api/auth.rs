//! `/auth/*` and the JWKS: logging in, registering, refreshing, verifying, logging out.

use auth::sessions::TokenPair;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::accounts::Registration;
use schemars::{JsonSchema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};
use usecases::sessions::{self, LoginAttempt};

use super::extract::{HasSchema, ValidJson};
use super::views::Verified;
use crate::caller::{ClientAddress, LoggedIn, identify};
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

#[derive(Debug, Serialize, JsonSchema)]
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

/// `POST /auth/token`: a token pair for the right password (throttled; an unknown user and a
/// wrong password get the same answer in about the same time).
pub async fn token(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    ValidJson(body): ValidJson<TokenRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    let attempt = LoginAttempt { username: &body.username, password: &body.password, client: &client };
    Ok(Json(sessions::log_in(&state.ports, attempt).await?.into()))
}

/// `POST /auth/register`: a new, non-admin account and its first token pair.
pub async fn register(
    State(state): State<AppState>,
    ValidJson(body): ValidJson<RegisterRequest>,
) -> Result<(StatusCode, Json<TokenResponse>), ApiError> {
    let pair = sessions::register(&state.ports, body.into()).await?;
    Ok((StatusCode::CREATED, Json(pair.into())))
}

/// `POST /auth/refresh`: a new pair for a refresh token, which is consumed.
pub async fn refresh(
    State(state): State<AppState>,
    ValidJson(body): ValidJson<RefreshRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    Ok(Json(sessions::refresh(&state.ports, &body.refresh).await?.into()))
}

/// `POST /auth/verify`: 200 `{}` when the access token is valid and not revoked, 401 otherwise.
pub async fn verify(
    State(state): State<AppState>,
    ValidJson(body): ValidJson<VerifyRequest>,
) -> Result<Json<Verified>, ApiError> {
    identify(&state, &body.token).await?;
    Ok(Json(Verified {}))
}

/// `POST /auth/logout`: ends this session (the access token presented, the refresh family).
pub async fn logout(
    State(state): State<AppState>,
    LoggedIn(caller): LoggedIn,
    ValidJson(body): ValidJson<LogoutRequest>,
) -> Result<StatusCode, ApiError> {
    sessions::log_out(&state.ports, &caller, Some(&body.refresh)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /auth/logout-all`: ends every session of the caller, from the next request on.
pub async fn logout_all(State(state): State<AppState>, LoggedIn(caller): LoggedIn) -> Result<StatusCode, ApiError> {
    sessions::log_out_everywhere(&state.ports, &caller).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /.well-known/jwks.json`: the public keys, when tokens are signed asymmetrically.
pub async fn jwks(State(state): State<AppState>) -> Result<Json<Jwks>, ApiError> {
    let jwks = state.ports.tokens.keys().jwks();
    if jwks.keys.is_empty() {
        return Err(ApiError::not_found("no public keys: tokens are signed with a shared secret (HS256)"));
    }
    Ok(Json(Jwks(jwks)))
}

/// RFC 7517's key set, as jsonwebtoken writes it.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct Jwks(auth::keys::JwkSet);

impl JsonSchema for Jwks {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Jwks".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> schemars::Schema {
        json_schema!({
            "description": "RFC 7517 JSON Web Key Set: the public keys that verify access tokens",
            "type": "object",
            "required": ["keys"],
            "properties": { "keys": { "type": "array", "items": {
                "type": "object",
                "required": ["kty"],
                "properties": { "kty": { "type": "string" }, "kid": { "type": "string" }, "alg": { "type": "string" } },
            }}},
        })
    }
}
