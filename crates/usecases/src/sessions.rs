//! Sessions as the jobs board uses them: a login (throttled, then checked, then started), a
//! registration that logs the new user in, a refresh, the caller behind an access token, and
//! logging out once or everywhere. Tokens, rotation and revocation themselves are `auth`'s.

use auth::sessions::{self, SessionError, TokenPair};
use auth::throttle::Outcome;
use auth::token::Claims;
use domain::DomainError;
use domain::accounts::{self, Registration};
use domain::password::Password;
use domain::user::{User, Username};

use crate::error::UseCaseError;
use crate::ports::Ports;

/// Who made a request: the claims of their access token, and their account as it is now
/// (rights are read from the store, never from the token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub claims: Claims,
    pub user: User,
}

impl Caller {
    pub fn is_admin(&self) -> bool {
        self.user.is_admin
    }
}

/// A login: who, with what password, from which client address (for the throttle).
#[derive(Debug, Clone, Copy)]
pub struct LoginAttempt<'a> {
    pub username: &'a str,
    pub password: &'a str,
    pub client: &'a str,
}

/// Logs in. A username or password no account can have is refused before anything else: it
/// costs no hash, and does not count towards the throttle (a cheap over-long password must not
/// lock the owner out). Then the attempt is reserved with the throttle before its password is
/// checked, so concurrent guesses cannot all slip under the limit; a wrong password keeps the
/// reservation, a success gives it back. An unknown username gets the answer, and costs the
/// time, of a wrong password.
pub async fn log_in(ports: &Ports, attempt: LoginAttempt<'_>) -> Result<TokenPair, UseCaseError> {
    if Username::parse(attempt.username).is_err() || Password::parse_for_login(attempt.password).is_err() {
        return Err(DomainError::BadCredentials.into());
    }
    let reservation = ports.throttle.reserve(attempt.username, attempt.client).await?;
    let authenticated =
        accounts::authenticate(ports.users.as_ref(), ports.passwords.as_ref(), attempt.username, attempt.password)
            .await;
    let outcome = match &authenticated {
        Ok(_) => Outcome::Succeeded,
        Err(DomainError::BadCredentials) => Outcome::Failed,
        Err(_) => Outcome::NotChecked,
    };
    ports.throttle.settle(reservation, outcome).await;
    start(ports, &authenticated?).await
}

/// Creates an account (never an admin's) and logs it in.
pub async fn register(ports: &Ports, registration: Registration) -> Result<TokenPair, UseCaseError> {
    let user = accounts::register(ports.accounts(), registration).await?;
    start(ports, &user).await
}

/// A new session for `user`: a new token family.
pub(crate) async fn start(ports: &Ports, user: &User) -> Result<TokenPair, UseCaseError> {
    Ok(sessions::start(&ports.tokens, ports.sessions.as_ref(), user.username.as_str()).await?)
}

/// A new pair for a refresh token, which is consumed; a consumed one presented again ends its
/// whole family.
pub async fn refresh(ports: &Ports, refresh_token: &str) -> Result<TokenPair, UseCaseError> {
    Ok(sessions::refresh(&ports.tokens, ports.sessions.as_ref(), refresh_token).await?)
}

/// The caller behind an access token, wherever it came from (a header, a cookie): authentic,
/// current, not revoked, and of an account that still exists. The token's standing and the
/// account are one question to the caller directory, since every authenticated request asks.
pub async fn identify(ports: &Ports, access_token: &str) -> Result<Caller, UseCaseError> {
    let claims = ports.tokens.verify_access(access_token).map_err(SessionError::from)?;
    let holder = Username::parse(&claims.sub).map_err(|_| UseCaseError::Unauthenticated("invalid token"))?;
    let record = ports.callers.look_up(&claims, &holder).await?;
    if !record.standing.admits(&claims) {
        return Err(SessionError::Revoked.into());
    }
    match record.account {
        Some(user) => Ok(Caller { claims, user }),
        None => Err(UseCaseError::Unauthenticated("the account no longer exists")),
    }
}

/// Ends the caller's session: the access token they presented, and the family of their
/// refresh token when they hold one (API clients do; a browser holds the access token only).
pub async fn log_out(ports: &Ports, caller: &Caller, refresh_token: Option<&str>) -> Result<(), UseCaseError> {
    match refresh_token {
        Some(refresh) => sessions::logout(&ports.tokens, ports.sessions.as_ref(), &caller.claims, refresh).await?,
        None => ports
            .sessions
            .revoke_access(&caller.claims.jti, caller.claims.exp)
            .await
            .map_err(UseCaseError::SessionsUnavailable)?,
    }
    Ok(())
}

