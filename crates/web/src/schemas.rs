//! JSON Schema validation of request bodies and query strings.
//!
//! The schema files in `crates/web/schemas/` are the single source of what a request may
//! contain: they are compiled once at start-up ([`Schemas::load`]) to validate requests, and
//! embedded as they are in the OpenAPI document. Their limits equal the database's (a test
//! sends a body at every limit and one past it). Every violation is reported, not the first.

use std::collections::HashMap;

use jsonschema::Validator;
use serde_json::{Map, Value};

/// Every schema, by name (the file name without `.json`).
pub const FILES: [(&str, &str); 13] = [
    ("token-request", include_str!("../schemas/token-request.json")),
    ("register-request", include_str!("../schemas/register-request.json")),
    ("refresh-request", include_str!("../schemas/refresh-request.json")),
    ("verify-request", include_str!("../schemas/verify-request.json")),
    ("logout-request", include_str!("../schemas/logout-request.json")),
    ("company-new", include_str!("../schemas/company-new.json")),
    ("company-update", include_str!("../schemas/company-update.json")),
    ("company-search", include_str!("../schemas/company-search.json")),
    ("job-new", include_str!("../schemas/job-new.json")),
    ("job-update", include_str!("../schemas/job-update.json")),
    ("job-search", include_str!("../schemas/job-search.json")),
    ("user-new", include_str!("../schemas/user-new.json")),
    ("user-update", include_str!("../schemas/user-update.json")),
];

#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("schema {name} is not JSON: {source}")]
    NotJson { name: &'static str, source: serde_json::Error },
    #[error("schema {name} does not compile: {message}")]
    Invalid { name: &'static str, message: String },
}

pub struct Schemas {
    compiled: HashMap<&'static str, Compiled>,
}

struct Compiled {
    schema: Value,
    validator: Validator,
    /// Properties the schema marks `"writeOnly": true` (passwords, tokens): a message about
    /// one never repeats its value.
    secrets: Vec<String>,
}

impl std::fmt::Debug for Schemas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Schemas").field("names", &self.compiled.keys().collect::<Vec<_>>()).finish()
    }
}

impl Schemas {
    /// Parses and compiles every schema; fails at start-up, never on a request.
    pub fn load() -> Result<Self, SchemaError> {
        let mut compiled = HashMap::new();
        for (name, text) in FILES {
            let schema: Value = serde_json::from_str(text).map_err(|source| SchemaError::NotJson { name, source })?;
            let validator = jsonschema::validator_for(&schema)
                .map_err(|error| SchemaError::Invalid { name, message: error.to_string() })?;
            let secrets = write_only_properties(&schema);
            compiled.insert(name, Compiled { schema, validator, secrets });
        }
        Ok(Self { compiled })
    }

    /// The schema as written, for the OpenAPI document.
    pub fn schema(&self, name: &str) -> Option<&Value> {
        self.compiled.get(name).map(|compiled| &compiled.schema)
    }

    /// Every violation of schema `name` by `instance`, one message each, prefixed with where it
    /// is (`username: …`, or `body: …` for the object itself). A secret's value is said as
    /// `value`, never repeated.
    pub fn validate(&self, name: &str, instance: &Value) -> Result<(), Vec<String>> {
        let Some(compiled) = self.compiled.get(name) else {
            return Err(vec![format!("no schema named {name}")]);
        };
        let violations: Vec<String> = compiled
            .validator
            .iter_errors(instance)
            .map(|error| {
                let location = error.instance_path().to_string();
                let location = location.trim_start_matches('/').replace('/', ".");
                if compiled.secrets.contains(&location) {
                    return format!("{location}: {}", error.masked());
                }
                let location = if location.is_empty() { "body".to_owned() } else { location };
                if let Some(rule) = described_pattern(&compiled.schema, &error) {
                    return format!("{location}: must be {rule}");
                }
                match shortened(error.instance()) {
                    Some(preview) => format!("{location}: {}", error.masked_with(preview)),
                    None => format!("{location}: {error}"),
                }
            })
            .collect();
        if violations.is_empty() { Ok(()) } else { Err(violations) }
    }

    /// A query string as a JSON object, each value typed as the schema declares it (integers
    /// and booleans), so that one schema validates both bodies and queries. A value that does
    /// not parse stays a string, and the schema then says what is wrong with it. A parameter
    /// given twice is reported, not silently resolved.
    pub fn query_as_json(&self, name: &str, query: &str) -> Result<Value, Vec<String>> {
        let properties = self.schema(name).and_then(|schema| schema.get("properties")).and_then(Value::as_object);
        let mut object = Map::new();
        let mut repeated = Vec::new();
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            // `"type": "integer"`, or a list of types such as `["integer", "null"]`.
            let declared = properties.and_then(|p| p.get(key.as_ref())).and_then(|p| p.get("type"));
            let declares = |kind: &str| match declared {
                Some(Value::String(single)) => single == kind,
                Some(Value::Array(kinds)) => kinds.iter().any(|declared| declared == kind),
                _ => false,
            };
            let typed = if declares("integer") {
                value.parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::from(value.as_ref()))
            } else if declares("boolean") {
                match value.as_ref() {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    other => Value::from(other),
                }
            } else {
                Value::from(value.as_ref())
            };
            if object.insert(key.to_string(), typed).is_some() {
                repeated.push(format!("{key}: given more than once"));
            }
        }
        if repeated.is_empty() { Ok(Value::Object(object)) } else { Err(repeated) }
    }
}

/// A value too long to repeat whole in a message, as its start and its length: an error must
/// not echo 60 KB back, nor make a log line of it.
fn shortened(instance: &Value) -> Option<String> {
    const SHOWN: usize = 32;
    let text = instance.to_string();
    let length = match instance {
        Value::String(string) => string.chars().count(),
        _ => text.chars().count(),
    };
    (text.len() > 2 * SHOWN).then(|| format!("{}… ({length} characters)", text.chars().take(SHOWN).collect::<String>()))
}

