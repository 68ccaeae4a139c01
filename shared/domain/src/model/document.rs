//! Official documents (văn bản): the registry, its files and links, and the events the
//! province's document-management system (QLVB) sends.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::model::page_of;
use crate::text_enum;

text_enum! {
    /// Whether the department received the document or issued it.
    pub enum DocumentDirection {
        /// Received (văn bản đến), e.g. a unit's report.
        Incoming => "incoming",
        /// Issued by the department (văn bản đi), e.g. the period's request letter.
        Outgoing => "outgoing",
    }
}

text_enum! {
    /// How the document reached the registry.
    pub enum DocumentSource {
        /// Registered by hand through the API.
        Manual => "manual",
        /// Delivered by the document-management system (QLVB) as an event.
        Qlvb => "qlvb",
    }
}

text_enum! {
    /// Where the document stands.
    pub enum DocumentStatus {
        /// Recorded, not linked to anything yet.
        Registered => "registered",
        /// Received from QLVB but not matched to a unit's report: waits in the Office's inbox
        /// (`GET /api/v1/documents?status=unmatched`) to be linked by hand.
        Unmatched => "unmatched",
        /// Linked to a period or a submission.
        Linked => "linked",
    }
}

text_enum! {
    /// What a document is to what it is linked to.
    pub enum DocumentLinkRole {
        /// A legal basis of the period (căn cứ), e.g. the plan `383/KH-SCT`.
        LegalBasis => "legal_basis",
        /// The letter asking the units to report (công văn đề nghị), e.g. `3394/SCT-VP`. A
        /// document received in reply to it is matched to the period.
        RequestLetter => "request_letter",
        /// A unit's report for the period, sent as an official document.
        UnitReport => "unit_report",
    }
}

/// A stored file of a document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentFile {
    pub id: i64,
    pub document_id: i64,
    #[schema(example = "12-BC-QLCN.pdf")]
    pub filename: String,
    /// Decided from the content.
    #[schema(example = "application/pdf")]
    pub content_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
    pub created_at: DateTime<FixedOffset>,
    /// Name of the token that added it.
    pub created_by: String,
    #[schema(example = "/api/v1/documents/7/files/3/content")]
    pub download_url: String,
}

/// A link of a document to a period or to a unit's submission.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentLink {
    pub role: DocumentLinkRole,
    pub period_id: i64,
    #[schema(example = "2026-Q4")]
    pub period_code: String,
    /// For `unit_report` links.
    pub submission_id: Option<i64>,
    #[schema(example = "QLCN")]
    pub unit_code: Option<String>,
    pub linked_at: DateTime<FixedOffset>,
    pub linked_by: String,
}

/// An official document of the registry.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Document {
    pub id: i64,
    /// The number and symbol in canonical form (Decree 30/2020/NĐ-CP).
    #[schema(example = "12/BC-QLCN")]
    pub number: String,
    /// The running number.
    #[schema(example = 12)]
    pub number_value: i32,
    /// The year written in a legal normative document's symbol (`09/2019/NĐ-CP`).
    pub symbol_year: Option<i32>,
    /// The type abbreviation; absent for an official letter (công văn).
    #[schema(example = "BC")]
    pub document_type: Option<String>,
    /// The type's Vietnamese name.
    #[schema(example = "Báo cáo")]
    pub type_name: String,
    /// The issuing agency's abbreviation in the symbol.
    #[schema(example = "QLCN")]
    pub issuer: String,
    /// The other issuers of a joint document (`BTC` in `02/2019/TTLT-BNV-BTC`).
    #[schema(example = json!([]))]
    pub co_issuers: Vec<String>,
    /// The drafting unit's abbreviation, when the symbol names one.
    pub drafter: Option<String>,
    /// What an officer should check: a symbol that reads two ways (`ambiguous_symbol`), a
    /// year in the symbol unlike the issue date's (`symbol_year_differs`).
    pub warnings: Vec<DocumentWarning>,
    pub issued_on: NaiveDate,
    /// The year the number belongs to: numbers restart each year per issuer.
    pub issue_year: i32,
    #[schema(example = "Phòng Quản lý Công nghiệp")]
    pub issuing_agency: String,
    /// The summary (trích yếu).
    #[schema(example = "Báo cáo kết quả công tác cải cách hành chính Quý IV năm 2026")]
    pub subject: String,
    #[schema(example = "Nguyễn Văn Minh")]
    pub signer: Option<String>,
    pub direction: DocumentDirection,
    pub source: DocumentSource,
    /// The integration token that delivered it (source `qlvb`).
    pub integration_token_id: Option<i64>,
    pub status: DocumentStatus,
    /// When QLVB delivered it.
    pub received_at: Option<DateTime<FixedOffset>>,
    pub files: Vec<DocumentFile>,
    pub links: Vec<DocumentLink>,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

page_of!(DocumentPage, Document, "A page of documents, newest first.");

