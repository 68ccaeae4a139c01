//! The e-mail module end to end: every template against committed snapshots, real SMTP against
//! the in-process sink (decoded with an independent parser), failure classification, the file
//! and memory transports, and escaping of what users typed.

use std::time::Duration;

use cchc_testkit::smtp_sink::{FailureMode, SmtpSink};
use cchc_worker::email::{
    Composer, DigestContext, DigestPeriod, EscalationHeadContext, EscalationLeadershipContext,
    LateUnit, Lateness, Mail, MailConfig, MailContent, Mailer, MissingLine, MissingStatus,
    MissingUnit, PeriodRef, ReceiptContext, ReceiptEvent, Recipient, ReminderContext, ReminderStep,
    Rendered, Timeliness, Transport, UnitRef,
};
use chrono::{DateTime, TimeZone, Utc};
use mail_parser::{MessageParser, PartType};

const WAIT: Duration = Duration::from_secs(10);
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

fn khtc() -> UnitRef {
    UnitRef {
        id: 34,
        code: "KHTC".into(),
        name: "Phòng Kế hoạch - Tài chính".into(),
        office: false,
    }
}

fn qltm() -> UnitRef {
    UnitRef {
        id: 35,
        code: "QLTM".into(),
        name: "Phòng Quản lý Thương mại".into(),
        office: false,
    }
}

fn ttkc() -> UnitRef {
    UnitRef {
        id: 41,
        code: "TTKC".into(),
        name: "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp".into(),
        office: false,
    }
}

fn focal() -> Recipient {
    Recipient::new("Nguyễn Thị Lan", "lannt@sct.khanhhoa.gov.vn")
}

fn focal_2() -> Recipient {
    Recipient::new("Lê Văn Bình", "binhlv@sct.khanhhoa.gov.vn")
}

fn composer() -> Composer {
    Composer::new(
        "Văn phòng Sở <cchc@localhost>".parse().unwrap(),
        BASE_URL,
        "cchc.localhost",
    )
    .unwrap()
    .with_link_secret(b"a-fixed-secret-for-the-snapshots!")
}

fn reminder(step: ReminderStep, return_reason: Option<&str>) -> MailContent {
    MailContent::Reminder(ReminderContext {
        period: q1(),
        unit: khtc(),
        deadline: deadline(),
        step,
        return_reason: return_reason.map(str::to_owned),
        submission_id: return_reason.map(|_| 501),
        missing: return_reason
            .map(|_| {
                vec![
                    MissingLine {
                        indicator_code: "TTHC-DUNGHAN".into(),
                        indicator_name: "Tỷ lệ hồ sơ giải quyết đúng hạn".into(),
                        label: "chưa nhập số liệu".into(),
                    },
                    MissingLine {
                        indicator_code: "VB-BANHANH".into(),
                        indicator_name: "Số văn bản ban hành".into(),
                        label: "chưa trích dẫn minh chứng".into(),
                    },
                ]
            })
            .unwrap_or_default(),
    })
}

fn reminder_mail() -> Mail {
    Mail {
        key: "reminder.12.34.d5".into(),
        to: vec![focal(), focal_2()],
        cc: vec![],
        content: reminder(ReminderStep::WorkingDaysBefore(5), None),
    }
}

fn receipt(event: ReceiptEvent) -> MailContent {
    MailContent::Receipt(ReceiptContext {
        period: q1(),
        unit: khtc(),
        deadline: deadline(),
        submission_id: 501,
        by: None,
        event,
    })
}

fn render(content: &MailContent) -> Rendered {
    composer().render(content).unwrap()
}

fn snapshot(rendered: &Rendered) -> String {
    format!(
        "Subject: {}\n\n===== text/plain =====\n{}\n===== text/html =====\n{}",
        rendered.subject, rendered.text, rendered.html
    )
}

// ---------------------------------------------------------------------------------------------
// Templates

