//! The companies pages, at the API's own paths: a browser that asks for HTML at `/companies`
//! gets the list with its filters, at `/companies/{handle}` the company and its jobs.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::companies;
use domain::company::CompanyQuery;

use super::forms::{self, FormState};
use super::jobs::{JobItem, applied_by};
use super::layout::{Layout, render};
use super::session::SignedIn;
use crate::api::companies::CompanySearch;
use crate::error::ApiError;
use crate::state::AppState;

/// A company as the list shows it.
struct CompanyItem {
    handle: String,
    name: String,
    employees: Option<i32>,
}

#[derive(Template)]
#[template(path = "companies.html")]
struct CompaniesPage {
    layout: Layout,
    filters: FormState,
    companies: Vec<CompanyItem>,
}

#[derive(Template)]
#[template(path = "company.html")]
struct CompanyPage {
    layout: Layout,
    name: String,
    description: String,
    employees: Option<i32>,
    logo_url: Option<String>,
    jobs: Vec<JobItem>,
    here: String,
}

/// `GET /companies?nameLike=…&minEmployees=…&maxEmployees=…`, as a page.
pub async fn list(State(state): State<AppState>, SignedIn(caller): SignedIn, RawQuery(query): RawQuery) -> Response {
    let query = query.unwrap_or_default();
    let (filters, search) = match forms::parse::<CompanySearch>(&state.schemas, &query) {
        Ok(search) => (FormState::submitted(&query), CompanyQuery::from(search)),
        Err(violations) => (FormState::submitted(&query).with_errors(&violations), CompanyQuery::default()),
    };
    let (filters, found) = match companies::list_companies(state.ports.companies.as_ref(), &search).await {
        Ok(found) => (filters, found),
        Err(error) => (filters.with_error(ApiError::from(error)), Vec::new()),
    };
    let companies = found
        .iter()
        .map(|company| CompanyItem {
            handle: company.handle.as_str().to_owned(),
            name: company.name.as_str().to_owned(),
            employees: company.num_employees.map(|count| count.get()),
        })
        .collect();
    render(StatusCode::OK, &CompaniesPage { layout: Layout::of(&caller), filters, companies })
}

/// `GET /companies/{handle}`, as a page: the company and its jobs, each with Apply.
pub async fn detail(State(state): State<AppState>, SignedIn(caller): SignedIn, Path(handle): Path<String>) -> Response {
    let page = async {
        let detail =
            companies::company_detail(state.ports.companies.as_ref(), state.ports.jobs.as_ref(), &handle).await?;
        let applied = applied_by(&state, &caller).await?;
        let company = detail.company;
        Ok::<_, ApiError>(CompanyPage {
            layout: Layout::of(&caller),
            name: company.name.as_str().to_owned(),
            description: company.description.as_str().to_owned(),
            employees: company.num_employees.map(|count| count.get()),
            logo_url: company.logo_url.as_ref().map(|url| url.as_str().to_owned()),
            jobs: detail.jobs.iter().map(|job| JobItem::of(job, &applied)).collect(),
            here: format!("/companies/{handle}"),
        })
    };
    match page.await {
        Ok(page) => render(StatusCode::OK, &page),
        Err(error) => error.into_response(),
    }
}
