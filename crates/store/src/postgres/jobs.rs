//! Jobs: the domain's [`JobRepository`] port on Postgres. Ids come from the table's
//! `serial`, so an insert learns its job's id from `RETURNING`.

use async_trait::async_trait;
use domain::DomainError;
use domain::company::Handle;
use domain::job::{Equity, Job, JobFilter, JobId, JobPatch, JobTitle, NewJob, Salary};
use domain::ports::JobRepository;
use rust_decimal::Decimal;
use sqlx::{Postgres, QueryBuilder};

use super::{PgStore, classify, contains_pattern, corrupt, static_sql, unavailable};

#[derive(sqlx::FromRow)]
struct JobRow {
    id: i32,
    title: String,
    salary: Option<i32>,
    equity: Option<Decimal>,
    company_handle: String,
}

/// What a [`JobRow`] reads: every `SELECT` and `RETURNING` of `jobs`.
const JOB_COLUMNS: &str = "id, title, salary, equity, company_handle";

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

#[async_trait]
impl JobRepository for PgStore {
    async fn insert(&self, job: NewJob) -> Result<Job, DomainError> {
        sqlx::query_as::<_, JobRow>(static_sql(&[
            "INSERT INTO jobs (title, salary, equity, company_handle) VALUES ($1, $2, $3, $4)
             RETURNING ",
            JOB_COLUMNS,
        ]))
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
        sqlx::query_as::<_, JobRow>(static_sql(&["SELECT ", JOB_COLUMNS, " FROM jobs WHERE id = $1"]))
            .bind(id.get())
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)?
            .map(Job::try_from)
            .transpose()
    }

    async fn list(&self, filter: &JobFilter) -> Result<Vec<Job>, DomainError> {
        let mut query = QueryBuilder::<Postgres>::new("SELECT ");
        query.push(JOB_COLUMNS).push(" FROM jobs WHERE TRUE");
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
        sqlx::query_as::<_, JobRow>(static_sql(&[
            "SELECT ",
            JOB_COLUMNS,
            " FROM jobs WHERE company_handle = $1 ORDER BY id",
        ]))
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
        query.push(" RETURNING ").push(JOB_COLUMNS);
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
