//! Jobboard's business rules, and nothing else.
//!
//! This crate owns the entities ([`user::User`], [`company::Company`], [`job::Job`] and the
//! applications linking users to jobs), the validated values they are made of
//! ([`user::Username`], [`company::Handle`], [`job::Equity`], …, each checked once in its
//! constructor) and the use cases ([`accounts`], [`companies`], [`jobs`]), written as plain
//! functions over the traits of [`ports`]. Whatever stores data or hashes passwords is an
//! adapter behind a port. List filters carry their reference semantics
//! ([`company::CompanyFilter::matches`]), which every store must reproduce.
//!
//! It must not depend on any other workspace crate, nor on HTTP, SQL, JSON or an async
//! runtime: the layering test in `crates/tidy` fails if it does. That is what keeps its tests in
//! milliseconds and lets every outer crate reuse the same rules.

pub mod accounts;
pub mod companies;
pub mod company;
pub mod error;
pub mod job;
pub mod jobs;
pub mod password;
pub mod ports;
pub mod text;
pub mod user;

#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;

pub use error::{DomainError, Violation};
