//! The self-assessment mails' templates against committed snapshots: a unit's reminder with a
//! returned part (its reason escaped in HTML) and on the deadline's last call, the head's
//! escalation without a head's name, the leadership's list, the Office's reminder with every
//! unit done, and the readiness digest past the units' deadline.

use cchc_domain::model::assessment::{ItemStatus, ReadinessProblem};
use cchc_worker::email::assessment_content::{
    AssessmentDigestContext, AssessmentEscalationHeadContext,
    AssessmentEscalationLeadershipContext, AssessmentOfficeReminderContext,
    AssessmentReminderContext, Figures, FiguresLine, LateAssessmentUnit, OwedPart,
    ReadinessSummary, RoundLabel,
};
use cchc_worker::email::{Composer, Lateness, MailContent, ReminderStep, Rendered, UnitRef};
use chrono::{DateTime, TimeZone, Utc};
use rust_decimal::Decimal;

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

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn round() -> RoundLabel {
    RoundLabel {
        id: 7,
        code: "TDG-CCHC-2022".into(),
        title: "Tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm 2022".into(),
        year: 2022,
    }
}

fn khtc() -> UnitRef {
    UnitRef {
        id: 34,
        code: "KHTC".into(),
        name: "Phòng Kế hoạch - Tài chính".into(),
        office: false,
    }
}

fn parts() -> Vec<OwedPart> {
    vec![
        OwedPart {
            code: "1.3".into(),
            title: "Kiểm tra công tác cải cách hành chính tại các đơn vị trực thuộc".into(),
            max_points: d("2"),
            status: ItemStatus::Pending,
            return_reason: None,
        },
        OwedPart {
            code: "6.2".into(),
            title: "Thực hiện cơ chế tự chủ tài chính".into(),
            max_points: d("1.5"),
            status: ItemStatus::Returned,
            return_reason: Some(
                "Bổ sung Quyết định giao tự chủ <số, ngày> làm tài liệu kiểm chứng.".into(),
            ),
        },
    ]
}

fn late_khtc() -> LateAssessmentUnit {
    LateAssessmentUnit {
        unit: khtc(),
        pending: 1,
        returned: 1,
        max_points: d("3.5"),
    }
}

fn summary(units_not_done: Vec<LateAssessmentUnit>) -> ReadinessSummary {
    ReadinessSummary {
        total: Figures {
            criteria: 36,
            resolved: 29,
            max_points: d("100"),
            self_points: d("61.5"),
            points_at_risk: d("4"),
        },
        problems: vec![
            (ReadinessProblem::NotScored, 5),
            (ReadinessProblem::NoEvidence, 2),
            (ReadinessProblem::NotAccepted, 4),
        ],
        unresolved: 7,
        units_not_done,
    }
}

#[test]
fn a_unit_reminder_lists_its_parts_with_the_reason_of_a_returned_one() {
    let rendered = render(&MailContent::AssessmentReminder(
        AssessmentReminderContext {
            round: round(),
            unit: khtc(),
            due: local(2022, 12, 5, 17, 0),
            step: ReminderStep::WorkingDaysBefore(2),
            parts: parts(),
        },
    ));
    assert!(
        rendered.html.contains("&lt;số, ngày&gt;"),
        "the reason is escaped"
    );
    assert!(rendered
        .html
        .contains("href=\"https://cchc.example.gov.vn/l/assessment/assessment.7."));
    insta::assert_snapshot!("assessment_reminder_d2", snapshot(&rendered));
}

#[test]
fn a_unit_reminder_on_the_deadline_afternoon() {
    let rendered = render(&MailContent::AssessmentReminder(
        AssessmentReminderContext {
            round: round(),
            unit: khtc(),
            due: local(2022, 12, 5, 17, 0),
            step: ReminderStep::DeadlineDay,
            parts: parts()[..1].to_vec(),
        },
    ));
    assert_eq!(
        rendered.subject,
        "Nhắc hoàn thành tự chấm điểm Chỉ số CCHC năm 2022 – hạn cuối 17:00 hôm nay"
    );
    insta::assert_snapshot!("assessment_reminder_last_call", snapshot(&rendered));
}

