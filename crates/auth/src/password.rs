//! argon2id password hashing in PHC string format.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// How much memory and time one hash costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Argon2Cost {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Argon2Cost {
    /// OWASP's recommendation for argon2id: 19 MiB, 2 iterations, 1 lane.
    pub const OWASP: Self = Self { memory_kib: 19 * 1024, iterations: 2, parallelism: 1 };

    /// The smallest cost argon2 allows: for tests, where hashing must take microseconds.
    /// Never use it for real accounts.
    pub const TESTS_ONLY: Self = Self { memory_kib: 8, iterations: 1, parallelism: 1 };
}

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("argon2 rejected its parameters: {0}")]
    Params(argon2::Error),
    #[error("hashing failed: {0}")]
    Hash(argon2::password_hash::Error),
}

/// Hashes and verifies passwords with argon2id at a fixed cost.
#[derive(Clone)]
pub struct Argon2Passwords {
    argon2: Argon2<'static>,
    /// Hash of a random password at the same cost, verified against when the user is unknown.
    decoy: String,
}

impl std::fmt::Debug for Argon2Passwords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Argon2Passwords").field("params", self.argon2.params()).finish()
    }
}

impl Argon2Passwords {
    pub fn new(cost: Argon2Cost) -> Result<Self, PasswordError> {
        let params =
            Params::new(cost.memory_kib, cost.iterations, cost.parallelism, None).map_err(PasswordError::Params)?;
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let decoy_password = SaltString::generate(&mut OsRng);
        let decoy = hash_with(&argon2, decoy_password.as_str())?;
        Ok(Self { argon2, decoy })
    }

    /// A PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) with a fresh random salt.
    pub fn hash(&self, password: &str) -> Result<String, PasswordError> {
        hash_with(&self.argon2, password)
    }

    /// Whether `password` matches `phc`. Without a hash it verifies against a decoy of the same
    /// cost and answers `false`, so an unknown user takes as long as a wrong password.
    /// A hash that does not parse never matches.
    pub fn verify(&self, password: &str, phc: Option<&str>) -> bool {
        let matches = |phc: &str| {
            PasswordHash::new(phc).is_ok_and(|parsed| self.argon2.verify_password(password.as_bytes(), &parsed).is_ok())
        };
        match phc {
            Some(phc) => matches(phc),
            None => {
                let _ = matches(&self.decoy);
                false
            }
        }
    }
}

fn hash_with(argon2: &Argon2<'_>, password: &str) -> Result<String, PasswordError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2.hash_password(password.as_bytes(), &salt).map(|hash| hash.to_string()).map_err(PasswordError::Hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passwords() -> Argon2Passwords {
        Argon2Passwords::new(Argon2Cost::TESTS_ONLY).unwrap()
    }

    #[test]
    fn a_hash_verifies_its_password_and_no_other() {
        let passwords = passwords();
        let hash = passwords.hash("correct horse").unwrap();

        assert!(passwords.verify("correct horse", Some(&hash)));
        assert!(!passwords.verify("correct horsE", Some(&hash)));
    }

    #[test]
    fn hashes_are_argon2id_in_phc_format_and_salted() {
        let passwords = passwords();
        let first = passwords.hash("same password").unwrap();
        let second = passwords.hash("same password").unwrap();

        assert!(first.starts_with("$argon2id$v=19$m=8,t=1,p=1$"), "{first}");
        assert_ne!(first, second, "each hash gets its own salt");
    }

    #[test]
    fn an_unknown_user_never_matches_not_even_the_decoy_password() {
        let passwords = passwords();

        assert!(!passwords.verify("", None));
        assert!(!passwords.verify("anything", None));
    }

    #[test]
    fn a_corrupt_hash_never_matches() {
        assert!(!passwords().verify("x", Some("$argon2id$garbage")));
    }

    #[test]
    fn hashes_are_interchangeable_with_the_argon2_crates_own() {
        let passwords = passwords();
        let ours = passwords.hash("correct horse").unwrap();
        let theirs = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(8, 1, 1, None).unwrap())
            .hash_password(b"correct horse", &SaltString::generate(&mut OsRng))
            .unwrap()
            .to_string();

        let their_verifier = Argon2::default();
        assert!(their_verifier.verify_password(b"correct horse", &PasswordHash::new(&ours).unwrap()).is_ok());
        assert!(their_verifier.verify_password(b"correct horsE", &PasswordHash::new(&ours).unwrap()).is_err());
        assert!(passwords.verify("correct horse", Some(&theirs)));
        assert!(!passwords.verify("correct horsE", Some(&theirs)));
    }

    #[test]
    fn a_hash_made_at_another_cost_still_verifies() {
        let stronger = Argon2Passwords::new(Argon2Cost { memory_kib: 64, iterations: 2, parallelism: 2 }).unwrap();
        let hash = stronger.hash("correct horse").unwrap();

        assert!(passwords().verify("correct horse", Some(&hash)));
        assert!(!passwords().verify("correct horsE", Some(&hash)));
    }

    #[test]
    fn owasp_cost_is_19_mib_2_iterations_1_lane() {
        let hash = Argon2Passwords::new(Argon2Cost::OWASP).unwrap().hash("pw").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
    }
}
