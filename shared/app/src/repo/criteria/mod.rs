//! PAR Index criteria sets: the Office writes a set as a draft (`write`), replaces it while it
//! is one, publishes it, or removes it; everyone but integrations reads them (`read`). Editing
//! a published set (`versions`) rewrites it while no round was sent against it and makes its
//! next version afterwards; the open rounds' parts follow the edit by criterion code.

mod input;
mod read;
mod versions;
pub mod workbook;
mod write;

use diesel_async::AsyncPgConnection;

use crate::authz::{self, Principal};
use crate::repo::local;
use crate::repo::local_opt;
use cchc_db::criteria::{self as db, CriteriaSetRow};
use cchc_db::refs;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::criteria::{CriteriaSet, Criterion, RankingClass, Scoring};
use rust_decimal::Decimal;

pub use input::Replaced;
pub use read::{get, list};
pub use write::{create, delete, publish, replace};

/// Writing criteria sets: the Office. Exposed so a handler refuses a caller before it parses
/// the body.
pub fn authorize_change(principal: &Principal) -> Result<()> {
    authz::require_office_for_plans(principal, "write criteria sets")
}

/// Set `id`, or "not found".
async fn find(conn: &mut AsyncPgConnection, id: i64, lock: bool) -> Result<CriteriaSetRow> {
    db::find_set(conn, id, lock)
        .await?
        .ok_or(Error::not_found("criteria set"))
}

fn stored<T: serde::de::DeserializeOwned>(value: serde_json::Value, what: &str) -> Result<T> {
    serde_json::from_value(value)
        .map_err(|e| Error::Internal(format!("a stored {what} does not read: {e}")))
}

/// Set `id` with its criteria, as the API shows it.
pub(crate) async fn load(conn: &mut AsyncPgConnection, id: i64) -> Result<CriteriaSet> {
    let row = find(conn, id, false).await?;
    let rows = db::criteria_of(conn, id).await?;
    let codes: std::collections::HashMap<i64, String> =
        rows.iter().map(|r| (r.id, r.code.clone())).collect();
    let document = match row.document_id {
        Some(document_id) => refs::document_refs(conn, &[document_id])
            .await?
            .remove(&document_id),
        None => None,
    };
    let total_points: Decimal = rows
        .iter()
        .filter(|r| r.depth == 1)
        .map(|r| r.max_points)
        .sum();
    let criteria = rows
        .into_iter()
        .map(|r| {
            Ok(Criterion {
                parent_code: r.parent_id.and_then(|p| codes.get(&p).cloned()),
                scoring: r
                    .scoring
                    .map(|s| stored::<Scoring>(s, "scoring"))
                    .transpose()?,
                id: r.id,
                code: r.code,
                depth: r.depth,
                title: r.title,
                max_points: r.max_points.normalize(),
                content_area: r.content_area,
                evidence_hint: r.evidence_hint,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(CriteriaSet {
        ranking_classes: stored::<Vec<RankingClass>>(row.ranking_classes, "ranking classes")?,
        id: row.id,
        code: row.code,
        year: row.year,
        title: row.title,
        document,
        status: row.status,
        version: row.version,
        previous_version_id: row.previous_version_id,
        superseded_by_id: match row.superseded_at {
            Some(_) => cchc_db::criteria_versions::successor_of(conn, row.id)
                .await?
                .map(|(id, _)| id),
            None => None,
        },
        superseded_at: local_opt(row.superseded_at),
        restored_share_percent: row.restored_share_percent.normalize(),
        total_points: total_points.normalize(),
        criteria,
        published_at: local_opt(row.published_at),
        created_at: local(row.created_at),
        updated_at: local(row.updated_at),
    })
}
