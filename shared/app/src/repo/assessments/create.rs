//! A new round against a published criteria set: a pending part for each leaf criterion that a
//! unit scores, given by default to the lead unit of the criterion's content area in the
//! year's plan.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::assemble::get;
use super::authorize_office;
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use crate::repo::map_unique;
use crate::repo::submissions::BoardCaches;
use cchc_db::assessments::{self as db, NewAssessment};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::assessment::{Assessment, AssessmentStatus, CreateAssessment};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::criteria::{CriteriaSetStatus, Criterion, Scoring};
use cchc_domain::model::indicator::ContentArea;
use cchc_domain::validation::Checker;

/// The unit a new part of leaf `criterion` goes to: the lead of its content area in the year's
/// plan, for criteria a unit scores; none for computed and survey criteria.
pub(crate) fn default_unit(
    criterion: &Criterion,
    leads: &HashMap<ContentArea, i64>,
) -> Option<i64> {
    match criterion.scoring.as_ref()? {
        Scoring::Entered | Scoring::Levels { .. } => criterion
            .content_area
            .and_then(|area| leads.get(&area).copied()),
        Scoring::Indicator { .. }
        | Scoring::PlanOnTime { .. }
        | Scoring::ReportTimeliness { .. }
        | Scoring::Survey => None,
    }
}

pub async fn create(
    conn: &mut AsyncPgConnection,
    caches: &BoardCaches,
    input: &CreateAssessment,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Assessment> {
    authorize_office(principal)?;
    let mut check = Checker::new();
    let code = input.code.trim();
    check.code("code", &code.to_uppercase(), 40, "._-");
    check.text("title", &input.title, 1000);
    if input.send_due_at < input.units_due_at {
        check.push(
            "send_due_at",
            "before_units_due",
            "the province's deadline cannot come before the units' parts are due",
        );
    }
    conn.transaction(async |conn| -> Result<Assessment> {
        let set = match crate::repo::criteria::load(conn, input.criteria_set_id).await {
            Ok(set) => Some(set),
            Err(Error::NotFound { .. }) => {
                check.push(
                    "criteria_set_id",
                    "unknown_criteria_set",
                    format!("no criteria set {}", input.criteria_set_id),
                );
                None
            }
            Err(other) => return Err(other),
        };
        if let Some(newer) = set.as_ref().and_then(|s| s.superseded_by_id) {
            check.push(
                "criteria_set_id",
                "criteria_set_superseded",
                format!("a newer version of the set replaced it: score against set {newer}"),
            );
        } else if set
            .as_ref()
            .is_some_and(|s| s.status != CriteriaSetStatus::Published)
        {
            check.push(
                "criteria_set_id",
                "criteria_set_not_published",
                "publish the criteria set first: a round scores against a set that changes no more",
            );
        }
        check.finish()?;
        let set = set.ok_or_else(|| Error::Internal("checked set missing".into()))?;
        let leads = db::area_leads(conn, set.year).await?;
        let parts: Vec<(i64, Option<i64>)> = set
            .criteria
            .iter()
            .filter(|c| c.scoring.is_some())
            .map(|c| (c.id, default_unit(c, &leads)))
            .collect();
        let new = NewAssessment {
            code,
            year: set.year,
            title: input.title.trim(),
            criteria_set_id: set.id,
            units_due_at: input.units_due_at.to_utc(),
            send_due_at: input.send_due_at.to_utc(),
            status: AssessmentStatus::Open,
            created_at: now,
            updated_at: now,
        };
        let id = db::insert(conn, &new, &parts).await.map_err(|e| {
            map_unique(
                e,
                "duplicate_code",
                "code",
                format!("a round with the code {code} exists"),
            )
        })?;
        let assessment = get(conn, caches, id, principal).await?;
        let summary = serde_json::json!({
            "code": assessment.code,
            "title": assessment.title,
            "criteria_set_id": assessment.criteria_set_id,
            "units_due_at": assessment.units_due_at,
            "send_due_at": assessment.send_due_at,
            "parts": assessment.items.len(),
        });
        audit::record(
            conn,
            actor,
            now,
            Entry::created(EntityType::Assessment, id, &summary)?,
        )
        .await?;
        Ok(assessment)
    })
    .await
}
