//! Plain passwords and their hashes, as two types so that one can never be stored as the other.

use std::fmt;

use crate::error::Violation;

/// Shortest acceptable new password (NIST SP 800-63B's minimum).
pub const PASSWORD_MIN_CHARS: usize = 8;
/// Longest acceptable password: long passphrases are welcome, megabytes sent to the hasher are not.
pub const PASSWORD_MAX_CHARS: usize = 128;

/// A password in clear, as typed. Its `Debug` output is redacted so it never reaches a log.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// A password chosen at registration or change, held to the length policy.
    pub fn parse(raw: &str) -> Result<Self, Violation> {
        let chars = raw.chars().count();
        if chars < PASSWORD_MIN_CHARS {
            return Err(Violation::new("password", "must be at least 8 characters"));
        }
        if chars > PASSWORD_MAX_CHARS {
            return Err(Violation::new("password", "must be at most 128 characters"));
        }
        Ok(Self(raw.to_owned()))
    }

    /// A password typed at login. The length policy is not applied (it may have changed since
    /// the password was chosen); only empty and overlong input is refused.
    pub fn parse_for_login(raw: &str) -> Result<Self, Violation> {
        if raw.is_empty() {
            return Err(Violation::new("password", "must not be empty"));
        }
        if raw.chars().count() > PASSWORD_MAX_CHARS {
            return Err(Violation::new("password", "must be at most 128 characters"));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// A password hash in PHC string format (`$argon2id$v=19$...`), opaque to the domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    pub fn new(phc: String) -> Self {
        Self(phc)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_the_password() {
        let password = Password::parse("correct horse battery").unwrap();
        assert_eq!(format!("{password:?}"), "Password(<redacted>)");
    }

    #[test]
    fn length_policy_is_8_to_128_characters() {
        assert!(Password::parse("1234567").is_err());
        assert!(Password::parse("12345678").is_ok());
        assert!(Password::parse(&"p".repeat(128)).is_ok());
        assert!(Password::parse(&"p".repeat(129)).is_err());
    }
}
