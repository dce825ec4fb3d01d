//! A small, known world for API tests: an admin, a user, another user, a company and a job,
//! each user logged in. Routes are checked against it role by role.

use domain::accounts;
use domain::user::Role;
use serde_json::{Value, json};

use crate::app::{InProcessApp, memory_state};
use crate::fixtures::{UserFixture, a_user};

/// A logged-in user: who, and the tokens their login returned.
#[derive(Debug, Clone)]
pub struct Login {
    pub username: String,
    pub password: String,
    pub token: String,
    pub refresh: String,
}

pub struct World {
    pub app: InProcessApp,
    pub admin: Login,
    /// A regular user, the one routes about "that user" are about.
    pub user: Login,
    /// Another regular user.
    pub other: Login,
    pub company: String,
    pub job: i64,
}

/// The world over the in-memory stores.
pub async fn world() -> World {
    let state = memory_state();
    let admin = a_user().named("admin");
    accounts::create_account(state.ports.accounts(), admin.registration_form(), Role::Admin)
        .await
        .expect("the admin is created");
    let app = InProcessApp::with_state(state);
    let user = a_user().named("user");
    let other = a_user().named("other");
    for regular in [&user, &other] {
        let answer = app.post_json("/auth/register", &regular.registration()).await;
        assert_eq!(answer.status, 201, "registering {}: {}", regular.username, answer.body);
    }
    let admin = log_in(&app, &admin).await;
    let company = app.send("POST", "/companies", Some(&company_body("acme")), Some(&admin.token)).await;
    assert_eq!(company.status, 201, "{}", company.body);
    let job = app.send("POST", "/jobs", Some(&job_body("acme")), Some(&admin.token)).await;
    assert_eq!(job.status, 201, "{}", job.body);
    let job = job.json()["job"]["id"].as_i64().expect("a job id");
    World {
        user: log_in(&app, &user).await,
        other: log_in(&app, &other).await,
        admin,
        app,
        company: "acme".into(),
        job,
    }
}

async fn log_in(app: &InProcessApp, user: &UserFixture) -> Login {
    let answer = app.post_json("/auth/token", &user.credentials()).await;
    assert_eq!(answer.status, 200, "logging in {}: {}", user.username, answer.body);
    let body = answer.json();
    Login {
        username: user.username.clone(),
        password: user.password.clone(),
        token: body["token"].as_str().expect("a token").to_owned(),
        refresh: body["refresh"].as_str().expect("a refresh token").to_owned(),
    }
}

/// A valid body for `POST /companies`.
pub fn company_body(handle: &str) -> Value {
    json!({ "handle": handle, "name": format!("{handle} corp"), "description": "Anvils", "numEmployees": 10 })
}

/// A valid body for `POST /jobs`.
pub fn job_body(company: &str) -> Value {
    json!({ "title": "Engineer", "salary": 100000, "equity": "0.05", "companyHandle": company })
}
