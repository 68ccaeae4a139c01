//! The registry of official documents: registration (by hand or from QLVB events), files,
//! links to periods and submissions, and who may see what.
//!
//! - The Office (admin) registers, adds files and links; admins and viewers read everything;
//!   a reporter reads only documents linked to its own unit's submissions; integration tokens
//!   only send events.
//! - A number and symbol is unique within the issuing agency's year (Decree 30/2020/NĐ-CP,
//!   Art. 15: numbers restart from 01 each year, per series); `19/KH-SCT` and `19/QĐ-SCT` are
//!   two documents. The unique index decides, so two concurrent registrations cannot both win.
//! - Files follow the attachments' order of writes: the object first under a new key, then the
//!   row in one transaction; the object is removed again if the transaction fails.

use std::collections::HashMap;

use diesel_async::AsyncPgConnection;

use crate::authz::Principal;
use crate::authz::{self, PeopleOnly, UnitScope};
use crate::repo::{contains_pattern, local, local_opt};
use cchc_db::documents;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::document::{
    Document, DocumentFile, DocumentFilter, DocumentLink, DocumentPage, DocumentWarning,
};
use cchc_domain::model::PageParams;
use cchc_domain::rules::document_number;

mod files;
mod links;
mod register;

pub use files::*;
pub use links::*;
pub use register::*;

pub(crate) use cchc_db::documents::{DocumentRow, FileRow};

/// The path a document is served from.
pub fn document_url(id: i64) -> String {
    format!("/api/v1/documents/{id}")
}

/// The path a document's file is downloaded from.
pub fn file_download_url(document_id: i64, file_id: i64) -> String {
    format!("/api/v1/documents/{document_id}/files/{file_id}/content")
}

fn file_to_api(row: FileRow) -> DocumentFile {
    DocumentFile {
        download_url: file_download_url(row.document_id, row.id),
        id: row.id,
        document_id: row.document_id,
        filename: row.filename,
        content_type: row.content_type,
        size_bytes: row.size_bytes,
        sha256: row.sha256,
        created_at: local(row.created_at),
        created_by: row.created_by,
    }
}

/// The type's name, the co-issuers and the warnings, read again from the stored number.
fn reading(row: &DocumentRow) -> (String, Vec<String>, Vec<DocumentWarning>) {
    match document_number::parse(&row.number_symbol) {
        Ok(parsed) => (
            parsed.type_name().to_owned(),
            parsed.co_issuers.clone(),
            document_number::warnings(&parsed, row.issued_on)
                .into_iter()
                .map(|(code, message)| DocumentWarning {
                    code: code.to_owned(),
                    message,
                })
                .collect(),
        ),
        // Stored before the parser knew its form; the columns still hold what was parsed.
        Err(_) => ("Văn bản".to_owned(), Vec::new(), Vec::new()),
    }
}

/// The first step of every change to the registry by hand ([`create`], [`link`],
/// [`add_file`]): the Office only. Exposed so a handler refuses a caller before it reports what
/// is wrong with the body.
pub fn authorize_change(principal: &Principal) -> Result<()> {
    authz::require_admin(principal)
}

async fn hydrate(conn: &mut AsyncPgConnection, rows: Vec<DocumentRow>) -> Result<Vec<Document>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut files: HashMap<i64, Vec<DocumentFile>> = HashMap::new();
    for row in documents::files_of(conn, &ids).await? {
        files
            .entry(row.document_id)
            .or_default()
            .push(file_to_api(row));
    }
    let mut links: HashMap<i64, Vec<DocumentLink>> = HashMap::new();
    for link in documents::period_links_of(conn, &ids).await? {
        links
            .entry(link.document_id)
            .or_default()
            .push(DocumentLink {
                role: link.role,
                period_id: link.period_id,
                period_code: link.period_code,
                submission_id: None,
                unit_code: None,
                linked_at: local(link.linked_at),
                linked_by: link.linked_by,
            });
    }
    for link in documents::submission_links_of(conn, &ids).await? {
        links
            .entry(link.document_id)
            .or_default()
            .push(DocumentLink {
                role: link.role,
                period_id: link.period_id,
                period_code: link.period_code,
                submission_id: Some(link.submission_id),
                unit_code: Some(link.unit_code),
                linked_at: local(link.linked_at),
                linked_by: link.linked_by,
            });
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let (type_name, co_issuers, warnings) = reading(&row);
            Document {
                type_name,
                co_issuers,
                warnings,
                files: files.remove(&row.id).unwrap_or_default(),
                links: links.remove(&row.id).unwrap_or_default(),
                id: row.id,
                number: row.number_symbol,
                number_value: row.number,
                symbol_year: row.symbol_year,
                document_type: row.document_type,
                issuer: row.issuer,
                drafter: row.drafter,
                issued_on: row.issued_on,
                issue_year: row.issue_year,
                issuing_agency: row.issuing_agency,
                subject: row.subject,
                signer: row.signer,
                direction: row.direction,
                source: row.source,
                integration_token_id: row.integration_token_id,
                status: row.status,
                received_at: local_opt(row.received_at),
                created_at: local(row.created_at),
                updated_at: local(row.updated_at),
            }
        })
        .collect())
}

async fn find_row(conn: &mut AsyncPgConnection, id: i64, lock: bool) -> Result<DocumentRow> {
    documents::find(conn, id, lock)
        .await?
        .ok_or(Error::not_found("document"))
}

/// The document's row, if `principal` may read it: another unit's document does not exist
/// for a reporter.
async fn readable_row(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
) -> Result<DocumentRow> {
    authz::refuse_integrations(principal, PeopleOnly::Registry)?;
    let row = find_row(conn, id, false).await?;
    if let UnitScope::Own(own) = authz::unit_scope(principal) {
        if !documents::linked_to_unit(conn, id, own).await? {
            return Err(Error::not_found("document"));
        }
    }
    Ok(row)
}

/// A document with its files and links; no access check.
pub(crate) async fn load(conn: &mut AsyncPgConnection, id: i64) -> Result<Document> {
    let row = find_row(conn, id, false).await?;
    hydrate(conn, vec![row])
        .await?
        .pop()
        .ok_or(Error::not_found("document"))
}

pub async fn get(conn: &mut AsyncPgConnection, id: i64, principal: &Principal) -> Result<Document> {
    let row = readable_row(conn, id, principal).await?;
    hydrate(conn, vec![row])
        .await?
        .pop()
        .ok_or(Error::not_found("document"))
}

pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &DocumentFilter,
    page: PageParams,
    principal: &Principal,
) -> Result<DocumentPage> {
    authz::refuse_integrations(principal, PeopleOnly::Registry)?;
    let (page, per_page) = page.validate()?;
    let own_unit = authz::unit_scope(principal).only_unit();
    let list_filter = documents::ListFilter {
        status: filter.status,
        direction: filter.direction,
        source: filter.source,
        period_id: filter.period_id,
        submission_id: filter.submission_id,
        own_unit_id: own_unit,
        pattern: filter
            .q
            .as_deref()
            .filter(|q| !q.trim().is_empty())
            .map(contains_pattern),
    };
    let offset = PageParams::offset(page, per_page);
    let (total, rows) = documents::page(conn, &list_filter, per_page, offset).await?;
    Ok(DocumentPage {
        items: hydrate(conn, rows).await?,
        page,
        per_page,
        total,
    })
}

/// A file checked and written to the store, waiting for its row.
#[derive(Debug, Clone)]
pub(crate) struct StoredFile {
    pub filename: String,
    pub content_type: &'static str,
    pub size_bytes: i64,
    pub sha256: String,
    pub key: String,
}
