//! Users and the values they are made of. Each value type checks its rules once, in its
//! constructor, so a `User` in hand is always valid and code deeper down never re-checks.

use std::fmt;

use crate::error::Violation;

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
        if local.is_empty() || domain.contains('@') || !domain_labels_ok || raw.chars().any(char::is_whitespace) {
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
        if raw.trim().is_empty() {
            return Err(Violation::new(field, "must not be empty"));
        }
        if raw.chars().count() > NAME_MAX_CHARS {
            return Err(Violation::new(field, "must be at most 30 characters"));
        }
        if raw.chars().any(char::is_control) {
            return Err(Violation::new(field, "must not contain control characters"));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
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
    }

    #[test]
    fn names_accept_any_script_but_not_blank_or_overlong() {
        assert!(PersonName::parse("first_name", "Zoë").is_ok());
        assert!(PersonName::parse("first_name", "   ").is_err());
        assert!(PersonName::parse("first_name", &"é".repeat(30)).is_ok());
        assert!(PersonName::parse("first_name", &"é".repeat(31)).is_err());
    }
}
