//! `GET /openapi.json`: an OpenAPI 3.1 document built from [`super::routes`] and the schema
//! files, the same ones that validate requests.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use schemars::generate::{Contract, SchemaSettings};
use schemars::{JsonSchema, SchemaGenerator, json_schema};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::{Access, ApiRoute, routes};
use crate::error::Envelope;
use crate::schemas::{FILES, Schemas};
use crate::state::AppState;

pub async fn document(State(state): State<AppState>) -> Json<Document> {
    Json(Document(build(&state.schemas)))
}

/// The document, as `GET /openapi.json` answers it.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct Document(Value);

impl JsonSchema for Document {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "OpenApiDocument".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> schemars::Schema {
        json_schema!({
            "description": "an OpenAPI 3.1 document",
            "type": "object",
            "required": ["openapi", "info", "paths"],
            "properties": { "openapi": { "type": "string", "pattern": "^3\\.1\\." } },
        })
    }
}

/// The whole document. Deterministic, so it can be snapshotted.
pub fn build(schemas: &Schemas) -> Value {
    // Answers are described as they are serialized, and their types land beside the request
    // schemas in `components`.
    let mut generator = SchemaSettings::draft2020_12()
        .with(|settings| {
            settings.definitions_path = "/components/schemas".into();
            settings.meta_schema = None;
            settings.contract = Contract::Serialize;
        })
        .into_generator();
    let error = generator.subschema_for::<Envelope>().to_value();
    let mut paths = Map::new();
    for route in routes() {
        let entry = paths.entry(route.path).or_insert_with(|| json!({}));
        entry[route.method.as_str().to_lowercase()] = operation(&route, schemas, &mut generator, &error);
    }
    let mut components = generator.take_definitions(true);
    for (name, _) in FILES {
        if let Some(schema) = schemas.schema(name) {
            let mut schema = schema.clone();
            if let Some(object) = schema.as_object_mut() {
                object.remove("$schema");
            }
            components.insert(component_name(name), schema);
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Jobboard",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The jobs board API of Pyramid. Errors use one envelope: {\"error\": {\"status\", \"message\"}}.",
        },
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer", "bearerFormat": "JWT" } },
        },
    })
}

fn operation(route: &ApiRoute, schemas: &Schemas, generator: &mut SchemaGenerator, error: &Value) -> Value {
    let mut operation = json!({ "summary": route.summary, "responses": responses(route, generator, error) });
    let mut parameters: Vec<Value> = route
        .path
        .split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }))
        .collect();
    if let Some(properties) = route.query.and_then(|name| schemas.schema(name)?.get("properties")?.as_object().cloned())
    {
        parameters.extend(
            properties.into_iter().map(|(name, schema)| json!({ "name": name, "in": "query", "schema": schema })),
        );
    }
    if !parameters.is_empty() {
        operation["parameters"] = Value::Array(parameters);
    }
    if let Some(body) = route.body {
        operation["requestBody"] = json!({
            "required": true,
            "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{}", component_name(body)) } } },
        });
    }
    if route.access != Access::Anyone {
        operation["security"] = json!([{ "bearer": [] }]);
    }
    operation
}

/// Every status the route may answer: its success, the failures its access, body and path
/// imply, those it names itself, and the 503 any request may meet.
fn responses(route: &ApiRoute, generator: &mut SchemaGenerator, error: &Value) -> Value {
    let mut responses = Map::new();
    let mut success = json!({ "description": route.success.canonical_reason().unwrap_or("success") });
    if let Some(answer) = route.answer {
        success["content"] = json!({ "application/json": { "schema": answer(generator).to_value() } });
    }
    responses.insert(route.success.as_u16().to_string(), success);
    for (status, description) in failures(route) {
        let mut response = json!({
            "description": description,
            "content": { "application/json": { "schema": error } },
        });
        if let Some((header, meaning)) = promised_header(status) {
            response["headers"] =
                json!({ header: { "required": true, "description": meaning, "schema": { "type": "string" } } });
        }
        responses.insert(status.as_u16().to_string(), response);
    }
    Value::Object(responses)
}

fn failures(route: &ApiRoute) -> Vec<(StatusCode, &'static str)> {
    let mut failures = Vec::new();
    if route.body.is_some() || route.query.is_some() {
        failures.push((StatusCode::BAD_REQUEST, "invalid input: every violation is listed"));
    }
    failures.push(match route.access {
        Access::Anyone => {
            (StatusCode::UNAUTHORIZED, "a bearer token was sent and does not hold: leave it out to call anonymously")
        }
        _ => (StatusCode::UNAUTHORIZED, "missing, invalid, expired or revoked token"),
    });
    if matches!(route.access, Access::Admin | Access::SelfOrAdmin) {
        failures.push((StatusCode::FORBIDDEN, "not allowed for this caller"));
    }
    if route.path.contains('{') {
        failures.push((StatusCode::NOT_FOUND, "no such resource"));
    }
    if route.body.is_some() {
        failures.push((StatusCode::PAYLOAD_TOO_LARGE, "the body is over the size limit"));
        failures.push((StatusCode::UNSUPPORTED_MEDIA_TYPE, "the body is not sent as application/json"));
    }
    failures.extend(route.also);
    failures.push((
        StatusCode::SERVICE_UNAVAILABLE,
        "not now: the store is unreachable, or the server is at a limit (connections, logins in progress, time)",
    ));
    failures
}

/// The header a failure always carries, and what it tells the client.
fn promised_header(status: StatusCode) -> Option<(&'static str, &'static str)> {
    match status {
        StatusCode::UNAUTHORIZED => Some(("WWW-Authenticate", "the scheme to authenticate with: Bearer")),
        StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => {
            Some(("Retry-After", "seconds to wait before trying again"))
        }
        _ => None,
    }
}

/// `company-new` → `CompanyNew`, the schema's title.
fn component_name(file: &str) -> String {
    file.split('-').map(|word| word[..1].to_uppercase() + &word[1..]).collect()
}
