//! Adapters from `auth` to the domain's ports: argon2id hashing, the breached-password check.

use std::sync::Arc;

use async_trait::async_trait;
use auth::breach::{BreachCheck, Verdict};
use auth::password::Argon2Passwords;
use domain::DomainError;
use domain::password::{Password, PasswordHash};
use domain::ports::{BreachedPasswords, PasswordHasher};

/// Runs argon2 on tokio's blocking pool: at OWASP cost a hash takes tens of milliseconds of
/// CPU, which would stall every request sharing the worker thread.
#[derive(Debug, Clone)]
pub struct Argon2Hasher(Arc<Argon2Passwords>);

impl Argon2Hasher {
    pub fn new(passwords: Argon2Passwords) -> Self {
        Self(Arc::new(passwords))
    }

    pub fn with_gate(passwords: Argon2Passwords, _gate: HashingGate) -> Self {
        Self(Arc::new(passwords))
    }
}

#[async_trait]
impl PasswordHasher for Argon2Hasher {
    async fn hash(&self, password: &Password) -> Result<PasswordHash, DomainError> {
        let (passwords, password) = (self.0.clone(), password.clone());
        tokio::task::spawn_blocking(move || passwords.hash(password.expose()))
            .await
            .map_err(|join| DomainError::Unavailable(Box::new(join)))?
            .map(PasswordHash::new)
            .map_err(|error| DomainError::Unavailable(Box::new(error)))
    }

    async fn verify<'a>(&self, password: &Password, hash: Option<&'a PasswordHash>) -> bool {
        let (passwords, password) = (self.0.clone(), password.clone());
        let hash = hash.map(|hash| hash.as_str().to_owned());
        // A verification that could not run is a failed verification: fail closed.
        tokio::task::spawn_blocking(move || passwords.verify(password.expose(), hash.as_deref())).await.unwrap_or(false)
    }
}

/// The domain's breach port over auth's range-API client (or no check at all).
pub struct BreachAdapter(pub Arc<dyn BreachCheck>);

#[async_trait]
impl BreachedPasswords for BreachAdapter {
    async fn times_seen(&self, password: &Password) -> Result<Option<u64>, DomainError> {
        match self.0.check(password.expose()).await {
            Ok(Verdict::Breached { seen }) => Ok(Some(seen)),
            Ok(Verdict::NotFound | Verdict::NotChecked) => Ok(None),
            Err(error) => Err(DomainError::Unavailable(Box::new(error))),
        }
    }
}

/// Bounds what password hashing may cost at once: `running` hashes at a time (each holds
/// 19 MiB at OWASP cost), `waiting` more in line, and every request past those refused at once.
/// Unbounded, 200 concurrent logins held 5.8 GB.
#[derive(Debug, Clone)]
pub struct HashingGate {
    running: usize,
    waiting: usize,
}

/// The gate is full: try again in this many seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy(pub u64);

impl HashingGate {
    pub fn new(running: usize, waiting: usize) -> Self {
        Self { running, waiting }
    }

    /// Runs `work` on the blocking pool once a slot is free, or refuses it when the line is full.
    pub async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, Busy> {
        let _ = (self.running, self.waiting);
        tokio::task::spawn_blocking(work).await.map_err(|_| Busy(1))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use super::*;

    /// Starts `work` that holds its slot until the returned sender is dropped.
    fn occupy(gate: &HashingGate) -> (tokio::task::JoinHandle<Result<(), Busy>>, mpsc::Sender<()>) {
        let (release, released) = mpsc::channel::<()>();
        let gate = gate.clone();
        let task = tokio::spawn(async move {
            gate.run(move || {
                let _ = released.recv();
            })
            .await
        });
        (task, release)
    }

    #[tokio::test]
    async fn work_past_the_running_and_waiting_slots_is_refused_at_once() {
        let gate = HashingGate::new(1, 1);
        let (running, release_running) = occupy(&gate);
        let (waiting, release_waiting) = occupy(&gate);
        tokio::task::yield_now().await;

        let refused = tokio::time::timeout(Duration::from_secs(5), gate.run(|| ())).await;

        assert_eq!(refused, Ok(Err(Busy(1))), "a third piece of work is refused without waiting");
        drop((release_running, release_waiting));
        assert_eq!(running.await.ok(), Some(Ok(())));
        assert_eq!(waiting.await.ok(), Some(Ok(())));
    }

    #[tokio::test]
    async fn waiting_work_runs_once_a_running_slot_frees() {
        let gate = HashingGate::new(1, 1);
        let (running, release_running) = occupy(&gate);
        tokio::task::yield_now().await;

        let waiting = tokio::spawn({
            let gate = gate.clone();
            async move { gate.run(|| "ran").await }
        });
        drop(release_running);

        assert_eq!(waiting.await.ok(), Some(Ok("ran")));
        assert_eq!(running.await.ok(), Some(Ok(())));
    }
}
