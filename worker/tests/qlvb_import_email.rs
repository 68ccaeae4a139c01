//! The mail about a report received through QLVB that could not be taken as it came, against
//! committed snapshots: a statistics form with cells to fix (a unit's name escaped in HTML),
//! and a report that stays a draft because the period says arrival is the submission and it
//! still misses a figure.

use cchc_domain::model::qlvb_import::ImportProblem;
use cchc_worker::email::qlvb_import_content::{PeriodLabel, QlvbImportProblemsContext};
use cchc_worker::email::{Composer, MailContent, Rendered, UnitRef};
use chrono::{DateTime, TimeZone, Utc};

/// A Vietnam local time (UTC+7) as an instant.
fn local(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, hour, minute, 0)
        .unwrap()
        - chrono::Duration::hours(7)
}

fn render(content: &MailContent) -> Rendered {
    Composer::new(
        "Văn phòng Sở <cchc@localhost>".parse().unwrap(),
        "https://cchc.example.gov.vn",
        "cchc.localhost",
    )
    .unwrap()
    .with_link_secret(b"a-fixed-secret-for-the-snapshots!")
    .render(content)
    .unwrap()
}

fn snapshot(rendered: &Rendered) -> String {
    format!(
        "Subject: {}\n\n===== text/plain =====\n{}\n===== text/html =====\n{}",
        rendered.subject, rendered.text, rendered.html
    )
}

fn problem(field: &str, code: &str, message: &str) -> ImportProblem {
    ImportProblem {
        field: field.into(),
        code: code.into(),
        message: message.into(),
    }
}

fn context(problems: Vec<ImportProblem>, missing: Vec<ImportProblem>) -> QlvbImportProblemsContext {
    QlvbImportProblemsContext {
        period: PeriodLabel {
            id: 2,
            code: "2026-Q4".into(),
            title: "Báo cáo CCHC Quý IV/2026".into(),
        },
        unit: UnitRef {
            id: 5,
            code: "QLCN".into(),
            name: "Phòng Quản lý <Công nghiệp>".into(),
            office: false,
        },
        deadline: local(2026, 12, 15, 16, 30),
        submission_id: 9,
        document_number: "12/BC-QLCN".into(),
        form_filename: Some("Bieu-mau-QLCN.xlsx".into()),
        problems,
        missing,
    }
}

#[test]
fn a_form_with_cells_to_fix() {
    let content = MailContent::QlvbImportProblems(context(
        vec![
            problem("I12", "not_a_number", "phải là số"),
            problem("G13", "negative", "không được là số âm"),
        ],
        Vec::new(),
    ));
    assert_eq!(content.kind(), "qlvb_import_problems");
    let rendered = render(&content);
    assert!(
        rendered.subject.contains("2 ô cần sửa"),
        "{}",
        rendered.subject
    );
    assert!(rendered.text.contains("Ô I12: phải là số"));
    assert!(rendered.html.contains("Phòng Quản lý &lt;Công nghiệp&gt;"));
    // The button opens the unit's report page, signed, without a token.
    assert!(rendered
        .text
        .contains("https://cchc.example.gov.vn/l/report/report."));
    insta::assert_snapshot!("qlvb_import_problems_cells", snapshot(&rendered));
}

#[test]
fn a_report_that_stays_a_draft() {
    let content = MailContent::QlvbImportProblems(context(
        Vec::new(),
        vec![problem(
            "values.SL-VANBAN",
            "required",
            "chỉ tiêu SL-VANBAN: chưa có số liệu (nhập số liệu hoặc đánh dấu không áp dụng)",
        )],
    ));
    let rendered = render(&content);
    assert!(
        rendered.subject.contains("chưa đủ để ghi nhận đã nộp"),
        "{}",
        rendered.subject
    );
    assert!(rendered
        .text
        .contains("chỉ tiêu SL-VANBAN: chưa có số liệu"));
    assert!(rendered.text.contains("trước 16:30 ngày 15/12/2026"));
    insta::assert_snapshot!("qlvb_import_problems_missing", snapshot(&rendered));
}
