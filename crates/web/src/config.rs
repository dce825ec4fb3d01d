//! Configuration, from environment variables only (`.env.example` lists each one with its
//! default). Every invalid value is reported at once, so a broken deployment is fixed in one
//! round; a production start without a real signing key is refused.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use auth::breach::FailurePolicy;
use auth::keys::{HmacSecret, KeySet, SigningKey, VerifyingKey};
use auth::token::TokenSettings;
use ipnet::IpNet;
use rand::RngCore;
use url::Url;

/// Every variable the server reads; `.env.example` documents each (a test checks both ways).
pub const VARIABLES: [&str; 28] = [
    "APP_ENV",
    "BIND_ADDR",
    "DATABASE_URL",
    "DATABASE_ACQUIRE_TIMEOUT",
    "PUBLIC_URL",
    "JWT_ALGORITHM",
    "JWT_SECRET",
    "JWT_KEY_ID",
    "JWT_PRIVATE_KEY_FILE",
    "JWT_PUBLIC_KEY_FILES",
    "JWT_ISSUER",
    "JWT_AUDIENCE",
    "ACCESS_TOKEN_TTL",
    "REFRESH_TOKEN_TTL",
    "JWT_LEEWAY",
    "PWNED_PASSWORDS_URL",
    "PWNED_PASSWORDS_TIMEOUT",
    "PWNED_PASSWORDS_ON_FAILURE",
    "REQUEST_TIMEOUT",
    "BODY_LIMIT_BYTES",
    "HEADER_READ_TIMEOUT",
    "MAX_CONNECTIONS",
    "SHUTDOWN_DEADLINE",
    "TRUSTED_PROXIES",
    "LOG_FORMAT",
    "RUST_LOG",
    "JOBBOARD_ADMIN_PASSWORD",
    "JOBBOARD_ADMIN_EMAIL",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    /// Strict: a real key is required, logs are JSON.
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub environment: Environment,
    pub bind_addr: SocketAddr,
    /// `None`: the in-memory store, seeded with demo data.
    pub database_url: Option<DatabaseUrl>,
    /// How long a request waits for a database connection before its 503: short, so that an
    /// outage is answered at once rather than hung on.
    pub database_acquire_timeout: Duration,
    pub keys: KeySet,
    /// Development without `JWT_SECRET`: a random secret per run, so tokens die with the process.
    pub secret_generated: bool,
    pub tokens: TokenSettings,
    pub public_url: Url,
    /// `None`: no breached-password check.
    pub breach_check: Option<BreachCheckConfig>,
    pub log_format: LogFormat,
    pub request_timeout: Duration,
    pub body_limit_bytes: usize,
    pub connections: ConnectionLimits,
    pub trusted_proxies: Vec<IpNet>,
}

/// `DATABASE_URL`, whose password must not reach a log: its `Debug` shows where the database
/// is and hides the password, so a `Config` printed while debugging leaks nothing.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// The URL itself, password included, for the one place that connects with it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match Url::parse(&self.0) {
            Ok(mut url) => {
                if url.password().is_some() {
                    // Only fails for URLs that cannot have a password, and this one has one.
                    let _ = url.set_password(Some("***"));
                }
                write!(f, "{:?}", url.as_str())
            }
            // Not a URL a parser understands: nothing of it is safe to show.
            Err(_) => f.write_str("\"<unparsable DATABASE_URL>\""),
        }
    }
}

/// What one connection may hold and for how long, and how long shutdown may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// For a request's header to arrive whole, and for an idle keep-alive connection to send
    /// its next request: hyper's header timer runs whenever a connection waits for a header.
    pub header_read_timeout: Duration,
    /// Connections open at once; one more is answered 503 with `Retry-After` and closed.
    pub max_connections: usize,
    /// After SIGTERM, how long requests in flight and open feeds may take to finish; what is
    /// still open then is closed, and the process exits 0.
    pub shutdown_deadline: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            max_connections: 1024,
            shutdown_deadline: Duration::from_secs(10),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreachCheckConfig {
    pub url: Url,
    pub timeout: Duration,
    pub policy: FailurePolicy,
}

