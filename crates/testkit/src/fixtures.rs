//! Builders for test data, the one source of it: a test names only what its behaviour depends
//! on (`a_job().paying(10)`), never a copied literal of every field.

use serde_json::{Value, json};

/// A user as a client would register them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserFixture {
    pub username: String,
    pub password: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
}

/// A valid user, "ada", with a password that passes every policy.
pub fn a_user() -> UserFixture {
    UserFixture {
        username: "ada".into(),
        password: "correct horse battery staple".into(),
        first_name: "Ada".into(),
        last_name: "Lovelace".into(),
        email: "ada@example.com".into(),
    }
}

impl UserFixture {
    pub fn named(mut self, username: &str) -> Self {
        self.username = username.into();
        self.email = format!("{username}@example.com");
        self
    }

    pub fn with_password(mut self, password: &str) -> Self {
        self.password = password.into();
        self
    }

    /// The body of `POST /auth/register` (and, with `isAdmin`, of `POST /users`).
    pub fn registration(&self) -> Value {
        json!({
            "username": self.username,
            "password": self.password,
            "firstName": self.first_name,
            "lastName": self.last_name,
            "email": self.email,
        })
    }

    /// As the domain's registration form, for use cases called directly.
    pub fn registration_form(&self) -> domain::accounts::Registration {
        domain::accounts::Registration {
            username: self.username.clone(),
            password: self.password.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            email: self.email.clone(),
        }
    }

    /// The body of `POST /auth/token`.
    pub fn credentials(&self) -> Value {
        json!({ "username": self.username, "password": self.password })
    }

    /// The login form's body, as a browser posts it.
    pub fn login_form(&self) -> String {
        let encode = |text: &str| url::form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
        format!("username={}&password={}", encode(&self.username), encode(&self.password))
    }
}

/// A company as an admin would create it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyFixture {
    pub handle: String,
    pub name: String,
    pub num_employees: Option<i64>,
}

/// A valid company, "acme" ("acme corp"), of ten people.
pub fn a_company() -> CompanyFixture {
    CompanyFixture { handle: "acme".into(), name: "acme corp".into(), num_employees: Some(10) }
}

impl CompanyFixture {
    /// A company whose handle is `handle` and whose name is "`handle` corp".
    pub fn named(mut self, handle: &str) -> Self {
        self.handle = handle.into();
        self.name = format!("{handle} corp");
        self
    }

    /// The company's display name, when it matters.
    pub fn called(mut self, name: &str) -> Self {
        self.name = name.into();
        self
    }

    pub fn with_employees(mut self, count: i64) -> Self {
        self.num_employees = Some(count);
        self
    }

    /// The body of `POST /companies`.
    pub fn body(&self) -> Value {
        json!({
            "handle": self.handle,
            "name": self.name,
            "description": "Anvils",
            "numEmployees": self.num_employees,
        })
    }
}

/// A job as an admin would post it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobFixture {
    pub title: String,
    pub salary: Option<i64>,
    pub equity: Option<String>,
    pub company: String,
}

/// A valid job at "acme": an engineer, 100,000 a year, 5 % equity.
pub fn a_job() -> JobFixture {
    JobFixture { title: "Engineer".into(), salary: Some(100_000), equity: Some("0.05".into()), company: "acme".into() }
}

impl JobFixture {
    pub fn at(mut self, company: &str) -> Self {
        self.company = company.into();
        self
    }

    pub fn titled(mut self, title: &str) -> Self {
        self.title = title.into();
        self
    }

    pub fn paying(mut self, salary: i64) -> Self {
        self.salary = Some(salary);
        self
    }

    pub fn with_equity(mut self, equity: Option<&str>) -> Self {
        self.equity = equity.map(str::to_owned);
        self
    }

    /// The body of `POST /jobs`.
    pub fn body(&self) -> Value {
        json!({ "title": self.title, "salary": self.salary, "equity": self.equity, "companyHandle": self.company })
    }
}

/// A logged-in user: who, and the tokens their login returned.
#[derive(Debug, Clone)]
pub struct Session {
    pub username: String,
    pub password: String,
    pub token: String,
    pub refresh: String,
}
