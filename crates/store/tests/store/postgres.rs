//! What only the real database can show: the schema, the constraints, RETURNING.

use std::time::Duration;

use domain::DomainError;
use domain::company::{CompanyPatch, Handle};
use domain::ports::{CompanyRepository, JobRepository, UserRepository};
use store::postgres::PgStore;
use testkit::TestDatabase;

use crate::fixtures::{a_company, a_hash, a_job_at, a_new_user, username};

#[tokio::test]
async fn each_test_gets_an_empty_migrated_database_of_its_own() {
    let first = TestDatabase::new().await;
    let second = TestDatabase::new().await;

    assert_ne!(first.name(), second.name());
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users").fetch_one(first.pool()).await.unwrap();
    assert_eq!(users, 0);
}

#[tokio::test]
async fn insert_returns_the_row_the_database_holds() {
    let database = TestDatabase::new().await;
    // A trigger that rewrites the row proves the adapter returns what was stored (RETURNING),
    // not an echo of what it sent.
    sqlx::query(
        "CREATE FUNCTION shout() RETURNS trigger AS $$ BEGIN NEW.last_name := 'Rewritten'; RETURN NEW; END $$ LANGUAGE plpgsql",
    )
    .execute(database.pool())
    .await
    .unwrap();
    sqlx::query("CREATE TRIGGER shout BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION shout()")
        .execute(database.pool())
        .await
        .unwrap();

    let stored = UserRepository::insert(&database.store(), a_new_user("ada"), a_hash("h1")).await.unwrap();

    assert_eq!(stored.last_name.as_str(), "Rewritten");
}

#[tokio::test]
async fn a_row_the_domain_would_refuse_is_reported_not_returned() {
    let database = TestDatabase::new().await;
    sqlx::query("ALTER TABLE users DROP CONSTRAINT users_email_check").execute(database.pool()).await.unwrap();
    sqlx::query(
        "INSERT INTO users (username, password_hash, first_name, last_name, email) VALUES ('ada', 'h', 'Ada', 'L', 'not-an-email')",
    )
    .execute(database.pool())
    .await
    .unwrap();

    let found = UserRepository::find(&database.store(), &username("ada")).await;

    assert!(
        matches!(&found, Err(DomainError::Unavailable(why)) if why.to_string().contains("corrupt users row 'ada'")),
        "{found:?}"
    );
}

#[tokio::test]
async fn a_company_update_returns_the_row_the_database_holds() {
    let database = TestDatabase::new().await;
    let store = database.store();
    CompanyRepository::insert(&store, a_company("acme").build()).await.unwrap();
    sqlx::query(
        "CREATE FUNCTION stamp() RETURNS trigger AS $$ BEGIN NEW.description := 'stamped'; RETURN NEW; END $$ LANGUAGE plpgsql",
    )
    .execute(database.pool())
    .await
    .unwrap();
    sqlx::query("CREATE TRIGGER stamp BEFORE UPDATE ON companies FOR EACH ROW EXECUTE FUNCTION stamp()")
        .execute(database.pool())
        .await
        .unwrap();
    let patch = CompanyPatch { num_employees: Some(None), ..CompanyPatch::default() };

    let updated =
        CompanyRepository::update(&store, &Handle::parse("handle", "acme").unwrap(), &patch).await.unwrap().unwrap();

    assert_eq!(updated.description.as_str(), "stamped");
}

