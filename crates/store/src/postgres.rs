//! The Postgres store (sqlx). Every write returns its row with `RETURNING`: one round trip,
//! and what the caller gets is what the database holds (defaults and all).

use async_trait::async_trait;
use domain::DomainError;
use domain::password::PasswordHash;
use domain::ports::{Credentials, UserRepository};
use domain::user::{Email, NewUser, PersonName, User, Username};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgPool, PgPoolOptions};

/// The schema, embedded in the binary. Tests migrate a template database with it once.
pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    /// Connects and brings the schema up to date.
    pub async fn connect_and_migrate(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new().max_connections(10).connect(url).await?;
        MIGRATOR.run(&pool).await?;
        Ok(Self::new(pool))
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

/// Failures of the store itself (connecting, migrating), as opposed to domain outcomes.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}

#[derive(sqlx::FromRow)]
struct UserRow {
    username: String,
    first_name: String,
    last_name: String,
    email: String,
    is_admin: bool,
}

#[derive(sqlx::FromRow)]
struct CredentialsRow {
    #[sqlx(flatten)]
    user: UserRow,
    password_hash: String,
}

impl TryFrom<UserRow> for User {
    type Error = DomainError;

    /// Rows are re-validated: a row the domain would refuse means someone wrote around it.
    fn try_from(row: UserRow) -> Result<Self, DomainError> {
        let corrupt = |violation: domain::Violation| {
            DomainError::Unavailable(format!("corrupt users row '{}': {violation}", row.username).into())
        };
        Ok(User {
            username: Username::parse(&row.username).map_err(corrupt)?,
            first_name: PersonName::parse("first_name", &row.first_name).map_err(corrupt)?,
            last_name: PersonName::parse("last_name", &row.last_name).map_err(corrupt)?,
            email: Email::parse(&row.email).map_err(corrupt)?,
            is_admin: row.is_admin,
        })
    }
}

fn unavailable(error: sqlx::Error) -> DomainError {
    DomainError::Unavailable(Box::new(error))
}

#[async_trait]
impl UserRepository for PgStore {
    async fn insert(&self, user: NewUser, password_hash: PasswordHash) -> Result<User, DomainError> {
        let row = sqlx::query_as::<_, UserRow>(
            "INSERT INTO users (username, password_hash, first_name, last_name, email, is_admin)
             VALUES ($1, $2, $3, $4, $5, $6)
             RETURNING username, first_name, last_name, email, is_admin",
        )
        .bind(user.username.as_str())
        .bind(password_hash.as_str())
        .bind(user.first_name.as_str())
        .bind(user.last_name.as_str())
        .bind(user.email.as_str())
        .bind(user.is_admin)
        .fetch_one(&self.pool)
        .await
        .map_err(|error| match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                DomainError::Conflict(format!("username '{}' is taken", user.username))
            }
            _ => unavailable(error),
        })?;
        row.try_into()
    }

    async fn find(&self, username: &Username) -> Result<Option<User>, DomainError> {
        let row = sqlx::query_as::<_, UserRow>(
            "SELECT username, first_name, last_name, email, is_admin FROM users WHERE username = $1",
        )
        .bind(username.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(unavailable)?;
        row.map(User::try_from).transpose()
    }

    async fn find_credentials(&self, username: &Username) -> Result<Option<Credentials>, DomainError> {
        let row = sqlx::query_as::<_, CredentialsRow>(
            "SELECT username, first_name, last_name, email, is_admin, password_hash
             FROM users WHERE username = $1",
        )
        .bind(username.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(unavailable)?;
        row.map(|row| {
            Ok(Credentials { user: row.user.try_into()?, password_hash: PasswordHash::new(row.password_hash) })
        })
        .transpose()
    }
}
