//! What the handlers' annotations cannot say precisely, patched into the document: fixed
//! value sets of fields that are strings in Rust (problem and field codes, job kinds, audit
//! actions), and the event types a subscription may ask for.
//!
//! The patches work on the JSON form of the document (utoipa's types are awkward to walk) and
//! name what they patch: a patch whose target is missing panics, so a renamed schema or field
//! fails the OpenAPI tests instead of silently leaving the document loose.

use serde_json::{json, Value};
use utoipa::openapi::RefOr;

use super::codes::{FIELD_ERROR_CODES, PROBLEM_CODES, WARNING_CODES};
use cchc_app::jobs::JOB_KINDS;
use cchc_app::repo::audit::AUDIT_ACTIONS;
use cchc_app::repo::consolidation_report::signer_title_pattern;
use cchc_domain::model::webhook::EventType;
use cchc_domain::rules::{document_number, par_index, webhooks};

/// Applies every patch.
pub fn apply(mut api: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    patch(&mut Doc(&mut api));
    api
}

/// The document being patched. Each patch goes through JSON for the one schema or parameter
/// it changes: utoipa's types are awkward to build by hand, and not everything utoipa writes
/// reads back (the `{}` of an arbitrary JSON value), so the rest is never round-tripped.
struct Doc<'a>(&'a mut utoipa::openapi::OpenApi);

fn from_json<T: serde::de::DeserializeOwned>(value: Value, what: &str) -> T {
    serde_json::from_value(value).unwrap_or_else(|e| panic!("patched {what}: {e}"))
}

impl Doc<'_> {
    fn add_schema(&mut self, name: &str, schema: Value) {
        let schema = from_json(schema, name);
        self.0
            .components
            .get_or_insert_with(Default::default)
            .schemas
            .insert(name.to_owned(), schema);
    }

    /// A component schema, as JSON.
    fn schema_json(&self, name: &str) -> Value {
        let schema = self
            .0
            .components
            .as_ref()
            .and_then(|c| c.schemas.get(name))
            .unwrap_or_else(|| panic!("no schema {name}"));
        serde_json::to_value(schema).expect("a schema is JSON")
    }

    /// Rewrites a property of a component schema, in place (its position is kept).
    fn property(&mut self, name: &str, field: &str, edit: impl FnOnce(&mut Value)) {
        use utoipa::openapi::schema::Schema;
        let schema = self
            .0
            .components
            .as_mut()
            .and_then(|c| c.schemas.get_mut(name))
            .unwrap_or_else(|| panic!("no schema {name}"));
        let RefOr::T(Schema::Object(object)) = schema else {
            panic!("{name} is not an object schema");
        };
        let property = object
            .properties
            .get_mut(field)
            .unwrap_or_else(|| panic!("no property {name}.{field}"));
        let mut value = serde_json::to_value(&*property).expect("a schema is JSON");
        edit(&mut value);
        *property = from_json(value, &format!("{name}.{field}"));
    }

    /// Rewrites a parameter of an operation, in place.
    fn parameter(&mut self, path: &str, name: &str, edit: impl FnOnce(&mut Value)) {
        let item = self
            .0
            .paths
            .paths
            .get_mut(path)
            .unwrap_or_else(|| panic!("no path {path}"));
        let operations = super::operations_mut(item);
        let parameter = operations
            .filter_map(|operation| operation.parameters.as_mut())
            .flatten()
            .find(|parameter| parameter.name == name)
            .unwrap_or_else(|| panic!("no parameter {name} of {path}"));
        let mut value = serde_json::to_value(&*parameter).expect("a parameter is JSON");
        edit(&mut value);
        *parameter = from_json(value, &format!("parameter {name} of {path}"));
    }

    /// Rewrites every query parameter of every operation.
    fn query_parameters(&mut self, mut edit: impl FnMut(&str, &mut Value)) {
        use utoipa::openapi::path::ParameterIn;
        for (path, item) in self.0.paths.paths.iter_mut() {
            let operations = super::operations_mut(item);
            let parameters = operations
                .filter_map(|operation| operation.parameters.as_mut())
                .flatten()
                .filter(|parameter| parameter.parameter_in == ParameterIn::Query);
            for parameter in parameters {
                let mut value = serde_json::to_value(&*parameter).expect("a parameter is JSON");
                edit(path, &mut value);
                *parameter = from_json(value, &format!("parameter of {path}"));
            }
        }
    }

    /// Makes a property a reference to `target`, keeping its description; a nullable
    /// property stays nullable.
    fn set_ref(&mut self, name: &str, field: &str, target: &str) {
        self.property(name, field, |property| {
            let nullable = match &property["type"] {
                Value::Array(types) => types.iter().any(|t| t == "null"),
                _ => false,
            };
            let description = property.get("description").cloned();
            let mut new = if nullable {
                json!({ "oneOf": [reference(target), { "type": "null" }] })
            } else {
                reference(target)
            };
            if let Some(description) = description {
                new["description"] = description;
            }
            *property = new;
        });
    }
}

