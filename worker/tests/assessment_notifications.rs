//! PAR Index self-assessment rounds through the worker, end to end: real PostgreSQL, a real SMTP
//! server, an injected clock. Units that owe parts are reminded before the units' deadline,
//! escalated to their head then to the leadership after it; the Office is reminded before the
//! province's deadline and gets a daily readiness digest. A unit that finished, or a round sent,
//! gets nothing, also when its mail was already queued; and everything once, however often the
//! schedule fires.
//!
//! Fixture (default policy: reminders D-5, D-2, D-0 at 08:00 and 14:00 on the deadline day;
//! head one hour after the deadline, in office hours; leadership two working days after; the
//! digest at 07:30 from five working days before the units' deadline):
//! - units KHTC (head + focal person) and QLTM (focal person, no head on record);
//! - a published set: area 1 (1.1 by level, 2 points; 1.2 entered, 2 points) and area 2 (2.1
//!   entered, 1,5 points; 2.2 survey, 3 points, the Office's);
//! - round TDG-CCHC-2026: 1.1 and 1.2 given to KHTC, 2.1 to QLTM; units' parts due Tuesday
//!   15/12/2026 17:00, due at the province Tuesday 22/12/2026 17:00.

use std::sync::Arc;

use cchc_app::authz::Principal;
use cchc_app::config::NotificationConfig;
use cchc_app::outbound::AllowList;
use cchc_app::repo::assessments::{self, ItemRef};
use cchc_app::repo::schedule::PlanReport;
use cchc_app::repo::submissions::BoardCaches;
use cchc_app::repo::{criteria, units};
use cchc_db::{build_pool, DbPool};
use cchc_domain::clock::{Clock, FixedClock};
use cchc_domain::model::assessment::{
    AssignItem, CreateAssessment, ProposeScore, ReturnItem, SendAssessment,
};
use cchc_domain::model::audit::Actor;
use cchc_domain::model::criteria::{CreateCriteriaSet, CriterionInput, ScoreLevel, Scoring};
use cchc_domain::model::indicator::ContentArea;
use cchc_domain::model::job::Recipient;
use cchc_domain::model::policy::ReminderPolicy;
use cchc_domain::model::token::Role;
use cchc_domain::model::unit::{Contact, CreateUnit, UnitKind};
use cchc_testkit::smtp_sink::{ReceivedMessage, SmtpSink};
use cchc_testkit::test_db::TestDatabase;
use cchc_worker::dispatch::JobDispatcher;
use cchc_worker::email::{Composer, Mailer, Transport};
use cchc_worker::mail_jobs::MailJobs;
use cchc_worker::runtime::Worker;
use cchc_worker::webhook_jobs::WebhookJobs;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel_async::RunQueryDsl;
use mail_parser::MessageParser;
use rust_decimal::Decimal;

const BASE: &str = "https://cchc.example.gov.vn";

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

fn notifications() -> NotificationConfig {
    NotificationConfig {
        leadership: vec![Recipient::new("Giám đốc Sở", "giamdoc@sct.example.vn")],
        office: vec![Recipient::new("Văn phòng Sở", "vanphong@sct.example.vn")],
        digest_time: chrono::NaiveTime::from_hms_opt(7, 30, 0).unwrap(),
        task_policy: ReminderPolicy::default(),
    }
}

struct Fixture {
    _db: TestDatabase,
    pool: DbPool,
    clock: FixedClock,
    sink: SmtpSink,
    worker: Worker,
    round: i64,
}

/// How a leaf of the set is scored.
#[derive(Clone, Copy)]
enum Kind {
    Levels,
    Entered,
    Survey,
}

/// The set: code, title, maximum points, and for a leaf its scoring.
#[rustfmt::skip]
const CRITERIA: [(&str, &str, &str, Option<Kind>); 6] = [
    ("1", "Công tác chỉ đạo, điều hành cải cách hành chính", "4", None),
    ("1.1", "Ban hành kế hoạch cải cách hành chính năm đúng thời hạn", "2", Some(Kind::Levels)),
    ("1.2", "Kiểm tra công tác cải cách hành chính tại các đơn vị", "2", Some(Kind::Entered)),
    ("2", "Cải cách thể chế", "4.5", None),
    ("2.1", "Rà soát, hệ thống hóa văn bản quy phạm pháp luật", "1.5", Some(Kind::Entered)),
    ("2.2", "Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)", "3", Some(Kind::Survey)),
];

