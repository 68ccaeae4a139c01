//! A report's files: one, a page of them, or one's bytes, for whoever may read the report.

use bytes::Bytes;
use diesel_async::AsyncPgConnection;

use crate::authz::{self, PeopleOnly, Principal};
use crate::repo::submissions::readable;
use crate::storage::Storage;
use cchc_db::attachments::{self, AttachmentRow};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::attachment::{Attachment, AttachmentPage};
use cchc_domain::model::PageParams;

/// The attachment row and its submission's unit, if `principal` may read it.
pub(super) async fn find_readable(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
) -> Result<(AttachmentRow, Option<String>)> {
    match attachments::find(conn, id).await? {
        // Another unit's file does not exist for a reporter.
        Some(found) => {
            authz::may_read_unit(principal, found.unit_id, "attachment")?;
            Ok((found.row, found.indicator_code))
        }
        None => Err(Error::not_found("attachment")),
    }
}

pub async fn get(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
) -> Result<Attachment> {
    authz::refuse_integrations(principal, PeopleOnly::Reports)?;
    let (row, code) = find_readable(conn, id, principal).await?;
    Ok(row.into_model(code))
}

pub async fn list(
    conn: &mut AsyncPgConnection,
    submission_id: i64,
    page: PageParams,
    principal: &Principal,
) -> Result<AttachmentPage> {
    authz::refuse_integrations(principal, PeopleOnly::Reports)?;
    let (page, per_page) = page.validate()?;
    readable(conn, submission_id, principal).await?;
    let total = attachments::count_of_submission(conn, submission_id).await?;
    let offset = PageParams::offset(page, per_page);
    let items = attachments::page_of_submission(conn, submission_id, per_page, offset).await?;
    Ok(AttachmentPage {
        items,
        page,
        per_page,
        total,
    })
}

/// A file's description and bytes.
pub struct Download {
    pub attachment: Attachment,
    pub bytes: Bytes,
}

pub async fn download(
    conn: &mut AsyncPgConnection,
    storage: &Storage,
    id: i64,
    principal: &Principal,
) -> Result<Download> {
    authz::refuse_integrations(principal, PeopleOnly::Reports)?;
    let (row, code) = find_readable(conn, id, principal).await?;
    let bytes = storage.get(&row.storage_key).await?;
    let attachment = row.into_model(code);
    Ok(Download { attachment, bytes })
}
