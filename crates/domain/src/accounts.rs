//! Use cases about accounts: registering, logging in, looking a user up.

use crate::error::{DomainError, Violations};
use crate::job::JobId;
use crate::password::Password;
use crate::ports::{BreachedPasswords, PasswordHasher, UserRepository};
use crate::user::{Email, NewUser, PersonName, Role, StoredUserPatch, User, UserChanges, Username};

/// What someone filled in to register, not yet validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub username: String,
    pub password: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
}

impl Registration {
    /// Checks every field and reports every violation at once.
    fn validate(&self, role: Role) -> Result<(NewUser, Password), DomainError> {
        let mut violations = Violations::default();
        let username = violations.check(Username::parse(&self.username));
        let password = violations.check(Password::parse(&self.password));
        let first_name = violations.check(PersonName::parse("first_name", &self.first_name));
        let last_name = violations.check(PersonName::parse("last_name", &self.last_name));
        let email = violations.check(Email::parse(&self.email));
        match (username, password, first_name, last_name, email) {
            (Some(username), Some(password), Some(first_name), Some(last_name), Some(email)) => {
                let user = NewUser { username, first_name, last_name, email, is_admin: role == Role::Admin };
                Ok((user, password))
            }
            _ => Err(violations.into_error()),
        }
    }
}

/// The ports account use cases need.
#[derive(Clone, Copy)]
pub struct Accounts<'a> {
    pub users: &'a dyn UserRepository,
    pub passwords: &'a dyn PasswordHasher,
    pub breaches: &'a dyn BreachedPasswords,
}

/// Creates an account for someone signing up: never an admin.
pub async fn register(accounts: Accounts<'_>, registration: Registration) -> Result<User, DomainError> {
    create_account(accounts, registration, Role::User).await
}

/// Creates an account with the given role (admins create admins). A password seen in a breach
/// is refused; only the password's hash is handed to the repository.
pub async fn create_account(
    accounts: Accounts<'_>,
    registration: Registration,
    role: Role,
) -> Result<User, DomainError> {
    let (new_user, password) = registration.validate(role)?;
    refuse_breached(accounts.breaches, &password).await?;
    let password_hash = accounts.passwords.hash(&password).await?;
    accounts.users.insert(new_user, password_hash).await
}

async fn refuse_breached(breaches: &dyn BreachedPasswords, password: &Password) -> Result<(), DomainError> {
    match breaches.times_seen(password).await? {
        Some(times) => Err(DomainError::Invalid(vec![crate::error::Violation::new(
            "password",
            format!("has appeared in data breaches {times} times; choose another"),
        )])),
        None => Ok(()),
    }
}

/// Returns the user when the password matches. An unknown user, a malformed username and a
/// wrong password all give the same [`DomainError::BadCredentials`], in about the same time.
pub async fn authenticate(
    users: &dyn UserRepository,
    passwords: &dyn PasswordHasher,
    username: &str,
    password: &str,
) -> Result<User, DomainError> {
    let Ok(password) = Password::parse_for_login(password) else {
        return Err(DomainError::BadCredentials);
    };
    let credentials = match Username::parse(username) {
        Ok(username) => users.find_credentials(&username).await?,
        Err(_) => None,
    };
    let hash = credentials.as_ref().map(|c| &c.password_hash);
    match (passwords.verify(&password, hash).await?, credentials) {
        (true, Some(credentials)) => Ok(credentials.user),
        _ => Err(DomainError::BadCredentials),
    }
}

/// The user named `username`, or [`DomainError::NotFound`].
pub async fn find_user(users: &dyn UserRepository, username: &str) -> Result<User, DomainError> {
    let username = existing_username(username)?;
    users.find(&username).await?.ok_or_else(|| user_not_found(username.as_str()))
}

/// A user with the ids of the jobs they applied to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserDetail {
    pub user: User,
    pub jobs: Vec<JobId>,
}

