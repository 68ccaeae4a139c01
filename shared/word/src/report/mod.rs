//! The consolidated report (báo cáo) the department sends on the units' CCHC reports, as a
//! Word draft in the layout of Decree 30/2020/NĐ-CP: the clerk gives it its number and date
//! at issue, finishes the text in Word and files it in QLVB.
//!
//! The document, top to bottom:
//!
//! 1. the header block (governing body, agency, `Số: ……/BC-<issuer>`; national title, motto,
//!    the date line with blanks);
//! 2. "BÁO CÁO" and the trích yếu (the filing manifest's `subject`), "Kính gửi: <recipient>.";
//! 3. the opening: the letters it answers ("Thực hiện Công văn số …"), its legal basis
//!    ("Căn cứ …"), and "<agency> báo cáo <subject> (số liệu từ … đến …) như sau:" (see
//!    [`citations`] for which document goes where);
//! 4. I. the results: the units' narratives by content area or as filed (see
//!    [`crate::narrative`]), then the key figures against their targets in a table whose
//!    header row repeats on every page;
//! 5. II. the reporting record: units expected, reported on time and late, accepted,
//!    returned, not reporting, by name ("Không có" for an empty list);
//! 6. III. "Kiến nghị, đề xuất" with a line for the Office to write;
//! 7. the closing sentence ending "./.", "Nơi nhận:" and the signer's block.

mod sections;
#[cfg(test)]
mod tests;

use chrono::{DateTime, FixedOffset, NaiveDate};
use docx_rs::{AlignmentType, Docx, Paragraph, Table};
use rust_decimal::Decimal;

use cchc_domain::model::indicator::{IndicatorKind, Target};
use cchc_domain::model::letterhead::Letterhead;
use cchc_domain::model::period::LegalDocument;
use cchc_domain::model::submission::{
    ComplianceTotals, ConsolidationScope, Standing, SubmissionStatus,
};
use cchc_domain::rules::document_number;
use cchc_domain::Result;

pub use crate::decree30::Signer;
use crate::decree30::{self, size, Style};
use crate::format;
pub use crate::narrative::UnitNarrative;

/// Decree 30 abbreviation of a report (Báo cáo), before the issuer in the symbol.
pub const REPORT_TYPE: &str = "BC";
/// Whom the report goes to unless told otherwise: CCHC reports go to the Department of Home
/// Affairs, which monitors administrative reform in the province.
pub const DEFAULT_RECIPIENT: &str = "Sở Nội vụ";
/// Who signs unless told otherwise: a deputy director on the director's behalf; lines are
/// separated by `/`.
pub const DEFAULT_SIGNER_TITLE: &str = "KT. GIÁM ĐỐC/PHÓ GIÁM ĐỐC";
/// Separates the lines of a signer's title (`KT. GIÁM ĐỐC/PHÓ GIÁM ĐỐC`).
pub const SIGNER_TITLE_SEPARATOR: char = '/';

impl Signer {
    /// The signer's block from a title whose lines are separated by `/` (upper-cased, as
    /// Decree 30 writes them) and a name, if known.
    pub fn from_title(title: &str, name: Option<&str>) -> Self {
        Self {
            title_lines: title
                .split(SIGNER_TITLE_SEPARATOR)
                .map(str::trim)
                .filter(|line| !line.is_empty())
                .map(str::to_uppercase)
                .collect(),
            name: name
                .map(str::trim)
                .filter(|name| !name.is_empty())
                .map(str::to_owned),
        }
    }

    /// Whether the director signs in person (no "KT." line): then there is no director to
    /// inform among the recipients.
    fn is_director(&self) -> bool {
        self.title_lines == ["GIÁM ĐỐC"]
    }
}

/// One indicator's consolidated figure, as the table of key figures shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyFigure {
    pub name: String,
    pub kind: IndicatorKind,
    pub unit_of_measure: Option<String>,
    pub target: Option<Target>,
    /// Ratio: the percentage; count, decimal: the figure; yes/no: units answering yes.
    pub value: Option<Decimal>,
    pub units_reporting: u32,
    pub target_met: Option<bool>,
}

/// A unit expected to report, as the reporting record names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportingUnit {
    pub name: String,
    pub standing: Standing,
    pub status: Option<SubmissionStatus>,
}

/// Everything the report is drafted from.
#[derive(Debug, Clone)]
pub struct ConsolidatedReport {
    pub letterhead: Letterhead,
    /// The issuing agency's abbreviation in the symbol (`SCT`: `Số: ……/BC-SCT`); none: a blank.
    pub issuer_code: Option<String>,
    /// The trích yếu: the filing manifest's `document.subject`, so the two agree.
    pub subject: String,
    /// "Kính gửi": [`DEFAULT_RECIPIENT`] unless told otherwise.
    pub recipient: String,
    /// The letter that asked the units for their reports (the period's request letter).
    pub request_letter: Option<LegalDocument>,
    pub legal_basis: Vec<LegalDocument>,
    pub data_from: NaiveDate,
    pub data_to: NaiveDate,
    /// Which reports the figures count.
    pub scope: ConsolidationScope,
    /// One per unit whose report is counted, in unit order.
    pub narratives: Vec<UnitNarrative>,
    pub figures: Vec<KeyFigure>,
    pub reporting: ComplianceTotals,
    /// Every unit expected to report.
    pub units: Vec<ReportingUnit>,
    pub signer: Signer,
    pub generated_at: DateTime<FixedOffset>,
}

/// The recipients' list ("Nơi nhận"): the addressee, the director (unless signing in
/// person), the archive.
pub fn recipients(signer: &Signer) -> Vec<String> {
    let mut list = vec!["- Như trên;".to_owned()];
    if !signer.is_director() {
        list.push("- Giám đốc Sở (b/c);".to_owned());
    }
    list.push("- Lưu: VT, VP.".to_owned());
    list
}