#[test]
fn reminder_five_working_days_before() {
    let rendered = render(&reminder(ReminderStep::WorkingDaysBefore(5), None));
    assert_eq!(
        rendered.subject,
        "Nhắc hạn nộp báo cáo CCHC Quý I/2023 – còn 5 ngày làm việc"
    );
    insta::assert_snapshot!("reminder_d5", snapshot(&rendered));
}

#[test]
fn reminder_on_the_deadline_morning() {
    let rendered = render(&reminder(ReminderStep::WorkingDaysBefore(0), None));
    assert_eq!(
        rendered.subject,
        "Nhắc hạn nộp báo cáo CCHC Quý I/2023 – hôm nay là hạn cuối"
    );
    insta::assert_snapshot!("reminder_d0", snapshot(&rendered));
}

#[test]
fn last_call_for_a_returned_report_quotes_the_reason() {
    let reason = "Thiếu số liệu tỷ lệ hồ sơ trực tuyến quý I.\nĐề nghị bổ sung giải trình.";
    let rendered = render(&reminder(ReminderStep::DeadlineDay, Some(reason)));
    assert_eq!(
        rendered.subject,
        "Nhắc hạn nộp lại báo cáo CCHC Quý I/2023 – hạn cuối 16:30 hôm nay"
    );
    assert!(rendered
        .text
        .contains("    Thiếu số liệu tỷ lệ hồ sơ trực tuyến quý I.\n    Đề nghị"));
    assert!(rendered
        .text
        .contains(&format!("{BASE_URL}/l/report/report.12.34.")));
    assert!(rendered
        .text
        .contains(&format!("{BASE_URL}/l/form/form.12.34.")));
    assert!(rendered
        .text
        .contains("TTHC-DUNGHAN Tỷ lệ hồ sơ giải quyết đúng hạn: chưa nhập số liệu"));
    insta::assert_snapshot!("reminder_deadline_day_returned", snapshot(&rendered));
}

#[test]
fn escalation_to_the_unit_head() {
    let rendered = render(&MailContent::EscalationHead(EscalationHeadContext {
        period: q1(),
        unit: khtc(),
        deadline: deadline(),
        late: Lateness::Minutes { minutes: 75 },
        status: MissingStatus::NotSubmitted,
        head_name: Some("Trần Văn Hùng".into()),
        head_title: Some("Trưởng phòng".into()),
        submission_id: None,
    }));
    assert_eq!(
        rendered.subject,
        "Quá hạn nộp báo cáo CCHC Quý I/2023 – Phòng Kế hoạch - Tài chính"
    );
    assert!(rendered.text.contains("quá hạn 1 giờ 15 phút"));
    insta::assert_snapshot!("escalation_head", snapshot(&rendered));
}

#[test]
fn escalation_to_the_head_of_a_unit_whose_report_was_returned() {
    let rendered = render(&MailContent::EscalationHead(EscalationHeadContext {
        period: q1(),
        unit: qltm(),
        deadline: deadline(),
        late: Lateness::Minutes { minutes: 45 },
        status: MissingStatus::Returned,
        head_name: None,
        head_title: None,
        submission_id: Some(502),
    }));
    assert!(rendered
        .text
        .starts_with("Kính gửi: Lãnh đạo Phòng Quản lý Thương mại.\n"));
    assert!(rendered
        .text
        .contains("đã bị Văn phòng Sở trả lại nhưng đơn vị chưa gửi lại"));
    assert!(rendered.text.contains("quá hạn 45 phút"));
}

#[test]
fn escalation_to_the_leadership() {
    let rendered = render(&MailContent::EscalationLeadership(
        EscalationLeadershipContext {
            period: q1(),
            deadline: deadline(),
            late_units: vec![
                LateUnit {
                    unit: khtc(),
                    late: Lateness::WorkingDays { days: 2 },
                    status: MissingStatus::NotSubmitted,
                },
                LateUnit {
                    unit: qltm(),
                    late: Lateness::WorkingDays { days: 3 },
                    status: MissingStatus::Returned,
                },
                LateUnit {
                    unit: ttkc(),
                    // Its extension ended this morning.
                    late: Lateness::Minutes { minutes: 90 },
                    status: MissingStatus::NotSubmitted,
                },
            ],
        },
    ));
    assert_eq!(
        rendered.subject,
        "Báo cáo Ban Giám đốc: 3 đơn vị quá hạn nộp báo cáo CCHC Quý I/2023"
    );
    assert!(rendered
        .text
        .contains(&format!("{BASE_URL}/l/board/board.12.")));
    insta::assert_snapshot!("escalation_leadership", snapshot(&rendered));
}

