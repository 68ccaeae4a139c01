//! What registered documents are linked to: periods (as their legal basis or request letter,
//! `document_period_links`) and units' reports (`document_submission_links`).

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::{
    document_period_links, document_submission_links, documents, periods, submissions, units,
};
use cchc_domain::model::document::{DocumentLinkRole, DocumentSource};
use cchc_domain::Result;

/// The periods any of `document_ids` is the request letter of, by id.
pub async fn periods_requested_by(
    conn: &mut AsyncPgConnection,
    document_ids: &[i64],
) -> Result<Vec<i64>> {
    Ok(document_period_links::table
        .filter(document_period_links::document_id.eq_any(document_ids))
        .filter(document_period_links::role.eq(DocumentLinkRole::RequestLetter))
        .select(document_period_links::period_id)
        .distinct()
        .order(document_period_links::period_id)
        .load(conn)
        .await?)
}

/// A document's link to a period.
#[derive(Debug, Clone, Queryable)]
pub struct PeriodLinkRow {
    pub document_id: i64,
    pub role: DocumentLinkRole,
    pub linked_at: DateTime<Utc>,
    pub linked_by: String,
    pub period_id: i64,
    pub period_code: String,
}

/// The period links of documents `ids`, oldest first.
pub async fn period_links_of(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> Result<Vec<PeriodLinkRow>> {
    Ok(document_period_links::table
        .inner_join(periods::table)
        .filter(document_period_links::document_id.eq_any(ids))
        .order((
            document_period_links::linked_at,
            document_period_links::period_id,
        ))
        .select((
            document_period_links::document_id,
            document_period_links::role,
            document_period_links::linked_at,
            document_period_links::linked_by,
            periods::id,
            periods::code,
        ))
        .load(conn)
        .await?)
}

/// A document's link to a unit's report.
#[derive(Debug, Clone, Queryable)]
pub struct SubmissionLinkRow {
    pub document_id: i64,
    pub role: DocumentLinkRole,
    pub linked_at: DateTime<Utc>,
    pub linked_by: String,
    pub submission_id: i64,
    pub period_id: i64,
    pub period_code: String,
    pub unit_code: String,
}

/// The report links of documents `ids`, oldest first.
pub async fn submission_links_of(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> Result<Vec<SubmissionLinkRow>> {
    Ok(document_submission_links::table
        .inner_join(
            submissions::table
                .inner_join(periods::table)
                .inner_join(units::table),
        )
        .filter(document_submission_links::document_id.eq_any(ids))
        .order((
            document_submission_links::linked_at,
            document_submission_links::submission_id,
        ))
        .select((
            document_submission_links::document_id,
            document_submission_links::role,
            document_submission_links::linked_at,
            document_submission_links::linked_by,
            submissions::id,
            periods::id,
            periods::code,
            units::code,
        ))
        .load(conn)
        .await?)
}

/// Whether document `id` is linked to a report of unit `unit_id` (never, for no unit).
pub async fn linked_to_unit(
    conn: &mut AsyncPgConnection,
    id: i64,
    unit_id: Option<i64>,
) -> Result<bool> {
    let n: i64 = document_submission_links::table
        .inner_join(submissions::table)
        .filter(document_submission_links::document_id.eq(id))
        .filter(submissions::unit_id.nullable().eq(unit_id))
        .count()
        .get_result(conn)
        .await?;
    Ok(n > 0)
}

/// Links document `document_id` to report `submission_id` as the unit's report and gives the
/// report a new revision (its JSON now lists the document); `false` when it was linked
/// already (nothing changes then).
pub async fn link_to_submission(
    conn: &mut AsyncPgConnection,
    document_id: i64,
    submission_id: i64,
    linked_by: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let inserted = diesel::insert_into(document_submission_links::table)
        .values((
            document_submission_links::document_id.eq(document_id),
            document_submission_links::submission_id.eq(submission_id),
            document_submission_links::role.eq(DocumentLinkRole::UnitReport),
            document_submission_links::linked_at.eq(now),
            document_submission_links::linked_by.eq(linked_by),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    if inserted == 0 {
        return Ok(false);
    }
    diesel::update(submissions::table.find(submission_id))
        .set((
            submissions::revision.eq(submissions::revision + 1),
            submissions::updated_at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(true)
}

/// Links document `document_id` to period `period_id` as `role`; `false` when it was linked
/// to that period already (in whatever role).
pub async fn link_to_period(
    conn: &mut AsyncPgConnection,
    document_id: i64,
    period_id: i64,
    role: DocumentLinkRole,
    linked_by: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let inserted = diesel::insert_into(document_period_links::table)
        .values((
            document_period_links::document_id.eq(document_id),
            document_period_links::period_id.eq(period_id),
            document_period_links::role.eq(role),
            document_period_links::linked_at.eq(now),
            document_period_links::linked_by.eq(linked_by),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(inserted > 0)
}

/// The role document `document_id` has for period `period_id` (an error when not linked).
pub async fn period_link_role(
    conn: &mut AsyncPgConnection,
    document_id: i64,
    period_id: i64,
) -> Result<DocumentLinkRole> {
    Ok(document_period_links::table
        .find((document_id, period_id))
        .select(document_period_links::role)
        .first(conn)
        .await?)
}

/// An official document as a report lists it.
#[derive(Debug, Clone, Queryable)]
pub struct LinkedDocumentRow {
    pub id: i64,
    pub number: String,
    pub issued_on: NaiveDate,
    pub subject: String,
    pub source: DocumentSource,
    pub received_at: Option<DateTime<Utc>>,
    pub linked_at: DateTime<Utc>,
    /// What the document's files did to the report when it arrived through QLVB.
    pub qlvb_import: Option<serde_json::Value>,
}

/// The documents linked to report `submission_id`, oldest link first. It takes a shared
/// connection so it can be pipelined.
pub async fn linked_to_submission(
    mut conn: &AsyncPgConnection,
    submission_id: i64,
) -> Result<Vec<LinkedDocumentRow>> {
    Ok(document_submission_links::table
        .inner_join(documents::table)
        .filter(document_submission_links::submission_id.eq(submission_id))
        .order((
            document_submission_links::linked_at,
            document_submission_links::document_id,
        ))
        .select((
            documents::id,
            documents::number_symbol,
            documents::issued_on,
            documents::subject,
            documents::source,
            documents::received_at,
            document_submission_links::linked_at,
            document_submission_links::qlvb_import,
        ))
        .load(&mut conn)
        .await?)
}

/// Records on the link of `document_id` to `submission_id` what the document's files did to
/// the report (see `QlvbImport`).
pub async fn set_qlvb_import(
    conn: &mut AsyncPgConnection,
    document_id: i64,
    submission_id: i64,
    import: &serde_json::Value,
) -> Result<()> {
    diesel::update(document_submission_links::table.find((document_id, submission_id)))
        .set(document_submission_links::qlvb_import.eq(import))
        .execute(conn)
        .await?;
    Ok(())
}

/// The documents linked to period `period_id`: role, number, date and subject, oldest
/// first.
pub async fn linked_to_period(
    conn: &mut AsyncPgConnection,
    period_id: i64,
) -> Result<Vec<(DocumentLinkRole, String, NaiveDate, String)>> {
    Ok(document_period_links::table
        .inner_join(documents::table)
        .filter(document_period_links::period_id.eq(period_id))
        .order((documents::issued_on, documents::id))
        .select((
            document_period_links::role,
            documents::number_symbol,
            documents::issued_on,
            documents::subject,
        ))
        .load(conn)
        .await?)
}

/// (report id, document number) for every document linked to a report of period
/// `period_id`, oldest link first.
pub async fn numbers_of_period_reports(
    conn: &mut AsyncPgConnection,
    period_id: i64,
) -> Result<Vec<(i64, String)>> {
    Ok(document_submission_links::table
        .inner_join(documents::table)
        .inner_join(submissions::table)
        .filter(submissions::period_id.eq(period_id))
        .order((
            document_submission_links::linked_at,
            document_submission_links::document_id,
        ))
        .select((
            document_submission_links::submission_id,
            documents::number_symbol,
        ))
        .load(conn)
        .await?)
}
