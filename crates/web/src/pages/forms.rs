//! Forms as the API sees them. A form's fields carry the API's names; its body is typed by the
//! API's schema, validated by it, and deserialised into the API's request type, so a form post
//! and its JSON twin get the same answers, in the same words. What is wrong is kept field by
//! field, with what was typed, to show the form again.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::api::extract::HasSchema;
use crate::error::{ApiError, Message};
use crate::schemas::Schemas;

/// A urlencoded form (or query string) as the API's request type `T`; `Err` holds every
/// violation, `field: message` each.
pub fn parse<T: HasSchema + DeserializeOwned>(schemas: &Schemas, form: &str) -> Result<T, Vec<String>> {
    let mut value = schemas.query_as_json(T::SCHEMA, form)?;
    let required: Vec<String> = schemas
        .schema(T::SCHEMA)
        .and_then(|schema| schema.get("required"))
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default();
    // A field left empty is a field not given, unless the form needs it: then the rules say why.
    if let Value::Object(fields) = &mut value {
        fields.retain(|name, value| required.contains(name) || value.as_str() != Some(""));
    }
    schemas.validate(T::SCHEMA, &value)?;
    serde_json::from_value(value).map_err(|error| vec![format!("body: {error}")])
}

/// A form as it was submitted and what is wrong with it.
#[derive(Debug, Default)]
pub struct FormState {
    values: BTreeMap<String, String>,
    errors: BTreeMap<String, Vec<String>>,
    /// What is wrong with the form as a whole.
    general: Vec<String>,
}

impl FormState {
    /// The values of a urlencoded body or query string.
    pub fn submitted(form: &str) -> Self {
        let values =
            url::form_urlencoded::parse(form.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        Self { values, ..Self::default() }
    }

    /// `messages` (`field: message`, or `body: "field" is a required property`), each put
    /// next to its field.
    pub fn with_errors(mut self, messages: &[String]) -> Self {
        for message in messages {
            let (location, text) = message.split_once(": ").unwrap_or(("body", message));
            let required = text.strip_suffix(" is a required property").map(|name| name.trim_matches('"'));
            match (location, required) {
                ("body", Some(field)) => self.errors.entry(field.to_owned()).or_default().push("is required".into()),
                ("body", None) => self.general.push(text.to_owned()),
                (field, _) => self.errors.entry(field.to_owned()).or_default().push(text.to_owned()),
            }
        }
        self
    }

    /// What a use case refused, as messages next to their fields when they are about fields.
    pub fn with_error(self, error: ApiError) -> Self {
        match error.message {
            Message::Many(messages) => self.with_errors(&messages),
            Message::One(message) => Self { general: vec![message], ..self },
        }
    }

    pub fn value(&self, field: &str) -> &str {
        self.values.get(field).map_or("", String::as_str)
    }

    pub fn checked(&self, field: &str) -> bool {
        self.value(field) == "true"
    }

    pub fn errors(&self, field: &str) -> &[String] {
        self.errors.get(field).map_or(&[], Vec::as_slice)
    }

    pub fn general(&self) -> &[String] {
        &self.general
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::auth::RegisterRequest;
    use crate::api::jobs::JobNew;

    #[test]
    fn a_form_goes_through_the_apis_schema_with_the_apis_messages() {
        let schemas = Schemas::load().unwrap();

        let violations = parse::<RegisterRequest>(&schemas, "username=a+b&password=x&email=nope").unwrap_err();
        let form = FormState::submitted("username=a+b").with_errors(&violations);

        assert!(!form.errors("username").is_empty(), "{violations:?}");
        assert_eq!(form.errors("firstName"), ["is required"]);
        assert_eq!(form.value("username"), "a b");
    }

    #[test]
    fn an_empty_optional_field_is_not_given_and_numbers_are_typed() {
        let schemas = Schemas::load().unwrap();

        let job = parse::<JobNew>(&schemas, "title=Welder&salary=&equity=&companyHandle=acme");
        let typed = parse::<JobNew>(&schemas, "title=Welder&salary=1200&companyHandle=acme");

        assert!(job.is_ok(), "{job:?}");
        assert!(typed.is_ok(), "{typed:?}");
    }
}