/// Every problem found in the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub Vec<String>);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "invalid configuration:")?;
        for problem in &self.0 {
            writeln!(f, "  - {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok(), |path| std::fs::read(path).map_err(|e| e.to_string()))
    }

    /// Reads configuration through `lookup` (variables) and `read` (key files), so tests need
    /// not touch the process environment or the disk.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
        read: impl Fn(&str) -> Result<Vec<u8>, String>,
    ) -> Result<Self, ConfigError> {
        let mut env = Env { lookup, problems: Vec::new() };
        let environment = env.parse("APP_ENV", "development", parse_environment);
        let bind_addr = env.parse("BIND_ADDR", "127.0.0.1:3000", |value| {
            value.parse::<SocketAddr>().map_err(|_| format!("`{value}` is not an address like 127.0.0.1:3000"))
        });
        let public_url = env.parse("PUBLIC_URL", "http://127.0.0.1:3000", parse_http_url);
        let access_ttl_seconds = env.parse("ACCESS_TOKEN_TTL", "5m", parse_seconds);
        let refresh_ttl_seconds = env.parse("REFRESH_TOKEN_TTL", "1d", parse_seconds);
        let leeway_seconds = env.parse("JWT_LEEWAY", "0s", parse_seconds);
        let issuer = env.parse("JWT_ISSUER", "jobboard", non_empty);
        // Empty: tokens carry no `aud`, and one that does is refused.
        let audience = env.parse("JWT_AUDIENCE", "jobboard", |value| Ok((!value.is_empty()).then(|| value.to_owned())));
        let request_timeout = env.parse("REQUEST_TIMEOUT", "30s", parse_duration);
        let body_limit_bytes = env.parse("BODY_LIMIT_BYTES", "65536", |value| {
            value
                .parse::<usize>()
                .ok()
                .filter(|bytes| *bytes >= 1024)
                .ok_or_else(|| format!("`{value}` is not a number of bytes ≥ 1024"))
        });
        let connections = match (
            env.parse("HEADER_READ_TIMEOUT", "10s", parse_duration),
            env.parse("MAX_CONNECTIONS", "1024", |value| {
                value
                    .parse::<usize>()
                    .ok()
                    .filter(|count| *count >= 1)
                    .ok_or_else(|| format!("`{value}` is not a count ≥ 1"))
            }),
            env.parse("SHUTDOWN_DEADLINE", "10s", parse_duration),
        ) {
            (Some(header_read_timeout), Some(max_connections), Some(shutdown_deadline)) => {
                Some(ConnectionLimits { header_read_timeout, max_connections, shutdown_deadline })
            }
            _ => None,
        };
        let trusted_proxies = env.parse("TRUSTED_PROXIES", "", |value| {
            value
                .split(',')
                .map(str::trim)
                .filter(|entry| !entry.is_empty())
                .map(|entry| {
                    entry
                        .parse::<IpNet>()
                        .or_else(|_| entry.parse::<std::net::IpAddr>().map(IpNet::from))
                        .map_err(|_| format!("`{entry}` is not an address or a network like 10.0.0.0/8"))
                })
                .collect::<Result<Vec<_>, _>>()
        });
        let log_format = match environment {
            Some(Environment::Production) => env.parse("LOG_FORMAT", "json", parse_log_format),
            _ => env.parse("LOG_FORMAT", "pretty", parse_log_format),
        };
        let database_url = env.raw("DATABASE_URL").filter(|url| !url.is_empty()).map(DatabaseUrl);
        let database_acquire_timeout = env.parse("DATABASE_ACQUIRE_TIMEOUT", "2s", parse_duration);
        let breach_check = match env.raw("PWNED_PASSWORDS_URL").filter(|url| !url.is_empty()) {
            None => Some(None),
            Some(url) => {
                let url = env.check("PWNED_PASSWORDS_URL", parse_http_url(&url).map(with_trailing_slash));
                let timeout = env.parse("PWNED_PASSWORDS_TIMEOUT", "2s", parse_duration);
                let policy = env.parse("PWNED_PASSWORDS_ON_FAILURE", "accept", parse_failure_policy);
                match (url, timeout, policy) {
                    (Some(url), Some(timeout), Some(policy)) => Some(Some(BreachCheckConfig { url, timeout, policy })),
                    _ => None,
                }
            }
        };
        let keys = environment.and_then(|environment| read_keys(&mut env, environment, &read));

        let tokens = match (issuer, audience, access_ttl_seconds, refresh_ttl_seconds, leeway_seconds) {
            (
                Some(issuer),
                Some(audience),
                Some(access_ttl_seconds),
                Some(refresh_ttl_seconds),
                Some(leeway_seconds),
            ) => Some(TokenSettings { issuer, audience, access_ttl_seconds, refresh_ttl_seconds, leeway_seconds }),
            _ => None,
        };
        match (
            environment,
            bind_addr,
            public_url,
            tokens,
            keys,
            breach_check,
            log_format,
            request_timeout,
            body_limit_bytes,
            connections,
            database_acquire_timeout,
            trusted_proxies,
        ) {
            (
                Some(environment),
                Some(bind_addr),
                Some(public_url),
                Some(tokens),
                Some((keys, secret_generated)),
                Some(breach_check),
                Some(log_format),
                Some(request_timeout),
                Some(body_limit_bytes),
                Some(connections),
                Some(database_acquire_timeout),
                Some(trusted_proxies),
            ) if env.problems.is_empty() => Ok(Self {
                environment,
                bind_addr,
                database_url,
                database_acquire_timeout,
                keys,
                secret_generated,
                tokens,
                public_url,
                breach_check,
                log_format,
                request_timeout,
                body_limit_bytes,
                connections,
                trusted_proxies,
            }),
            _ => Err(ConfigError(env.problems)),
        }
    }

    /// `scheme://host[:port]`, what browsers send as `Origin`.
    pub fn public_origin(&self) -> String {
        self.public_url.origin().ascii_serialization()
    }
}