#[test]
fn the_head_is_told_of_parts_still_owed() {
    let rendered = render(&MailContent::AssessmentEscalationHead(
        AssessmentEscalationHeadContext {
            round: round(),
            unit: khtc(),
            deadline: local(2022, 12, 5, 17, 0),
            late: Lateness::WorkingDays { days: 3 },
            head_name: None,
            head_title: None,
            parts: parts(),
        },
    ));
    insta::assert_snapshot!("assessment_escalation_head", snapshot(&rendered));
}

#[test]
fn the_leadership_gets_the_late_units_and_the_readiness_board() {
    let rendered = render(&MailContent::AssessmentEscalationLeadership(
        AssessmentEscalationLeadershipContext {
            round: round(),
            deadline: local(2022, 12, 5, 17, 0),
            late: Lateness::WorkingDays { days: 2 },
            units: vec![
                late_khtc(),
                LateAssessmentUnit {
                    unit: UnitRef {
                        id: 35,
                        code: "QLTM".into(),
                        name: "Phòng Quản lý thương mại".into(),
                        office: false,
                    },
                    pending: 3,
                    returned: 0,
                    max_points: d("7"),
                },
            ],
        },
    ));
    assert!(rendered
        .text
        .contains("https://cchc.example.gov.vn/l/assessment/assessment.7."));
    insta::assert_snapshot!("assessment_escalation_leadership", snapshot(&rendered));
}

#[test]
fn the_office_is_reminded_on_the_deadline_morning_with_every_unit_done() {
    let rendered = render(&MailContent::AssessmentOfficeReminder(
        AssessmentOfficeReminderContext {
            round: round(),
            due: local(2022, 12, 15, 17, 0),
            step: ReminderStep::WorkingDaysBefore(0),
            summary: summary(Vec::new()),
        },
    ));
    assert!(rendered
        .text
        .contains("Các đơn vị đã hoàn thành phần được giao."));
    insta::assert_snapshot!("assessment_office_reminder_d0", snapshot(&rendered));
}

#[test]
fn the_readiness_digest_past_the_units_deadline() {
    let line = |label: &str, criteria, resolved, max: &str, own: &str, risk: &str| FiguresLine {
        label: label.into(),
        figures: Figures {
            criteria,
            resolved,
            max_points: d(max),
            self_points: d(own),
            points_at_risk: d(risk),
        },
    };
    let rendered = render(&MailContent::AssessmentDigest(AssessmentDigestContext {
        round: round(),
        as_of: local(2022, 12, 7, 7, 30),
        units_due_at: local(2022, 12, 5, 17, 0),
        send_due_at: local(2022, 12, 15, 17, 0),
        summary: summary(vec![late_khtc()]),
        areas: vec![
            line(
                "1. Công tác chỉ đạo, điều hành cải cách hành chính",
                6,
                4,
                "12",
                "8",
                "2",
            ),
            line("6. Cải cách tài chính công", 3, 2, "8", "5", "2"),
        ],
        units: vec![
            line("Chưa giao đơn vị", 1, 1, "10", "0", "0"),
            line("Phòng Kế hoạch - Tài chính", 9, 7, "20", "15.5", "4"),
        ],
    }));
    assert_eq!(
        rendered.subject,
        "Tình hình tự đánh giá Chỉ số CCHC năm 2022 – ngày 07/12/2022: 7 tiêu chí chưa sẵn sàng"
    );
    assert!(rendered
        .text
        .contains("- Hạn các đơn vị hoàn thành: 17:00 ngày 05/12/2022 (đã quá hạn)\n"));
    insta::assert_snapshot!("assessment_digest", snapshot(&rendered));
}
