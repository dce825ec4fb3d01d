//! One behaviour suite, run against both adapters: the in-memory fake and Postgres. If the fake
//! drifts from the database, the `memory` and `postgres` twins of a case disagree.
//!
//! Adding a case: write `async fn case(store: Repos<'_>)` below and list its name in
//! `contract!`; both twins are generated.

use domain::DomainError;
use domain::company::{CompanyPatch, CompanyQuery, Handle};
use domain::job::{JobChanges, JobId, JobQuery};
use domain::ports::{CompanyRepository, JobRepository, UserRepository};
use domain::user::StoredUserPatch;

use crate::fixtures::{a_company, a_hash, a_job_at, a_new_user, username};

/// The three ports of one store, as the use cases see them.
#[derive(Clone, Copy)]
pub struct Repos<'a> {
    pub users: &'a dyn UserRepository,
    pub companies: &'a dyn CompanyRepository,
    pub jobs: &'a dyn JobRepository,
}

macro_rules! contract {
    ($($case:ident),* $(,)?) => {
        mod memory {
            $(
                #[tokio::test]
                async fn $case() {
                    let store = store::memory::MemoryStore::new();
                    super::$case(super::Repos { users: &store, companies: &store, jobs: &store }).await;
                }
            )*
        }

        mod postgres {
            $(
                #[tokio::test]
                async fn $case() {
                    let database = testkit::TestDatabase::new().await;
                    let store = database.store();
                    super::$case(super::Repos { users: &store, companies: &store, jobs: &store }).await;
                }
            )*
        }
    };
}

contract! {
    // users
    a_stored_user_is_returned_as_stored,
    a_stored_user_can_be_found_by_username,
    credentials_carry_the_stored_hash,
    a_taken_username_is_a_conflict,
    an_unknown_user_is_absent,
    users_are_listed_by_username,
    a_user_update_changes_only_the_given_fields,
    a_password_update_replaces_the_hash,
    updating_or_deleting_an_unknown_user_finds_nothing,
    // companies
    a_stored_company_is_returned_as_stored,
    a_taken_handle_is_a_conflict,
    a_taken_company_name_is_a_conflict,
    companies_are_listed_by_name_in_code_point_order,
    name_like_is_a_case_insensitive_substring,
    name_like_matches_wildcards_and_quotes_literally,
    name_like_folds_case_one_character_at_a_time,
    employee_bounds_are_inclusive,
    a_company_without_a_head_count_is_outside_every_bound,
    every_company_filter_combination_agrees_with_the_reference,
    a_company_update_changes_only_the_given_fields,
    a_company_update_can_clear_optional_fields,
    renaming_a_company_to_a_taken_name_is_a_conflict,
    updating_or_deleting_an_unknown_company_finds_nothing,
    deleting_a_company_deletes_its_jobs_and_their_applications,
    // jobs
    a_stored_job_gets_an_id_and_is_returned_as_stored,
    a_job_for_an_unknown_company_is_not_found,
    job_ids_are_not_reused_after_a_delete,
    jobs_are_listed_by_title_then_id,
    the_title_filter_matches_wildcards_literally_and_ignores_case,
    min_salary_is_inclusive_and_skips_unpaid_jobs,
    has_equity_keeps_jobs_with_equity_above_zero,
    every_job_filter_combination_agrees_with_the_reference,
    a_company_lists_its_own_jobs_by_id,
    a_job_update_changes_only_the_given_fields_and_can_clear_equity,
    equity_keeps_its_exact_decimal_value,
    updating_or_deleting_an_unknown_job_finds_nothing,
    deleting_a_job_deletes_its_applications,
    // applications
    applying_records_the_job_among_the_users_applications,
    applying_twice_is_a_conflict,
    applying_to_an_unknown_job_or_as_an_unknown_user_is_not_found,
    deleting_a_user_deletes_their_applications,
    // hostile input
    hostile_strings_are_stored_and_found_verbatim,
}

fn handle(raw: &str) -> Handle {
    Handle::parse("handle", raw).unwrap()
}

fn company_query(name_like: Option<&str>, min: Option<i64>, max: Option<i64>) -> CompanyQuery {
    CompanyQuery { name_like: name_like.map(str::to_owned), min_employees: min, max_employees: max }
}

