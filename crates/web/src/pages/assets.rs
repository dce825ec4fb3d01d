//! The pages' stylesheet, icon and live-feed script, compiled into the binary: no CDN, nothing
//! to deploy beside it, and a Content-Security-Policy of `'self'` covers them.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

const FILES: [(&str, &str, &str); 3] = [
    ("app.css", "text/css; charset=utf-8", include_str!("../../static/app.css")),
    ("favicon.svg", "image/svg+xml", include_str!("../../static/favicon.svg")),
    ("feed.js", "text/javascript; charset=utf-8", include_str!("../../static/feed.js")),
];

/// `GET /static/{file}`.
pub async fn file(Path(name): Path<String>) -> Response {
    match FILES.iter().find(|(file, _, _)| *file == name) {
        Some((_, content_type, text)) => {
            let mut response = (*text).into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            // Short: a new deploy's stylesheet shows within the hour without versioned names.
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
            response
        }
        None => ApiError::not_found(format!("no file {name}")).into_response(),
    }
}