/// Ends a browser's session from its cookies, with whatever still holds: the access token if it
/// is current, the refresh token's family if that token is authentic. A browser whose access
/// token expired while its page was open can still log out.
pub async fn end_browser_session(
    ports: &Ports,
    access_token: Option<&str>,
    refresh_token: Option<&str>,
) -> Result<(), UseCaseError> {
    if let Some(access) = access_token
        && let Ok(caller) = identify(ports, access).await
    {
        return log_out(ports, &caller, refresh_token).await;
    }
    let Some(refresh) = refresh_token else { return Ok(()) };
    let claims = ports.tokens.verify_refresh(refresh).map_err(SessionError::from)?;
    if let Some(family) = &claims.fam {
        ports.sessions.revoke_family(family, ports.tokens.now()).await.map_err(UseCaseError::SessionsUnavailable)?;
    }
    Ok(())
}

/// Ends every session of the caller, from their next request on.
pub async fn log_out_everywhere(ports: &Ports, caller: &Caller) -> Result<(), UseCaseError> {
    Ok(sessions::revoke_everything(ports.sessions.as_ref(), caller.user.username.as_str()).await?)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use auth::sessions::{Standing, StoreFailure};
    use auth::throttle::{LoginThrottle, Refusal};
    use domain::fixtures::{A_PASSWORD, a_registration, a_user, credentials_of};

    use super::*;
    use crate::callers::{CallerRecord, MockCallerDirectory};
    use crate::testing::TestPorts;

    const A_HASH: &str = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g";

    fn attempt<'a>(username: &'a str, password: &'a str) -> LoginAttempt<'a> {
        LoginAttempt { username, password, client: "203.0.113.7" }
    }

    /// Ports whose store knows ada, and whose hasher says whether the password matches.
    fn ada_exists(password_matches: bool) -> TestPorts {
        let mut ports = TestPorts::new();
        ports.users.expect_find_credentials().returning(|_| Ok(Some(credentials_of("ada", A_HASH))));
        ports.users.expect_find().returning(|username| Ok(Some(a_user(username.as_str()))));
        ports.passwords.expect_verify().returning(move |_, _| Ok(password_matches));
        ports
    }

    #[tokio::test]
    async fn a_throttled_login_never_reaches_the_password_hasher() {
        let mut ports = TestPorts::new();
        for _ in 0..5 {
            let reservation = ports.throttle.reserve("ada", "203.0.113.7").await.unwrap();
            ports.throttle.settle(reservation, Outcome::Failed).await;
        }
        ports.users.expect_find_credentials().never();
        ports.passwords.expect_verify().never();

        let result = log_in(&ports.build(), attempt("ada", A_PASSWORD)).await;

        assert!(matches!(result, Err(UseCaseError::Throttled(wait)) if wait.0 > 0), "{result:?}");
    }

    /// A throttle whose state cannot be reached (its database is down).
    struct UnreachableThrottle;

    #[async_trait::async_trait]
    impl LoginThrottle for UnreachableThrottle {
        async fn reserve(&self, _: &str, _: &str) -> Result<auth::throttle::Reservation, Refusal> {
            Err(Refusal::Unavailable(StoreFailure("connection refused".into())))
        }

        async fn settle(&self, _: auth::throttle::Reservation, _: Outcome) {}
    }

    #[tokio::test]
    async fn a_login_the_throttle_cannot_count_is_refused_as_unavailable_before_any_hash() {
        let mut ports = TestPorts::new();
        ports.throttle = Arc::new(UnreachableThrottle);
        ports.users.expect_find_credentials().never();
        ports.passwords.expect_verify().never();

        let result = log_in(&ports.build(), attempt("ada", A_PASSWORD)).await;

        assert!(matches!(result, Err(UseCaseError::SessionsUnavailable(_))), "{result:?}");
    }

    #[tokio::test]
    async fn an_unknown_username_costs_one_dummy_hash_and_gets_the_wrong_password_answer() {
        let mut ports = TestPorts::new();
        ports.users.expect_find_credentials().times(1).returning(|_| Ok(None));
        ports.passwords.expect_verify().withf(|_, hash| hash.is_none()).times(1).returning(move |_, _| Ok(false));

        let result = log_in(&ports.build(), attempt("nobody", A_PASSWORD)).await;

        assert!(matches!(result, Err(UseCaseError::Domain(DomainError::BadCredentials))), "{result:?}");
    }

    #[tokio::test]
    async fn five_wrong_passwords_throttle_the_sixth_attempt() {
        let ports = ada_exists(false).build();

        for _ in 0..5 {
            let wrong = log_in(&ports, attempt("ada", "not the password")).await;
            assert!(matches!(wrong, Err(UseCaseError::Domain(DomainError::BadCredentials))), "{wrong:?}");
        }
        let sixth = log_in(&ports, attempt("ada", A_PASSWORD)).await;

        assert!(matches!(sixth, Err(UseCaseError::Throttled(_))), "{sixth:?}");
    }

    #[tokio::test]
    async fn a_password_or_username_no_account_can_have_is_refused_without_counting_or_hashing() {
        let mut ports = ada_exists(true);
        ports.passwords.checkpoint();
        ports.passwords.expect_verify().times(1).returning(|_, _| Ok(true));
        let ports = ports.build();
        let over_long_password = "p".repeat(129);
        let over_long_username = "u".repeat(60_000);

        for _ in 0..10 {
            for refused in [
                log_in(&ports, attempt("ada", &over_long_password)).await,
                log_in(&ports, attempt(&over_long_username, A_PASSWORD)).await,
            ] {
                assert!(matches!(refused, Err(UseCaseError::Domain(DomainError::BadCredentials))), "{refused:?}");
            }
        }
        let owner = log_in(&ports, attempt("ada", A_PASSWORD)).await;

        assert!(owner.is_ok(), "twenty cheap refusals locked no one out: {owner:?}");
    }

    #[tokio::test]
    async fn a_login_starts_a_session_whose_access_token_identifies_the_user() {
        let ports = ada_exists(true).build();

        let pair = log_in(&ports, attempt("ada", A_PASSWORD)).await.unwrap();
        let caller = identify(&ports, &pair.access.token).await.unwrap();

        assert_eq!(caller.user.username.as_str(), "ada");
        assert!(!caller.is_admin());
    }

    /// A directory that must be asked exactly once, and finds the token current or `revoked`
    /// and its holder's account present.
    fn a_directory_answering(revoked: bool) -> Arc<MockCallerDirectory> {
        let mut directory = MockCallerDirectory::new();
        directory.expect_look_up().times(1).returning(move |claims, holder| {
            let standing = Standing { token_version: claims.ver, access_revoked: revoked, family_revoked: false };
            Ok(CallerRecord { standing, account: Some(a_user(holder.as_str())) })
        });
        Arc::new(directory)
    }

    #[tokio::test]
    async fn a_caller_is_identified_with_one_question_to_the_caller_directory() {
        let mut ports = ada_exists(true);
        ports.users.checkpoint();
        ports.users.expect_find_credentials().returning(|_| Ok(Some(credentials_of("ada", A_HASH))));
        ports.users.expect_find().never();
        ports.callers = Some(a_directory_answering(false));
        let ports = ports.build();
        let pair = log_in(&ports, attempt("ada", A_PASSWORD)).await.unwrap();

        let caller = identify(&ports, &pair.access.token).await.unwrap();

        assert_eq!(caller.user.username.as_str(), "ada");
    }

    #[tokio::test]
    async fn a_token_the_directory_finds_revoked_identifies_no_one_though_its_account_exists() {
        let mut ports = ada_exists(true);
        ports.callers = Some(a_directory_answering(true));
        let ports = ports.build();
        let pair = log_in(&ports, attempt("ada", A_PASSWORD)).await.unwrap();

        let result = identify(&ports, &pair.access.token).await;

        assert!(matches!(result, Err(UseCaseError::Unauthenticated("token revoked"))), "{result:?}");
    }

    #[tokio::test]
    async fn registration_logs_the_new_user_in() {
        let mut ports = TestPorts::new();
        ports.passwords.expect_hash().returning(|_| Ok(domain::password::PasswordHash::new(A_HASH.into())));
        ports.users.expect_insert().times(1).returning(|user, _| Ok(user.into_user()));
        ports.users.expect_find().returning(|username| Ok(Some(a_user(username.as_str()))));
        let ports = ports.build();

        let pair = register(&ports, a_registration().build()).await.unwrap();

        assert_eq!(identify(&ports, &pair.access.token).await.unwrap().user.username.as_str(), "ada");
    }

    #[tokio::test]
    async fn the_token_of_an_account_deleted_since_identifies_no_one() {
        let mut ports = TestPorts::new();
        ports.users.expect_find_credentials().returning(|_| Ok(Some(credentials_of("ada", A_HASH))));
        ports.passwords.expect_verify().returning(move |_, _| Ok(true));
        // Deleted between the login and the next request.
        ports.users.expect_find().returning(|_| Ok(None));
        let ports = ports.build();
        let pair = log_in(&ports, attempt("ada", A_PASSWORD)).await.unwrap();

        let result = identify(&ports, &pair.access.token).await;

        assert!(matches!(result, Err(UseCaseError::Unauthenticated("the account no longer exists"))), "{result:?}");
    }

    #[tokio::test]
    async fn logging_out_everywhere_ends_every_session_of_that_user_and_no_other() {
        let mut ports = TestPorts::new();
        ports.users.expect_find_credentials().returning(|name| Ok(Some(credentials_of(name.as_str(), A_HASH))));
        ports.users.expect_find().returning(|username| Ok(Some(a_user(username.as_str()))));
        ports.passwords.expect_verify().returning(move |_, _| Ok(true));
        let ports = ports.build();
        let ada_laptop = log_in(&ports, attempt("ada", A_PASSWORD)).await.unwrap();
        let ada_phone = log_in(&ports, attempt("ada", A_PASSWORD)).await.unwrap();
        let bob = log_in(&ports, attempt("bob", A_PASSWORD)).await.unwrap();

        let ada = identify(&ports, &ada_laptop.access.token).await.unwrap();
        log_out_everywhere(&ports, &ada).await.unwrap();

        for ended in [&ada_laptop, &ada_phone] {
            let refused = identify(&ports, &ended.access.token).await;
            assert!(matches!(refused, Err(UseCaseError::Unauthenticated("token revoked"))), "{refused:?}");
            assert!(refresh(&ports, &ended.refresh.token).await.is_err());
        }
        assert!(identify(&ports, &bob.access.token).await.is_ok());
    }

    #[tokio::test]
    async fn an_api_logout_ends_that_logins_refresh_family_and_leaves_other_logins_alone() {
        let ports = ada_exists(true).build();
        let laptop = log_in(&ports, attempt("ada", A_PASSWORD)).await.unwrap();
        let phone = log_in(&ports, attempt("ada", A_PASSWORD)).await.unwrap();
        let rotated = refresh(&ports, &laptop.refresh.token).await.unwrap();
        let caller = identify(&ports, &rotated.access.token).await.unwrap();

        log_out(&ports, &caller, Some(&rotated.refresh.token)).await.unwrap();

        assert!(identify(&ports, &rotated.access.token).await.is_err());
        assert!(refresh(&ports, &rotated.refresh.token).await.is_err());
        assert!(refresh(&ports, &phone.refresh.token).await.is_ok(), "the phone's login lives on");
    }

    #[tokio::test]
    async fn a_browser_whose_access_token_expired_still_ends_its_login() {
        let ports = ada_exists(true);
        let clock = ports.clock.clone();
        let ports = ports.build();
        let browser = log_in(&ports, attempt("ada", A_PASSWORD)).await.unwrap();
        let phone = log_in(&ports, attempt("ada", A_PASSWORD)).await.unwrap();
        clock.advance(301);

        end_browser_session(&ports, Some(&browser.access.token), Some(&browser.refresh.token)).await.unwrap();

        assert!(refresh(&ports, &browser.refresh.token).await.is_err(), "that login's refresh family is revoked");
        assert!(refresh(&ports, &phone.refresh.token).await.is_ok(), "the phone's login lives on");
    }

    #[tokio::test]
    async fn a_browser_logout_revokes_both_of_its_tokens() {
        let ports = ada_exists(true).build();
        let browser = log_in(&ports, attempt("ada", A_PASSWORD)).await.unwrap();

        end_browser_session(&ports, Some(&browser.access.token), Some(&browser.refresh.token)).await.unwrap();

        assert!(identify(&ports, &browser.access.token).await.is_err());
        assert!(refresh(&ports, &browser.refresh.token).await.is_err());
    }

    #[tokio::test]
    async fn a_browser_logout_revokes_the_access_token_it_presented() {
        let ports = ada_exists(true).build();
        let browser = log_in(&ports, attempt("ada", A_PASSWORD)).await.unwrap();
        let other_tab = log_in(&ports, attempt("ada", A_PASSWORD)).await.unwrap();
        let caller = identify(&ports, &browser.access.token).await.unwrap();

        log_out(&ports, &caller, None).await.unwrap();

        assert!(identify(&ports, &browser.access.token).await.is_err());
        assert!(identify(&ports, &other_tab.access.token).await.is_ok());
    }
}
