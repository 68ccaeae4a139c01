//! The registry of official documents (`documents`) and their files (`document_files`): the
//! rows.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use crate::schema::{document_files, documents};
use cchc_domain::model::document::{DocumentDirection, DocumentSource, DocumentStatus};

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
