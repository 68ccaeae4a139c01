//! Filing the consolidated report in QLVB: one ZIP with the consolidated workbook and a JSON
//! manifest that carries what a QLVB clerk types in when registering an outgoing document
//! (type, symbol, issuing agency, trích yếu, reply-to letter, legal basis) plus the period's
//! reporting record, so the filed copy explains itself years later.
//!
//! Pure: the caller gathers the facts and renders the workbook; this module writes the
//! manifest and the archive. The document number is left empty: QLVB assigns it when the
//! document is issued (Decree 30/2020/NĐ-CP numbers run per agency and year).

use std::io::{Cursor, Write};

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use zip::write::SimpleFileOptions;

use cchc_domain::model::period::{LegalDocument, PeriodStatus};
use cchc_domain::model::submission::{
    ComplianceRow, ComplianceTotals, ConsolidationScope, Standing, SubmissionStatus,
};
use cchc_domain::rules::timeliness::Timeliness;
use cchc_domain::Result;

/// The manifest's format; bumped on an incompatible change.
pub const MANIFEST_VERSION: u32 = 1;
/// The manifest's name inside the archive.
pub const MANIFEST_NAME: &str = "manifest.json";
/// Decree 30 type abbreviation of a report (Báo cáo).
pub const REPORT_TYPE: &str = "BC";

/// The agency that issues the consolidated report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Issuer {
    /// Its abbreviation in document symbols (the unit code), e.g. `SCT`.
    #[schema(example = "SCT")]
    pub code: String,
    #[schema(example = "Sở Công Thương")]
    pub name: String,
}

/// The metadata of the document to register in QLVB.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FilingDocument {
    /// Decree 30 type abbreviation: `BC`.
    #[schema(example = "BC")]
    pub document_type: &'static str,
    #[schema(example = "Báo cáo")]
    pub type_name: &'static str,
    /// Empty: QLVB gives the number when the document is issued.
    pub number: Option<u32>,
    /// The symbol after the number, e.g. `BC-SCT`: `Số: …/BC-SCT`. Null when no issuing
    /// agency could be decided (pass `issuer`).
    #[schema(example = "BC-SCT")]
    pub symbol: Option<String>,
    pub issuer: Option<Issuer>,
    /// Trích yếu: what the document is about.
    #[schema(
        example = "Kết quả tổng hợp báo cáo công tác cải cách hành chính: Báo cáo CCHC Quý I/2023 (số liệu từ 15/12/2022 đến 14/03/2023)"
    )]
    pub subject: String,
    /// Number and symbol of the letter that asked for the reports, which this report answers.
    #[schema(example = "3394/SCT-VP")]
    pub reply_to: Option<String>,
    pub legal_basis: Vec<LegalDocument>,
    /// Always `vi`.
    pub language: &'static str,
}

/// The period the report covers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FilingPeriod {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub data_from: NaiveDate,
    pub data_to: NaiveDate,
    pub deadline: DateTime<FixedOffset>,
    pub status: PeriodStatus,
    /// False while the period is open: figures may still change.
    pub is_final: bool,
}

/// What the consolidation counted.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FilingScope {
    pub include: ConsolidationScope,
    /// The unit whose subtree was consolidated, if any.
    pub under: Option<String>,
    /// Units whose reports are counted, by code.
    pub units: Vec<String>,
    pub indicators: usize,
}

/// One unit's report, as filed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FiledUnitReport {
    pub unit_code: String,
    pub unit_name: String,
    pub standing: Standing,
    pub status: Option<SubmissionStatus>,
    pub first_submitted_at: Option<DateTime<FixedOffset>>,
    pub timeliness: Option<Timeliness>,
    pub minutes_late: Option<i32>,
    pub deadline: DateTime<FixedOffset>,
    /// Numbers and symbols of the official documents the unit sent its report with.
    pub official_documents: Vec<String>,
}

/// A file of the archive besides the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FiledFile {
    pub name: String,
    /// `main`: the document itself.
    pub role: &'static str,
    pub content_type: String,
    pub size_bytes: u64,
    /// Lowercase hex SHA-256 of the bytes, to check the copy filed in QLVB.
    pub sha256: String,
}