#[test]
fn receipt_of_a_late_submission() {
    let rendered = render(&receipt(ReceiptEvent::Submitted {
        submitted_at: local(2023, 3, 10, 16, 55),
        timeliness: Timeliness::Late {
            late: Lateness::Minutes { minutes: 25 },
        },
    }));
    assert_eq!(
        rendered.subject,
        "Đã nhận báo cáo CCHC Quý I/2023 của Phòng Kế hoạch - Tài chính"
    );
    assert!(rendered
        .text
        .contains("gửi lúc 16:55 ngày 10/03/2023: trễ 25 phút"));
    insta::assert_snapshot!("receipt_submitted_late", snapshot(&rendered));
}

#[test]
fn receipts_name_early_and_on_time_submissions() {
    for (timeliness, label) in [
        (
            Timeliness::Early,
            ": trước hạn (thời hạn gửi báo cáo: 16:30 ngày 10/03/2023)",
        ),
        (
            Timeliness::OnTime,
            ": đúng hạn (thời hạn gửi báo cáo: 16:30 ngày 10/03/2023)",
        ),
    ] {
        let rendered = render(&receipt(ReceiptEvent::Submitted {
            submitted_at: local(2023, 3, 8, 9, 5),
            timeliness,
        }));
        assert!(rendered.text.contains(label), "{}", rendered.text);
        assert!(rendered
            .html
            .contains("gửi lúc <strong>09:05 ngày 08/03/2023</strong>"));
    }
}

#[test]
fn receipt_of_a_returned_report() {
    let rendered = render(&receipt(ReceiptEvent::Returned {
        returned_at: local(2023, 3, 9, 10, 0),
        reason: "Số liệu chỉ tiêu 2.1 chưa khớp với hệ thống một cửa điện tử, đề nghị giải trình."
            .into(),
    }));
    assert_eq!(
        rendered.subject,
        "Trả lại báo cáo CCHC Quý I/2023 của Phòng Kế hoạch - Tài chính để hoàn thiện"
    );
    assert!(rendered
        .text
        .contains("gửi lại báo cáo trước 16:30 ngày 10/03/2023"));
    insta::assert_snapshot!("receipt_returned", snapshot(&rendered));

    let after_deadline = render(&receipt(ReceiptEvent::Returned {
        returned_at: local(2023, 3, 13, 8, 0),
        reason: "Thiếu tài liệu kiểm chứng.".into(),
    }));
    assert!(after_deadline.text.contains("trong thời gian sớm nhất"));
}

#[test]
fn receipt_of_an_accepted_report() {
    let rendered = render(&receipt(ReceiptEvent::Accepted {
        accepted_at: local(2023, 3, 13, 14, 20),
    }));
    assert_eq!(
        rendered.subject,
        "Đã chấp nhận báo cáo CCHC Quý I/2023 của Phòng Kế hoạch - Tài chính"
    );
    insta::assert_snapshot!("receipt_accepted", snapshot(&rendered));
}

