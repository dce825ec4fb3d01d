//! A bridge between testcontainers and a Docker engine older than the API it speaks.
//!
//! testcontainers-rs (through bollard) sends every request as `/v1.52/...` and never
//! negotiates; an engine that speaks at most, say, 1.41 (Debian bookworm's Docker 20.10)
//! refuses them all with "client version 1.52 is too new". The shim listens on a Unix socket
//! of its own, rewrites that version prefix to the engine's, and forwards everything else
//! untouched, streaming bodies both ways (container logs are followed as a stream).
//! The runner starts it only when the engine is older than the client, and points
//! `DOCKER_HOST` at it.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use http_body_util::BodyExt;
use http_body_util::combinators::BoxBody;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, Uri};
use hyper_util::rt::TokioIo;
use tokio::net::{UnixListener, UnixStream};

/// The API version bollard 0.20 (testcontainers 0.27) puts in every path.
pub const CLIENT_API_VERSION: &str = "1.52";

/// Whether an engine speaking at most `engine` needs the shim to serve this client.
pub fn needed_for(engine: &str) -> bool {
    parse_version(engine).is_some_and(|engine| parse_version(CLIENT_API_VERSION).is_some_and(|client| engine < client))
}

fn parse_version(version: &str) -> Option<(u32, u32)> {
    let (major, minor) = version.trim().split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// `/v1.52/containers/json?all=true` → `/v1.41/containers/json?all=true`; other paths unchanged.
pub fn rewrite_path(path_and_query: &str, engine: &str) -> String {
    match path_and_query.strip_prefix("/v").and_then(|rest| rest.split_once('/')) {
        Some((version, rest)) if parse_version(version).is_some() => format!("/v{engine}/{rest}"),
        _ => path_and_query.to_owned(),
    }
}

/// A running shim; the socket file is removed when this is dropped.
pub struct DockerShim {
    socket: PathBuf,
}

impl DockerShim {
    /// Listens on `socket` and forwards to the engine on `engine_socket`, on the current tokio
    /// runtime, for as long as the runtime lives.
    pub fn start(socket: PathBuf, engine_socket: PathBuf, engine_version: String) -> Result<Self> {
        let _ = std::fs::remove_file(&socket);
        let listener = UnixListener::bind(&socket)
            .with_context(|| format!("binding the Docker API shim at {}", socket.display()))?;
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                let (engine_socket, engine_version) = (engine_socket.clone(), engine_version.clone());
                tokio::spawn(async move {
                    let service =
                        service_fn(move |request| forward(request, engine_socket.clone(), engine_version.clone()));
                    let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).with_upgrades().await;
                });
            }
        });
        Ok(Self { socket })
    }
}

impl Drop for DockerShim {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.socket);
    }
}

async fn forward(
    mut request: Request<Incoming>,
    engine_socket: PathBuf,
    engine_version: String,
) -> Result<Response<BoxBody<Bytes, hyper::Error>>> {
    let path = request.uri().path_and_query().map_or("/", |path| path.as_str());
    *request.uri_mut() = Uri::try_from(rewrite_path(path, &engine_version))?;
    let engine = connect(&engine_socket).await?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(engine)).await?;
    tokio::spawn(connection.with_upgrades());
    let response = sender.send_request(request).await?;
    Ok(response.map(BodyExt::boxed))
}

async fn connect(engine_socket: &Path) -> Result<UnixStream> {
    UnixStream::connect(engine_socket)
        .await
        .with_context(|| format!("connecting to the Docker engine at {}", engine_socket.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_only_the_version_prefix() {
        assert_eq!(rewrite_path("/v1.52/containers/json?all=true", "1.41"), "/v1.41/containers/json?all=true");
        assert_eq!(rewrite_path("/v1.52/containers/v1.52/logs", "1.41"), "/v1.41/containers/v1.52/logs");
        assert_eq!(rewrite_path("/_ping", "1.41"), "/_ping");
        assert_eq!(rewrite_path("/version", "1.41"), "/version");
    }

    #[test]
    fn is_needed_only_for_an_engine_older_than_the_client() {
        assert!(needed_for("1.41"));
        assert!(needed_for("1.9"));
        assert!(!needed_for("1.52"));
        assert!(!needed_for("1.53"));
        assert!(!needed_for("garbage"));
    }
}