/// `manifest.json`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FilingManifest {
    pub manifest_version: u32,
    pub generated_at: DateTime<FixedOffset>,
    pub document: FilingDocument,
    pub period: FilingPeriod,
    pub consolidation: FilingScope,
    pub reporting: ComplianceTotals,
    pub unit_reports: Vec<FiledUnitReport>,
    pub files: Vec<FiledFile>,
}

/// Everything the manifest is made of, gathered by the caller.
pub struct FilingFacts {
    pub generated_at: DateTime<FixedOffset>,
    pub issuer: Option<Issuer>,
    pub reply_to: Option<String>,
    pub legal_basis: Vec<LegalDocument>,
    pub period: FilingPeriod,
    pub consolidation: FilingScope,
    pub reporting: ComplianceTotals,
    pub units: Vec<(ComplianceRow, Vec<String>)>,
}

/// The trích yếu of the consolidated report.
pub fn subject(period: &FilingPeriod) -> String {
    format!(
        "Kết quả tổng hợp báo cáo công tác cải cách hành chính: {} (số liệu từ {} đến {})",
        period.title,
        period.data_from.format("%d/%m/%Y"),
        period.data_to.format("%d/%m/%Y"),
    )
}

/// The manifest for a workbook named `workbook_name` with these bytes.
pub fn manifest(facts: FilingFacts, workbook_name: &str, workbook: &[u8]) -> FilingManifest {
    let document = FilingDocument {
        document_type: REPORT_TYPE,
        type_name: "Báo cáo",
        number: None,
        symbol: facts
            .issuer
            .as_ref()
            .map(|issuer| format!("{REPORT_TYPE}-{}", issuer.code)),
        issuer: facts.issuer,
        subject: subject(&facts.period),
        reply_to: facts.reply_to,
        legal_basis: facts.legal_basis,
        language: "vi",
    };
    FilingManifest {
        manifest_version: MANIFEST_VERSION,
        generated_at: facts.generated_at,
        document,
        period: facts.period,
        consolidation: facts.consolidation,
        reporting: facts.reporting,
        unit_reports: facts
            .units
            .into_iter()
            .map(|(row, official_documents)| FiledUnitReport {
                unit_code: row.unit_code,
                unit_name: row.unit_name,
                standing: row.standing,
                status: row.status,
                first_submitted_at: row.first_submitted_at,
                timeliness: row.timeliness,
                minutes_late: row.minutes_late,
                deadline: row.deadline,
                official_documents,
            })
            .collect(),
        files: vec![FiledFile {
            name: workbook_name.to_owned(),
            role: "main",
            content_type: crate::XLSX_MIME.to_owned(),
            size_bytes: workbook.len() as u64,
            sha256: format!("{:x}", Sha256::digest(workbook)),
        }],
    }
}