fn criteria_set() -> CreateCriteriaSet {
    let level = |label: &str, points| ScoreLevel {
        label: label.into(),
        points: Decimal::from(points),
    };
    let criteria = CRITERIA
        .iter()
        .map(|&(code, title, max, kind)| {
            let area = code.split('.').next().filter(|area| *area != code);
            CriterionInput {
                code: code.into(),
                parent_code: area.map(Into::into),
                title: title.into(),
                max_points: max.parse().unwrap(),
                content_area: area.map(|a| match a {
                    "1" => ContentArea::Inspection,
                    _ => ContentArea::InstitutionalReform,
                }),
                scoring: kind.map(|kind| match kind {
                    Kind::Levels => Scoring::Levels {
                        levels: vec![
                            level("Thực hiện đầy đủ, đúng thời hạn", 2),
                            level("Không thực hiện", 0),
                        ],
                    },
                    Kind::Entered => Scoring::Entered,
                    Kind::Survey => Scoring::Survey,
                }),
                evidence_hint: None,
            }
        })
        .collect();
    CreateCriteriaSet {
        code: "PAR-SO-2026".into(),
        year: 2026,
        title: "Bộ tiêu chí xác định Chỉ số cải cách hành chính các sở năm 2026".into(),
        document_id: None,
        restored_share_percent: Decimal::from(70),
        ranking_classes: Vec::new(),
        criteria,
    }
}

async fn fixture() -> Fixture {
    let db = TestDatabase::migrated();
    let pool = build_pool(db.url(), 4).unwrap();
    let clock = FixedClock::new(at("2026-12-01T06:00:00+07:00"));
    let actor = Actor::system("test");
    let now = at("2026-11-30T09:00:00+07:00");
    let caches = BoardCaches::new(0);
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
    let set = criteria::create(&mut conn, &criteria_set(), &office(), &actor, now)
        .await
        .unwrap();
    criteria::publish(&mut conn, set.id, &office(), &actor, now)
        .await
        .unwrap();
    let input = CreateAssessment {
        code: "TDG-CCHC-2026".into(),
        title: "Tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm 2026".into(),
        criteria_set_id: set.id,
        units_due_at: "2026-12-15T17:00:00+07:00".parse().unwrap(),
        send_due_at: "2026-12-22T17:00:00+07:00".parse().unwrap(),
    };
    let round = assessments::create(&mut conn, &caches, &input, &office(), &actor, now)
        .await
        .unwrap()
        .id;
    for (code, unit) in [("1.1", "KHTC"), ("1.2", "KHTC"), ("2.1", "QLTM")] {
        let item = ItemRef {
            assessment_id: round,
            code,
        };
        let assign = AssignItem {
            unit_code: unit.into(),
        };
        assessments::assign_item(&mut conn, &caches, item, &assign, &office(), &actor, now)
            .await
            .unwrap();
    }
    drop(conn);
    let sink = SmtpSink::start().await.unwrap();
    let worker = worker(&pool, &clock, &sink);
    Fixture {
        _db: db,
        pool,
        clock,
        sink,
        worker,
        round,
    }
}

