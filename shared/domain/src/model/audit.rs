//! The audit trail: every state and value change, with who made it and what it was before and
//! after. Rows are append-only (the database refuses updates and deletes).

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};

use crate::model::page_of;
pub use crate::model::person::Person;
use crate::model::token::Role;
use crate::text_enum;

text_enum! {
    /// What kind of record an audit event is about.
    pub enum EntityType {
        Unit => "unit",
        Token => "token",
        Indicator => "indicator",
        Period => "period",
        Holiday => "holiday",
        Submission => "submission",
        Attachment => "attachment",
        /// An official document in the registry.
        Document => "document",
        /// A QLVB integration's signing secret.
        Integration => "integration",
        /// A webhook subscription.
        Webhook => "webhook",
        /// A job of the worker's queue, e.g. retried by hand.
        Job => "job",
        /// A CCHC plan.
        Plan => "plan",
        /// A task of a plan or of a directive document.
        Task => "task",
        /// A unit's file of evidence on a task.
        TaskFile => "task_file",
        /// A PAR Index criteria set.
        CriteriaSet => "criteria_set",
        /// A PAR Index self-assessment round.
        Assessment => "assessment",
        /// A unit's (or the Office's) file of evidence in a self-assessment round.
        AssessmentFile => "assessment_file",
        /// An emulation campaign (its rounds, registrations, points and reviews).
        Campaign => "campaign",
    }
}

/// Who makes a change: a token's holder, a person signed in through the identity provider,
/// or the system itself (command line, worker).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    pub token_id: Option<i64>,
    pub role: Option<Role>,
    /// The `X-Request-Id` of the HTTP request that made the change, to find its log lines.
    pub request_id: Option<String>,
    /// The person, when the change was made with their OpenID Connect access token.
    pub person: Option<Person>,
}

impl Actor {
    /// A change made outside the API, e.g. `cli` or `worker`.
    pub fn system(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            token_id: None,
            role: None,
            request_id: None,
            person: None,
        }
    }
}

/// The caller behind an audit event.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditActor {
    /// The token's name, the person's, or `cli`/`worker` for changes made outside the API.
    #[schema(example = "Văn phòng Sở - chuyên viên CCHC")]
    pub name: String,
    pub token_id: Option<i64>,
    pub role: Option<Role>,
    /// The person, for a change made with an OpenID Connect access token (then `name` is
    /// theirs and `token_id` is null).
    pub person: Option<Person>,
}

/// One recorded change.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditEvent {
    pub id: i64,
    pub occurred_at: DateTime<FixedOffset>,
    pub actor: AuditActor,
    /// The `X-Request-Id` of the request that made the change.
    pub request_id: Option<String>,
    pub entity_type: EntityType,
    /// The entity's id (a holiday's is its date, `YYYY-MM-DD`).
    #[schema(example = "12")]
    pub entity_id: String,
    /// What happened, e.g. `created`, `updated`, `submitted`, `returned`, `accepted`.
    #[schema(example = "updated")]
    pub action: String,
    /// The fields that changed, as they were (null for a creation). Only changed fields are
    /// kept; submission values are keyed by indicator code.
    pub before: Option<Value>,
    /// The same fields afterwards (null for a deletion).
    pub after: Option<Value>,
}

/// Filters of the audit trail, newest first.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    pub entity_type: Option<EntityType>,
    /// Only events about this entity (use with `entity_type`).
    pub entity_id: Option<String>,
    /// Only this action, e.g. `submitted`.
    pub action: Option<String>,
    /// Only changes by callers whose name contains this text.
    pub actor: Option<String>,
    /// Only events at or after this instant (RFC 3339).
    #[serde(
        default,
        deserialize_with = "crate::model::time_input::optional_instant"
    )]
    pub since: Option<DateTime<FixedOffset>>,
    /// Only events before this instant (RFC 3339).
    #[serde(
        default,
        deserialize_with = "crate::model::time_input::optional_instant"
    )]
    pub until: Option<DateTime<FixedOffset>>,
}

page_of!(AuditPage, AuditEvent, "A page of audit events.");

/// Keeps only what differs between two JSON snapshots: for objects, the keys whose values differ
/// (recursively, so a submission's changed indicator shows only its changed fields); anything
/// else is kept whole when it differs. A key missing on one side appears as `null` there.
/// Returns `None` when nothing changed.
pub fn delta(before: &Value, after: &Value) -> Option<(Value, Value)> {
    if before == after {
        return None;
    }
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            let mut old = Map::new();
            let mut new = Map::new();
            let keys = b.keys().chain(a.keys().filter(|k| !b.contains_key(*k)));
            for key in keys {
                let bv = b.get(key).unwrap_or(&Value::Null);
                let av = a.get(key).unwrap_or(&Value::Null);
                if let Some((o, n)) = delta(bv, av) {
                    old.insert(key.clone(), o);
                    new.insert(key.clone(), n);
                }
            }
            Some((Value::Object(old), Value::Object(new)))
        }
        _ => Some((before.clone(), after.clone())),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn equal_snapshots_have_no_delta() {
        let v = json!({"a": 1, "b": {"c": [1, 2]}});
        assert_eq!(delta(&v, &v), None);
    }

    #[test]
    fn keeps_only_changed_keys_recursively() {
        let before = json!({"status": "draft", "values": {"A": {"numerator": 1, "denominator": 2}, "B": {"number": 5}}});
        let after = json!({"status": "draft", "values": {"A": {"numerator": 2, "denominator": 2}, "B": {"number": 5}}});
        assert_eq!(
            delta(&before, &after),
            Some((
                json!({"values": {"A": {"numerator": 1}}}),
                json!({"values": {"A": {"numerator": 2}}})
            ))
        );
    }

    #[test]
    fn added_and_removed_keys_show_null_on_the_other_side() {
        let before = json!({"values": {"A": {"number": 1}}});
        let after = json!({"values": {"B": {"number": 2}}});
        assert_eq!(
            delta(&before, &after),
            Some((
                json!({"values": {"A": {"number": 1}, "B": null}}),
                json!({"values": {"A": null, "B": {"number": 2}}})
            ))
        );
    }

    #[test]
    fn arrays_and_scalars_are_kept_whole() {
        let before = json!({"evidence": [{"title": "x"}], "name": "Cũ"});
        let after = json!({"evidence": [{"title": "x"}, {"title": "y"}], "name": "Mới"});
        assert_eq!(
            delta(&before, &after),
            Some((
                json!({"evidence": [{"title": "x"}], "name": "Cũ"}),
                json!({"evidence": [{"title": "x"}, {"title": "y"}], "name": "Mới"})
            ))
        );
    }

    #[test]
    fn a_creation_compared_with_null_keeps_everything() {
        let after = json!({"code": "VP"});
        assert_eq!(delta(&Value::Null, &after), Some((Value::Null, after)));
    }
}
