//! The registry of official documents (`documents`): the rows and their queries; their files
//! (`document_files`) in `files`, what they are linked to (`document_period_links`,
//! `document_submission_links`) in `links`, the registry's list in `list`.

mod files;
mod links;
mod list;

pub use files::*;
pub use links::*;
pub use list::*;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::{document_files, documents};
use cchc_domain::model::document::{DocumentDirection, DocumentSource, DocumentStatus};
use cchc_domain::Result;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = documents)]
pub struct DocumentRow {
    pub id: i64,
    pub number_symbol: String,
    pub number: i32,
    pub symbol_year: Option<i32>,
    pub document_type: Option<String>,
    pub issuer: String,
    pub drafter: Option<String>,
    pub issued_on: NaiveDate,
    pub issue_year: i32,
    pub issuing_agency: String,
    pub subject: String,
    pub signer: Option<String>,
    pub direction: DocumentDirection,
    pub source: DocumentSource,
    pub integration_token_id: Option<i64>,
    pub received_at: Option<DateTime<Utc>>,
    pub status: DocumentStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = document_files)]
pub struct FileRow {
    pub id: i64,
    pub document_id: i64,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
}

/// The documents registered under number `symbol` (canonical form), in any year.
pub async fn ids_by_number(conn: &mut AsyncPgConnection, symbol: &str) -> Result<Vec<i64>> {
    Ok(documents::table
        .filter(documents::number_symbol.eq(symbol))
        .select(documents::id)
        .load(conn)
        .await?)
}

/// Document `id`, locked for the rest of the transaction when `lock`.
pub async fn find(
    conn: &mut AsyncPgConnection,
    id: i64,
    lock: bool,
) -> Result<Option<DocumentRow>> {
    let query = documents::table.find(id).select(DocumentRow::as_select());
    Ok(if lock {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    })
}

/// A registered number: what makes a document unique (Decree 30/2020/NĐ-CP, Art. 15: the
/// whole number and symbol within the issuing agency's year).
#[derive(Debug, Clone, Copy)]
pub struct NumberKey<'a> {
    /// `document_number::agency_key` of the issuing agency.
    pub agency_key: &'a str,
    pub issue_year: i32,
    /// The canonical number and symbol.
    pub number_symbol: &'a str,
}

/// The document registered under `key`, if any; `lock` locks it.
pub async fn find_same_number(
    conn: &mut AsyncPgConnection,
    key: NumberKey<'_>,
    lock: bool,
) -> Result<Option<DocumentRow>> {
    let query = documents::table
        .filter(documents::agency_key.eq(key.agency_key))
        .filter(documents::issue_year.eq(key.issue_year))
        .filter(documents::number_symbol.eq(key.number_symbol))
        .select(DocumentRow::as_select());
    Ok(if lock {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    })
}

/// A document about to be registered.
#[derive(Debug, Clone)]
pub struct NewDocumentRow<'a> {
    pub number_symbol: String,
    pub number: i32,
    pub symbol_year: Option<i32>,
    pub document_type: Option<&'a str>,
    pub issuer: &'a str,
    pub drafter: Option<&'a str>,
    pub issued_on: NaiveDate,
    pub issue_year: i32,
    pub issuing_agency: &'a str,
    /// `document_number::agency_key` of `issuing_agency`.
    pub agency_key: &'a str,
    pub subject: &'a str,
    pub signer: Option<&'a str>,
    pub direction: DocumentDirection,
    pub source: DocumentSource,
    pub integration_token_id: Option<i64>,
    pub received_at: Option<DateTime<Utc>>,
    pub status: DocumentStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Registers `document`; its id. The raw error is returned so the caller can tell a number
/// registered meanwhile (the unique index) from other failures.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    document: &NewDocumentRow<'_>,
) -> QueryResult<i64> {
    // Column by column: see `audit::insert` on `Option` fields and prepared statements.
    diesel::insert_into(documents::table)
        .values((
            documents::number_symbol.eq(&document.number_symbol),
            documents::number.eq(document.number),
            documents::symbol_year.eq(document.symbol_year),
            documents::document_type.eq(document.document_type),
            documents::issuer.eq(document.issuer),
            documents::drafter.eq(document.drafter),
            documents::issued_on.eq(document.issued_on),
            documents::issue_year.eq(document.issue_year),
            documents::issuing_agency.eq(document.issuing_agency),
            documents::agency_key.eq(document.agency_key),
            documents::subject.eq(document.subject),
            documents::signer.eq(document.signer),
            documents::direction.eq(document.direction),
            documents::source.eq(document.source),
            documents::integration_token_id.eq(document.integration_token_id),
            documents::received_at.eq(document.received_at),
            documents::status.eq(document.status),
            documents::created_at.eq(document.created_at),
            documents::updated_at.eq(document.updated_at),
        ))
        .returning(documents::id)
        .get_result(conn)
        .await
}

/// Document `id`'s status (an error when it does not exist).
pub async fn status_of(conn: &mut AsyncPgConnection, id: i64) -> Result<DocumentStatus> {
    Ok(documents::table
        .find(id)
        .select(documents::status)
        .first(conn)
        .await?)
}

/// Sets document `id`'s status.
pub async fn set_status(
    conn: &mut AsyncPgConnection,
    id: i64,
    status: DocumentStatus,
    now: DateTime<Utc>,
) -> Result<()> {
    diesel::update(documents::table.find(id))
        .set((documents::status.eq(status), documents::updated_at.eq(now)))
        .execute(conn)
        .await?;
    Ok(())
}