fn worker(pool: &DbPool, clock: &FixedClock, sink: &SmtpSink) -> Worker {
    let composer = Composer::new(
        "Văn phòng Sở <cchc@localhost>".parse().unwrap(),
        BASE,
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

impl Fixture {
    /// The unit (or the Office) proposes `points` (or `level`) for `code`, with an explanation
    /// when given.
    async fn propose(&self, code: &str, score: Score, explanation: Option<&str>) {
        let (points, level) = match score {
            Score::Points(points) => (Some(points.parse().unwrap()), None),
            Score::Level(level) => (None, Some(level)),
        };
        let input = ProposeScore {
            points,
            level,
            evidence: Vec::new(),
            explanation: explanation.map(Into::into),
        };
        let mut conn = self.pool.get().await.unwrap();
        assessments::propose_score(
            &mut conn,
            &BoardCaches::new(0),
            self.item(code),
            &input,
            &office(),
            &Actor::system("test"),
            self.clock.now(),
        )
        .await
        .unwrap();
    }

    async fn return_item(&self, code: &str, reason: &str) {
        let mut conn = self.pool.get().await.unwrap();
        assessments::return_item(
            &mut conn,
            &BoardCaches::new(0),
            self.item(code),
            &ReturnItem {
                reason: reason.into(),
            },
            &office(),
            &Actor::system("test"),
            self.clock.now(),
        )
        .await
        .unwrap();
    }

    async fn send(&self) {
        let mut conn = self.pool.get().await.unwrap();
        let input = SendAssessment {
            override_reason: Some("Gửi đúng hạn theo yêu cầu của Sở Nội vụ.".into()),
        };
        assessments::send(
            &mut conn,
            &BoardCaches::new(0),
            self.round,
            &input,
            &office(),
            &Actor::system("test"),
            self.clock.now(),
        )
        .await
        .unwrap();
    }

    fn item<'a>(&self, code: &'a str) -> ItemRef<'a> {
        ItemRef {
            assessment_id: self.round,
            code,
        }
    }

    /// How many escalations of the round are recorded.
    async fn escalations(&self) -> i64 {
        let mut conn = self.pool.get().await.unwrap();
        diesel::sql_query(
            "SELECT count(*) AS n FROM assessment_escalations WHERE assessment_id = $1",
        )
        .bind::<BigInt, _>(self.round)
        .get_result::<Count>(&mut conn)
        .await
        .unwrap()
        .n
    }

    /// The level of the round's escalations of unit `code`, in order.
    async fn levels_of(&self, code: &str) -> Vec<String> {
        let mut conn = self.pool.get().await.unwrap();
        diesel::sql_query(
            "SELECT e.level FROM assessment_escalations e JOIN units u ON u.id = e.unit_id \
             WHERE e.assessment_id = $1 AND u.code = $2 ORDER BY e.id",
        )
        .bind::<BigInt, _>(self.round)
        .bind::<Text, _>(code)
        .load::<Level>(&mut conn)
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.level)
        .collect()
    }
}

#[derive(Clone, Copy)]
enum Score {
    Points(&'static str),
    Level(usize),
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Level {
    #[diesel(sql_type = Text)]
    level: String,
}

struct Parsed {
    to: Vec<String>,
    cc: Vec<String>,
    subject: String,
    text: String,
    html: String,
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
        // Lines as the templates write them (the wire has CRLF).
        text: parsed
            .body_text(0)
            .unwrap_or_default()
            .replace("\r\n", "\n"),
        html: parsed.body_html(0).unwrap_or_default().into_owned(),
    }
}

/// The mail about the round: the periods' daily digest (there is no period here) is left out.
fn round_mail(sink: &SmtpSink) -> Vec<Parsed> {
    sink.messages()
        .iter()
        .map(parse)
        .filter(|m| !m.subject.starts_with("Tình hình nộp báo cáo"))
        .collect()
}

/// What planning enqueued for rounds (the periods' daily digest goes out every working day).
fn round_jobs(plan: &PlanReport) -> usize {
    plan.assessment_reminders
        + plan.assessment_head_escalations
        + plan.assessment_leadership_escalations
        + plan.assessment_escalation_mails
        + plan.assessment_office_reminders
        + plan.assessment_digests
}

fn to(mail: &[Parsed], address: &str) -> Vec<usize> {
    (0..mail.len())
        .filter(|&i| mail[i].to.iter().any(|a| a == address))
        .collect()
}

fn one_to<'a>(mail: &'a [Parsed], address: &str) -> &'a Parsed {
    let found = to(mail, address);
    assert_eq!(found.len(), 1, "one mail to {address}");
    &mail[found[0]]
}

fn has(mail: &Parsed, text: &str) {
    assert!(
        mail.text.contains(text),
        "{text:?} missing from:\n{}",
        mail.text
    );
}

