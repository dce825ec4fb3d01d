//! The breached-password check: has this password been seen in a data breach?
//!
//! [`PwnedPasswords`] asks a k-anonymity range API (`GET {base}/range/{prefix}`, as served by
//! api.pwnedpasswords.com): only the first five hex characters of the password's SHA-1 leave
//! the machine, the server answers with every known suffix of that prefix, and the match is
//! made here. Responses are padded with fake suffixes of count 0 (`Add-Padding: true`), so the
//! size of the answer tells an observer nothing either; those never count as a match.
//!
//! The check sits behind the [`BreachCheck`] port so that the use cases do not know it is
//! HTTP. What happens when the API is slow or down is a [`FailurePolicy`]: by default the
//! password is accepted with a warning in the log (fail open), since an outage of a third
//! party should not stop sign-ups.

use std::time::Duration;

use async_trait::async_trait;
use sha1::{Digest, Sha1};
use url::Url;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Seen in breaches this many times: refuse it.
    Breached {
        seen: u64,
    },
    NotFound,
    /// The check could not be made and the policy is to let the password through.
    NotChecked,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailurePolicy {
    /// Accept the password, log a warning.
    FailOpen,
    /// Refuse to proceed: the caller reports the service unavailable.
    FailClosed,
}

#[derive(Debug, thiserror::Error)]
pub enum BreachError {
    #[error("the breached-password service could not be asked: {0}")]
    Unavailable(String),
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait BreachCheck: Send + Sync {
    async fn check(&self, password: &str) -> Result<Verdict, BreachError>;
}

/// No check at all: when no `PWNED_PASSWORDS_URL` is configured.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoBreachCheck;

#[async_trait]
impl BreachCheck for NoBreachCheck {
    async fn check(&self, _password: &str) -> Result<Verdict, BreachError> {
        Ok(Verdict::NotChecked)
    }
}

/// A client of the range API.
#[derive(Debug, Clone)]
pub struct PwnedPasswords {
    base: Url,
    http: reqwest::Client,
    policy: FailurePolicy,
}

impl PwnedPasswords {
    pub fn new(base: Url, timeout: Duration, policy: FailurePolicy) -> Result<Self, BreachError> {
        let http = http_client_builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| BreachError::Unavailable(error.to_string()))?;
        Ok(Self { base, http, policy })
    }

    async fn ask(&self, prefix: &str) -> Result<String, BreachError> {
        let unavailable = |error: reqwest::Error| BreachError::Unavailable(error.to_string());
        let url = self.base.join(&format!("range/{prefix}")).map_err(|e| BreachError::Unavailable(e.to_string()))?;
        let response = self.http.get(url).header("Add-Padding", "true").send().await.map_err(unavailable)?;
        let response = response.error_for_status().map_err(unavailable)?;
        response.text().await.map_err(unavailable)
    }
}

#[async_trait]
impl BreachCheck for PwnedPasswords {
    async fn check(&self, password: &str) -> Result<Verdict, BreachError> {
        let (prefix, suffix) = sha1_prefix_and_suffix(password);
        match self.ask(&prefix).await {
            Ok(body) => Ok(match times_seen(&body, &suffix) {
                Some(seen) => Verdict::Breached { seen },
                None => Verdict::NotFound,
            }),
            Err(error) => match self.policy {
                FailurePolicy::FailOpen => {
                    tracing::warn!(%error, "breached-password check skipped (fail open)");
                    Ok(Verdict::NotChecked)
                }
                FailurePolicy::FailClosed => Err(error),
            },
        }
    }
}

/// The upper-case hex SHA-1 of `password`, split after five characters.
pub fn sha1_prefix_and_suffix(password: &str) -> (String, String) {
    let digest = Sha1::digest(password.as_bytes());
    let hex: String = digest.iter().map(|byte| format!("{byte:02X}")).collect();
    let (prefix, suffix) = hex.split_at(5);
    (prefix.to_owned(), suffix.to_owned())
}

/// How often `suffix` was seen, from a range response (`SUFFIX:COUNT` per line). Padding lines
/// (count 0) and malformed lines never match.
fn times_seen(body: &str, suffix: &str) -> Option<u64> {
    body.lines().find_map(|line| {
        let (candidate, count) = line.trim().split_once(':')?;
        let count: u64 = count.trim().parse().ok()?;
        (count > 0 && candidate.eq_ignore_ascii_case(suffix)).then_some(count)
    })
}

/// reqwest with rustls over *ring* (already in the build through testcontainers; aws-lc would
/// add a C library). rustls needs the provider installed once per process.
pub fn http_client_builder() -> reqwest::ClientBuilder {
    // Fails only when a provider is already installed, which is what we want.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_split_after_five_hex_characters() {
        // SHA-1("password") = 5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8
        assert_eq!(
            sha1_prefix_and_suffix("password"),
            ("5BAA6".to_owned(), "1E4C9B93F3F0682250B6CF8331B7EE68FD8".to_owned())
        );
    }

    #[test]
    fn a_suffix_matches_in_any_case_and_padding_never_does() {
        let body = "1E4C9B93F3F0682250B6CF8331B7EE68FD8:0\r\n0018A45C4D1DEF81644B54AB7F969B88D65:3\r\nnot a line\r\n";

        assert_eq!(times_seen(body, "1E4C9B93F3F0682250B6CF8331B7EE68FD8"), None, "padding");
        assert_eq!(times_seen(body, "0018a45c4d1def81644b54ab7f969b88d65"), Some(3));
    }
}
