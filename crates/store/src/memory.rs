//! The in-memory store: the embedded default of `cargo run`, and the fake behind fast tests.
//!
//! It keeps the same rules as the Postgres store (unique keys, foreign keys, cascades,
//! filter semantics, ordering), and the contract suite in `tests/store/contract.rs` holds it
//! to them: a fake that drifts from the database makes tests lie.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use async_trait::async_trait;
use domain::DomainError;
use domain::company::{Company, CompanyFilter, CompanyPatch, Handle};
use domain::job::{Job, JobFilter, JobId, JobPatch, NewJob};
use domain::password::PasswordHash;
use domain::ports::{CompanyRepository, Credentials, JobRepository, UserRepository};
use domain::user::{NewUser, StoredUserPatch, User, Username};

#[derive(Debug, Default)]
pub struct MemoryStore {
    tables: RwLock<Tables>,
}

/// One lock over every table, so a cascade or a foreign-key check is atomic like a transaction.
#[derive(Debug, Default)]
struct Tables {
    users: BTreeMap<Username, Credentials>,
    companies: BTreeMap<Handle, Company>,
    jobs: BTreeMap<JobId, Job>,
    applications: BTreeSet<(Username, JobId)>,
    /// Like a `serial`: ids are never reused, even after a delete.
    last_job_id: i32,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    // Every write is a handful of map operations that cannot panic halfway, so a lock poisoned
    // by a panic elsewhere still guards consistent tables.
    fn read(&self) -> RwLockReadGuard<'_, Tables> {
        self.tables.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, Tables> {
        self.tables.write().unwrap_or_else(PoisonError::into_inner)
    }
}

#[async_trait]
impl UserRepository for MemoryStore {
    async fn insert(&self, user: NewUser, password_hash: PasswordHash) -> Result<User, DomainError> {
        let mut tables = self.write();
        if tables.users.contains_key(&user.username) {
            return Err(DomainError::Conflict(format!("username '{}' is taken", user.username)));
        }
        let user = user.into_user();
        tables.users.insert(user.username.clone(), Credentials { user: user.clone(), password_hash });
        Ok(user)
    }

    async fn find(&self, username: &Username) -> Result<Option<User>, DomainError> {
        Ok(self.read().users.get(username).map(|credentials| credentials.user.clone()))
    }

    async fn find_credentials(&self, username: &Username) -> Result<Option<Credentials>, DomainError> {
        Ok(self.read().users.get(username).cloned())
    }

    async fn list(&self) -> Result<Vec<User>, DomainError> {
        Ok(self.read().users.values().map(|credentials| credentials.user.clone()).collect())
    }

    async fn update(&self, username: &Username, patch: StoredUserPatch) -> Result<Option<User>, DomainError> {
        let mut tables = self.write();
        let Some(credentials) = tables.users.get_mut(username) else { return Ok(None) };
        patch.apply_to(&mut credentials.user);
        if let Some(hash) = patch.password_hash {
            credentials.password_hash = hash;
        }
        Ok(Some(credentials.user.clone()))
    }

    async fn delete(&self, username: &Username) -> Result<bool, DomainError> {
        let mut tables = self.write();
        tables.applications.retain(|(applicant, _)| applicant != username);
        Ok(tables.users.remove(username).is_some())
    }

    async fn apply(&self, username: &Username, job: JobId) -> Result<(), DomainError> {
        let mut tables = self.write();
        if !tables.users.contains_key(username) {
            return Err(DomainError::NotFound(format!("user '{username}'")));
        }
        if !tables.jobs.contains_key(&job) {
            return Err(DomainError::NotFound(format!("job {job}")));
        }
        if !tables.applications.insert((username.clone(), job)) {
            return Err(DomainError::Conflict(format!("'{username}' already applied to job {job}")));
        }
        Ok(())
    }

    async fn applied_jobs(&self, username: &Username) -> Result<Vec<JobId>, DomainError> {
        let tables = self.read();
        Ok(tables.applications.iter().filter(|(applicant, _)| applicant == username).map(|(_, job)| *job).collect())
    }
}

#[async_trait]
impl CompanyRepository for MemoryStore {
    async fn insert(&self, company: Company) -> Result<Company, DomainError> {
        let mut tables = self.write();
        if tables.companies.contains_key(&company.handle) {
            return Err(DomainError::Conflict(format!("company '{}' already exists", company.handle)));
        }
        if tables.companies.values().any(|existing| existing.name == company.name) {
            return Err(DomainError::Conflict(format!("a company named '{}' already exists", company.name.as_str())));
        }
        tables.companies.insert(company.handle.clone(), company.clone());
        Ok(company)
    }

    async fn find(&self, handle: &Handle) -> Result<Option<Company>, DomainError> {
        Ok(self.read().companies.get(handle).cloned())
    }