/// The signing key and the verification keys, per `JWT_ALGORITHM`. Returns whether the secret
/// was generated (development without `JWT_SECRET`).
fn read_keys<F: Fn(&str) -> Option<String>>(
    env: &mut Env<F>,
    environment: Environment,
    read: &impl Fn(&str) -> Result<Vec<u8>, String>,
) -> Option<(KeySet, bool)> {
    let algorithm = env.parse("JWT_ALGORITHM", "HS256", |value| match value {
        "HS256" | "EdDSA" | "RS256" => Ok(value.to_owned()),
        other => Err(format!("`{other}` is not one of HS256, EdDSA, RS256")),
    })?;
    let kid = env.parse("JWT_KEY_ID", "key-1", non_empty)?;
    if algorithm == "HS256" {
        return match (env.raw("JWT_SECRET"), environment) {
            (Some(secret), _) => env
                .check("JWT_SECRET", HmacSecret::new(secret.into_bytes()))
                .map(|secret| (KeySet::hs256(&kid, &secret), false)),
            (None, Environment::Production) => {
                env.problem("JWT_SECRET", "required when APP_ENV=production (at least 32 bytes)");
                None
            }
            (None, Environment::Development) => Some((KeySet::hs256(&kid, &random_secret()), true)),
        };
    }
    let Some(private_path) = env.raw("JWT_PRIVATE_KEY_FILE") else {
        env.problem("JWT_PRIVATE_KEY_FILE", format!("required with JWT_ALGORITHM={algorithm}"));
        return None;
    };
    let private = env.check("JWT_PRIVATE_KEY_FILE", read(&private_path).map_err(|e| format!("{private_path}: {e}")))?;
    let signing = match algorithm.as_str() {
        "EdDSA" => env.check("JWT_PRIVATE_KEY_FILE", SigningKey::ed25519_pem(&kid, &private)),
        _ => env.check("JWT_PRIVATE_KEY_FILE", SigningKey::rs256_pem(&kid, &private)),
    }?;
    let listed = env.raw("JWT_PUBLIC_KEY_FILES").unwrap_or_default();
    let mut verifying = Vec::new();
    for entry in listed.split(',').map(str::trim).filter(|entry| !entry.is_empty()) {
        let Some((kid, path)) = entry.split_once('=') else {
            env.problem("JWT_PUBLIC_KEY_FILES", format!("`{entry}` is not `kid=path`"));
            continue;
        };
        let key = read(path).map_err(|e| format!("{path}: {e}")).and_then(|pem| {
            let key = if algorithm == "EdDSA" {
                VerifyingKey::ed25519_pem(kid, &pem)
            } else {
                VerifyingKey::rs256_pem(kid, &pem)
            };
            key.map_err(|e| e.to_string())
        });
        if let Some(key) = env.check("JWT_PUBLIC_KEY_FILES", key) {
            verifying.push(key);
        }
    }
    env.check("JWT_PUBLIC_KEY_FILES", KeySet::new(signing, verifying)).map(|keys| (keys, false))
}

