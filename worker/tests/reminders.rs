//! The worker end to end: real PostgreSQL, a real SMTP server started by the test, an injected
//! clock. Reminders reach only units that have not submitted, once per step and recipient
//! however often the schedule fires and however many runners run; SMTP outages delay mail
//! without losing it; late units are escalated to their head, then to the leadership; the mail
//! about a report received through QLVB with problems reaches the focal person it names.
//!
//! Fixture: period 2026-Q4, deadline Tuesday 15/12/2026 16:30; units KHTC (two focal persons)
//! and QLTM (one), each with a head. Reminders: D-5 Tue 08/12 08:00, D-2 Fri 11/12 08:00, D-0
//! Tue 15/12 08:00, last call 14:00; head escalation Wed 16/12 07:30 (17:30 is after office
//! hours); leadership Thu 17/12 16:30.

use std::collections::BTreeMap;
use std::sync::Arc;

use cchc_app::authz::Principal;
use cchc_app::config::NotificationConfig;
use cchc_app::outbound::AllowList;
use cchc_app::repo::pinned_versions::PinnedVersions;
use cchc_app::repo::{holidays, indicators, jobs, periods, schedule, submissions, units};
use cchc_db::{build_pool, DbPool};
use cchc_domain::clock::{Clock, FixedClock};
use cchc_domain::model::audit::Actor;
use cchc_domain::model::holiday::CreateHoliday;
use cchc_domain::model::indicator::{ContentArea, CreateIndicator, IndicatorKind};
use cchc_domain::model::job::{JobStatus, Recipient};
use cchc_domain::model::period::CreatePeriod;
use cchc_domain::model::policy::ReminderPolicy;
use cchc_domain::model::submission::{CreateSubmission, IfMatch, UpdateSubmission, ValueInput};
use cchc_domain::model::token::Role;
use cchc_domain::model::unit::{Contact, CreateUnit, UnitKind};
use cchc_domain::model::PageParams;
use cchc_domain::rules::cutoff::{Frequency, ReportType};
use cchc_domain::rules::reminders::EscalationLevel;
use cchc_testkit::smtp_sink::{FailureMode, ReceivedMessage, SmtpSink};
use cchc_testkit::test_db::TestDatabase;
use cchc_worker::dispatch::JobDispatcher;
use cchc_worker::email::{Composer, Mailer, Transport};
use cchc_worker::mail_jobs::MailJobs;
use cchc_worker::runtime::Worker;
use cchc_worker::webhook_jobs::WebhookJobs;
use chrono::{DateTime, Utc};
use mail_parser::MessageParser;
use rust_decimal::Decimal;

fn at(local: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(local)
        .unwrap()
        .with_timezone(&Utc)
}

const DEADLINE: &str = "2026-12-15T16:30:00+07:00";

struct Fixture {
    _db: TestDatabase,
    pool: DbPool,
    clock: FixedClock,
    sink: SmtpSink,
    worker: Worker,
    period_id: i64,
}

fn contact(name: &str, email: &str) -> Contact {
    Contact {
        name: name.into(),
        position_title: None,
        email: email.into(),
        phone: None,
    }
}

/// The leadership and the Office; the digest is kept out of the way (23:59) except in its own
/// test, so the other tests count only what they are about.
fn notifications() -> NotificationConfig {
    NotificationConfig {
        leadership: vec![Recipient::new("Giám đốc Sở", "giamdoc@sct.example.vn")],
        office: vec![Recipient::new("Văn phòng Sở", "vanphong@sct.example.vn")],
        digest_time: chrono::NaiveTime::from_hms_opt(23, 59, 0).unwrap(),
        ..NotificationConfig::default()
    }
}

