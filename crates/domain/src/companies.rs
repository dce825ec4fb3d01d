//! Use cases about companies.

use crate::company::{Company, CompanyChanges, CompanyForm, CompanyQuery, Handle};
use crate::error::DomainError;
use crate::job::Job;
use crate::ports::{CompanyRepository, JobRepository};

/// A company with the jobs it posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyDetail {
    pub company: Company,
    pub jobs: Vec<Job>,
}

/// Nothing is stored unless every field is valid.
pub async fn create_company(companies: &dyn CompanyRepository, form: &CompanyForm) -> Result<Company, DomainError> {
    let company = form.validate()?;
    companies.insert(company).await
}

pub async fn list_companies(
    companies: &dyn CompanyRepository,
    query: &CompanyQuery,
) -> Result<Vec<Company>, DomainError> {
    let filter = query.validate()?;
    companies.list(&filter).await
}

pub async fn company_detail(
    companies: &dyn CompanyRepository,
    jobs: &dyn JobRepository,
    handle: &str,
) -> Result<CompanyDetail, DomainError> {
    let handle = existing_handle(handle)?;
    let company = companies.find(&handle).await?.ok_or_else(|| company_not_found(&handle))?;
    let jobs = jobs.list_for_company(&handle).await?;
    Ok(CompanyDetail { company, jobs })
}

pub async fn update_company(
    companies: &dyn CompanyRepository,
    handle: &str,
    changes: &CompanyChanges,
) -> Result<Company, DomainError> {
    let handle = existing_handle(handle)?;
    let patch = changes.validate()?;
    companies.update(&handle, &patch).await?.ok_or_else(|| company_not_found(&handle))
}

/// Deletes the company, its jobs and the applications to them.
pub async fn delete_company(companies: &dyn CompanyRepository, handle: &str) -> Result<(), DomainError> {
    let handle = existing_handle(handle)?;
    if companies.delete(&handle).await? { Ok(()) } else { Err(company_not_found(&handle)) }
}

fn existing_handle(raw: &str) -> Result<Handle, DomainError> {
    Handle::parse("handle", raw).map_err(|_| DomainError::NotFound(format!("company '{raw}'")))
}

pub(crate) fn company_not_found(handle: &Handle) -> DomainError {
    DomainError::NotFound(format!("company '{handle}'"))
}

#[cfg(test)]
mod tests {
    use mockall::predicate::eq;

    use super::*;
    use crate::company::Handle;
    use crate::fixtures::{a_company, a_company_form, a_job};
    use crate::ports::{MockCompanyRepository, MockJobRepository};

    fn handle(raw: &str) -> Handle {
        Handle::parse("handle", raw).unwrap()
    }

    #[tokio::test]
    async fn create_company_stores_nothing_when_any_field_is_invalid() {
        let mut companies = MockCompanyRepository::new();
        companies.expect_insert().times(0);
        let form = CompanyForm { handle: "Not Lower".into(), num_employees: Some(-1), ..a_company_form() };

        let result = create_company(&companies, &form).await;

        let Err(DomainError::Invalid(violations)) = result else { panic!("expected Invalid, got {result:?}") };
        let fields: Vec<_> = violations.iter().map(|v| v.field).collect();
        assert_eq!(fields, ["handle", "num_employees"]);
    }

    #[tokio::test]
    async fn create_company_passes_a_conflict_from_the_store_through_unchanged() {
        let mut companies = MockCompanyRepository::new();
        companies.expect_insert().returning(|_| Err(DomainError::Conflict("company 'acme' exists".into())));

        let result = create_company(&companies, &a_company_form()).await;

        assert!(matches!(result, Err(DomainError::Conflict(m)) if m == "company 'acme' exists"));
    }

    #[tokio::test]
    async fn company_detail_carries_the_jobs_of_that_company() {
        let mut companies = MockCompanyRepository::new();
        companies.expect_find().with(eq(handle("acme"))).returning(|_| Ok(Some(a_company("acme"))));
        let mut jobs = MockJobRepository::new();
        jobs.expect_list_for_company().with(eq(handle("acme"))).times(1).returning(|_| Ok(vec![a_job(1), a_job(2)]));

        let detail = company_detail(&companies, &jobs, "acme").await.unwrap();

        assert_eq!(detail.company, a_company("acme"));
        assert_eq!(detail.jobs, [a_job(1), a_job(2)]);
    }

    #[tokio::test]
    async fn company_detail_of_an_unknown_company_asks_for_no_jobs() {
        let mut companies = MockCompanyRepository::new();
        companies.expect_find().returning(|_| Ok(None));
        let mut jobs = MockJobRepository::new();
        jobs.expect_list_for_company().times(0);

        let result = company_detail(&companies, &jobs, "nope").await;

        assert!(matches!(result, Err(DomainError::NotFound(what)) if what == "company 'nope'"));
    }

    #[tokio::test]
    async fn a_handle_that_cannot_exist_is_not_found_without_asking_the_store() {
        let mut companies = MockCompanyRepository::new();
        companies.expect_find().times(0);
        companies.expect_delete().times(0);

        let detail = company_detail(&companies, &MockJobRepository::new(), "'; DROP TABLE companies;--").await;
        let deleted = delete_company(&companies, "UPPER").await;

        assert!(matches!(detail, Err(DomainError::NotFound(_))));
        assert!(matches!(deleted, Err(DomainError::NotFound(_))));
    }

    #[tokio::test]
    async fn an_empty_update_is_invalid_and_touches_nothing() {
        let mut companies = MockCompanyRepository::new();
        companies.expect_update().times(0);

        let result = update_company(&companies, "acme", &CompanyChanges::default()).await;

        assert!(matches!(result, Err(DomainError::Invalid(v)) if v[0].message == "must change at least one field"));
    }

    #[tokio::test]
    async fn update_company_hands_the_store_only_the_changed_fields() {
        let mut companies = MockCompanyRepository::new();
        companies
            .expect_update()
            .withf(|handle, patch| {
                handle.as_str() == "acme"
                    && patch.name.is_none()
                    && patch.description.is_none()
                    && patch.num_employees == Some(None)
                    && patch.logo_url.is_none()
            })
            .times(1)
            .returning(|_, _| Ok(Some(a_company("acme"))));

        let changes = CompanyChanges { num_employees: Some(None), ..CompanyChanges::default() };
        update_company(&companies, "acme", &changes).await.unwrap();
    }

    #[tokio::test]
    async fn listing_with_a_minimum_above_the_maximum_is_invalid_without_a_query() {
        let mut companies = MockCompanyRepository::new();
        companies.expect_list().times(0);
        let query = CompanyQuery { min_employees: Some(10), max_employees: Some(5), ..CompanyQuery::default() };

        let result = list_companies(&companies, &query).await;

        assert!(
            matches!(result, Err(DomainError::Invalid(v)) if v[0].to_string() == "min_employees: must not be greater than the maximum")
        );
    }

    #[tokio::test]
    async fn deleting_an_unknown_company_is_not_found() {
        let mut companies = MockCompanyRepository::new();
        companies.expect_delete().returning(|_| Ok(false));

        let result = delete_company(&companies, "nope").await;

        assert!(matches!(result, Err(DomainError::NotFound(what)) if what == "company 'nope'"));
    }
}