fn job_query(title: Option<&str>, min_salary: Option<i64>, has_equity: Option<bool>) -> JobQuery {
    JobQuery { title: title.map(str::to_owned), min_salary, has_equity }
}

async fn company_names(store: Repos<'_>, query: CompanyQuery) -> Vec<String> {
    let filter = query.validate().unwrap();
    let companies = store.companies.list(&filter).await.unwrap();
    companies.iter().map(|company| company.name.as_str().to_owned()).collect()
}

async fn job_titles(store: Repos<'_>, query: JobQuery) -> Vec<String> {
    let filter = query.validate().unwrap();
    store.jobs.list(&filter).await.unwrap().iter().map(|job| job.title.as_str().to_owned()).collect()
}

/// A user "ada" who applied to a job at "acme"; returns the job's id.
async fn ada_applied_to_a_job_at_acme(store: Repos<'_>) -> JobId {
    store.users.insert(a_new_user("ada"), a_hash("h")).await.unwrap();
    store.companies.insert(a_company("acme").build()).await.unwrap();
    let job = store.jobs.insert(a_job_at("acme").build()).await.unwrap();
    store.users.apply(&username("ada"), job.id).await.unwrap();
    job.id
}

// ---- users ----------------------------------------------------------------------------------

async fn a_stored_user_is_returned_as_stored(store: Repos<'_>) {
    let stored = store.users.insert(a_new_user("ada"), a_hash("h1")).await.unwrap();

    assert_eq!(stored, a_new_user("ada").into_user());
}

async fn a_stored_user_can_be_found_by_username(store: Repos<'_>) {
    store.users.insert(a_new_user("ada"), a_hash("h1")).await.unwrap();

    let found = store.users.find(&username("ada")).await.unwrap();

    assert_eq!(found, Some(a_new_user("ada").into_user()));
}

async fn credentials_carry_the_stored_hash(store: Repos<'_>) {
    store.users.insert(a_new_user("ada"), a_hash("h1")).await.unwrap();

    let credentials = store.users.find_credentials(&username("ada")).await.unwrap().unwrap();

    assert_eq!(credentials.password_hash, a_hash("h1"));
    assert_eq!(credentials.user, a_new_user("ada").into_user());
}

async fn a_taken_username_is_a_conflict(store: Repos<'_>) {
    store.users.insert(a_new_user("ada"), a_hash("h1")).await.unwrap();

    let second = store.users.insert(a_new_user("ada"), a_hash("h2")).await;

    assert!(matches!(&second, Err(DomainError::Conflict(m)) if m == "username 'ada' is taken"), "{second:?}");
    let kept = store.users.find_credentials(&username("ada")).await.unwrap().unwrap();
    assert_eq!(kept.password_hash, a_hash("h1"), "the first user is untouched");
}

async fn an_unknown_user_is_absent(store: Repos<'_>) {
    let nobody = username("nobody");

    assert_eq!(store.users.find(&nobody).await.unwrap(), None);
    assert_eq!(store.users.find_credentials(&nobody).await.unwrap(), None);
    assert_eq!(store.users.applied_jobs(&nobody).await.unwrap(), []);
}

async fn users_are_listed_by_username(store: Repos<'_>) {
    for name in ["mallory", "Bob", "ada", "_x"] {
        store.users.insert(a_new_user(name), a_hash("h")).await.unwrap();
    }

    let users = store.users.list().await.unwrap();

    let names: Vec<&str> = users.iter().map(|user| user.username.as_str()).collect();
    assert_eq!(names, ["Bob", "_x", "ada", "mallory"], "code point order");
}

async fn a_user_update_changes_only_the_given_fields(store: Repos<'_>) {
    store.users.insert(a_new_user("ada"), a_hash("h1")).await.unwrap();
    let patch = StoredUserPatch {
        first_name: Some(domain::user::PersonName::parse("first_name", "Augusta").unwrap()),
        ..StoredUserPatch::default()
    };

    let updated = store.users.update(&username("ada"), patch).await.unwrap().unwrap();

    assert_eq!(updated.first_name.as_str(), "Augusta");
    assert_eq!(updated.last_name, a_new_user("ada").last_name);
    assert_eq!(updated.email, a_new_user("ada").email);
    assert_eq!(store.users.find(&username("ada")).await.unwrap(), Some(updated));
}