async fn fixture() -> Fixture {
    let db = TestDatabase::migrated();
    let pool = build_pool(db.url(), 4).unwrap();
    let clock = FixedClock::new(at("2026-12-01T09:00:00+07:00"));
    let actor = Actor::system("test");
    let now = Utc::now();
    let mut conn = pool.get().await.unwrap();
    for (code, name, focal) in [
        (
            "KHTC",
            "Phòng Kế hoạch - Tài chính",
            vec![
                contact("Nguyễn Thị Lan", "lan.khtc@sct.example.vn"),
                contact("Lê Văn Bình", "binh.khtc@sct.example.vn"),
            ],
        ),
        (
            "QLTM",
            "Phòng Quản lý thương mại",
            vec![contact("Trần Văn Cường", "cuong.qltm@sct.example.vn")],
        ),
    ] {
        units::create(
            &mut conn,
            &CreateUnit {
                code: code.into(),
                name: name.into(),
                kind: UnitKind::Division,
                parent_code: None,
                active: None,
                qlvb_code: None,
                head: Some(Contact {
                    position_title: Some("Trưởng phòng".into()),
                    ..contact(
                        "Phạm Văn Hùng",
                        &format!("truongphong.{}@sct.example.vn", code.to_lowercase()),
                    )
                }),
                focal_persons: focal,
            },
            &office(),
            &actor,
            now,
        )
        .await
        .unwrap();
    }
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
            deadline: DateTime::parse_from_rfc3339(DEADLINE).unwrap(),
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
    let worker = worker(&pool, &clock, &sink);
    Fixture {
        _db: db,
        pool,
        clock,
        sink,
        worker,
        period_id: period.id,
    }
}

/// A worker on the fixture's database, clock and SMTP sink (each call: another replica).
fn worker(pool: &DbPool, clock: &FixedClock, sink: &SmtpSink) -> Worker {
    worker_with(pool, clock, sink, notifications())
}

fn worker_with(
    pool: &DbPool,
    clock: &FixedClock,
    sink: &SmtpSink,
    notify: NotificationConfig,
) -> Worker {
    let composer = Composer::new(
        "Văn phòng Sở <cchc@localhost>".parse().unwrap(),
        "https://cchc.example.gov.vn",
        "cchc.localhost",
    )
    .unwrap();
    let mailer = Mailer::new(composer, Transport::smtp(&sink.url()).unwrap());
    Worker::new(
        pool.clone(),
        notify,
        Arc::new(clock.clone()),
        Arc::new(JobDispatcher::new(
            MailJobs::new(mailer),
            WebhookJobs::new(&AllowList::default()).unwrap(),
        )),
    )
}

fn recipients(message: &ReceivedMessage) -> Vec<String> {
    let mut to = message.recipients.clone();
    to.sort();
    to
}

fn subject(message: &ReceivedMessage) -> String {
    MessageParser::default()
        .parse(&message.data)
        .expect("a parseable message")
        .subject()
        .expect("a subject")
        .to_owned()
}

/// Every recipient address with how many mails it got.
fn mailbox_counts(messages: &[ReceivedMessage]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for message in messages {
        for to in &message.recipients {
            *counts.entry(to.clone()).or_insert(0) += 1;
        }
    }
    counts
}

/// The Office's coordinator.
fn office() -> Principal {
    Principal {
        token_id: 0,
        name: "Văn phòng Sở".into(),
        role: Role::Admin,
        unit_id: None,
        unit_code: None,
    }
}

