//! The audit trail (`audit_events`): appended in the transaction of each change, read by the
//! Office.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use crate::schema::audit_events;
use cchc_domain::model::audit::{AuditActor, AuditEvent, EntityType, Person};
use cchc_domain::model::token::Role;
use cchc_domain::rules::local_time::to_local;
use cchc_domain::Result;

/// An event about to be appended.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub occurred_at: DateTime<Utc>,
    pub actor_name: &'a str,
    pub actor_token_id: Option<i64>,
    pub actor_role: Option<Role>,
    pub request_id: Option<&'a str>,
    /// The person behind an OpenID Connect access token (`actor_name` is their name).
    pub person: Option<&'a Person>,
    pub entity_type: EntityType,
    pub entity_id: &'a str,
    pub action: &'a str,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Appends `event`. It takes a shared connection so it can be pipelined with the change's
/// other writes.
pub async fn insert(mut conn: &AsyncPgConnection, event: &NewEvent<'_>) -> Result<()> {
    // Column by column, not through `Insertable`: an `Option` field there may become
    // `DEFAULT`, which makes diesel prepare the statement anew on every write.
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::occurred_at.eq(event.occurred_at),
            audit_events::actor_name.eq(event.actor_name),
            audit_events::actor_token_id.eq(event.actor_token_id),
            audit_events::actor_role.eq(event.actor_role),
            audit_events::request_id.eq(event.request_id),
            audit_events::actor_email.eq(event.person.and_then(|p| p.email.as_deref())),
            audit_events::actor_subject.eq(event.person.map(|p| p.subject.as_str())),
            audit_events::actor_issuer.eq(event.person.map(|p| p.issuer.as_str())),
            audit_events::entity_type.eq(event.entity_type),
            audit_events::entity_id.eq(event.entity_id),
            audit_events::action.eq(event.action),
            audit_events::before.eq(&event.before),
            audit_events::after.eq(&event.after),
        ))
        .execute(&mut conn)
        .await?;
    Ok(())
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
    actor_email: Option<String>,
    actor_subject: Option<String>,
    actor_issuer: Option<String>,
}

impl EventRow {
    fn into_model(self) -> AuditEvent {
        let person = match (self.actor_subject, self.actor_issuer) {
            (Some(subject), Some(issuer)) => Some(Person {
                name: self.actor_name.clone(),
                email: self.actor_email,
                subject,
                issuer,
            }),
            _ => None,
        };
        AuditEvent {
            id: self.id,
            occurred_at: to_local(self.occurred_at),
            actor: AuditActor {
                name: self.actor_name,
                token_id: self.actor_token_id,
                role: self.actor_role,
                person,
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

/// Which events to list; every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub entity_type: Option<EntityType>,
    pub entity_id: Option<String>,
    pub action: Option<String>,
    /// An `ILIKE` pattern the actor's name matches.
    pub actor_pattern: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

/// How many events `filter` keeps, and a page of them, newest first.
pub async fn page(
    conn: &mut AsyncPgConnection,
    filter: &ListFilter,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<AuditEvent>)> {
    let query = || {
        let mut query = audit_events::table.into_boxed();
        if let Some(entity_type) = filter.entity_type {
            query = query.filter(audit_events::entity_type.eq(entity_type));
        }
        if let Some(entity_id) = &filter.entity_id {
            query = query.filter(audit_events::entity_id.eq(entity_id.clone()));
        }
        if let Some(action) = &filter.action {
            query = query.filter(audit_events::action.eq(action.clone()));
        }
        if let Some(pattern) = &filter.actor_pattern {
            query = query.filter(audit_events::actor_name.ilike(pattern.clone()));
        }
        if let Some(since) = filter.since {
            query = query.filter(audit_events::occurred_at.ge(since));
        }
        if let Some(until) = filter.until {
            query = query.filter(audit_events::occurred_at.lt(until));
        }
        query
    };
    let total: i64 = query().count().get_result(conn).await?;
    let rows: Vec<EventRow> = query()
        .order(audit_events::id.desc())
        .limit(limit)
        .offset(offset)
        .select(EventRow::as_select())
        .load(conn)
        .await?;
    Ok((total, rows.into_iter().map(EventRow::into_model).collect()))
}