#[test]
fn receipts_name_who_submitted_returned_or_accepted() {
    let by = |event| {
        let MailContent::Receipt(context) = receipt(event) else {
            unreachable!()
        };
        render(&MailContent::Receipt(ReceiptContext {
            by: Some("Lê Văn <Phòng>".into()),
            ..context
        }))
    };
    let cases = [
        (
            ReceiptEvent::Submitted {
                submitted_at: local(2023, 3, 8, 9, 5),
                timeliness: Timeliness::OnTime,
            },
            "Người gửi báo cáo",
        ),
        (
            ReceiptEvent::Returned {
                returned_at: local(2023, 3, 9, 10, 0),
                reason: "Thiếu tài liệu kiểm chứng.".into(),
            },
            "Người trả lại báo cáo",
        ),
        (
            ReceiptEvent::Accepted {
                accepted_at: local(2023, 3, 13, 14, 20),
            },
            "Người chấp nhận báo cáo",
        ),
    ];
    for (event, label) in cases {
        let without = render(&receipt(event.clone()));
        assert!(!without.text.contains(label), "{}", without.text);
        let rendered = by(event);
        assert!(
            rendered.text.contains(&format!("{label}: Lê Văn <Phòng>.")),
            "{}",
            rendered.text
        );
        assert!(
            rendered
                .html
                .contains(&format!("{label}: <strong>Lê Văn &lt;Phòng&gt;</strong>.")),
            "{}",
            rendered.html
        );
    }
}

#[test]
fn daily_digest() {
    let rendered = render(&MailContent::Digest(DigestContext {
        as_of: local(2023, 3, 10, 7, 30),
        periods: vec![
            DigestPeriod {
                period: q1(),
                deadline: deadline(),
                participating: 12,
                submitted: 9,
                accepted: 6,
                missing_units: vec![
                    MissingUnit {
                        unit: khtc(),
                        status: MissingStatus::NotSubmitted,
                    },
                    MissingUnit {
                        unit: qltm(),
                        status: MissingStatus::Returned,
                    },
                    MissingUnit {
                        unit: ttkc(),
                        status: MissingStatus::NotSubmitted,
                    },
                ],
            },
            DigestPeriod {
                period: PeriodRef {
                    id: 11,
                    code: "CCHC-2023-T02".into(),
                    title: "Báo cáo kết quả thực hiện Kế hoạch CCHC tháng 02/2023".into(),
                },
                deadline: local(2023, 3, 3, 16, 30),
                participating: 12,
                submitted: 12,
                accepted: 12,
                missing_units: vec![],
            },
        ],
    }));
    assert_eq!(
        rendered.subject,
        "Tình hình nộp báo cáo CCHC ngày 10/03/2023 – còn 3 báo cáo chưa nộp"
    );
    insta::assert_snapshot!("digest", snapshot(&rendered));
}

#[test]
fn digest_without_open_periods() {
    let rendered = render(&MailContent::Digest(DigestContext {
        as_of: local(2023, 3, 11, 7, 30),
        periods: vec![],
    }));
    assert_eq!(
        rendered.subject,
        "Tình hình nộp báo cáo CCHC ngày 11/03/2023"
    );
    assert!(rendered
        .text
        .contains("Hiện không có kỳ báo cáo nào đang mở."));
    assert!(rendered
        .html
        .contains("Hiện không có kỳ báo cáo nào đang mở."));
}

#[test]
fn what_users_typed_is_escaped_in_html_and_kept_in_text() {
    let reason = r#"<script>alert("x")</script> & <b>đậm</b>"#;
    let mut unit = khtc();
    unit.name = "Phòng <i>A</i> & B".into();
    let rendered = render(&MailContent::Reminder(ReminderContext {
        period: q1(),
        unit,
        deadline: deadline(),
        step: ReminderStep::WorkingDaysBefore(2),
        return_reason: Some(reason.into()),
        submission_id: Some(501),
        missing: Vec::new(),
    }));
    assert!(!rendered.html.contains("<script>"), "{}", rendered.html);
    assert!(!rendered.html.contains("<i>A</i>"), "{}", rendered.html);
    assert!(rendered.html.contains(
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;đậm&lt;/b&gt;"
    ));
    assert!(rendered.html.contains("Phòng &lt;i&gt;A&lt;/i&gt; &amp; B"));
    assert!(rendered.text.contains(reason));
    assert!(rendered.text.contains("Kính gửi: Phòng <i>A</i> & B."));
}

// ---------------------------------------------------------------------------------------------
// Messages

