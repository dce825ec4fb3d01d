//! The jobs page (`/`): every job matching the filters, an Apply button on each that turns into
//! "Applied", and the live feed that adds jobs as admins post them.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::DomainError;
use domain::accounts;
use domain::job::{Job, JobQuery};
use domain::jobs;
use serde::Deserialize;
use usecases::UseCaseError;
use usecases::sessions::Caller;

use super::forms::{self, FormState};
use super::layout::{Layout, SameOrigin, local_path, render, thousands};
use super::session::SignedIn;
use crate::api::jobs::JobSearch;
use crate::error::ApiError;
use crate::state::AppState;

/// A job as the pages list it.
pub struct JobItem {
    pub id: i32,
    pub title: String,
    pub company: String,
    pub salary: Option<String>,
    pub equity: Option<String>,
    pub applied: bool,
}

impl JobItem {
    pub fn of(job: &Job, applied: &[i32]) -> Self {
        Self {
            id: job.id.get(),
            title: job.title.as_str().to_owned(),
            company: job.company_handle.as_str().to_owned(),
            salary: job.salary.map(|salary| thousands(salary.get())),
            equity: job.equity.filter(|equity| !equity.get().is_zero()).map(|equity| equity.to_string()),
            applied: applied.contains(&job.id.get()),
        }
    }
}

/// The ids of the jobs `caller` applied to.
pub async fn applied_by(state: &AppState, caller: &Caller) -> Result<Vec<i32>, ApiError> {
    let detail = accounts::user_detail(state.ports.users.as_ref(), caller.user.username.as_str()).await?;
    Ok(detail.jobs.iter().map(|id| id.get()).collect())
}

#[derive(Template)]
#[template(path = "jobs.html")]
struct JobsPage {
    layout: Layout,
    filters: FormState,
    jobs: Vec<JobItem>,
    /// Where an Apply button sends the browser back to.
    here: String,
}

/// `GET /?title=…&minSalary=…&hasEquity=true`: a GET form, so a filtered list has a URL.
pub async fn list(State(state): State<AppState>, SignedIn(caller): SignedIn, RawQuery(query): RawQuery) -> Response {
    let query = query.unwrap_or_default();
    let (filters, search) = match forms::parse::<JobSearch>(&state.schemas, &query) {
        Ok(search) => (FormState::submitted(&query), JobQuery::from(search)),
        Err(violations) => (FormState::submitted(&query).with_errors(&violations), JobQuery::default()),
    };
    let page = async {
        let found = jobs::list_jobs(state.ports.jobs.as_ref(), &search).await?;
        let applied = applied_by(&state, &caller).await?;
        let jobs = found.iter().map(|job| JobItem::of(job, &applied)).collect();
        let here = if query.is_empty() { "/".to_owned() } else { format!("/?{query}") };
        Ok::<_, ApiError>(JobsPage { layout: Layout::of(&caller), filters, jobs, here })
    };
    match page.await {
        Ok(page) => render(StatusCode::OK, &page),
        Err(error) => error.into_response(),
    }
}

#[derive(Debug, Deserialize)]
pub struct ApplyForm {
    #[serde(default)]
    next: String,
}

/// The signed-in user applies, then is sent back to the list they applied from. Applying twice
/// is no error for a page: the job shows "Applied" either way.
pub async fn apply(
    State(state): State<AppState>,
    _: SameOrigin,
    SignedIn(caller): SignedIn,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<ApplyForm>,
) -> Response {
    let Ok(id) = id.parse::<i64>() else { return ApiError::not_found(format!("job {id} not found")).into_response() };
    match usecases::jobs::apply(&state.ports, caller.user.username.as_str(), id).await {
        Ok(_) | Err(UseCaseError::Domain(DomainError::Conflict(_))) => {
            Redirect::to(local_path(&form.next).unwrap_or("/")).into_response()
        }
        Err(error) => ApiError::from(error).into_response(),
    }
}
