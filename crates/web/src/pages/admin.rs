//! What admins do from the browser: post a job, add a company. Anyone else signed in gets the
//! 403 page.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::companies;
use domain::company::CompanyQuery;

use super::forms::{self, FormState};
use super::layout::{Layout, SameOrigin, render};
use super::session::SignedInAdmin;
use crate::api::companies::CompanyNew;
use crate::api::jobs::JobNew;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "admin_job.html")]
struct JobFormPage {
    layout: Layout,
    companies: Vec<(String, String)>,
    form: FormState,
}

#[derive(Template)]
#[template(path = "admin_company.html")]
struct CompanyFormPage {
    layout: Layout,
    form: FormState,
}

async fn job_form_page(state: &AppState, layout: Layout, form: FormState) -> Result<JobFormPage, ApiError> {
    let all = companies::list_companies(state.ports.companies.as_ref(), &CompanyQuery::default()).await?;
    let companies = all.iter().map(|c| (c.handle.as_str().to_owned(), c.name.as_str().to_owned())).collect();
    Ok(JobFormPage { layout, companies, form })
}

pub async fn job_form(State(state): State<AppState>, SignedInAdmin(admin): SignedInAdmin) -> Response {
    match job_form_page(&state, Layout::of(&admin), FormState::default()).await {
        Ok(page) => render(StatusCode::OK, &page),
        Err(error) => error.into_response(),
    }
}

/// The API's `POST /jobs`, from a form: the job is announced on every open jobs page.
pub async fn post_job(
    State(state): State<AppState>,
    _: SameOrigin,
    SignedInAdmin(admin): SignedInAdmin,
    body: String,
) -> Response {
    let posted = match forms::parse::<JobNew>(&state.schemas, &body) {
        Ok(job) => usecases::jobs::post_job(&state.ports, &job.into()).await.map_err(ApiError::from),
        Err(violations) => Err(ApiError::invalid(violations)),
    };
    match posted {
        Ok(_) => Redirect::to("/").into_response(),
        Err(error) if error.status.is_server_error() => error.into_response(),
        Err(error) => {
            match job_form_page(&state, Layout::of(&admin), FormState::submitted(&body).with_error(error)).await {
                Ok(page) => render(StatusCode::BAD_REQUEST, &page),
                Err(error) => error.into_response(),
            }
        }
    }
}

pub async fn company_form(SignedInAdmin(admin): SignedInAdmin) -> Response {
    render(StatusCode::OK, &CompanyFormPage { layout: Layout::of(&admin), form: FormState::default() })
}

/// The API's `POST /companies`, from a form; then the company's page.
pub async fn create_company(
    State(state): State<AppState>,
    _: SameOrigin,
    SignedInAdmin(admin): SignedInAdmin,
    body: String,
) -> Response {
    let created = match forms::parse::<CompanyNew>(&state.schemas, &body) {
        Ok(company) => {
            companies::create_company(state.ports.companies.as_ref(), &company.into()).await.map_err(ApiError::from)
        }
        Err(violations) => Err(ApiError::invalid(violations)),
    };
    match created {
        Ok(company) => Redirect::to(&format!("/companies/{}", company.handle.as_str())).into_response(),
        Err(error) if error.status.is_server_error() => error.into_response(),
        Err(error) => {
            let page =
                CompanyFormPage { layout: Layout::of(&admin), form: FormState::submitted(&body).with_error(error) };
            render(StatusCode::BAD_REQUEST, &page)
        }
    }
}
