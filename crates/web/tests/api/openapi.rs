//! The OpenAPI document: built from the route table, the schema files and the answer types,
//! snapshotted, and checked against the router in both directions. Every answer any test
//! reads is also checked against it (`testkit::contract`).

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

#[tokio::test]
async fn every_response_has_a_schema_unless_it_has_no_body() {
    let document = document().await;

    let mut without_schema = Vec::new();
    for (path, operations) in document["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            for (status, response) in operation["responses"].as_object().unwrap() {
                let bodiless = ["101", "204"].contains(&status.as_str());
                if response.pointer("/content/application~1json/schema").is_some() == bodiless {
                    without_schema.push(format!("{method} {path} {status}"));
                }
            }
        }
    }

    assert_eq!(without_schema, Vec::<String>::new(), "a body without a schema, or a schema for no body");
}

#[tokio::test]
async fn every_route_may_refuse_a_bad_token_and_be_unavailable() {
    let document = document().await;

    for (path, operations) in document["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            let responses = &operation["responses"];
            assert!(responses.get("401").is_some(), "{method} {path} does not document 401");
            assert_eq!(
                responses.pointer("/503/headers/Retry-After/required"),
                Some(&Value::Bool(true)),
                "{method} {path} does not promise Retry-After on its 503"
            );
        }
    }
}
