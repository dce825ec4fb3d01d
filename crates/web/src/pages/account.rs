//! The account page: who you are, a new password (which signs you out everywhere), and
//! logging out everywhere.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use domain::user::UserChanges;

use super::forms::{self, FormState};
use super::layout::{Layout, SameOrigin, render};
use super::session::{SignedIn, signed_out};
use crate::api::users::UserUpdate;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    layout: Layout,
    username: String,
    name: String,
    email: String,
    form: FormState,
}

fn page(caller: &usecases::sessions::Caller, form: FormState) -> AccountPage {
    let user = &caller.user;
    AccountPage {
        layout: Layout::of(caller),
        username: user.username.as_str().to_owned(),
        name: format!("{} {}", user.first_name.as_str(), user.last_name.as_str()),
        email: user.email.as_str().to_owned(),
        form,
    }
}

pub async fn show(SignedIn(caller): SignedIn) -> Response {
    render(StatusCode::OK, &page(&caller, FormState::default()))
}

/// The API's `PATCH /users/{username}` with a new password, from a form. Every session of the
/// user ends, this one too: the browser is sent to sign in again.
pub async fn change_password(
    State(state): State<AppState>,
    _: SameOrigin,
    SignedIn(caller): SignedIn,
    jar: CookieJar,
    body: String,
) -> Response {
    let refused = |form: FormState| render(StatusCode::BAD_REQUEST, &page(&caller, form));
    let changes: UserChanges = match forms::parse::<UserUpdate>(&state.schemas, &body) {
        Ok(update) if update.has_password() => update.into(),
        Ok(_) => return refused(FormState::submitted(&body).with_errors(&["password: is required".to_owned()])),
        Err(violations) => return refused(FormState::submitted(&body).with_errors(&violations)),
    };
    match usecases::accounts::update_user(&state.ports, caller.user.username.as_str(), &changes).await {
        Ok(_) => (signed_out(jar), Redirect::to("/login?reason=changed")).into_response(),
        Err(error) => {
            let error = ApiError::from(error);
            if error.status.is_server_error() {
                return error.into_response();
            }
            refused(FormState::submitted(&body).with_error(error))
        }
    }
}
