//! Writing and reading the audit trail. Writers call [`record`] inside the transaction of the
//! change itself, so a change and its audit row commit or roll back together.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use serde::Serialize;
use serde_json::Value;

use crate::authz;
use crate::authz::Principal;
use crate::repo::contains_pattern;
use cchc_db::audit;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{delta, Actor, AuditFilter, AuditPage, EntityType};
use cchc_domain::model::PageParams;
use cchc_domain::validation::Checker;

/// Fields left out of snapshots: they change with every write and say nothing the event's own
/// time does not.
const NOISE: &[&str] = &["updated_at", "last_used_at", "revision"];

/// Every `action` an audit event records; the API documents `AuditEvent.action` as this
/// enum. Debug builds refuse to record any other action, so a new one fails the tests that
/// make it until it is listed here.
pub const AUDIT_ACTIONS: &[&str] = &[
    "accepted",
    "appraised",
    "closed",
    "confirmed",
    "contribution_reported",
    "created",
    "criteria_changed",
    "deadline_rederived",
    "declared_done",
    "deleted",
    "event_received",
    "extended",
    "extension_granted",
    "file_added",
    "issued",
    "item_accepted",
    "item_assigned",
    "item_returned",
    "linked",
    "opened",
    "points_entered",
    "progress_reported",
    "published",
    "redelivered",
    "returned",
    "revoked",
    "round_reopened",
    "round_reviewed",
    "score_proposed",
    "secret_rotated",
    "sent",
    "signing_secret_set",
    "submitted",
    "superseded",
    "unit_registered",
    "updated",
];

/// One change to record.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub entity_type: EntityType,
    pub entity_id: String,
    pub action: &'static str,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// An API object as recorded: its JSON without the noise fields.
pub fn snapshot<T: Serialize>(value: &T) -> Result<Value> {
    let mut value =
        serde_json::to_value(value).map_err(|e| Error::Internal(format!("audit snapshot: {e}")))?;
    if let Value::Object(map) = &mut value {
        for key in NOISE {
            map.remove(*key);
        }
    }
    Ok(value)
}

impl Entry {
    pub fn created<T: Serialize>(
        entity_type: EntityType,
        entity_id: impl ToString,
        after: &T,
    ) -> Result<Self> {
        Ok(Self {
            entity_type,
            entity_id: entity_id.to_string(),
            action: "created",
            before: None,
            after: Some(snapshot(after)?),
        })
    }

    pub fn deleted<T: Serialize>(
        entity_type: EntityType,
        entity_id: impl ToString,
        before: &T,
    ) -> Result<Self> {
        Ok(Self {
            entity_type,
            entity_id: entity_id.to_string(),
            action: "deleted",
            before: Some(snapshot(before)?),
            after: None,
        })
    }

    /// A change, keeping only the fields that differ. `None` when nothing did, so an update
    /// that changes nothing leaves no event.
    pub fn changed<T: Serialize>(
        entity_type: EntityType,
        entity_id: impl ToString,
        action: &'static str,
        before: &T,
        after: &T,
    ) -> Result<Option<Self>> {
        Ok(Self::changed_json(
            entity_type,
            entity_id,
            action,
            &snapshot(before)?,
            &snapshot(after)?,
        ))
    }

    pub fn changed_json(
        entity_type: EntityType,
        entity_id: impl ToString,
        action: &'static str,
        before: &Value,
        after: &Value,
    ) -> Option<Self> {
        delta(before, after).map(|(before, after)| Self {
            entity_type,
            entity_id: entity_id.to_string(),
            action,
            before: Some(before),
            after: Some(after),
        })
    }
}

/// Appends an event. Call it inside the transaction that makes the change.
/// Takes a shared connection so a caller may send it together with its other writes
/// (pipelined); `&mut` connections coerce.
pub async fn record(
    conn: &AsyncPgConnection,
    actor: &Actor,
    at: DateTime<Utc>,
    entry: Entry,
) -> Result<()> {
    if cfg!(debug_assertions) && !AUDIT_ACTIONS.contains(&entry.action) {
        return Err(Error::Internal(format!(
            "audit action {:?} is not in AUDIT_ACTIONS",
            entry.action
        )));
    }
    let event = audit::NewEvent {
        occurred_at: at,
        actor_name: &actor.name,
        actor_token_id: actor.token_id,
        actor_role: actor.role,
        request_id: actor.request_id.as_deref(),
        person: actor.person.as_ref(),
        entity_type: entry.entity_type,
        entity_id: &entry.entity_id,
        action: entry.action,
        before: entry.before,
        after: entry.after,
    };
    audit::insert(conn, &event).await
}

/// Records `entry` when there is one (see [`Entry::changed`]).
pub async fn record_opt(
    conn: &AsyncPgConnection,
    actor: &Actor,
    at: DateTime<Utc>,
    entry: Option<Entry>,
) -> Result<()> {
    match entry {
        Some(entry) => record(conn, actor, at, entry).await,
        None => Ok(()),
    }
}

/// The trail, newest first.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &AuditFilter,
    page: PageParams,
    principal: &Principal,
) -> Result<AuditPage> {
    authz::require_admin(principal)?;
    let (page, per_page) = page.validate()?;
    let mut check = Checker::new();
    if filter.entity_id.is_some() && filter.entity_type.is_none() {
        check.push(
            "entity_id",
            "needs_entity_type",
            "name the entity_type too: ids are only unique within a type",
        );
    }
    // The document lists the actions (`AuditAction`); another one names nothing.
    if let Some(action) = filter.action.as_deref() {
        if !AUDIT_ACTIONS.contains(&action.trim()) {
            check.push(
                "action",
                "invalid_choice",
                format!("one of: {}", AUDIT_ACTIONS.join(", ")),
            );
        }
    }
    if let (Some(since), Some(until)) = (filter.since, filter.until) {
        if until <= since {
            check.push("until", "before_since", "must be later than since");
        }
    }
    check.finish()?;
    let list_filter = audit::ListFilter {
        entity_type: filter.entity_type,
        entity_id: filter.entity_id.as_deref().map(|id| id.trim().to_owned()),
        action: filter
            .action
            .as_deref()
            .map(|action| action.trim().to_owned()),
        actor_pattern: filter.actor.as_deref().map(contains_pattern),
        since: filter.since.map(|since| since.with_timezone(&Utc)),
        until: filter.until.map(|until| until.with_timezone(&Utc)),
    };
    let offset = PageParams::offset(page, per_page);
    let (total, items) = audit::page(conn, &list_filter, per_page, offset).await?;
    Ok(AuditPage {
        items,
        page,
        per_page,
        total,
    })
}
