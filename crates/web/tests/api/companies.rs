//! `/companies`, every path of it, in-process.

use reqwest::StatusCode;
use serde_json::json;
use testkit::fixtures::a_company;
use testkit::world::world;

#[tokio::test]
async fn an_admin_creates_a_company_and_anyone_reads_it_with_its_jobs() {
    let world = world().await;

    let created = world.as_admin().create_company(&a_company().named("globex")).await;
    let acme = world.anonymous().company("acme").await;

    assert_eq!(created.expect(201)["company"]["handle"], "globex");
    assert_eq!(acme.expect(200)["company"]["jobs"][0]["id"], world.job);
}

#[tokio::test]
async fn a_taken_handle_or_name_is_a_409() {
    let world = world().await;

    let handle = world.as_admin().create_company(&a_company()).await;
    let name = world.as_admin().create_company(&a_company().named("acme-2").called("acme corp")).await;

    assert_eq!((handle.status, handle.error_message()), (StatusCode::CONFLICT, json!("company 'acme' already exists")));
    assert_eq!(name.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn an_unknown_company_is_a_404_for_every_verb() {
    let world = world().await;

    let get = world.anonymous().company("nope").await;
    let patch = world.as_admin().update_company("nope", &json!({ "numEmployees": 1 })).await;
    let delete = world.as_admin().delete_company("nope").await;

    for answer in [get, patch, delete] {
        assert_eq!((answer.status, answer.error_message()), (StatusCode::NOT_FOUND, json!("company 'nope' not found")));
    }
}

#[tokio::test]
async fn a_partial_update_changes_only_what_it_names_and_null_clears() {
    let world = world().await;

    let answer = world.as_admin().update_company("acme", &json!({ "numEmployees": null, "description": "New" })).await;

    assert_eq!(
        answer.expect(200)["company"],
        json!({ "handle": "acme", "name": "acme corp", "description": "New", "numEmployees": null, "logoUrl": null })
    );
}

#[tokio::test]
async fn the_handle_cannot_be_changed_by_a_patch() {
    let world = world().await;

    let answer = world.as_admin().update_company("acme", &json!({ "handle": "evil" })).await;

    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.body.contains("handle"), "{}", answer.body);
}

#[tokio::test]
async fn deleting_a_company_deletes_its_jobs() {
    let world = world().await;

    let deleted = world.as_admin().delete_company("acme").await;

    assert_eq!(deleted.json(), json!({ "deleted": "acme" }));
    assert_eq!(world.anonymous().job(world.job).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn filters_are_case_insensitive_substrings_with_literal_wildcards_and_inclusive_bounds() {
    let world = world().await;
    for (handle, name, employees) in [("a1", "100% Anvils", 5), ("a2", "Anvil_Co", 50), ("a3", "Bolts", 500)] {
        let company = a_company().named(handle).called(name).with_employees(employees);
        world.as_admin().create_company(&company).await.expect(201);
    }
    let names = async |query: &str| {
        let companies = world.anonymous().companies(query).await.expect(200);
        companies["companies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };

    assert_eq!(names("nameLike=anvil").await, ["100% Anvils", "Anvil_Co"]);
    assert_eq!(names("nameLike=%25").await, ["100% Anvils"], "%25 is a literal %");
    assert_eq!(names("nameLike=_").await, ["Anvil_Co"]);
    assert_eq!(names("minEmployees=10&maxEmployees=500").await, ["Anvil_Co", "Bolts", "acme corp"]);
}

#[tokio::test]
async fn a_minimum_above_the_maximum_is_a_400() {
    let world = world().await;

    let answer = world.anonymous().companies("minEmployees=10&maxEmployees=5").await;

    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.error_message(), json!(["minEmployees: must not be greater than the maximum"]));
}
