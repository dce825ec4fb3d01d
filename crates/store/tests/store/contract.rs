//! One behaviour suite, run against both adapters: the in-memory fake and Postgres. If the fake
//! drifts from the database, the `memory` and `postgres` twins of a test disagree.
//!
//! Adding a case: write `async fn case(users: &dyn UserRepository)` below and list its name in
//! `contract!`; both twins are generated.

use domain::DomainError;
use domain::ports::UserRepository;

use crate::fixtures::{a_hash, a_new_user, username};

macro_rules! contract {
    ($($case:ident),* $(,)?) => {
        mod memory {
            $(
                #[tokio::test]
                async fn $case() {
                    super::$case(&store::memory::MemoryStore::new()).await;
                }
            )*
        }

        mod postgres {
            $(
                #[tokio::test]
                async fn $case() {
                    let database = testkit::TestDatabase::new().await;
                    super::$case(&database.store()).await;
                }
            )*
        }
    };
}

contract! {
    a_stored_user_is_returned_as_stored,
    a_stored_user_can_be_found_by_username,
    credentials_carry_the_stored_hash,
    a_taken_username_is_a_conflict,
    an_unknown_user_is_absent,
}

async fn a_stored_user_is_returned_as_stored(users: &dyn UserRepository) {
    let stored = users.insert(a_new_user("ada"), a_hash("h1")).await.unwrap();

    assert_eq!(stored, a_new_user("ada").into_user());
}

async fn a_stored_user_can_be_found_by_username(users: &dyn UserRepository) {
    users.insert(a_new_user("ada"), a_hash("h1")).await.unwrap();

    let found = users.find(&username("ada")).await.unwrap();

    assert_eq!(found, Some(a_new_user("ada").into_user()));
}

async fn credentials_carry_the_stored_hash(users: &dyn UserRepository) {
    users.insert(a_new_user("ada"), a_hash("h1")).await.unwrap();

    let credentials = users.find_credentials(&username("ada")).await.unwrap().unwrap();

    assert_eq!(credentials.password_hash, a_hash("h1"));
    assert_eq!(credentials.user, a_new_user("ada").into_user());
}

async fn a_taken_username_is_a_conflict(users: &dyn UserRepository) {
    users.insert(a_new_user("ada"), a_hash("h1")).await.unwrap();

    let second = users.insert(a_new_user("ada"), a_hash("h2")).await;

    assert!(
        matches!(&second, Err(DomainError::Conflict(message)) if message == "username 'ada' is taken"),
        "{second:?}"
    );
    let kept = users.find_credentials(&username("ada")).await.unwrap().unwrap();
    assert_eq!(kept.password_hash, a_hash("h1"), "the first user is untouched");
}

async fn an_unknown_user_is_absent(users: &dyn UserRepository) {
    let nobody = username("nobody");

    assert_eq!(users.find(&nobody).await.unwrap(), None);
    assert_eq!(users.find_credentials(&nobody).await.unwrap(), None);
}
