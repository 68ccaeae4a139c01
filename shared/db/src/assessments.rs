//! PAR Index self-assessment rounds (`assessments`), each leaf criterion's part
//! (`assessment_items`) and the evidence it cites (`assessment_evidence`).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;

use crate::schema::{assessment_evidence, assessment_items, assessments, plan_areas, plans};
use cchc_domain::model::assessment::{AssessmentStatus, ItemStatus};
use cchc_domain::model::indicator::ContentArea;
use cchc_domain::model::plan::PlanStatus;
use cchc_domain::Result;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = assessments)]
pub struct AssessmentRow {
    pub id: i64,
    pub code: String,
    pub year: i32,
    pub title: String,
    pub criteria_set_id: i64,
    pub units_due_at: DateTime<Utc>,
    pub send_due_at: DateTime<Utc>,
    pub status: AssessmentStatus,
    pub sent_at: Option<DateTime<Utc>>,
    pub sent_by: Option<String>,
    pub override_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub appraised_at: Option<DateTime<Utc>>,
    pub rank_position: Option<i32>,
    pub rank_among: Option<i32>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = assessment_items)]
pub struct ItemRow {
    pub id: i64,
    pub assessment_id: i64,
    pub criterion_id: i64,
    pub unit_id: Option<i64>,
    pub status: ItemStatus,
    pub self_points: Option<Decimal>,
    pub level_index: Option<i32>,
    pub explanation: Option<String>,
    pub return_reason: Option<String>,
    pub proposed_at: Option<DateTime<Utc>>,
    pub proposed_by: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub reviewed_by: Option<String>,
    pub appraised_points: Option<Decimal>,
    pub appraisal_comment: Option<String>,
    pub restored_points: Option<Decimal>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = assessment_evidence)]
pub struct EvidenceRow {
    pub item_id: i64,
    pub position: i32,
    pub document_id: Option<i64>,
    pub section: Option<String>,
    pub page: Option<i32>,
    pub file_id: Option<i64>,
}

/// A new round.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = assessments)]
pub struct NewAssessment<'a> {
    pub code: &'a str,
    pub year: i32,
    pub title: &'a str,
    pub criteria_set_id: i64,
    pub units_due_at: DateTime<Utc>,
    pub send_due_at: DateTime<Utc>,
    pub status: AssessmentStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Records `new` with a pending part for each of `parts` (criterion, responsible unit); its id.
