//! Filing the consolidated report in QLVB: one ZIP with the consolidated workbook, the report
//! (báo cáo) as a Word draft, and a JSON manifest that carries what a QLVB clerk types in when
//! registering an outgoing document (type, symbol, issuing agency, trích yếu, reply-to letter,
//! legal basis) plus the period's reporting record, so the filed copy explains itself years
//! later.
//!
//! Pure: the caller gathers the facts and renders the documents; this module writes the
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
use cchc_domain::rules::cutoff::Frequency;
use cchc_domain::rules::numerals::roman;
use cchc_domain::rules::timeliness::Timeliness;
use cchc_domain::Result;

/// The manifest's format; bumped on an incompatible change.
pub const MANIFEST_VERSION: u32 = 1;
/// The manifest's name inside the archive.
pub const MANIFEST_NAME: &str = "manifest.json";
/// Decree 30 type abbreviation of a report (Báo cáo).
pub const REPORT_TYPE: &str = "BC";
/// The role of the consolidated workbook in the archive: the figures as filed.
pub const ROLE_MAIN: &str = "main";
/// The role of the report's Word draft: the báo cáo to finish, sign and register.
pub const ROLE_DRAFT: &str = "draft";

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
    #[schema(example = "Kết quả thực hiện công tác cải cách hành chính quý I năm 2023")]
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
    pub frequency: Frequency,
    pub year: Option<i32>,
    /// Month, quarter or half within the year, where the frequency has one.
    pub sequence: Option<i32>,
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
    /// `main`: the consolidated workbook, the figures as filed; `draft`: the report (báo
    /// cáo) as a Word draft, for the clerk to give its number and date, finish, sign and
    /// register.
    #[schema(example = "main")]
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

/// A document of the archive.
#[derive(Debug, Clone, Copy)]
pub struct FilingFile<'a> {
    pub name: &'a str,
    /// [`ROLE_MAIN`] or [`ROLE_DRAFT`].
    pub role: &'static str,
    pub content_type: &'a str,
    pub bytes: &'a [u8],
}

/// What the period covers, as documents name it: `quý I năm 2023`, `tháng 3 năm 2023`,
/// `6 tháng đầu năm 2023`, `9 tháng năm 2023`, `năm 2023`; none for an ad-hoc period or one
/// without its year or sequence.
pub fn period_phrase(period: &FilingPeriod) -> Option<String> {
    let year = period.year?;
    let sequence = || period.sequence.and_then(|s| u32::try_from(s).ok());
    Some(match period.frequency {
        Frequency::Monthly => format!("tháng {} năm {year}", sequence()?),
        Frequency::Quarterly => format!("quý {} năm {year}", roman(sequence()?)),
        Frequency::HalfYear => match sequence()? {
            1 => format!("6 tháng đầu năm {year}"),
            _ => format!("6 tháng cuối năm {year}"),
        },
        Frequency::NineMonth => format!("9 tháng năm {year}"),
        Frequency::Annual => format!("năm {year}"),
        Frequency::AdHoc => return None,
    })
}

/// The trích yếu of the consolidated report: `Kết quả thực hiện công tác cải cách hành chính
/// quý I năm 2023`; for a period without a phrase, its title in brackets.
pub fn subject(period: &FilingPeriod) -> String {
    const SUBJECT: &str = "Kết quả thực hiện công tác cải cách hành chính";
    match period_phrase(period) {
        Some(phrase) => format!("{SUBJECT} {phrase}"),
        None => format!("{SUBJECT} ({})", period.title.trim()),
    }
}

/// The manifest describing `files`.
pub fn manifest(facts: FilingFacts, files: &[FilingFile<'_>]) -> FilingManifest {
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
        files: files
            .iter()
            .map(|file| FiledFile {
                name: file.name.to_owned(),
                role: file.role,
                content_type: file.content_type.to_owned(),
                size_bytes: file.bytes.len() as u64,
                sha256: format!("{:x}", Sha256::digest(file.bytes)),
            })
            .collect(),
    }
}

