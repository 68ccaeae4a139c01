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
    // A person's token: OpenID Connect, discovered through the serving API (relative URL).
    assert_eq!(schemes["oidc"]["type"], "openIdConnect");
    assert_eq!(
        schemes["oidc"]["openIdConnectUrl"],
        "/.well-known/openid-configuration"
    );

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
                assert_eq!(
                    operation["security"][1]["oidc"],
                    Value::Array(vec![]),
                    "{method} {path}: or a person's OpenID Connect token"
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

/// Headers whose presence a client acts on; an answer that sends one must be documented to.
pub const CONTRACT_HEADERS: [&str; 5] = [
    "Location",
    "ETag",
    "Content-Disposition",
    "Idempotent-Replayed",
    "Retry-After",
];

/// The response the document gives for `METHOD /path` (a template) and a status, its `$ref`
/// resolved; `None` when the status is not documented.
fn documented_response<'a>(doc: &'a Value, operation: &str, status: u16) -> Option<&'a Value> {
    let (method, path) = operation.split_once(' ')?;
    let response =
        doc["paths"][path][method.to_lowercase()]["responses"].get(status.to_string())?;
    match response["$ref"].as_str() {
        Some(reference) => resolve(doc, reference),
        None => Some(response),
    }
}

/// The contract headers an answer to `METHOD /path` sent that the document does not list for
/// its status, as `METHOD /path STATUS: Header`.
pub fn undocumented_headers(
    doc: &Value,
    operation: &str,
    status: u16,
    headers: &reqwest::header::HeaderMap,
) -> Vec<String> {
    let documented: Vec<String> = documented_response(doc, operation, status)
        .and_then(|response| response["headers"].as_object())
        .map(|headers| headers.keys().map(|k| k.to_ascii_lowercase()).collect())
        .unwrap_or_default();
    CONTRACT_HEADERS
        .iter()
        .filter(|name| headers.contains_key(**name))
        .filter(|name| !documented.contains(&name.to_ascii_lowercase()))
        .map(|name| format!("{operation} {status}: {name}"))
        .collect()
}

/// What every answer of a kind sends is on every response of that kind: `Location` on each 201,
/// `ETag` on each 304, `Idempotent-Replayed` on the successes of each POST (all honour
/// `Idempotency-Key`); and a relative server, so the Swagger UI calls the process serving it.
/// The authorization matrix holds the server to it: every header of those it gets from every
/// operation is documented for that status.
#[test]
fn answers_headers_are_documented_on_every_response_that_sends_them() {
    let doc: Value = serde_json::from_str(&cchc_api::app::openapi_json()).unwrap();
    assert_eq!(doc["servers"][0]["url"], "/");
    let mut missing = Vec::new();
    let mut creates = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let Some(responses) = operation["responses"].as_object() else {
                continue;
            };
            for (status, response) in responses {
                let headers = &response["headers"];
                let mut want = Vec::new();
                if status == "201" {
                    creates += 1;
                    want.push("Location");
                }
                if status == "304" {
                    want.push("ETag");
                }
                if method == "post" && status.starts_with('2') {
                    want.push("Idempotent-Replayed");
                }
                for name in want {
                    if headers.get(name).is_none() {
                        missing.push(format!("{method} {path} {status}: {name}"));
                    }
                }
            }
        }
    }
    assert!(creates >= 20, "creates found: {creates}");
    assert!(
        missing.is_empty(),
        "undocumented headers:\n{}",
        missing.join("\n")
    );
}

/// A replayed create answers with `Location` and `Idempotent-Replayed`, both documented.
#[actix_web::test]
async fn a_replayed_create_sends_only_documented_headers() {
    let app = crate::common::TestApp::spawn().await;
    let doc: Value = serde_json::from_str(&cchc_api::app::openapi_json()).unwrap();
    let body = serde_json::json!({"code": "VP", "name": "Văn phòng Sở", "kind": "office"});
    let mut answers = Vec::new();
    for _ in 0..2 {
        answers.push(
            crate::common::TestApp::send(
                app.client
                    .post(format!("{}/api/v1/units", app.base_url))
                    .bearer_auth(&app.admin)
                    .header("Idempotency-Key", "b1d6c0e2-unit-vp")
                    .json(&body),
            )
            .await,
        );
    }
    let [first, replay] = <[_; 2]>::try_from(answers).unwrap();
    assert!(first.headers.contains_key("location"));
    assert!(!first.headers.contains_key("idempotent-replayed"));
    assert_eq!(replay.headers["idempotent-replayed"], "true");
    assert_eq!(replay.headers["location"], first.headers["location"]);
    for answer in [&first, &replay] {
        assert_eq!(
            undocumented_headers(&doc, "POST /api/v1/units", 201, &answer.headers),
            Vec::<String>::new()
        );
    }
    // The check bites: the same headers are not documented on a list's 200.
    assert_eq!(
        undocumented_headers(&doc, "GET /api/v1/units", 200, &replay.headers),
        [
            "GET /api/v1/units 200: Location",
            "GET /api/v1/units 200: Idempotent-Replayed"
        ]
    );
    assert_eq!(replay.expect(201), first.expect(201));
}
