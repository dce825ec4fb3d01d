//! A small, known world for API tests: an admin, a user, another user, each logged in, and a
//! company with one job. Routes are checked against it role by role.

use crate::app::TestApp;
use crate::client::Client;
use crate::fixtures::{Session, a_company, a_job, a_user};

pub struct World {
    pub app: TestApp,
    pub admin: Session,
    /// A regular user, the one routes about "that user" are about.
    pub user: Session,
    /// Another regular user.
    pub other: Session,
    pub company: String,
    pub job: i64,
}

/// The world in-process, over the in-memory stores.
pub async fn world() -> World {
    let app = TestApp::in_memory().await;
    let admin = app.admin(&a_user().named("admin")).await;
    let user = app.signed_up(&a_user().named("user")).await;
    let other = app.signed_up(&a_user().named("other")).await;
    app.as_user(&admin).create_company(&a_company()).await.expect(201);
    let job = app.as_user(&admin).post_job(&a_job()).await.expect(201)["job"]["id"].as_i64().expect("a job id");
    World { app, admin, user, other, company: a_company().handle, job }
}

impl World {
    pub fn as_admin(&self) -> Client<'_> {
        self.app.as_user(&self.admin)
    }

    pub fn as_user(&self) -> Client<'_> {
        self.app.as_user(&self.user)
    }

    pub fn as_other(&self) -> Client<'_> {
        self.app.as_user(&self.other)
    }

    pub fn anonymous(&self) -> Client<'_> {
        self.app.anonymous()
    }
}
