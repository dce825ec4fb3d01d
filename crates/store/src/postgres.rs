//! The Postgres store (sqlx).
//!
//! - Every insert, update and delete returns its row with `RETURNING`: one round trip, and the
//!   caller gets what the database holds (defaults, triggers and all).
//! - Partial updates are built from a fixed map of the patch's fields to column names, never
//!   from request keys, with every value a bind parameter.
//! - Filters are bind parameters too; search text is escaped for `ILIKE`, so `%` and `_` match
//!   themselves.
//! - Constraint violations become domain errors (unique → `Conflict`, foreign key →
//!   `NotFound`); anything else is `Unavailable`, never a panic.
//! - Sessions (auth's [`SessionStore`] port): a refresh token is consumed by one conditional
//!   `UPDATE … RETURNING`, so concurrent refreshes of one token cannot both win.
//! - Lists are ordered by code point (`COLLATE "C"`), as the memory store orders them,
//!   whatever the server's locale.

use async_trait::async_trait;
use auth::clock::UnixTime;
use auth::sessions::{Consumption, RefreshRecord, SessionStore, StoreFailure};
use domain::DomainError;
use domain::company::{Company, CompanyFilter, CompanyName, CompanyPatch, Description, EmployeeCount, Handle, LogoUrl};
use domain::job::{Equity, Job, JobFilter, JobId, JobPatch, JobTitle, NewJob, Salary};
use domain::password::PasswordHash;
use domain::ports::{CompanyRepository, Credentials, JobRepository, UserRepository};
use domain::text::SearchText;
use domain::user::{Email, NewUser, PersonName, StoredUserPatch, User, Username};
use rust_decimal::Decimal;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::{Postgres, QueryBuilder};

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

