//! The registry as the list shows it.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::DocumentRow;
use crate::schema::{document_period_links, document_submission_links, documents, submissions};
use cchc_domain::model::document::{DocumentDirection, DocumentSource, DocumentStatus};
use cchc_domain::Result;

/// Which documents to list; every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub status: Option<DocumentStatus>,
    pub direction: Option<DocumentDirection>,
    pub source: Option<DocumentSource>,
    /// Linked to the period or to one of its reports.
    pub period_id: Option<i64>,
    pub submission_id: Option<i64>,
    /// Linked to a report of the caller's own unit, when it may read only that one.
    pub own_unit_id: Option<i64>,
    /// An `ILIKE` pattern the number, the subject or the issuing agency matches.
    pub pattern: Option<String>,
}

/// How many documents `filter` keeps, and a page of them, newest first.
pub async fn page(
    conn: &mut AsyncPgConnection,
    filter: &ListFilter,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<DocumentRow>)> {
    let query = || {
        let mut query = documents::table.into_boxed();
        if let Some(status) = filter.status {
            query = query.filter(documents::status.eq(status));
        }
        if let Some(direction) = filter.direction {
            query = query.filter(documents::direction.eq(direction));
        }
        if let Some(source) = filter.source {
            query = query.filter(documents::source.eq(source));
        }
        if let Some(period_id) = filter.period_id {
            query = query.filter(
                documents::id
                    .eq_any(
                        document_period_links::table
                            .filter(document_period_links::period_id.eq(period_id))
                            .select(document_period_links::document_id),
                    )
                    .or(documents::id.eq_any(
                        document_submission_links::table
                            .inner_join(submissions::table)
                            .filter(submissions::period_id.eq(period_id))
                            .select(document_submission_links::document_id),
                    )),
            );
        }
        if let Some(submission_id) = filter.submission_id {
            query = query.filter(
                documents::id.eq_any(
                    document_submission_links::table
                        .filter(document_submission_links::submission_id.eq(submission_id))
                        .select(document_submission_links::document_id),
                ),
            );
        }
        if let Some(unit_id) = filter.own_unit_id {
            query = query.filter(
                documents::id.eq_any(
                    document_submission_links::table
                        .inner_join(submissions::table)
                        .filter(submissions::unit_id.eq(unit_id))
                        .select(document_submission_links::document_id),
                ),
            );
        }
        if let Some(pattern) = &filter.pattern {
            query = query.filter(
                documents::number_symbol
                    .ilike(pattern.clone())
                    .or(documents::subject.ilike(pattern.clone()))
                    .or(documents::issuing_agency.ilike(pattern.clone())),
            );
        }
        query
    };
    let total: i64 = query().count().get_result(conn).await?;
    let rows = query()
        .order(documents::id.desc())
        .limit(limit)
        .offset(offset)
        .select(DocumentRow::as_select())
        .load(conn)
        .await?;
    Ok((total, rows))
}
