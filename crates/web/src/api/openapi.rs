//! `GET /openapi.json`: an OpenAPI 3.1 document built from [`super::routes`] and the schema
//! files, the same ones that validate requests.

use axum::Json;
use axum::extract::State;
use serde_json::{Map, Value, json};

use super::{Access, ApiRoute, routes};
use crate::schemas::{FILES, Schemas};
use crate::state::AppState;

pub async fn document(State(state): State<AppState>) -> Json<Value> {
    Json(build(&state.schemas))
}

/// The whole document. Deterministic, so it can be snapshotted.
pub fn build(schemas: &Schemas) -> Value {
    let mut paths = Map::new();
    for route in routes() {
        let entry = paths.entry(route.path).or_insert_with(|| json!({}));
        entry[route.method.as_str().to_lowercase()] = operation(&route, schemas);
    }
    let mut components = Map::new();
    for (name, _) in FILES {
        if let Some(schema) = schemas.schema(name) {
            let mut schema = schema.clone();
            if let Some(object) = schema.as_object_mut() {
                object.remove("$schema");
            }
            components.insert(component_name(name), schema);
        }
    }
    components.insert(
        "Error".into(),
        json!({
            "type": "object",
            "required": ["error"],
            "properties": { "error": {
                "type": "object",
                "required": ["status", "message"],
                "properties": {
                    "status": { "type": "integer" },
                    "message": { "oneOf": [
                        { "type": "string" },
                        { "type": "array", "items": { "type": "string" }, "description": "every violation, one each" },
                    ]},
                },
            }},
        }),
    );
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

fn operation(route: &ApiRoute, schemas: &Schemas) -> Value {
    let mut operation = json!({ "summary": route.summary, "responses": responses(route) });
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

fn responses(route: &ApiRoute) -> Value {
    let error = json!({ "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } });
    let mut responses = Map::new();
    responses.insert(
        route.success.as_u16().to_string(),
        json!({ "description": route.success.canonical_reason().unwrap_or("success") }),
    );
    let mut errors = Vec::new();
    if route.body.is_some() || route.query.is_some() {
        errors.push((400, "invalid input: every violation is listed"));
    }
    match route.access {
        Access::Anyone => {}
        Access::LoggedIn => errors.push((401, "missing, invalid, expired or revoked token")),
        Access::Admin | Access::SelfOrAdmin => {
            errors.push((401, "missing, invalid, expired or revoked token"));
            errors.push((403, "not allowed for this caller"));
        }
    }
    if route.path.contains('{') {
        errors.push((404, "no such resource"));
    }
    for (status, description) in errors {
        let mut response = error.clone();
        response["description"] = json!(description);
        responses.insert(status.to_string(), response);
    }
    Value::Object(responses)
}

/// `company-new` → `CompanyNew`, the schema's title.
fn component_name(file: &str) -> String {
    file.split('-').map(|word| word[..1].to_uppercase() + &word[1..]).collect()
}
