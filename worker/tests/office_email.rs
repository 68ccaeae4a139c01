//! Mails about the Office's own report, and how heads are addressed. When the late unit is the
//! Office itself, its mails do not say the Office has not received the Office's report, nor warn
//! the Office's head that the Office will escalate: its own staff are reminded, and the next
//! step is the leadership. Heads are greeted by the position title on record.

use cchc_worker::email::{
    Composer, EscalationHeadContext, Lateness, MailContent, MissingStatus, PeriodRef,
    ReceiptContext, ReceiptEvent, ReminderContext, ReminderStep, Rendered, Timeliness, UnitRef,
};
use chrono::{DateTime, TimeZone, Utc};

const BASE_URL: &str = "https://cchc.example.gov.vn";

/// A Vietnam local time (UTC+7) as an instant.
fn local(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, hour, minute, 0)
        .unwrap()
        - chrono::Duration::hours(7)
}

fn deadline() -> DateTime<Utc> {
    local(2023, 3, 10, 16, 30)
}

fn q1() -> PeriodRef {
    PeriodRef {
        id: 12,
        code: "CCHC-2023-Q1".into(),
        title: "Báo cáo CCHC Quý I/2023".into(),
    }
}

fn office() -> UnitRef {
    UnitRef {
        id: 30,
        code: "VP".into(),
        name: "Văn phòng Sở".into(),
        office: true,
    }
}

