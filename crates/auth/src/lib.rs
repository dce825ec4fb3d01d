//! Jobboard's security primitives: signed tokens, password hashes, and the clock both obey.
//!
//! [`token::TokenService`] issues and verifies HS256 JWTs with an explicit leeway (0 by
//! default, where jsonwebtoken's default is 60 s), a pinned algorithm allow-list and a token
//! type claim; it checks times against a [`clock::Clock`] so tests can stand on any second.
//! [`password::Argon2Passwords`] hashes with argon2id and spends the same work on an unknown
//! user as on a wrong password.
//!
//! It must not depend on any other workspace crate (the web crate adapts it to the domain's
//! ports), nor on HTTP frameworks or databases: the layering test in `xtask` fails if it does.

pub mod clock;
pub mod password;
pub mod token;
