//! What the worker reads and writes to remind and escalate PAR Index self-assessment rounds:
//! the open rounds, the units that still owe parts, and the escalations of those units
//! (`assessment_escalations`).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::{assessment_escalations, assessment_items, assessments, criteria};
use cchc_domain::model::assessment::{AssessmentStatus, ItemStatus};
use cchc_domain::rules::reminders::EscalationLevel;
use cchc_domain::Result;

/// An open round, as planning needs it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = assessments)]
pub struct OpenRound {
    pub id: i64,
    pub units_due_at: DateTime<Utc>,
    pub send_due_at: DateTime<Utc>,
}

/// Rounds not yet sent to the province, oldest first.
pub async fn open_rounds(conn: &mut AsyncPgConnection) -> Result<Vec<OpenRound>> {
    Ok(assessments::table
        .filter(assessments::status.eq(AssessmentStatus::Open))
        .order(assessments::id)
        .select(OpenRound::as_select())
        .load(conn)
        .await?)
}

/// The scoring methods whose points the responsible unit proposes; computed and survey
/// criteria are not the unit's to do.
const UNIT_SCORED: [&str; 2] = ["entered", "levels"];

/// Per unit of round `id`, how many of its parts it still owes: a criterion the unit scores,
/// pending or returned. Units that owe nothing are absent.
pub async fn owing_units(conn: &mut AsyncPgConnection, id: i64) -> Result<HashMap<i64, i64>> {
    let rows: Vec<(Option<i64>, i64)> = assessment_items::table
        .inner_join(criteria::table)
        .filter(assessment_items::assessment_id.eq(id))
        .filter(assessment_items::unit_id.is_not_null())
        .filter(assessment_items::status.eq_any([ItemStatus::Pending, ItemStatus::Returned]))
        .filter(
            criteria::scoring
                .retrieve_as_text("method")
                .eq_any(UNIT_SCORED),
        )
        .group_by(assessment_items::unit_id)
        .select((assessment_items::unit_id, diesel::dsl::count_star()))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(unit, owed)| Some((unit?, owed)))
        .collect())
}

/// An escalation of a unit planning has decided on.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = assessment_escalations)]
pub struct NewAssessmentEscalation {
    pub assessment_id: i64,
    pub unit_id: i64,
    pub level: EscalationLevel,
    pub deadline: DateTime<Utc>,
    pub escalated_at: DateTime<Utc>,
    pub minutes_late: i32,
}

/// Inserts `escalation` unless its (round, unit, level) is already recorded; the new id, or
/// `None` when it was.
pub async fn insert_escalation_if_new(
    conn: &mut AsyncPgConnection,
    escalation: &NewAssessmentEscalation,
) -> Result<Option<i64>> {
    Ok(diesel::insert_into(assessment_escalations::table)
        .values(escalation)
        .on_conflict_do_nothing()
        .returning(assessment_escalations::id)
        .get_result(conn)
        .await
        .optional()?)
}

/// (unit, level) of every escalation recorded for round `id`: planning reads them once a pass
/// rather than trying every late unit's insert again every minute.
pub async fn recorded_escalations(
    conn: &mut AsyncPgConnection,
    id: i64,
) -> Result<HashSet<(i64, EscalationLevel)>> {
    let rows: Vec<(i64, EscalationLevel)> = assessment_escalations::table
        .filter(assessment_escalations::assessment_id.eq(id))
        .select((
            assessment_escalations::unit_id,
            assessment_escalations::level,
        ))
        .load(conn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// The unit of each of escalations `ids` of round `id`, in id order.
pub async fn escalated_units(
    conn: &mut AsyncPgConnection,
    id: i64,
    ids: &[i64],
) -> Result<Vec<i64>> {
    Ok(assessment_escalations::table
        .filter(assessment_escalations::assessment_id.eq(id))
        .filter(assessment_escalations::id.eq_any(ids))
        .order(assessment_escalations::id)
        .select(assessment_escalations::unit_id)
        .load(conn)
        .await?)
}