pub async fn user_detail(users: &dyn UserRepository, username: &str) -> Result<UserDetail, DomainError> {
    let user = find_user(users, username).await?;
    let jobs = users.applied_jobs(&user.username).await?;
    Ok(UserDetail { user, jobs })
}

pub async fn list_users(users: &dyn UserRepository) -> Result<Vec<User>, DomainError> {
    users.list().await
}

/// Changes profile fields and, re-hashed, the password (refused if breached). Nothing is
/// stored when any field is invalid.
pub async fn update_user(accounts: Accounts<'_>, username: &str, changes: &UserChanges) -> Result<User, DomainError> {
    let username = existing_username(username)?;
    let patch = changes.validate()?;
    let password_hash = match &patch.password {
        Some(password) => {
            refuse_breached(accounts.breaches, password).await?;
            Some(accounts.passwords.hash(password).await?)
        }
        None => None,
    };
    let stored =
        StoredUserPatch { first_name: patch.first_name, last_name: patch.last_name, email: patch.email, password_hash };
    accounts.users.update(&username, stored).await?.ok_or_else(|| user_not_found(username.as_str()))
}

pub async fn delete_user(users: &dyn UserRepository, username: &str) -> Result<(), DomainError> {
    let username = existing_username(username)?;
    if users.delete(&username).await? { Ok(()) } else { Err(user_not_found(username.as_str())) }
}

/// A user's application to a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    pub username: Username,
    pub job: JobId,
}

/// Records that `username` applied to job `job_id`.
pub async fn apply(users: &dyn UserRepository, username: &str, job_id: i64) -> Result<Application, DomainError> {
    let username = existing_username(username)?;
    let job = crate::jobs::existing_job_id(job_id)?;
    users.apply(&username, job).await?;
    Ok(Application { username, job })
}

/// A username that cannot exist is simply not found: the caller asked for a resource.
fn existing_username(raw: &str) -> Result<Username, DomainError> {
    Username::parse(raw).map_err(|_| user_not_found(raw))
}

fn user_not_found(username: &str) -> DomainError {
    DomainError::NotFound(format!("user '{username}'"))
}

#[cfg(test)]
mod tests {
    use mockall::predicate::eq;

    use super::*;
    use crate::fixtures::{A_PASSWORD, NeverBreached, a_registration, a_user, credentials_of};
    use crate::password::PasswordHash;
    use crate::ports::{MockBreachedPasswords, MockPasswordHasher, MockUserRepository};
    use crate::user::Role;

    const A_HASH: &str = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g";

    fn accounts<'a>(users: &'a MockUserRepository, passwords: &'a MockPasswordHasher) -> Accounts<'a> {
        Accounts { users, passwords, breaches: &NeverBreached }
    }

    fn hasher_producing(hash: &'static str) -> MockPasswordHasher {
        let mut passwords = MockPasswordHasher::new();
        passwords.expect_hash().returning(move |_| Ok(PasswordHash::new(hash.into())));
        passwords
    }

    fn hasher_answering(matches: bool) -> MockPasswordHasher {
        let mut passwords = MockPasswordHasher::new();
        passwords.expect_verify().times(1).returning(move |_, _| Ok(matches));
        passwords
    }

    #[tokio::test]
    async fn register_hands_the_repository_a_hash_never_the_plain_password() {
        let passwords = hasher_producing(A_HASH);
        let mut users = MockUserRepository::new();
        users
            .expect_insert()
            .withf(|_, hash| hash.as_str() == A_HASH && !hash.as_str().contains(A_PASSWORD))
            .times(1)
            .returning(|user, _| Ok(user.into_user()));

        let user = register(accounts(&users, &passwords), a_registration().build()).await.unwrap();

        assert_eq!(user.username.as_str(), "ada");
    }

