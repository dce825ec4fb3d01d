//! `/users`: admins manage everyone; each user manages their own account.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::accounts;
use domain::user::{Role, UserChanges};
use serde::Deserialize;
use usecases::{accounts as account_changes, jobs};

use super::auth::RegisterRequest;
use super::extract::{HasSchema, ValidJson};
use super::jobs::job_id;
use super::views::{Applied, CreatedUser, Deleted, UserAnswer, UserDetail, UserList, UserView, UserWithJobs};
use crate::caller::{Admin, SelfOrAdmin};
use crate::error::ApiError;
use crate::state::AppState;

/// A registration, and whether the account is an admin's.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserNew {
    #[serde(flatten)]
    account: RegisterRequest,
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

impl UserUpdate {
    pub fn has_password(&self) -> bool {
        self.password.is_some()
    }
}

impl From<UserUpdate> for UserChanges {
    fn from(body: UserUpdate) -> Self {
        UserChanges {
            first_name: body.first_name,
            last_name: body.last_name,
            email: body.email,
            password: body.password,
        }
    }
}

/// `POST /users`: an admin creates an account, possibly an admin, and gets its first token.
pub async fn create(
    State(state): State<AppState>,
    _: Admin,
    ValidJson(body): ValidJson<UserNew>,
) -> Result<(StatusCode, Json<CreatedUser>), ApiError> {
    let role = if body.is_admin { Role::Admin } else { Role::User };
    let (user, tokens) = account_changes::create_account(&state.ports, body.account.into(), role).await?;
    Ok((StatusCode::CREATED, Json(CreatedUser { user: UserView::from(&user), token: tokens.access.token })))
}

pub async fn list(State(state): State<AppState>, _: Admin) -> Result<Json<UserList>, ApiError> {
    let users = accounts::list_users(state.ports.users.as_ref()).await?;
    Ok(Json(UserList { users: users.iter().map(UserView::from).collect() }))
}

/// `GET /users/{username}`: the account and the ids of the jobs it applied to.
pub async fn get(
    State(state): State<AppState>,
    _: SelfOrAdmin,
    Path(username): Path<String>,
) -> Result<Json<UserDetail>, ApiError> {
    let detail = accounts::user_detail(state.ports.users.as_ref(), &username).await?;
    let user =
        UserWithJobs { user: UserView::from(&detail.user), jobs: detail.jobs.iter().map(|id| id.get()).collect() };
    Ok(Json(UserDetail { user }))
}

/// `PATCH /users/{username}`. A new password ends every session of that user.
pub async fn update(
    State(state): State<AppState>,
    _: SelfOrAdmin,
    Path(username): Path<String>,
    ValidJson(body): ValidJson<UserUpdate>,
) -> Result<Json<UserAnswer>, ApiError> {
    let user = account_changes::update_user(&state.ports, &username, &body.into()).await?;
    Ok(Json(UserAnswer { user: UserView::from(&user) }))
}

/// `DELETE /users/{username}`: the account, its applications, and every token it holds.
pub async fn delete(
    State(state): State<AppState>,
    _: SelfOrAdmin,
    Path(username): Path<String>,
) -> Result<Json<Deleted>, ApiError> {
    account_changes::delete_user(&state.ports, &username).await?;
    Ok(Json(Deleted { deleted: username }))
}

/// `POST /users/{username}/jobs/{id}`: that user applies; admins watching the feed see it.
pub async fn apply(
    State(state): State<AppState>,
    _: SelfOrAdmin,
    Path((username, id)): Path<(String, String)>,
) -> Result<(StatusCode, Json<Applied>), ApiError> {
    let application = jobs::apply(&state.ports, &username, job_id(&id)?).await?;
    Ok((StatusCode::CREATED, Json(Applied { applied: application.job.get() })))
}
