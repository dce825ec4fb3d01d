//! Jobboard's business rules, and nothing else.
//!
//! This crate owns the entities ([`user::User`]), the validated values they are made of
//! ([`user::Username`], [`user::Email`], [`password::Password`]) and the use cases
//! ([`accounts::register`], [`accounts::authenticate`]), written as plain functions over the
//! traits of [`ports`]. Whatever stores users or hashes passwords is an adapter behind a port.
//!
//! It must not depend on any other workspace crate, nor on HTTP, SQL, JSON or an async
//! runtime: the layering test in `xtask` fails if it does. That is what keeps its tests in
//! milliseconds and lets every outer crate reuse the same rules.

pub mod accounts;
pub mod error;
pub mod password;
pub mod ports;
pub mod user;

#[cfg(test)]
mod fixtures;

pub use error::{DomainError, Violation};