#[test]
fn the_message_id_comes_from_the_key_and_survives_a_resend() {
    let composer = composer();
    let mail = reminder_mail();
    let first = composer.compose(&mail, local(2023, 3, 3, 8, 0)).unwrap();
    let again = composer.compose(&mail, local(2023, 3, 3, 8, 7)).unwrap();
    let id = |m: &lettre::Message| m.headers().get_raw("Message-ID").unwrap().to_owned();
    assert_eq!(id(&first), "<reminder.12.34.d5@cchc.localhost>");
    assert_eq!(id(&first), id(&again));
    let mut other = mail.clone();
    other.key = "reminder/12/34/d5".into();
    let other_id = id(&composer.compose(&other, local(2023, 3, 3, 8, 0)).unwrap());
    assert_ne!(other_id, id(&first));
    assert!(other_id.starts_with("<reminder.12.34.d5."), "{other_id}");
}

#[test]
fn mails_that_cannot_be_sent_are_refused_when_composed() {
    let composer = composer();
    let mut mail = reminder_mail();
    mail.to = vec![Recipient::new("Lan", "not an address")];
    let error = composer.compose(&mail, deadline()).unwrap_err();
    assert!(error.to_string().contains("not an address"), "{error}");
    mail.to = vec![];
    assert!(composer.compose(&mail, deadline()).is_err());
    let mut mail = reminder_mail();
    mail.key = "  ".into();
    assert!(composer.compose(&mail, deadline()).is_err());
    mail.key = "a\r\nBcc: x@evil.vn".into();
    assert!(composer.compose(&mail, deadline()).is_err());
}

#[test]
fn composing_checks_its_settings() {
    let from: lettre::message::Mailbox = "cchc@localhost".parse().unwrap();
    assert!(Composer::new(from.clone(), "cchc.example.gov.vn", "localhost").is_err());
    assert!(Composer::new(from.clone(), BASE_URL, "bad domain").is_err());
    assert!(Composer::new(from, BASE_URL, "localhost").is_ok());
}

// ---------------------------------------------------------------------------------------------
// SMTP, against the sink

#[tokio::test]
async fn smtp_delivers_a_message_that_decodes_exactly() {
    let sink = SmtpSink::start().await.unwrap();
    let transport = Transport::smtp(&sink.url()).unwrap();
    let composer = composer();
    let mut mail = reminder_mail();
    mail.cc = vec![Recipient::new(
        "Trần Văn Hùng",
        "hungtv@sct.khanhhoa.gov.vn",
    )];
    let sent_at = local(2023, 3, 3, 8, 0);
    let message = composer.compose(&mail, sent_at).unwrap();
    transport.send(&message).await.unwrap();

    let received = sink.wait_for(1, WAIT).await.unwrap();
    assert_eq!(received.len(), 1);
    let received = &received[0];
    assert_eq!(received.mail_from, "cchc@localhost");
    assert_eq!(
        received.recipients,
        [
            "lannt@sct.khanhhoa.gov.vn",
            "binhlv@sct.khanhhoa.gov.vn",
            "hungtv@sct.khanhhoa.gov.vn"
        ]
    );
    // Headers and bodies travel as 7-bit ASCII; the parser must decode them back exactly.
    assert!(received.data.is_ascii());

    let parsed = MessageParser::default().parse(&received.data).unwrap();
    assert_eq!(
        parsed.subject(),
        Some("Nhắc hạn nộp báo cáo CCHC Quý I/2023 – còn 5 ngày làm việc")
    );
    let from = parsed.from().unwrap().first().unwrap();
    assert_eq!(from.name(), Some("Văn phòng Sở"));
    assert_eq!(from.address(), Some("cchc@localhost"));
    let to: Vec<_> = parsed
        .to()
        .unwrap()
        .iter()
        .map(|a| (a.name().unwrap(), a.address().unwrap()))
        .collect();
    assert_eq!(
        to,
        [
            ("Nguyễn Thị Lan", "lannt@sct.khanhhoa.gov.vn"),
            ("Lê Văn Bình", "binhlv@sct.khanhhoa.gov.vn")
        ]
    );
    let cc = parsed.cc().unwrap().first().unwrap();
    assert_eq!(cc.name(), Some("Trần Văn Hùng"));
    assert_eq!(
        parsed.message_id(),
        Some("reminder.12.34.d5@cchc.localhost")
    );
    assert_eq!(
        parsed.header("X-CCHC-Key").and_then(|h| h.as_text()),
        Some("reminder.12.34.d5")
    );
    assert_eq!(
        parsed.header("X-CCHC-Kind").and_then(|h| h.as_text()),
        Some("reminder")
    );
    assert_eq!(parsed.date().unwrap().to_timestamp(), sent_at.timestamp());

    let rendered = composer.render(&mail.content).unwrap();
    let texts: Vec<_> = parsed
        .parts
        .iter()
        .filter_map(|part| match &part.body {
            PartType::Text(text) => Some(text.replace("\r\n", "\n")),
            _ => None,
        })
        .collect();
    let htmls: Vec<_> = parsed
        .parts
        .iter()
        .filter_map(|part| match &part.body {
            PartType::Html(html) => Some(html.replace("\r\n", "\n")),
            _ => None,
        })
        .collect();
    assert_eq!(texts, [rendered.text]);
    assert_eq!(htmls, [rendered.html]);
}