/// What a pattern means, from the `description` beside it: a client learns more from "must be
/// one line of text, not blank" than from the regular expression that says so.
fn described_pattern<'a>(schema: &'a Value, error: &jsonschema::ValidationError<'_>) -> Option<&'a str> {
    if !matches!(error.kind(), jsonschema::error::ValidationErrorKind::Pattern { .. }) {
        return None;
    }
    let keyword = error.schema_path().to_string();
    let property = keyword.strip_suffix("/pattern")?;
    schema.pointer(property)?.get("description")?.as_str()
}

fn write_only_properties(schema: &Value) -> Vec<String> {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else { return Vec::new() };
    properties
        .iter()
        .filter(|(_, property)| property.get("writeOnly") == Some(&Value::Bool(true)))
        .map(|(name, _)| name.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_schema_compiles() {
        assert!(Schemas::load().is_ok());
    }

    #[test]
    fn every_violation_is_listed_with_where_it_is() {
        let schemas = Schemas::load().unwrap();
        let body = json!({ "username": "a b", "password": "short", "isAdmin": true });

        let violations = schemas.validate("register-request", &body).unwrap_err();

        let locations: Vec<&str> = violations.iter().map(|v| v.split(':').next().unwrap()).collect();
        assert!(locations.contains(&"username"), "{violations:#?}");
        assert!(locations.contains(&"password"), "{violations:#?}");
        assert!(violations.iter().any(|v| v.starts_with("body:") && v.contains("isAdmin")), "{violations:#?}");
        assert!(violations.iter().any(|v| v.contains("firstName")), "missing fields are named: {violations:#?}");
    }

    #[test]
    fn query_values_take_the_type_the_schema_declares() {
        let schemas = Schemas::load().unwrap();

        let query = schemas.query_as_json("job-search", "title=dev%25&minSalary=100&hasEquity=true").unwrap();
        let bad = schemas.query_as_json("job-search", "minSalary=lots&hasEquity=yes").unwrap();

        assert_eq!(query, json!({ "title": "dev%", "minSalary": 100, "hasEquity": true }));
        assert_eq!(bad, json!({ "minSalary": "lots", "hasEquity": "yes" }));
        assert_eq!(schemas.validate("job-search", &bad).unwrap_err().len(), 2);
    }

    #[test]
    fn a_value_is_typed_when_the_schema_allows_several_types() {
        let schemas = Schemas::load().unwrap();

        let form = schemas.query_as_json("company-new", "handle=acme&numEmployees=12").unwrap();

        assert_eq!(form["numEmployees"], json!(12));
    }

    #[test]
    fn a_password_is_never_repeated_in_a_message() {
        let schemas = Schemas::load().unwrap();
        for (schema, body) in [
            (
                "register-request",
                json!({ "username": "ada", "password": "tiny-pw", "firstName": "A", "lastName": "L", "email": "a@example.com" }),
            ),
            ("user-update", json!({ "password": "tiny-pw" })),
            (
                "user-new",
                json!({ "username": "ada", "password": "tiny-pw", "firstName": "A", "lastName": "L", "email": "a@example.com" }),
            ),
        ] {
            let messages = schemas.validate(schema, &body).unwrap_err();

            assert_eq!(messages, ["password: value is shorter than 8 characters"], "{schema}");
        }
    }

    /// Inputs schemathesis generated from the schemas that the domain then refused: a schema
    /// that accepts what the server refuses is a contract the server breaks.
    #[test]
    fn the_schemas_refuse_what_the_domain_refuses() {
        let schemas = Schemas::load().unwrap();
        let account = |first_name: &str, email: &str| json!({ "username": "ada", "password": "long-enough", "firstName": first_name, "lastName": "L", "email": email });
        for (schema, input) in [
            ("job-search", json!({ "title": "yK\u{e}å" })),
            ("company-new", json!({ "handle": "acme", "name": "Acme\u{7f}", "description": "" })),
            ("company-update", json!({ "description": "a bell\u{7}" })),
            ("register-request", account("A\u{85}da", "ada@example.com")),
            ("user-new", account("Ada", "ada@exa\u{1f}mple.com")),
            ("user-update", json!({ "email": "ada@example.com\u{2028}" })),
            ("company-update", json!({ "logoUrl": "http://:/\u{1e}logo.png" })),
        ] {
            assert!(schemas.validate(schema, &input).is_err(), "{schema} accepts {input}");
        }
    }

    #[test]
    fn line_breaks_and_tabs_are_fine_in_a_description_only() {
        let schemas = Schemas::load().unwrap();
        let company =
            |name: &str, description: &str| json!({ "handle": "acme", "name": name, "description": description });

        assert!(schemas.validate("company-new", &company("Acme", "line one\r\n\tline two")).is_ok());
        assert!(schemas.validate("company-new", &company("Acme\tInc", "")).is_err());
        assert!(schemas.validate("company-new", &company(" \u{a0} ", "")).is_err(), "a blank name");
    }

    #[test]
    fn a_pattern_is_explained_by_its_description_not_shown() {
        let schemas = Schemas::load().unwrap();

        let messages = schemas.validate("job-search", &json!({ "title": "   " })).unwrap_err();

        assert_eq!(messages, ["title: must be one line of text, not blank, without control characters"]);
    }

    #[test]
    fn a_repeated_query_parameter_is_an_error() {
        let schemas = Schemas::load().unwrap();
        assert_eq!(
            schemas.query_as_json("job-search", "title=a&title=b").unwrap_err(),
            ["title: given more than once"]
        );
    }
}
