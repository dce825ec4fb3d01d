//! `GET /users/{username}`.

use axum::Json;
use axum::extract::{Path, State};
use domain::accounts;
use domain::user::User;
use serde::Serialize;
use serde_json::{Value, json};

use super::extract::BearerClaims;
use crate::error::ApiError;
use crate::state::AppState;

/// A user as the API shows it: never the password hash, which the domain's `User` lacks anyway.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    pub username: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub is_admin: bool,
}

impl From<User> for UserView {
    fn from(user: User) -> Self {
        Self {
            username: user.username.as_str().to_owned(),
            first_name: user.first_name.as_str().to_owned(),
            last_name: user.last_name.as_str().to_owned(),
            email: user.email.as_str().to_owned(),
            is_admin: user.is_admin,
        }
    }
}

/// Only the user themself may read their account.
pub async fn get_user(
    State(state): State<AppState>,
    BearerClaims(claims): BearerClaims,
    Path(username): Path<String>,
) -> Result<Json<Value>, ApiError> {
    if claims.sub != username {
        return Err(ApiError::forbidden("you may only read your own account"));
    }
    let user = accounts::find_user(state.users.as_ref(), &username).await?;
    Ok(Json(json!({ "user": UserView::from(user) })))
}