fn render(content: &MailContent) -> Rendered {
    Composer::new(
        "Văn phòng Sở <cchc@cchc.example.gov.vn>".parse().unwrap(),
        BASE_URL,
        "cchc.example.gov.vn",
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

/// Neither rendering says what makes no sense for the Office's own report.
fn assert_no_self_reference(rendered: &Rendered) {
    for body in [&rendered.text, &rendered.html] {
        for absurd in [
            "Văn phòng Sở chưa nhận được",
            "Văn phòng Sở sẽ tổng hợp",
            "báo cáo Văn phòng Sở để",
            "Văn phòng Sở đã trả lại",
            "Văn phòng Sở đã nhận",
        ] {
            assert!(!body.contains(absurd), "{absurd:?} in:\n{body}");
        }
    }
}

fn office_escalation(status: MissingStatus, late: Lateness) -> MailContent {
    MailContent::EscalationHead(EscalationHeadContext {
        period: q1(),
        unit: office(),
        deadline: deadline(),
        late,
        status,
        head_name: Some("Trần Hồng Minh".into()),
        head_title: Some("Chánh Văn phòng".into()),
        submission_id: None,
    })
}

#[test]
fn the_office_head_is_asked_for_the_offices_own_report_with_leadership_next() {
    let rendered = render(&office_escalation(
        MissingStatus::NotSubmitted,
        Lateness::WorkingDays { days: 1 },
    ));
    assert_no_self_reference(&rendered);
    assert!(rendered
        .text
        .starts_with("Kính gửi: Ông/Bà Trần Hồng Minh, Chánh Văn phòng Sở.\n"));
    assert!(rendered
        .text
        .contains("báo cáo của chính Văn phòng Sở chưa được gửi trên Hệ thống báo cáo CCHC"));
    assert!(rendered.text.contains("quá hạn 1 ngày làm việc"));
    assert!(rendered.text.contains("Đề nghị Chánh Văn phòng chỉ đạo"));
    assert!(rendered
        .text
        .contains("việc chậm trễ sẽ được báo cáo trực tiếp Ban Giám đốc Sở"));
    insta::assert_snapshot!("escalation_head_office", snapshot(&rendered));

    let returned = render(&office_escalation(
        MissingStatus::Returned,
        Lateness::Since {
            deadline: deadline(),
        },
    ));
    assert_no_self_reference(&returned);
    assert!(returned.text.contains(
        "báo cáo của chính Văn phòng Sở đã bị trả lại để hoàn thiện nhưng chưa được gửi lại; \
         báo cáo đã quá hạn từ 16:30 ngày 10/03/2023"
    ));
}

#[test]
fn the_offices_own_staff_are_reminded_of_its_report() {
    let reminder = |return_reason: Option<&str>| {
        render(&MailContent::Reminder(ReminderContext {
            period: q1(),
            unit: office(),
            deadline: deadline(),
            step: ReminderStep::WorkingDaysBefore(2),
            return_reason: return_reason.map(str::to_owned),
            submission_id: None,
            missing: Vec::new(),
        }))
    };
    let rendered = reminder(None);
    assert_no_self_reference(&rendered);
    assert!(rendered
        .text
        .starts_with("Kính gửi: Chuyên viên phụ trách CCHC của Văn phòng Sở.\n"));
    assert!(rendered.text.contains(
        "Đến thời điểm này, báo cáo CCHC Quý I/2023 (CCHC-2023-Q1) của Văn phòng Sở chưa được gửi"
    ));
    insta::assert_snapshot!("reminder_office_d2", snapshot(&rendered));

    let returned = reminder(Some("Thiếu số liệu TTHC."));
    assert_no_self_reference(&returned);
    assert!(returned.text.contains(
        "Báo cáo CCHC Quý I/2023 (CCHC-2023-Q1) của Văn phòng Sở đã bị trả lại để hoàn thiện"
    ));
}

#[test]
fn receipts_of_the_offices_own_report() {
    let receipt = |event| {
        render(&MailContent::Receipt(ReceiptContext {
            period: q1(),
            unit: office(),
            deadline: deadline(),
            submission_id: 501,
            by: None,
            event,
        }))
    };
    let submitted = receipt(ReceiptEvent::Submitted {
        submitted_at: local(2023, 3, 13, 8, 5),
        timeliness: Timeliness::Late {
            late: Lateness::WorkingDays { days: 1 },
        },
    });
    assert_no_self_reference(&submitted);
    assert!(submitted
        .text
        .contains("gửi lúc 08:05 ngày 13/03/2023: trễ 1 ngày làm việc"));
    let accepted = receipt(ReceiptEvent::Accepted {
        accepted_at: local(2023, 3, 13, 14, 20),
    });
    assert_no_self_reference(&accepted);
    assert_eq!(
        accepted.subject,
        "Đã chấp nhận báo cáo CCHC Quý I/2023 của Văn phòng Sở"
    );
    assert!(accepted.text.contains(
        "Báo cáo CCHC Quý I/2023 (CCHC-2023-Q1) của Văn phòng Sở đã được xem xét và chấp nhận lúc 14:20 ngày 13/03/2023."
    ));
    let returned = receipt(ReceiptEvent::Returned {
        returned_at: local(2023, 3, 9, 9, 0),
        reason: "Thiếu số liệu.".into(),
    });
    assert_no_self_reference(&returned);
}

#[test]
fn acceptance_and_receipt_read_differently() {
    let receipt = |event| {
        render(&MailContent::Receipt(ReceiptContext {
            period: q1(),
            unit: UnitRef {
                office: false,
                ..office()
            },
            deadline: deadline(),
            submission_id: 501,
            by: None,
            event,
        }))
    };
    let submitted = receipt(ReceiptEvent::Submitted {
        submitted_at: local(2023, 3, 6, 9, 0),
        timeliness: Timeliness::Early,
    });
    let accepted = receipt(ReceiptEvent::Accepted {
        accepted_at: local(2023, 3, 13, 14, 20),
    });
    assert!(submitted.subject.starts_with("Đã nhận "));
    assert!(submitted.text.contains(": trước hạn ("));
    assert!(!submitted.text.contains("sớm hạn"));
    assert!(accepted.subject.starts_with("Đã chấp nhận "));
    assert!(accepted.text.contains("đã xem xét và chấp nhận"));
    for rendered in [&submitted, &accepted] {
        assert!(!rendered.text.contains("tiếp nhận"), "{}", rendered.text);
    }
}

#[test]
fn a_head_without_a_title_on_record_is_the_units_leader() {
    let rendered = render(&MailContent::EscalationHead(EscalationHeadContext {
        period: q1(),
        unit: UnitRef {
            id: 41,
            code: "TTKC".into(),
            name: "Trung tâm Khuyến công".into(),
            office: false,
        },
        deadline: deadline(),
        late: Lateness::Minutes { minutes: 75 },
        status: MissingStatus::NotSubmitted,
        head_name: Some("Lê Văn Tâm".into()),
        head_title: None,
        submission_id: None,
    }));
    assert!(rendered
        .text
        .starts_with("Kính gửi: Ông/Bà Lê Văn Tâm, Lãnh đạo Trung tâm Khuyến công.\n"));
    assert!(rendered.text.contains("Đề nghị Lãnh đạo đơn vị chỉ đạo"));
    // Units other than the Office keep the Office's part.
    assert!(rendered
        .text
        .contains("Văn phòng Sở chưa nhận được báo cáo của Trung tâm Khuyến công"));
    assert!(rendered
        .text
        .contains("Văn phòng Sở sẽ tổng hợp, báo cáo Ban Giám đốc Sở"));
    assert!(rendered.text.contains("quá hạn 1 giờ 15 phút"));
}
