//! One module per page, plus the header every page shares.

pub mod account;
pub mod admin;
pub mod error;
pub mod header;
pub mod jobs;
pub mod login;
pub mod register;
