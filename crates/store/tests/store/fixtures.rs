//! Builders for the store tests' data.

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
