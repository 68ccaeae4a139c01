//! Editing a published criteria set: rewriting its criteria in place while keeping each
//! criterion's row (and so the open rounds' parts) by its code, or recording the edit as the
//! set's next version; and the open rounds' parts following the set's new criteria.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::criteria::{CriteriaSetRow, CriterionValues, SetValues};
use crate::schema::{assessment_items, assessments, criteria, criteria_sets};
use cchc_domain::model::assessment::{AssessmentStatus, ItemStatus};
use cchc_domain::model::criteria::CriteriaSetStatus;
use cchc_domain::Result;

/// Records the next version of `previous` with `values`, published at `now`; its id.
pub async fn insert_version(
    conn: &mut AsyncPgConnection,
    previous: &CriteriaSetRow,
    values: &SetValues<'_>,
    now: DateTime<Utc>,
) -> QueryResult<i64> {
    diesel::insert_into(criteria_sets::table)
        .values((
            criteria_sets::code.eq(values.code),
            criteria_sets::year.eq(values.year),
            criteria_sets::title.eq(values.title),
            criteria_sets::document_id.eq(values.document_id),
            criteria_sets::restored_share_percent.eq(values.restored_share_percent),
            criteria_sets::ranking_classes.eq(&values.ranking_classes),
            criteria_sets::status.eq(CriteriaSetStatus::Published),
            criteria_sets::published_at.eq(Some(now)),
            criteria_sets::version.eq(previous.version + 1),
            criteria_sets::previous_version_id.eq(Some(previous.id)),
            criteria_sets::created_at.eq(now),
            criteria_sets::updated_at.eq(now),
        ))
        .returning(criteria_sets::id)
        .get_result(conn)
        .await
}