/// The letters a report answers and its legal basis.
///
/// It answers ("Thực hiện …") the official letters (công văn: a symbol without a document
/// type) of other agencies than the issuer, among the request letter and the legal basis:
/// the letter of the recipient that asked for the report, e.g. `733/SNV-TT` of Sở Nội vụ.
/// Without one, it answers the request letter, if any. The other documents of the legal
/// basis are its grounds ("Căn cứ …"), except the request letter when it is the issuer's own
/// letter to its units (it asked the units, not the recipient). Each document once, in the
/// order given (request letter first).
pub fn citations(report: &ConsolidatedReport) -> (Vec<&LegalDocument>, Vec<&LegalDocument>) {
    let issuer = report.issuer_code.as_deref();
    let external_letter = |document: &LegalDocument| {
        document_number::parse(&document.number).is_ok_and(|number| {
            number.document_type.is_none()
                && number.year.is_none()
                && issuer.is_some_and(|issuer| number.issuer != issuer)
        })
    };
    let mut all: Vec<&LegalDocument> = Vec::new();
    for document in report.request_letter.iter().chain(&report.legal_basis) {
        if !all.iter().any(|d| d.number == document.number) {
            all.push(document);
        }
    }
    let mut answered: Vec<&LegalDocument> = all
        .iter()
        .copied()
        .filter(|document| external_letter(document))
        .collect();
    if answered.is_empty() {
        answered.extend(report.request_letter.as_ref());
    }
    let request = report.request_letter.as_ref().map(|d| d.number.as_str());
    let basis = all
        .into_iter()
        .filter(|document| {
            !answered.iter().any(|d| d.number == document.number)
                && Some(document.number.as_str()) != request
        })
        .collect();
    (answered, basis)
}

/// How a document is cited in running text: `Công văn số 733/SNV-TT ngày 06/3/2023 của Sở Nội
/// vụ về việc …`. The type comes from the symbol (`KH` → Kế hoạch; none → Công văn); a title
/// that starts with it continues after the date, a `V/v` reads "về việc", any other title
/// follows "về".
pub fn cite(document: &LegalDocument) -> String {
    let kind = document_number::parse(&document.number)
        .map(|number| number.type_name())
        .unwrap_or("Văn bản");
    let title = document.title.trim();
    let rest = match strip_prefix_ci(title, kind) {
        Some(rest) => rest.trim_start().to_owned(),
        None => match strip_prefix_ci(title, "V/v") {
            Some(rest) => format!("về việc {}", rest.trim_start()),
            None => title.to_owned(),
        },
    };
    let head = format!(
        "{kind} số {} ngày {}",
        document.number.trim(),
        format::short_date(document.issued_on)
    );
    let joined = ["của ", "về ", "ban hành ", "hướng dẫn ", "quy định "];
    if rest.is_empty() {
        head
    } else if joined.iter().any(|word| rest.starts_with(word)) {
        format!("{head} {rest}")
    } else {
        format!("{head} về {rest}")
    }
}

/// `text` without `prefix`, compared case-insensitively.
fn strip_prefix_ci<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let length = prefix.chars().count();
    let end = text
        .char_indices()
        .nth(length)
        .map_or(text.len(), |(i, _)| i);
    (text.chars().count() >= length && text[..end].to_lowercase() == prefix.to_lowercase())
        .then(|| &text[end..])
}

/// The report as `.docx` bytes.
pub fn build(report: &ConsolidatedReport) -> Result<Vec<u8>> {
    let mut doc = Draft::new(report);
    sections::head(&mut doc, report);
    sections::opening(&mut doc, report);
    sections::results(&mut doc, report);
    sections::reporting_record(&mut doc, report);
    sections::proposals(&mut doc);
    sections::closing(&mut doc, report);
    crate::package::pack(doc.docx, &doc.header_tables)
}

/// The document being written: what the tables need to know about their order.
struct Draft {
    docx: Docx,
    tables: usize,
    /// Tables whose first row repeats on every page.
    header_tables: Vec<usize>,
}

impl Draft {
    fn new(report: &ConsolidatedReport) -> Self {
        let created = report
            .generated_at
            .with_timezone(&chrono::Utc)
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string();
        Self {
            docx: decree30::document()
                .created_at(&created)
                .updated_at(&created),
            tables: 0,
            header_tables: Vec::new(),
        }
    }

    fn paragraph(&mut self, paragraph: Paragraph) {
        let docx = std::mem::take(&mut self.docx);
        self.docx = docx.add_paragraph(paragraph);
    }

    /// A table; `repeat_first_row`: its header row repeats on every page.
    fn table(&mut self, table: Table, repeat_first_row: bool) {
        if repeat_first_row {
            self.header_tables.push(self.tables);
        }
        self.tables += 1;
        let docx = std::mem::take(&mut self.docx);
        self.docx = docx.add_table(table);
    }

    fn body(&mut self, text: &str) {
        self.paragraph(decree30::body(text));
    }

    fn heading(&mut self, text: &str) {
        self.paragraph(decree30::heading(text));
    }

    /// A centred line of the title part, `before` twentieths of a point above it.
    fn centered(&mut self, text: &str, style: Style, before: u32) {
        self.paragraph(decree30::spaced(
            decree30::line(text, style, AlignmentType::Center),
            before,
            0,
        ));
    }

    /// A list item ("- …"), as body text.
    fn item(&mut self, text: &str) {
        self.body(&format!("- {text}"));
    }

    fn italic(&mut self, text: &str) {
        self.paragraph(decree30::body_runs(vec![decree30::run(
            text,
            Style::italic(size::BODY),
        )]));
    }
}
