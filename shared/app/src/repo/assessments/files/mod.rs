//! A self-assessment round's files of evidence: a unit with parts in the round uploads its own
//! file (a scanned minute, a photo, a spreadsheet of results), or the Office its own, then a
//! part cites it with `evidence[].file_id`. The Office and the leadership read every file; a
//! unit's reporter its own unit's. The uploading unit's reporter or the Office removes a file
//! no part cites, while the round is open.
//!
//! As for a task's files: an upload writes the object under a new unique key first, then the
//! row in one transaction (the object is deleted again if that fails); a removal deletes the
//! row, then the object.

mod delete;
mod read;
mod upload;

use diesel_async::AsyncPgConnection;

use super::find;
use crate::authz::{self, Principal, UnitScope};
use cchc_db::assessment_files::{self as db, AssessmentFileRow};
use cchc_db::refs;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::assessment_file::{download_url, AssessmentFile};

pub use delete::delete_file;
pub use read::{download_file, get_file, list_files, AssessmentFileDownload};
pub use upload::{authorize_file_upload, upload_file, FORM_FIELDS};

/// Whether `principal` may read round `id`'s files: everyone who reads plans, a reporter only
/// when its unit has parts in the round (else the round does not exist for it). The
/// reporter's unit, when the caller is one.
async fn authorize_read(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
) -> Result<Option<i64>> {
    authz::read_plans(principal)?;
    find(conn, id, false).await?;
    match authz::unit_scope(principal) {
        UnitScope::All => Ok(None),
        UnitScope::Own(Some(own)) if db::part_units(conn, id).await?.contains(&own) => {
            Ok(Some(own))
        }
        UnitScope::Own(_) => Err(Error::not_found("assessment")),
    }
}

/// File `file_id` of round `id`, if `principal` may read it (a reporter its own unit's only).
async fn find_readable(
    conn: &mut AsyncPgConnection,
    id: i64,
    file_id: i64,
    principal: &Principal,
) -> Result<AssessmentFileRow> {
    let own = authorize_read(conn, id, principal).await?;
    db::find(conn, id, file_id)
        .await?
        .filter(|row| own.is_none() || row.unit_id == own)
        .ok_or(Error::not_found("assessment file"))
}

/// Rows as the API shows them, with their units and whether a part cites them.
async fn assemble(
    conn: &mut AsyncPgConnection,
    rows: Vec<AssessmentFileRow>,
) -> Result<Vec<AssessmentFile>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let cited = db::cited(conn, &ids).await?;
    let mut unit_ids: Vec<i64> = rows.iter().filter_map(|r| r.unit_id).collect();
    unit_ids.sort_unstable();
    unit_ids.dedup();
    let units = refs::unit_refs(conn, &unit_ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| AssessmentFile {
            download_url: download_url(row.assessment_id, row.id),
            cited: cited.contains(&row.id),
            uploaded_at: crate::repo::local(row.uploaded_at),
            unit: row.unit_id.and_then(|u| units.get(&u).cloned()),
            id: row.id,
            assessment_id: row.assessment_id,
            filename: row.filename,
            content_type: row.content_type,
            size_bytes: row.size_bytes,
            sha256: row.sha256,
            uploaded_by: row.uploaded_by,
        })
        .collect())
}
