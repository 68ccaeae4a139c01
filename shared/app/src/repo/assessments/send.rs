//! Sending the self-assessment to the province: refused while criteria are unresolved, unless
//! the Office overrides with a reason (recorded in the audit trail).

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::json;

use super::assemble::get;
use super::readiness::readiness;
use super::{authorize_office, find, refuse_sent};
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use crate::repo::events;
use crate::repo::submissions::BoardCaches;
use cchc_db::assessments as db;
use cchc_domain::error::{Error, FieldError, Result};
use cchc_domain::model::assessment::{Assessment, SendAssessment};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::webhook::{AssessmentEventData, EventType};
use cchc_domain::validation::{non_blank, Checker};

pub async fn send(
    conn: &mut AsyncPgConnection,
    caches: &BoardCaches,
    id: i64,
    input: &SendAssessment,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Assessment> {
    authorize_office(principal)?;
    let mut check = Checker::new();
    check.optional_text("override_reason", input.override_reason.as_deref(), 2000);
    check.finish()?;
    let override_reason = non_blank(input.override_reason.as_deref());
    conn.transaction(async |conn| -> Result<Assessment> {
        let row = find(conn, id, true).await?;
        refuse_sent(&row)?;
        let board = readiness(conn, caches, id, principal).await?;
        if !board.ready && override_reason.is_none() {
            return Err(Error::Conflict {
                code: "assessment_not_ready",
                detail: format!(
                    "{} criteria are unresolved and {} points are at risk; resolve them, or send \
                     with override_reason",
                    board.unresolved.len(),
                    board.total.points_at_risk
                ),
                errors: board
                    .unresolved
                    .iter()
                    .flat_map(|item| {
                        item.problems.iter().map(|problem| {
                            FieldError::new(
                                format!("criteria[{}]", item.code),
                                problem.as_str(),
                                format!("{}: {}", item.code, item.title),
                            )
                        })
                    })
                    .collect(),
            });
        }
        let used_override = override_reason.as_deref().filter(|_| !board.ready);
        db::mark_sent(conn, id, &principal.name, used_override, now).await?;
        let entry = Entry {
            entity_type: EntityType::Assessment,
            entity_id: id.to_string(),
            action: "sent",
            before: None,
            after: Some(json!({
                "ready": board.ready,
                "unresolved": board.unresolved.iter().map(|i| &i.code).collect::<Vec<_>>(),
                "points_at_risk": board.total.points_at_risk,
                "self_points": board.total.self_points,
                "override_reason": used_override,
            })),
        };
        audit::record(conn, actor, now, entry).await?;
        let data = AssessmentEventData {
            assessment_id: id,
            assessment_code: row.code.clone(),
            year: row.year,
            self_points: board.total.self_points,
            points_at_risk: Some(board.total.points_at_risk),
            override_reason: used_override.map(str::to_owned),
            final_points: None,
            ranking_class: None,
        };
        events::assessment_changed(conn, EventType::AssessmentSent, &data, now).await?;
        get(conn, caches, id, principal).await
    })
    .await
}
