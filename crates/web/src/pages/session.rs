//! The browser's session: logging in and registering, renewing the session silently, and
//! logging out.
//!
//! A session is two cookies, both HttpOnly (scripts cannot read them) and SameSite=Strict
//! (other sites cannot send them), Secure over https: the access token on every path, and the
//! refresh token on `/session` only, where it is used. A page whose access token is missing,
//! expired or revoked sends the browser to `/session/refresh`, which exchanges the refresh token
//! for a new pair (rotation and reuse detection apply) and sends it back where it was going; a
//! refresh that fails lands on the login page, which says the session ended.

use askama::Template;
use auth::sessions::TokenPair;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use domain::DomainError;
use serde::Deserialize;
use usecases::UseCaseError;
use usecases::sessions::{self, Caller, LoginAttempt};

use super::forms::{self, FormState};
use super::layout::{Layout, SameOrigin, local_path, render};
use crate::api::auth::RegisterRequest;
use crate::caller::{ClientAddress, SESSION_COOKIE};
use crate::error::ApiError;
use crate::state::AppState;

/// The refresh token's cookie, sent to the session's own endpoints only.
pub const REFRESH_COOKIE: &str = "jobboard_refresh";
const REFRESH_PATH: &str = "/session";

/// A browser with a session: the caller behind its access cookie. Without one (never signed
/// in, expired, revoked), the browser is sent to renew it, then back to the page it asked for.
pub struct SignedIn(pub Caller);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let token = CookieJar::from_headers(&parts.headers).get(SESSION_COOKIE).map(|cookie| cookie.value().to_owned());
        let outcome = match token {
            Some(token) => sessions::identify(&state.ports, &token).await,
            None => Err(UseCaseError::Unauthenticated("no session")),
        };
        match outcome {
            Ok(caller) => Ok(Self(caller)),
            Err(UseCaseError::Unauthenticated(_)) => {
                let here = parts.uri.path_and_query().map_or("/", |path| path.as_str());
                Err(Redirect::to(&format!("/session/refresh?next={}", encode(here))).into_response())
            }
            Err(other) => Err(ApiError::from(other).into_response()),
        }
    }
}

/// The header for the browser that sent `headers`: its user while its session cookie holds,
/// anonymous otherwise (never a redirect: this is for pages that show whoever comes).
pub async fn signed_in_viewer(state: &AppState, headers: &HeaderMap) -> Layout {
    let Some(token) = CookieJar::from_headers(headers).get(SESSION_COOKIE).map(|cookie| cookie.value().to_owned())
    else {
        return Layout::anonymous();
    };
    match sessions::identify(&state.ports, &token).await {
        Ok(caller) => Layout::of(&caller),
        Err(_) => Layout::anonymous(),
    }
}

/// A browser with an admin's session; anyone else signed in gets the 403 page.
pub struct SignedInAdmin(pub Caller);

impl FromRequestParts<AppState> for SignedInAdmin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let SignedIn(caller) = SignedIn::from_request_parts(parts, state).await?;
        if !caller.is_admin() {
            return Err(ApiError::forbidden("this page is for admins").into_response());
        }
        Ok(Self(caller))
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    layout: Layout,
    username: &'a str,
    next: &'a str,
    notice: Option<&'a str>,
    error: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    layout: Layout,
    form: FormState,
}

#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    /// Why the browser is here: `ended` (its session could not be renewed), `changed` (its
    /// password was changed, which ends every session).
    reason: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn login_form(Query(query): Query<LoginQuery>) -> Response {
    let notice = match query.reason.as_deref() {
        Some("ended") => Some("Your session has ended, please sign in again."),
        Some("changed") => Some("Your password was changed: you are signed out everywhere. Sign in with the new one."),
        _ => None,
    };
    let next = query.next.as_deref().and_then(local_path).unwrap_or("/");
    render(StatusCode::OK, &LoginPage { layout: Layout::anonymous(), username: "", next, notice, error: None })
}

/// Checks the password (throttled, like the API's `POST /auth/token`), starts the session, and
/// sends the browser where it was going.
pub async fn log_in(
    State(state): State<AppState>,
    _: SameOrigin,
    ClientAddress(client): ClientAddress,
    jar: CookieJar,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        let page = LoginPage {
            layout: Layout::anonymous(),
            username: "",
            next: "/",
            notice: None,
            error: Some("Enter a username and a password."),
        };
        return render(StatusCode::BAD_REQUEST, &page);
    };
    let next = local_path(&form.next).unwrap_or("/");
    let attempt = LoginAttempt { username: &form.username, password: &form.password, client: &client };
    let (status, error) = match sessions::log_in(&state.ports, attempt).await {
        Ok(pair) => return (signed_in(jar, &state, pair), Redirect::to(next)).into_response(),
        Err(UseCaseError::Throttled(retry)) => {
            (StatusCode::TOO_MANY_REQUESTS, format!("Too many failed attempts. Try again in {} seconds.", retry.0))
        }
        Err(UseCaseError::Domain(DomainError::BadCredentials)) => {
            (StatusCode::UNAUTHORIZED, "Invalid username or password.".to_owned())
        }
        Err(other) => return ApiError::from(other).into_response(),
    };
    let page =
        LoginPage { layout: Layout::anonymous(), username: &form.username, next, notice: None, error: Some(&error) };
    render(status, &page)
}

