//! Who is asking: the caller behind a request's access token, and the client's address.
//!
//! The API reads the token from `Authorization: Bearer`, the pages from the session cookie,
//! the live feed from either; all of them ask the same use case,
//! [`usecases::sessions::identify`], which also reads the caller's rights from the store.
//!
//! | extractor | who gets through |
//! |---|---|
//! | (none) | anyone |
//! | [`LoggedIn`] | a valid, unrevoked access token of an existing account |
//! | [`Admin`] | a caller whose account is an admin *now* (read from the store, not the token) |
//! | [`SelfOrAdmin`] | an admin, or the caller named by the `{username}` path segment |

use std::net::{IpAddr, SocketAddr};

use ipnet::IpNet;

use axum::extract::{ConnectInfo, FromRequestParts, RawPathParams, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use usecases::sessions::{self, Caller};

use crate::error::ApiError;
use crate::state::AppState;

/// The browser session: the access token, in an HttpOnly, SameSite=Strict cookie.
pub const SESSION_COOKIE: &str = "jobboard_session";

/// The caller `token` proves, wherever the token came from.
pub async fn identify(state: &AppState, token: &str) -> Result<Caller, ApiError> {
    Ok(sessions::identify(&state.ports, token).await?)
}

/// The token of `Authorization: Bearer <token>`, if the header is there; the scheme's name is
/// case-insensitive (RFC 9110 §11.1). Only the header: a token in a query string ends up in
/// logs and browser history.
pub fn bearer_token(headers: &HeaderMap) -> Result<Option<&str>, ApiError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else { return Ok(None) };
    value
        .to_str()
        .ok()
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, token)| scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty())
        .map(|(_, token)| Some(token.trim()))
        .ok_or_else(|| ApiError::unauthorized("the Authorization header must be `Bearer <token>`"))
}

/// Every API request that carries a bearer token is judged by it, even on a public route: a
/// token that does not hold (forged, expired, revoked, of a deleted account) is a 401, not the
/// anonymous answer (RFC 6750 §3.1). The caller it proves is kept for the extractors below.
pub async fn bearer_must_hold(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let caller = match bearer_token(request.headers()) {
        Ok(Some(token)) => identify(&state, token).await,
        Ok(None) => return next.run(request).await,
        Err(refused) => Err(refused),
    };
    match caller {
        Ok(caller) => {
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        Err(refused) => refused.into_response(),
    }
}

/// The access token of the browser session, if the request carries one.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    CookieJar::from_headers(headers).get(SESSION_COOKIE).map(|cookie| cookie.value().to_owned())
}

/// A caller with a valid access token in `Authorization: Bearer`.
#[derive(Debug, Clone)]
pub struct LoggedIn(pub Caller);

impl FromRequestParts<AppState> for LoggedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(Self(caller.clone()));
        }
        let token = bearer_token(&parts.headers)?.ok_or_else(|| ApiError::unauthorized("missing bearer token"))?;
        identify(state, token).await.map(Self)
    }
}

/// A caller who is an admin at the time of the request.
#[derive(Debug, Clone)]
pub struct Admin(pub Caller);

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let LoggedIn(caller) = LoggedIn::from_request_parts(parts, state).await?;
        if !caller.is_admin() {
            return Err(ApiError::forbidden("admin rights required"));
        }
        Ok(Self(caller))
    }
}

/// An admin, or the user the `{username}` path segment names.
#[derive(Debug, Clone)]
pub struct SelfOrAdmin(pub Caller);

impl FromRequestParts<AppState> for SelfOrAdmin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let LoggedIn(caller) = LoggedIn::from_request_parts(parts, state).await?;
        let params =
            RawPathParams::from_request_parts(parts, state).await.map_err(|error| ApiError::internal(&error))?;
        let target = params.iter().find(|(name, _)| *name == "username").map(|(_, value)| value);
        if caller.is_admin() || target == Some(caller.user.username.as_str()) {
            Ok(Self(caller))
        } else {
            Err(ApiError::forbidden("only that user or an admin may do this"))
        }
    }
}

/// The address of the client, for the login throttle: the TCP peer, or behind a trusted proxy
/// (`TRUSTED_PROXIES`) the address it forwarded. In-process tests have no peer: they share one
/// bucket.
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(ConnectInfo(peer)) = parts.extensions.get::<ConnectInfo<SocketAddr>>() else {
            return Ok(Self("unknown".to_owned()));
        };
        let forwarded_for: Vec<&str> =
            parts.headers.get_all("x-forwarded-for").iter().filter_map(|value| value.to_str().ok()).collect();
        Ok(Self(client_address(peer.ip(), &forwarded_for, &state.http.trusted_proxies).to_string()))
    }
}

/// The client's address: the TCP peer, unless the peer is a proxy we trust, in which case the
/// nearest address in `X-Forwarded-For` that is not one of ours. Read from the right: a client
/// can write anything at the left of that header, only our proxies append to it.
pub fn client_address(peer: IpAddr, forwarded_for: &[&str], trusted: &[IpNet]) -> IpAddr {
    let ours = |address: &IpAddr| trusted.iter().any(|net| net.contains(address));
    if !ours(&peer) {
        return peer;
    }
    let hops = forwarded_for.iter().flat_map(|header| header.split(',')).map(str::trim);
    let mut nearest = peer;
    for hop in hops.rev() {
        let Ok(address) = hop.parse::<IpAddr>() else { return nearest };
        nearest = address;
        if !ours(&address) {
            break;
        }
    }
    nearest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn nets(texts: &[&str]) -> Vec<IpNet> {
        texts.iter().map(|text| text.parse().unwrap()).collect()
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says() {
        assert_eq!(client_address(ip("203.0.113.9"), &["198.51.100.1"], &[]), ip("203.0.113.9"));
    }

    #[test]
    fn behind_a_trusted_proxy_the_client_is_the_address_it_appended() {
        let trusted = nets(&["10.0.0.0/8"]);

        let client = client_address(ip("10.0.0.2"), &["198.51.100.1, 203.0.113.7"], &trusted);

        assert_eq!(client, ip("203.0.113.7"), "the proxy appended the right-most; the rest is the client's word");
    }

    #[test]
    fn a_chain_of_trusted_proxies_is_walked_to_the_first_address_not_ours() {
        let trusted = nets(&["10.0.0.0/8", "192.0.2.10/32"]);

        let client = client_address(ip("10.0.0.2"), &["203.0.113.7", "192.0.2.10, 10.1.1.1"], &trusted);

        assert_eq!(client, ip("203.0.113.7"));
    }

    #[test]
    fn a_header_from_an_untrusted_peer_or_one_that_does_not_parse_is_ignored() {
        let trusted = nets(&["10.0.0.0/8"]);

        assert_eq!(client_address(ip("203.0.113.9"), &["198.51.100.1"], &trusted), ip("203.0.113.9"));
        assert_eq!(client_address(ip("10.0.0.2"), &["not-an-address"], &trusted), ip("10.0.0.2"));
        assert_eq!(client_address(ip("10.0.0.2"), &[], &trusted), ip("10.0.0.2"));
    }
}
