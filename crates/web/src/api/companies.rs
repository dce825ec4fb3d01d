//! `/companies`: anyone reads, admins write.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::companies;
use domain::company::{CompanyChanges, CompanyForm, CompanyQuery};
use serde::Deserialize;

use super::extract::{HasSchema, ValidJson, ValidQuery};
use super::views::{CompanyAnswer, CompanyDetail, CompanyList, CompanyView, CompanyWithJobs, Deleted, JobView};
use crate::caller::Admin;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanySearch {
    name_like: Option<String>,
    min_employees: Option<i64>,
    max_employees: Option<i64>,
}

impl From<CompanySearch> for CompanyQuery {
    fn from(search: CompanySearch) -> Self {
        CompanyQuery {
            name_like: search.name_like,
            min_employees: search.min_employees,
            max_employees: search.max_employees,
        }
    }
}

impl HasSchema for CompanySearch {
    const SCHEMA: &'static str = "company-search";
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanyNew {
    handle: String,
    name: String,
    description: String,
    num_employees: Option<i64>,
    logo_url: Option<String>,
}

impl From<CompanyNew> for CompanyForm {
    fn from(body: CompanyNew) -> Self {
        CompanyForm {
            handle: body.handle,
            name: body.name,
            description: body.description,
            num_employees: body.num_employees,
            logo_url: body.logo_url,
        }
    }
}

impl HasSchema for CompanyNew {
    const SCHEMA: &'static str = "company-new";
}

/// `Option<Option<_>>` tells "absent" (leave it) from `null` (clear it).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanyUpdate {
    name: Option<String>,
    description: Option<String>,
    #[serde(default, deserialize_with = "super::present")]
    num_employees: Option<Option<i64>>,
    #[serde(default, deserialize_with = "super::present")]
    logo_url: Option<Option<String>>,
}

impl HasSchema for CompanyUpdate {
    const SCHEMA: &'static str = "company-update";
}

pub async fn list(
    State(state): State<AppState>,
    ValidQuery(search): ValidQuery<CompanySearch>,
) -> Result<Json<CompanyList>, ApiError> {
    let companies = companies::list_companies(state.ports.companies.as_ref(), &search.into()).await?;
    Ok(Json(CompanyList { companies: companies.iter().map(CompanyView::from).collect() }))
}

pub async fn create(
    State(state): State<AppState>,
    _: Admin,
    ValidJson(body): ValidJson<CompanyNew>,
) -> Result<(StatusCode, Json<CompanyAnswer>), ApiError> {
    let company = companies::create_company(state.ports.companies.as_ref(), &body.into()).await?;
    Ok((StatusCode::CREATED, Json(CompanyAnswer { company: CompanyView::from(&company) })))
}

pub async fn get(State(state): State<AppState>, Path(handle): Path<String>) -> Result<Json<CompanyDetail>, ApiError> {
    let detail = companies::company_detail(state.ports.companies.as_ref(), state.ports.jobs.as_ref(), &handle).await?;
    let company = CompanyWithJobs {
        company: CompanyView::from(&detail.company),
        jobs: detail.jobs.iter().map(JobView::from).collect(),
    };
    Ok(Json(CompanyDetail { company }))
}

pub async fn update(
    State(state): State<AppState>,
    _: Admin,
    Path(handle): Path<String>,
    ValidJson(body): ValidJson<CompanyUpdate>,
) -> Result<Json<CompanyAnswer>, ApiError> {
    let changes = CompanyChanges {
        name: body.name,
        description: body.description,
        num_employees: body.num_employees,
        logo_url: body.logo_url,
    };
    let company = companies::update_company(state.ports.companies.as_ref(), &handle, &changes).await?;
    Ok(Json(CompanyAnswer { company: CompanyView::from(&company) }))
}

pub async fn delete(
    State(state): State<AppState>,
    _: Admin,
    Path(handle): Path<String>,
) -> Result<Json<Deleted>, ApiError> {
    companies::delete_company(state.ports.companies.as_ref(), &handle).await?;
    Ok(Json(Deleted { deleted: handle }))
}