async fn a_password_update_replaces_the_hash(store: Repos<'_>) {
    store.users.insert(a_new_user("ada"), a_hash("h1")).await.unwrap();

    let patch = StoredUserPatch { password_hash: Some(a_hash("h2")), ..StoredUserPatch::default() };
    store.users.update(&username("ada"), patch).await.unwrap();

    let credentials = store.users.find_credentials(&username("ada")).await.unwrap().unwrap();
    assert_eq!(credentials.password_hash, a_hash("h2"));
}

async fn updating_or_deleting_an_unknown_user_finds_nothing(store: Repos<'_>) {
    let patch = StoredUserPatch { password_hash: Some(a_hash("h2")), ..StoredUserPatch::default() };

    assert_eq!(store.users.update(&username("nobody"), patch).await.unwrap(), None);
    assert!(!store.users.delete(&username("nobody")).await.unwrap());
}

// ---- companies ------------------------------------------------------------------------------

async fn a_stored_company_is_returned_as_stored(store: Repos<'_>) {
    let company = a_company("acme").with_logo("https://acme.example/logo.png").build();

    let stored = store.companies.insert(company.clone()).await.unwrap();

    assert_eq!(stored, company);
    assert_eq!(store.companies.find(&handle("acme")).await.unwrap(), Some(company));
}

async fn a_taken_handle_is_a_conflict(store: Repos<'_>) {
    store.companies.insert(a_company("acme").build()).await.unwrap();

    let again = store.companies.insert(a_company("acme").named("Another name").build()).await;

    assert!(matches!(&again, Err(DomainError::Conflict(m)) if m == "company 'acme' already exists"), "{again:?}");
}

async fn a_taken_company_name_is_a_conflict(store: Repos<'_>) {
    store.companies.insert(a_company("acme").named("Acme").build()).await.unwrap();

    let again = store.companies.insert(a_company("acme-2").named("Acme").build()).await;

    assert!(
        matches!(&again, Err(DomainError::Conflict(m)) if m == "a company named 'Acme' already exists"),
        "{again:?}"
    );
}

async fn companies_are_listed_by_name_in_code_point_order(store: Repos<'_>) {
    for (handle, name) in [("c1", "beta"), ("c2", "Alpha"), ("c3", "Émile"), ("c4", "alpha")] {
        store.companies.insert(a_company(handle).named(name).build()).await.unwrap();
    }

    let names = company_names(store, CompanyQuery::default()).await;

    assert_eq!(names, ["Alpha", "alpha", "beta", "Émile"]);
}

async fn name_like_is_a_case_insensitive_substring(store: Repos<'_>) {
    for (handle, name) in [("c1", "Anvil Works"), ("c2", "Rocket ANVILS"), ("c3", "Rockets")] {
        store.companies.insert(a_company(handle).named(name).build()).await.unwrap();
    }

    assert_eq!(company_names(store, company_query(Some("anvil"), None, None)).await, ["Anvil Works", "Rocket ANVILS"]);
}

