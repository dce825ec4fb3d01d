//! Use cases about jobs.

use crate::companies::company_not_found;
use crate::error::DomainError;
use crate::job::{Job, JobChanges, JobDetail, JobForm, JobId, JobQuery};
use crate::ports::{CompanyRepository, JobRepository};

/// Nothing is stored unless every field is valid; an unknown company is `NotFound`.
pub async fn create_job(jobs: &dyn JobRepository, form: &JobForm) -> Result<Job, DomainError> {
    let job = form.validate()?;
    jobs.insert(job).await
}

pub async fn list_jobs(jobs: &dyn JobRepository, query: &JobQuery) -> Result<Vec<Job>, DomainError> {
    let filter = query.validate()?;
    jobs.list(&filter).await
}

pub async fn job_detail(
    jobs: &dyn JobRepository,
    companies: &dyn CompanyRepository,
    id: i64,
) -> Result<JobDetail, DomainError> {
    let id = existing_job_id(id)?;
    let job = jobs.find(id).await?.ok_or_else(|| job_not_found(id))?;
    // A job always has its company (a foreign key with ON DELETE CASCADE); if it is gone, the
    // job went with it between the two reads.
    let company = companies.find(&job.company_handle).await?.ok_or_else(|| company_not_found(&job.company_handle))?;
    Ok(JobDetail { job, company })
}

pub async fn update_job(jobs: &dyn JobRepository, id: i64, changes: &JobChanges) -> Result<Job, DomainError> {
    let id = existing_job_id(id)?;
    let patch = changes.validate()?;
    jobs.update(id, &patch).await?.ok_or_else(|| job_not_found(id))
}

/// Deletes the job and the applications to it.
pub async fn delete_job(jobs: &dyn JobRepository, id: i64) -> Result<(), DomainError> {
    let id = existing_job_id(id)?;
    if jobs.delete(id).await? { Ok(()) } else { Err(job_not_found(id)) }
}

/// Ids are positive `integer`s; anything else names no job.
pub(crate) fn existing_job_id(raw: i64) -> Result<JobId, DomainError> {
    match i32::try_from(raw) {
        Ok(id) if id > 0 => Ok(JobId::new(id)),
        _ => Err(DomainError::NotFound(format!("job {raw}"))),
    }
}

fn job_not_found(id: JobId) -> DomainError {
    DomainError::NotFound(format!("job {id}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{a_company, a_job, a_job_form};
    use crate::ports::{MockCompanyRepository, MockJobRepository};

    #[tokio::test]
    async fn create_job_stores_nothing_and_lists_every_violation() {
        let mut jobs = MockJobRepository::new();
        jobs.expect_insert().times(0);
        let form = JobForm { title: " ".into(), salary: Some(-5), equity: Some("1.5".into()), ..a_job_form() };

        let result = create_job(&jobs, &form).await;

        let Err(DomainError::Invalid(violations)) = result else { panic!("expected Invalid, got {result:?}") };
        let fields: Vec<_> = violations.iter().map(|v| v.field).collect();
        assert_eq!(fields, ["title", "salary", "equity"]);
    }

    #[tokio::test]
    async fn create_job_passes_an_unknown_company_through_as_not_found() {
        let mut jobs = MockJobRepository::new();
        jobs.expect_insert().returning(|_| Err(DomainError::NotFound("company 'acme'".into())));

        let result = create_job(&jobs, &a_job_form()).await;

        assert!(matches!(result, Err(DomainError::NotFound(what)) if what == "company 'acme'"));
    }

    #[tokio::test]
    async fn job_detail_joins_the_company_that_posted_it() {
        let mut jobs = MockJobRepository::new();
        jobs.expect_find().returning(|id| Ok(Some(a_job(id.get()))));
        let mut companies = MockCompanyRepository::new();
        companies.expect_find().returning(|handle| Ok(Some(a_company(handle.as_str()))));

        let detail = job_detail(&jobs, &companies, 7).await.unwrap();

        assert_eq!((detail.job, detail.company), (a_job(7), a_company("acme")));
    }

    #[tokio::test]
    async fn an_id_no_job_can_have_is_not_found_without_a_query() {
        let mut jobs = MockJobRepository::new();
        jobs.expect_find().times(0);
        jobs.expect_delete().times(0);

        for id in [0, -1, i64::from(i32::MAX) + 1] {
            let result = job_detail(&jobs, &MockCompanyRepository::new(), id).await;
            assert!(matches!(result, Err(DomainError::NotFound(what)) if what == format!("job {id}")));
            assert!(delete_job(&jobs, id).await.is_err());
        }
    }

    #[tokio::test]
    async fn update_job_can_clear_the_equity_but_never_change_the_company() {
        let mut jobs = MockJobRepository::new();
        jobs.expect_update()
            .withf(|id, patch| id.get() == 3 && patch.equity == Some(None) && patch.title.is_none())
            .times(1)
            .returning(|id, _| Ok(Some(a_job(id.get()))));

        let changes = JobChanges { equity: Some(None), ..JobChanges::default() };
        update_job(&jobs, 3, &changes).await.unwrap();
    }

    #[tokio::test]
    async fn updating_an_unknown_job_is_not_found() {
        let mut jobs = MockJobRepository::new();
        jobs.expect_update().returning(|_, _| Ok(None));

        let changes = JobChanges { title: Some("New".into()), ..JobChanges::default() };
        let result = update_job(&jobs, 99, &changes).await;

        assert!(matches!(result, Err(DomainError::NotFound(what)) if what == "job 99"));
    }
}