fn lacks(mail: &Parsed, text: &str) {
    assert!(
        !mail.text.contains(text),
        "{text:?} found in:\n{}",
        mail.text
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn units_owing_parts_are_reminded_once_per_step_with_their_parts() {
    let f = fixture().await;
    f.clock.set(at("2026-12-07T08:00:00+07:00"));
    assert_eq!(
        f.worker.once().await.unwrap().0.assessment_reminders,
        0,
        "D-6: nothing is due yet"
    );

    // D-5 (Tuesday 08/12 08:00): both units; twice the same minute, then a minute later.
    f.clock.set(at("2026-12-08T08:00:00+07:00"));
    let (plan, drained) = f.worker.once().await.unwrap();
    assert_eq!(plan.assessment_reminders, 2);
    assert_eq!(drained.failed, 0);
    assert_eq!(f.worker.once().await.unwrap().0.assessment_reminders, 0);
    f.clock.set(at("2026-12-08T08:01:00+07:00"));
    assert_eq!(f.worker.once().await.unwrap().0.assessment_reminders, 0);

    let mail = round_mail(&f.sink);
    let khtc = one_to(&mail, "lan.khtc@sct.example.vn");
    assert!(khtc.cc.is_empty());
    assert_eq!(
        khtc.subject,
        "Nhắc hoàn thành tự chấm điểm Chỉ số CCHC năm 2026 – còn 5 ngày làm việc"
    );
    has(khtc, "Kính gửi: Phòng Kế hoạch - Tài chính.");
    has(
        khtc,
        "Tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm 2026 (TDG-CCHC-2026)",
    );
    has(khtc, "2 tiêu chí đơn vị chưa hoàn thành");
    has(khtc, "1. Tiêu chí 1.1: Ban hành kế hoạch cải cách hành chính năm đúng thời hạn\n   Điểm tối đa: 2; tình trạng: chưa chấm điểm");
    has(
        khtc,
        "2. Tiêu chí 1.2: Kiểm tra công tác cải cách hành chính tại các đơn vị",
    );
    has(
        khtc,
        "Thời hạn các đơn vị hoàn thành là 17:00 ngày 15/12/2026 (còn 5 ngày làm việc).",
    );
    let link = format!("{BASE}/l/assessment/assessment.{}.", f.round);
    has(khtc, &link);
    assert!(
        khtc.html.contains(&format!("href=\"{link}")),
        "{}",
        khtc.html
    );
    // Another unit's part, and the Office's survey criterion, are not the unit's.
    lacks(khtc, "2.1");
    lacks(khtc, "SIPAS");
    let qltm = one_to(&mail, "cuong.qltm@sct.example.vn");
    has(qltm, "Kính gửi: Phòng Quản lý thương mại.");
    has(qltm, "1. Tiêu chí 2.1: Rà soát, hệ thống hóa văn bản quy phạm pháp luật\n   Điểm tối đa: 1,5; tình trạng: chưa chấm điểm");
    lacks(qltm, "1.1");

    // QLTM proposes its part; KHTC proposes 1.2 and the Office returns it.
    f.clock.set(at("2026-12-09T10:00:00+07:00"));
    f.propose("2.1", Score::Points("1.5"), Some("Đã rà soát 12 văn bản."))
        .await;
    f.propose("1.2", Score::Points("2"), None).await;
    f.return_item("1.2", "Bổ sung kế hoạch kiểm tra làm tài liệu kiểm chứng.")
        .await;

    // D-2 (Friday 11/12 08:00): KHTC only, with the returned part and the Office's reason.
    f.sink.clear();
    f.clock.set(at("2026-12-11T08:00:00+07:00"));
    assert_eq!(f.worker.once().await.unwrap().0.assessment_reminders, 1);
    let mail = round_mail(&f.sink);
    assert!(
        to(&mail, "cuong.qltm@sct.example.vn").is_empty(),
        "QLTM is done"
    );
    let khtc = one_to(&mail, "lan.khtc@sct.example.vn");
    assert_eq!(
        khtc.subject,
        "Nhắc hoàn thành tự chấm điểm Chỉ số CCHC năm 2026 – còn 2 ngày làm việc"
    );
    has(khtc, "Tiêu chí 1.1: Ban hành kế hoạch cải cách hành chính năm đúng thời hạn\n   Điểm tối đa: 2; tình trạng: chưa chấm điểm");
    has(khtc, "Tiêu chí 1.2: Kiểm tra công tác cải cách hành chính tại các đơn vị\n   Điểm tối đa: 2; tình trạng: bị trả lại\n   Lý do Văn phòng Sở trả lại: Bổ sung kế hoạch kiểm tra làm tài liệu kiểm chứng.");

    // D-0 (Tuesday 15/12 08:00): queued for KHTC, which finishes before the job runs.
    f.sink.clear();
    f.clock.set(at("2026-12-15T08:00:00+07:00"));
    assert_eq!(f.worker.plan().await.unwrap().assessment_reminders, 1);
    f.propose("1.1", Score::Level(0), Some("Kế hoạch 383/KH-SCT."))
        .await;
    f.propose("1.2", Score::Points("2"), Some("Đã kiểm tra 4 đơn vị."))
        .await;
    let drained = f.worker.drain(None).await.unwrap();
    assert_eq!((drained.retrying, drained.failed), (0, 0));
    assert!(
        to(&round_mail(&f.sink), "lan.khtc@sct.example.vn").is_empty(),
        "a unit that finished gets no reminder"
    );
    // The deadline-day reminder at 14:00: nobody owes anything.
    f.clock.set(at("2026-12-15T14:00:00+07:00"));
    assert_eq!(f.worker.once().await.unwrap().0.assessment_reminders, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn late_units_are_escalated_to_the_head_then_the_leadership_once_per_level() {
    let f = fixture().await;
    // A minute past the deadline, after office hours: nothing yet.
    f.clock.set(at("2026-12-15T17:01:00+07:00"));
    let (plan, _) = f.worker.once().await.unwrap();
    assert_eq!(plan.assessment_head_escalations, 0, "after office hours");
    assert_eq!(f.escalations().await, 0);

    // Wednesday 16/12 07:30: each unit's head; QLTM has none, so its focal person.
    f.sink.clear();
    f.clock.set(at("2026-12-16T07:30:00+07:00"));
    let (plan, drained) = f.worker.once().await.unwrap();
    assert_eq!(plan.assessment_head_escalations, 2);
    assert_eq!(plan.assessment_leadership_escalations, 0);
    assert_eq!(plan.assessment_escalation_mails, 2);
    assert_eq!(drained.failed, 0);
    assert_eq!(f.escalations().await, 2);
    let again = f.worker.once().await.unwrap().0;
    assert_eq!(
        (
            again.assessment_head_escalations,
            again.assessment_reminders
        ),
        (0, 0)
    );
    assert_eq!(f.escalations().await, 2, "recorded once");
    let mail = round_mail(&f.sink);
    let khtc = one_to(&mail, "truongphong.khtc@sct.example.vn");
    assert_eq!(khtc.cc, ["lan.khtc@sct.example.vn"]);
    assert_eq!(
        khtc.subject,
        "Quá hạn tự chấm điểm Chỉ số CCHC năm 2026: còn 2 tiêu chí chưa hoàn thành – Phòng Kế hoạch - Tài chính"
    );
    has(
        khtc,
        "Kính gửi: Ông/Bà Phạm Văn Hùng, Lãnh đạo Phòng Kế hoạch - Tài chính.",
    );
    has(
        khtc,
        "thời hạn các đơn vị hoàn thành tự chấm điểm là 17:00 ngày 15/12/2026",
    );
    has(khtc, "đã quá hạn từ 17:00 ngày 15/12/2026");
    has(
        khtc,
        "1. Tiêu chí 1.1: Ban hành kế hoạch cải cách hành chính năm đúng thời hạn",
    );
    has(
        khtc,
        &format!("{BASE}/l/assessment/assessment.{}.", f.round),
    );
    let qltm = one_to(&mail, "cuong.qltm@sct.example.vn");
    assert!(qltm.cc.is_empty());
    has(qltm, "Kính gửi: Lãnh đạo Phòng Quản lý thương mại.");
    has(qltm, "1. Tiêu chí 2.1:");

    // QLTM finishes; two working days after the deadline day at its 17:00 (end of office
    // hours): Friday 18/12 07:30, KHTC only, to the leadership and the Office.
    f.clock.set(at("2026-12-17T10:00:00+07:00"));
    f.propose("2.1", Score::Points("1"), Some("Đã rà soát."))
        .await;
    f.sink.clear();
    f.clock.set(at("2026-12-17T16:59:00+07:00"));
    let plan = f.worker.once().await.unwrap().0;
    assert_eq!(plan.assessment_leadership_escalations, 0);
    f.clock.set(at("2026-12-18T07:30:00+07:00"));
    let (plan, _) = f.worker.once().await.unwrap();
    assert_eq!(
        (
            plan.assessment_leadership_escalations,
            plan.assessment_escalation_mails
        ),
        (1, 2),
        "KHTC, told to the leadership and the Office"
    );
    assert_eq!(plan.assessment_head_escalations, 0);
    assert_eq!(f.levels_of("KHTC").await, ["head", "leadership"]);
    assert_eq!(f.levels_of("QLTM").await, ["head"], "QLTM finished");
    let again = f.worker.once().await.unwrap().0;
    assert_eq!(again.total(), 0, "{again:?}");
    let mail: Vec<Parsed> = round_mail(&f.sink)
        .into_iter()
        .filter(|m| m.subject.contains("đơn vị quá hạn"))
        .collect();
    let mut addressees: Vec<String> = mail.iter().flat_map(|m| m.to.clone()).collect();
    addressees.sort();
    assert_eq!(
        addressees,
        ["giamdoc@sct.example.vn", "vanphong@sct.example.vn"]
    );
    let leadership = &mail[0];
    assert_eq!(
        leadership.subject,
        "1 đơn vị quá hạn chưa hoàn thành tự chấm điểm Chỉ số CCHC năm 2026"
    );
    has(leadership, "Kính gửi: Ban Giám đốc Sở.");
    has(
        leadership,
        "đã quá hạn 2 ngày làm việc, 1 đơn vị chưa hoàn thành",
    );
    has(leadership, "1. Phòng Kế hoạch - Tài chính: 2 tiêu chí chưa chấm điểm, 0 tiêu chí bị trả lại chưa bổ sung (tổng điểm tối đa 4)");
    lacks(leadership, "Quản lý thương mại");
    has(
        leadership,
        &format!("{BASE}/l/assessment/assessment.{}.", f.round),
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_queued_escalation_of_a_unit_that_finished_sends_nothing() {
    let f = fixture().await;
    f.clock.set(at("2026-12-16T07:30:00+07:00"));
    assert_eq!(
        f.worker.plan().await.unwrap().assessment_head_escalations,
        2
    );
    f.propose("1.1", Score::Level(0), Some("Kế hoạch số 383/KH-SCT."))
        .await;
    f.propose("1.2", Score::Points("2"), Some("Đã kiểm tra."))
        .await;
    let drained = f.worker.drain(None).await.unwrap();
    assert_eq!((drained.retrying, drained.failed), (0, 0));
    let mail = round_mail(&f.sink);
    assert!(
        to(&mail, "truongphong.khtc@sct.example.vn").is_empty(),
        "KHTC finished"
    );
    one_to(&mail, "cuong.qltm@sct.example.vn");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_office_gets_the_readiness_digest_and_its_reminder_until_the_round_is_sent() {
    let f = fixture().await;
    // KHTC claims 1.1 bare (no evidence, no explanation) and leaves 1.2; QLTM explains 2.1.
    f.clock.set(at("2026-12-04T10:00:00+07:00"));
    f.propose("1.1", Score::Level(0), None).await;
    f.propose("2.1", Score::Points("1.5"), Some("Đã rà soát."))
        .await;

    // Monday 07/12: six working days before the deadline day, no digest yet.
    f.clock.set(at("2026-12-07T07:30:00+07:00"));
    assert_eq!(f.worker.once().await.unwrap().0.assessment_digests, 0);
    // Tuesday 08/12 07:29, then 07:30: one digest, once a day.
    f.clock.set(at("2026-12-08T07:29:00+07:00"));
    assert_eq!(f.worker.once().await.unwrap().0.assessment_digests, 0);
    f.clock.set(at("2026-12-08T07:30:00+07:00"));
    let (plan, drained) = f.worker.once().await.unwrap();
    assert_eq!(plan.assessment_digests, 1);
    assert_eq!(drained.failed, 0);
    f.clock.set(at("2026-12-08T15:00:00+07:00"));
    assert_eq!(f.worker.once().await.unwrap().0.assessment_digests, 0);

    let mail = round_mail(&f.sink);
    let digest = one_to(&mail, "vanphong@sct.example.vn");
    assert_eq!(
        digest.subject,
        "Tình hình tự đánh giá Chỉ số CCHC năm 2026 – ngày 08/12/2026: 3 tiêu chí chưa sẵn sàng"
    );
    has(digest, "Kính gửi: Văn phòng Sở.");
    has(digest, "(TDG-CCHC-2026) đến 07:30 ngày 08/12/2026:");
    has(
        digest,
        "- Hạn các đơn vị hoàn thành: 17:00 ngày 15/12/2026\n",
    );
    has(
        digest,
        "- Hạn gửi kết quả tự đánh giá lên tỉnh: 17:00 ngày 22/12/2026",
    );
    has(
        digest,
        "- Tổng số tiêu chí: 4; đã sẵn sàng: 1; chưa sẵn sàng: 3",
    );
    has(digest, "- Điểm tối đa: 8,5; điểm tự chấm: 3,5");
    has(
        digest,
        "- Điểm có nguy cơ bị trừ (chưa có tài liệu kiểm chứng): 3,5",
    );
    has(digest, "Tiêu chí chưa sẵn sàng theo vấn đề:\n- Chưa tự chấm điểm: 1\n- Có điểm nhưng chưa có tài liệu kiểm chứng hoặc giải trình: 1\n- Chưa được Văn phòng Sở chấp nhận: 2\n");
    has(digest, "Đơn vị chưa hoàn thành phần được giao:\n1. Phòng Kế hoạch - Tài chính: 1 tiêu chí chưa chấm điểm, 0 tiêu chí bị trả lại (tổng điểm tối đa 2)\n");
    lacks(digest, "1. Phòng Quản lý thương mại:");
    has(digest, "- 1. Công tác chỉ đạo, điều hành cải cách hành chính: 0/2 tiêu chí sẵn sàng; điểm tự chấm 2/4; điểm có nguy cơ bị trừ 2");
    has(digest, "- 2. Cải cách thể chế: 1/2 tiêu chí sẵn sàng; điểm tự chấm 1,5/4,5; điểm có nguy cơ bị trừ 1,5");
    has(digest, "- Phòng Kế hoạch - Tài chính: 0/2 tiêu chí sẵn sàng; điểm tự chấm 2/4; điểm có nguy cơ bị trừ 2");
    has(digest, "- Phòng Quản lý thương mại: 0/1 tiêu chí sẵn sàng; điểm tự chấm 1,5/1,5; điểm có nguy cơ bị trừ 1,5");
    has(digest, "- Chưa giao đơn vị: 1/1 tiêu chí sẵn sàng");
    let readiness = format!("{BASE}/l/assessment/assessment.{}.", f.round);
    has(digest, &readiness);
    assert!(
        digest.html.contains(&format!("href=\"{readiness}")),
        "{}",
        digest.html
    );
    assert!(
        digest.html.contains("Điểm có nguy cơ bị trừ"),
        "{}",
        digest.html
    );

    // D-5 of the province's deadline (Tuesday 15/12 08:00): the Office's reminder.
    f.sink.clear();
    f.clock.set(at("2026-12-15T08:00:00+07:00"));
    let (plan, _) = f.worker.once().await.unwrap();
    assert_eq!(plan.assessment_office_reminders, 1);
    assert_eq!(
        f.worker.once().await.unwrap().0.assessment_office_reminders,
        0
    );
    let reminder = round_mail(&f.sink)
        .into_iter()
        .find(|m| m.subject.starts_with("Nhắc gửi kết quả"))
        .unwrap();
    assert_eq!(reminder.to, ["vanphong@sct.example.vn"]);
    assert_eq!(
        reminder.subject,
        "Nhắc gửi kết quả tự đánh giá Chỉ số CCHC năm 2026 – còn 5 ngày làm việc"
    );
    has(
        &reminder,
        "chưa được gửi lên tỉnh.\nThời hạn gửi là 17:00 ngày 22/12/2026 (còn 5 ngày làm việc).",
    );
    has(
        &reminder,
        "- Điểm có nguy cơ bị trừ (chưa có tài liệu kiểm chứng): 3,5",
    );
    has(&reminder, &readiness);

    // Wednesday 16/12 07:30: the digest and the escalations are queued; the Office sends the
    // round before they run, so nothing leaves, then or later.
    f.sink.clear();
    f.clock.set(at("2026-12-16T07:30:00+07:00"));
    let plan = f.worker.plan().await.unwrap();
    assert_eq!(plan.assessment_digests, 1);
    assert_eq!(plan.assessment_head_escalations, 1, "KHTC still owes 1.2");
    f.send().await;
    let drained = f.worker.drain(None).await.unwrap();
    assert_eq!((drained.retrying, drained.failed), (0, 0));
    assert!(round_mail(&f.sink).is_empty(), "a sent round gets no mail");
    for now in [
        "2026-12-17T07:30:00+07:00",
        "2026-12-18T08:00:00+07:00",
        "2026-12-22T08:00:00+07:00",
    ] {
        f.clock.set(at(now));
        let plan = f.worker.once().await.unwrap().0;
        assert_eq!(round_jobs(&plan), 0, "{now}: {plan:?}");
    }
    assert!(round_mail(&f.sink).is_empty());
}