    async fn list(&self, filter: &CompanyFilter) -> Result<Vec<Company>, DomainError> {
        let mut companies: Vec<Company> =
            self.read().companies.values().filter(|company| filter.matches(company)).cloned().collect();
        // By code point, as Postgres' `COLLATE "C"`: the same order whatever the server's locale.
        companies.sort_by(|a, b| a.name.as_str().cmp(b.name.as_str()));
        Ok(companies)
    }

    async fn update(&self, handle: &Handle, patch: &CompanyPatch) -> Result<Option<Company>, DomainError> {
        let mut tables = self.write();
        if let Some(name) = &patch.name
            && tables.companies.values().any(|other| &other.name == name && &other.handle != handle)
        {
            return Err(DomainError::Conflict(format!("a company named '{}' already exists", name.as_str())));
        }
        let Some(company) = tables.companies.get_mut(handle) else { return Ok(None) };
        patch.apply_to(company);
        Ok(Some(company.clone()))
    }

    async fn delete(&self, handle: &Handle) -> Result<bool, DomainError> {
        let mut tables = self.write();
        let doomed: BTreeSet<JobId> =
            tables.jobs.values().filter(|job| &job.company_handle == handle).map(|job| job.id).collect();
        tables.jobs.retain(|id, _| !doomed.contains(id));
        tables.applications.retain(|(_, job)| !doomed.contains(job));
        Ok(tables.companies.remove(handle).is_some())
    }
}

#[async_trait]
impl JobRepository for MemoryStore {
    async fn insert(&self, job: NewJob) -> Result<Job, DomainError> {
        let mut tables = self.write();
        if !tables.companies.contains_key(&job.company_handle) {
            return Err(DomainError::NotFound(format!("company '{}'", job.company_handle)));
        }
        tables.last_job_id += 1;
        let job = job.with_id(JobId::new(tables.last_job_id));
        tables.jobs.insert(job.id, job.clone());
        Ok(job)
    }

    async fn find(&self, id: JobId) -> Result<Option<Job>, DomainError> {
        Ok(self.read().jobs.get(&id).cloned())
    }

    async fn list(&self, filter: &JobFilter) -> Result<Vec<Job>, DomainError> {
        let mut jobs: Vec<Job> = self.read().jobs.values().filter(|job| filter.matches(job)).cloned().collect();
        jobs.sort_by(|a, b| (a.title.as_str(), a.id).cmp(&(b.title.as_str(), b.id)));
        Ok(jobs)
    }

    async fn list_for_company(&self, handle: &Handle) -> Result<Vec<Job>, DomainError> {
        Ok(self.read().jobs.values().filter(|job| &job.company_handle == handle).cloned().collect())
    }

    async fn update(&self, id: JobId, patch: &JobPatch) -> Result<Option<Job>, DomainError> {
        let mut tables = self.write();
        let Some(job) = tables.jobs.get_mut(&id) else { return Ok(None) };
        patch.apply_to(job);
        Ok(Some(job.clone()))
    }

    async fn delete(&self, id: JobId) -> Result<bool, DomainError> {
        let mut tables = self.write();
        tables.applications.retain(|(_, job)| *job != id);
        Ok(tables.jobs.remove(&id).is_some())
    }
}

impl MemoryStore {
    /// A few companies and jobs, so that `cargo run` shows a board worth looking at.
    pub async fn seed_demo_catalog(&self) -> Result<(), DomainError> {
        let companies = [
            (
                "anvil-works",
                "Anvil Works",
                "Heavy metal since 1889.",
                Some(120),
                Some("https://anvil.example/logo.png"),
            ),
            ("rocket-co", "Rocket Co", "Roadrunner-grade propulsion.", Some(35), None),
            ("quiet-garden", "Quiet Garden", "A small studio making calm software.", Some(4), None),
        ];
        for (handle, name, description, num_employees, logo_url) in companies {
            let form = domain::company::CompanyForm {
                handle: handle.into(),
                name: name.into(),
                description: description.into(),
                num_employees,
                logo_url: logo_url.map(str::to_owned),
            };
            CompanyRepository::insert(self, form.validate()?).await?;
        }
        let jobs = [
            ("Blacksmith", Some(52_000), None, "anvil-works"),
            ("Anvil tester", Some(48_000), Some("0.001"), "anvil-works"),
            ("Rocket engineer", Some(130_000), Some("0.02"), "rocket-co"),
            ("Launch safety officer", Some(95_000), Some("0"), "rocket-co"),
            ("Gardener of code (Rust)", Some(88_000), Some("0.05"), "quiet-garden"),
        ];
        for (title, salary, equity, company_handle) in jobs {
            let form = domain::job::JobForm {
                title: title.into(),
                salary,
                equity: equity.map(str::to_owned),
                company_handle: company_handle.into(),
            };
            JobRepository::insert(self, form.validate()?).await?;
        }
        Ok(())
    }
}
