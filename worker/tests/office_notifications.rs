//! The Office's own report, end to end: real PostgreSQL, a real SMTP server, an injected clock.
//! The Office (a unit of kind `office`) reports like any unit; its reminder goes to its own CCHC
//! staff and its escalation to its head, greeted by the title on record, both worded for the
//! Office's own report (what the worker reads from the database when the job runs).
//!
//! Fixture: period 2026-Q4, deadline Tuesday 15/12/2026 16:30; one unit, VP (Văn phòng Sở), head
//! Trần Hồng Minh (Chánh Văn phòng), focal person Nguyễn Thị Thu Hương.

use std::sync::Arc;

use cchc_app::authz::Principal;
use cchc_app::config::NotificationConfig;
use cchc_app::outbound::AllowList;
use cchc_app::repo::{indicators, periods, units};
use cchc_db::build_pool;
use cchc_domain::clock::FixedClock;
use cchc_domain::model::audit::Actor;
use cchc_domain::model::indicator::{ContentArea, CreateIndicator, IndicatorKind};
use cchc_domain::model::job::Recipient;
use cchc_domain::model::period::CreatePeriod;
use cchc_domain::model::policy::ReminderPolicy;
use cchc_domain::model::token::Role;
use cchc_domain::model::unit::{Contact, CreateUnit, UnitKind};
use cchc_domain::rules::cutoff::{Frequency, ReportType};
use cchc_testkit::smtp_sink::{ReceivedMessage, SmtpSink};
use cchc_testkit::test_db::TestDatabase;
use cchc_worker::dispatch::JobDispatcher;
use cchc_worker::email::{Composer, Mailer, Transport};
use cchc_worker::mail_jobs::MailJobs;
use cchc_worker::runtime::Worker;
use cchc_worker::webhook_jobs::WebhookJobs;
use chrono::{DateTime, Utc};
use mail_parser::MessageParser;

fn at(local: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(local)
        .unwrap()
        .with_timezone(&Utc)
}

fn office() -> Principal {
    Principal {
        token_id: 0,
        name: "Văn phòng Sở".into(),
        role: Role::Admin,
        unit_id: None,
        unit_code: None,
    }
}

fn contact(name: &str, title: &str, email: &str) -> Contact {
    Contact {
        name: name.into(),
        position_title: Some(title.into()),
        email: email.into(),
        phone: None,
    }
}

