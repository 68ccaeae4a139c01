//! Tasks through the worker, end to end: real PostgreSQL, a real SMTP server, an injected clock.
//! The lead unit is reminded before a deadline and before an ongoing task's monthly progress
//! report; an overdue task is announced (`task.overdue`) the minute its deadline passes, then
//! escalated to the unit head and to the leadership in office hours; an extension makes queued
//! mail stale and starts a new cycle; the plan's working group gets its monthly and quarterly
//! digest. Everything once, however often the schedule fires.
//!
//! Fixture (default policy: reminders D-5, D-2, D-0 at 08:00 and 14:00 on the deadline day;
//! head one hour after the deadline, in office hours; leadership two working days after):
//! - plan KH-CCHC-2026 (383/KH-SCT), issued, working group `tocongtac@…`;
//! - task 1 of the plan: KHTC leads (head + focal person), due 15/12/2026 (17:00);
//! - task 2 of the meeting conclusion 52/TB-SCT: QLTM leads (no head on record), due within
//!   January 2027;
//! - task 3 of the plan: KHTC, ongoing ("thường xuyên"), a progress report every month.

use std::sync::Arc;

use cchc_app::authz::Principal;
use cchc_app::config::NotificationConfig;
use cchc_app::outbound::AllowList;
use cchc_app::repo::{documents, plans, tasks, units};
use cchc_db::{build_pool, DbPool};
use cchc_domain::clock::FixedClock;
use cchc_domain::model::audit::Actor;
use cchc_domain::model::document::{CreateDocument, DocumentDirection};
use cchc_domain::model::job::Recipient;
use cchc_domain::model::plan::CreatePlan;
use cchc_domain::model::policy::ReminderPolicy;
use cchc_domain::model::task::{CreateTask, GrantTaskExtension};
use cchc_domain::model::token::Role;
use cchc_domain::model::unit::{Contact, CreateUnit, UnitKind};
use cchc_domain::rules::task_due::{ReportEvery, TaskDue};
use cchc_testkit::smtp_sink::{ReceivedMessage, SmtpSink};
use cchc_testkit::test_db::TestDatabase;
use cchc_worker::dispatch::JobDispatcher;
use cchc_worker::email::{Composer, Mailer, Transport};
use cchc_worker::mail_jobs::MailJobs;
use cchc_worker::runtime::Worker;
use cchc_worker::webhook_jobs::WebhookJobs;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel_async::RunQueryDsl;
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

fn contact(name: &str, email: &str) -> Contact {
    Contact {
        name: name.into(),
        position_title: None,
        email: email.into(),
        phone: None,
    }
}

struct Fixture {
    _db: TestDatabase,
    pool: DbPool,
    clock: FixedClock,
    sink: SmtpSink,
    worker: Worker,
    deadline_task: i64,
}

fn notifications() -> NotificationConfig {
    NotificationConfig {
        leadership: vec![Recipient::new("Giám đốc Sở", "giamdoc@sct.example.vn")],
        office: vec![Recipient::new("Văn phòng Sở", "vanphong@sct.example.vn")],
        // The daily digest of periods is kept out of the way; the plans' digest shares its time.
        digest_time: chrono::NaiveTime::from_hms_opt(7, 30, 0).unwrap(),
        task_policy: ReminderPolicy::default(),
    }
}

fn task_input(code: &str, title: &str, lead: &str, due: TaskDue) -> CreateTask {
    CreateTask {
        code: code.into(),
        title: title.into(),
        source_document_id: None,
        content_area: None,
        lead_unit_code: lead.into(),
        coordinating_unit_codes: Vec::new(),
        expected_output: Some("Báo cáo kết quả".into()),
        start_date: None,
        due,
    }
}

