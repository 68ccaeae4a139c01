//! The characters rule of free texts, in the document: what
//! `cchc_domain::validation::Checker::text` refuses (blank, control characters other than tab
//! and line breaks, zero-width and text-direction characters) as a `pattern`.
//!
//! A DTO declares a free-text field with `#[schema(min_length = 1, max_length = N)]` (N the
//! limit its use case checks); this pass gives every such string without a pattern, format or
//! enum of its own the rule below, so that a client can check a text before sending it and a
//! fuzzer generates only texts the service takes. A code, a number or an e-mail address has its
//! own `pattern` or `format` instead.

use utoipa::openapi::schema::{
    AdditionalProperties, ArrayItems, KnownFormat, Object, Schema, SchemaFormat, SchemaType, Type,
};
use utoipa::openapi::{OpenApi, RefOr};

/// Dates and instants sent: years 1900–9999, no leap second (`model::time_input`).
pub const DATE: &str = "^(19[0-9]{2}|[2-9][0-9]{3})-[0-9]{2}-[0-9]{2}$";
pub const DATE_TIME: &str =
    "^(19[0-9]{2}|[2-9][0-9]{3})-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-5][0-9]";

/// Any other text: no NUL (PostgreSQL text cannot hold it; `crate::extract` refuses it).
pub const NO_NUL: &str = "^[^\\x00]*$";

/// The rule: allowed characters with at least one that is not white space.
pub use cchc_domain::validation::{line_pattern, text_pattern as pattern};

fn is_marked_text(object: &Object) -> bool {
    let is_string = match &object.schema_type {
        SchemaType::Type(t) => *t == Type::String,
        SchemaType::Array(types) => types.contains(&Type::String),
        SchemaType::AnyValue => false,
    };
    is_string
        && object.min_length == Some(1)
        && object.max_length.is_some()
        && object.pattern.is_none()
        && object.format.is_none()
        && object.enum_values.is_none()
}

fn is_string(object: &Object) -> bool {
    match &object.schema_type {
        SchemaType::Type(t) => *t == Type::String,
        SchemaType::Array(types) => types.contains(&Type::String),
        SchemaType::AnyValue => false,
    }
}

/// The pattern of a string of this format, if it has one.
pub fn format_pattern(format: Option<&SchemaFormat>) -> Option<&'static str> {
    match format {
        Some(SchemaFormat::KnownFormat(KnownFormat::Date)) => Some(DATE),
        Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)) => Some(DATE_TIME),
        Some(_) => None,
        None => Some(NO_NUL),
    }
}

/// Adds the rules to every string in `schema`, however deep: the text rule to marked texts,
/// the years to dates and instants, no NUL to the rest. The variants of a tagged enum and
/// the parts of a multipart form take no other properties (serde's `deny_unknown_fields`;
/// the upload forms refuse unknown parts), and an uploaded file is not empty.
fn mark(schema: &mut RefOr<Schema>, pattern: &str) {
    let RefOr::T(schema) = schema else {
        return;
    };
    match schema {
        Schema::Object(object) => {
            if is_marked_text(object) {
                object.pattern = Some(pattern.to_owned());
            } else if is_string(object) && object.pattern.is_none() && object.enum_values.is_none()
            {
                object.pattern = format_pattern(object.format.as_ref()).map(str::to_owned);
            }
            if let Some(RefOr::T(Schema::Object(file))) = object.properties.get_mut("file") {
                if matches!(
                    file.format,
                    Some(SchemaFormat::KnownFormat(KnownFormat::Binary))
                ) {
                    file.min_length = Some(1);
                    object.additional_properties =
                        Some(Box::new(AdditionalProperties::FreeForm(false)));
                }
            }
            for property in object.properties.values_mut() {
                mark(property, pattern);
            }
        }
        Schema::Array(array) => {
            if let ArrayItems::RefOrSchema(items) = &mut array.items {
                mark(items, pattern);
            }
        }
        Schema::OneOf(one_of) => {
            for variant in &mut one_of.items {
                if let RefOr::T(Schema::Object(object)) = variant {
                    if !object.properties.is_empty() && object.additional_properties.is_none() {
                        object.additional_properties =
                            Some(Box::new(AdditionalProperties::FreeForm(false)));
                    }
                }
                mark(variant, pattern);
            }
        }
        Schema::AllOf(all_of) => all_of.items.iter_mut().for_each(|s| mark(s, pattern)),
        Schema::AnyOf(any_of) => any_of.items.iter_mut().for_each(|s| mark(s, pattern)),
        _ => {}
    }
}

/// Applies the rule to the component schemas.
pub fn apply(api: &mut OpenApi) {
    let pattern = pattern();
    if let Some(components) = api.components.as_mut() {
        for schema in components.schemas.values_mut() {
            mark(schema, &pattern);
        }
    }
}
