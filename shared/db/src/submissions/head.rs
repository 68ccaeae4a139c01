//! One report read whole, in one round trip: its row with what its answer needs of its period
//! and unit (correlated subqueries keep it one prepared statement), its values and its
//! evidence. The reads take a shared connection so they can be pipelined.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use super::{SubmissionRow, ValueRow};
use crate::schema::{
    period_extensions, periods, submission_evidence, submission_values, submissions, units,
};
use cchc_domain::model::period::PeriodStatus;
use cchc_domain::{Error, Result};

/// One evidence citation as stored: indicator, document number, title, section, page and
/// the file it links to.
pub type EvidenceRow = (
    Option<i64>,
    Option<String>,
    String,
    Option<String>,
    Option<i32>,
    Option<i64>,
);

/// Submission `submission_id`'s values.
pub async fn values_of(mut conn: &AsyncPgConnection, submission_id: i64) -> Result<Vec<ValueRow>> {
    Ok(submission_values::table
        .filter(submission_values::submission_id.eq(submission_id))
        .select(ValueRow::as_select())
        .load(&mut conn)
        .await?)
}

/// Submission `submission_id`'s evidence citations, in their order.
pub async fn evidence_of(
    mut conn: &AsyncPgConnection,
    submission_id: i64,
) -> Result<Vec<EvidenceRow>> {
    Ok(submission_evidence::table
        .filter(submission_evidence::submission_id.eq(submission_id))
        .order((submission_evidence::sort_order, submission_evidence::id))
        .select((
            submission_evidence::indicator_id,
            submission_evidence::document_number,
            submission_evidence::title,
            submission_evidence::section,
            submission_evidence::page,
            submission_evidence::attachment_id,
        ))
        .load(&mut conn)
        .await?)
}

/// Declares a scalar subquery of the select list correlated with the outer `submissions` row:
/// diesel's builder has no correlated subqueries, so the SQL is a constant written here. As a
/// type with a static query id it keeps the whole statement prepared once per connection,
/// which a `sql_query` would not be.
macro_rules! submission_subquery {
    ($(#[$doc:meta])* $name:ident: $sql_type:ty = $sql:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, diesel::query_builder::QueryId)]
        struct $name;

        impl diesel::expression::Expression for $name {
            type SqlType = $sql_type;
        }

        impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for $name {
            fn walk_ast<'b>(
                &'b self,
                mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
            ) -> diesel::QueryResult<()> {
                out.push_sql($sql);
                Ok(())
            }
        }

        impl<QS> diesel::expression::AppearsOnTable<QS> for $name where
            QS: diesel::query_source::AppearsInFromClause<submissions::table, Count = diesel::query_source::Once>
        {
        }

        impl<QS> diesel::expression::SelectableExpression<QS> for $name where
            QS: diesel::query_source::AppearsInFromClause<submissions::table, Count = diesel::query_source::Once>
        {
        }

        impl diesel::expression::ValidGrouping<()> for $name {
            type IsAggregate = diesel::expression::is_aggregate::Never;
        }
    };
}

submission_subquery! {
    /// The indicators of the submission's period, in the period's order.
    PinnedIndicatorIds: diesel::sql_types::Nullable<diesel::sql_types::Array<diesel::sql_types::BigInt>> =
        "(SELECT array_agg(pi.indicator_id ORDER BY pi.sort_order, pi.indicator_id) \
          FROM period_indicators pi WHERE pi.period_id = \"submissions\".\"period_id\")"
}

submission_subquery! {
    /// The versions the period pins, in the same order as [`PinnedIndicatorIds`].
    PinnedVersionIds: diesel::sql_types::Nullable<diesel::sql_types::Array<diesel::sql_types::BigInt>> =
        "(SELECT array_agg(pi.indicator_version_id ORDER BY pi.sort_order, pi.indicator_id) \
          FROM period_indicators pi WHERE pi.period_id = \"submissions\".\"period_id\")"
}

submission_subquery! {
    /// Whether the submission cites any evidence.
    HasEvidence: diesel::sql_types::Bool =
        "EXISTS (SELECT 1 FROM submission_evidence e WHERE e.submission_id = \"submissions\".\"id\")"
}

submission_subquery! {
    /// Whether the submission has any files.
    HasAttachments: diesel::sql_types::Bool =
        "EXISTS (SELECT 1 FROM submission_attachments a WHERE a.submission_id = \"submissions\".\"id\")"
}

submission_subquery! {
    /// Whether any official document is linked to the submission.
    HasDocuments: diesel::sql_types::Bool =
        "EXISTS (SELECT 1 FROM document_submission_links l WHERE l.submission_id = \"submissions\".\"id\")"
}

/// A submission with what its answer needs of its period and unit, as stored.
pub struct HeadRow {
    pub row: SubmissionRow,
    pub period_code: String,
    pub period_status: PeriodStatus,
    pub period_deadline: DateTime<Utc>,
    /// The reminder policy as stored (JSONB, written from a checked policy).
    pub period_policy: Value,
    pub unit_code: String,
    pub unit_name: String,
    pub extension: Option<DateTime<Utc>>,
    pub indicator_ids: Vec<i64>,
    pub version_ids: Vec<i64>,
    pub has_evidence: bool,
    pub has_attachments: bool,
    pub has_documents: bool,
}

type HeadColumns = (
    SubmissionRow,
    String,
    PeriodStatus,
    DateTime<Utc>,
    Value,
    String,
    String,
    Option<DateTime<Utc>>,
    Option<Vec<i64>>,
    Option<Vec<i64>>,
    bool,
    bool,
    bool,
);

/// Submission `id` with its period's facts, its unit, its extension, the indicators and
/// versions its period pins and whether it has evidence, files and documents.
pub async fn head(mut conn: &AsyncPgConnection, id: i64) -> Result<Option<HeadRow>> {
    let found: Option<HeadColumns> = submissions::table
        .inner_join(periods::table)
        .inner_join(units::table)
        .left_join(
            period_extensions::table.on(period_extensions::period_id
                .eq(submissions::period_id)
                .and(period_extensions::unit_id.eq(submissions::unit_id))),
        )
        .filter(submissions::id.eq(id))
        .select((
            SubmissionRow::as_select(),
            periods::code,
            periods::status,
            periods::deadline,
            periods::policy,
            units::code,
            units::name,
            period_extensions::deadline.nullable(),
            PinnedIndicatorIds,
            PinnedVersionIds,
            HasEvidence,
            HasAttachments,
            HasDocuments,
        ))
        .first(&mut conn)
        .await
        .optional()?;
    let Some((
        row,
        period_code,
        period_status,
        deadline,
        policy,
        unit_code,
        unit_name,
        extension,
        indicator_ids,
        version_ids,
        has_evidence,
        has_attachments,
        has_documents,
    )) = found
    else {
        return Ok(None);
    };
    Ok(Some(HeadRow {
        row,
        period_code,
        period_status,
        period_deadline: deadline,
        period_policy: policy,
        unit_code,
        unit_name,
        extension,
        indicator_ids: indicator_ids.unwrap_or_default(),
        version_ids: version_ids.unwrap_or_default(),
        has_evidence,
        has_attachments,
        has_documents,
    }))
}

/// Submission `id`'s row, locked for the rest of the transaction; 404 if there is none.
pub async fn locked_row(mut conn: &AsyncPgConnection, id: i64) -> Result<SubmissionRow> {
    submissions::table
        .find(id)
        .select(SubmissionRow::as_select())
        .for_update()
        .first(&mut conn)
        .await
        .optional()?
        .ok_or(Error::not_found("submission"))
}