pub async fn register_form() -> Response {
    render(StatusCode::OK, &RegisterPage { layout: Layout::anonymous(), form: FormState::default() })
}

/// The API's registration, from a form: the same schema, rules and messages.
pub async fn register(State(state): State<AppState>, _: SameOrigin, jar: CookieJar, body: String) -> Response {
    let refused = |messages: &[String]| {
        let page =
            RegisterPage { layout: Layout::anonymous(), form: FormState::submitted(&body).with_errors(messages) };
        render(StatusCode::BAD_REQUEST, &page)
    };
    let registration = match forms::parse::<RegisterRequest>(&state.schemas, &body) {
        Ok(registration) => registration,
        Err(violations) => return refused(&violations),
    };
    match sessions::register(&state.ports, registration.into()).await {
        Ok(pair) => (signed_in(jar, &state, pair), Redirect::to("/")).into_response(),
        Err(error) => {
            let error = ApiError::from(error);
            if error.status == StatusCode::SERVICE_UNAVAILABLE {
                return error.into_response();
            }
            let form = FormState::submitted(&body).with_error(error);
            render(StatusCode::BAD_REQUEST, &RegisterPage { layout: Layout::anonymous(), form })
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct RefreshQuery {
    next: Option<String>,
}

/// Renews the session silently with the refresh cookie and sends the browser back; without
/// one, or when it is refused, to the login page.
pub async fn refresh(State(state): State<AppState>, jar: CookieJar, Query(query): Query<RefreshQuery>) -> Response {
    let next = query.next.as_deref().and_then(local_path).unwrap_or("/");
    let login = |reason: &str| {
        let reason = if reason.is_empty() { String::new() } else { format!("&reason={reason}") };
        Redirect::to(&format!("/login?next={}{reason}", encode(next)))
    };
    let Some(refresh) = jar.get(REFRESH_COOKIE).map(|cookie| cookie.value().to_owned()) else {
        return (signed_out(jar), login("")).into_response();
    };
    match sessions::refresh(&state.ports, &refresh).await {
        Ok(pair) => (signed_in(jar, &state, pair), Redirect::to(next)).into_response(),
        Err(UseCaseError::Unauthenticated(_)) => (signed_out(jar), login("ended")).into_response(),
        Err(other) => ApiError::from(other).into_response(),
    }
}

/// Ends this browser's session: both of its tokens are revoked, not just forgotten.
pub async fn log_out(State(state): State<AppState>, _: SameOrigin, jar: CookieJar) -> Response {
    let access = jar.get(SESSION_COOKIE).map(|cookie| cookie.value().to_owned());
    let refresh = jar.get(REFRESH_COOKIE).map(|cookie| cookie.value().to_owned());
    if let Err(error) = sessions::end_browser_session(&state.ports, access.as_deref(), refresh.as_deref()).await
        && !matches!(error, UseCaseError::Unauthenticated(_))
    {
        return ApiError::from(error).into_response();
    }
    (signed_out(jar), Redirect::to("/login")).into_response()
}

/// Ends every session of the signed-in user, on every device, from their next request on.
pub async fn log_out_everywhere(
    State(state): State<AppState>,
    _: SameOrigin,
    SignedIn(caller): SignedIn,
    jar: CookieJar,
) -> Response {
    match sessions::log_out_everywhere(&state.ports, &caller).await {
        Ok(()) => (signed_out(jar), Redirect::to("/login")).into_response(),
        Err(error) => ApiError::from(error).into_response(),
    }
}

/// The browser's two cookies for `pair`.
pub fn signed_in(jar: CookieJar, state: &AppState, pair: TokenPair) -> CookieJar {
    let access = Cookie::build((SESSION_COOKIE, pair.access.token))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.http.https)
        .path("/")
        .max_age(time::Duration::seconds(pair.access.expires_in_seconds));
    let refresh = Cookie::build((REFRESH_COOKIE, pair.refresh.token))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.http.https)
        .path(REFRESH_PATH)
        .max_age(time::Duration::seconds(state.ports.tokens.settings().refresh_ttl_seconds));
    jar.add(access).add(refresh)
}

/// Both cookies removed.
pub fn signed_out(jar: CookieJar) -> CookieJar {
    jar.remove(Cookie::build(SESSION_COOKIE).path("/")).remove(Cookie::build(REFRESH_COOKIE).path(REFRESH_PATH))
}

fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
