//! A unit's report (`submissions`) and its values (`submission_values`): the rows, starting a
//! draft, the compliance board's narrow read, and the reads jobs share with the use cases.

mod consolidation;
mod head;
mod list;
mod state;
mod versions;

pub use consolidation::*;
pub use head::*;
pub use list::*;
pub use state::*;
pub use versions::*;

use chrono::{DateTime, Utc};
use diesel::helper_types::Nullable;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;

use crate::schema::{
    period_extensions, period_units, submission_evidence, submission_values, submissions, units,
};
use cchc_domain::model::submission::{SubmissionStatus, SystemValueSource};
use cchc_domain::rules::evidence::CheckedCitation;
use cchc_domain::rules::system_figure::SystemFigure;
use cchc_domain::rules::timeliness::Timeliness;
use cchc_domain::Result;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = submissions)]
pub struct SubmissionRow {
    pub id: i64,
    pub period_id: i64,
    pub unit_id: i64,
    pub status: SubmissionStatus,
    pub narrative: Option<String>,
    pub revision: i32,
    pub first_submitted_at: Option<DateTime<Utc>>,
    pub first_timeliness: Option<Timeliness>,
    pub first_minutes_late: Option<i32>,
    pub last_submitted_at: Option<DateTime<Utc>>,
    pub submit_count: i32,
    pub return_reason: Option<String>,
    pub returned_at: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Who submitted it last: the token's name, or the person's.
    pub submitted_by: Option<String>,
    /// Who returned or accepted it last.
    pub reviewed_by: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = submission_values)]
pub struct ValueRow {
    pub submission_id: i64,
    pub indicator_id: i64,
    pub numerator: Option<Decimal>,
    pub denominator: Option<Decimal>,
    pub number: Option<Decimal>,
    pub flag: Option<bool>,
    pub text_value: Option<String>,
    pub not_applicable: bool,
    pub system_value: Option<Decimal>,
    pub system_value_source: Option<SystemValueSource>,
    pub explanation: Option<String>,
    pub note: Option<String>,
}

impl ValueRow {
    /// The system-of-record figure this row holds, with who gave it.
    pub fn system_figure(&self) -> SystemFigure {
        SystemFigure {
            value: self.system_value,
            source: self.system_value_source,
        }
    }
}

/// One participating unit as the compliance board reads it: only the columns the board
/// shows, so a 5,000-unit period costs one narrow query.
#[derive(Debug, Clone, Queryable)]
pub struct BoardRow {
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub submission_id: Option<i64>,
    pub status: Option<SubmissionStatus>,
    pub first_submitted_at: Option<DateTime<Utc>>,
    pub first_timeliness: Option<Timeliness>,
    pub first_minutes_late: Option<i32>,
    pub submit_count: Option<i32>,
    pub extension: Option<DateTime<Utc>>,
    pub submitted_by: Option<String>,
    pub reviewed_by: Option<String>,
}

/// The columns of a [`BoardRow`]: a participating unit, left-joined to its report and its
/// extension.
pub(crate) type BoardColumns = (
    units::id,
    units::code,
    units::name,
    Nullable<submissions::id>,
    Nullable<submissions::status>,
    Nullable<submissions::first_submitted_at>,
    Nullable<submissions::first_timeliness>,
    Nullable<submissions::first_minutes_late>,
    Nullable<submissions::submit_count>,
    Nullable<period_extensions::deadline>,
    Nullable<submissions::submitted_by>,
    Nullable<submissions::reviewed_by>,
);

pub(crate) fn board_columns() -> BoardColumns {
    (
        units::id,
        units::code,
        units::name,
        submissions::id.nullable(),
        submissions::status.nullable(),
        submissions::first_submitted_at.nullable(),
        submissions::first_timeliness.nullable(),
        submissions::first_minutes_late.nullable(),
        submissions::submit_count.nullable(),
        period_extensions::deadline.nullable(),
        submissions::submitted_by.nullable(),
        submissions::reviewed_by.nullable(),
    )
}

pub async fn board_rows(mut conn: &AsyncPgConnection, period_id: i64) -> Result<Vec<BoardRow>> {
    Ok(period_units::table
        .inner_join(units::table)
        .left_join(
            submissions::table.on(submissions::period_id
                .eq(period_units::period_id)
                .and(submissions::unit_id.eq(period_units::unit_id))),
        )
        .left_join(
            period_extensions::table.on(period_extensions::period_id
                .eq(period_units::period_id)
                .and(period_extensions::unit_id.eq(period_units::unit_id))),
        )
        .filter(period_units::period_id.eq(period_id))
        .order(units::code.asc())
        .select(board_columns())
        .load(&mut conn)
        .await?)
}

/// What a receipt says of a report: where it belongs, when it was submitted, returned or
/// accepted, and how timely its first submission was.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = submissions)]
pub struct ReceiptFacts {
    pub period_id: i64,
    pub unit_id: i64,
    pub last_submitted_at: Option<DateTime<Utc>>,
    pub first_timeliness: Option<Timeliness>,
    pub first_minutes_late: Option<i32>,
    pub return_reason: Option<String>,
    pub returned_at: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
}

