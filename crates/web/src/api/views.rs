//! How the API shows domain values and events: camelCase JSON, equity as an exact decimal
//! string, never a password hash (the domain's `User` does not have one to show).
//!
//! Every answer is a type here that derives both `Serialize` and `JsonSchema`, so the schema
//! `/openapi.json` gives for a response is derived from the very type that writes it.

use domain::company::Company;
use domain::job::Job;
use domain::user::User;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::json;
use usecases::events::Event;

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "User")]
pub struct UserView {
    pub username: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub is_admin: bool,
}

impl From<&User> for UserView {
    fn from(user: &User) -> Self {
        Self {
            username: user.username.as_str().to_owned(),
            first_name: user.first_name.as_str().to_owned(),
            last_name: user.last_name.as_str().to_owned(),
            email: user.email.as_str().to_owned(),
            is_admin: user.is_admin,
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "Company")]
pub struct CompanyView {
    pub handle: String,
    pub name: String,
    pub description: String,
    pub num_employees: Option<i32>,
    pub logo_url: Option<String>,
}

impl From<&Company> for CompanyView {
    fn from(company: &Company) -> Self {
        Self {
            handle: company.handle.as_str().to_owned(),
            name: company.name.as_str().to_owned(),
            description: company.description.as_str().to_owned(),
            num_employees: company.num_employees.map(|n| n.get()),
            logo_url: company.logo_url.as_ref().map(|url| url.as_str().to_owned()),
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "Job")]
pub struct JobView {
    pub id: i32,
    pub title: String,
    pub salary: Option<i32>,
    /// A decimal string ("0.05"): a JSON number would round-trip through a float.
    pub equity: Option<String>,
    pub company_handle: String,
}

impl From<&Job> for JobView {
    fn from(job: &Job) -> Self {
        Self {
            id: job.id.get(),
            title: job.title.as_str().to_owned(),
            salary: job.salary.map(|s| s.get()),
            equity: job.equity.map(|e| e.to_string()),
            company_handle: job.company_handle.as_str().to_owned(),
        }
    }
}

/// A company with its jobs: `GET /companies/{handle}`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CompanyWithJobs {
    #[serde(flatten)]
    pub company: CompanyView,
    pub jobs: Vec<JobView>,
}

/// A job with its company: `GET /jobs/{id}`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct JobWithCompany {
    #[serde(flatten)]
    pub job: JobView,
    pub company: CompanyView,
}

/// A user with the ids of the jobs they applied to: `GET /users/{username}`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct UserWithJobs {
    #[serde(flatten)]
    pub user: UserView,
    pub jobs: Vec<i32>,
}

/// Every answer names what it holds (`{"company": …}`, `{"jobs": […]}`), so a field can be
/// added beside it later without breaking a client.
macro_rules! answers {
    ($($(#[$doc:meta])* $name:ident { $field:ident: $type:ty })*) => {$(
        $(#[$doc])*
        #[derive(Debug, Serialize, JsonSchema)]
        pub struct $name {
            pub $field: $type,
        }
    )*};
}

answers! {
    CompanyAnswer { company: CompanyView }
    CompanyDetail { company: CompanyWithJobs }
    CompanyList { companies: Vec<CompanyView> }
    JobAnswer { job: JobView }
    JobDetail { job: JobWithCompany }
    JobList { jobs: Vec<JobView> }
    UserAnswer { user: UserView }
    UserDetail { user: UserWithJobs }
    UserList { users: Vec<UserView> }
    /// The handle or username of what was deleted.
    Deleted { deleted: String }
    /// The id of the job that was deleted.
    DeletedJob { deleted: i64 }
    /// The id of the job applied to.
    Applied { applied: i32 }
    /// `ok` (alive) or `ready` (the store answers).
    Health { status: &'static str }
}

/// `POST /users`: the account an admin created, and its first access token.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CreatedUser {
    pub user: UserView,
    pub token: String,
}

/// `POST /auth/verify`'s answer: the token holds; there is nothing more to say.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Verified {}

/// An event as the live feed sends it: `{"type": "jobPosted", "job": {…}}` or
/// `{"type": "applied", "application": {"username": …, "jobId": …}}`.
pub fn event_message(event: &Event) -> String {
    match event {
        Event::JobPosted(job) => json!({ "type": "jobPosted", "job": JobView::from(job) }),
        Event::Applied(application) => json!({
            "type": "applied",
            "application": { "username": application.username.as_str(), "jobId": application.job.get() },
        }),
    }
    .to_string()
}
