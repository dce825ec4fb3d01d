//! argon2id password hashing in PHC string format.

use std::cell::RefCell;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

thread_local! {
    /// argon2's working memory (19 MiB at OWASP cost), kept by each thread that hashes. Allocated
    /// and freed per hash, it left glibc holding hundreds of MiB under a flood of logins
    /// (`cargo xtask bench login-load`): freed blocks that size stay in the thread's arena.
    static WORKING_MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

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
    #[error("no thread to hash on: {0}")]
    Thread(std::io::Error),
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
        // On a thread of its own, whose working memory goes with it: the thread that builds
        // this (start-up's) never hashes again.
        let decoy = std::thread::scope(|scope| {
            std::thread::Builder::new()
                .spawn_scoped(scope, || hash_with(&argon2, decoy_password.as_str()))
                .map_err(PasswordError::Thread)?
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })?;
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
        match phc {
            Some(phc) => matches(password, phc),
            None => {
                let _ = matches(password, &self.decoy);
                false
            }
        }
    }
}

fn hash_with(argon2: &Argon2<'_>, password: &str) -> Result<String, PasswordError> {
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_bytes).map_err(PasswordError::Hash)?;
    let output =
        Output::init_with(Params::DEFAULT_OUTPUT_LEN, |out| compute(argon2, password.as_bytes(), salt_bytes, out))
            .map_err(PasswordError::Hash)?;
    let params = argon2.params().try_into().map_err(PasswordError::Hash)?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(hash.to_string())
}

/// What the argon2 crate's `verify_password` does, with the working memory reused: the
/// parameters and salt come from the stored hash, and the outputs are compared in constant time
/// (`Output`'s equality).
fn matches(password: &str, phc: &str) -> bool {
    let recomputed = |hash: &PasswordHash<'_>| -> Result<bool, argon2::password_hash::Error> {
        let (Some(salt), Some(expected)) = (hash.salt, hash.hash) else { return Ok(false) };
        let algorithm = Algorithm::try_from(hash.algorithm)?;
        let version = hash.version.map(Version::try_from).transpose()?.unwrap_or_default();
        let params = Params::try_from(hash)?;
        let argon2 = Argon2::new(algorithm, version, params);
        let mut salt_bytes = [0u8; 64];
        let salt_bytes = salt.decode_b64(&mut salt_bytes)?;
        let computed = Output::init_with(expected.len(), |out| compute(&argon2, password.as_bytes(), salt_bytes, out))?;
        Ok(computed == expected)
    };
    PasswordHash::new(phc).and_then(|hash| recomputed(&hash)).unwrap_or(false)
}

/// The raw argon2 output for `password` and `salt`, in this thread's working memory, grown once
/// to the cost in use. A stored hash of an extravagant cost gets memory of its own for the one
/// computation rather than leaving the thread holding it.
fn compute(argon2: &Argon2<'_>, password: &[u8], salt: &[u8], out: &mut [u8]) -> argon2::password_hash::Result<()> {
    const KEPT_AT_MOST: usize = 64 * 1024; // blocks of 1 KiB: 64 MiB
    let needed = argon2.params().block_count();
    if needed > KEPT_AT_MOST {
        argon2.hash_password_into_with_memory(password, salt, out, vec![Block::new(); needed])?;
        return Ok(());
    }
    WORKING_MEMORY.with_borrow_mut(|blocks| {
        if blocks.len() < needed {
            blocks.resize(needed, Block::new());
        }
        argon2.hash_password_into_with_memory(password, salt, out, &mut blocks[..needed])
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

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
