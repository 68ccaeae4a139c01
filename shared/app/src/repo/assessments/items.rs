//! A criterion's part: given to a unit (the Office), scored with evidence or an explanation
//! (the responsible unit; the Office for survey criteria), accepted or returned (the Office).

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use rust_decimal::Decimal;
use serde_json::json;

use super::assemble::get;
use super::{authorize_office, find, refuse_sent};
use crate::authz::{self, Principal};
use crate::repo::audit::{self, Entry};
use crate::repo::submissions::BoardCaches;
use cchc_db::assessments::{self as db, ItemRow, Proposal};
use cchc_db::units;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::assessment::{
    Assessment, AssignItem, ItemStatus, ProposeScore, ReturnItem,
};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::criteria::{Criterion, Scoring};
use cchc_domain::model::token::Role;
use cchc_domain::rules::par_index::check_score;
use cchc_domain::validation::{non_blank, Checker};

/// A criterion's part of a round: the round and the criterion's code.
#[derive(Debug, Clone, Copy)]
pub struct ItemRef<'a> {
    pub assessment_id: i64,
    pub code: &'a str,
}

/// Round `id`'s part for criterion `code` (locked) and the criterion, while the round is open.
async fn part(conn: &mut AsyncPgConnection, id: i64, code: &str) -> Result<(ItemRow, Criterion)> {
    let row = find(conn, id, true).await?;
    refuse_sent(&row)?;
    let set = crate::repo::criteria::load(conn, row.criteria_set_id).await?;
    let criterion = set
        .criteria
        .into_iter()
        .find(|c| c.code == code && c.scoring.is_some())
        .ok_or(Error::not_found("criterion"))?;
    let item = db::find_item(conn, id, criterion.id)
        .await?
        .ok_or(Error::not_found("criterion"))?;
    Ok((item, criterion))
}

async fn audit_part(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    action: &'static str,
    after: serde_json::Value,
) -> Result<()> {
    let entry = Entry {
        entity_type: EntityType::Assessment,
        entity_id: id.to_string(),
        action,
        before: None,
        after: Some(after),
    };
    audit::record(conn, actor, now, entry).await
}