#[tokio::test]
async fn smtp_failures_are_classified_and_delivery_resumes() {
    let sink = SmtpSink::start().await.unwrap();
    let transport = Transport::smtp(&sink.url()).unwrap();
    let message = composer().compose(&reminder_mail(), deadline()).unwrap();

    sink.set_failure_mode(FailureMode::Unavailable);
    let error = transport.send(&message).await.unwrap_err();
    assert!(error.is_temporary(), "{error}");

    sink.set_failure_mode(FailureMode::TemporaryFailure);
    let error = transport.send(&message).await.unwrap_err();
    assert!(error.is_temporary(), "{error}");

    sink.set_failure_mode(FailureMode::PermanentFailure);
    let error = transport.send(&message).await.unwrap_err();
    assert!(error.is_permanent(), "{error}");
    assert!(sink.messages().is_empty());

    sink.set_failure_mode(FailureMode::Accept);
    transport.send(&message).await.unwrap();
    assert_eq!(sink.wait_for(1, WAIT).await.unwrap().len(), 1);

    // Down again with a pooled connection open: still temporary.
    sink.set_failure_mode(FailureMode::Unavailable);
    let error = transport.send(&message).await.unwrap_err();
    assert!(error.is_temporary(), "{error}");
    sink.set_failure_mode(FailureMode::Accept);
    transport.send(&message).await.unwrap();
    assert_eq!(sink.wait_for(2, WAIT).await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_refused_connection_is_temporary() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let transport = Transport::smtp(&format!("smtp://127.0.0.1:{port}")).unwrap();
    let message = composer().compose(&reminder_mail(), deadline()).unwrap();
    let error = transport.send(&message).await.unwrap_err();
    assert!(error.is_temporary(), "{error}");
}

#[tokio::test]
async fn the_mailer_from_config_sends_through_smtp_url() {
    let sink = SmtpSink::start().await.unwrap();
    let url = sink.url();
    let config = MailConfig::from_lookup(
        |name| match name {
            "SMTP_URL" => Some(url.clone()),
            "CCHC_MAIL_FROM" => {
                Some("Văn phòng Sở Công Thương <vanphong@sct.khanhhoa.gov.vn>".into())
            }
            _ => None,
        },
        BASE_URL,
    )
    .unwrap();
    let mailer = Mailer::from_config(&config, BASE_URL).unwrap();
    let message_id = mailer.send(&reminder_mail(), deadline()).await.unwrap();
    assert_eq!(message_id, "<reminder.12.34.d5@sct.khanhhoa.gov.vn>");
    let received = sink.wait_for(1, WAIT).await.unwrap();
    let parsed = MessageParser::default().parse(&received[0].data).unwrap();
    let from = parsed.from().unwrap().first().unwrap();
    assert_eq!(from.name(), Some("Văn phòng Sở Công Thương"));
    assert_eq!(
        parsed.message_id(),
        Some("reminder.12.34.d5@sct.khanhhoa.gov.vn")
    );
}

#[tokio::test]
async fn a_subject_cannot_smuggle_headers() {
    let sink = SmtpSink::start().await.unwrap();
    let transport = Transport::smtp(&sink.url()).unwrap();
    let mut unit = khtc();
    unit.name = "Phòng A\r\nBcc: evil@example.com".into();
    let mail = Mail {
        key: "receipt.12.34.accepted".into(),
        to: vec![focal()],
        cc: vec![],
        content: MailContent::Receipt(ReceiptContext {
            period: q1(),
            unit,
            deadline: deadline(),
            submission_id: 501,
            by: None,
            event: ReceiptEvent::Accepted {
                accepted_at: deadline(),
            },
        }),
    };
    transport
        .send(&composer().compose(&mail, deadline()).unwrap())
        .await
        .unwrap();
    let received = sink.wait_for(1, WAIT).await.unwrap();
    assert_eq!(received[0].recipients, ["lannt@sct.khanhhoa.gov.vn"]);
    let parsed = MessageParser::default().parse(&received[0].data).unwrap();
    assert!(parsed.bcc().is_none());
    assert_eq!(
        parsed.subject(),
        Some("Đã chấp nhận báo cáo CCHC Quý I/2023 của Phòng A Bcc: evil@example.com")
    );
}

// ---------------------------------------------------------------------------------------------
// File and memory transports

#[tokio::test]
async fn the_file_transport_writes_one_parseable_eml_per_message_id() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("data").join("mail");
    let transport = Transport::file(&dir);
    let composer = composer();
    let mail = reminder_mail();
    let first = local(2023, 3, 3, 8, 0);
    let resent = local(2023, 3, 3, 8, 5);
    transport
        .send(&composer.compose(&mail, first).unwrap())
        .await
        .unwrap();
    transport
        .send(&composer.compose(&mail, resent).unwrap())
        .await
        .unwrap();

    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(files, ["reminder.12.34.d5@cchc.localhost.eml"]);
    let raw = std::fs::read(dir.join(&files[0])).unwrap();
    let parsed = MessageParser::default().parse(&raw).unwrap();
    assert_eq!(
        parsed.subject(),
        Some("Nhắc hạn nộp báo cáo CCHC Quý I/2023 – còn 5 ngày làm việc")
    );
    assert_eq!(
        parsed.date().unwrap().to_timestamp(),
        resent.timestamp(),
        "the re-send replaced the first file"
    );
    assert!(parsed.body_text(0).unwrap().contains("còn 5 ngày làm việc"));
}

