//! Examples of the problem answers: every documented error status shows its own example, with
//! a `code` the service really answers with (`super::codes`). An operation's own response
//! shows the first problem code its description names (e.g. a 409 "Not a draft
//! (`invalid_transition`)" shows `invalid_transition`); the shared responses show the usual one
//! of their status.

use serde_json::{json, Value};
use utoipa::openapi::{OpenApi, RefOr, Response};

use super::codes::{FIELD_ERROR_CODES, PROBLEM_CODES};
use crate::error::PROBLEM_JSON;

/// The usual problem of a status: code, `detail`, and the field errors it lists.
fn usual(status: u16) -> (&'static str, &'static str, Value) {
    match status {
        400 => (
            "invalid_body",
            "deadline: premature end of input",
            json!([{ "field": "deadline", "code": "invalid_type",
                     "message": "input contains invalid characters" }]),
        ),
        401 => (
            "unauthenticated",
            "the token is unknown, revoked or expired",
            json!([]),
        ),
        403 => (
            "forbidden",
            "a reporter may only see its own unit's reports",
            json!([]),
        ),
        404 => ("not_found", "no such period", json!([])),
        409 => (
            "idempotency_key_in_progress",
            "a request with this Idempotency-Key is still running; try again when it has finished",
            json!([]),
        ),
        412 => (
            "precondition_failed",
            "the report changed since you read it (revision 4, you sent 3); read it again",
            json!([]),
        ),
        413 => (
            "payload_too_large",
            "the request body is larger than 1048576 bytes",
            json!([]),
        ),
        415 => (
            "unsupported_media_type",
            "the request body must be application/json",
            json!([]),
        ),
        422 => (
            "validation_failed",
            "the request has invalid fields",
            json!([{ "field": "name", "code": "too_long",
                     "message": "must be at most 300 characters" }]),
        ),
        428 => (
            "precondition_required",
            "send If-Match with the ETag of the revision you read",
            json!([]),
        ),
        429 => (
            "rate_limited",
            "too many requests from this caller; try again in 17 s",
            json!([]),
        ),
        502 => (
            "file_download_failed",
            "a file of the event could not be downloaded; nothing was recorded",
            json!([{ "field": "data.files[0].url", "code": "download_failed",
                     "message": "the file could not be downloaded" }]),
        ),
        503 => (
            "database_unavailable",
            "the database is unavailable",
            json!([]),
        ),
        _ => (
            "internal_error",
            "an unexpected error occurred; it has been logged",
            json!([]),
        ),
    }
}

/// The words between backticks in a description, in order.
fn quoted(description: &str) -> impl Iterator<Item = &str> {
    description.split('`').skip(1).step_by(2)
}

/// A problem document as the service writes it.
fn problem(status: u16, code: &str, detail: &str, errors: Value) -> Value {
    let title = actix_web::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error");
    let mut problem = json!({
        "type": format!("urn:cchc:problem:{code}"),
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    });
    if errors.as_array().is_some_and(|e| !e.is_empty()) {
        problem["errors"] = errors;
    }
    problem
}

/// The example of a shared error response of `status`: its usual problem.
pub fn shared(status: u16) -> Value {
    let (code, detail, errors) = usual(status);
    problem(status, code, detail, errors)
}

/// `description` up to the first parenthesis, as a `detail`.
fn detail_of(description: &str) -> String {
    let detail = description.split(" (").next().unwrap_or(description);
    let detail = detail
        .split(';')
        .next()
        .unwrap_or(detail)
        .trim_end_matches('.');
    let mut chars = detail.chars();
    match chars.next() {
        Some(first) => first
            .to_lowercase()
            .chain(chars)
            .collect::<String>()
            .replace('`', ""),
        None => String::new(),
    }
}

/// The example of an operation's own error response of `status` described by `description`.
pub fn for_status(status: u16, description: &str) -> Value {
    let mut field = None;
    for word in quoted(description) {
        if status == 422 && FIELD_ERROR_CODES.contains(&word) && !PROBLEM_CODES.contains(&word) {
            let field = field.unwrap_or("name").replace("[i]", "[0]");
            return problem(
                422,
                "validation_failed",
                "the request has invalid fields",
                json!([{ "field": field, "code": word, "message": message(word) }]),
            );
        }
        if PROBLEM_CODES.contains(&word) && word != "validation_failed" {
            return problem(status, word, &detail_of(description), json!([]));
        }
        if !word.contains(' ') && !FIELD_ERROR_CODES.contains(&word) {
            field = Some(word);
        }
    }
    let lower = description.to_lowercase();
    if status == 409 {
        // No code named: a duplicate or a state that does not allow the change.
        let code = if ["exists", "taken", "already"]
            .iter()
            .any(|w| lower.contains(w))
        {
            "duplicate_code"
        } else {
            "invalid_transition"
        };
        return problem(409, code, &detail_of(description), json!([]));
    }
    if status == 403 && !description.is_empty() {
        return problem(403, "forbidden", &detail_of(description), json!([]));
    }
    if status == 404 && lower.starts_with("no such") {
        return problem(404, "not_found", &detail_of(description), json!([]));
    }
    shared(status)
}