/// Gives criterion `code` of round `id` to a unit.
pub async fn assign_item(
    conn: &mut AsyncPgConnection,
    caches: &BoardCaches,
    item_ref: ItemRef<'_>,
    input: &AssignItem,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Assessment> {
    let ItemRef {
        assessment_id: id,
        code,
    } = item_ref;
    authorize_office(principal)?;
    conn.transaction(async |conn| -> Result<Assessment> {
        let (item, _) = part(conn, id, code).await?;
        let unit_code = input.unit_code.trim();
        let unit = units::find_id_by_code(conn, unit_code)
            .await?
            .ok_or_else(|| {
                Error::invalid(
                    "unit_code",
                    "unknown_unit",
                    format!("no unit has the code {unit_code:?}"),
                )
            })?;
        db::assign(conn, item.id, unit).await?;
        db::touch(conn, id, now).await?;
        audit_part(
            conn,
            actor,
            now,
            id,
            "item_assigned",
            json!({"criterion": code, "unit_code": unit_code}),
        )
        .await?;
        get(conn, caches, id, principal).await
    })
    .await
}

/// The points `input` gives criterion `criterion`, every problem pushed to `check`.
fn points_of(
    check: &mut Checker,
    criterion: &Criterion,
    input: &ProposeScore,
) -> Option<(Decimal, Option<i32>)> {
    let max = criterion.max_points;
    match criterion.scoring.as_ref()? {
        Scoring::Levels { levels } => {
            if input.points.is_some() {
                check.push(
                    "points",
                    "levels_only",
                    "this criterion is scored by choosing a level: send level",
                );
            }
            match input.level {
                None => {
                    check.push(
                        "level",
                        "required",
                        format!(
                            "choose a level from 0 to {}",
                            levels.len().saturating_sub(1)
                        ),
                    );
                    None
                }
                Some(index) => match levels.get(index) {
                    Some(level) => Some((level.points, i32::try_from(index).ok())),
                    None => {
                        check.push(
                            "level",
                            "out_of_range",
                            format!(
                                "choose a level from 0 to {}",
                                levels.len().saturating_sub(1)
                            ),
                        );
                        None
                    }
                },
            }
        }
        Scoring::Entered | Scoring::Survey => {
            if input.level.is_some() {
                check.push(
                    "level",
                    "points_only",
                    "this criterion takes points, not a level",
                );
            }
            match input.points {
                None => {
                    check.push(
                        "points",
                        "required",
                        format!("give points from 0 to {}", max.normalize()),
                    );
                    None
                }
                Some(points) => check_score(check, "points", points, Decimal::ZERO, max)
                    .then_some((points, None)),
            }
        }
        Scoring::Indicator { .. }
        | Scoring::PlanOnTime { .. }
        | Scoring::ReportTimeliness { .. } => None,
    }
}

/// The responsible unit's (or, for a survey criterion, the Office's) proposed score.
pub async fn propose_score(
    conn: &mut AsyncPgConnection,
    caches: &BoardCaches,
    item_ref: ItemRef<'_>,
    input: &ProposeScore,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Assessment> {
    let ItemRef {
        assessment_id: id,
        code,
    } = item_ref;
    authz::read_plans(principal)?;
    conn.transaction(async |conn| -> Result<Assessment> {
        let (item, criterion) = part(conn, id, code).await?;
        let is_office = principal.role == Role::Admin;
        match (&criterion.scoring, principal.role) {
            (Some(scoring), _) if scoring.thresholds().is_some() => {
                return Err(Error::conflict(
                    "computed_criterion",
                    "this criterion is computed from the system's own data; nobody types it",
                ))
            }
            (Some(Scoring::Survey), _) if !is_office => {
                return Err(Error::Forbidden(
                    "survey points are the Office's to enter".into(),
                ))
            }
            (_, Role::Reporter) if item.unit_id.is_none() || item.unit_id != principal.unit_id => {
                return Err(Error::not_found("criterion"))
            }
            (_, Role::Admin | Role::Reporter) => {}
            (_, role) => {
                return Err(Error::Forbidden(format!(
                    "the {role} role cannot score criteria"
                )))
            }
        }
        if item.status == ItemStatus::Accepted {
            return Err(Error::conflict(
                "item_accepted",
                "the Office accepted this part; it returns it first if it must change",
            ));
        }
        let mut check = Checker::new();
        let points = points_of(&mut check, &criterion, input);
        check.optional_text("explanation", input.explanation.as_deref(), 4000);
        super::evidence::check_evidence(conn, &mut check, id, item.unit_id, &input.evidence)
            .await?;
        check.finish()?;
        let Some((self_points, level_index)) = points else {
            return Err(Error::Internal("checked proposal without points".into()));
        };
        let explanation = non_blank(input.explanation.as_deref());
        let proposal = Proposal {
            self_points,
            level_index,
            explanation: explanation.as_deref(),
            evidence: super::evidence::citations(&input.evidence),
            by: &principal.name,
        };
        db::propose(conn, item.id, &proposal, now).await?;
        db::touch(conn, id, now).await?;
        let recorded = json!({
            "criterion": code,
            "self_points": self_points,
            "level": level_index,
            "evidence": input
                .evidence
                .iter()
                .map(|e| json!({"document_id": e.document_id, "file_id": e.file_id}))
                .collect::<Vec<_>>(),
            "explanation": explanation,
        });
        audit_part(conn, actor, now, id, "score_proposed", recorded).await?;
        get(conn, caches, id, principal).await
    })
    .await
}

/// The Office's judgement: `Accepted`, or `Returned` with its reason.
struct Judgement<'a> {
    status: ItemStatus,
    reason: Option<&'a str>,
}

async fn review(
    conn: &mut AsyncPgConnection,
    caches: &BoardCaches,
    item_ref: ItemRef<'_>,
    judgement: Judgement<'_>,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Assessment> {
    let ItemRef {
        assessment_id: id,
        code,
    } = item_ref;
    let Judgement { status, reason } = judgement;
    authorize_office(principal)?;
    conn.transaction(async |conn| -> Result<Assessment> {
        let (item, _) = part(conn, id, code).await?;
        if item.status == ItemStatus::Pending {
            return Err(Error::conflict(
                "item_not_proposed",
                "nothing is proposed for this criterion yet",
            ));
        }
        db::review(conn, item.id, status, reason, &principal.name, now).await?;
        db::touch(conn, id, now).await?;
        let action = if status == ItemStatus::Accepted {
            "item_accepted"
        } else {
            "item_returned"
        };
        audit_part(
            conn,
            actor,
            now,
            id,
            action,
            json!({"criterion": code, "reason": reason}),
        )
        .await?;
        get(conn, caches, id, principal).await
    })
    .await
}

/// The Office accepts a proposed part.
pub async fn accept_item(
    conn: &mut AsyncPgConnection,
    caches: &BoardCaches,
    item_ref: ItemRef<'_>,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Assessment> {
    let judgement = Judgement {
        status: ItemStatus::Accepted,
        reason: None,
    };
    review(conn, caches, item_ref, judgement, principal, actor, now).await
}

/// The Office returns a part with a reason.
pub async fn return_item(
    conn: &mut AsyncPgConnection,
    caches: &BoardCaches,
    item_ref: ItemRef<'_>,
    input: &ReturnItem,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Assessment> {
    let mut check = Checker::new();
    check.text("reason", &input.reason, 2000);
    check.finish()?;
    let reason = input.reason.trim();
    let judgement = Judgement {
        status: ItemStatus::Returned,
        reason: Some(reason),
    };
    review(conn, caches, item_ref, judgement, principal, actor, now).await
}
