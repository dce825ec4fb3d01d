//! The server-rendered pages. A browser session is the access token in an HttpOnly,
//! SameSite=Strict cookie (Secure over https): scripts cannot read it and other sites cannot
//! send it. State-changing form posts also check the Origin, for browsers and proxies that do
//! not honour SameSite.

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use domain::DomainError;
use serde::Deserialize;
use usecases::UseCaseError;
use usecases::sessions::{self, LoginAttempt};

use crate::caller::{ClientAddress, SESSION_COOKIE, identify};
use crate::error::ApiError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home)).route("/login", get(login_form).post(login)).route("/logout", post(logout))
}

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

/// A form post whose Origin (or, failing that, Referer) is our own, or that names none (not a
/// browser). Anything else is refused with 403 before the handler runs.
pub struct SameOrigin;

impl FromRequestParts<AppState> for SameOrigin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let ours = state.http.public_origin.as_str();
        let claimed = match (parts.headers.get(header::ORIGIN), parts.headers.get(header::REFERER)) {
            (Some(origin), _) => Some(origin.to_str().unwrap_or("").to_owned()),
            (None, Some(referer)) => {
                let referer = referer.to_str().unwrap_or("");
                Some(url::Url::parse(referer).map(|url| url.origin().ascii_serialization()).unwrap_or_default())
            }
            (None, None) => None,
        };
        match claimed {
            Some(origin) if origin != ours => Err(ApiError::forbidden("cross-origin form post refused")),
            _ => Ok(Self),
        }
    }
}

pub async fn login_form() -> Response {
    render(StatusCode::OK, &LoginPage { username: "", error: None })
}

pub async fn login(
    State(state): State<AppState>,
    _: SameOrigin,
    ClientAddress(client): ClientAddress,
    jar: CookieJar,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        let page = LoginPage { username: "", error: Some("Enter a username and a password.") };
        return render(StatusCode::BAD_REQUEST, &page);
    };
    let attempt = LoginAttempt { username: &form.username, password: &form.password, client: &client };
    let (status, error) = match sessions::log_in(&state.ports, attempt).await {
        Ok(pair) => {
            let cookie = Cookie::build((SESSION_COOKIE, pair.access.token))
                .http_only(true)
                .same_site(SameSite::Strict)
                .secure(state.http.https)
                .path("/")
                .max_age(time::Duration::seconds(pair.access.expires_in_seconds));
            return (jar.add(cookie), Redirect::to("/")).into_response();
        }
        Err(UseCaseError::Throttled(retry)) => {
            (StatusCode::TOO_MANY_REQUESTS, format!("Too many failed attempts. Try again in {} seconds.", retry.0))
        }
        Err(UseCaseError::Domain(DomainError::BadCredentials)) => {
            (StatusCode::UNAUTHORIZED, "Invalid username or password.".to_owned())
        }
        Err(other) => return ApiError::from(other).into_response(),
    };
    render(status, &LoginPage { username: &form.username, error: Some(&error) })
}

/// The jobs page; without a valid session, the login page.
pub async fn home(State(state): State<AppState>, jar: CookieJar) -> Response {
    let caller = match jar.get(SESSION_COOKIE) {
        Some(cookie) => identify(&state, cookie.value()).await.ok(),
        None => None,
    };
    match caller {
        Some(caller) => render(StatusCode::OK, &HomePage { username: caller.user.username.as_str() }),
        None => Redirect::to("/login").into_response(),
    }
}

/// Ends the browser session: the cookie's token is revoked, not just forgotten.
pub async fn logout(State(state): State<AppState>, _: SameOrigin, jar: CookieJar) -> Response {
    if let Some(cookie) = jar.get(SESSION_COOKIE)
        && let Ok(caller) = identify(&state, cookie.value()).await
        && let Err(error) = sessions::log_out(&state.ports, &caller, None).await
    {
        return ApiError::from(error).into_response();
    }
    (jar.remove(Cookie::build(SESSION_COOKIE).path("/")), Redirect::to("/login")).into_response()
}

fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => ApiError::internal(&error).into_response(),
    }
}