/// Marks set `id` as replaced by a newer version at `now`.
pub async fn mark_superseded(
    conn: &mut AsyncPgConnection,
    id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    diesel::update(criteria_sets::table.find(id))
        .set((
            criteria_sets::superseded_at.eq(Some(now)),
            criteria_sets::updated_at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// The version that replaced set `id`, if one did: its id and number.
pub async fn successor_of(conn: &mut AsyncPgConnection, id: i64) -> Result<Option<(i64, i32)>> {
    Ok(criteria_sets::table
        .filter(criteria_sets::previous_version_id.eq(id))
        .select((criteria_sets::id, criteria_sets::version))
        .first(conn)
        .await
        .optional()?)
}

/// Rewrites the criteria of set `id` to `values` (parents before their children), keeping the
/// row of every criterion whose code stays and removing those whose code is gone. The parts
/// of removed criteria must be gone first.
pub async fn sync_criteria(
    conn: &mut AsyncPgConnection,
    set_id: i64,
    values: &[CriterionValues<'_>],
) -> Result<()> {
    let existing: HashMap<String, i64> = criteria::table
        .filter(criteria::set_id.eq(set_id))
        .select((criteria::code, criteria::id))
        .load::<(String, i64)>(conn)
        .await?
        .into_iter()
        .collect();
    // Out of the way of the positions being written (unique per set).
    diesel::update(criteria::table.filter(criteria::set_id.eq(set_id)))
        .set(criteria::position.eq(criteria::position * -1))
        .execute(conn)
        .await?;
    let mut ids: HashMap<&str, i64> = HashMap::new();
    for (position, criterion) in (1..).zip(values) {
        let parent_id = criterion
            .parent_code
            .and_then(|code| ids.get(code).copied());
        let row = (
            criteria::position.eq(position),
            criteria::parent_id.eq(parent_id),
            criteria::depth.eq(criterion.depth),
            criteria::title.eq(criterion.title),
            criteria::max_points.eq(criterion.max_points),
            criteria::content_area.eq(criterion.content_area),
            criteria::scoring.eq(&criterion.scoring),
            criteria::evidence_hint.eq(criterion.evidence_hint),
        );
        let id = match existing.get(criterion.code) {
            Some(&id) => {
                diesel::update(criteria::table.find(id))
                    .set(row)
                    .execute(conn)
                    .await?;
                id
            }
            None => {
                diesel::insert_into(criteria::table)
                    .values((
                        criteria::set_id.eq(set_id),
                        criteria::code.eq(criterion.code),
                        row,
                    ))
                    .returning(criteria::id)
                    .get_result(conn)
                    .await?
            }
        };
        ids.insert(criterion.code, id);
    }
    let kept: Vec<i64> = ids.values().copied().collect();
    diesel::delete(
        criteria::table
            .filter(criteria::set_id.eq(set_id))
            .filter(criteria::id.ne_all(kept)),
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The rounds scoring against set `id`: their ids and statuses.
pub async fn rounds_on_set(
    conn: &mut AsyncPgConnection,
    set_id: i64,
) -> Result<Vec<(i64, AssessmentStatus)>> {
    Ok(assessments::table
        .filter(assessments::criteria_set_id.eq(set_id))
        .order(assessments::id)
        .select((assessments::id, assessments::status))
        .load(conn)
        .await?)
}

/// Moves rounds `ids` to set `set_id`.
pub async fn move_rounds(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
    set_id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    diesel::update(assessments::table.filter(assessments::id.eq_any(ids)))
        .set((
            assessments::criteria_set_id.eq(set_id),
            assessments::updated_at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// The parts of rounds `ids`: (part, round, criterion).
pub async fn parts_of(conn: &mut AsyncPgConnection, ids: &[i64]) -> Result<Vec<(i64, i64, i64)>> {
    Ok(assessment_items::table
        .filter(assessment_items::assessment_id.eq_any(ids))
        .select((
            assessment_items::id,
            assessment_items::assessment_id,
            assessment_items::criterion_id,
        ))
        .load(conn)
        .await?)
}

/// Removes parts `ids` with their evidence.
pub async fn delete_parts(conn: &mut AsyncPgConnection, ids: &[i64]) -> Result<()> {
    if !ids.is_empty() {
        diesel::delete(assessment_items::table.filter(assessment_items::id.eq_any(ids)))
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Points part `id` at criterion `criterion_id`.
pub async fn retarget_part(conn: &mut AsyncPgConnection, id: i64, criterion_id: i64) -> Result<()> {
    diesel::update(assessment_items::table.find(id))
        .set(assessment_items::criterion_id.eq(criterion_id))
        .execute(conn)
        .await?;
    Ok(())
}

/// Sends parts `ids` back to pending without their score (the criterion's points or scoring
/// changed under them); their evidence and explanation stay.
pub async fn reset_parts(conn: &mut AsyncPgConnection, ids: &[i64]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    diesel::update(assessment_items::table.filter(assessment_items::id.eq_any(ids)))
        .set((
            assessment_items::status.eq(ItemStatus::Pending),
            assessment_items::self_points.eq(None::<rust_decimal::Decimal>),
            assessment_items::level_index.eq(None::<i32>),
            assessment_items::return_reason.eq(None::<String>),
            assessment_items::proposed_at.eq(None::<DateTime<Utc>>),
            assessment_items::proposed_by.eq(None::<String>),
            assessment_items::reviewed_at.eq(None::<DateTime<Utc>>),
            assessment_items::reviewed_by.eq(None::<String>),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Adds pending parts (round, criterion, responsible unit).
pub async fn insert_parts(
    conn: &mut AsyncPgConnection,
    parts: &[(i64, i64, Option<i64>)],
) -> Result<()> {
    let rows: Vec<_> = parts
        .iter()
        .map(|(round, criterion, unit)| {
            (
                assessment_items::assessment_id.eq(round),
                assessment_items::criterion_id.eq(criterion),
                assessment_items::unit_id.eq(unit),
                assessment_items::status.eq(ItemStatus::Pending),
            )
        })
        .collect();
    if !rows.is_empty() {
        diesel::insert_into(assessment_items::table)
            .values(rows)
            .execute(conn)
            .await?;
    }
    Ok(())
}
