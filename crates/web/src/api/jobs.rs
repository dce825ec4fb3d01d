//! `/jobs`: anyone reads, admins write. Posting goes through the use case that announces the
//! job on the live feed.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::job::{JobChanges, JobForm, JobQuery};
use domain::jobs;
use serde::Deserialize;

use super::extract::{HasSchema, ValidJson, ValidQuery};
use super::views::{CompanyView, DeletedJob, JobAnswer, JobDetail, JobList, JobView, JobWithCompany};
use crate::caller::Admin;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobSearch {
    title: Option<String>,
    min_salary: Option<i64>,
    has_equity: Option<bool>,
}

impl HasSchema for JobSearch {
    const SCHEMA: &'static str = "job-search";
}

impl From<JobSearch> for JobQuery {
    fn from(search: JobSearch) -> Self {
        JobQuery { title: search.title, min_salary: search.min_salary, has_equity: search.has_equity }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobNew {
    title: String,
    salary: Option<i64>,
    equity: Option<String>,
    company_handle: String,
}

impl HasSchema for JobNew {
    const SCHEMA: &'static str = "job-new";
}

impl From<JobNew> for JobForm {
    fn from(body: JobNew) -> Self {
        JobForm { title: body.title, salary: body.salary, equity: body.equity, company_handle: body.company_handle }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobUpdate {
    title: Option<String>,
    #[serde(default, deserialize_with = "super::present")]
    salary: Option<Option<i64>>,
    #[serde(default, deserialize_with = "super::present")]
    equity: Option<Option<String>>,
}

impl HasSchema for JobUpdate {
    const SCHEMA: &'static str = "job-update";
}

pub async fn list(
    State(state): State<AppState>,
    ValidQuery(search): ValidQuery<JobSearch>,
) -> Result<Json<JobList>, ApiError> {
    let jobs = jobs::list_jobs(state.ports.jobs.as_ref(), &search.into()).await?;
    Ok(Json(JobList { jobs: jobs.iter().map(JobView::from).collect() }))
}

pub async fn create(
    State(state): State<AppState>,
    _: Admin,
    ValidJson(body): ValidJson<JobNew>,
) -> Result<(StatusCode, Json<JobAnswer>), ApiError> {
    let job = usecases::jobs::post_job(&state.ports, &body.into()).await?;
    Ok((StatusCode::CREATED, Json(JobAnswer { job: JobView::from(&job) })))
}

pub async fn get(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<JobDetail>, ApiError> {
    let detail = jobs::job_detail(state.ports.jobs.as_ref(), state.ports.companies.as_ref(), job_id(&id)?).await?;
    let job = JobWithCompany { job: JobView::from(&detail.job), company: CompanyView::from(&detail.company) };
    Ok(Json(JobDetail { job }))
}

pub async fn update(
    State(state): State<AppState>,
    _: Admin,
    Path(id): Path<String>,
    ValidJson(body): ValidJson<JobUpdate>,
) -> Result<Json<JobAnswer>, ApiError> {
    let changes = JobChanges { title: body.title, salary: body.salary, equity: body.equity };
    let job = jobs::update_job(state.ports.jobs.as_ref(), job_id(&id)?, &changes).await?;
    Ok(Json(JobAnswer { job: JobView::from(&job) }))
}

pub async fn delete(
    State(state): State<AppState>,
    _: Admin,
    Path(id): Path<String>,
) -> Result<Json<DeletedJob>, ApiError> {
    let id = job_id(&id)?;
    jobs::delete_job(state.ports.jobs.as_ref(), id).await?;
    Ok(Json(DeletedJob { deleted: id }))
}

/// A path segment as a job id; one that is not a number names no job.
pub fn job_id(segment: &str) -> Result<i64, ApiError> {
    segment.parse().map_err(|_| ApiError::not_found(format!("job {segment} not found")))
}
