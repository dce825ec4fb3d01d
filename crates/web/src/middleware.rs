//! What makes the router a production one rather than a development one: request ids in every
//! log line, a request timeout, a body size limit (413), a panic in a handler answered with a
//! 500 envelope while the server keeps serving, and security headers, each a tower-http layer;
//! and the error envelope on every error, even those raised below the handlers, which is this
//! module's own function run by axum's `map_response`. The connection-level limits are the
//! server loop's, in `startup`.

use std::any::Any;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Request, Response, StatusCode, header};
use axum::response::IntoResponse;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::error::ApiError;
use crate::state::HttpSettings;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Wraps `router` in the production layers. Listed innermost first: the request id is set
/// before anything else runs, and the panic catcher sits inside the envelope.
pub fn production_layers(router: Router, http: &HttpSettings) -> Router {
    let mut router = router
        .layer(RequestBodyLimitLayer::new(http.body_limit_bytes))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, http.request_timeout))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(axum::middleware::map_response(envelope_bare_errors));
    for (name, value) in security_headers(http.https) {
        router = router.layer(SetResponseHeaderLayer::if_not_present(name, value));
    }
    router
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<Body>| {
            let request_id = request.headers().get(&REQUEST_ID).and_then(|id| id.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %request.method(), uri = %request.uri().path(), request_id = %request_id)
        }))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

fn security_headers(https: bool) -> Vec<(HeaderName, HeaderValue)> {
    let mut headers = vec![
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        // Not `no-referrer`: browsers then send `Origin: null` on form posts, defeating the Origin check.
        (header::REFERRER_POLICY, HeaderValue::from_static("same-origin")),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
            ),
        ),
        (HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin")),
    ];
    if https {
        headers
            .push((header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains")));
    }
    headers
}

/// A handler panicked: log it, answer 500 in the envelope, keep serving.
fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response<Body> {
    let detail = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    tracing::error!(panic = %detail, "a handler panicked");
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
}

/// Longest text of a lower layer's error kept as the message: axum's rejections are one short
/// sentence; anything longer is not meant for the client.
const BARE_MESSAGE_MAX_BYTES: usize = 200;

/// Errors raised below the handlers (timeout, body limit, unknown method, a rejected upgrade)
/// come as bare text or empty bodies: give them the API's envelope, keeping what the text said
/// when it is a short sentence. JSON and HTML pass as they are.
async fn envelope_bare_errors(response: Response<Body>) -> Response<Body> {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let content_type = response.headers().get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or("");
    if content_type.starts_with("application/json") || content_type.starts_with("text/html") {
        return response;
    }
    let (parts, body) = response.into_parts();
    let said = axum::body::to_bytes(body, BARE_MESSAGE_MAX_BYTES).await.ok();
    let said = said.as_deref().and_then(|bytes| std::str::from_utf8(bytes).ok()).map(str::trim).unwrap_or_default();
    let message = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "request body too large".to_owned(),
        StatusCode::SERVICE_UNAVAILABLE => "request timed out".to_owned(),
        StatusCode::METHOD_NOT_ALLOWED => "method not allowed for this route".to_owned(),
        _ if !said.is_empty() => said.to_owned(),
        other => other.canonical_reason().unwrap_or("error").to_lowercase(),
    };
    let mut enveloped = ApiError::new(status, message).into_response();
    if status == StatusCode::SERVICE_UNAVAILABLE {
        // A timed-out request may well succeed on a second try; say when, as every 503 does.
        enveloped.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(1));
    }
    // Keep what the lower layer said beyond the body (`Allow` on a 405, say).
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            enveloped.headers_mut().insert(name.clone(), value.clone());
        }
    }
    enveloped
}