/// A taken code is the raw unique violation.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    new: &NewAssessment<'_>,
    parts: &[(i64, Option<i64>)],
) -> QueryResult<i64> {
    let id: i64 = diesel::insert_into(assessments::table)
        .values(new)
        .returning(assessments::id)
        .get_result(conn)
        .await?;
    let rows: Vec<_> = parts
        .iter()
        .map(|(criterion, unit)| {
            (
                assessment_items::assessment_id.eq(id),
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
    Ok(id)
}

/// Round `id`, locked for the rest of the transaction when `lock`.
pub async fn find(
    conn: &mut AsyncPgConnection,
    id: i64,
    lock: bool,
) -> Result<Option<AssessmentRow>> {
    let query = assessments::table
        .find(id)
        .select(AssessmentRow::as_select());
    Ok(if lock {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    })
}

/// A page of rounds, newest first, and how many there are.
pub async fn page(
    conn: &mut AsyncPgConnection,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<AssessmentRow>)> {
    let total: i64 = assessments::table.count().get_result(conn).await?;
    let rows = assessments::table
        .order((assessments::year.desc(), assessments::id.desc()))
        .limit(limit)
        .offset(offset)
        .select(AssessmentRow::as_select())
        .load(conn)
        .await?;
    Ok((total, rows))
}

/// The parts of round `id` with their evidence, in no particular order.
pub async fn items(
    conn: &mut AsyncPgConnection,
    id: i64,
) -> Result<(Vec<ItemRow>, Vec<EvidenceRow>)> {
    let items: Vec<ItemRow> = assessment_items::table
        .filter(assessment_items::assessment_id.eq(id))
        .select(ItemRow::as_select())
        .load(conn)
        .await?;
    let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
    let evidence = assessment_evidence::table
        .filter(assessment_evidence::item_id.eq_any(ids))
        .order((assessment_evidence::item_id, assessment_evidence::position))
        .select(EvidenceRow::as_select())
        .load(conn)
        .await?;
    Ok((items, evidence))
}

/// The part of round `id` for criterion `criterion_id`, locked.
pub async fn find_item(
    conn: &mut AsyncPgConnection,
    id: i64,
    criterion_id: i64,
) -> Result<Option<ItemRow>> {
    Ok(assessment_items::table
        .filter(assessment_items::assessment_id.eq(id))
        .filter(assessment_items::criterion_id.eq(criterion_id))
        .select(ItemRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()?)
}

/// Gives part `item_id` to unit `unit_id`.
pub async fn assign(conn: &mut AsyncPgConnection, item_id: i64, unit_id: i64) -> Result<()> {
    diesel::update(assessment_items::table.find(item_id))
        .set(assessment_items::unit_id.eq(unit_id))
        .execute(conn)
        .await?;
    Ok(())
}

/// A proposed score as written.
#[derive(Debug, Clone)]
pub struct Proposal<'a> {
    pub self_points: Decimal,
    pub level_index: Option<i32>,
    pub explanation: Option<&'a str>,
    pub evidence: Vec<Citation<'a>>,
    pub by: &'a str,
}

/// A piece of evidence a part cites: a registry document or a file of the round.
#[derive(Debug, Clone)]
pub struct Citation<'a> {
    pub document_id: Option<i64>,
    pub file_id: Option<i64>,
    pub section: Option<&'a str>,
    pub page: Option<i32>,
}

/// Records `proposal` on part `item_id` (its evidence replaced); the part is `proposed`.
pub async fn propose(
    conn: &mut AsyncPgConnection,
    item_id: i64,
    proposal: &Proposal<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    diesel::update(assessment_items::table.find(item_id))
        .set((
            assessment_items::status.eq(ItemStatus::Proposed),
            assessment_items::self_points.eq(Some(proposal.self_points)),
            assessment_items::level_index.eq(proposal.level_index),
            assessment_items::explanation.eq(proposal.explanation),
            assessment_items::return_reason.eq(None::<String>),
            assessment_items::proposed_at.eq(Some(now)),
            assessment_items::proposed_by.eq(Some(proposal.by)),
        ))
        .execute(conn)
        .await?;
    diesel::delete(assessment_evidence::table.filter(assessment_evidence::item_id.eq(item_id)))
        .execute(conn)
        .await?;
    let rows: Vec<_> = proposal
        .evidence
        .iter()
        .zip(1..)
        .map(|(cited, position)| {
            (
                assessment_evidence::item_id.eq(item_id),
                assessment_evidence::position.eq(position),
                assessment_evidence::document_id.eq(cited.document_id),
                assessment_evidence::file_id.eq(cited.file_id),
                assessment_evidence::section.eq(cited.section),
                assessment_evidence::page.eq(cited.page),
            )
        })
        .collect();
    if !rows.is_empty() {
        diesel::insert_into(assessment_evidence::table)
            .values(rows)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// The Office's judgement of part `item_id`: `accepted`, or `returned` with `reason`.
pub async fn review(
    conn: &mut AsyncPgConnection,
    item_id: i64,
    status: ItemStatus,
    reason: Option<&str>,
    by: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    diesel::update(assessment_items::table.find(item_id))
        .set((
            assessment_items::status.eq(status),
            assessment_items::return_reason.eq(reason),
            assessment_items::reviewed_at.eq(Some(now)),
            assessment_items::reviewed_by.eq(Some(by)),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Marks round `id` sent.
pub async fn mark_sent(
    conn: &mut AsyncPgConnection,
    id: i64,
    by: &str,
    override_reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    diesel::update(assessments::table.find(id))
        .set((
            assessments::status.eq(AssessmentStatus::Sent),
            assessments::sent_at.eq(Some(now)),
            assessments::sent_by.eq(Some(by)),
            assessments::override_reason.eq(override_reason),
            assessments::updated_at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Touches round `id`'s `updated_at`.
pub async fn touch(conn: &mut AsyncPgConnection, id: i64, now: DateTime<Utc>) -> Result<()> {
    diesel::update(assessments::table.find(id))
        .set(assessments::updated_at.eq(now))
        .execute(conn)
        .await?;
    Ok(())
}

/// The lead unit of each content area in the year's issued (or closed) plans: who is
/// responsible for a criterion of that area by default.
pub async fn area_leads(
    conn: &mut AsyncPgConnection,
    year: i32,
) -> Result<HashMap<ContentArea, i64>> {
    let rows: Vec<(ContentArea, i64)> = plan_areas::table
        .inner_join(plans::table)
        .filter(plans::year.eq(year))
        .filter(plans::status.ne(PlanStatus::Draft))
        .order(plans::id.asc())
        .select((plan_areas::content_area, plan_areas::lead_unit_id))
        .load(conn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// The province's appraisal of one part.
#[derive(Debug, Clone)]
pub struct ItemAppraisal<'a> {
    pub item_id: i64,
    pub appraised_points: Decimal,
    pub comment: Option<&'a str>,
    pub restored_points: Option<Decimal>,
}

/// Records the province's appraisal: each part's, and the round's rank; the round is
/// `appraised`.
pub async fn record_appraisal(
    conn: &mut AsyncPgConnection,
    id: i64,
    items: &[ItemAppraisal<'_>],
    rank: Option<(i32, i32)>,
    now: DateTime<Utc>,
) -> Result<()> {
    for item in items {
        diesel::update(assessment_items::table.find(item.item_id))
            .set((
                assessment_items::appraised_points.eq(Some(item.appraised_points)),
                assessment_items::appraisal_comment.eq(item.comment),
                assessment_items::restored_points.eq(item.restored_points),
            ))
            .execute(conn)
            .await?;
    }
    diesel::update(assessments::table.find(id))
        .set((
            assessments::status.eq(AssessmentStatus::Appraised),
            assessments::appraised_at.eq(Some(now)),
            assessments::rank_position.eq(rank.map(|r| r.0)),
            assessments::rank_among.eq(rank.map(|r| r.1)),
            assessments::updated_at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Appraised rounds of years before `year`, newest first (at most `limit`).
pub async fn earlier_appraised(
    conn: &mut AsyncPgConnection,
    year: i32,
    limit: i64,
) -> Result<Vec<AssessmentRow>> {
    Ok(assessments::table
        .filter(assessments::year.lt(year))
        .filter(assessments::status.eq(AssessmentStatus::Appraised))
        .order((assessments::year.desc(), assessments::id.desc()))
        .limit(limit)
        .select(AssessmentRow::as_select())
        .load(conn)
        .await?)
}

/// The round with code `code`, if any.
pub async fn id_by_code(conn: &mut AsyncPgConnection, code: &str) -> Result<Option<i64>> {
    Ok(assessments::table
        .filter(assessments::code.eq(code))
        .select(assessments::id)
        .first(conn)
        .await
        .optional()?)
}

/// The unit responsible for criterion `criterion_id` in round `id`, if any (no lock).
pub async fn responsible_unit(
    conn: &mut AsyncPgConnection,
    id: i64,
    criterion_id: i64,
) -> Result<Option<i64>> {
    Ok(assessment_items::table
        .filter(assessment_items::assessment_id.eq(id))
        .filter(assessment_items::criterion_id.eq(criterion_id))
        .select(assessment_items::unit_id)
        .first::<Option<i64>>(conn)
        .await
        .optional()?
        .flatten())
}