/// Reads variables and collects every problem instead of stopping at the first.
struct Env<F> {
    lookup: F,
    problems: Vec<String>,
}

impl<F: Fn(&str) -> Option<String>> Env<F> {
    fn raw(&self, name: &str) -> Option<String> {
        (self.lookup)(name)
    }

    fn parse<T>(&mut self, name: &str, default: &str, parse: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        let value = (self.lookup)(name).unwrap_or_else(|| default.to_owned());
        self.check(name, parse(&value))
    }

    fn check<T, E: fmt::Display>(&mut self, name: &str, result: Result<T, E>) -> Option<T> {
        result.map_err(|problem| self.problem(name, problem)).ok()
    }

    fn problem(&mut self, name: &str, problem: impl fmt::Display) {
        self.problems.push(format!("{name}: {problem}"));
    }
}

fn parse_environment(value: &str) -> Result<Environment, String> {
    match value {
        "development" => Ok(Environment::Development),
        "production" => Ok(Environment::Production),
        other => Err(format!("`{other}` is neither `development` nor `production`")),
    }
}

fn parse_log_format(value: &str) -> Result<LogFormat, String> {
    match value {
        "pretty" => Ok(LogFormat::Pretty),
        "json" => Ok(LogFormat::Json),
        other => Err(format!("`{other}` is neither `pretty` nor `json`")),
    }
}

fn parse_failure_policy(value: &str) -> Result<FailurePolicy, String> {
    match value {
        "accept" => Ok(FailurePolicy::FailOpen),
        "refuse" => Ok(FailurePolicy::FailClosed),
        other => Err(format!("`{other}` is neither `accept` (fail open) nor `refuse` (fail closed)")),
    }
}

fn parse_duration(value: &str) -> Result<Duration, String> {
    humantime::parse_duration(value)
        .map_err(|error| format!("`{value}` is not a duration like 30s, 5m or 1d ({error})"))
}

fn parse_seconds(value: &str) -> Result<i64, String> {
    parse_duration(value)
        .and_then(|duration| i64::try_from(duration.as_secs()).map_err(|_| format!("`{value}` is too long")))
}

fn parse_http_url(value: &str) -> Result<Url, String> {
    match Url::parse(value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(url),
        _ => Err(format!("`{value}` is not an http(s) URL")),
    }
}

/// `https://api.example/v1` → `https://api.example/v1/`, so `join("range/…")` appends.
fn with_trailing_slash(mut url: Url) -> Url {
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url
}

fn non_empty(value: &str) -> Result<String, String> {
    if value.is_empty() { Err("must not be empty".into()) } else { Ok(value.to_owned()) }
}

