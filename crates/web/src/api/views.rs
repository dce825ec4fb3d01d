//! How the API shows domain values and events: camelCase JSON, equity as an exact decimal
//! string, never a password hash (the domain's `User` does not have one to show).

use domain::company::Company;
use domain::job::Job;
use domain::user::User;
use serde::Serialize;
use serde_json::json;
use usecases::events::Event;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
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

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
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

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
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