/// What a field error of this code says, for the examples.
fn message(code: &str) -> &'static str {
    match code {
        "required" => "must not be blank",
        "too_long" => "must be at most 2000 characters",
        "unknown_code" | "unknown_unit" => "names no such unit",
        "out_of_range" => "must be between 1 and 100",
        "invalid_url" => "must be an absolute http or https URL",
        "invalid_document_number" => "must be a number such as 12/2026/QĐ-UBND",
        _ => "is not valid here",
    }
}

fn fill(status: &str, response: &mut Response) {
    let Ok(status) = status.parse::<u16>() else {
        return;
    };
    if status < 400 {
        return;
    }
    if let Some(content) = response.content.get_mut(PROBLEM_JSON) {
        if content.example.is_none() && content.examples.is_empty() {
            content.example = Some(for_status(status, &response.description));
        }
    }
}

/// A realistic example of an id field: a small number, not the largest integer a generator
/// reaches for.
fn id_example(field: &str) -> Option<i64> {
    let example = match field {
        "id" => 42,
        "unit_id" | "lead_unit_id" => 7,
        "period_id" => 12,
        "submission_id" => 58,
        "indicator_id" => 23,
        "plan_id" => 3,
        "task_id" => 17,
        "document_id" => 31,
        "attachment_id" | "file_id" => 105,
        "assessment_id" => 5,
        "campaign_id" => 4,
        "round_id" => 9,
        "job_id" => 41,
        "token_id" => 6,
        "webhook_id" | "subscription_id" => 2,
        "criteria_set_id" => 8,
        other if other.ends_with("_id") => 42,
        _ => return None,
    };
    Some(example)
}

/// Gives the integer ids of the component schemas (`id`, `…_id`) a realistic example.
fn ids(api: &mut OpenApi) {
    use utoipa::openapi::schema::Schema;
    let Some(components) = api.components.as_mut() else {
        return;
    };
    for schema in components.schemas.values_mut() {
        let RefOr::T(Schema::Object(object)) = schema else {
            continue;
        };
        for (field, property) in object.properties.iter_mut() {
            let Some(example) = id_example(field) else {
                continue;
            };
            let mut value = serde_json::to_value(&*property).expect("a schema is JSON");
            let is_integer = match &value["type"] {
                Value::String(t) => t == "integer",
                Value::Array(types) => types.iter().any(|t| t == "integer"),
                _ => false,
            };
            if !is_integer || value.get("example").is_some() || value.get("examples").is_some() {
                continue;
            }
            value["example"] = json!(example);
            *property = serde_json::from_value(value).expect("the same schema with an example");
        }
    }
}

/// Gives every problem response of every operation its example, and ids realistic ones.
pub fn add(api: &mut OpenApi) {
    ids(api);
    for item in api.paths.paths.values_mut() {
        let operations = super::operations_mut(item);
        for operation in operations {
            for (status, response) in operation.responses.responses.iter_mut() {
                if let RefOr::T(response) = response {
                    fill(status, response);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_status_has_its_own_code() {
        for status in [
            400, 401, 403, 404, 409, 412, 413, 415, 422, 428, 429, 500, 502, 503,
        ] {
            let example = shared(status);
            assert_eq!(example["status"], status);
            let code = example["code"].as_str().unwrap();
            assert!(PROBLEM_CODES.contains(&code), "{code}");
            for error in example["errors"].as_array().into_iter().flatten() {
                let code = error["code"].as_str().unwrap();
                assert!(FIELD_ERROR_CODES.contains(&code), "{code}");
            }
        }
    }

    #[test]
    fn the_description_names_the_code() {
        let example = for_status(409, "Not a draft (`invalid_transition`)");
        assert_eq!(example["code"], "invalid_transition");
        assert_eq!(example["detail"], "not a draft");
        let example = for_status(422, "`reason` is blank (`required`)");
        assert_eq!(example["errors"][0]["field"], "reason");
        assert_eq!(example["errors"][0]["code"], "required");
    }
}
