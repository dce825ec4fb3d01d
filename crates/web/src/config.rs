//! Configuration, from environment variables only (`.env.example` lists each one). Every
//! invalid value is reported at once, so a broken deployment is fixed in one round.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use auth::keys::HmacSecret;
use auth::token::TokenSettings;
use rand::RngCore;
use url::Url;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    /// Strict: a real secret is required.
    Production,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub environment: Environment,
    pub bind_addr: SocketAddr,
    /// `None`: the in-memory store, seeded with a demo account.
    pub database_url: Option<String>,
    pub jwt_secret: JwtSecret,
    pub tokens: TokenSettings,
    pub public_url: Url,
}

#[derive(Debug, Clone)]
pub enum JwtSecret {
    Configured(HmacSecret),
    /// Development without `JWT_SECRET`: random per run, so tokens die with the process.
    Generated(HmacSecret),
}

impl JwtSecret {
    pub fn key(&self) -> &HmacSecret {
        match self {
            Self::Configured(secret) | Self::Generated(secret) => secret,
        }
    }
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
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads configuration through `lookup`, so tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
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
        let database_url = (env.lookup)("DATABASE_URL").filter(|url| !url.is_empty());
        let jwt_secret = match ((env.lookup)("JWT_SECRET"), environment) {
            (Some(secret), _) => env.check("JWT_SECRET", HmacSecret::new(secret).map(JwtSecret::Configured)),
            (None, Some(Environment::Production)) => {
                env.problem("JWT_SECRET", "required when APP_ENV=production (at least 32 bytes)");
                None
            }
            (None, _) => Some(JwtSecret::Generated(random_secret())),
        };

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
        match (environment, bind_addr, public_url, tokens, jwt_secret) {
            (Some(environment), Some(bind_addr), Some(public_url), Some(tokens), Some(jwt_secret)) => {
                Ok(Self { environment, bind_addr, database_url, jwt_secret, tokens, public_url })
            }
            _ => Err(ConfigError(env.problems)),
        }
    }

    /// Cookies are `Secure` when the site is served over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.scheme() == "https"
    }
}

/// Reads variables and collects every problem instead of stopping at the first.
struct Env<F> {
    lookup: F,
    problems: Vec<String>,
}

impl<F: Fn(&str) -> Option<String>> Env<F> {
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

fn parse_seconds(value: &str) -> Result<i64, String> {
    humantime::parse_duration(value)
        .map(|duration: Duration| duration.as_secs())
        .map_err(|error| format!("`{value}` is not a duration like 30s, 5m or 1d ({error})"))
        .and_then(|seconds| i64::try_from(seconds).map_err(|_| format!("`{value}` is too long")))
}

fn parse_http_url(value: &str) -> Result<Url, String> {
    match Url::parse(value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(url),
        _ => Err(format!("`{value}` is not an http(s) URL")),
    }
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

    fn config_from(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::from_lookup(|name| vars.iter().find(|(key, _)| *key == name).map(|(_, value)| value.to_string()))
    }

    #[test]
    fn defaults_suit_local_development() {
        let config = config_from(&[]).unwrap();

        assert_eq!(config.environment, Environment::Development);
        assert_eq!(config.bind_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(config.database_url, None);
        assert!(matches!(config.jwt_secret, JwtSecret::Generated(_)));
        assert_eq!(config.tokens, TokenSettings::default());
        assert!(!config.secure_cookies());
    }

    #[test]
    fn reports_every_invalid_variable_at_once() {
        let problems = config_from(&[
            ("APP_ENV", "staging"),
            ("BIND_ADDR", "localhost"),
            ("ACCESS_TOKEN_TTL", "soon"),
            ("JWT_SECRET", "short"),
        ])
        .unwrap_err()
        .0;

        let names: Vec<_> = problems.iter().map(|p| p.split(':').next().unwrap()).collect();
        assert_eq!(names, ["APP_ENV", "BIND_ADDR", "ACCESS_TOKEN_TTL", "JWT_SECRET"], "{problems:#?}");
    }

    #[test]
    fn production_refuses_to_start_without_a_secret() {
        let problems = config_from(&[("APP_ENV", "production")]).unwrap_err().0;
        assert_eq!(problems, ["JWT_SECRET: required when APP_ENV=production (at least 32 bytes)"]);
    }

    #[test]
    fn an_https_public_url_makes_cookies_secure() {
        let config = config_from(&[("PUBLIC_URL", "https://jobs.example.com")]).unwrap();
        assert!(config.secure_cookies());
    }

    #[test]
    fn the_secret_never_appears_in_debug_output() {
        let secret = "s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t";
        let config = config_from(&[("JWT_SECRET", secret)]).unwrap();
        assert!(!format!("{config:?}").contains(secret));
    }
}
