//! Adapters from `auth` to the domain's ports: argon2id hashing, the breached-password check.

use std::sync::Arc;

use tokio::sync::Semaphore;

use async_trait::async_trait;
use auth::breach::{BreachCheck, Verdict};
use auth::password::Argon2Passwords;
use domain::DomainError;
use domain::password::{Password, PasswordHash};
use domain::ports::{BreachedPasswords, PasswordHasher};

/// argon2id behind a [`HashingGate`]: at OWASP cost a hash takes tens of milliseconds of CPU
/// (which would stall every request sharing a worker thread) and 19 MiB of memory.
#[derive(Debug, Clone)]
pub struct Argon2Hasher {
    passwords: Arc<Argon2Passwords>,
    gate: HashingGate,
}

impl Argon2Hasher {
    /// Hashes through a gate sized for this machine's cores.
    pub fn new(passwords: Argon2Passwords) -> std::io::Result<Self> {
        Ok(Self::with_gate(passwords, HashingGate::for_this_machine()?))
    }

    pub fn with_gate(passwords: Argon2Passwords, gate: HashingGate) -> Self {
        Self { passwords: Arc::new(passwords), gate }
    }
}

#[async_trait]
impl PasswordHasher for Argon2Hasher {
    async fn hash(&self, password: &Password) -> Result<PasswordHash, DomainError> {
        let (passwords, password) = (self.passwords.clone(), password.clone());
        self.gate
            .run(move || passwords.hash(password.expose()))
            .await?
            .map(PasswordHash::new)
            .map_err(|error| DomainError::Unavailable(Box::new(error)))
    }

    async fn verify<'a>(&self, password: &Password, hash: Option<&'a PasswordHash>) -> Result<bool, DomainError> {
        let (passwords, password) = (self.passwords.clone(), password.clone());
        let hash = hash.map(|hash| hash.as_str().to_owned());
        Ok(self.gate.run(move || passwords.verify(password.expose(), hash.as_deref())).await?)
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

/// Bounds what password hashing may cost at once: `running` threads of its own hash (each
/// hash holds 19 MiB at OWASP cost), `waiting` more requests wait in line, and anything past
/// those is refused at once.
///
/// Threads of its own rather than tokio's blocking pool: that pool starts a new thread whenever
/// none is idle at the instant work arrives, and glibc gives threads separate arenas, each
/// keeping tens of MiB of freed hashes. Measured with `cargo xtask bench login-load`:
/// unbounded on the blocking pool, 200 concurrent logins held 5.8 GB; bounded to 2 at a time
/// but still on that pool, 500 held 1 GB; on 2 threads of its own, see docs/robustness.md.
#[derive(Debug, Clone)]
pub struct HashingGate {
    /// Places in the gate: the running slots and the line before them.
    places: Arc<Semaphore>,
    work: std::sync::mpsc::Sender<Job>,
}

type Job = Box<dyn FnOnce() + Send>;

/// The gate is full: try again in this many seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy(pub u64);

impl From<Busy> for DomainError {
    fn from(Busy(retry_after_seconds): Busy) -> Self {
        DomainError::Busy { retry_after_seconds }
    }
}

impl HashingGate {
    /// Requests wait in line for at most this many hashes per thread: at OWASP cost (about
    /// 28 ms a hash on this project's 2-core machine) a quarter of a second, after which a 503
    /// that says "in a second" serves the client better than a longer wait.
    const LINE_PER_THREAD: usize = 8;

    /// A gate of `running` threads, which end when the last clone of the gate is dropped.
    pub fn new(running: usize, waiting: usize) -> std::io::Result<Self> {
        let (work, jobs) = std::sync::mpsc::channel::<Job>();
        let jobs = Arc::new(std::sync::Mutex::new(jobs));
        for index in 0..running {
            let jobs = jobs.clone();
            std::thread::Builder::new().name(format!("password-hashing-{index}")).spawn(move || {
                loop {
                    // One thread waits on the line at a time; the others wait for the lock.
                    let next = jobs.lock().unwrap_or_else(std::sync::PoisonError::into_inner).recv();
                    match next {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                }
            })?;
        }
        Ok(Self { places: Arc::new(Semaphore::new(running + waiting)), work })
    }

    /// One thread per core: hashing is CPU-bound, more at once only shares the cores.
    pub fn for_this_machine() -> std::io::Result<Self> {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        Self::new(cores, cores * Self::LINE_PER_THREAD)
    }

    /// Runs `work` on one of the gate's threads, or refuses it when the line is full.
    pub async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, Busy> {
        let Ok(place) = self.places.clone().try_acquire_owned() else { return Err(Busy(1)) };
        let (done, outcome) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            // The place goes with the work, not with the request: a client that hangs up does
            // not free it while its hash still runs. It is freed before the answer is sent, so
            // the client's next request finds it free.
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
            drop(place);
            let _ = done.send(outcome);
        });
        if self.work.send(job).is_err() {
            return Err(Busy(1));
        }
        match outcome.await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            Err(_) => Err(Busy(1)),
        }
    }

    #[cfg(test)]
    fn places_free(&self) -> usize {
        self.places.available_permits()
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

    async fn until_free(gate: &HashingGate, places: usize) {
        while gate.places_free() > places {
            tokio::task::yield_now().await;
        }
    }

    /// A client that logs in again as soon as its answer arrives must find its place free:
    /// with one connection per place, a place still held after its result was sent turns the
    /// next request into a 503.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_place_is_free_again_by_the_time_its_work_has_answered() {
        let gate = HashingGate::new(1, 0).unwrap();

        for round in 0..20_000 {
            let answered = gate.run(move || round).await;
            assert_eq!(answered, Ok(round), "round {round} found the previous round's place still taken");
        }
    }

    #[tokio::test]
    async fn work_past_the_running_and_waiting_slots_is_refused_at_once() {
        let gate = HashingGate::new(1, 1).unwrap();
        let (running, release_running) = occupy(&gate);
        let (waiting, release_waiting) = occupy(&gate);
        until_free(&gate, 0).await;

        let refused = tokio::time::timeout(Duration::from_secs(5), gate.run(|| ())).await;

        assert_eq!(refused, Ok(Err(Busy(1))), "a third piece of work is refused without waiting");
        drop((release_running, release_waiting));
        assert_eq!(running.await.ok(), Some(Ok(())));
        assert_eq!(waiting.await.ok(), Some(Ok(())));
    }

    #[tokio::test]
    async fn waiting_work_runs_once_a_running_slot_frees() {
        let gate = HashingGate::new(1, 1).unwrap();
        let (running, release_running) = occupy(&gate);
        until_free(&gate, 1).await;

        let waiting = tokio::spawn({
            let gate = gate.clone();
            async move { gate.run(|| "ran").await }
        });
        drop(release_running);

        assert_eq!(waiting.await.ok(), Some(Ok("ran")));
        assert_eq!(running.await.ok(), Some(Ok(())));
    }
}
