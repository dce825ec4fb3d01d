//! `GET /ws`: the live feed. The jobs page keeps one WebSocket open and is told when a job is
//! posted; admins are also told when someone applies. Compare with polling: no request per
//! client per interval, and news arrives when it happens (docs/websockets.md).

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::Response;
use axum_extra::extract::CookieJar;
use serde_json::{Value, json};
use tokio::sync::broadcast;

use super::extract::{Caller, caller_from_token};
use crate::error::ApiError;
use crate::pages::SESSION_COOKIE;
use crate::state::AppState;

/// Something that happened, as the feed tells it.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A job was posted: everyone sees it.
    JobPosted(Value),
    /// Someone applied: admins only.
    Applied(Value),
}

impl Event {
    fn visible_to(&self, caller_is_admin: bool) -> bool {
        match self {
            Event::JobPosted(_) => true,
            Event::Applied(_) => caller_is_admin,
        }
    }

    fn message(&self) -> String {
        match self {
            Event::JobPosted(job) => json!({ "type": "jobPosted", "job": job }),
            Event::Applied(application) => json!({ "type": "applied", "application": application }),
        }
        .to_string()
    }
}

/// The caller of a WebSocket upgrade: a browser cannot set headers on one, so the session
/// cookie counts too, and a cross-site page must not ride on it (the Origin is checked).
pub struct FeedCaller(pub Caller);

impl FromRequestParts<AppState> for FeedCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(origin) = parts.headers.get(header::ORIGIN)
            && origin.as_bytes() != state.http.public_origin.as_bytes()
        {
            return Err(ApiError::forbidden("cross-origin WebSocket refused"));
        }
        if parts.headers.contains_key(header::AUTHORIZATION) {
            return Caller::from_request_parts(parts, state).await.map(Self);
        }
        let jar = CookieJar::from_headers(&parts.headers);
        let token = jar.get(SESSION_COOKIE).ok_or_else(|| ApiError::unauthorized("missing bearer token or session"))?;
        caller_from_token(state, token.value()).await.map(Self)
    }
}

pub async fn feed(
    State(state): State<AppState>,
    FeedCaller(caller): FeedCaller,
    upgrade: WebSocketUpgrade,
) -> Response {
    let events = state.events.subscribe();
    let is_admin = caller.is_admin();
    upgrade.on_upgrade(move |socket| relay(socket, events, is_admin))
}

async fn relay(mut socket: WebSocket, mut events: broadcast::Receiver<Event>, is_admin: bool) {
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Ok(event) if event.visible_to(is_admin) => {
                    if socket.send(Message::Text(event.message().into())).await.is_err() {
                        break;
                    }
                }
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => break,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
        }
    }
}
