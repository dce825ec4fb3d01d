//! The API document as a contract every test enforces: each answer to a documented operation
//! must carry a status that operation lists, the headers it promises, and a body its schema
//! accepts. [`crate::TestApp`] checks every answer it returns, so each API test is also a test
//! of `/openapi.json`, and a handler that drifts from the document fails the test that reached
//! it, naming both.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use axum::http::header;
use serde_json::{Value, json};

use crate::answer::Answer;
use crate::client::Request;

/// The document, built the way `GET /openapi.json` builds it.
static DOCUMENT: LazyLock<Value> = LazyLock::new(|| {
    let schemas = web::schemas::Schemas::load().unwrap_or_else(|error| panic!("the schema files: {error}"));
    web::api::openapi::build(&schemas)
});

/// Compiled response schemas, by JSON pointer into the document.
static VALIDATORS: LazyLock<Mutex<HashMap<String, jsonschema::Validator>>> = LazyLock::new(Mutex::default);

/// Panics, saying what disagrees, when `answer` breaks the document's promise for `request`.
#[track_caller]
pub fn check(request: &Request, answer: &Answer) {
    if let Err(broken) = verdict(request, answer) {
        panic!("{broken}");
    }
}

/// How `answer` breaks the document's promise for `request`, if it does. Answers outside the
/// document pass: pages, unknown paths, undocumented methods, and what a browser asked for as
/// HTML.
pub fn verdict(request: &Request, answer: &Answer) -> Result<(), String> {
    if asks_for_html(request) {
        return Ok(());
    }
    let Some((template, operation)) = operation_of(request) else { return Ok(()) };
    let what = format!("{} {} (documented as {template})", request.method, request.path);
    let status = answer.status.as_u16().to_string();
    let Some(response) = operation["responses"].get(&status) else {
        let listed: Vec<&String> = operation["responses"].as_object().map(|r| r.keys().collect()).unwrap_or_default();
        return Err(format!(
            "{what} answered {status}, which the document does not list (it lists {listed:?}); body: {}",
            answer.body
        ));
    };
    for (header, promise) in response["headers"].as_object().into_iter().flatten() {
        if promise["required"] == true && answer.header(header).is_none() {
            return Err(format!("{what} answered {status} without its documented {header} header"));
        }
    }
    let Some(schema) = response.pointer("/content/application~1json/schema") else {
        if answer.body.is_empty() {
            return Ok(());
        }
        return Err(format!("{what} answered {status}, documented without a body, with: {}", answer.body));
    };
    let content_type = answer.header(header::CONTENT_TYPE.as_str()).unwrap_or_default();
    if !content_type.starts_with("application/json") {
        return Err(format!(
            "{what} answered {status} as {content_type:?}, documented as application/json; body: {}",
            answer.body
        ));
    }
    let body: Value = serde_json::from_str(&answer.body)
        .map_err(|error| format!("{what} answered {status} with a body that is not JSON ({error}): {}", answer.body))?;
    let pointer = format!("/paths/{}/{}/responses/{status}", escape(&template), request.method.as_str().to_lowercase());
    let violations = violations(&pointer, schema, &body);
    if violations.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{what} answered {status} with a body its documented schema refuses:\n  {}\nbody: {body}",
        violations.join("\n  ")
    ))
}

fn asks_for_html(request: &Request) -> bool {
    request.headers.iter().any(|(name, value)| name.eq_ignore_ascii_case("accept") && value.contains("text/html"))
}

/// The documented operation `request` calls, and the path template it matched.
fn operation_of(request: &Request) -> Option<(String, &'static Value)> {
    let path = request.path.split('?').next().unwrap_or_default();
    let method = request.method.as_str().to_lowercase();
    DOCUMENT["paths"].as_object()?.iter().find_map(|(template, operations)| {
        let operation = operations.get(&method)?;
        matches(template, path).then(|| (template.clone(), operation))
    })
}

/// `/users/{username}/jobs/{id}` matches `/users/ada/jobs/7`: a `{…}` segment matches any one.
fn matches(template: &str, path: &str) -> bool {
    let (template, path): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    template.len() == path.len()
        && template.iter().zip(&path).all(|(expected, actual)| {
            expected == actual || expected.starts_with('{') && expected.ends_with('}') && !actual.is_empty()
        })
}

/// Every violation of `schema` by `body`. The schema's `$ref`s point into the document's
/// components, so they are compiled beside it.
fn violations(pointer: &str, schema: &Value, body: &Value) -> Vec<String> {
    let mut validators = VALIDATORS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let validator = validators.entry(pointer.to_owned()).or_insert_with(|| {
        let standalone = json!({ "allOf": [schema], "components": DOCUMENT["components"] });
        jsonschema::validator_for(&standalone)
            .unwrap_or_else(|error| panic!("the document's schema at {pointer} does not compile: {error}"))
    });
    validator.iter_errors(body).map(|error| format!("{}: {error}", error.instance_path())).collect()
}

/// RFC 6901: `~` and `/` inside a pointer's segment.
fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};

    use super::*;

    fn answer(status: u16, body: &str) -> Answer {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        Answer { status: StatusCode::from_u16(status).unwrap(), headers, body: body.to_owned() }
    }

    fn broken(request: Request, answer: &Answer) -> String {
        verdict(&request, answer).expect_err("the contract check lets this through")
    }

    #[test]
    fn an_answer_the_document_describes_passes() {
        assert_eq!(verdict(&Request::new(Method::GET, "/healthz"), &answer(200, r#"{"status": "ok"}"#)), Ok(()));
    }

    #[test]
    fn a_body_that_breaks_its_schema_is_caught() {
        let problem = broken(Request::new(Method::GET, "/jobs?title=x"), &answer(200, r#"{"jobs": [{"id": "7"}]}"#));

        assert!(problem.contains("with a body its documented schema refuses"), "{problem}");
    }

    #[test]
    fn an_undocumented_status_is_caught() {
        let teapot = answer(418, r#"{"error": {"status": 418, "message": "tea"}}"#);

        let problem = broken(Request::new(Method::GET, "/jobs/7"), &teapot);

        assert!(problem.contains("answered 418, which the document does not list"), "{problem}");
    }

    #[test]
    fn a_missing_promised_header_is_caught() {
        let busy = answer(503, r#"{"error": {"status": 503, "message": "busy"}}"#);

        let problem = broken(Request::new(Method::GET, "/healthz"), &busy);

        assert!(problem.contains("without its documented Retry-After header"), "{problem}");
    }

    #[test]
    fn what_the_document_does_not_describe_is_not_checked() {
        let page = Request::new(Method::GET, "/companies").header("accept", "text/html");

        assert_eq!(verdict(&Request::new(Method::GET, "/no/such/route"), &answer(418, "teapot")), Ok(()));
        assert_eq!(verdict(&page, &answer(200, "<html>")), Ok(()));
    }

    #[test]
    fn a_template_segment_matches_any_one_segment_and_nothing_else() {
        assert!(matches("/users/{username}/jobs/{id}", "/users/ada/jobs/7"));
        assert!(matches("/jobs", "/jobs"));
        assert!(!matches("/jobs/{id}", "/jobs"));
        assert!(!matches("/jobs/{id}", "/jobs/"));
        assert!(!matches("/users/{username}", "/users/ada/jobs/7"));
    }
}
