//! The registry of official documents (`documents`), their files (`document_files`) and
//! what they are linked to (`document_period_links`): the rows and their queries.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::{document_files, document_period_links, documents};
use cchc_domain::model::document::{
    DocumentDirection, DocumentLinkRole, DocumentSource, DocumentStatus,
};
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

/// The periods any of `document_ids` is the request letter of, by id.
pub async fn periods_requested_by(
    conn: &mut AsyncPgConnection,
    document_ids: &[i64],
) -> Result<Vec<i64>> {
    Ok(document_period_links::table
        .filter(document_period_links::document_id.eq_any(document_ids))
        .filter(document_period_links::role.eq(DocumentLinkRole::RequestLetter))
        .select(document_period_links::period_id)
        .distinct()
        .order(document_period_links::period_id)
        .load(conn)
        .await?)
}
