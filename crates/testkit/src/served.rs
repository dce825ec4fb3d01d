//! The app served on a real socket (127.0.0.1, a free port) by a task of the test's own
//! runtime: what a WebSocket or a browser needs, without a process of its own.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use web::AppState;

/// A server task, stopped when dropped.
pub struct ServerTask {
    pub address: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for ServerTask {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// `state` served as `jobboard` serves it. The browser's Origin on form posts is the
/// server's own address, so that address is made the public one.
pub async fn serve(state: AppState) -> ServerTask {
    serve_known_as(state, None).await
}

/// [`serve`], for clients that reach the server at `public` (a proxy in front of it).
pub async fn serve_behind(state: AppState, public: SocketAddr) -> ServerTask {
    serve_known_as(state, Some(public)).await
}

async fn serve_known_as(mut state: AppState, public: Option<SocketAddr>) -> ServerTask {
    let listener = bind().await;
    let address = listener.local_addr().expect("a bound listener has an address");
    state.http.public_origin = format!("http://{}", public.unwrap_or(address));
    let task = tokio::spawn(async move {
        let _ = web::startup::serve(listener, state, web::config::ConnectionLimits::default(), std::future::pending())
            .await;
    });
    ServerTask { address, task }
}

/// Any router on a socket: a measurement's app, say.
pub async fn serve_router(router: axum::Router) -> ServerTask {
    let listener = bind().await;
    let address = listener.local_addr().expect("a bound listener has an address");
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    ServerTask { address, task }
}

async fn bind() -> TcpListener {
    TcpListener::bind("127.0.0.1:0").await.expect("cannot bind a local port")
}

/// A client that does not follow redirects, so tests see the 303s the app sends.
pub fn http_client() -> reqwest::Client {
    auth::breach::http_client_builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("cannot build an HTTP client")
}
