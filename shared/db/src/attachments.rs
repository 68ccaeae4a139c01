//! The files of a submission (`submission_attachments`): the row, and the reads more than one
//! use case makes (the report's read model lists them; the file use cases find one).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::{indicators, submission_attachments};
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
