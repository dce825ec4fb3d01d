//! Properties checked against the real database, with bounded case counts so the layer stays
//! fast. A failure prints the shrunk input: that is the bug report.

use domain::company::CompanyForm;
use domain::job::JobForm;
use domain::ports::{CompanyRepository, JobRepository, UserRepository};
use domain::text::SearchText;
use domain::user::{Email, NewUser, PersonName, Username};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use sqlx::PgPool;
use store::postgres::{PgStore, contains_pattern};
use testkit::TestDatabase;

use crate::fixtures::a_hash;

/// Runs `property` on `cases` generated values, each case's async body on the test's runtime.
fn check<S: Strategy>(cases: u32, strategy: S, property: impl Fn(S::Value) -> Result<(), TestCaseError>) {
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    if let Err(failure) = runner.run(&strategy, property) {
        panic!("{failure}");
    }
}

fn block_on<F: Future>(future: F) -> F::Output {
    tokio::task::block_in_place(|| tokio::runtime::Handle::current().block_on(future))
}

/// One line of text: any characters but controls, not blank.
fn line(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[^\\p{{Cc}}]{{1,{max}}}"))
        .unwrap()
        .prop_filter("not blank", |text| !text.trim().is_empty())
}

fn a_company_form() -> impl Strategy<Value = CompanyForm> {
    (
        "[a-z0-9][a-z0-9-]{0,24}",
        line(100),
        proptest::string::string_regex("[^\\p{Cc}]{0,300}").unwrap(),
        proptest::option::of(0..=i64::from(i32::MAX)),
        proptest::option::of("https://[a-z0-9.-]{1,40}/[^\\s\\p{Cc}]{0,200}"),
    )
        .prop_map(|(handle, name, description, num_employees, logo_url)| CompanyForm {
            handle,
            name,
            description,
            num_employees,
            logo_url,
        })
}

fn a_job_form() -> impl Strategy<Value = JobForm> {
    let equity = (0..=10_u64.pow(12), 0..=28_u32).prop_map(|(mantissa, scale)| {
        let value = rust_decimal::Decimal::from_i128_with_scale(i128::from(mantissa), scale);
        value.min(rust_decimal::Decimal::ONE).to_string()
    });
    (line(100), proptest::option::of(0..=i64::from(i32::MAX)), proptest::option::of(equity))
        .prop_map(|(title, salary, equity)| JobForm { title, salary, equity, company_handle: "acme".into() })
}

fn a_new_user() -> impl Strategy<Value = NewUser> {
    (
        "[A-Za-z0-9_.-]{1,25}",
        line(30),
        line(30),
        "[^\\s@\\p{Cc}]{1,64}@[^\\s@.\\p{Cc}]{1,60}\\.[a-z]{2,10}",
        any::<bool>(),
    )
        .prop_map(|(username, first, last, email, is_admin)| NewUser {
            username: Username::parse(&username).unwrap(),
            first_name: PersonName::parse("first_name", &first).unwrap(),
            last_name: PersonName::parse("last_name", &last).unwrap(),
            email: Email::parse(&email).unwrap(),
            is_admin,
        })
}

async fn clear(pool: &PgPool) {
    sqlx::query("TRUNCATE users, companies, jobs, applications").execute(pool).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn whatever_the_domain_accepts_postgres_stores_and_returns_unchanged() {
    let database = TestDatabase::new().await;
    let store: PgStore = database.store();

    check(64, (a_company_form(), a_job_form(), a_new_user()), |(company_form, job_form, user)| {
        block_on(async {
            clear(database.pool()).await;
            let company = company_form.validate().map_err(|e| TestCaseError::reject(e.to_string()))?;
            let job_form = JobForm { company_handle: company.handle.as_str().to_owned(), ..job_form };
            let new_job = job_form.validate().map_err(|e| TestCaseError::reject(e.to_string()))?;

            let stored_company = CompanyRepository::insert(&store, company.clone()).await;
            prop_assert_eq!(stored_company.as_ref().ok(), Some(&company), "{:?}", stored_company);
            let stored_job = JobRepository::insert(&store, new_job.clone()).await;
            prop_assert_eq!(
                stored_job.as_ref().ok().map(|job| job.clone().title),
                Some(new_job.title.clone()),
                "{:?}",
                stored_job
            );
            prop_assert_eq!(stored_job.ok().map(|job| job.equity), Some(new_job.equity));
            let stored_user = UserRepository::insert(&store, user.clone(), a_hash("h")).await;
            prop_assert_eq!(stored_user.ok(), Some(user.into_user()));
            Ok(())
        })
    });
}

/// Each needle's escaped pattern matches any text containing it, whatever it contains.
#[tokio::test(flavor = "multi_thread")]
async fn an_escaped_search_pattern_matches_its_text_verbatim_in_postgres() {
    let database = TestDatabase::new().await;
    let needles = line(20).prop_map(|needle| needle.replace('\0', ""));

    check(256, (".{0,10}", needles, ".{0,10}"), |(before, needle, after)| {
        block_on(async {
            let Ok(text) = SearchText::parse("title", &needle) else { return Ok(()) };
            let haystack = format!("{before}{needle}{after}").replace('\0', "");
            let matched: bool = sqlx::query_scalar("SELECT $1 ILIKE $2")
                .bind(&haystack)
                .bind(contains_pattern(&text))
                .fetch_one(database.pool())
                .await
                .unwrap();
            prop_assert!(matched, "{:?} not found in {:?}", needle, haystack);
            Ok(())
        })
    });
}

/// Postgres' `ILIKE` and the domain's reference matching (used by the memory store) agree, on
/// an alphabet chosen to provoke them: both cases, wildcards, escapes, quotes, and letters
/// whose case mapping is odd (ß, İ, ı, σ/ς/Σ).
#[tokio::test(flavor = "multi_thread")]
async fn postgres_ilike_and_the_reference_matching_agree() {
    let database = TestDatabase::new().await;
    let alphabet = r#"[aAiI%_\\'" éÉßİıσςΣ]"#;
    let haystacks = proptest::string::string_regex(&format!("{alphabet}{{0,12}}")).unwrap();
    let needles = proptest::string::string_regex(&format!("{alphabet}{{1,4}}")).unwrap();

    check(2000, (haystacks, needles), |(haystack, needle)| {
        block_on(async {
            let Ok(text) = SearchText::parse("title", &needle) else { return Ok(()) };
            let postgres: bool = sqlx::query_scalar("SELECT $1 ILIKE $2")
                .bind(&haystack)
                .bind(contains_pattern(&text))
                .fetch_one(database.pool())
                .await
                .unwrap();
            prop_assert_eq!(postgres, text.is_found_in(&haystack), "needle {:?} in {:?}", needle, haystack);
            Ok(())
        })
    });
}