/// The CHECK constraints are the last line: a row that went around the domain is refused,
/// one limit at a time.
#[tokio::test]
async fn the_schema_refuses_what_the_domain_refuses() {
    let database = TestDatabase::new().await;
    sqlx::query("INSERT INTO companies (handle, name, description) VALUES ('acme', 'Acme', '')")
        .execute(database.pool())
        .await
        .unwrap();
    let refused = [
        ("username longer than 25", format!("INSERT INTO users VALUES ('{}', 'h', 'A', 'B', 'a@b.c')", "u".repeat(26))),
        ("upper-case handle", "INSERT INTO companies (handle, name, description) VALUES ('Acme2', 'A2', '')".into()),
        (
            "name longer than 100",
            format!("INSERT INTO companies (handle, name, description) VALUES ('a3', '{}', '')", "n".repeat(101)),
        ),
        (
            "negative head count",
            "INSERT INTO companies (handle, name, description, num_employees) VALUES ('a4', 'A4', '', -1)".into(),
        ),
        (
            "logo that is not http",
            "INSERT INTO companies (handle, name, description, logo_url) VALUES ('a5', 'A5', '', 'ftp://x')".into(),
        ),
        ("negative salary", "INSERT INTO jobs (title, salary, company_handle) VALUES ('t', -1, 'acme')".into()),
        ("equity above 1", "INSERT INTO jobs (title, equity, company_handle) VALUES ('t', 1.0001, 'acme')".into()),
        ("blank title", "INSERT INTO jobs (title, company_handle) VALUES ('   ', 'acme')".into()),
        (
            "salary beyond int4",
            format!(
                "INSERT INTO jobs (title, salary, company_handle) VALUES ('t', {}, 'acme')",
                i64::from(i32::MAX) + 1
            ),
        ),
    ];
    for (what, sql) in refused {
        let result = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(database.pool()).await;
        assert!(result.is_err(), "the schema accepted a {what}");
    }
}

#[tokio::test]
async fn at_every_limit_the_database_stores_what_the_domain_accepts() {
    let database = TestDatabase::new().await;
    let store = database.store();
    // Four-byte characters: VARCHAR(n) counts characters, as the domain does, not bytes.
    let crab = |n: usize| "🦀".repeat(n);
    let company = a_company(&"a".repeat(25))
        .named(&crab(100))
        .with_employees(i64::from(i32::MAX))
        .with_logo(&format!("https://{}", "l".repeat(2040)))
        .build();
    let company =
        domain::company::Company { description: domain::company::Description::parse(&crab(2000)).unwrap(), ..company };

    CompanyRepository::insert(&store, company.clone()).await.unwrap();
    let job = a_job_at(company.handle.as_str())
        .titled(&crab(100))
        .paying(i64::from(i32::MAX))
        .with_equity("0.0000000000000000000000000001")
        .build();
    JobRepository::insert(&store, job).await.unwrap();
    let user = domain::user::NewUser {
        username: username(&"u".repeat(25)),
        first_name: domain::user::PersonName::parse("first_name", &crab(30)).unwrap(),
        last_name: domain::user::PersonName::parse("last_name", &crab(30)).unwrap(),
        email: domain::user::Email::parse(&format!("{}@{}.com", "e".repeat(120), "d".repeat(129))).unwrap(),
        is_admin: true,
    };
    UserRepository::insert(&store, user, a_hash("h")).await.unwrap();
}

/// The pool pings a connection before lending it, so a connection Postgres dropped is found
/// out and replaced before a query can fail on it.
#[tokio::test]
async fn a_pooled_connection_postgres_dropped_is_replaced_before_a_query_fails_on_it() {
    let database = TestDatabase::new().await;
    let store = PgStore::connect_and_migrate(database.url(), Duration::from_secs(5)).await.unwrap();
    UserRepository::find(&store, &username("ada")).await.unwrap();
    let pooled = store.pool().size();
    let dropped: i64 = sqlx::query_scalar(
        "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .fetch_one(database.pool())
    .await
    .unwrap();
    assert!(dropped >= i64::from(pooled) && pooled > 0, "dropped {dropped}, pooled {pooled}");

    let mut failed = 0;
    for _ in 0..pooled {
        match UserRepository::find(&store, &username("ada")).await {
            Ok(None) => {}
            Err(DomainError::Unavailable(_)) => failed += 1,
            other => panic!("{other:?}"),
        }
    }
    let after = UserRepository::find(&store, &username("ada")).await;

    assert_eq!(failed, 0, "no query met one of the {pooled} dropped connections");
    assert!(matches!(after, Ok(None)), "{after:?}");
}