    #[tokio::test]
    async fn register_touches_nothing_when_validation_fails() {
        let mut passwords = MockPasswordHasher::new();
        passwords.expect_hash().times(0);
        let mut users = MockUserRepository::new();
        users.expect_insert().times(0);

        let registration = a_registration().with_username("no spaces").with_password("short");
        let result = register(accounts(&users, &passwords), registration.build()).await;

        let Err(DomainError::Invalid(violations)) = result else {
            panic!("expected Invalid, got {result:?}");
        };
        let fields: Vec<_> = violations.iter().map(|v| v.field).collect();
        assert_eq!(fields, ["username", "password"], "every violation is reported");
    }

    #[tokio::test]
    async fn register_passes_a_taken_username_through_as_a_conflict() {
        let passwords = hasher_producing(A_HASH);
        let mut users = MockUserRepository::new();
        users.expect_insert().returning(|_, _| Err(DomainError::Conflict("username 'ada' is taken".into())));

        let result = register(accounts(&users, &passwords), a_registration().build()).await;

        assert!(matches!(result, Err(DomainError::Conflict(m)) if m == "username 'ada' is taken"));
    }

    #[tokio::test]
    async fn authenticate_returns_the_user_when_the_password_matches() {
        let mut users = MockUserRepository::new();
        users
            .expect_find_credentials()
            .with(eq(Username::parse("ada").unwrap()))
            .returning(|_| Ok(Some(credentials_of("ada", A_HASH))));
        let passwords = hasher_answering(true);

        let user = authenticate(&users, &passwords, "ada", A_PASSWORD).await.unwrap();

        assert_eq!(user, a_user("ada"));
    }

    #[tokio::test]
    async fn authenticate_rejects_a_wrong_password() {
        let mut users = MockUserRepository::new();
        users.expect_find_credentials().returning(|_| Ok(Some(credentials_of("ada", A_HASH))));
        let passwords = hasher_answering(false);

        let result = authenticate(&users, &passwords, "ada", "not the password").await;

        assert!(matches!(result, Err(DomainError::BadCredentials)), "{result:?}");
    }

    #[tokio::test]
    async fn authenticate_spends_a_verification_on_an_unknown_user_too() {
        let mut users = MockUserRepository::new();
        users.expect_find_credentials().returning(|_| Ok(None));
        let mut passwords = MockPasswordHasher::new();
        passwords.expect_verify().withf(|_, hash| hash.is_none()).times(1).returning(move |_, _| Ok(false));

        let result = authenticate(&users, &passwords, "nobody", A_PASSWORD).await;

        assert!(matches!(result, Err(DomainError::BadCredentials)), "{result:?}");
    }

    #[tokio::test]
    async fn find_user_reports_an_unknown_user_as_not_found() {
        let mut users = MockUserRepository::new();
        users.expect_find().returning(|_| Ok(None));

        let result = find_user(&users, "nobody").await;

        assert!(matches!(result, Err(DomainError::NotFound(what)) if what == "user 'nobody'"));
    }

    #[tokio::test]
    async fn create_account_as_admin_stores_an_admin() {
        let passwords = hasher_producing(A_HASH);
        let mut users = MockUserRepository::new();
        users.expect_insert().withf(|user, _| user.is_admin).times(1).returning(|user, _| Ok(user.into_user()));

        let user = create_account(accounts(&users, &passwords), a_registration().build(), Role::Admin).await.unwrap();

        assert!(user.is_admin);
    }

    #[tokio::test]
    async fn a_new_password_is_stored_only_as_its_hash() {
        let passwords = hasher_producing(A_HASH);
        let mut users = MockUserRepository::new();
        users
            .expect_update()
            .withf(|_, patch| patch.password_hash.as_ref().is_some_and(|hash| hash.as_str() == A_HASH))
            .times(1)
            .returning(|_, _| Ok(Some(a_user("ada"))));

        let changes = UserChanges { password: Some("a brand new passphrase".into()), ..UserChanges::default() };
        update_user(accounts(&users, &passwords), "ada", &changes).await.unwrap();
    }

