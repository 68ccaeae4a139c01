//! Writing and reading the audit trail. Writers call [`record`] inside the transaction of the
//! change itself, so a change and its audit row commit or roll back together.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use serde_json::Value;

use crate::authz;
use crate::authz::Principal;
use crate::repo::{contains_pattern, local};
use cchc_db::schema::audit_events;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{
    delta, Actor, AuditActor, AuditEvent, AuditFilter, AuditPage, EntityType,
};
use cchc_domain::model::token::Role;
use cchc_domain::model::PageParams;
use cchc_domain::validation::Checker;

/// Fields left out of snapshots: they change with every write and say nothing the event's own
/// time does not.
const NOISE: &[&str] = &["updated_at", "last_used_at", "revision"];

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
    mut conn: &AsyncPgConnection,
    actor: &Actor,
    at: DateTime<Utc>,
    entry: Entry,
) -> Result<()> {
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::occurred_at.eq(at),
            audit_events::actor_name.eq(&actor.name),
            audit_events::actor_token_id.eq(actor.token_id),
            audit_events::actor_role.eq(actor.role),
            audit_events::request_id.eq(actor.request_id.as_deref()),
            audit_events::entity_type.eq(entry.entity_type),
            audit_events::entity_id.eq(&entry.entity_id),
            audit_events::action.eq(entry.action),
            audit_events::before.eq(entry.before),
            audit_events::after.eq(entry.after),
        ))
        .execute(&mut conn)
        .await?;
    Ok(())
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

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
struct EventRow {
    id: i64,
    occurred_at: DateTime<Utc>,
    actor_name: String,
    actor_token_id: Option<i64>,
    actor_role: Option<Role>,
    request_id: Option<String>,
    entity_type: EntityType,
    entity_id: String,
    action: String,
    before: Option<Value>,
    after: Option<Value>,
}

impl EventRow {
    fn into_api(self) -> AuditEvent {
        AuditEvent {
            id: self.id,
            occurred_at: local(self.occurred_at),
            actor: AuditActor {
                name: self.actor_name,
                token_id: self.actor_token_id,
                role: self.actor_role,
            },
            request_id: self.request_id,
            entity_type: self.entity_type,
            entity_id: self.entity_id,
            action: self.action,
            before: self.before,
            after: self.after,
        }
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
    if let (Some(since), Some(until)) = (filter.since, filter.until) {
        if until <= since {
            check.push("until", "before_since", "must be later than since");
        }
    }
    check.finish()?;
    let query = || {
        let mut query = audit_events::table.into_boxed();
        if let Some(entity_type) = filter.entity_type {
            query = query.filter(audit_events::entity_type.eq(entity_type));
        }
        if let Some(entity_id) = &filter.entity_id {
            query = query.filter(audit_events::entity_id.eq(entity_id.trim().to_owned()));
        }
        if let Some(action) = &filter.action {
            query = query.filter(audit_events::action.eq(action.trim().to_owned()));
        }
        if let Some(actor) = &filter.actor {
            query = query.filter(audit_events::actor_name.ilike(contains_pattern(actor)));
        }
        if let Some(since) = filter.since {
            query = query.filter(audit_events::occurred_at.ge(since.with_timezone(&Utc)));
        }
        if let Some(until) = filter.until {
            query = query.filter(audit_events::occurred_at.lt(until.with_timezone(&Utc)));
        }
        query
    };
    let total: i64 = query().count().get_result(conn).await?;
    let rows: Vec<EventRow> = query()
        .order(audit_events::id.desc())
        .limit(per_page)
        .offset(PageParams::offset(page, per_page))
        .select(EventRow::as_select())
        .load(conn)
        .await?;
    Ok(AuditPage {
        items: rows.into_iter().map(EventRow::into_api).collect(),
        page,
        per_page,
        total,
    })
}