fn patch(doc: &mut Doc) {
    let subscribable: Vec<&str> = EventType::SUBSCRIBABLE.iter().map(|t| t.as_str()).collect();
    let enums: [(&str, &str, &[&str]); 6] = [
        (
            "ProblemCode",
            "The stable code of a problem; clients branch on it.",
            PROBLEM_CODES,
        ),
        (
            "FieldErrorCode",
            "The stable code of a problem with one field.",
            FIELD_ERROR_CODES,
        ),
        (
            "WarningCode",
            "The code of a non-blocking remark.",
            WARNING_CODES,
        ),
        ("JobKind", "A kind of background job.", JOB_KINDS),
        ("AuditAction", "What an audit event records.", AUDIT_ACTIONS),
        (
            "SubscribableEventType",
            "An event type a subscription can ask for (every type but `ping`).",
            &subscribable,
        ),
    ];
    for (name, description, values) in enums {
        doc.add_schema(name, string_enum(description, values));
    }
    doc.set_ref("Problem", "code", "ProblemCode");
    doc.set_ref("FieldError", "code", "FieldErrorCode");
    doc.set_ref("Warning", "code", "WarningCode");
    doc.set_ref("Job", "kind", "JobKind");
    doc.set_ref("AuditEvent", "action", "AuditAction");
    for schema in ["CreateWebhook", "UpdateWebhook"] {
        doc.property(schema, "event_types", |property| {
            property["items"] = reference("SubscribableEventType");
        });
    }
    doc.parameter("/api/v1/audit", "action", |parameter| {
        parameter["schema"] = reference("AuditAction");
    });
    shapes(doc);
    constraints(doc);
}