fn random_secret() -> HmacSecret {
    let mut bytes = vec![0; 32];
    rand::rng().fill_bytes(&mut bytes);
    HmacSecret::new(bytes).unwrap_or_else(|_| unreachable!("32 random bytes meet the 32-byte minimum"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED_PRIVATE: &str = "../auth/testdata/ed25519-a.pem";
    const ED_PUBLIC: &str = "../auth/testdata/ed25519-a.pub.pem";

    fn config_from(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::from_lookup(
            |name| vars.iter().find(|(key, _)| *key == name).map(|(_, value)| value.to_string()),
            |path| std::fs::read(path).map_err(|e| e.to_string()),
        )
    }

    #[test]
    fn defaults_suit_local_development() {
        let config = config_from(&[]).unwrap();

        assert_eq!(config.environment, Environment::Development);
        assert_eq!(config.bind_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(config.database_url, None);
        assert!(config.secret_generated);
        assert_eq!(config.tokens, TokenSettings::default());
        assert_eq!(config.breach_check, None);
        assert_eq!(config.log_format, LogFormat::Pretty);
        assert_eq!(config.public_origin(), "http://127.0.0.1:3000");
        assert_eq!(config.database_acquire_timeout, Duration::from_secs(2), "a database outage fails fast");
    }

    #[test]
    fn reports_every_invalid_variable_at_once() {
        let problems = config_from(&[
            ("APP_ENV", "staging"),
            ("BIND_ADDR", "localhost"),
            ("ACCESS_TOKEN_TTL", "soon"),
            ("PWNED_PASSWORDS_URL", "ftp://x"),
            ("LOG_FORMAT", "xml"),
            ("BODY_LIMIT_BYTES", "12"),
        ])
        .unwrap_err()
        .0;

        let names: Vec<_> = problems.iter().map(|p| p.split(':').next().unwrap()).collect();
        assert_eq!(
            names,
            ["APP_ENV", "BIND_ADDR", "ACCESS_TOKEN_TTL", "BODY_LIMIT_BYTES", "LOG_FORMAT", "PWNED_PASSWORDS_URL"],
            "{problems:#?}"
        );
    }

    #[test]
    fn production_refuses_to_start_without_a_secret_or_with_a_short_one() {
        let missing = config_from(&[("APP_ENV", "production")]).unwrap_err().0;
        let short = config_from(&[("APP_ENV", "production"), ("JWT_SECRET", "0123456789")]).unwrap_err().0;

        assert_eq!(missing, ["JWT_SECRET: required when APP_ENV=production (at least 32 bytes)"]);
        assert_eq!(short, ["JWT_SECRET: the HMAC secret must be at least 32 bytes, got 10"]);
    }

    #[test]
    fn production_logs_json_by_default() {
        let config = config_from(&[("APP_ENV", "production"), ("JWT_SECRET", &"s".repeat(32))]).unwrap();
        assert_eq!(config.log_format, LogFormat::Json);
    }

    #[test]
    fn eddsa_keys_come_from_files_and_are_published() {
        let config = config_from(&[
            ("JWT_ALGORITHM", "EdDSA"),
            ("JWT_KEY_ID", "ed-a"),
            ("JWT_PRIVATE_KEY_FILE", ED_PRIVATE),
            ("JWT_PUBLIC_KEY_FILES", &format!("ed-a={ED_PUBLIC}")),
        ])
        .unwrap();

        assert_eq!(config.keys.jwks().keys.len(), 1);
    }

    #[test]
    fn an_asymmetric_algorithm_needs_its_keys() {
        let problems =
            config_from(&[("JWT_ALGORITHM", "EdDSA"), ("JWT_PRIVATE_KEY_FILE", "/nonexistent.pem")]).unwrap_err().0;
        assert!(problems[0].starts_with("JWT_PRIVATE_KEY_FILE: /nonexistent.pem:"), "{problems:?}");
    }

    #[test]
    fn the_breach_check_is_configured_with_its_policy() {
        let config = config_from(&[
            ("PWNED_PASSWORDS_URL", "https://api.pwnedpasswords.com"),
            ("PWNED_PASSWORDS_ON_FAILURE", "refuse"),
        ])
        .unwrap();
        let check = config.breach_check.unwrap();
        assert_eq!((check.url.as_str(), check.policy), ("https://api.pwnedpasswords.com/", FailurePolicy::FailClosed));
    }

    #[test]
    fn every_variable_read_is_documented_in_env_example_and_listed() {
        let example = include_str!("../../../.env.example");
        let read = std::cell::RefCell::new(Vec::new());
        let _ = Config::from_lookup(
            |name| {
                read.borrow_mut().push(name.to_owned());
                match name {
                    "JWT_ALGORITHM" => Some("EdDSA".into()),
                    "PWNED_PASSWORDS_URL" => Some("https://x.example".into()),
                    _ => None,
                }
            },
            |_| Err("not read in this test".into()),
        );
        let read = read.into_inner();
        for name in &read {
            assert!(VARIABLES.contains(&name.as_str()), "{name} is read but not in VARIABLES");
        }
        for name in VARIABLES {
            let documented = example.lines().any(|line| line.trim_start_matches("# ").starts_with(&format!("{name}=")));
            assert!(documented, "{name} is not documented in .env.example");
        }
    }

    #[test]
    fn the_secret_never_appears_in_debug_output() {
        let secret = "s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t";
        let config = config_from(&[("JWT_SECRET", secret)]).unwrap();
        let debug = format!("{config:?}");
        assert!(!debug.contains(secret));
        assert!(!debug.contains(&format!("{:?}", secret.as_bytes())), "not even as bytes");
    }

    #[test]
    fn the_database_password_never_appears_in_debug_output_but_where_the_database_is_does() {
        let config =
            config_from(&[("DATABASE_URL", "postgres://jobboard:pa55-w0rd@db.internal:5432/jobboard")]).unwrap();

        let debug = format!("{config:?}");

        assert!(!debug.contains("pa55-w0rd"), "{debug}");
        assert!(debug.contains("postgres://jobboard:***@db.internal:5432/jobboard"), "{debug}");
    }
}
