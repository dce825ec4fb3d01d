//! Builders for the store tests' data: a test names only what its behaviour depends on.

use domain::company::{Company, CompanyForm};
use domain::job::{JobForm, NewJob};
use domain::password::PasswordHash;
use domain::user::{Email, NewUser, PersonName, Username};

/// A valid new user named `username`, with names that exercise quoting and non-ASCII.
pub fn a_new_user(username: &str) -> NewUser {
    NewUser {
        username: Username::parse(username).unwrap(),
        first_name: PersonName::parse("first_name", "Zoë").unwrap(),
        last_name: PersonName::parse("last_name", "O'Brien").unwrap(),
        email: Email::parse(&format!("{username}@example.com")).unwrap(),
        is_admin: false,
    }
}

/// A stand-in password hash; the store treats hashes as opaque text.
pub fn a_hash(tag: &str) -> PasswordHash {
    PasswordHash::new(format!("$argon2id$v=19$m=8,t=1,p=1${tag}"))
}

pub fn username(raw: &str) -> Username {
    Username::parse(raw).unwrap()
}

pub struct CompanyBuilder(CompanyForm);

/// A company with handle `handle`, named after it, 10 employees, no logo.
pub fn a_company(handle: &str) -> CompanyBuilder {
    CompanyBuilder(CompanyForm {
        handle: handle.into(),
        name: format!("{handle} corp"),
        description: format!("All about {handle}"),
        num_employees: Some(10),
        logo_url: None,
    })
}

impl CompanyBuilder {
    pub fn named(mut self, name: &str) -> Self {
        self.0.name = name.into();
        self
    }

    pub fn with_employees(mut self, count: i64) -> Self {
        self.0.num_employees = Some(count);
        self
    }

    pub fn without_employee_count(mut self) -> Self {
        self.0.num_employees = None;
        self
    }

    pub fn with_logo(mut self, url: &str) -> Self {
        self.0.logo_url = Some(url.into());
        self
    }

    pub fn build(self) -> Company {
        self.0.validate().unwrap()
    }
}

pub struct JobBuilder(JobForm);

/// A job at `company`: "Engineer", paying 100000, without equity.
pub fn a_job_at(company: &str) -> JobBuilder {
    JobBuilder(JobForm {
        title: "Engineer".into(),
        salary: Some(100_000),
        equity: None,
        company_handle: company.into(),
    })
}

impl JobBuilder {
    pub fn titled(mut self, title: &str) -> Self {
        self.0.title = title.into();
        self
    }

    pub fn paying(mut self, salary: i64) -> Self {
        self.0.salary = Some(salary);
        self
    }

    pub fn unpaid(mut self) -> Self {
        self.0.salary = None;
        self
    }

    pub fn with_equity(mut self, equity: &str) -> Self {
        self.0.equity = Some(equity.into());
        self
    }

    pub fn build(self) -> NewJob {
        self.0.validate().unwrap()
    }
}
