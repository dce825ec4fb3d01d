//! Use cases whose news goes on the live feed: a job posted, an application made. Each is
//! announced once, after the store accepted it, however it was made.

use domain::accounts::{self, Application};
use domain::job::{Job, JobForm};
use domain::jobs;

use crate::error::UseCaseError;
use crate::events::Event;
use crate::ports::Ports;

/// Stores a new job and announces it to everyone.
pub async fn post_job(ports: &Ports, form: &JobForm) -> Result<Job, UseCaseError> {
    let job = jobs::create_job(ports.jobs.as_ref(), form).await?;
    ports.events.publish(Event::JobPosted(job.clone())).await;
    Ok(job)
}

/// Records that `username` applied to job `job_id`, and tells the admins.
pub async fn apply(ports: &Ports, username: &str, job_id: i64) -> Result<Application, UseCaseError> {
    let application = accounts::apply(ports.users.as_ref(), username, job_id).await?;
    ports.events.publish(Event::Applied(application.clone())).await;
    Ok(application)
}

#[cfg(test)]
mod tests {
    use domain::DomainError;
    use domain::fixtures::{a_job, a_job_form};
    use domain::job::JobId;
    use domain::user::Username;
    use mockall::predicate::eq;

    use super::*;
    use crate::testing::TestPorts;

    #[tokio::test]
    async fn a_posted_job_is_announced_exactly_once() {
        let mut ports = TestPorts::new();
        ports.jobs.expect_insert().times(1).returning(|job| Ok(job.with_id(JobId::new(7))));
        ports.events.expect_publish().with(eq(Event::JobPosted(a_job(7)))).times(1).return_const(());

        let job = post_job(&ports.build(), &a_job_form()).await.unwrap();

        assert_eq!(job.id.get(), 7);
    }

    #[tokio::test]
    async fn a_job_the_store_refuses_is_not_announced() {
        let mut ports = TestPorts::new();
        ports.jobs.expect_insert().returning(|_| Err(DomainError::NotFound("company 'acme'".into())));
        ports.events.expect_publish().never();

        let result = post_job(&ports.build(), &a_job_form()).await;

        assert!(matches!(result, Err(UseCaseError::Domain(DomainError::NotFound(_)))), "{result:?}");
    }

    #[tokio::test]
    async fn an_invalid_job_is_neither_stored_nor_announced() {
        let mut ports = TestPorts::new();
        ports.jobs.expect_insert().never();
        ports.events.expect_publish().never();

        let form = JobForm { title: String::new(), ..a_job_form() };
        let result = post_job(&ports.build(), &form).await;

        assert!(matches!(result, Err(UseCaseError::Domain(DomainError::Invalid(_)))), "{result:?}");
    }

    #[tokio::test]
    async fn an_application_is_announced_once() {
        let mut ports = TestPorts::new();
        ports.users.expect_apply().times(1).returning(|_, _| Ok(()));
        let expected = Application { username: Username::parse("ada").unwrap(), job: JobId::new(7) };
        ports.events.expect_publish().with(eq(Event::Applied(expected))).times(1).return_const(());

        apply(&ports.build(), "ada", 7).await.unwrap();
    }

    #[tokio::test]
    async fn an_application_to_an_unknown_job_is_not_announced() {
        let mut ports = TestPorts::new();
        ports.users.expect_apply().returning(|_, _| Err(DomainError::NotFound("job 99".into())));
        ports.events.expect_publish().never();

        let result = apply(&ports.build(), "ada", 99).await;

        assert!(matches!(result, Err(UseCaseError::Domain(DomainError::NotFound(_)))), "{result:?}");
    }
}