/// KHTC's reporter files and submits its report.
async fn khtc_submits(f: &Fixture) {
    let mut conn = f.pool.get().await.unwrap();
    let unit_id = units::find_id_by_code(&mut conn, "KHTC")
        .await
        .unwrap()
        .unwrap();
    let principal = Principal {
        token_id: 0,
        name: "KHTC reporter".into(),
        role: Role::Reporter,
        unit_id: Some(unit_id),
        unit_code: Some("KHTC".into()),
    };
    let actor = Actor::system("KHTC reporter");
    let now = f.clock.now();
    let versions = PinnedVersions::new();
    let created = submissions::create(
        &mut conn,
        &versions,
        f.period_id,
        &CreateSubmission::default(),
        &principal,
        &actor,
        now,
    )
    .await
    .unwrap();
    let values = BTreeMap::from([(
        "TUYENTRUYEN".to_owned(),
        ValueInput {
            number: Some(Decimal::from(12)),
            ..ValueInput::default()
        },
    )]);
    submissions::update(
        &mut conn,
        &versions,
        created.id,
        &UpdateSubmission {
            values: Some(values),
            ..UpdateSubmission::default()
        },
        &IfMatch::Any,
        &principal,
        &actor,
        now,
    )
    .await
    .unwrap();
    submissions::submit(&mut conn, &versions, created.id, &principal, &actor, now)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn firing_the_schedule_twice_sends_each_reminder_once() {
    let f = fixture().await;
    f.clock.set(at("2026-12-01T09:00:00+07:00"));
    let (plan, drained) = f.worker.once().await.unwrap();
    assert_eq!(plan.total(), 0, "nothing is due a week before D-5");
    assert_eq!(drained.done, 0);

    f.clock.set(at("2026-12-08T08:00:00+07:00"));
    let (plan, drained) = f.worker.once().await.unwrap();
    assert_eq!(plan.reminders, 3, "two KHTC focal persons and one QLTM");
    assert_eq!(drained.done, 3);
    // The schedule fires again the same minute and a minute later: nothing new.
    let (plan, _) = f.worker.once().await.unwrap();
    assert_eq!(plan.total(), 0);
    f.clock.set(at("2026-12-08T08:01:00+07:00"));
    let (plan, _) = f.worker.once().await.unwrap();
    assert_eq!(plan.total(), 0);

    let messages = f.sink.messages();
    assert_eq!(
        mailbox_counts(&messages),
        BTreeMap::from([
            ("binh.khtc@sct.example.vn".to_owned(), 1),
            ("cuong.qltm@sct.example.vn".to_owned(), 1),
            ("lan.khtc@sct.example.vn".to_owned(), 1),
        ])
    );
    // The Vietnamese subject survives RFC 2047 encoding exactly.
    assert_eq!(
        subject(&messages[0]),
        "Nhắc hạn nộp báo cáo CCHC Quý IV/2026 – còn 5 ngày làm việc"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn two_runners_at_once_send_no_duplicates() {
    let f = fixture().await;
    f.clock.set(at("2026-12-08T08:00:00+07:00"));
    // Two replicas plan at the same instant, then both drain at once.
    let replica = worker(&f.pool, &f.clock, &f.sink);
    let (a, b) = tokio::join!(f.worker.plan(), replica.plan());
    assert_eq!(a.unwrap().reminders + b.unwrap().reminders, 3);
    let (a, b) = tokio::join!(f.worker.drain(None), replica.drain(None));
    assert_eq!(a.unwrap().done + b.unwrap().done, 3);
    let messages = f.sink.messages();
    assert_eq!(messages.len(), 3);
    assert!(mailbox_counts(&messages).values().all(|&n| n == 1));
}

#[tokio::test(flavor = "multi_thread")]
async fn mail_waits_out_an_smtp_outage_and_is_delivered_after() {
    let f = fixture().await;
    f.sink.set_failure_mode(FailureMode::Unavailable);
    f.clock.set(at("2026-12-08T08:00:00+07:00"));
    let (plan, drained) = f.worker.once().await.unwrap();
    assert_eq!(plan.reminders, 3);
    assert_eq!((drained.done, drained.retrying, drained.failed), (0, 3, 0));
    assert!(f.sink.messages().is_empty());

    // Still down at the first retry (30 s later): retried again, nothing lost.
    f.clock.set(at("2026-12-08T08:00:30+07:00"));
    let drained = f.worker.drain(None).await.unwrap();
    assert_eq!(drained.retrying, 3);

    // The server is back; the next retry (60 s after the second failure) delivers everything.
    f.sink.set_failure_mode(FailureMode::Accept);
    f.clock.set(at("2026-12-08T08:01:29+07:00"));
    assert_eq!(f.worker.drain(None).await.unwrap().done, 0, "not due yet");
    f.clock.set(at("2026-12-08T08:01:30+07:00"));
    assert_eq!(f.worker.drain(None).await.unwrap().done, 3);
    assert_eq!(f.sink.messages().len(), 3);

    let mut conn = f.pool.get().await.unwrap();
    let stats = jobs::stats(&mut conn, &office(), f.clock.now())
        .await
        .unwrap();
    assert_eq!((stats.done, stats.failed, stats.retried), (3, 0, 3));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_unit_that_submits_gets_no_more_reminders_but_a_receipt() {
    let f = fixture().await;
    f.clock.set(at("2026-12-08T08:00:00+07:00"));
    f.worker.once().await.unwrap();
    f.sink.clear();

    f.clock.set(at("2026-12-09T10:00:00+07:00"));
    khtc_submits(&f).await;
    // The receipt was queued with the submission itself.
    let (_, drained) = f.worker.once().await.unwrap();
    assert_eq!(drained.done, 2, "a receipt to each KHTC focal person");
    let receipts = f.sink.messages();
    assert_eq!(receipts.len(), 2);
    assert!(
        subject(&receipts[0]).contains("Quý IV/2026"),
        "{}",
        subject(&receipts[0])
    );
    f.sink.clear();

    f.clock.set(at("2026-12-11T08:00:00+07:00"));
    let (plan, _) = f.worker.once().await.unwrap();
    assert_eq!(plan.reminders, 1, "only QLTM is still missing");
    let messages = f.sink.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(recipients(&messages[0]), ["cuong.qltm@sct.example.vn"]);
    assert!(subject(&messages[0]).contains("còn 2 ngày làm việc"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reminder_already_queued_is_skipped_when_the_unit_submits_first() {
    let f = fixture().await;
    f.clock.set(at("2026-12-08T08:00:00+07:00"));
    let plan = f.worker.plan().await.unwrap();
    assert_eq!(plan.reminders, 3);
    khtc_submits(&f).await;
    let drained = f.worker.drain(None).await.unwrap();
    // 3 reminders (2 skipped) and 2 receipts, all done.
    assert_eq!(drained.done, 5);
    let counts = mailbox_counts(&f.sink.messages());
    assert_eq!(counts["cuong.qltm@sct.example.vn"], 1);
    assert_eq!(counts["lan.khtc@sct.example.vn"], 1, "the receipt only");
    let mut conn = f.pool.get().await.unwrap();
    let page = jobs::list(
        &mut conn,
        &cchc_domain::model::job::JobFilter {
            status: Some(JobStatus::Done),
            kind: Some("reminder".into()),
        },
        PageParams::default(),
        &office(),
    )
    .await
    .unwrap();
    let skipped = page
        .items
        .iter()
        .filter(|j| j.outcome.as_deref() == Some("skipped: the unit has submitted"))
        .count();
    assert_eq!(skipped, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_holiday_moves_a_reminder_to_the_working_day_before() {
    let f = fixture().await;
    f.clock.set(at("2026-12-08T08:00:00+07:00"));
    f.worker.once().await.unwrap();
    // Thursday 10/12 08:00 is no reminder slot on the normal calendar.
    f.clock.set(at("2026-12-10T08:00:00+07:00"));
    assert_eq!(f.worker.once().await.unwrap().0.total(), 0);
    // Friday 11/12 becomes a day off: D-2 is now Thursday 10/12.
    let mut conn = f.pool.get().await.unwrap();
    holidays::create(
        &mut conn,
        &CreateHoliday {
            date: "2026-12-11".parse().unwrap(),
            kind: cchc_domain::rules::calendar::DayKind::DayOff,
            name: "Nghỉ bù".into(),
            note: None,
            provisional: None,
        },
        &office(),
        &Actor::system("test"),
        Utc::now(),
    )
    .await
    .unwrap();
    drop(conn);
    f.clock.set(at("2026-12-10T08:00:01+07:00"));
    let (plan, drained) = f.worker.once().await.unwrap();
    assert_eq!(plan.reminders, 3);
    assert_eq!(drained.done, 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn nothing_goes_out_on_a_weekend_or_after_hours_and_it_waits_for_monday() {
    let f = fixture().await;
    // The worker was down through D-2 (Friday 11/12 08:00) and is back on Saturday.
    f.clock.set(at("2026-12-12T10:00:00+07:00"));
    assert_eq!(f.worker.once().await.unwrap().0.total(), 0);
    f.clock.set(at("2026-12-14T07:29:00+07:00"));
    assert_eq!(f.worker.once().await.unwrap().0.total(), 0);
    // Monday at the start of office hours: the current step (D-2), once per recipient.
    f.clock.set(at("2026-12-14T07:30:00+07:00"));
    let (plan, drained) = f.worker.once().await.unwrap();
    assert_eq!((plan.reminders, drained.done), (3, 3));
    assert!(subject(&f.sink.messages()[0]).contains("còn 2 ngày làm việc"));
}

#[tokio::test(flavor = "multi_thread")]
async fn late_units_are_escalated_to_the_head_then_the_leadership() {
    let f = fixture().await;
    khtc_submits(&f).await;
    f.worker.once().await.unwrap();
    f.sink.clear();

    // 17:30 on the deadline day is after office hours: nothing yet.
    f.clock.set(at("2026-12-15T17:30:00+07:00"));
    assert_eq!(f.worker.once().await.unwrap().0.total(), 0);
    f.clock.set(at("2026-12-16T07:30:00+07:00"));
    let (plan, _) = f.worker.once().await.unwrap();
    assert_eq!((plan.head_escalations, plan.escalation_mails), (1, 1));
    let messages = f.sink.messages();
    assert_eq!(messages.len(), 1);
    // To the head, with the focal person in copy.
    assert_eq!(
        recipients(&messages[0]),
        [
            "cuong.qltm@sct.example.vn",
            "truongphong.qltm@sct.example.vn"
        ]
    );
    assert!(
        subject(&messages[0]).to_lowercase().contains("quá hạn"),
        "{}",
        subject(&messages[0])
    );
    // Greeted by the title on record; late since the deadline, not "15 giờ".
    let parsed = MessageParser::default().parse(&messages[0].data).unwrap();
    let text = parsed.body_text(0).unwrap();
    assert_eq!(
        text.lines().next(),
        Some("Kính gửi: Ông/Bà Phạm Văn Hùng, Trưởng phòng Quản lý thương mại."),
        "{text}"
    );
    assert!(text.contains("quá hạn từ 16:30 ngày 15/12/2026"), "{text}");
    assert!(text.contains("Đề nghị Trưởng phòng chỉ đạo"), "{text}");
    f.sink.clear();

    let mut conn = f.pool.get().await.unwrap();
    let levels = schedule::levels(&conn, f.period_id).await.unwrap();
    assert_eq!(
        levels.values().collect::<Vec<_>>(),
        [&EscalationLevel::Head]
    );

    f.clock.set(at("2026-12-17T16:29:00+07:00"));
    assert_eq!(f.worker.once().await.unwrap().0.total(), 0);
    f.clock.set(at("2026-12-17T16:30:00+07:00"));
    let (plan, _) = f.worker.once().await.unwrap();
    assert_eq!(plan.leadership_escalations, 1, "QLTM");
    assert_eq!(plan.escalation_mails, 2, "the leadership and the Office");
    let messages = f.sink.messages();
    assert_eq!(
        mailbox_counts(&messages),
        BTreeMap::from([
            ("giamdoc@sct.example.vn".to_owned(), 1),
            ("vanphong@sct.example.vn".to_owned(), 1),
        ])
    );
    let body = String::from_utf8_lossy(&messages[0].data).to_string();
    let parsed = MessageParser::default().parse(body.as_bytes()).unwrap();
    let text = parsed.body_text(0).unwrap();
    assert!(text.contains("Phòng Quản lý thương mại"), "{text}");
    assert!(!text.contains("Phòng Kế hoạch - Tài chính"), "{text}");

    let page = schedule::escalations_of(&mut conn, f.period_id, PageParams::default(), &office())
        .await
        .unwrap();
    let listed: Vec<(String, EscalationLevel)> = page
        .items
        .iter()
        .map(|e| (e.unit_code.clone(), e.level))
        .collect();
    assert_eq!(
        listed,
        [
            ("QLTM".to_owned(), EscalationLevel::Head),
            ("QLTM".to_owned(), EscalationLevel::Leadership)
        ]
    );
    // Firing again escalates nobody twice.
    f.clock.set(at("2026-12-18T09:00:00+07:00"));
    assert_eq!(f.worker.once().await.unwrap().0.total(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn escalations_are_counted_when_no_mailbox_is_configured_for_them() {
    // Quickstart's case: no CCHC_LEADERSHIP_EMAILS nor CCHC_OFFICE_EMAILS. Units are still
    // escalated (and the log says so); only the mails about it have nobody to go to.
    let mut f = fixture().await;
    f.worker = worker_with(
        &f.pool,
        &f.clock,
        &f.sink,
        NotificationConfig {
            leadership: Vec::new(),
            office: Vec::new(),
            ..notifications()
        },
    );
    f.clock.set(at("2026-12-16T07:30:00+07:00"));
    let (plan, _) = f.worker.once().await.unwrap();
    assert_eq!(
        (plan.head_escalations, plan.escalation_mails),
        (2, 2),
        "both units, to their heads"
    );
    f.clock.set(at("2026-12-17T16:30:00+07:00"));
    let (plan, _) = f.worker.once().await.unwrap();
    assert_eq!(plan.leadership_escalations, 2, "both units, recorded");
    assert_eq!(plan.escalation_mails, 0, "nobody to mail");
    assert!(plan.total() > 0);
    let mut conn = f.pool.get().await.unwrap();
    let page = schedule::escalations_of(&mut conn, f.period_id, PageParams::default(), &office())
        .await
        .unwrap();
    let leadership = page
        .items
        .iter()
        .filter(|e| e.level == EscalationLevel::Leadership)
        .count();
    assert_eq!(leadership, plan.leadership_escalations);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_office_gets_a_digest_on_working_days_from_07_30() {
    let mut f = fixture().await;
    f.worker = worker_with(
        &f.pool,
        &f.clock,
        &f.sink,
        NotificationConfig {
            digest_time: chrono::NaiveTime::from_hms_opt(7, 30, 0).unwrap(),
            ..notifications()
        },
    );
    f.clock.set(at("2026-12-12T07:30:00+07:00"));
    assert_eq!(f.worker.once().await.unwrap().0.digests, 0, "a Saturday");
    f.clock.set(at("2026-12-14T07:29:00+07:00"));
    assert_eq!(f.worker.once().await.unwrap().0.digests, 0);
    f.clock.set(at("2026-12-14T07:30:00+07:00"));
    let (plan, _) = f.worker.once().await.unwrap();
    assert_eq!(plan.digests, 1);
    f.clock.set(at("2026-12-14T11:00:00+07:00"));
    assert_eq!(f.worker.once().await.unwrap().0.digests, 0, "one a day");
    let digest: Vec<ReceivedMessage> = f
        .sink
        .messages()
        .into_iter()
        .filter(|m| m.recipients == ["vanphong@sct.example.vn"])
        .collect();
    assert_eq!(digest.len(), 1);
    let parsed = MessageParser::default().parse(&digest[0].data).unwrap();
    let text = parsed.body_text(0).unwrap().to_string();
    assert!(text.contains("Báo cáo CCHC Quý IV/2026"), "{text}");
    assert!(text.contains("Phòng Quản lý thương mại"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_running_worker_delivers_what_is_queued_and_stops_when_told() {
    let f = fixture().await;
    // Before D-5, so the receipts are the only mail whenever the schedule fires.
    f.clock.set(at("2026-12-01T10:00:00+07:00"));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = f.worker.clone();
    let url = f._db.url().to_owned();
    let running = tokio::spawn(async move { worker.run(&url, 2, stopped).await });
    // A submission queues two receipts in its own transaction; the runners pick them up.
    khtc_submits(&f).await;
    let received = f
        .sink
        .wait_for(2, std::time::Duration::from_secs(30))
        .await
        .expect("the receipts arrive");
    assert_eq!(
        mailbox_counts(&received),
        BTreeMap::from([
            ("binh.khtc@sct.example.vn".to_owned(), 1),
            ("lan.khtc@sct.example.vn".to_owned(), 1),
        ])
    );
    stop.send(true).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(30), running)
        .await
        .expect("the worker stops")
        .unwrap()
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_report_received_through_qlvb_with_problems_is_answered_by_mail() {
    use cchc_app::jobs::{BackgroundJob, QlvbImportProblems};
    use cchc_domain::model::qlvb_import::ImportProblem;

    let f = fixture().await;
    let mut conn = f.pool.get().await.unwrap();
    let now = f.clock.now();
    let created = submissions::create(
        &mut conn,
        &PinnedVersions::new(),
        f.period_id,
        &CreateSubmission {
            unit_code: Some("KHTC".into()),
        },
        &office(),
        &Actor::system("test"),
        now,
    )
    .await
    .unwrap();
    // As the QLVB event's transaction enqueues it.
    let job = QlvbImportProblems {
        submission_id: created.id,
        document_number: "7/BC-KHTC".into(),
        form_filename: Some("Bieu-mau-KHTC.xlsx".into()),
        problems: vec![ImportProblem {
            field: "I12".into(),
            code: "not_a_number".into(),
            message: "phải là số".into(),
        }],
        missing: Vec::new(),
        recipient: Recipient::new("Nguyễn Thị Lan", "lan.khtc@sct.example.vn"),
    }
    .to_new_job("qlvb_import:test".into(), now)
    .unwrap();
    jobs::enqueue(&mut conn, &job, now).await.unwrap();
    drop(conn);
    let (_, drained) = f.worker.once().await.unwrap();
    assert_eq!(drained.done, 1);
    let messages = f.sink.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(recipients(&messages[0]), ["lan.khtc@sct.example.vn"]);
    assert_eq!(
        subject(&messages[0]),
        "Biểu mẫu thống kê gửi qua QLVB (7/BC-KHTC) chưa được nhập: 1 ô cần sửa"
    );
    let text = String::from_utf8_lossy(&messages[0].data).into_owned();
    assert!(text.contains("qlvb_import_problems"), "the kind header");
}