/// Submission `id`'s receipt facts, if it exists.
pub async fn receipt_facts(conn: &mut AsyncPgConnection, id: i64) -> Result<Option<ReceiptFacts>> {
    Ok(submissions::table
        .find(id)
        .select(ReceiptFacts::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// Starts a unit's draft report for a period; `None` when the unit already has one (the
/// unique key decides, so two requests at once cannot make two).
pub async fn insert_draft(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    unit_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    Ok(diesel::insert_into(submissions::table)
        .values((
            submissions::period_id.eq(period_id),
            submissions::unit_id.eq(unit_id),
            submissions::status.eq(SubmissionStatus::Draft),
            submissions::created_at.eq(now),
            submissions::updated_at.eq(now),
        ))
        .on_conflict((submissions::period_id, submissions::unit_id))
        .do_nothing()
        .returning(submissions::id)
        .get_result(conn)
        .await
        .optional()?)
}

/// The id of the unit's report for the period, if it has one.
pub async fn id_of(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    unit_id: i64,
) -> Result<Option<i64>> {
    Ok(submissions::table
        .filter(submissions::period_id.eq(period_id))
        .filter(submissions::unit_id.eq(unit_id))
        .select(submissions::id)
        .first(conn)
        .await
        .optional()?)
}

/// Writes a PATCH's values in two statements at most, sent together: an upsert of the new
/// rows and a delete of the cleared ones.
pub async fn write_values(
    conn: &AsyncPgConnection,
    submission_id: i64,
    upserts: &[ValueRow],
    cleared: &[i64],
) -> Result<()> {
    use diesel::upsert::excluded;
    macro_rules! upsert {
        ($rows:expr) => {{
            let mut conn = conn;
            diesel::insert_into(submission_values::table)
                .values($rows)
                .on_conflict((
                    submission_values::submission_id,
                    submission_values::indicator_id,
                ))
                .do_update()
                .set((
                    submission_values::numerator.eq(excluded(submission_values::numerator)),
                    submission_values::denominator.eq(excluded(submission_values::denominator)),
                    submission_values::number.eq(excluded(submission_values::number)),
                    submission_values::flag.eq(excluded(submission_values::flag)),
                    submission_values::text_value.eq(excluded(submission_values::text_value)),
                    submission_values::not_applicable
                        .eq(excluded(submission_values::not_applicable)),
                    submission_values::system_value.eq(excluded(submission_values::system_value)),
                    submission_values::system_value_source
                        .eq(excluded(submission_values::system_value_source)),
                    submission_values::explanation.eq(excluded(submission_values::explanation)),
                    submission_values::note.eq(excluded(submission_values::note)),
                ))
                .execute(&mut conn)
                .await
        }};
    }
    futures_util::try_join!(
        async {
            if cleared.is_empty() {
                return Ok(0);
            }
            let mut conn = conn;
            diesel::delete(
                submission_values::table
                    .filter(submission_values::submission_id.eq(submission_id))
                    .filter(submission_values::indicator_id.eq_any(cleared)),
            )
            .execute(&mut conn)
            .await
        },
        async {
            // One row (the usual edit) as a single-row insert: diesel prepares that statement
            // once per connection, a multi-row one on every call.
            match upserts {
                [] => Ok(0),
                [one] => upsert!(one),
                many => upsert!(many),
            }
        },
    )?;
    Ok(())
}

/// Replaces a report's citations with `citations`, in their order.
pub async fn replace_evidence(
    mut conn: &AsyncPgConnection,
    submission_id: i64,
    citations: &[CheckedCitation],
) -> Result<()> {
    diesel::delete(
        submission_evidence::table.filter(submission_evidence::submission_id.eq(submission_id)),
    )
    .execute(&mut conn)
    .await?;
    if citations.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = citations
        .iter()
        .enumerate()
        .map(|(i, c)| {
            (
                submission_evidence::submission_id.eq(submission_id),
                submission_evidence::indicator_id.eq(c.indicator_id),
                submission_evidence::document_number.eq(c.citation.document_number.clone()),
                submission_evidence::title.eq(c.citation.title.clone()),
                submission_evidence::section.eq(c.citation.section.clone()),
                submission_evidence::page.eq(c.citation.page),
                submission_evidence::attachment_id.eq(c.citation.attachment_id),
                submission_evidence::sort_order.eq(i16::try_from(i).unwrap_or(i16::MAX)),
            )
        })
        .collect();
    diesel::insert_into(submission_evidence::table)
        .values(rows)
        .execute(&mut conn)
        .await?;
    Ok(())
}

/// The evidence citations of submission `submission_id` that link to file `attachment_id`:
/// their position and title.
pub async fn citations_of_attachment(
    conn: &mut AsyncPgConnection,
    submission_id: i64,
    attachment_id: i64,
) -> Result<Vec<(i16, String)>> {
    Ok(submission_evidence::table
        .filter(submission_evidence::submission_id.eq(submission_id))
        .filter(submission_evidence::attachment_id.eq(attachment_id))
        .order(submission_evidence::sort_order)
        .select((submission_evidence::sort_order, submission_evidence::title))
        .load(conn)
        .await?)
}
