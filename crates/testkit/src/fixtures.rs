//! Builders for test data. A test names only what its behaviour depends on:
//! `a_user().with_password("…")`, not a copied literal of every field.

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

    /// The body of `POST /auth/register`.
    pub fn registration(&self) -> Value {
        json!({
            "username": self.username,
            "password": self.password,
            "firstName": self.first_name,
            "lastName": self.last_name,
            "email": self.email,
        })
    }

    /// As the domain's registration form.
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
}