async fn fixture() -> Fixture {
    let db = TestDatabase::migrated();
    let pool = build_pool(db.url(), 4).unwrap();
    let clock = FixedClock::new(at("2026-12-01T06:00:00+07:00"));
    let actor = Actor::system("test");
    let now = at("2026-11-30T09:00:00+07:00");
    let policy = ReminderPolicy::default();
    let mut conn = pool.get().await.unwrap();
    for (code, name, head, focal) in [
        (
            "KHTC",
            "Phòng Kế hoạch - Tài chính",
            Some(contact("Phạm Văn Hùng", "truongphong.khtc@sct.example.vn")),
            contact("Nguyễn Thị Lan", "lan.khtc@sct.example.vn"),
        ),
        (
            "QLTM",
            "Phòng Quản lý thương mại",
            None,
            contact("Trần Văn Cường", "cuong.qltm@sct.example.vn"),
        ),
    ] {
        let unit = CreateUnit {
            code: code.into(),
            name: name.into(),
            kind: UnitKind::Division,
            parent_code: None,
            active: None,
            qlvb_code: None,
            head,
            focal_persons: vec![focal],
        };
        units::create(&mut conn, &unit, &office(), &actor, now)
            .await
            .unwrap();
    }
    let document = |number: &str, subject: &str| CreateDocument {
        number: number.into(),
        issued_on: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
        issuing_agency: "Sở Công Thương".into(),
        subject: subject.into(),
        signer: None,
        direction: DocumentDirection::Outgoing,
    };
    let plan_document = documents::create(
        &mut conn,
        &document("383/KH-SCT", "Kế hoạch cải cách hành chính năm 2026"),
        &office(),
        &actor,
        now,
    )
    .await
    .unwrap();
    let conclusion = documents::create(
        &mut conn,
        &document("52/TB-SCT", "Kết luận của Giám đốc Sở tại cuộc họp về CCHC"),
        &office(),
        &actor,
        now,
    )
    .await
    .unwrap();
    let plan = plans::create(
        &mut conn,
        &CreatePlan {
            code: "KH-CCHC-2026".into(),
            year: 2026,
            title: "Kế hoạch cải cách hành chính năm 2026".into(),
            description: None,
            document_id: Some(plan_document.id),
            legal_basis_document_ids: Vec::new(),
            areas: Vec::new(),
            targets: Vec::new(),
            working_group: vec![Recipient::new(
                "Tổ công tác CCHC",
                "tocongtac@sct.example.vn",
            )],
        },
        &office(),
        &actor,
        now,
    )
    .await
    .unwrap();
    let deadline_task = tasks::create_in_plan(
        &mut conn,
        plan.id,
        &task_input(
            "1",
            "Rà soát, đơn giản hóa thủ tục hành chính",
            "KHTC",
            TaskDue::Date {
                date: NaiveDate::from_ymd_opt(2026, 12, 15).unwrap(),
            },
        ),
        &policy,
        &office(),
        &actor,
        now,
    )
    .await
    .unwrap();
    tasks::create_in_plan(
        &mut conn,
        plan.id,
        &task_input(
            "3",
            "Theo dõi, đôn đốc thực hiện kế hoạch",
            "KHTC",
            TaskDue::Recurring {
                every: ReportEvery::Month,
            },
        ),
        &policy,
        &office(),
        &actor,
        now,
    )
    .await
    .unwrap();
    // Issuing the plan gives its two tasks to their units.
    plans::issue(&mut conn, plan.id, &office(), &actor, now)
        .await
        .unwrap();
    let conclusion_task = CreateTask {
        source_document_id: Some(conclusion.id),
        ..task_input(
            "2",
            "Rà soát các TTHC mức độ 3, 4 không phát sinh hồ sơ",
            "QLTM",
            TaskDue::Month {
                year: 2027,
                month: 1,
            },
        )
    };
    tasks::create(&mut conn, &conclusion_task, &policy, &office(), &actor, now)
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
        deadline_task: deadline_task.task.id,
    }
}

fn worker(pool: &DbPool, clock: &FixedClock, sink: &SmtpSink) -> Worker {
    let composer = Composer::new(
        "Văn phòng Sở <cchc@localhost>".parse().unwrap(),
        "https://cchc.example.gov.vn",
        "cchc.localhost",
    )
    .unwrap();
    let mailer = Mailer::new(composer, Transport::smtp(&sink.url()).unwrap());
    Worker::new(
        pool.clone(),
        notifications(),
        Arc::new(clock.clone()),
        Arc::new(JobDispatcher::new(
            MailJobs::new(mailer),
            WebhookJobs::new(&AllowList::default()).unwrap(),
        )),
    )
}

