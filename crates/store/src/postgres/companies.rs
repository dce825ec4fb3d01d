//! Companies: the domain's [`CompanyRepository`] port on Postgres, with the two unique keys
//! (handle and name) reported as conflicts in the domain's words.

use async_trait::async_trait;
use domain::DomainError;
use domain::company::{Company, CompanyFilter, CompanyName, CompanyPatch, Description, EmployeeCount, Handle, LogoUrl};
use domain::ports::CompanyRepository;
use sqlx::{Postgres, QueryBuilder};

use super::{PgStore, classify, contains_pattern, corrupt, static_sql, unavailable};

#[derive(sqlx::FromRow)]
struct CompanyRow {
    handle: String,
    name: String,
    description: String,
    num_employees: Option<i32>,
    logo_url: Option<String>,
}

/// What a [`CompanyRow`] reads: every `SELECT` and `RETURNING` of `companies`.
const COMPANY_COLUMNS: &str = "handle, name, description, num_employees, logo_url";

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
        sqlx::query_as::<_, CompanyRow>(static_sql(&[
            "INSERT INTO companies (handle, name, description, num_employees, logo_url)
             VALUES ($1, $2, $3, $4, $5)
             RETURNING ",
            COMPANY_COLUMNS,
        ]))
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
        sqlx::query_as::<_, CompanyRow>(static_sql(&["SELECT ", COMPANY_COLUMNS, " FROM companies WHERE handle = $1"]))
            .bind(handle.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)?
            .map(Company::try_from)
            .transpose()
    }

    async fn list(&self, filter: &CompanyFilter) -> Result<Vec<Company>, DomainError> {
        let mut query = QueryBuilder::<Postgres>::new("SELECT ");
        query.push(COMPANY_COLUMNS).push(" FROM companies WHERE TRUE");
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
        query.push(" RETURNING ").push(COMPANY_COLUMNS);
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
