//! `GET /ws`: the live feed. The jobs page keeps one WebSocket open and is told when a job is
//! posted; admins are also told when someone applies. Compare with polling: no request per
//! client per interval, and news arrives when it happens (docs/websockets.md).

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, close_code};
use axum::extract::{FromRequestParts, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::Response;
use std::time::Duration;

use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;
use usecases::Ports;
use usecases::events::Event;
use usecases::sessions::{self, Caller};

use super::views::event_message;
use crate::caller::{bearer_token, identify, session_token};
use crate::error::ApiError;
use crate::state::AppState;

/// The caller of a WebSocket upgrade, and the token they proved it with: a browser cannot set
/// headers on one, so the session cookie counts too, and a cross-site page must not ride on it
/// (the Origin is checked).
pub struct FeedCaller(pub Caller, pub String);

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
        let caller = identify(state, &token).await?;
        Ok(Self(caller, token))
    }
}

pub async fn feed(
    State(state): State<AppState>,
    FeedCaller(caller, token): FeedCaller,
    upgrade: WebSocketUpgrade,
) -> Response {
    let events = state.feed.subscribe();
    let closing = state.sockets.closing.clone();
    // Counted as open from now, before the 101 goes out: the relay itself starts only once the
    // upgrade completes, and a shutdown in between would otherwise find no feed to wait for and
    // exit, leaving a client that had its 101 with no close frame.
    let open = state.sockets.open.token();
    let listener = Listener { ports: state.ports, token, caller };
    upgrade.on_upgrade(move |socket| async move {
        relay(socket, events, listener, closing).await;
        drop(open);
    })
}

/// Who a feed speaks to, re-read before every event: a socket outlives the request that opened
/// it, so the session it rode in on may end (logout, password change, deletion, expiry) and the
/// caller's rights may change while it is open.
struct Listener {
    ports: Ports,
    token: String,
    caller: Caller,
}

impl Listener {
    /// The caller as of now, or `None` once their session no longer holds.
    async fn current(&mut self) -> Option<&Caller> {
        self.caller = sessions::identify(&self.ports, &self.token).await.ok()?;
        Some(&self.caller)
    }

    /// Until the access token expires, by the server's clock.
    fn lifetime(&self) -> Duration {
        let left = self.caller.claims.exp.saturating_sub(self.ports.tokens.now());
        Duration::from_secs(u64::try_from(left).unwrap_or(0))
    }
}

/// Forwards every event the listener may see until either side closes, the listener's session
/// ends (checked at each event and when the access token expires), or the server shuts down.
async fn relay(
    mut socket: WebSocket,
    mut events: broadcast::Receiver<Event>,
    mut listener: Listener,
    closing: CancellationToken,
) {
    let expiry = tokio::time::sleep(listener.lifetime());
    tokio::pin!(expiry);
    loop {
        tokio::select! {
            () = closing.cancelled() => {
                let going_away = CloseFrame { code: close_code::AWAY, reason: "the server is shutting down".into() };
                let _ = socket.send(Message::Close(Some(going_away))).await;
                break;
            }
            () = &mut expiry => {
                let _ = socket.send(session_ended()).await;
                break;
            }
            event = events.recv() => match event {
                Ok(event) => {
                    let Some(caller) = listener.current().await else {
                        let _ = socket.send(session_ended()).await;
                        break;
                    };
                    if event.is_visible_to(&caller.user)
                        && socket.send(Message::Text(event_message(&event).into())).await.is_err()
                    {
                        break;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => break,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
        }
    }
}

/// RFC 6455 §7.4.1's policy violation: the page should renew its session before reconnecting.
fn session_ended() -> Message {
    Message::Close(Some(CloseFrame { code: close_code::POLICY, reason: "the session has ended".into() }))
}
