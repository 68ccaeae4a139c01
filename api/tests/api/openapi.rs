//! The committed OpenAPI document is what the code generates, and it is a sound OpenAPI 3.1
//! document. CI also runs openapi-spec-validator on it.

use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;

use serde_json::Value;

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../openapi/openapi.json")
}

#[test]
fn committed_document_matches_the_code() {
    let generated = cchc_api::app::openapi_json();
    let path = committed_path();
    if std::env::var("CCHC_UPDATE_OPENAPI").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &generated).expect("write openapi/openapi.json");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json differs from what the code generates.\n\
         Regenerate it with: cargo run -q -p cchc-api -- openapi > openapi/openapi.json\n\
         (or CCHC_UPDATE_OPENAPI=1 cargo test -p cchc-api --test api openapi)"
    );
}

#[test]
fn the_cli_prints_the_same_document() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_cchc-api"))
        .arg("openapi")
        .output()
        .expect("run cchc-api openapi");
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        cchc_api::app::openapi_json()
    );
}

fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    doc.pointer(pointer)
}

fn collect_refs(value: &Value, refs: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                refs.insert(reference.clone());
            }
            map.values().for_each(|v| collect_refs(v, refs));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, refs)),
        _ => {}
    }
}

#[test]
fn document_is_sound_openapi_3_1() {
    let doc: Value = serde_json::from_str(&cchc_api::app::openapi_json()).unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1."),
        "OpenAPI 3.1"
    );
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());

    let mut refs = BTreeSet::new();
    collect_refs(&doc, &mut refs);
    for reference in &refs {
        assert!(
            resolve(&doc, reference).is_some(),
            "unresolved $ref {reference}"
        );
    }

    let declared_tags: HashSet<&str> = doc["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    let schemes = doc["components"]["securitySchemes"].as_object().unwrap();
    assert_eq!(schemes["bearer"]["scheme"], "bearer");

    let mut operation_ids = HashSet::new();
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let template_params: BTreeSet<String> = path
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split('}').next())
            .map(str::to_owned)
            .collect();
        for (method, operation) in item.as_object().unwrap() {
            operations += 1;
            let id = operation["operationId"].as_str().expect("operationId");
            assert!(
                operation_ids.insert(id.to_owned()),
                "duplicate operationId {id}"
            );
            for tag in operation["tags"].as_array().unwrap() {
                assert!(
                    declared_tags.contains(tag.as_str().unwrap()),
                    "undeclared tag {tag}"
                );
            }
            let path_params: BTreeSet<String> = operation["parameters"]
                .as_array()
                .map(|params| {
                    params
                        .iter()
                        .filter(|p| p["in"] == "path")
                        .inspect(|p| {
                            assert_eq!(
                                p["required"], true,
                                "{method} {path}: path parameters are required"
                            )
                        })
                        .map(|p| p["name"].as_str().unwrap().to_owned())
                        .collect()
                })
                .unwrap_or_default();
            assert_eq!(
                path_params, template_params,
                "{method} {path}: path parameters"
            );
            let responses = operation["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|s| s.starts_with('2')),
                "{method} {path}: a success response"
            );
            if path.starts_with("/api/v1/") {
                assert_eq!(
                    operation["security"][0]["bearer"],
                    Value::Array(vec![]),
                    "{method} {path}: bearer"
                );
                assert!(
                    responses.contains_key("401"),
                    "{method} {path}: documents 401"
                );
            }
            if operation.get("requestBody").is_some() {
                for status in ["400", "413", "415", "422"] {
                    assert!(
                        responses.contains_key(status),
                        "{method} {path}: documents {status}"
                    );
                }
            }
        }
    }
    assert!(
        operations >= 28,
        "every endpoint is documented, found {operations}"
    );
    let problem = &doc["components"]["schemas"]["Problem"]["properties"];
    for field in ["type", "title", "status", "detail", "code", "errors"] {
        assert!(problem.get(field).is_some(), "Problem.{field}");
    }
}

/// Every `enum` in the document with where it is.
fn enums<'a>(value: &'a Value, path: String, found: &mut Vec<(String, &'a Vec<Value>)>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(values)) = map.get("enum") {
                found.push((path.clone(), values));
            }
            for (key, child) in map {
                enums(child, format!("{path}/{key}"), found);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                enums(child, format!("{path}/{i}"), found);
            }
        }
        _ => {}
    }
}

/// Enumerations document the values on the wire (`reporter`, `on_time`, and event types such as
/// `period.opened`), which are snake_case with dots, never the Rust variant names (`Reporter`,
/// `OnTime`, `PeriodOpened`) that clients would send in vain.
#[test]
fn enumerations_list_the_wire_values() {
    let document: Value = serde_json::from_str(&cchc_api::app::openapi_json()).unwrap();
    let mut found = Vec::new();
    enums(&document, String::new(), &mut found);
    assert!(found.len() > 10, "expected the document's enumerations");
    for (path, values) in &found {
        for value in *values {
            let text = value.as_str().unwrap_or_default();
            assert!(
                !text.is_empty()
                    && text.chars().all(|c| c.is_ascii_lowercase()
                        || c.is_ascii_digit()
                        || c == '_'
                        || c == '.'),
                "{path}: {value} is not a wire value"
            );
        }
    }
    let roles = &document["components"]["schemas"]["Role"]["enum"];
    assert_eq!(
        roles,
        &serde_json::json!(["admin", "reporter", "viewer", "integration"])
    );
}
