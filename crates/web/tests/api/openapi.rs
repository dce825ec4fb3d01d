//! The OpenAPI document: built from the route table and the schema files, snapshotted, and
//! checked against the router in both directions.

use reqwest::StatusCode;
use serde_json::Value;
use testkit::TestApp;
use web::api::routes;

async fn document() -> Value {
    TestApp::in_memory().await.get("/openapi.json").await.expect(200)
}

#[tokio::test]
async fn the_document_is_openapi_3_1_and_stable() {
    let document = document().await;

    assert_eq!(document["openapi"], "3.1.0");
    insta::assert_json_snapshot!("openapi", document, { ".info.version" => "[version]" });
}

#[tokio::test]
async fn every_documented_operation_is_routed_and_every_route_is_documented() {
    let document = document().await;
    let mut documented: Vec<(String, String)> = document["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, operations)| {
            operations.as_object().unwrap().keys().map(move |method| (method.to_uppercase(), path.clone()))
        })
        .collect();
    let mut routed: Vec<(String, String)> =
        routes().iter().map(|route| (route.method.to_string(), route.path.to_owned())).collect();
    documented.sort();
    routed.sort();
    assert_eq!(documented, routed);

    let app = TestApp::in_memory().await;
    for (method, path) in &routed {
        let concrete = path.replace("{handle}", "acme").replace("{id}", "1").replace("{username}", "ada");
        let answer = app.anonymous().send(method, &concrete, None).await;
        let fell_through = answer.status == StatusCode::NOT_FOUND && answer.body.contains("no route for")
            || answer.status == StatusCode::METHOD_NOT_ALLOWED;
        assert!(!fell_through, "{method} {path} is documented but not routed: {}", answer.body);
    }
}

#[tokio::test]
async fn request_bodies_use_the_very_schemas_that_validate_them() {
    let document = document().await;
    let schemas = web::schemas::Schemas::load().unwrap();

    let register = &document["components"]["schemas"]["RegisterRequest"];
    let mut file = schemas.schema("register-request").unwrap().clone();
    file.as_object_mut().unwrap().remove("$schema");

    assert_eq!(register, &file);
    assert_eq!(
        document["paths"]["/auth/register"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/RegisterRequest"
    );
}