    #[tokio::test]
    async fn a_profile_change_hashes_nothing() {
        let mut passwords = MockPasswordHasher::new();
        passwords.expect_hash().times(0);
        let mut users = MockUserRepository::new();
        users
            .expect_update()
            .withf(|_, patch| patch.password_hash.is_none() && patch.first_name.is_some())
            .returning(|_, _| Ok(Some(a_user("ada"))));

        let changes = UserChanges { first_name: Some("Augusta".into()), ..UserChanges::default() };
        update_user(accounts(&users, &passwords), "ada", &changes).await.unwrap();
    }

    #[tokio::test]
    async fn an_invalid_update_hashes_and_stores_nothing() {
        let mut passwords = MockPasswordHasher::new();
        passwords.expect_hash().times(0);
        let mut users = MockUserRepository::new();
        users.expect_update().times(0);

        let changes =
            UserChanges { password: Some("short".into()), email: Some("nope".into()), ..UserChanges::default() };
        let result = update_user(accounts(&users, &passwords), "ada", &changes).await;

        assert!(matches!(result, Err(DomainError::Invalid(v)) if v.len() == 2));
    }

    #[tokio::test]
    async fn user_detail_lists_the_jobs_applied_to() {
        let mut users = MockUserRepository::new();
        users.expect_find().returning(|_| Ok(Some(a_user("ada"))));
        users.expect_applied_jobs().returning(|_| Ok(vec![JobId::new(2), JobId::new(5)]));

        let detail = user_detail(&users, "ada").await.unwrap();

        assert_eq!(detail.jobs, [JobId::new(2), JobId::new(5)]);
    }

    #[tokio::test]
    async fn applying_twice_passes_the_conflict_through() {
        let mut users = MockUserRepository::new();
        users
            .expect_apply()
            .withf(|username, job| username.as_str() == "ada" && job.get() == 7)
            .returning(|_, _| Err(DomainError::Conflict("already applied".into())));

        let result = apply(&users, "ada", 7).await;

        assert!(matches!(result, Err(DomainError::Conflict(_))));
    }

    #[tokio::test]
    async fn a_breached_password_is_refused_before_anything_is_hashed_or_stored() {
        let mut breaches = MockBreachedPasswords::new();
        breaches
            .expect_times_seen()
            .withf(|password| password.expose() == A_PASSWORD)
            .returning(|_| Ok(Some(3_861_493)));
        let mut passwords = MockPasswordHasher::new();
        passwords.expect_hash().times(0);
        let mut users = MockUserRepository::new();
        users.expect_insert().times(0);
        users.expect_update().times(0);
        let accounts = Accounts { users: &users, passwords: &passwords, breaches: &breaches };

        let registered = register(accounts, a_registration().build()).await;
        let changes = UserChanges { password: Some(A_PASSWORD.into()), ..UserChanges::default() };
        let updated = update_user(accounts, "ada", &changes).await;

        for result in [registered.map(drop), updated.map(drop)] {
            assert!(
                matches!(&result, Err(DomainError::Invalid(v)) if v[0].to_string() == "password: has appeared in data breaches 3861493 times; choose another"),
                "{result:?}"
            );
        }
    }

    #[tokio::test]
    async fn an_unavailable_breach_check_stops_registration_when_the_policy_says_so() {
        let mut breaches = MockBreachedPasswords::new();
        breaches.expect_times_seen().returning(|_| Err(DomainError::Unavailable("range API down".into())));
        let mut users = MockUserRepository::new();
        users.expect_insert().times(0);
        let passwords = MockPasswordHasher::new();

        let result =
            register(Accounts { users: &users, passwords: &passwords, breaches: &breaches }, a_registration().build())
                .await;

        assert!(matches!(result, Err(DomainError::Unavailable(_))), "{result:?}");
    }
}
