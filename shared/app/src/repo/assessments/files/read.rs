//! A round's files: one, a page of them, or one's bytes.

use bytes::Bytes;
use diesel_async::AsyncPgConnection;

use super::{assemble, authorize_read, find_readable};
use crate::authz::Principal;
use crate::storage::Storage;
use cchc_db::assessment_files::{self as db, Owner};
use cchc_db::units;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::assessment_file::{AssessmentFile, AssessmentFilePage};
use cchc_domain::model::PageParams;

pub async fn get_file(
    conn: &mut AsyncPgConnection,
    id: i64,
    file_id: i64,
    principal: &Principal,
) -> Result<AssessmentFile> {
    let row = find_readable(conn, id, file_id, principal).await?;
    assemble(conn, vec![row])
        .await?
        .pop()
        .ok_or(Error::not_found("assessment file"))
}

/// The files of round `id`, oldest first; only unit `unit_code`'s when given (a reporter's are
/// its own unit's whatever it names).
pub async fn list_files(
    conn: &mut AsyncPgConnection,
    id: i64,
    unit_code: Option<&str>,
    page: PageParams,
    principal: &Principal,
) -> Result<AssessmentFilePage> {
    let (page, per_page) = page.validate()?;
    let own = authorize_read(conn, id, principal).await?;
    let named = match unit_code.map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(code) => Some(units::find_id_by_code(conn, code).await?.ok_or_else(|| {
            Error::invalid(
                "unit_code",
                "unknown_unit",
                format!("no unit has the code {code:?}"),
            )
        })?),
    };
    let owner = match (own, named) {
        (Some(own), Some(named)) if named != own => {
            return Err(Error::invalid(
                "unit_code",
                "not_your_unit",
                "a reporter reads its own unit's files",
            ))
        }
        (Some(own), _) => Owner::Unit(own),
        (None, Some(named)) => Owner::Unit(named),
        (None, None) => Owner::Any,
    };
    let offset = PageParams::offset(page, per_page);
    let (rows, total) = db::page(conn, id, owner, per_page, offset).await?;
    Ok(AssessmentFilePage {
        items: assemble(conn, rows).await?,
        page,
        per_page,
        total,
    })
}

/// A file's description and bytes.
pub struct AssessmentFileDownload {
    pub file: AssessmentFile,
    pub bytes: Bytes,
}

pub async fn download_file(
    conn: &mut AsyncPgConnection,
    storage: &Storage,
    id: i64,
    file_id: i64,
    principal: &Principal,
) -> Result<AssessmentFileDownload> {
    let row = find_readable(conn, id, file_id, principal).await?;
    let bytes = storage.get(&row.storage_key).await?;
    let file = assemble(conn, vec![row])
        .await?
        .pop()
        .ok_or(Error::not_found("assessment file"))?;
    Ok(AssessmentFileDownload { file, bytes })
}
