//! `/companies`, every path of it, in-process.

use reqwest::StatusCode;
use serde_json::json;
use testkit::world::{company_body, world};

#[tokio::test]
async fn an_admin_creates_a_company_and_anyone_reads_it_with_its_jobs() {
    let world = world().await;

    let created = world.app.send("POST", "/companies", Some(&company_body("globex")), Some(&world.admin.token)).await;
    let acme = world.app.get("/companies/acme", None).await;

    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(created.json()["company"]["handle"], "globex");
    assert_eq!(acme.status, StatusCode::OK);
    assert_eq!(acme.json()["company"]["jobs"][0]["id"], world.job);
}

#[tokio::test]
async fn a_taken_handle_or_name_is_a_409() {
    let world = world().await;

    let handle = world.app.send("POST", "/companies", Some(&company_body("acme")), Some(&world.admin.token)).await;
    let mut same_name = company_body("acme-2");
    same_name["name"] = json!("acme corp");
    let name = world.app.send("POST", "/companies", Some(&same_name), Some(&world.admin.token)).await;

    assert_eq!(
        (handle.status, handle.json()["error"]["message"].clone()),
        (StatusCode::CONFLICT, json!("company 'acme' already exists"))
    );
    assert_eq!(name.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn an_unknown_company_is_a_404_for_every_verb() {
    let world = world().await;
    let admin = Some(world.admin.token.as_str());

    let get = world.app.get("/companies/nope", None).await;
    let patch = world.app.send("PATCH", "/companies/nope", Some(&json!({ "numEmployees": 1 })), admin).await;
    let delete = world.app.send("DELETE", "/companies/nope", None, admin).await;

    for answer in [get, patch, delete] {
        assert_eq!(answer.status, StatusCode::NOT_FOUND);
        assert_eq!(answer.json()["error"]["message"], "company 'nope' not found");
    }
}

#[tokio::test]
async fn a_partial_update_changes_only_what_it_names_and_null_clears() {
    let world = world().await;

    let answer = world
        .app
        .send(
            "PATCH",
            "/companies/acme",
            Some(&json!({ "numEmployees": null, "description": "New" })),
            Some(&world.admin.token),
        )
        .await;

    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(
        answer.json()["company"],
        json!({ "handle": "acme", "name": "acme corp", "description": "New", "numEmployees": null, "logoUrl": null })
    );
}

#[tokio::test]
async fn the_handle_cannot_be_changed_by_a_patch() {
    let world = world().await;

    let answer =
        world.app.send("PATCH", "/companies/acme", Some(&json!({ "handle": "evil" })), Some(&world.admin.token)).await;

    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.body.contains("handle"), "{}", answer.body);
}

#[tokio::test]
async fn deleting_a_company_deletes_its_jobs() {
    let world = world().await;

    let deleted = world.app.send("DELETE", "/companies/acme", None, Some(&world.admin.token)).await;

    assert_eq!(deleted.json(), json!({ "deleted": "acme" }));
    assert_eq!(world.app.get(&format!("/jobs/{}", world.job), None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn filters_are_case_insensitive_substrings_with_literal_wildcards_and_inclusive_bounds() {
    let world = world().await;
    for (handle, name, employees) in [("a1", "100% Anvils", 5), ("a2", "Anvil_Co", 50), ("a3", "Bolts", 500)] {
        let body = json!({ "handle": handle, "name": name, "description": "", "numEmployees": employees });
        world.app.send("POST", "/companies", Some(&body), Some(&world.admin.token)).await;
    }
    let names = |query: &'static str| {
        let app = &world.app;
        async move {
            let answer = app.get(&format!("/companies?{query}"), None).await;
            assert_eq!(answer.status, StatusCode::OK, "{query}: {}", answer.body);
            answer.json()["companies"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["name"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };

    assert_eq!(names("nameLike=anvil").await, ["100% Anvils", "Anvil_Co"]);
    assert_eq!(names("nameLike=%25").await, ["100% Anvils"], "%25 is a literal %");
    assert_eq!(names("nameLike=_").await, ["Anvil_Co"]);
    assert_eq!(names("minEmployees=10&maxEmployees=500").await, ["Anvil_Co", "Bolts", "acme corp"]);
}

#[tokio::test]
async fn a_minimum_above_the_maximum_is_a_400() {
    let answer = world().await.app.get("/companies?minEmployees=10&maxEmployees=5", None).await;

    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.json()["error"]["message"], json!(["minEmployees: must not be greater than the maximum"]));
}