struct Parsed {
    to: Vec<String>,
    cc: Vec<String>,
    subject: String,
    text: String,
}

fn parse(message: &ReceivedMessage) -> Parsed {
    let parsed = MessageParser::default().parse(&message.data).unwrap();
    let addresses = |list: Option<&mail_parser::Address>| -> Vec<String> {
        list.map(|a| {
            a.iter()
                .filter_map(|addr| addr.address().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
    };
    Parsed {
        to: addresses(parsed.to()),
        cc: addresses(parsed.cc()),
        subject: parsed.subject().unwrap_or_default().to_owned(),
        text: parsed.body_text(0).unwrap_or_default().into_owned(),
    }
}

/// The mail about tasks: the periods' daily digest (there is no period here) is left out.
fn task_mail(sink: &SmtpSink) -> Vec<Parsed> {
    sink.messages()
        .iter()
        .map(parse)
        .filter(|m| !m.subject.starts_with("Tình hình nộp báo cáo"))
        .collect()
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// How many integration events of `event_type` were recorded.
async fn events(pool: &DbPool, event_type: &str) -> i64 {
    let mut conn = pool.get().await.unwrap();
    diesel::sql_query("SELECT count(*) AS n FROM integration_events WHERE type = $1")
        .bind::<Text, _>(event_type)
        .get_result::<Count>(&mut conn)
        .await
        .unwrap()
        .n
}

#[tokio::test(flavor = "multi_thread")]
async fn the_lead_unit_is_reminded_once_per_step_of_a_deadline_and_of_a_progress_report() {
    let f = fixture().await;
    assert_eq!(
        events(&f.pool, "task.assigned").await,
        3,
        "two on issue, one on create"
    );

    f.clock.set(at("2026-12-07T08:00:00+07:00"));
    let (plan, _) = f.worker.once().await.unwrap();
    assert_eq!(plan.task_reminders, 0, "D-6: nothing is due yet");

    // D-5 of task 1 (Tuesday 08/12 08:00); twice the same minute, then a minute later.
    f.clock.set(at("2026-12-08T08:00:00+07:00"));
    let (plan, drained) = f.worker.once().await.unwrap();
    assert_eq!(plan.task_reminders, 1);
    assert_eq!(drained.failed, 0);
    assert_eq!(f.worker.once().await.unwrap().0.task_reminders, 0);
    f.clock.set(at("2026-12-08T08:01:00+07:00"));
    assert_eq!(f.worker.once().await.unwrap().0.task_reminders, 0);

    let messages = task_mail(&f.sink);
    assert_eq!(messages.len(), 1);
    let mail = &messages[0];
    assert_eq!(mail.to, ["lan.khtc@sct.example.vn"]);
    assert_eq!(
        mail.subject,
        "Nhắc hạn hoàn thành nhiệm vụ 1 – còn 5 ngày làm việc"
    );
    assert!(
        mail.text.contains("Kính gửi: Phòng Kế hoạch - Tài chính."),
        "{}",
        mail.text
    );
    assert!(
        mail.text.contains("(theo Kế hoạch số 383/KH-SCT)"),
        "{}",
        mail.text
    );
    assert!(
        mail.text
            .contains("1. Rà soát, đơn giản hóa thủ tục hành chính"),
        "{}",
        mail.text
    );
    assert!(mail.text.contains("17:00 ngày 15/12/2026"), "{}", mail.text);
    let link = format!(
        "https://cchc.example.gov.vn/l/task/task.{}.",
        f.deadline_task
    );
    assert!(mail.text.contains(&link), "{}", mail.text);

    // The ongoing task's December report is due Thursday 31/12 17:00: D-5 is Thursday 24/12.
    f.sink.clear();
    f.clock.set(at("2026-12-24T08:00:00+07:00"));
    let (plan, _) = f.worker.once().await.unwrap();
    assert_eq!(
        plan.task_reminders, 1,
        "task 3's progress report; task 1 is overdue"
    );
    let mail = &task_mail(&f.sink)[0];
    assert_eq!(
        mail.subject,
        "Nhắc báo cáo tiến độ nhiệm vụ 3 – còn 5 ngày làm việc"
    );
    assert!(
        mail.text.contains("Theo dõi, đôn đốc thực hiện kế hoạch"),
        "{}",
        mail.text
    );
    assert!(mail.text.contains("17:00 ngày 31/12/2026"), "{}", mail.text);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_overdue_task_is_announced_at_once_then_escalated_to_the_head_and_the_leadership() {
    let f = fixture().await;
    // A minute past the deadline, after office hours: the event leaves, the mail waits.
    f.clock.set(at("2026-12-15T17:01:00+07:00"));
    let (plan, _) = f.worker.once().await.unwrap();
    assert_eq!(plan.tasks_overdue, 1);
    assert_eq!(plan.task_head_escalations, 0, "after office hours");
    assert_eq!(f.worker.once().await.unwrap().0.tasks_overdue, 0, "once");
    assert_eq!(events(&f.pool, "task.overdue").await, 1);

    // Wednesday 16/12 07:30: the head, with the focal person in copy.
    f.sink.clear();
    f.clock.set(at("2026-12-16T07:30:00+07:00"));
    let (plan, _) = f.worker.once().await.unwrap();
    assert_eq!(plan.task_head_escalations, 1);
    assert_eq!(plan.task_leadership_escalations, 0);
    assert_eq!(plan.task_escalation_mails, 1);
    let messages = task_mail(&f.sink);
    assert_eq!(messages.len(), 1);
    let mail = &messages[0];
    assert_eq!(mail.to, ["truongphong.khtc@sct.example.vn"]);
    assert_eq!(mail.cc, ["lan.khtc@sct.example.vn"]);
    assert_eq!(
        mail.subject,
        "Nhiệm vụ 1 quá hạn chưa hoàn thành – Phòng Kế hoạch - Tài chính"
    );
    assert!(mail.text.contains("Ông/Bà Phạm Văn Hùng"), "{}", mail.text);
    assert!(
        mail.text.contains("đã quá hạn từ 17:00 ngày 15/12/2026"),
        "{}",
        mail.text
    );

    // Two working days after the deadline day, at the deadline's 17:00 (after office hours):
    // Friday 18/12 07:30, the leadership and the Office, one mail each.
    f.sink.clear();
    f.clock.set(at("2026-12-17T16:59:00+07:00"));
    assert_eq!(
        f.worker.once().await.unwrap().0.task_leadership_escalations,
        0
    );
    f.clock.set(at("2026-12-18T07:30:00+07:00"));
    let (plan, _) = f.worker.once().await.unwrap();
    assert_eq!(
        (plan.task_leadership_escalations, plan.task_escalation_mails),
        (1, 2),
        "one task, told to the leadership and the Office"
    );
    assert_eq!(f.worker.once().await.unwrap().0.total(), 0);
    let messages = task_mail(&f.sink);
    let mut to: Vec<String> = messages.iter().flat_map(|m| m.to.clone()).collect();
    to.sort();
    assert_eq!(to, ["giamdoc@sct.example.vn", "vanphong@sct.example.vn"]);
    let mail = &messages[0];
    assert_eq!(mail.subject, "1 nhiệm vụ CCHC quá hạn chưa hoàn thành");
    assert!(
        mail.text
            .contains("Đơn vị chủ trì: Phòng Kế hoạch - Tài chính"),
        "{}",
        mail.text
    );
    assert!(mail.text.contains("quá hạn 2 ngày"), "{}", mail.text);

    // An extension to Tuesday 22/12 starts over: it passes unfinished, so it is overdue again.
    let mut conn = f.pool.get().await.unwrap();
    let extension = GrantTaskExtension {
        due: TaskDue::Date {
            date: NaiveDate::from_ymd_opt(2026, 12, 22).unwrap(),
        },
        reason: "Chờ ý kiến của Sở Tư pháp.".into(),
    };
    let now = at("2026-12-18T09:00:00+07:00");
    tasks::grant_extension(
        &mut conn,
        f.deadline_task,
        &extension,
        &ReminderPolicy::default(),
        &office(),
        &Actor::system("test"),
        now,
    )
    .await
    .unwrap();
    drop(conn);
    f.clock.set(at("2026-12-22T17:01:00+07:00"));
    assert_eq!(f.worker.once().await.unwrap().0.tasks_overdue, 1);
    assert_eq!(events(&f.pool, "task.overdue").await, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_extension_makes_a_queued_reminder_stale() {
    let f = fixture().await;
    f.clock.set(at("2026-12-08T08:00:00+07:00"));
    // Planned but not yet run.
    assert_eq!(f.worker.plan().await.unwrap().task_reminders, 1);
    let mut conn = f.pool.get().await.unwrap();
    let extension = GrantTaskExtension {
        due: TaskDue::Month {
            year: 2027,
            month: 2,
        },
        reason: "Bổ sung nội dung theo chỉ đạo của UBND tỉnh.".into(),
    };
    tasks::grant_extension(
        &mut conn,
        f.deadline_task,
        &extension,
        &ReminderPolicy::default(),
        &office(),
        &Actor::system("test"),
        at("2026-12-08T08:00:00+07:00"),
    )
    .await
    .unwrap();
    drop(conn);
    let drained = f.worker.drain(None).await.unwrap();
    assert_eq!(
        (drained.retrying, drained.failed),
        (0, 0),
        "the job finishes"
    );
    assert!(
        task_mail(&f.sink).is_empty(),
        "without a mail: the deadline changed"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_working_group_gets_the_monthly_digest_and_the_quarterly_one() {
    let f = fixture().await;
    // Tuesday 01/12/2026 07:30: November's digest, to the working group only.
    f.clock.set(at("2026-12-01T07:29:00+07:00"));
    assert_eq!(f.worker.once().await.unwrap().0.plan_digests, 0);
    f.clock.set(at("2026-12-01T07:30:00+07:00"));
    let (plan, _) = f.worker.once().await.unwrap();
    assert_eq!(plan.plan_digests, 1);
    f.clock.set(at("2026-12-02T07:30:00+07:00"));
    assert_eq!(
        f.worker.once().await.unwrap().0.plan_digests,
        0,
        "once a month"
    );
    let digests = task_mail(&f.sink);
    assert_eq!(digests.len(), 1);
    let mail = &digests[0];
    assert_eq!(mail.to, ["tocongtac@sct.example.vn"]);
    assert_eq!(
        mail.subject,
        "Tình hình thực hiện Kế hoạch cải cách hành chính năm 2026 – tháng 11/2026"
    );
    assert!(
        mail.text.contains("(Kế hoạch số 383/KH-SCT)"),
        "{}",
        mail.text
    );
    assert!(mail.text.contains("- Tổng số nhiệm vụ: 2"), "{}", mail.text);

    // Monday 04/01/2027 (01/01 is a holiday): the fourth quarter's digest, task 1 overdue.
    f.sink.clear();
    f.clock.set(at("2027-01-04T07:30:00+07:00"));
    let (plan, _) = f.worker.once().await.unwrap();
    assert_eq!(plan.plan_digests, 1);
    let mail = task_mail(&f.sink)
        .into_iter()
        .find(|m| m.subject.starts_with("Tình hình thực hiện"))
        .unwrap();
    assert!(mail.subject.ends_with("– quý IV/2026"), "{}", mail.subject);
    // Task 1 past its deadline, task 3 without its December progress report.
    assert!(
        mail.text.contains("- Quá hạn chưa hoàn thành: 2"),
        "{}",
        mail.text
    );
    assert!(
        mail.text.contains("Tỷ lệ hoàn thành đúng hạn: 0 %"),
        "{}",
        mail.text
    );
    assert!(
        mail.text.contains("1. Nhiệm vụ 1: Rà soát, đơn giản hóa thủ tục hành chính – Phòng Kế hoạch - Tài chính; hạn 17:00 ngày 15/12/2026, quá hạn 12 ngày làm việc;"),
        "{}",
        mail.text
    );
    assert!(
        mail.text.contains("2. Nhiệm vụ 3: Theo dõi, đôn đốc thực hiện kế hoạch – Phòng Kế hoạch - Tài chính; chưa báo cáo tiến độ kỳ trước"),
        "{}",
        mail.text
    );
}