/// (subject, text) of a message.
fn read(message: &ReceivedMessage) -> (String, String) {
    let parsed = MessageParser::default().parse(&message.data).unwrap();
    (
        parsed.subject().unwrap().to_owned(),
        parsed.body_text(0).unwrap().replace("\r\n", "\n"),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn the_offices_own_late_report_is_worded_as_its_own() {
    let db = TestDatabase::migrated();
    let pool = build_pool(db.url(), 4).unwrap();
    let clock = FixedClock::new(at("2026-12-01T09:00:00+07:00"));
    let actor = Actor::system("test");
    let now = Utc::now();
    let mut conn = pool.get().await.unwrap();
    units::create(
        &mut conn,
        &CreateUnit {
            code: "VP".into(),
            name: "Văn phòng Sở".into(),
            kind: UnitKind::Office,
            parent_code: None,
            active: None,
            qlvb_code: None,
            head: Some(contact(
                "Trần Hồng Minh",
                "Chánh Văn phòng",
                "chanhvanphong@sct.example.vn",
            )),
            focal_persons: vec![contact(
                "Nguyễn Thị Thu Hương",
                "Chuyên viên phụ trách CCHC",
                "huong.vp@sct.example.vn",
            )],
        },
        &office(),
        &actor,
        now,
    )
    .await
    .unwrap();
    indicators::create(
        &mut conn,
        &CreateIndicator {
            code: "TUYENTRUYEN".into(),
            name: "Số tin, bài tuyên truyền về cải cách hành chính".into(),
            description: None,
            content_area: ContentArea::Communication,
            kind: IndicatorKind::Count,
            unit_of_measure: Some("tin, bài".into()),
            target: None,
            tolerance: None,
            evidence_required: None,
            active: None,
            aggregation: None,
            aggregation_weight: None,
        },
        &office(),
        &actor,
        now,
    )
    .await
    .unwrap();
    let period = periods::create(
        &mut conn,
        &CreatePeriod {
            code: "2026-Q4".into(),
            title: "Báo cáo CCHC Quý IV/2026".into(),
            description: None,
            report_type: ReportType::Periodic,
            frequency: Frequency::Quarterly,
            year: Some(2026),
            sequence: Some(4),
            data_from: None,
            data_to: None,
            deadline: DateTime::parse_from_rfc3339("2026-12-15T16:30:00+07:00").unwrap(),
            shift_deadline_off_non_working_day: None,
            strict_deadline_check: None,
            legal_basis: Vec::new(),
            indicator_codes: None,
            unit_codes: None,
            policy: None,
            qlvb_arrival_submits: None,
        },
        &ReminderPolicy::default(),
        &office(),
        &actor,
        now,
    )
    .await
    .unwrap();
    periods::open(&mut conn, period.id, &office(), &actor, now)
        .await
        .unwrap();
    drop(conn);

    let sink = SmtpSink::start().await.unwrap();
    let composer = Composer::new(
        "Văn phòng Sở <cchc@cchc.example.gov.vn>".parse().unwrap(),
        "https://cchc.example.gov.vn",
        "cchc.example.gov.vn",
    )
    .unwrap();
    let worker = Worker::new(
        pool.clone(),
        NotificationConfig {
            leadership: vec![Recipient::new("Giám đốc Sở", "giamdoc@sct.example.vn")],
            digest_time: chrono::NaiveTime::from_hms_opt(23, 59, 0).unwrap(),
            ..NotificationConfig::default()
        },
        Arc::new(clock.clone()),
        Arc::new(JobDispatcher::new(
            MailJobs::new(Mailer::new(composer, Transport::smtp(&sink.url()).unwrap())),
            WebhookJobs::new(&AllowList::default()).unwrap(),
        )),
    );

    // D-2, Friday 11/12 08:00: the Office's own staff are reminded of its own report.
    clock.set(at("2026-12-11T08:00:00+07:00"));
    let (plan, drained) = worker.once().await.unwrap();
    assert_eq!((plan.reminders, drained.done), (1, 1));
    let messages = sink.messages();
    assert_eq!(messages[0].recipients, ["huong.vp@sct.example.vn"]);
    let (_, text) = read(&messages[0]);
    assert!(
        text.starts_with("Kính gửi: Chuyên viên phụ trách CCHC của Văn phòng Sở.\n"),
        "{text}"
    );
    assert!(
        text.contains("báo cáo CCHC Quý IV/2026 (2026-Q4) của Văn phòng Sở chưa được gửi"),
        "{text}"
    );
    assert!(!text.contains("Văn phòng Sở chưa nhận được"), "{text}");
    sink.clear();

    // Wednesday 16/12 07:30: its head, by title, with the leadership as the next step.
    clock.set(at("2026-12-16T07:30:00+07:00"));
    let (plan, drained) = worker.once().await.unwrap();
    assert_eq!((plan.head_escalations, drained.done), (1, 1));
    let messages = sink.messages();
    let mut to = messages[0].recipients.clone();
    to.sort();
    assert_eq!(
        to,
        ["chanhvanphong@sct.example.vn", "huong.vp@sct.example.vn"]
    );
    let (subject, text) = read(&messages[0]);
    assert_eq!(
        subject,
        "Quá hạn nộp báo cáo CCHC Quý IV/2026 – Văn phòng Sở"
    );
    assert!(
        text.starts_with("Kính gửi: Ông/Bà Trần Hồng Minh, Chánh Văn phòng Sở.\n"),
        "{text}"
    );
    assert!(
        text.contains("báo cáo của chính Văn phòng Sở chưa được gửi"),
        "{text}"
    );
    assert!(text.contains("quá hạn từ 16:30 ngày 15/12/2026"), "{text}");
    assert!(text.contains("Đề nghị Chánh Văn phòng chỉ đạo"), "{text}");
    assert!(
        text.contains("việc chậm trễ sẽ được báo cáo trực tiếp Ban Giám đốc Sở"),
        "{text}"
    );
    for absurd in ["Văn phòng Sở chưa nhận được", "Văn phòng Sở sẽ tổng hợp"] {
        assert!(!text.contains(absurd), "{absurd:?} in {text}");
    }
}
