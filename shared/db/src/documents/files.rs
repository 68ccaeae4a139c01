//! The files of a registered document (`document_files`).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::FileRow;
use crate::schema::{document_files, documents};
use cchc_domain::Result;

/// A file of a document about to be recorded; its bytes are in the store already.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = document_files)]
pub struct NewFileRow<'a> {
    pub document_id: i64,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a str,
    pub storage_key: &'a str,
    pub created_at: DateTime<Utc>,
    pub created_by: &'a str,
}

/// Records `file` and marks its document changed; the file's id.
pub async fn insert_file(conn: &mut AsyncPgConnection, file: &NewFileRow<'_>) -> Result<i64> {
    let id: i64 = diesel::insert_into(document_files::table)
        .values(file)
        .returning(document_files::id)
        .get_result(conn)
        .await?;
    diesel::update(documents::table.find(file.document_id))
        .set(documents::updated_at.eq(file.created_at))
        .execute(conn)
        .await?;
    Ok(id)
}

/// SHA-256 of the files document `document_id` already has.
pub async fn file_hashes(conn: &mut AsyncPgConnection, document_id: i64) -> Result<Vec<String>> {
    Ok(document_files::table
        .filter(document_files::document_id.eq(document_id))
        .select(document_files::sha256)
        .load(conn)
        .await?)
}

/// File `file_id` of document `document_id`, if it is one of its files.
pub async fn find_file(
    conn: &mut AsyncPgConnection,
    document_id: i64,
    file_id: i64,
) -> Result<Option<FileRow>> {
    Ok(document_files::table
        .filter(document_files::document_id.eq(document_id))
        .filter(document_files::id.eq(file_id))
        .select(FileRow::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// The files of documents `ids`, oldest first.
pub async fn files_of(conn: &mut AsyncPgConnection, ids: &[i64]) -> Result<Vec<FileRow>> {
    Ok(document_files::table
        .filter(document_files::document_id.eq_any(ids))
        .order(document_files::id)
        .select(FileRow::as_select())
        .load(conn)
        .await?)
}
