//! Users and their applications to jobs: the domain's [`UserRepository`] port on Postgres.
//! The password hash is read only by `find_credentials`, so no other query can leak it.

use async_trait::async_trait;
use domain::DomainError;
use domain::job::JobId;
use domain::password::PasswordHash;
use domain::ports::{Credentials, UserRepository};
use domain::user::{Email, NewUser, PersonName, StoredUserPatch, User, Username};
use sqlx::{Postgres, QueryBuilder};

use super::{PgStore, classify, corrupt, static_sql, unavailable};

#[derive(sqlx::FromRow)]
pub(super) struct UserRow {
    pub(super) username: String,
    pub(super) first_name: String,
    pub(super) last_name: String,
    pub(super) email: String,
    pub(super) is_admin: bool,
}

/// What a [`UserRow`] reads: every `SELECT` and `RETURNING` of `users`.
pub(super) const USER_COLUMNS: &str = "username, first_name, last_name, email, is_admin";

#[derive(sqlx::FromRow)]
struct CredentialsRow {
    #[sqlx(flatten)]
    user: UserRow,
    password_hash: String,
}

impl TryFrom<UserRow> for User {
    type Error = DomainError;

    fn try_from(row: UserRow) -> Result<Self, DomainError> {
        let corrupt = |violation| corrupt("users", &row.username, violation);
        Ok(User {
            username: Username::parse(&row.username).map_err(corrupt)?,
            first_name: PersonName::parse("first_name", &row.first_name).map_err(corrupt)?,
            last_name: PersonName::parse("last_name", &row.last_name).map_err(corrupt)?,
            email: Email::parse(&row.email).map_err(corrupt)?,
            is_admin: row.is_admin,
        })
    }
}

#[async_trait]
impl UserRepository for PgStore {
    async fn insert(&self, user: NewUser, password_hash: PasswordHash) -> Result<User, DomainError> {
        sqlx::query_as::<_, UserRow>(static_sql(&[
            "INSERT INTO users (username, password_hash, first_name, last_name, email, is_admin)
             VALUES ($1, $2, $3, $4, $5, $6)
             RETURNING ",
            USER_COLUMNS,
        ]))
        .bind(user.username.as_str())
        .bind(password_hash.as_str())
        .bind(user.first_name.as_str())
        .bind(user.last_name.as_str())
        .bind(user.email.as_str())
        .bind(user.is_admin)
        .fetch_one(&self.pool)
        .await
        .map_err(|error| {
            classify(error, |constraint| {
                (constraint == "users_pkey")
                    .then(|| DomainError::Conflict(format!("username '{}' is taken", user.username)))
            })
        })?
        .try_into()
    }

    async fn find(&self, username: &Username) -> Result<Option<User>, DomainError> {
        sqlx::query_as::<_, UserRow>(static_sql(&["SELECT ", USER_COLUMNS, " FROM users WHERE username = $1"]))
            .bind(username.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)?
            .map(User::try_from)
            .transpose()
    }

    async fn find_credentials(&self, username: &Username) -> Result<Option<Credentials>, DomainError> {
        let row = sqlx::query_as::<_, CredentialsRow>(static_sql(&[
            "SELECT ",
            USER_COLUMNS,
            ", password_hash FROM users WHERE username = $1",
        ]))
        .bind(username.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(unavailable)?;
        row.map(|row| {
            Ok(Credentials { user: row.user.try_into()?, password_hash: PasswordHash::new(row.password_hash) })
        })
        .transpose()
    }

    async fn list(&self) -> Result<Vec<User>, DomainError> {
        sqlx::query_as::<_, UserRow>(static_sql(&[
            "SELECT ",
            USER_COLUMNS,
            r#" FROM users ORDER BY username COLLATE "C""#,
        ]))
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)?
        .into_iter()
        .map(User::try_from)
        .collect()
    }

    async fn update(&self, username: &Username, patch: StoredUserPatch) -> Result<Option<User>, DomainError> {
        if patch == StoredUserPatch::default() {
            return UserRepository::find(self, username).await;
        }
        let mut query = QueryBuilder::<Postgres>::new("UPDATE users SET ");
        let mut set = query.separated(", ");
        if let Some(first_name) = &patch.first_name {
            set.push("first_name = ").push_bind_unseparated(first_name.as_str().to_owned());
        }
        if let Some(last_name) = &patch.last_name {
            set.push("last_name = ").push_bind_unseparated(last_name.as_str().to_owned());
        }
        if let Some(email) = &patch.email {
            set.push("email = ").push_bind_unseparated(email.as_str().to_owned());
        }
        if let Some(hash) = &patch.password_hash {
            set.push("password_hash = ").push_bind_unseparated(hash.as_str().to_owned());
        }
        query.push(" WHERE username = ").push_bind(username.as_str().to_owned());
        query.push(" RETURNING ").push(USER_COLUMNS);
        query
            .build_query_as::<UserRow>()
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)?
            .map(User::try_from)
            .transpose()
    }

    async fn delete(&self, username: &Username) -> Result<bool, DomainError> {
        let deleted = sqlx::query_scalar::<_, String>("DELETE FROM users WHERE username = $1 RETURNING username")
            .bind(username.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(deleted.is_some())
    }

    async fn apply(&self, username: &Username, job: JobId) -> Result<(), DomainError> {
        sqlx::query_scalar::<_, i32>("INSERT INTO applications (username, job_id) VALUES ($1, $2) RETURNING job_id")
            .bind(username.as_str())
            .bind(job.get())
            .fetch_one(&self.pool)
            .await
            .map_err(|error| {
                classify(error, |constraint| match constraint {
                    "applications_username_fkey" => Some(DomainError::NotFound(format!("user '{username}'"))),
                    "applications_job_id_fkey" => Some(DomainError::NotFound(format!("job {job}"))),
                    "applications_pkey" => {
                        Some(DomainError::Conflict(format!("'{username}' already applied to job {job}")))
                    }
                    _ => None,
                })
            })?;
        Ok(())
    }

    async fn applied_jobs(&self, username: &Username) -> Result<Vec<JobId>, DomainError> {
        let ids = sqlx::query_scalar::<_, i32>("SELECT job_id FROM applications WHERE username = $1 ORDER BY job_id")
            .bind(username.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(ids.into_iter().map(JobId::new).collect())
    }
}