#[tokio::test]
async fn the_file_transport_reports_an_unwritable_directory_as_temporary() {
    let root = tempfile::tempdir().unwrap();
    let blocker = root.path().join("not-a-dir");
    std::fs::write(&blocker, b"").unwrap();
    let transport = Transport::file(blocker.join("mail"));
    let message = composer().compose(&reminder_mail(), deadline()).unwrap();
    let error = transport.send(&message).await.unwrap_err();
    assert!(error.is_temporary(), "{error}");
}

#[tokio::test]
async fn the_memory_transport_records_and_the_mailer_refuses_bad_mail_for_good() {
    let (transport, memory) = Transport::memory();
    let mailer = Mailer::new(composer(), transport);
    assert!(memory.is_empty());
    let id = mailer.send(&reminder_mail(), deadline()).await.unwrap();
    assert_eq!(id, "<reminder.12.34.d5@cchc.localhost>");
    let messages = memory.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(
        messages[0].headers().get_raw("Message-ID"),
        Some("<reminder.12.34.d5@cchc.localhost>")
    );

    let mut bad = reminder_mail();
    bad.to = vec![Recipient::address_only("lan at sct")];
    let error = mailer.send(&bad, deadline()).await.unwrap_err();
    assert!(error.is_permanent(), "{error}");
    assert_eq!(memory.take().len(), 1);
    assert!(memory.is_empty());
}