/// The ZIP: `manifest.json` (pretty-printed UTF-8) and the files, deflated.
pub fn archive(manifest: &FilingManifest, files: &[FilingFile<'_>]) -> Result<Vec<u8>> {
    let internal = |e: &dyn std::fmt::Display| {
        cchc_domain::Error::Internal(format!("writing the filing archive: {e}"))
    };
    let json = serde_json::to_vec_pretty(manifest).map_err(|e| internal(&e))?;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let files = files.iter().map(|file| (file.name, file.bytes));
    for (name, bytes) in std::iter::once((MANIFEST_NAME, json.as_slice())).chain(files) {
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
                frequency: Frequency::Quarterly,
                year: Some(2023),
                sequence: Some(1),
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
                    submitted_by: None,
                    reviewed_by: None,
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
        let files = [
            file("tong-hop-2023-Q1.xlsx", ROLE_MAIN, b"workbook"),
            file("bao-cao-tong-hop-2023-Q1.docx", ROLE_DRAFT, b"report"),
        ];
        let manifest = manifest(facts(Some(issuer)), &files);
        let document = &manifest.document;
        assert_eq!(document.document_type, "BC");
        assert_eq!(document.number, None);
        assert_eq!(document.symbol.as_deref(), Some("BC-SCT"));
        assert_eq!(
            document.subject,
            "Kết quả thực hiện công tác cải cách hành chính quý I năm 2023"
        );
        assert_eq!(document.reply_to.as_deref(), Some("3394/SCT-VP"));
        assert_eq!(manifest.unit_reports[0].official_documents, ["12/BC-QLCN"]);
        assert_eq!(manifest.files[0].size_bytes, 8);
        assert_eq!(manifest.files[0].role, "main");
        // printf workbook | sha256sum
        assert_eq!(
            manifest.files[0].sha256,
            "244f4e42fb0ee32cd4231096cf91c1b36662e3becc5b5b1deab885bd1a624c18"
        );
        assert_eq!(manifest.files[1].name, "bao-cao-tong-hop-2023-Q1.docx");
        assert_eq!(manifest.files[1].role, "draft");
        assert_eq!(manifest.files[1].content_type, "application/octet-stream");
        // printf report | sha256sum
        assert_eq!(
            manifest.files[1].sha256,
            "845e91831319e89c4d656bdb80c278ac09a7230d61e5dfd2e1b1fbb436ac8917"
        );
    }

    fn file<'a>(name: &'a str, role: &'static str, bytes: &'a [u8]) -> FilingFile<'a> {
        FilingFile {
            name,
            role,
            content_type: "application/octet-stream",
            bytes,
        }
    }

    /// Decree 30 trích yếu: what the period covers, in words.
    #[test]
    fn the_subject_names_the_period_in_words() {
        let mut period = facts(None).period;
        let subject_of = |frequency, sequence: Option<i32>, period: &mut FilingPeriod| {
            period.frequency = frequency;
            period.sequence = sequence;
            subject(period)
        };
        let prefix = "Kết quả thực hiện công tác cải cách hành chính";
        for (frequency, sequence, words) in [
            (Frequency::Monthly, Some(3), "tháng 3 năm 2023"),
            (Frequency::Quarterly, Some(4), "quý IV năm 2023"),
            (Frequency::HalfYear, Some(1), "6 tháng đầu năm 2023"),
            (Frequency::HalfYear, Some(2), "6 tháng cuối năm 2023"),
            (Frequency::NineMonth, None, "9 tháng năm 2023"),
            (Frequency::Annual, None, "năm 2023"),
        ] {
            assert_eq!(
                subject_of(frequency, sequence, &mut period),
                format!("{prefix} {words}")
            );
        }
        assert_eq!(
            subject_of(Frequency::AdHoc, None, &mut period),
            format!("{prefix} (Báo cáo CCHC Quý I/2023)")
        );
        assert_eq!(
            subject_of(Frequency::Quarterly, None, &mut period),
            format!("{prefix} (Báo cáo CCHC Quý I/2023)")
        );
    }

    #[test]
    fn without_an_issuer_the_symbol_is_left_open() {
        let manifest = manifest(facts(None), &[file("x.xlsx", ROLE_MAIN, b"x")]);
        assert_eq!(manifest.document.symbol, None);
        assert!(manifest.document.issuer.is_none());
    }

    #[test]
    fn the_archive_holds_the_manifest_the_workbook_and_the_report() {
        let files = [
            file("tong-hop-2023-Q1.xlsx", ROLE_MAIN, b"workbook bytes"),
            file("bao-cao-tong-hop-2023-Q1.docx", ROLE_DRAFT, b"report bytes"),
        ];
        let manifest = manifest(facts(None), &files);
        let bytes = archive(&manifest, &files).unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut names = zip
            .file_names()
            .map(|name| name.unwrap().into_owned())
            .collect::<Vec<_>>();
        names.sort();
        assert_eq!(
            names,
            [
                "bao-cao-tong-hop-2023-Q1.docx",
                "manifest.json",
                "tong-hop-2023-Q1.xlsx"
            ]
        );
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
        assert_eq!(parsed["files"][1]["role"], "draft");
        assert_eq!(parsed["period"]["frequency"], "quarterly");
        assert_eq!(parsed["unit_reports"][0]["standing"], "on_time");
    }
}