/// Something about a registered number an officer should check; it does not stop registration.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentWarning {
    /// `ambiguous_symbol` or `symbol_year_differs`.
    #[schema(example = "symbol_year_differs")]
    pub code: String,
    /// In Vietnamese, for the officer.
    #[schema(
        example = "Năm trong ký hiệu (2001) khác năm ban hành (2021); kiểm tra lại số, ký hiệu hoặc ngày ban hành."
    )]
    pub message: String,
}

/// A new document registered by hand.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "number": "3394/SCT-VP",
    "issued_on": "2026-11-02",
    "issuing_agency": "Sở Công Thương",
    "subject": "V/v báo cáo kết quả công tác cải cách hành chính Quý IV năm 2026",
    "signer": "Lê Thu Hải",
    "direction": "outgoing"
}))]
pub struct CreateDocument {
    /// Number and symbol per Decree 30/2020/NĐ-CP: `383/KH-SCT`, `3394/SCT-VP`,
    /// `09/2019/NĐ-CP`, `45/2019/QH14`, `39-NQ/TW`, `30c/NQ-CP`; a leading `Số`, look-alike
    /// dashes and `Ð` (U+00D0) are tidied. Abbreviations are written with A–Z, Đ and digits,
    /// the number with at most nine digits; `pattern` is the whole grammar. Unique, with
    /// `issuing_agency`, within the year (Decree 30/2020/NĐ-CP, Art. 15).
    #[schema(example = "3394/SCT-VP")]
    pub number: String,
    /// Date of issue (YYYY-MM-DD).
    #[schema(example = "2026-11-02")]
    #[serde(deserialize_with = "crate::model::time_input::date")]
    pub issued_on: NaiveDate,
    #[schema(example = "Sở Công Thương", min_length = 1, max_length = 300)]
    pub issuing_agency: String,
    /// The summary (trích yếu).
    #[schema(
        example = "V/v báo cáo kết quả công tác cải cách hành chính Quý IV năm 2026",
        min_length = 1,
        max_length = 2000
    )]
    pub subject: String,
    #[serde(default)]
    #[schema(example = "Lê Thu Hải", min_length = 1, max_length = 200)]
    pub signer: Option<String>,
    pub direction: DocumentDirection,
}

/// What to link a document to: exactly one of
/// - `period_id` with `role` (`legal_basis` or `request_letter`);
/// - `submission_id` (the unit's report);
/// - `unit_code` with `period_code` (the unit's submission for the period, created as a draft
///   if it has none).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkDocument {
    #[serde(default)]
    pub period_id: Option<i64>,
    /// With `period_id`: `legal_basis` or `request_letter`.
    #[serde(default)]
    pub role: Option<DocumentLinkRole>,
    #[serde(default)]
    pub submission_id: Option<i64>,
    #[serde(default)]
    #[schema(example = "QLCN")]
    pub unit_code: Option<String>,
    #[serde(default)]
    #[schema(example = "2026-Q4")]
    pub period_code: Option<String>,
}

/// Filters of the document list, newest first.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentFilter {
    /// `unmatched` is the Office's inbox of received documents to link by hand.
    pub status: Option<DocumentStatus>,
    pub direction: Option<DocumentDirection>,
    pub source: Option<DocumentSource>,
    /// Documents linked to this period (directly or through a unit's submission).
    pub period_id: Option<i64>,
    /// Documents linked to this submission.
    pub submission_id: Option<i64>,
    /// Case-insensitive search in the number, subject and issuing agency.
    pub q: Option<String>,
}

/// An official document linked to a submission, as the submission shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OfficialDocument {
    pub id: i64,
    #[schema(example = "12/BC-QLCN")]
    pub number: String,
    pub issued_on: NaiveDate,
    pub subject: String,
    pub source: DocumentSource,
    /// When QLVB delivered it (source `qlvb`).
    pub received_at: Option<DateTime<FixedOffset>>,
    pub linked_at: DateTime<FixedOffset>,
    /// What its files did to the report when it arrived through QLVB (figures imported from
    /// the statistics form, cells with problems, files attached, the submission).
    pub qlvb_import: Option<crate::model::qlvb_import::QlvbImport>,
}

/// A per-integration signing secret, shown only when created or rotated.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SigningSecret {
    pub token_id: i64,
    /// The HMAC-SHA256 key QLVB signs its events with (`X-CCHC-Signature`). Shown only now.
    #[schema(example = "whsec_3q2-7wEXAMPLEONLY0pZ9kT3d1hQfXb8mA")]
    pub signing_secret: String,
    pub created_at: DateTime<FixedOffset>,
}

text_enum! {
    /// The events QLVB sends.
    pub enum QlvbEventType {
        /// The department issued a document (e.g. the period's request letter): it is
        /// registered as outgoing.
        DocumentIssued => "document.issued",
        /// The department received a document (e.g. a unit's report): it is registered as
        /// incoming and matched to a unit's submission, or left in the inbox.
        DocumentReceived => "document.received",
    }
}

