//! What only the real database can show: the schema, the constraints, RETURNING.

use domain::DomainError;
use domain::ports::UserRepository;
use testkit::TestDatabase;

use crate::fixtures::{a_hash, a_new_user, username};

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

    let stored = database.store().insert(a_new_user("ada"), a_hash("h1")).await.unwrap();

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

    let found = database.store().find(&username("ada")).await;

    assert!(
        matches!(&found, Err(DomainError::Unavailable(why)) if why.to_string().contains("corrupt users row 'ada'")),
        "{found:?}"
    );
}