/// A string schema taking only `values`.
fn string_enum(description: &str, values: &[&str]) -> Value {
    json!({ "type": "string", "description": description, "enum": values })
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// Known shapes instead of `unknown`: the event envelope discriminated by `type`, and the
/// JSON snapshots (job payloads, submitted content, audit and change values) as objects with
/// what they hold.
fn shapes(doc: &mut Doc) {
    let mut mapping = serde_json::Map::new();
    let mut variants = Vec::new();
    for (event_type, schema, _, _) in super::webhooks::EVENTS {
        mapping.insert(
            event_type.as_str().to_owned(),
            json!(format!("#/components/schemas/{schema}")),
        );
        variants.push(reference(schema));
    }
    doc.add_schema(
        "EventEnvelope",
        json!({
            "description": "The envelope of every outbound event: `data` depends on `type` (one schema per type).",
            "oneOf": variants,
            "discriminator": { "propertyName": "type", "mapping": mapping },
        }),
    );
    doc.property("Job", "payload", |p| *p = json!({
        "type": "object",
        "additionalProperties": true,
        "description": "What the job works on; its fields depend on `kind`: ids of the period, \
unit, task, assessment, campaign round or subscription concerned, the step or level, the deadline \
it was planned for, and the recipient of a mail (stored data, kept as it was enqueued).",
    }));
    doc.property("SubmissionVersion", "content", |p| *p = json!({
        "type": "object",
        "additionalProperties": true,
        "description": "The submitted content: `narrative` (string or null), `values` (by indicator \
code: `numerator`, `denominator`, `number`, `flag`, `text`, `not_applicable`, `system_value`, \
`explanation`, `note`, each only when set), `evidence` (by indicator) and `attachments` (`id`, \
`purpose`, `filename`, `sha256`, `size_bytes` of each file that was part of the report; absent in \
versions submitted before files were recorded).",
        "properties": {
            "narrative": { "type": ["string", "null"] },
            "values": {
                "type": "object",
                "additionalProperties": { "type": "object", "additionalProperties": true },
            },
            "evidence": { "type": "array", "items": {} },
            "attachments": {
                "type": "array",
                "items": { "type": "object", "additionalProperties": true },
            },
        },
    }));
    for (field, description) in [
        (
            "before",
            "The fields that changed, as they were (null for a creation): usually an object with \
the entity's fields as the entity's own schema shows them, only those that changed (submission \
values keyed by indicator code); a single value (e.g. a status) when only that was recorded.",
        ),
        ("after", "The same fields afterwards (null for a deletion)."),
    ] {
        doc.property("AuditEvent", field, |p| {
            *p = json!({
                "type": ["object", "string", "number", "boolean", "array", "null"],
                "items": {},
                "additionalProperties": true,
                "description": description,
            })
        });
    }
    for field in ["before", "after"] {
        doc.property("Change", field, |p| *p = json!({
            "type": ["string", "number", "boolean", "array", "null"],
            "items": {},
            "description": format!("The field's value {}: a single value (an object is \
broken down into one change per field), null when absent.", if field == "before" { "before" } else { "after" }),
        }));
    }
}

/// Single-field rules the server enforces on query parameters (`crate::extract` refuses a NUL
/// in any of them; the rest are the use cases' checks), and the rules across fields in words.
fn constraints(doc: &mut Doc) {
    doc.query_parameters(|_, parameter| {
        let schema = &mut parameter["schema"];
        let is_text = schema["type"] == "string"
            || schema["type"]
                .as_array()
                .is_some_and(|types| types.iter().any(|t| t == "string"));
        if is_text && schema.get("enum").is_none() {
            match schema.get("format").and_then(Value::as_str) {
                None => schema["pattern"] = json!(NO_NUL),
                Some("date") => schema["pattern"] = json!(super::text::DATE),
                Some("date-time") => schema["pattern"] = json!(super::text::DATE_TIME),
                Some(_) => {}
            }
        }
        if parameter["name"] == "under" {
            parameter["schema"]["minLength"] = json!(1);
        }
    });
    // Lists whose items must not repeat (422 `duplicate`), and the days of a reminder policy.
    for schema in ["CreateWebhook", "UpdateWebhook"] {
        doc.property(schema, "event_types", |property| {
            property["uniqueItems"] = json!(true);
        });
    }
    doc.property(
        "ReminderPolicyInput",
        "reminder_working_days_before",
        |property| {
            property["uniqueItems"] = json!(true);
            property["items"]["maximum"] = json!(30);
        },
    );
    // What the consolidated report prints on one line each (`ReportOptions::from_query`).
    for path in [
        "/api/v1/periods/{id}/filing.zip",
        "/api/v1/periods/{id}/consolidation.docx",
    ] {
        for (name, max) in [
            ("recipient", 200),
            ("signer_title", 100),
            ("signer_name", 100),
        ] {
            let pattern = if name == "signer_title" {
                signer_title_pattern()
            } else {
                super::text::line_pattern()
            };
            doc.parameter(path, name, |parameter| {
                parameter["schema"]["minLength"] = json!(1);
                parameter["schema"]["maxLength"] = json!(max);
                parameter["schema"]["pattern"] = json!(pattern);
            });
        }
    }
    // Grammars the service checks with the same expression (`document_number::check`,
    // `webhooks::url_problem`).
    for schema in ["CreateDocument", "LegalDocument", "QlvbDocument"] {
        doc.property(schema, "number", |property| {
            property["pattern"] = json!(document_number::pattern());
            property["maxLength"] = json!(document_number::MAX_CHARS);
        });
    }
    for schema in ["CreateWebhook", "UpdateWebhook"] {
        doc.property(schema, "url", |property| {
            property["pattern"] = json!(webhooks::url_pattern());
        });
    }
    // An extension gives a new deadline: any form of due but `recurring` (422
    // `not_a_deadline` otherwise).
    let mut deadline = doc.schema_json("TaskDue");
    let variants = deadline["oneOf"]
        .as_array_mut()
        .expect("TaskDue is one of its forms");
    variants.retain(|variant| variant["properties"]["kind"]["enum"] != json!(["recurring"]));
    deadline["description"] =
        json!("A due that is a deadline: any form of `TaskDue` but `recurring`.");
    doc.add_schema("TaskDeadline", deadline);
    doc.set_ref("GrantTaskExtension", "due", "TaskDeadline");
    // A share in percent with two decimals, the code and title as in `CreateCriteriaSet`, and
    // the classes' one-line grammar (`par_index::parse_classes`).
    let import = "/api/v1/criteria-sets/import.xlsx";
    doc.parameter(import, "restored_share_percent", |parameter| {
        parameter["schema"]["multipleOf"] = json!(0.01)
    });
    let set = doc.schema_json("CreateCriteriaSet");
    for name in ["code", "title"] {
        doc.parameter(import, name, |parameter| {
            for constraint in ["pattern", "minLength", "maxLength"] {
                if let Some(value) = set["properties"][name].get(constraint) {
                    parameter["schema"][constraint] = value.clone();
                }
            }
            // The text rule reaches component schemas only (`super::text`).
            if name == "title" {
                parameter["schema"]["pattern"] = json!(super::text::pattern());
            }
        });
    }
    doc.parameter(import, "ranking_classes", |parameter| {
        parameter["schema"]["pattern"] = json!(par_index::classes_pattern());
        parameter["schema"]["maxLength"] = json!(par_index::MAX_CLASSES_CHARS);
    });
    doc.parameter("/api/v1/holidays", "year", |parameter| {
        parameter["schema"]["minimum"] = json!(1900);
        parameter["schema"]["maximum"] = json!(2200);
    });
    doc.parameter("/api/v1/audit", "entity_id", |parameter| {
        parameter["description"] = json!(
            "Only events about this entity. Needs `entity_type`: without it 422 `needs_entity_type`."
        );
    });
}

use super::text::NO_NUL;
