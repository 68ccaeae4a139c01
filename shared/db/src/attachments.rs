//! The files of a submission (`submission_attachments`): the row and its queries (the
//! report's read model lists them; the file use cases add, find and remove one).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::{indicators, submission_attachments, submissions};
use cchc_domain::model::attachment::{download_url, Attachment, AttachmentPurpose};
use cchc_domain::rules::local_time::to_local;
use cchc_domain::Result;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = submission_attachments)]
pub struct AttachmentRow {
    pub id: i64,
    pub submission_id: i64,
    pub purpose: AttachmentPurpose,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub uploaded_at: DateTime<Utc>,
    pub uploaded_by: String,
}

impl AttachmentRow {
    /// The file as the API shows it, with the code of the indicator it supports.
    pub fn into_model(self, indicator_code: Option<String>) -> Attachment {
        Attachment {
            id: self.id,
            submission_id: self.submission_id,
            purpose: self.purpose,
            filename: self.filename,
            content_type: self.content_type,
            size_bytes: self.size_bytes,
            sha256: self.sha256,
            indicator_code,
            uploaded_at: to_local(self.uploaded_at),
            uploaded_by: self.uploaded_by,
            download_url: download_url(self.id),
        }
    }
}

/// Every file of a submission, oldest first; no access check (callers have done it).
pub async fn of_submission(
    mut conn: &AsyncPgConnection,
    submission_id: i64,
) -> Result<Vec<Attachment>> {
    let rows: Vec<(AttachmentRow, Option<String>)> = submission_attachments::table
        .left_join(indicators::table)
        .filter(submission_attachments::submission_id.eq(submission_id))
        .order(submission_attachments::id)
        .select((AttachmentRow::as_select(), indicators::code.nullable()))
        .load(&mut conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(row, code)| row.into_model(code))
        .collect())
}

/// A file about to be recorded; its bytes are in the store under `storage_key` already.
#[derive(Debug, Clone)]
pub struct NewAttachment<'a> {
    pub submission_id: i64,
    pub purpose: AttachmentPurpose,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a str,
    pub storage_key: &'a str,
    pub indicator_id: Option<i64>,
    pub uploaded_at: DateTime<Utc>,
    pub uploaded_by: &'a str,
}

/// Records `attachment`; its id.
pub async fn insert(conn: &mut AsyncPgConnection, attachment: &NewAttachment<'_>) -> Result<i64> {
    // Column by column: see `audit::insert` on `Option` fields and prepared statements.
    Ok(diesel::insert_into(submission_attachments::table)
        .values((
            submission_attachments::submission_id.eq(attachment.submission_id),
            submission_attachments::purpose.eq(attachment.purpose),
            submission_attachments::filename.eq(attachment.filename),
            submission_attachments::content_type.eq(attachment.content_type),
            submission_attachments::size_bytes.eq(attachment.size_bytes),
            submission_attachments::sha256.eq(attachment.sha256),
            submission_attachments::storage_key.eq(attachment.storage_key),
            submission_attachments::indicator_id.eq(attachment.indicator_id),
            submission_attachments::uploaded_at.eq(attachment.uploaded_at),
            submission_attachments::uploaded_by.eq(attachment.uploaded_by),
        ))
        .returning(submission_attachments::id)
        .get_result(conn)
        .await?)
}

/// A file found by id, with the code of the indicator it supports and its report's unit
/// (what the access check needs).
#[derive(Debug, Clone, Queryable)]
pub struct FoundAttachment {
    pub row: AttachmentRow,
    pub indicator_code: Option<String>,
    pub unit_id: i64,
}

/// File `id`, if it exists; no access check (the caller makes it with the unit returned).
pub async fn find(conn: &mut AsyncPgConnection, id: i64) -> Result<Option<FoundAttachment>> {
    Ok(submission_attachments::table
        .inner_join(submissions::table)
        .left_join(indicators::table)
        .filter(submission_attachments::id.eq(id))
        .select((
            AttachmentRow::as_select(),
            indicators::code.nullable(),
            submissions::unit_id,
        ))
        .first(conn)
        .await
        .optional()?)
}

/// How many files submission `submission_id` has.
pub async fn count_of_submission(conn: &mut AsyncPgConnection, submission_id: i64) -> Result<i64> {
    Ok(submission_attachments::table
        .filter(submission_attachments::submission_id.eq(submission_id))
        .count()
        .get_result(conn)
        .await?)
}

/// A page of submission `submission_id`'s files, oldest first.
pub async fn page_of_submission(
    conn: &mut AsyncPgConnection,
    submission_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<Attachment>> {
    let rows: Vec<(AttachmentRow, Option<String>)> = submission_attachments::table
        .left_join(indicators::table)
        .filter(submission_attachments::submission_id.eq(submission_id))
        .order(submission_attachments::id)
        .limit(limit)
        .offset(offset)
        .select((AttachmentRow::as_select(), indicators::code.nullable()))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(row, code)| row.into_model(code))
        .collect())
}

/// Removes file `id`'s row (the caller removes its object after the commit).
pub async fn delete(conn: &mut AsyncPgConnection, id: i64) -> Result<()> {
    diesel::delete(submission_attachments::table.find(id))
        .execute(conn)
        .await?;
    Ok(())
}