async fn name_like_matches_wildcards_and_quotes_literally(store: Repos<'_>) {
    let names = ["50% off", "500 off", "a_b", "axb", r"back\slash", "O'Reilly", r#"say "hi""#];
    for (index, name) in names.iter().enumerate() {
        store.companies.insert(a_company(&format!("c{index}")).named(name).build()).await.unwrap();
    }

    for (needle, expected) in [
        ("%", vec!["50% off"]),
        ("_", vec!["a_b"]),
        (r"\", vec![r"back\slash"]),
        ("'", vec!["O'Reilly"]),
        (r#"""#, vec![r#"say "hi""#]),
        ("%%", vec![]),
    ] {
        assert_eq!(
            company_names(store, company_query(Some(needle), None, None)).await,
            expected,
            "nameLike={needle:?}"
        );
    }
}

async fn name_like_folds_case_one_character_at_a_time(store: Repos<'_>) {
    for (handle, name) in [("c1", "İstanbul Ltd"), ("c2", "Éclair SA"), ("c3", "Straße AG")] {
        store.companies.insert(a_company(handle).named(name).build()).await.unwrap();
    }

    assert_eq!(company_names(store, company_query(Some("istanbul"), None, None)).await, ["İstanbul Ltd"]);
    assert_eq!(company_names(store, company_query(Some("ÉCLAIR"), None, None)).await, ["Éclair SA"]);
    assert_eq!(
        company_names(store, company_query(Some("STRASSE"), None, None)).await,
        Vec::<String>::new(),
        "ß is not ss"
    );
}

async fn employee_bounds_are_inclusive(store: Repos<'_>) {
    for (handle, count) in [("c5", 5), ("c10", 10), ("c20", 20)] {
        store.companies.insert(a_company(handle).named(handle).with_employees(count).build()).await.unwrap();
    }

    assert_eq!(company_names(store, company_query(None, Some(10), Some(20))).await, ["c10", "c20"]);
    assert_eq!(company_names(store, company_query(None, Some(5), Some(5))).await, ["c5"]);
}

async fn a_company_without_a_head_count_is_outside_every_bound(store: Repos<'_>) {
    store.companies.insert(a_company("ghost").named("ghost").without_employee_count().build()).await.unwrap();

    assert_eq!(company_names(store, CompanyQuery::default()).await, ["ghost"]);
    assert_eq!(company_names(store, company_query(None, Some(0), None)).await, Vec::<String>::new());
    assert_eq!(company_names(store, company_query(None, None, Some(i64::from(i32::MAX)))).await, Vec::<String>::new());
}

async fn every_company_filter_combination_agrees_with_the_reference(store: Repos<'_>) {
    let companies = [
        a_company("a").named("Anvil Co").with_employees(3).build(),
        a_company("b").named("Big Anvil").with_employees(300).build(),
        a_company("c").named("Cogs").with_employees(30).build(),
        a_company("d").named("ANVIL_%").without_employee_count().build(),
    ];
    for company in &companies {
        store.companies.insert(company.clone()).await.unwrap();
    }

    for name_like in [None, Some("anvil"), Some("_%")] {
        for min in [None, Some(3), Some(31)] {
            for max in [None, Some(30), Some(300)] {
                // A minimum above the maximum never reaches a store: validation refuses it.
                let Ok(filter) = company_query(name_like, min, max).validate() else { continue };
                let mut expected: Vec<String> =
                    companies.iter().filter(|c| filter.matches(c)).map(|c| c.name.as_str().to_owned()).collect();
                expected.sort();
                let listed = company_names(store, company_query(name_like, min, max)).await;
                assert_eq!(listed, expected, "nameLike={name_like:?} min={min:?} max={max:?}");
            }
        }
    }
}

async fn a_company_update_changes_only_the_given_fields(store: Repos<'_>) {
    store.companies.insert(a_company("acme").with_logo("https://acme.example/a.png").build()).await.unwrap();
    let patch =
        domain::company::CompanyChanges { num_employees: Some(Some(99)), ..Default::default() }.validate().unwrap();

    let updated = store.companies.update(&handle("acme"), &patch).await.unwrap().unwrap();

    let expected = a_company("acme").with_logo("https://acme.example/a.png").with_employees(99).build();
    assert_eq!(updated, expected);
    assert_eq!(store.companies.find(&handle("acme")).await.unwrap(), Some(expected));
}

async fn a_company_update_can_clear_optional_fields(store: Repos<'_>) {
    store.companies.insert(a_company("acme").with_logo("https://acme.example/a.png").build()).await.unwrap();
    let patch = CompanyPatch { num_employees: Some(None), logo_url: Some(None), ..CompanyPatch::default() };

    let updated = store.companies.update(&handle("acme"), &patch).await.unwrap().unwrap();

    assert_eq!((updated.num_employees, updated.logo_url), (None, None));
}

async fn renaming_a_company_to_a_taken_name_is_a_conflict(store: Repos<'_>) {
    store.companies.insert(a_company("acme").named("Acme").build()).await.unwrap();
    store.companies.insert(a_company("globex").named("Globex").build()).await.unwrap();
    let patch = domain::company::CompanyChanges { name: Some("Acme".into()), ..Default::default() }.validate().unwrap();

    let result = store.companies.update(&handle("globex"), &patch).await;

    assert!(
        matches!(&result, Err(DomainError::Conflict(m)) if m == "a company named 'Acme' already exists"),
        "{result:?}"
    );
    assert_eq!(company_names(store, CompanyQuery::default()).await, ["Acme", "Globex"]);
}

async fn updating_or_deleting_an_unknown_company_finds_nothing(store: Repos<'_>) {
    let patch = CompanyPatch { num_employees: Some(None), ..CompanyPatch::default() };

    assert_eq!(store.companies.update(&handle("nope"), &patch).await.unwrap(), None);
    assert!(!store.companies.delete(&handle("nope")).await.unwrap());
}

async fn deleting_a_company_deletes_its_jobs_and_their_applications(store: Repos<'_>) {
    let job = ada_applied_to_a_job_at_acme(store).await;
    store.companies.insert(a_company("globex").build()).await.unwrap();
    let other = store.jobs.insert(a_job_at("globex").build()).await.unwrap();

    assert!(store.companies.delete(&handle("acme")).await.unwrap());

    assert_eq!(store.jobs.find(job).await.unwrap(), None);
    assert_eq!(store.users.applied_jobs(&username("ada")).await.unwrap(), []);
    assert_eq!(store.jobs.find(other.id).await.unwrap(), Some(other), "other companies' jobs stay");
}

// ---- jobs -----------------------------------------------------------------------------------

async fn a_stored_job_gets_an_id_and_is_returned_as_stored(store: Repos<'_>) {
    store.companies.insert(a_company("acme").build()).await.unwrap();
    let new_job = a_job_at("acme").titled("Welder").paying(50_000).with_equity("0.25").build();

    let stored = store.jobs.insert(new_job.clone()).await.unwrap();

    assert_eq!(stored, new_job.with_id(stored.id));
    assert_eq!(store.jobs.find(stored.id).await.unwrap(), Some(stored));
}

async fn a_job_for_an_unknown_company_is_not_found(store: Repos<'_>) {
    let result = store.jobs.insert(a_job_at("nope").build()).await;

    assert!(matches!(&result, Err(DomainError::NotFound(what)) if what == "company 'nope'"), "{result:?}");
}

async fn job_ids_are_not_reused_after_a_delete(store: Repos<'_>) {
    store.companies.insert(a_company("acme").build()).await.unwrap();
    let first = store.jobs.insert(a_job_at("acme").build()).await.unwrap();
    store.jobs.delete(first.id).await.unwrap();

    let second = store.jobs.insert(a_job_at("acme").build()).await.unwrap();

    assert!(second.id > first.id, "{:?} after {:?}", second.id, first.id);
}

async fn jobs_are_listed_by_title_then_id(store: Repos<'_>) {
    store.companies.insert(a_company("acme").build()).await.unwrap();
    let mut ids = Vec::new();
    for title in ["welder", "Baker", "Anvil tester", "Baker"] {
        ids.push(store.jobs.insert(a_job_at("acme").titled(title).build()).await.unwrap().id);
    }

    let jobs = store.jobs.list(&JobQuery::default().validate().unwrap()).await.unwrap();

    let listed: Vec<(&str, JobId)> = jobs.iter().map(|job| (job.title.as_str(), job.id)).collect();
    assert_eq!(listed, [("Anvil tester", ids[2]), ("Baker", ids[1]), ("Baker", ids[3]), ("welder", ids[0])]);
}

async fn the_title_filter_matches_wildcards_literally_and_ignores_case(store: Repos<'_>) {
    store.companies.insert(a_company("acme").build()).await.unwrap();
    for title in ["C++ DEVELOPER", "C_ developer", "100% remote", "1000 remote"] {
        store.jobs.insert(a_job_at("acme").titled(title).build()).await.unwrap();
    }

    assert_eq!(job_titles(store, job_query(Some("developer"), None, None)).await, ["C++ DEVELOPER", "C_ developer"]);
    assert_eq!(job_titles(store, job_query(Some("c_"), None, None)).await, ["C_ developer"]);
    assert_eq!(job_titles(store, job_query(Some("0%"), None, None)).await, ["100% remote"]);
}

async fn min_salary_is_inclusive_and_skips_unpaid_jobs(store: Repos<'_>) {
    store.companies.insert(a_company("acme").build()).await.unwrap();
    for (title, salary) in [("low", Some(10)), ("exact", Some(100)), ("high", Some(1000)), ("unpaid", None)] {
        let job = a_job_at("acme").titled(title);
        let job = match salary {
            Some(salary) => job.paying(salary),
            None => job.unpaid(),
        };
        store.jobs.insert(job.build()).await.unwrap();
    }

    assert_eq!(job_titles(store, job_query(None, Some(100), None)).await, ["exact", "high"]);
    assert_eq!(job_titles(store, job_query(None, Some(0), None)).await, ["exact", "high", "low"]);
}

async fn has_equity_keeps_jobs_with_equity_above_zero(store: Repos<'_>) {
    store.companies.insert(a_company("acme").build()).await.unwrap();
    store.jobs.insert(a_job_at("acme").titled("none").build()).await.unwrap();
    store.jobs.insert(a_job_at("acme").titled("zero").with_equity("0").build()).await.unwrap();
    store.jobs.insert(a_job_at("acme").titled("tiny").with_equity("0.0001").build()).await.unwrap();

    assert_eq!(job_titles(store, job_query(None, None, Some(true))).await, ["tiny"]);
    assert_eq!(job_titles(store, job_query(None, None, Some(false))).await, ["none", "tiny", "zero"]);
}

async fn every_job_filter_combination_agrees_with_the_reference(store: Repos<'_>) {
    store.companies.insert(a_company("acme").build()).await.unwrap();
    let jobs = [
        a_job_at("acme").titled("Anvil tester").paying(50).with_equity("0.1").build(),
        a_job_at("acme").titled("anvil_lead").paying(500).build(),
        a_job_at("acme").titled("Cook").unpaid().with_equity("0").build(),
        a_job_at("acme").titled("Cook 100%").paying(5000).with_equity("1").build(),
    ];
    let mut stored = Vec::new();
    for job in jobs {
        stored.push(store.jobs.insert(job).await.unwrap());
    }

    for title in [None, Some("anvil"), Some("%"), Some("_")] {
        for min_salary in [None, Some(50), Some(501)] {
            for has_equity in [None, Some(true), Some(false)] {
                let filter = job_query(title, min_salary, has_equity).validate().unwrap();
                let mut expected: Vec<String> =
                    stored.iter().filter(|job| filter.matches(job)).map(|job| job.title.as_str().to_owned()).collect();
                expected.sort();
                let listed = job_titles(store, job_query(title, min_salary, has_equity)).await;
                assert_eq!(listed, expected, "title={title:?} minSalary={min_salary:?} hasEquity={has_equity:?}");
            }
        }
    }
}

async fn a_company_lists_its_own_jobs_by_id(store: Repos<'_>) {
    store.companies.insert(a_company("acme").build()).await.unwrap();
    store.companies.insert(a_company("globex").build()).await.unwrap();
    let first = store.jobs.insert(a_job_at("acme").titled("Z").build()).await.unwrap();
    store.jobs.insert(a_job_at("globex").build()).await.unwrap();
    let second = store.jobs.insert(a_job_at("acme").titled("A").build()).await.unwrap();

    let jobs = store.jobs.list_for_company(&handle("acme")).await.unwrap();

    assert_eq!(jobs, [first, second]);
}

async fn a_job_update_changes_only_the_given_fields_and_can_clear_equity(store: Repos<'_>) {
    store.companies.insert(a_company("acme").build()).await.unwrap();
    let job = store.jobs.insert(a_job_at("acme").titled("Welder").paying(10).with_equity("0.5").build()).await.unwrap();
    let patch = JobChanges { equity: Some(None), salary: Some(Some(20)), ..JobChanges::default() }.validate().unwrap();

    let updated = store.jobs.update(job.id, &patch).await.unwrap().unwrap();

    assert_eq!((updated.title.as_str(), updated.salary.map(|s| s.get()), updated.equity), ("Welder", Some(20), None));
    assert_eq!(updated.company_handle, job.company_handle);
    assert_eq!(store.jobs.find(job.id).await.unwrap(), Some(updated));
}

async fn equity_keeps_its_exact_decimal_value(store: Repos<'_>) {
    store.companies.insert(a_company("acme").build()).await.unwrap();
    for equity in ["0.1", "0.3", "0.0000000000000000000000000001", "0.9999999999999999999999999999", "1"] {
        let stored = store.jobs.insert(a_job_at("acme").with_equity(equity).build()).await.unwrap();
        let found = store.jobs.find(stored.id).await.unwrap().unwrap();
        assert_eq!(found.equity.map(|e| e.to_string()).as_deref(), Some(equity));
    }
}

async fn updating_or_deleting_an_unknown_job_finds_nothing(store: Repos<'_>) {
    let patch = JobChanges { title: Some("x".into()), ..JobChanges::default() }.validate().unwrap();

    assert_eq!(store.jobs.update(JobId::new(404), &patch).await.unwrap(), None);
    assert!(!store.jobs.delete(JobId::new(404)).await.unwrap());
}

async fn deleting_a_job_deletes_its_applications(store: Repos<'_>) {
    let job = ada_applied_to_a_job_at_acme(store).await;

    assert!(store.jobs.delete(job).await.unwrap());

    assert_eq!(store.users.applied_jobs(&username("ada")).await.unwrap(), []);
    assert!(store.users.find(&username("ada")).await.unwrap().is_some(), "the applicant stays");
}

// ---- applications ---------------------------------------------------------------------------

async fn applying_records_the_job_among_the_users_applications(store: Repos<'_>) {
    let first = ada_applied_to_a_job_at_acme(store).await;
    let second = store.jobs.insert(a_job_at("acme").build()).await.unwrap().id;
    store.users.apply(&username("ada"), second).await.unwrap();

    assert_eq!(store.users.applied_jobs(&username("ada")).await.unwrap(), [first, second]);
}

async fn applying_twice_is_a_conflict(store: Repos<'_>) {
    let job = ada_applied_to_a_job_at_acme(store).await;

    let again = store.users.apply(&username("ada"), job).await;

    assert!(
        matches!(&again, Err(DomainError::Conflict(m)) if m == &format!("'ada' already applied to job {job}")),
        "{again:?}"
    );
}

async fn applying_to_an_unknown_job_or_as_an_unknown_user_is_not_found(store: Repos<'_>) {
    let job = ada_applied_to_a_job_at_acme(store).await;

    let unknown_job = store.users.apply(&username("ada"), JobId::new(404)).await;
    let unknown_user = store.users.apply(&username("nobody"), job).await;

    assert!(matches!(&unknown_job, Err(DomainError::NotFound(what)) if what == "job 404"), "{unknown_job:?}");
    assert!(matches!(&unknown_user, Err(DomainError::NotFound(what)) if what == "user 'nobody'"), "{unknown_user:?}");
}

async fn deleting_a_user_deletes_their_applications(store: Repos<'_>) {
    let job = ada_applied_to_a_job_at_acme(store).await;

    assert!(store.users.delete(&username("ada")).await.unwrap());

    assert_eq!(store.users.find(&username("ada")).await.unwrap(), None);
    assert_eq!(store.users.applied_jobs(&username("ada")).await.unwrap(), []);
    assert!(store.jobs.find(job).await.unwrap().is_some(), "the job stays");
}

// ---- hostile input --------------------------------------------------------------------------

async fn hostile_strings_are_stored_and_found_verbatim(store: Repos<'_>) {
    let hostile = [
        "'; DROP TABLE companies; --",
        r#"" OR "1"="1"#,
        r"\x00\'\\",
        "Ñandú 🦀 ﷽",
        "%_%_%",
        "Robert'); DELETE FROM jobs;--",
    ];
    for (index, name) in hostile.iter().enumerate() {
        store.companies.insert(a_company(&format!("h{index}")).named(name).build()).await.unwrap();
        store.jobs.insert(a_job_at(&format!("h{index}")).titled(name).build()).await.unwrap();
    }

    for name in hostile {
        assert_eq!(company_names(store, company_query(Some(name), None, None)).await, [name], "company {name:?}");
        assert_eq!(job_titles(store, job_query(Some(name), None, None)).await, [name], "job {name:?}");
    }
    assert_eq!(company_names(store, CompanyQuery::default()).await.len(), hostile.len(), "no table was harmed");
}
