//! The files of an official document: stored, checked, added, downloaded.

use super::{authorize_change, file_to_api, find_row, readable_row, FileRow, StoredFile};
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use crate::repo::upload_form;
use crate::repo::upload_form::UploadForm;
use crate::storage::Storage;
use bytes::Bytes;
use cchc_db::documents;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::document::DocumentFile;
use cchc_domain::rules::attachments::{sha256_hex, FileProblem};
use cchc_domain::validation::Checker;
use cchc_excel::files::check_document_file;
use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use rand::Rng;
use serde_json::json;

/// A fresh, unguessable key; never reused.
pub(crate) fn new_key() -> String {
    let random: u128 = rand::rng().random();
    format!("documents/{random:032x}")
}

/// Writes checked bytes to the store.
pub(crate) async fn store(
    storage: &Storage,
    filename: String,
    content_type: &'static str,
    bytes: Bytes,
) -> Result<StoredFile> {
    let file = StoredFile {
        filename,
        content_type,
        size_bytes: i64::try_from(bytes.len())
            .map_err(|_| Error::Internal("file size overflows i64".into()))?,
        sha256: sha256_hex(&bytes),
        key: new_key(),
    };
    storage.put(&file.key, bytes).await?;
    Ok(file)
}

/// Removes objects whose rows were never written (best effort).
pub(crate) async fn discard(storage: &Storage, files: &[StoredFile]) {
    for file in files {
        if let Err(error) = storage.delete(&file.key).await {
            tracing::warn!(key = %file.key, %error, "could not remove the object of a failed document write");
        }
    }
}

/// Records a stored file of document `document_id`; call inside a transaction.
pub(crate) async fn insert_file(
    conn: &mut AsyncPgConnection,
    document_id: i64,
    file: &StoredFile,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<i64> {
    let row = documents::NewFileRow {
        document_id,
        filename: &file.filename,
        content_type: file.content_type,
        size_bytes: file.size_bytes,
        sha256: &file.sha256,
        storage_key: &file.key,
        created_at: now,
        created_by: &actor.name,
    };
    let id = documents::insert_file(conn, &row).await?;
    let recorded = json!({
        "file_id": id,
        "filename": file.filename,
        "content_type": file.content_type,
        "size_bytes": file.size_bytes,
        "sha256": file.sha256,
    });
    audit::record(
        conn,
        actor,
        now,
        Entry {
            entity_type: EntityType::Document,
            entity_id: document_id.to_string(),
            action: "file_added",
            before: None,
            after: Some(recorded),
        },
    )
    .await?;
    Ok(id)
}

/// SHA-256 of the files a document already has.
pub(crate) async fn file_hashes(
    conn: &mut AsyncPgConnection,
    document_id: i64,
) -> Result<Vec<String>> {
    documents::file_hashes(conn, document_id).await
}

/// The first step of [`add_file`]: `principal` may add files (the Office) and document `id`
/// exists. Exposed so a handler refuses a caller before it reads the body.
pub async fn authorize_add_file(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
) -> Result<()> {
    authorize_change(principal)?;
    find_row(conn, id, false).await.map(|_| ())
}

pub(super) fn check_form(form: UploadForm) -> Result<(String, &'static str, Bytes)> {
    let mut check = Checker::new();
    for name in &form.unknown_fields {
        check.push(
            name.as_str(),
            "unknown_field",
            "not a field of this form; send only file",
        );
    }
    upload_form::check_repeated(&mut check, &form);
    let filename = upload_form::check_file_part(&mut check, &form);
    check.finish()?;
    let (Some(file), Some(filename)) = (form.file, filename) else {
        return Err(Error::Internal("upload checked without its parts".into()));
    };
    let content_type = checked_type("file", &file.bytes)?;
    Ok((filename, content_type, file.bytes))
}

/// The content type of a document's file, or the 415/422 naming `field`.
pub(crate) fn checked_type(field: &str, bytes: &[u8]) -> Result<&'static str> {
    check_document_file(bytes)
        .map(|t| t.content_type())
        .map_err(|problem| type_problem(field, problem))
}

/// The 415/422 naming `field` for a file a document may not have.
pub(crate) fn type_problem(field: &str, problem: FileProblem) -> Error {
    let message = problem.document_message();
    upload_form::refused_file(field, problem, message)
}

/// Adds a file to a document (the Office).
pub async fn add_file(
    conn: &mut AsyncPgConnection,
    storage: &Storage,
    id: i64,
    form: UploadForm,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<DocumentFile> {
    authorize_add_file(conn, id, principal).await?;
    let (filename, content_type, bytes) = check_form(form)?;
    let stored = store(storage, filename, content_type, bytes).await?;
    let recorded = conn
        .transaction(async |conn| -> Result<i64> {
            find_row(conn, id, true).await?;
            insert_file(conn, id, &stored, actor, now).await
        })
        .await;
    match recorded {
        Ok(file_id) => file(conn, id, file_id).await,
        Err(error) => {
            discard(storage, std::slice::from_ref(&stored)).await;
            Err(error)
        }
    }
}

pub(super) async fn file_row(
    conn: &mut AsyncPgConnection,
    document_id: i64,
    file_id: i64,
) -> Result<FileRow> {
    documents::find_file(conn, document_id, file_id)
        .await?
        .ok_or(Error::not_found("document file"))
}

pub(super) async fn file(
    conn: &mut AsyncPgConnection,
    document_id: i64,
    file_id: i64,
) -> Result<DocumentFile> {
    file_row(conn, document_id, file_id).await.map(file_to_api)
}

/// A document file's description, if `principal` may read the document.
pub async fn get_file(
    conn: &mut AsyncPgConnection,
    document_id: i64,
    file_id: i64,
    principal: &Principal,
) -> Result<DocumentFile> {
    readable_row(conn, document_id, principal).await?;
    file(conn, document_id, file_id).await
}

/// A document file's description and bytes.
pub async fn download(
    conn: &mut AsyncPgConnection,
    storage: &Storage,
    document_id: i64,
    file_id: i64,
    principal: &Principal,
) -> Result<(DocumentFile, Bytes)> {
    readable_row(conn, document_id, principal).await?;
    let row = file_row(conn, document_id, file_id).await?;
    let bytes = storage.get(&row.storage_key).await?;
    Ok((file_to_api(row), bytes))
}
