//! A plan's life: issued (with its document) and closed.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::{authorize_change, load};
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use crate::repo::events;
use cchc_db::plans;
use cchc_domain::error::{Error, FieldError, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::plan::{Plan, PlanStatus};
use cchc_domain::model::webhook::EventType;

/// Issues a draft plan: it must name its document (the plan as issued, e.g. `383/KH-SCT`).
pub async fn issue(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Plan> {
    authorize_change(principal)?;
    move_to(conn, id, PlanStatus::Issued, actor, now).await
}

/// Closes an issued plan: its tasks take no more reports.
pub async fn close(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Plan> {
    authorize_change(principal)?;
    move_to(conn, id, PlanStatus::Closed, actor, now).await
}

async fn move_to(
    conn: &mut AsyncPgConnection,
    id: i64,
    to: PlanStatus,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Plan> {
    conn.transaction(async |conn| -> Result<Plan> {
        let row = plans::find(conn, id, true)
            .await?
            .ok_or(Error::not_found("plan"))?;
        let from = row.status;
        let allowed = matches!(
            (from, to),
            (PlanStatus::Draft, PlanStatus::Issued) | (PlanStatus::Issued, PlanStatus::Closed)
        );
        if !allowed {
            return Err(Error::conflict(
                "invalid_transition",
                format!("a {from} plan cannot become {to}"),
            ));
        }
        if to == PlanStatus::Issued && row.document_id.is_none() {
            return Err(Error::Validation {
                errors: vec![FieldError::new(
                    "document_id",
                    "required",
                    "set the plan's document (e.g. 383/KH-SCT) with PATCH before issuing it",
                )],
            });
        }
        let before = load(conn, id).await?;
        plans::set_status(conn, id, to, now).await?;
        if to == PlanStatus::Issued {
            // Its tasks are now given to their units.
            let filter = cchc_db::tasks::ListFilter {
                plan_id: Some(id),
                ..Default::default()
            };
            for task in cchc_db::tasks::matching(conn, &filter).await? {
                events::task_changed(conn, EventType::TaskAssigned, task.id, now).await?;
            }
        }
        let after = load(conn, id).await?;
        let action = if to == PlanStatus::Issued {
            "issued"
        } else {
            "closed"
        };
        let entry = Entry::changed(EntityType::Plan, id, action, &before, &after)?;
        audit::record_opt(conn, actor, now, entry).await?;
        Ok(after)
    })
    .await
}
