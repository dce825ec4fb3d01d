//! `GET /ws`: the live feed. The jobs page keeps one WebSocket open and is told when a job is
//! posted; admins are also told when someone applies. Compare with polling: no request per
//! client per interval, and news arrives when it happens (docs/websockets.md).

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, close_code};
use axum::extract::{FromRequestParts, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::Response;
use domain::user::User;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;
use usecases::events::Event;
use usecases::sessions::Caller;

use super::views::event_message;
use crate::caller::{bearer_token, identify, session_token};
use crate::error::ApiError;
use crate::state::AppState;

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
        let token = match bearer_token(&parts.headers)? {
            Some(token) => token.to_owned(),
            None => session_token(&parts.headers)
                .ok_or_else(|| ApiError::unauthorized("missing bearer token or session"))?,
        };
        identify(state, &token).await.map(Self)
    }
}

pub async fn feed(
    State(state): State<AppState>,
    FeedCaller(caller): FeedCaller,
    upgrade: WebSocketUpgrade,
) -> Response {
    let events = state.feed.subscribe();
    let sockets = state.sockets.clone();
    upgrade.on_upgrade(move |socket| sockets.open.track_future(relay(socket, events, caller.user, sockets.closing)))
}

/// Forwards every event `user` may see until either side closes, or the server shuts down.
async fn relay(mut socket: WebSocket, mut events: broadcast::Receiver<Event>, user: User, closing: CancellationToken) {
    loop {
        tokio::select! {
            () = closing.cancelled() => {
                let going_away = CloseFrame { code: close_code::AWAY, reason: "the server is shutting down".into() };
                let _ = socket.send(Message::Close(Some(going_away))).await;
                break;
            }
            event = events.recv() => match event {
                Ok(event) if event.is_visible_to(&user) => {
                    if socket.send(Message::Text(event_message(&event).into())).await.is_err() {
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
