//! Every route that reads a body or a query string, fed generated input shaped by its schema:
//! the right field names with values of every kind, missing fields, unknown ones. Whatever a
//! client sends, the answer is never a 5xx.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Map, Value, json};
use testkit::client::Request;
use testkit::world::world;
use web::api::routes;
use web::schemas::Schemas;

/// Any JSON value a client could put in a field: what the schema wants and what it does not.
fn a_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (0..2_147_483_648_i64).prop_map(Value::from),
        (-1e20..1e20_f64).prop_map(|float| json!(float)),
        (0..10_000_i64).prop_map(|whole| json!(whole as f64)),
        "\\PC{0,40}".prop_map(Value::from),
        "[a-z0-9-]{1,30}".prop_map(Value::from),
        "\\PC{90,2100}".prop_map(Value::from),
        Just(json!("0.05")),
        Just(json!("https://example.com/logo.png")),
        Just(json!("ada@example.com")),
    ];
    leaf.prop_recursive(2, 8, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            proptest::collection::btree_map("[a-z]{1,8}", inner, 0..4)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// A value for the property `schema` describes: mostly one of its type and within its limits
/// (so that bodies get past validation to the types behind it, where a mismatch would be a
/// 500), sometimes anything at all.
fn a_value_for(schema: &Value) -> BoxedStrategy<Value> {
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(single)) => vec![single.as_str()],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let bound = |name: &str, default: i64| schema.get(name).and_then(Value::as_i64).unwrap_or(default);
    let (minimum, maximum) = (bound("minimum", 0), bound("maximum", i64::from(i32::MAX)));
    let longest = bound("maxLength", 30).clamp(1, 25);
    let mut typed: Vec<BoxedStrategy<Value>> = Vec::new();
    for kind in types {
        match kind {
            "integer" => {
                typed.push((minimum..=maximum).prop_map(Value::from).boxed());
                typed.push((minimum..=maximum.min(1_000_000)).prop_map(|whole| json!(whole as f64)).boxed());
            }
            "boolean" => typed.push(any::<bool>().prop_map(Value::from).boxed()),
            "null" => typed.push(Just(Value::Null).boxed()),
            "string" => typed.push(match (schema.get("format").and_then(Value::as_str), schema.get("pattern")) {
                (Some("email"), _) => Just(json!("ada@example.com")).boxed(),
                (Some("uri"), _) => Just(json!("https://example.com/logo.png")).boxed(),
                (_, Some(pattern)) if pattern.as_str().is_some_and(|p| p.contains("\\.")) => {
                    prop_oneof![Just(json!("0.05")), Just(json!("1")), Just(json!("0"))].boxed()
                }
                _ => proptest::string::string_regex(&format!("[a-z0-9]{{1,{longest}}}"))
                    .unwrap()
                    .prop_map(Value::from)
                    .boxed(),
            }),
            _ => {}
        }
    }
    if typed.is_empty() {
        return a_value().boxed();
    }
    prop_oneof![3 => proptest::strategy::Union::new(typed), 1 => a_value()].boxed()
}

/// An object with most of the schema's fields (each as [`a_value_for`] makes it), and
/// sometimes a field no schema has.
fn an_object(schema: &Value) -> impl Strategy<Value = Value> + use<> {
    let properties: Vec<(String, Value)> = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|properties| properties.iter().map(|(name, property)| (name.clone(), property.clone())).collect())
        .unwrap_or_default();
    let fields: Vec<String> = properties.iter().map(|(name, _)| name.clone()).collect();
    let values: Vec<_> =
        properties.iter().map(|(_, property)| proptest::option::weighted(0.85, a_value_for(property))).collect();
    (values, proptest::option::weighted(0.1, a_value())).prop_map(move |(values, extra)| {
        let mut object: Map<String, Value> =
            fields.iter().zip(values).filter_map(|(field, value)| Some((field.clone(), value?))).collect();
        if let Some(extra) = extra {
            object.insert("unexpected".into(), extra);
        }
        Value::Object(object)
    })
}

/// A query string from an object: each value written as a client would, strings bare.
fn query_from(object: &Value) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in object.as_object().into_iter().flatten() {
        let text = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
        query.append_pair(key, &text);
    }
    query.finish()
}

#[test]
fn no_body_or_query_a_client_can_send_is_answered_with_a_5xx() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let world = runtime.block_on(world());
    let schemas = Schemas::load().unwrap();
    let mut checked = 0;
    for route in routes() {
        let path = route
            .path
            .replace("{username}", &world.user.username)
            .replace("{handle}", &world.company)
            .replace("{id}", &world.job.to_string());
        for (schema, is_query) in [(route.body, false), (route.query, true)] {
            let Some(schema) = schema else { continue };
            let mut runner = TestRunner::new(Config { cases: 200, failure_persistence: None, ..Config::default() });
            let schema = schemas.schema(schema).cloned().unwrap_or_default();
            let outcome = runner.run(&an_object(&schema), |input| {
                let request = if is_query {
                    Request::new(route.method.clone(), &format!("{path}?{}", query_from(&input)))
                } else {
                    Request::new(route.method.clone(), &path).json(&input)
                };
                let answer = runtime.block_on(world.app.send(request.bearer(&world.admin.token)));
                prop_assert!(answer.status.as_u16() < 500, "{} {path} with {input}: {}", route.method, answer.body);
                Ok(())
            });
            if let Err(failure) = outcome {
                panic!("{failure}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 10, "every schema was exercised: {checked}");
}
