//! `/users`: admins manage everyone; each user manages their own account.

use auth::sessions;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::accounts::{self, Registration};
use domain::user::{Role, UserChanges};
use serde::Deserialize;
use serde_json::{Value, json};

use super::auth::{session_error, start_session};
use super::extract::{Admin, HasSchema, SelfOrAdmin, ValidJson};
use super::jobs::job_id;
use super::views::UserView;
use super::ws::Event;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserNew {
    username: String,
    password: String,
    first_name: String,
    last_name: String,
    email: String,
    #[serde(default)]
    is_admin: bool,
}

impl HasSchema for UserNew {
    const SCHEMA: &'static str = "user-new";
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserUpdate {
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    password: Option<String>,
}

impl HasSchema for UserUpdate {
    const SCHEMA: &'static str = "user-update";
}

/// `POST /users`: an admin creates an account, possibly an admin, and gets its first token.
pub async fn create(
    State(state): State<AppState>,
    _: Admin,
    ValidJson(body): ValidJson<UserNew>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let role = if body.is_admin { Role::Admin } else { Role::User };
    let registration = Registration {
        username: body.username,
        password: body.password,
        first_name: body.first_name,
        last_name: body.last_name,
        email: body.email,
    };
    let user = accounts::create_account(state.accounts(), registration, role).await?;
    let tokens = start_session(&state, user.username.as_str()).await?;
    Ok((StatusCode::CREATED, Json(json!({ "user": UserView::from(&user), "token": tokens.token }))))
}

pub async fn list(State(state): State<AppState>, _: Admin) -> Result<Json<Value>, ApiError> {
    let users = accounts::list_users(state.users.as_ref()).await?;
    Ok(Json(json!({ "users": users.iter().map(UserView::from).collect::<Vec<_>>() })))
}

/// `GET /users/{username}`: the account and the ids of the jobs it applied to.
pub async fn get(
    State(state): State<AppState>,
    _: SelfOrAdmin,
    Path(username): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let detail = accounts::user_detail(state.users.as_ref(), &username).await?;
    let mut user = json!(UserView::from(&detail.user));
    user["jobs"] = json!(detail.jobs.iter().map(|id| id.get()).collect::<Vec<_>>());
    Ok(Json(json!({ "user": user })))
}

/// `PATCH /users/{username}`. A new password ends every session of that user: tokens issued
/// before it are refused from the next request.
pub async fn update(
    State(state): State<AppState>,
    _: SelfOrAdmin,
    Path(username): Path<String>,
    ValidJson(body): ValidJson<UserUpdate>,
) -> Result<Json<Value>, ApiError> {
    let password_changes = body.password.is_some();
    let changes = UserChanges {
        first_name: body.first_name,
        last_name: body.last_name,
        email: body.email,
        password: body.password,
    };
    let user = accounts::update_user(state.accounts(), &username, &changes).await?;
    if password_changes {
        sessions::revoke_everything(state.sessions.as_ref(), user.username.as_str()).await.map_err(session_error)?;
    }
    Ok(Json(json!({ "user": UserView::from(&user) })))
}

/// `DELETE /users/{username}`: the account, its applications, and every token it holds.
pub async fn delete(
    State(state): State<AppState>,
    _: SelfOrAdmin,
    Path(username): Path<String>,
) -> Result<Json<Value>, ApiError> {
    accounts::delete_user(state.users.as_ref(), &username).await?;
    sessions::revoke_everything(state.sessions.as_ref(), &username).await.map_err(session_error)?;
    Ok(Json(json!({ "deleted": username })))
}

/// `POST /users/{username}/jobs/{id}`: that user applies; admins watching the feed see it.
pub async fn apply(
    State(state): State<AppState>,
    _: SelfOrAdmin,
    Path((username, id)): Path<(String, String)>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let job = accounts::apply(state.users.as_ref(), &username, job_id(&id)?).await?.job;
    let _ = state.events.send(Event::Applied(json!({ "username": username, "jobId": job.get() })));
    Ok((StatusCode::CREATED, Json(json!({ "applied": job.get() }))))
}
