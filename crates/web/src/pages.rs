//! The server-rendered pages. A browser session is the access token in an HttpOnly,
//! SameSite=Strict cookie: scripts cannot read it and other sites cannot send it.

use askama::Template;
use auth::sessions;
use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use domain::DomainError;
use domain::accounts;
use serde::Deserialize;

use crate::error::ApiError;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "jobboard_session";

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    username: &'a str,
    error: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    username: &'a str,
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
}

pub async fn login_form() -> Response {
    render(StatusCode::OK, &LoginPage { username: "", error: None })
}

pub async fn login(
    State(state): State<AppState>,
    jar: CookieJar,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        let page = LoginPage { username: "", error: Some("Enter a username and a password.") };
        return render(StatusCode::BAD_REQUEST, &page);
    };
    match accounts::authenticate(state.users.as_ref(), state.passwords.as_ref(), &form.username, &form.password).await {
        Ok(user) => match sessions::start(&state.tokens, state.sessions.as_ref(), user.username.as_str()).await {
            Ok(pair) => {
                let cookie = Cookie::build((SESSION_COOKIE, pair.access.token))
                    .http_only(true)
                    .same_site(SameSite::Strict)
                    .secure(state.secure_cookies)
                    .path("/")
                    .max_age(time::Duration::seconds(pair.access.expires_in_seconds));
                (jar.add(cookie), Redirect::to("/")).into_response()
            }
            Err(error) => ApiError::internal(&error).into_response(),
        },
        Err(DomainError::BadCredentials) => {
            let page = LoginPage { username: &form.username, error: Some("Invalid username or password.") };
            render(StatusCode::UNAUTHORIZED, &page)
        }
        Err(other) => ApiError::from(other).into_response(),
    }
}

/// The jobs page; without a valid session, the login page.
pub async fn home(State(state): State<AppState>, jar: CookieJar) -> Response {
    let claims = match jar.get(SESSION_COOKIE) {
        Some(cookie) => sessions::authenticate(&state.tokens, state.sessions.as_ref(), cookie.value()).await.ok(),
        None => None,
    };
    match claims {
        Some(claims) => render(StatusCode::OK, &HomePage { username: &claims.sub }),
        None => Redirect::to("/login").into_response(),
    }
}

pub async fn logout(jar: CookieJar) -> impl IntoResponse {
    (jar.remove(Cookie::build(SESSION_COOKIE).path("/")), Redirect::to("/login"))
}

fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => ApiError::internal(&error).into_response(),
    }
}
