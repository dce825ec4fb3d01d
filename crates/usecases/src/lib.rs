//! Jobboard's use cases that cross the domain's edge, one function each: logging in (the
//! throttle, then the password, then a session), registering, refreshing, logging out once or
//! everywhere, identifying the caller of a token, changing an account or deleting it (each
//! ending the sessions it must), posting a job and applying to one (each announcing what
//! happened as a typed [`events::Event`]). They run over the [`Ports`] that `web` adapts at
//! start-up; a handler or a page parses, calls one of them, and shapes the answer.
//!
//! The use cases that need only the domain's own ports (listing jobs, updating a company)
//! stay in `domain`. This crate exists because the rest join the jobs board to `auth`'s
//! sessions: `domain` may not know `auth`, and `auth` need know nothing of jobs. It depends
//! on those two and on nothing that does I/O: no HTTP, SQL or JSON, no runtime. The layering
//! test in `crates/tidy` fails if it does.

pub mod accounts;
pub mod callers;
pub mod error;
pub mod events;
pub mod jobs;
pub mod ports;
pub mod sessions;
#[cfg(test)]
mod testing;

pub use error::UseCaseError;
pub use ports::Ports;