/// `%text%` for `ILIKE`, with `\`, `%` and `_` escaped so every character matches itself.
pub fn contains_pattern(text: &SearchText) -> String {
    let mut pattern = String::with_capacity(text.as_str().len() + 2);
    pattern.push('%');
    for c in text.as_str().chars() {
        if matches!(c, '\\' | '%' | '_') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Turns a database error into the domain's words. `describe` names the violated constraint
/// in the domain's terms, or `None` when it is not one this call expects.
fn classify(error: sqlx::Error, describe: impl FnOnce(&str) -> Option<DomainError>) -> DomainError {
    if let sqlx::Error::Database(db) = &error
        && let Some(constraint) = db.constraint()
        && let Some(domain_error) = describe(constraint)
    {
        return domain_error;
    }
    DomainError::Unavailable(Box::new(error))
}

fn unavailable(error: sqlx::Error) -> DomainError {
    DomainError::Unavailable(Box::new(error))
}

/// A row the domain refuses means something wrote around it: report, don't serve it.
fn corrupt(table: &str, key: &str, violation: domain::Violation) -> DomainError {
    DomainError::Unavailable(format!("corrupt {table} row '{key}': {violation}").into())
}

// ---- users ----------------------------------------------------------------------------------

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
        sqlx::query_as::<_, UserRow>(
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
        .map_err(|error| {
            classify(error, |constraint| {
                (constraint == "users_pkey")
                    .then(|| DomainError::Conflict(format!("username '{}' is taken", user.username)))
            })
        })?
        .try_into()
    }

    async fn find(&self, username: &Username) -> Result<Option<User>, DomainError> {
        sqlx::query_as::<_, UserRow>(
            "SELECT username, first_name, last_name, email, is_admin FROM users WHERE username = $1",
        )
        .bind(username.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(unavailable)?
        .map(User::try_from)
        .transpose()
    }

    async fn find_credentials(&self, username: &Username) -> Result<Option<Credentials>, DomainError> {
        let row = sqlx::query_as::<_, CredentialsRow>(
            "SELECT username, first_name, last_name, email, is_admin, password_hash FROM users WHERE username = $1",
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

    async fn list(&self) -> Result<Vec<User>, DomainError> {
        sqlx::query_as::<_, UserRow>(
            r#"SELECT username, first_name, last_name, email, is_admin FROM users ORDER BY username COLLATE "C""#,
        )
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
        query.push(" RETURNING username, first_name, last_name, email, is_admin");
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

// ---- companies ------------------------------------------------------------------------------

#[derive(sqlx::FromRow)]
struct CompanyRow {
    handle: String,
    name: String,
    description: String,
    num_employees: Option<i32>,
    logo_url: Option<String>,
}

impl TryFrom<CompanyRow> for Company {
    type Error = DomainError;

    fn try_from(row: CompanyRow) -> Result<Self, DomainError> {
        let corrupt = |violation| corrupt("companies", &row.handle, violation);
        Ok(Company {
            handle: Handle::parse("handle", &row.handle).map_err(corrupt)?,
            name: CompanyName::parse(&row.name).map_err(corrupt)?,
            description: Description::parse(&row.description).map_err(corrupt)?,
            num_employees: row
                .num_employees
                .map(|n| EmployeeCount::parse("num_employees", i64::from(n)))
                .transpose()
                .map_err(corrupt)?,
            logo_url: row.logo_url.as_deref().map(LogoUrl::parse).transpose().map_err(corrupt)?,
        })
    }
}

const COMPANY_COLUMNS: &str = "handle, name, description, num_employees, logo_url";

fn company_conflict(
    company_handle: &Handle,
    company_name: Option<&CompanyName>,
) -> impl FnOnce(&str) -> Option<DomainError> {
    move |constraint| match constraint {
        "companies_pkey" => Some(DomainError::Conflict(format!("company '{company_handle}' already exists"))),
        "companies_name_key" => company_name
            .map(|name| DomainError::Conflict(format!("a company named '{}' already exists", name.as_str()))),
        _ => None,
    }
}

#[async_trait]
impl CompanyRepository for PgStore {
    async fn insert(&self, company: Company) -> Result<Company, DomainError> {
        sqlx::query_as::<_, CompanyRow>(
            "INSERT INTO companies (handle, name, description, num_employees, logo_url)
             VALUES ($1, $2, $3, $4, $5)
             RETURNING handle, name, description, num_employees, logo_url",
        )
        .bind(company.handle.as_str())
        .bind(company.name.as_str())
        .bind(company.description.as_str())
        .bind(company.num_employees.map(EmployeeCount::get))
        .bind(company.logo_url.as_ref().map(LogoUrl::as_str))
        .fetch_one(&self.pool)
        .await
        .map_err(|error| classify(error, company_conflict(&company.handle, Some(&company.name))))?
        .try_into()
    }

    async fn find(&self, handle: &Handle) -> Result<Option<Company>, DomainError> {
        sqlx::query_as::<_, CompanyRow>(
            "SELECT handle, name, description, num_employees, logo_url FROM companies WHERE handle = $1",
        )
        .bind(handle.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(unavailable)?
        .map(Company::try_from)
        .transpose()
    }

    async fn list(&self, filter: &CompanyFilter) -> Result<Vec<Company>, DomainError> {
        let mut query = QueryBuilder::<Postgres>::new(format!("SELECT {COMPANY_COLUMNS} FROM companies WHERE TRUE"));
        if let Some(text) = filter.name_like() {
            query.push(" AND name ILIKE ").push_bind(contains_pattern(text));
        }
        if let Some(min) = filter.min_employees() {
            query.push(" AND num_employees >= ").push_bind(min.get());
        }
        if let Some(max) = filter.max_employees() {
            query.push(" AND num_employees <= ").push_bind(max.get());
        }
        query.push(r#" ORDER BY name COLLATE "C""#);
        query
            .build_query_as::<CompanyRow>()
            .fetch_all(&self.pool)
            .await
            .map_err(unavailable)?
            .into_iter()
            .map(Company::try_from)
            .collect()
    }

    async fn update(&self, handle: &Handle, patch: &CompanyPatch) -> Result<Option<Company>, DomainError> {
        if patch == &CompanyPatch::default() {
            return CompanyRepository::find(self, handle).await;
        }
        let mut query = QueryBuilder::<Postgres>::new("UPDATE companies SET ");
        let mut set = query.separated(", ");
        if let Some(name) = &patch.name {
            set.push("name = ").push_bind_unseparated(name.as_str().to_owned());
        }
        if let Some(description) = &patch.description {
            set.push("description = ").push_bind_unseparated(description.as_str().to_owned());
        }
        if let Some(num_employees) = patch.num_employees {
            set.push("num_employees = ").push_bind_unseparated(num_employees.map(EmployeeCount::get));
        }
        if let Some(logo_url) = &patch.logo_url {
            set.push("logo_url = ").push_bind_unseparated(logo_url.as_ref().map(|url| url.as_str().to_owned()));
        }
        query.push(" WHERE handle = ").push_bind(handle.as_str().to_owned());
        query.push(format!(" RETURNING {COMPANY_COLUMNS}"));
        query
            .build_query_as::<CompanyRow>()
            .fetch_optional(&self.pool)
            .await
            .map_err(|error| classify(error, company_conflict(handle, patch.name.as_ref())))?
            .map(Company::try_from)
            .transpose()
    }

    async fn delete(&self, handle: &Handle) -> Result<bool, DomainError> {
        let deleted = sqlx::query_scalar::<_, String>("DELETE FROM companies WHERE handle = $1 RETURNING handle")
            .bind(handle.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(deleted.is_some())
    }
}

// ---- jobs -----------------------------------------------------------------------------------

#[derive(sqlx::FromRow)]
struct JobRow {
    id: i32,
    title: String,
    salary: Option<i32>,
    equity: Option<Decimal>,
    company_handle: String,
}

impl TryFrom<JobRow> for Job {
    type Error = DomainError;

    fn try_from(row: JobRow) -> Result<Self, DomainError> {
        let key = row.id.to_string();
        let corrupt = |violation| corrupt("jobs", &key, violation);
        let equity = match row.equity {
            Some(value) => Some(
                Equity::from_decimal(value)
                    .ok_or_else(|| corrupt(domain::Violation::new("equity", "outside 0..=1")))?,
            ),
            None => None,
        };
        Ok(Job {
            id: JobId::new(row.id),
            title: JobTitle::parse(&row.title).map_err(corrupt)?,
            salary: row.salary.map(|s| Salary::parse("salary", i64::from(s))).transpose().map_err(corrupt)?,
            equity,
            company_handle: Handle::parse("company_handle", &row.company_handle).map_err(corrupt)?,
        })
    }
}

const JOB_COLUMNS: &str = "id, title, salary, equity, company_handle";

#[async_trait]
impl JobRepository for PgStore {
    async fn insert(&self, job: NewJob) -> Result<Job, DomainError> {
        sqlx::query_as::<_, JobRow>(
            "INSERT INTO jobs (title, salary, equity, company_handle) VALUES ($1, $2, $3, $4)
             RETURNING id, title, salary, equity, company_handle",
        )
        .bind(job.title.as_str())
        .bind(job.salary.map(Salary::get))
        .bind(job.equity.map(Equity::get))
        .bind(job.company_handle.as_str())
        .fetch_one(&self.pool)
        .await
        .map_err(|error| {
            classify(error, |constraint| {
                (constraint == "jobs_company_handle_fkey")
                    .then(|| DomainError::NotFound(format!("company '{}'", job.company_handle)))
            })
        })?
        .try_into()
    }

    async fn find(&self, id: JobId) -> Result<Option<Job>, DomainError> {
        sqlx::query_as::<_, JobRow>("SELECT id, title, salary, equity, company_handle FROM jobs WHERE id = $1")
            .bind(id.get())
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)?
            .map(Job::try_from)
            .transpose()
    }

    async fn list(&self, filter: &JobFilter) -> Result<Vec<Job>, DomainError> {
        let mut query = QueryBuilder::<Postgres>::new(format!("SELECT {JOB_COLUMNS} FROM jobs WHERE TRUE"));
        if let Some(text) = filter.title() {
            query.push(" AND title ILIKE ").push_bind(contains_pattern(text));
        }
        if let Some(min) = filter.min_salary() {
            query.push(" AND salary >= ").push_bind(min.get());
        }
        if filter.only_with_equity() {
            query.push(" AND equity > 0");
        }
        query.push(r#" ORDER BY title COLLATE "C", id"#);
        query
            .build_query_as::<JobRow>()
            .fetch_all(&self.pool)
            .await
            .map_err(unavailable)?
            .into_iter()
            .map(Job::try_from)
            .collect()
    }

    async fn list_for_company(&self, handle: &Handle) -> Result<Vec<Job>, DomainError> {
        sqlx::query_as::<_, JobRow>(
            "SELECT id, title, salary, equity, company_handle FROM jobs WHERE company_handle = $1 ORDER BY id",
        )
        .bind(handle.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)?
        .into_iter()
        .map(Job::try_from)
        .collect()
    }

    async fn update(&self, id: JobId, patch: &JobPatch) -> Result<Option<Job>, DomainError> {
        if patch == &JobPatch::default() {
            return JobRepository::find(self, id).await;
        }
        let mut query = QueryBuilder::<Postgres>::new("UPDATE jobs SET ");
        let mut set = query.separated(", ");
        if let Some(title) = &patch.title {
            set.push("title = ").push_bind_unseparated(title.as_str().to_owned());
        }
        if let Some(salary) = patch.salary {
            set.push("salary = ").push_bind_unseparated(salary.map(Salary::get));
        }
        if let Some(equity) = patch.equity {
            set.push("equity = ").push_bind_unseparated(equity.map(Equity::get));
        }
        query.push(" WHERE id = ").push_bind(id.get());
        query.push(format!(" RETURNING {JOB_COLUMNS}"));
        query
            .build_query_as::<JobRow>()
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)?
            .map(Job::try_from)
            .transpose()
    }

    async fn delete(&self, id: JobId) -> Result<bool, DomainError> {
        let deleted = sqlx::query_scalar::<_, i32>("DELETE FROM jobs WHERE id = $1 RETURNING id")
            .bind(id.get())
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(deleted.is_some())
    }
}

// ---- sessions -------------------------------------------------------------------------------

fn store_failure(error: sqlx::Error) -> StoreFailure {
    StoreFailure(Box::new(error))
}

#[async_trait]
impl SessionStore for PgStore {
    async fn record_refresh(&self, record: &RefreshRecord) -> Result<(), StoreFailure> {
        sqlx::query_scalar::<_, String>(
            "INSERT INTO refresh_tokens (jti, family, subject, expires_at) VALUES ($1, $2, $3, $4) RETURNING jti",
        )
        .bind(&record.jti)
        .bind(&record.family)
        .bind(&record.subject)
        .bind(record.expires_at)
        .fetch_one(&self.pool)
        .await
        .map_err(store_failure)?;
        Ok(())
    }

    async fn consume_refresh(&self, jti: &str, now: UnixTime) -> Result<Consumption, StoreFailure> {
        // One statement: the row lock makes concurrent consumers queue, and every one after
        // the first finds `consumed_at` set.
        let consumed = sqlx::query_scalar::<_, String>(
            "UPDATE refresh_tokens SET consumed_at = $2
             WHERE jti = $1 AND consumed_at IS NULL AND revoked_at IS NULL AND expires_at > $2
             RETURNING jti",
        )
        .bind(jti)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
        .map_err(store_failure)?;
        if consumed.is_some() {
            return Ok(Consumption::Consumed);
        }
        let previous = sqlx::query_as::<_, (String, bool, bool)>(
            "SELECT family, consumed_at IS NOT NULL, revoked_at IS NOT NULL FROM refresh_tokens WHERE jti = $1",
        )
        .bind(jti)
        .fetch_optional(&self.pool)
        .await
        .map_err(store_failure)?;
        Ok(match previous {
            Some((family, true, false)) => Consumption::AlreadyConsumed { family },
            _ => Consumption::Refused,
        })
    }

    async fn revoke_refresh(&self, jti: &str, now: UnixTime) -> Result<(), StoreFailure> {
        sqlx::query_scalar::<_, String>(
            "UPDATE refresh_tokens SET revoked_at = $2 WHERE jti = $1 AND revoked_at IS NULL RETURNING jti",
        )
        .bind(jti)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
        .map_err(store_failure)?;
        Ok(())
    }

    async fn revoke_family(&self, family: &str, now: UnixTime) -> Result<(), StoreFailure> {
        sqlx::query_scalar::<_, String>(
            "UPDATE refresh_tokens SET revoked_at = $2 WHERE family = $1 AND revoked_at IS NULL RETURNING jti",
        )
        .bind(family)
        .bind(now)
        .fetch_all(&self.pool)
        .await
        .map_err(store_failure)?;
        Ok(())
    }

    async fn revoke_access(&self, jti: &str, expires_at: UnixTime) -> Result<(), StoreFailure> {
        sqlx::query_scalar::<_, String>(
            "INSERT INTO revoked_access_tokens (jti, expires_at) VALUES ($1, $2) ON CONFLICT (jti) DO NOTHING RETURNING jti",
        )
        .bind(jti)
        .bind(expires_at)
        .fetch_optional(&self.pool)
        .await
        .map_err(store_failure)?;
        Ok(())
    }

    async fn is_access_revoked(&self, jti: &str) -> Result<bool, StoreFailure> {
        sqlx::query_scalar::<_, bool>("SELECT EXISTS (SELECT 1 FROM revoked_access_tokens WHERE jti = $1)")
            .bind(jti)
            .fetch_one(&self.pool)
            .await
            .map_err(store_failure)
    }

    async fn token_version(&self, subject: &str) -> Result<i64, StoreFailure> {
        let version = sqlx::query_scalar::<_, i64>("SELECT version FROM token_versions WHERE subject = $1")
            .bind(subject)
            .fetch_optional(&self.pool)
            .await
            .map_err(store_failure)?;
        Ok(version.unwrap_or(0))
    }

    async fn bump_token_version(&self, subject: &str) -> Result<i64, StoreFailure> {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO token_versions (subject, version) VALUES ($1, 1)
             ON CONFLICT (subject) DO UPDATE SET version = token_versions.version + 1
             RETURNING version",
        )
        .bind(subject)
        .fetch_one(&self.pool)
        .await
        .map_err(store_failure)
    }

    async fn purge_expired(&self, now: UnixTime) -> Result<u64, StoreFailure> {
        let purged = sqlx::query_scalar::<_, i64>(
            "WITH refresh AS (DELETE FROM refresh_tokens WHERE expires_at <= $1 RETURNING 1),
                  access AS (DELETE FROM revoked_access_tokens WHERE expires_at <= $1 RETURNING 1)
             SELECT (SELECT count(*) FROM refresh) + (SELECT count(*) FROM access)",
        )
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .map_err(store_failure)?;
        Ok(u64::try_from(purged).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_like_pattern_escapes_every_wildcard_and_the_escape_itself() {
        let text = SearchText::parse("title", r"50%_off\now").unwrap();
        assert_eq!(contains_pattern(&text), r"%50\%\_off\\now%");
    }
}
