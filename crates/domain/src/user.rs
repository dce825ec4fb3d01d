//! Users and the values they are made of. Each value type checks its rules once, in its
//! constructor, so a `User` in hand is always valid and code deeper down never re-checks.

use std::fmt;

use crate::error::{DomainError, Violation, Violations};
use crate::password::{Password, PasswordHash};
use crate::text::line;

/// Longest username, in characters; the `users.username` column has the same limit.
pub const USERNAME_MAX_CHARS: usize = 25;
/// Longest first or last name, in characters.
pub const NAME_MAX_CHARS: usize = 30;
/// Longest email address, in characters (RFC 5321's path limit).
pub const EMAIL_MAX_CHARS: usize = 254;

/// A login name: 1 to 25 ASCII letters, digits, `_`, `-` or `.`, so it is safe in a URL path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, Violation> {
        let violation = |message: &str| Err(Violation::new("username", message));
        if raw.is_empty() {
            return violation("must not be empty");
        }
        if raw.chars().count() > USERNAME_MAX_CHARS {
            return violation("must be at most 25 characters");
        }
        if !raw.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')) {
            return violation("may contain only letters, digits, '_', '-' and '.'");
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An email address with one `@`, a non-empty local part and a dotted domain. Deliverability
/// is not checked: only a confirmation mail could prove it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, Violation> {
        let violation = |message: &str| Err(Violation::new("email", message));
        if raw.chars().count() > EMAIL_MAX_CHARS {
            return violation("must be at most 254 characters");
        }
        let Some((local, domain)) = raw.split_once('@') else {
            return violation("must be an email address");
        };
        let domain_labels_ok = domain.split('.').count() >= 2 && domain.split('.').all(|label| !label.is_empty());
        if local.is_empty()
            || domain.contains('@')
            || !domain_labels_ok
            || raw.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return violation("must be an email address");
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A first or last name: 1 to 30 characters, not only spaces. Any script is welcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, Violation> {
        line(field, raw, NAME_MAX_CHARS).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What an account may do. Read from the store on every request, never trusted from a token,
/// so a demoted admin loses the rights at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    User,
    Admin,
}

/// A user as the rest of the system sees it. The password hash is deliberately absent: only
/// [`crate::ports::Credentials`] carries it, and only authentication asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub username: Username,
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub email: Email,
    pub is_admin: bool,
}

/// A validated user about to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub username: Username,
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub email: Email,
    pub is_admin: bool,
}

impl NewUser {
    /// The user this will be once stored; stores use it to build what they return.
    pub fn into_user(self) -> User {
        User {
            username: self.username,
            first_name: self.first_name,
            last_name: self.last_name,
            email: self.email,
            is_admin: self.is_admin,
        }
    }
}

/// The fields a user's partial update may change. The username never changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserChanges {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub password: Option<String>,
}

/// Validated [`UserChanges`]; a new password is still in clear, to be hashed by the use case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserPatch {
    pub first_name: Option<PersonName>,
    pub last_name: Option<PersonName>,
    pub email: Option<Email>,
    pub password: Option<Password>,
}

impl UserChanges {
    pub fn validate(&self) -> Result<UserPatch, DomainError> {
        let mut violations = Violations::default();
        let first_name =
            violations.check_optional(self.first_name.as_deref().map(|raw| PersonName::parse("first_name", raw)));
        let last_name =
            violations.check_optional(self.last_name.as_deref().map(|raw| PersonName::parse("last_name", raw)));
        let email = violations.check_optional(self.email.as_deref().map(Email::parse));
        let password = violations.check_optional(self.password.as_deref().map(Password::parse));
        if self == &UserChanges::default() {
            violations.push(Violation::new("body", "must change at least one field"));
        }
        match (first_name, last_name, email, password) {
            (Some(first_name), Some(last_name), Some(email), Some(password)) if violations.is_empty() => {
                Ok(UserPatch { first_name, last_name, email, password })
            }
            _ => Err(violations.into_error()),
        }
    }
}

/// What the store applies: profile fields and, when the password changes, its new hash.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredUserPatch {
    pub first_name: Option<PersonName>,
    pub last_name: Option<PersonName>,
    pub email: Option<Email>,
    pub password_hash: Option<PasswordHash>,
}

impl StoredUserPatch {
    pub fn apply_to(&self, user: &mut User) {
        if let Some(first_name) = &self.first_name {
            user.first_name = first_name.clone();
        }
        if let Some(last_name) = &self.last_name {
            user.last_name = last_name.clone();
        }
        if let Some(email) = &self.email {
            user.email = email.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn username_accepts_25_characters_and_rejects_26() {
        assert!(Username::parse(&"a".repeat(25)).is_ok());
        assert_eq!(Username::parse(&"a".repeat(26)), Err(Violation::new("username", "must be at most 25 characters")));
    }

    #[test]
    fn username_rejects_characters_unsafe_in_a_path() {
        for raw in ["al ice", "al/ice", "alice?", "élise", ""] {
            assert!(Username::parse(raw).is_err(), "{raw:?} was accepted");
        }
    }

    #[test]
    fn email_needs_a_local_part_and_a_dotted_domain() {
        assert!(Email::parse("ada@example.com").is_ok());
        for raw in
            ["ada", "@example.com", "ada@", "ada@example", "ada@@example.com", "a da@example.com", "ada@example..com"]
        {
            assert!(Email::parse(raw).is_err(), "{raw:?} was accepted");
        }
        assert!(Email::parse("a\u{0}da@example.com").is_err(), "Postgres refuses NUL: so must the domain");
    }

    #[test]
    fn names_accept_any_script_but_not_blank_or_overlong() {
        assert!(PersonName::parse("first_name", "Zoë").is_ok());
        assert!(PersonName::parse("first_name", "   ").is_err());
        assert!(PersonName::parse("first_name", &"é".repeat(30)).is_ok());
        assert!(PersonName::parse("first_name", &"é".repeat(31)).is_err());
    }
}
