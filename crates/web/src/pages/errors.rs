//! Error pages for browsers. The API answers every error in its JSON envelope; a browser that
//! navigates somewhere wrong (a page that does not exist, an admin page, a bug of ours, a
//! throttle) gets the same status and message as a page, with the wait when there is one.
//! API clients, who do not ask for HTML, keep the envelope.

use askama::Template;
use axum::body::to_bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::Value;

use super::layout::{Layout, render, wants_html};
use super::session::signed_in_viewer;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    status: u16,
    title: &'static str,
    message: String,
    retry_after: Option<String>,
}

/// An envelope is a few hundred bytes; anything bigger is not one of ours.
const LARGEST_ENVELOPE: usize = 64 * 1024;

/// Turns the JSON error envelope into an HTML page when the request came from a browser, with
/// the header of whoever is signed in, so that the way on (or out) is still there.
pub async fn html_for_browsers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let browser = wants_html(request.headers());
    let headers = browser.then(|| request.headers().clone());
    let response = next.run(request).await;
    let is_envelope = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|content_type| content_type.as_bytes().starts_with(b"application/json"));
    if !browser || !is_envelope || !(response.status().is_client_error() || response.status().is_server_error()) {
        return response;
    }
    let layout = match &headers {
        Some(headers) => signed_in_viewer(&state, headers).await,
        None => Layout::anonymous(),
    };
    let (parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, LARGEST_ENVELOPE).await else {
        return render(parts.status, &page(layout, parts.status, "something went wrong".into(), None));
    };
    let message = match serde_json::from_slice::<Value>(&bytes).ok().map(|body| body["error"]["message"].clone()) {
        Some(Value::String(message)) => message,
        Some(Value::Array(messages)) => messages.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("; "),
        _ => "something went wrong".into(),
    };
    let retry_after = parts.headers.get(header::RETRY_AFTER).and_then(|value| value.to_str().ok()).map(str::to_owned);
    let mut html = render(parts.status, &page(layout, parts.status, message, retry_after.clone()));
    if let Some(seconds) = retry_after.and_then(|seconds| HeaderValue::from_str(&seconds).ok()) {
        html.headers_mut().insert(header::RETRY_AFTER, seconds);
    }
    html
}

fn page(layout: Layout, status: StatusCode, message: String, retry_after: Option<String>) -> ErrorPage {
    let title = match status {
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::FORBIDDEN => "Not allowed",
        StatusCode::UNAUTHORIZED => "Sign in first",
        StatusCode::TOO_MANY_REQUESTS => "Too many requests",
        StatusCode::SERVICE_UNAVAILABLE => "Temporarily unavailable",
        status if status.is_server_error() => "Something went wrong on our side",
        _ => "That did not work",
    };
    ErrorPage { layout, status: status.as_u16(), title, message, retry_after }
}
