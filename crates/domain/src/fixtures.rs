//! Builders for test data: each test states only what its behaviour depends on. Other
//! crates' unit tests reach them through the `fixtures` feature.

// Builders of data known to be valid: a panic here is a bug in the builder, found at once.
#![allow(clippy::unwrap_used)]

use crate::accounts::Registration;
use crate::password::PasswordHash;
use crate::ports::Credentials;
use crate::user::{Email, PersonName, User, Username};

pub const A_PASSWORD: &str = "correct horse battery staple";

pub fn a_registration() -> RegistrationBuilder {
    RegistrationBuilder(Registration {
        username: "ada".into(),
        password: A_PASSWORD.into(),
        first_name: "Ada".into(),
        last_name: "Lovelace".into(),
        email: "ada@example.com".into(),
    })
}

pub struct RegistrationBuilder(Registration);

impl RegistrationBuilder {
    pub fn with_username(mut self, username: &str) -> Self {
        self.0.username = username.into();
        self
    }

    pub fn with_password(mut self, password: &str) -> Self {
        self.0.password = password.into();
        self
    }

    pub fn build(self) -> Registration {
        self.0
    }
}

pub fn a_user(username: &str) -> User {
    User {
        username: Username::parse(username).unwrap(),
        first_name: PersonName::parse("first_name", "Ada").unwrap(),
        last_name: PersonName::parse("last_name", "Lovelace").unwrap(),
        email: Email::parse("ada@example.com").unwrap(),
        is_admin: false,
    }
}

pub fn credentials_of(username: &str, password_hash: &str) -> Credentials {
    Credentials { user: a_user(username), password_hash: PasswordHash::new(password_hash.into()) }
}

pub fn a_company_form() -> crate::company::CompanyForm {
    crate::company::CompanyForm {
        handle: "acme".into(),
        name: "Acme Corp".into(),
        description: "Anvils and rockets".into(),
        num_employees: Some(42),
        logo_url: Some("https://acme.example/logo.png".into()),
    }
}

pub fn a_company(handle: &str) -> crate::company::Company {
    crate::company::CompanyForm { handle: handle.into(), ..a_company_form() }.validate().unwrap()
}

pub fn a_job_form() -> crate::job::JobForm {
    crate::job::JobForm {
        title: "Rocket engineer".into(),
        salary: Some(120_000),
        equity: Some("0.05".into()),
        company_handle: "acme".into(),
    }
}

pub fn a_job(id: i32) -> crate::job::Job {
    a_job_form().validate().unwrap().with_id(crate::job::JobId::new(id))
}

/// A breach check that never finds anything: for tests about other rules.
pub struct NeverBreached;

#[async_trait::async_trait]
impl crate::ports::BreachedPasswords for NeverBreached {
    async fn times_seen(&self, _password: &crate::password::Password) -> Result<Option<u64>, crate::DomainError> {
        Ok(None)
    }
}