/// The ZIP: the workbook and `manifest.json` (pretty-printed UTF-8), deflated.
pub fn archive(manifest: &FilingManifest, workbook_name: &str, workbook: &[u8]) -> Result<Vec<u8>> {
    let internal = |e: &dyn std::fmt::Display| {
        cchc_domain::Error::Internal(format!("writing the filing archive: {e}"))
    };
    let json = serde_json::to_vec_pretty(manifest).map_err(|e| internal(&e))?;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in [(MANIFEST_NAME, json.as_slice()), (workbook_name, workbook)] {
        zip.start_file(name, options).map_err(|e| internal(&e))?;
        zip.write_all(bytes).map_err(|e| internal(&e))?;
    }
    Ok(zip.finish().map_err(|e| internal(&e))?.into_inner())
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use rust_decimal::Decimal;

    use super::*;

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    fn facts(issuer: Option<Issuer>) -> FilingFacts {
        let deadline = at("2023-03-10T16:30:00+07:00");
        FilingFacts {
            generated_at: at("2023-03-20T09:00:00+07:00"),
            issuer,
            reply_to: Some("3394/SCT-VP".into()),
            legal_basis: vec![LegalDocument {
                number: "383/KH-SCT".into(),
                issued_on: NaiveDate::from_ymd_opt(2023, 1, 5).unwrap(),
                title: "Kế hoạch cải cách hành chính năm 2023".into(),
            }],
            period: FilingPeriod {
                id: 7,
                code: "2023-Q1".into(),
                title: "Báo cáo CCHC Quý I/2023".into(),
                data_from: NaiveDate::from_ymd_opt(2022, 12, 15).unwrap(),
                data_to: NaiveDate::from_ymd_opt(2023, 3, 14).unwrap(),
                deadline,
                status: PeriodStatus::Closed,
                is_final: true,
            },
            consolidation: FilingScope {
                include: ConsolidationScope::Accepted,
                under: None,
                units: vec!["QLCN".into()],
                indicators: 3,
            },
            reporting: ComplianceTotals {
                expected: 2,
                reported: 1,
                early: 0,
                on_time: 1,
                late: 0,
                pending: 0,
                missing: 1,
                accepted: 1,
                returned: 0,
                reporting_rate: Some(Decimal::new(50, 0)),
                on_time_rate: Some(Decimal::new(50, 0)),
            },
            units: vec![(
                ComplianceRow {
                    unit_id: 1,
                    unit_code: "QLCN".into(),
                    unit_name: "Phòng Quản lý công nghiệp".into(),
                    standing: Standing::OnTime,
                    submission_id: Some(3),
                    status: Some(SubmissionStatus::Accepted),
                    first_submitted_at: Some(at("2023-03-10T10:00:00+07:00")),
                    timeliness: Some(Timeliness::OnTime),
                    minutes_late: None,
                    overdue_minutes: None,
                    versions: 1,
                    deadline,
                    has_extension: false,
                    escalation_level: None,
                },
                vec!["12/BC-QLCN".into()],
            )],
        }
    }

    #[test]
    fn the_manifest_describes_a_report_of_the_issuer_without_a_number() {
        let issuer = Issuer {
            code: "SCT".into(),
            name: "Sở Công Thương".into(),
        };
        let manifest = manifest(facts(Some(issuer)), "tong-hop-2023-Q1.xlsx", b"workbook");
        let document = &manifest.document;
        assert_eq!(document.document_type, "BC");
        assert_eq!(document.number, None);
        assert_eq!(document.symbol.as_deref(), Some("BC-SCT"));
        assert_eq!(
            document.subject,
            "Kết quả tổng hợp báo cáo công tác cải cách hành chính: Báo cáo CCHC Quý I/2023 \
             (số liệu từ 15/12/2022 đến 14/03/2023)"
        );
        assert_eq!(document.reply_to.as_deref(), Some("3394/SCT-VP"));
        assert_eq!(manifest.unit_reports[0].official_documents, ["12/BC-QLCN"]);
        assert_eq!(manifest.files[0].size_bytes, 8);
        // printf workbook | sha256sum
        assert_eq!(
            manifest.files[0].sha256,
            "244f4e42fb0ee32cd4231096cf91c1b36662e3becc5b5b1deab885bd1a624c18"
        );
    }

    #[test]
    fn without_an_issuer_the_symbol_is_left_open() {
        let manifest = manifest(facts(None), "x.xlsx", b"x");
        assert_eq!(manifest.document.symbol, None);
        assert!(manifest.document.issuer.is_none());
    }

    #[test]
    fn the_archive_holds_the_manifest_and_the_workbook() {
        let manifest = manifest(facts(None), "tong-hop-2023-Q1.xlsx", b"workbook bytes");
        let bytes = archive(&manifest, "tong-hop-2023-Q1.xlsx", b"workbook bytes").unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut names = zip
            .file_names()
            .map(|name| name.unwrap().into_owned())
            .collect::<Vec<_>>();
        names.sort();
        assert_eq!(names, ["manifest.json", "tong-hop-2023-Q1.xlsx"]);
        let mut workbook = Vec::new();
        zip.by_name("tong-hop-2023-Q1.xlsx")
            .unwrap()
            .read_to_end(&mut workbook)
            .unwrap();
        assert_eq!(workbook, b"workbook bytes");
        let mut json = String::new();
        zip.by_name(MANIFEST_NAME)
            .unwrap()
            .read_to_string(&mut json)
            .unwrap();
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(parsed["manifest_version"], 1);
        assert_eq!(parsed["period"]["status"], "closed");
        assert_eq!(parsed["files"][0]["size_bytes"], 14);
        assert_eq!(parsed["unit_reports"][0]["standing"], "on_time");
    }
}