/// An inbound QLVB event: the same envelope as the webhooks this service sends.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "id": "qlvb-evt-000123",
    "type": "document.received",
    "occurred_at": "2026-12-04T16:30:00+07:00",
    "data": {
        "document": {
            "number": "12/BC-QLCN",
            "issued_on": "2026-12-04",
            "issuing_agency": "Phòng Quản lý Công nghiệp",
            "subject": "Báo cáo kết quả công tác cải cách hành chính Quý IV năm 2026",
            "signer": "Phạm Minh Tuấn",
            "sender": {
                "unit_code": "QLCNMT"
            },
            "period_code": "2026-Q4",
            "in_reply_to": "3394/SCT-VP",
            "files": []
        }
    }
}))]
pub struct QlvbEvent {
    /// Unique per integration; the key of idempotency (send the same id when retrying).
    #[schema(example = "qlvb-evt-000123")]
    pub id: String,
    #[serde(rename = "type")]
    pub event_type: QlvbEventType,
    /// When it happened in QLVB (RFC 3339 with offset).
    #[serde(deserialize_with = "crate::model::time_input::instant")]
    pub occurred_at: DateTime<FixedOffset>,
    pub data: QlvbEventData,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QlvbEventData {
    pub document: QlvbDocument,
}

/// Who sent a received document: our unit code or its QLVB identifier code.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QlvbSender {
    /// The unit's code in this service.
    #[serde(default)]
    #[schema(example = "QLCN")]
    pub unit_code: Option<String>,
    /// The agency's identifier code in QLVB (mã định danh), set on the unit as `qlvb_code`.
    #[serde(default)]
    #[schema(example = "000.00.12.H56")]
    pub agency_code: Option<String>,
}

/// A document as QLVB describes it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QlvbDocument {
    /// Number and symbol per Decree 30/2020/NĐ-CP, as `CreateDocument.number` takes it.
    #[schema(example = "12/BC-QLCN")]
    pub number: String,
    #[serde(deserialize_with = "crate::model::time_input::date")]
    pub issued_on: NaiveDate,
    #[schema(
        example = "Phòng Quản lý Công nghiệp",
        min_length = 1,
        max_length = 300
    )]
    pub issuing_agency: String,
    #[schema(
        example = "Báo cáo kết quả công tác cải cách hành chính Quý IV năm 2026",
        min_length = 1,
        max_length = 2000
    )]
    pub subject: String,
    #[serde(default)]
    #[schema(min_length = 1, max_length = 200)]
    pub signer: Option<String>,
    /// For `document.received`: who sent it.
    #[serde(default)]
    pub sender: Option<QlvbSender>,
    /// For `document.received`: the period the report is for.
    #[serde(default)]
    #[schema(example = "2026-Q4")]
    pub period_code: Option<String>,
    /// For `document.received`: the number and symbol of our request letter this replies to;
    /// used to find the period when `period_code` is absent.
    #[serde(default)]
    #[schema(example = "3394/SCT-VP", min_length = 1, max_length = 100)]
    pub in_reply_to: Option<String>,
    #[serde(default)]
    pub files: Vec<QlvbFile>,
}

/// A file of an event: a URL to download it from, or its bytes inline in base64 (one of the
/// two).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QlvbFile {
    #[schema(example = "12-BC-QLCN.pdf")]
    pub filename: String,
    /// HTTP(S) URL the service downloads the file from (with a timeout and the upload size
    /// limit; redirects are not followed). Its host must be a public address unless the
    /// deployment allows it (`CCHC_OUTBOUND_ALLOW`); otherwise `url_not_allowed`.
    #[serde(default)]
    pub url: Option<String>,
    /// The bytes in standard base64, up to `CCHC_QLVB_MAX_INLINE_BYTES` decoded.
    #[serde(default)]
    pub content_base64: Option<String>,
}

/// How a received document was matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MatchAnswer {
    pub matched: bool,
    /// Why it was not matched, for the integrator and the Office.
    pub reason: Option<String>,
    pub unit_code: Option<String>,
    pub period_code: Option<String>,
    pub submission_id: Option<i64>,
}

/// The document an event recorded.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EventDocument {
    pub id: i64,
    #[schema(example = "12/BC-QLCN")]
    pub number: String,
    pub status: DocumentStatus,
    #[schema(example = "/api/v1/documents/7")]
    pub url: String,
}

/// The answer to an event; the same event id is answered with it again.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QlvbEventAnswer {
    pub event_id: String,
    #[serde(rename = "type")]
    pub event_type: QlvbEventType,
    pub document: EventDocument,
    /// The number was already registered (same issuer, year and number) by an earlier event or
    /// by hand: the existing document is kept and the event's new files are added to it.
    pub already_registered: bool,
    /// Files stored by this event (files already there, by SHA-256, are not stored twice).
    pub files_added: usize,
    /// For `document.received`.
    #[serde(rename = "match")]
    pub match_result: Option<MatchAnswer>,
    /// For a matched `document.received`: what its files did to the unit's report.
    #[serde(default)]
    pub import: Option<crate::model::qlvb_import::QlvbImport>,
}
