//! Account changes that reach beyond the account: an admin's new account starts a session;
//! a new password, and a deleted account, end every session the user holds.

use auth::sessions::{self, TokenPair};
use domain::accounts::{self, Registration};
use domain::user::{Role, User, UserChanges};

use crate::error::UseCaseError;
use crate::ports::Ports;
use crate::sessions::start;

/// An account created by an admin, possibly an admin's, and its first session.
pub async fn create_account(
    ports: &Ports,
    registration: Registration,
    role: Role,
) -> Result<(User, TokenPair), UseCaseError> {
    let user = accounts::create_account(ports.accounts(), registration, role).await?;
    let tokens = start(ports, &user).await?;
    Ok((user, tokens))
}

/// Changes an account. A new password ends every session of that user: a token issued before
/// it is refused from the next request on, wherever it is.
pub async fn update_user(ports: &Ports, username: &str, changes: &UserChanges) -> Result<User, UseCaseError> {
    let user = accounts::update_user(ports.accounts(), username, changes).await?;
    if changes.password.is_some() {
        sessions::revoke_everything(ports.sessions.as_ref(), user.username.as_str()).await?;
    }
    Ok(user)
}

/// Deletes an account, its applications, and every session it holds.
pub async fn delete_user(ports: &Ports, username: &str) -> Result<(), UseCaseError> {
    accounts::delete_user(ports.users.as_ref(), username).await?;
    sessions::revoke_everything(ports.sessions.as_ref(), username).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use auth::sessions::MockSessionStore;
    use domain::DomainError;
    use domain::fixtures::{A_PASSWORD, a_user};
    use domain::password::PasswordHash;
    use mockall::predicate::eq;

    use super::*;
    use crate::testing::TestPorts;

    /// Ports whose store updates or deletes whoever is named, and whose sessions expect
    /// exactly the revocations `sessions` is told to expect, and nothing else.
    fn ports_with_sessions(sessions: MockSessionStore) -> Ports {
        let mut ports = TestPorts::new();
        ports.passwords.expect_hash().returning(|_| Ok(PasswordHash::new("$argon2id$new".into())));
        ports.users.expect_update().returning(|username, _| Ok(Some(a_user(username.as_str()))));
        ports.sessions = Arc::new(sessions);
        ports.build()
    }

    #[tokio::test]
    async fn an_account_an_admin_creates_starts_logged_in_with_the_role_given() {
        let mut ports = TestPorts::new();
        ports.passwords.expect_hash().returning(|_| Ok(PasswordHash::new("$argon2id$new".into())));
        ports.users.expect_insert().withf(|user, _| user.is_admin).times(1).returning(|user, _| Ok(user.into_user()));
        ports
            .users
            .expect_find()
            .returning(|name| Ok(Some(domain::user::User { is_admin: true, ..a_user(name.as_str()) })));
        let ports = ports.build();

        let (user, tokens) =
            create_account(&ports, domain::fixtures::a_registration().build(), Role::Admin).await.unwrap();

        assert!(user.is_admin);
        assert!(crate::sessions::identify(&ports, &tokens.access.token).await.unwrap().is_admin());
    }

    #[tokio::test]
    async fn a_password_change_ends_every_session_of_that_user_and_no_other() {
        let mut sessions = MockSessionStore::new();
        sessions.expect_bump_token_version().with(eq("ada")).times(1).returning(|_| Ok(2));
        let ports = ports_with_sessions(sessions);

        let changes = UserChanges { password: Some(A_PASSWORD.into()), ..UserChanges::default() };
        update_user(&ports, "ada", &changes).await.unwrap();
    }

    #[tokio::test]
    async fn a_profile_change_without_a_password_ends_no_session() {
        let ports = ports_with_sessions(MockSessionStore::new());

        let changes = UserChanges { first_name: Some("Augusta".into()), ..UserChanges::default() };
        let user = update_user(&ports, "ada", &changes).await.unwrap();

        assert_eq!(user.username.as_str(), "ada");
    }

    #[tokio::test]
    async fn a_deleted_account_loses_every_session() {
        let mut sessions = MockSessionStore::new();
        sessions.expect_bump_token_version().with(eq("ada")).times(1).returning(|_| Ok(2));
        let mut ports = TestPorts::new();
        ports.users.expect_delete().times(1).returning(|_| Ok(true));
        ports.sessions = Arc::new(sessions);

        delete_user(&ports.build(), "ada").await.unwrap();
    }

    #[tokio::test]
    async fn deleting_an_unknown_account_ends_no_session() {
        let mut ports = TestPorts::new();
        ports.users.expect_delete().returning(|_| Ok(false));
        ports.sessions = Arc::new(MockSessionStore::new());

        let result = delete_user(&ports.build(), "ghost").await;

        assert!(matches!(result, Err(UseCaseError::Domain(DomainError::NotFound(_)))), "{result:?}");
    }
}
