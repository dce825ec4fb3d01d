//! What every page shares: who is signed in (for the header), rendering with the headers a
//! personal page needs, whether a request comes from a browser, and the Origin check of form
//! posts.

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use usecases::sessions::Caller;

use crate::error::ApiError;
use crate::state::AppState;

/// The signed-in user, as the header shows them.
pub struct Viewer {
    pub username: String,
    pub is_admin: bool,
}

/// What the layout of every page needs.
pub struct Layout {
    pub user: Option<Viewer>,
}

impl Layout {
    pub fn of(caller: &Caller) -> Self {
        Self { user: Some(Viewer { username: caller.user.username.as_str().to_owned(), is_admin: caller.is_admin() }) }
    }

    pub fn anonymous() -> Self {
        Self { user: None }
    }
}

/// A page as HTML with `status`. Pages are personal: no cache keeps one, so the back button
/// after logging out asks the server again instead of showing what the last user saw.
pub fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => {
            let mut response = (status, Html(html)).into_response();
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(error) => ApiError::internal(&error).into_response(),
    }
}

/// Whether the request comes from a browser navigating (it asks for HTML); API clients ask for
/// JSON or for anything.
pub fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

/// A local path to come back to (`/companies/acme?x=1`): never `//host` or `https://…`, which
/// would make the login page an open redirect. A browser reads `\` as `/` and drops tabs and
/// newlines before it reads the rest, so none of those may hide a second slash.
pub fn local_path(next: &str) -> Option<&str> {
    let hides_a_host = next.contains('\\') || next.contains(char::is_control);
    (next.starts_with('/') && !next.starts_with("//") && !hides_a_host).then_some(next)
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

/// A salary as people read it: `120,000`.
pub fn thousands(amount: i32) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if amount < 0 { format!("-{grouped}") } else { grouped }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_local_path_is_a_place_to_come_back_to() {
        assert_eq!(local_path("/companies/acme?x=1"), Some("/companies/acme?x=1"));
        // Browsers drop tabs and newlines from a URL before reading it: `/\t/evil.example`
        // is `//evil.example` to them.
        for elsewhere in [
            "//evil.example/",
            "https://evil.example/",
            "/\\evil.example",
            "jobs",
            "/\t/evil.example",
            "/\n/evil.example",
        ] {
            assert_eq!(local_path(elsewhere), None, "{elsewhere}");
        }
    }

    #[test]
    fn salaries_are_grouped_by_thousands() {
        assert_eq!(
            [thousands(0), thousands(999), thousands(1000), thousands(120000)],
            ["0", "999", "1,000", "120,000"]
        );
    }
}
