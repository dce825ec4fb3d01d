//! The live feed from a client's side: a WebSocket to `/ws` on the served app, and the events
//! it receives, as JSON.

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::app::TestApp;

pub struct Feed {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Feed {
    /// Opens `/ws` with `token` as a bearer and `origin` as the page's; `Err` holds the status
    /// of a refused upgrade.
    pub(crate) async fn open(app: &TestApp, token: Option<&str>, origin: Option<&str>) -> Result<Self, u16> {
        let mut request = app.url("/ws").replacen("http://", "ws://", 1).into_client_request().expect("a ws:// URL");
        let headers = request.headers_mut();
        if let Some(token) = token {
            headers.insert("authorization", HeaderValue::from_str(&format!("Bearer {token}")).expect("a header"));
        }
        if let Some(origin) = origin {
            headers.insert("origin", HeaderValue::from_str(origin).expect("a header"));
        }
        match tokio_tungstenite::connect_async(request).await {
            Ok((socket, _)) => Ok(Self { socket }),
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => Err(response.status().as_u16()),
            Err(error) => panic!("opening the feed: {error}"),
        }
    }

    /// The next event, as JSON; panics after 10 s without one.
    pub async fn next_event(&mut self) -> Value {
        let message = tokio::time::timeout(Duration::from_secs(10), self.socket.next())
            .await
            .expect("an event within 10 s")
            .expect("the feed is open")
            .expect("a WebSocket message");
        serde_json::from_str(message.to_text().expect("a text message")).expect("an event is JSON")
    }

    /// The close frame the server ends the feed with, as (code, reason); panics if an event
    /// comes first, if the connection drops without one, or after 10 s without one.
    pub async fn closed_with(&mut self) -> (u16, String) {
        let closing = async {
            while let Some(message) = self.socket.next().await {
                match message.expect("a WebSocket message") {
                    Message::Close(frame) => {
                        let frame = frame.expect("a close frame with a code");
                        return (u16::from(frame.code), frame.reason.to_string());
                    }
                    Message::Text(event) => panic!("an event came before the close frame: {event}"),
                    _ => {}
                }
            }
            panic!("the feed dropped without a close frame");
        };
        tokio::time::timeout(Duration::from_secs(10), closing).await.expect("a close frame within 10 s")
    }
}
