//! Jobboard's security: signed tokens, sessions that can be revoked, password hashes, login
//! throttling and the breached-password check, all obeying one injected clock.
//!
//! - [`keys`] and [`token`]: JWTs signed with HS256, EdDSA or RS256, a `kid` per key, several
//!   verification keys for rotation, a JWKS for the public ones; verification pins the
//!   algorithm to the key and checks time against the [`clock::Clock`] with an explicit leeway.
//! - [`sessions`]: login, refresh with rotation and reuse detection, logout and logout-all,
//!   over the [`sessions::SessionStore`] port (memory adapter here, Postgres in `store`).
//! - [`password`]: argon2id; an unknown user costs the same as a wrong password.
//! - [`throttle`]: failed logins counted per username and per client.
//! - [`breach`]: the k-anonymity range API of breached passwords, behind a port; only five hex
//!   characters of the password's SHA-1 ever leave the machine.
//!
//! It must not depend on any other workspace crate (the web crate adapts it to the domain's
//! ports), nor on HTTP frameworks or databases; its only I/O is the breached-password client,
//! in its own module. The layering tests in `crates/tidy` check this.

pub mod breach;
pub mod clock;
pub mod keys;
pub mod password;
pub mod sessions;
pub mod throttle;
pub mod token;
