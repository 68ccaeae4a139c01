//! Emulation campaign rounds through the worker, end to end: real PostgreSQL, a real SMTP
//! server, an injected clock. The Office is reminded before each round's review with the top of
//! the live leaderboard; the competing units' focal persons before the round ends with their
//! own points, rank and criteria. Nothing outside office hours, nothing twice however often the
//! schedule fires, and nothing once the round is reviewed or to a unit no longer competing,
//! also when the mail was queued.
//!
//! Fixture (default policy: reminders D-5, D-2, D-0 at 08:00 and 14:00 on the due day):
//! - units KHTC, QLTM and PC (one focal person each), and an inactive unit CU;
//! - campaign TD-CCHC-2026, round 1 from Tuesday 01/12 to Friday 25/12/2026, reviewed on
//!   Saturday 26/12/2026 (effectively Monday 28/12); round 2 in 2027;
//! - criteria TC1 (reports on time, 60), TC2 (entered, 40), TC3 (bonus, 10);
//! - round 1's entered points: KHTC 35,5 and a bonus of 5, QLTM 30, PC nothing; no report is
//!   due, so every unit earns TC1's 60 (nothing was late).
//!
//! So the units' steps are Fri 18/12, Wed 23/12, Fri 25/12 08:00 and 14:00; the Office's
//! Mon 21/12, Thu 24/12, Mon 28/12 08:00 and 14:00.

use std::sync::Arc;

use cchc_app::authz::Principal;
use cchc_app::config::NotificationConfig;
use cchc_app::outbound::AllowList;
use cchc_app::repo::schedule::PlanReport;
use cchc_app::repo::{campaigns, units};
use cchc_db::{build_pool, DbPool};
use cchc_domain::clock::{Clock, FixedClock};
use cchc_domain::model::audit::Actor;
use cchc_domain::model::campaign::{
    CampaignCriterionInput, CampaignSource, CreateCampaign, CriterionKind, EnterPoints,
    Participation, Register, RoundInput,
};
use cchc_domain::model::job::Recipient;
use cchc_domain::model::policy::ReminderPolicy;
use cchc_domain::model::token::Role;
use cchc_domain::model::unit::{Contact, CreateUnit, UnitKind, UpdateUnit};
use cchc_testkit::smtp_sink::{ReceivedMessage, SmtpSink};
use cchc_testkit::test_db::TestDatabase;
use cchc_worker::dispatch::JobDispatcher;
use cchc_worker::email::{Composer, Mailer, Transport};
use cchc_worker::mail_jobs::MailJobs;
use cchc_worker::runtime::Worker;
use cchc_worker::webhook_jobs::WebhookJobs;
use chrono::{DateTime, Utc};
use mail_parser::MessageParser;

const BASE: &str = "https://cchc.example.gov.vn";
const OFFICE: &str = "vanphong@sct.example.vn";
const KHTC: &str = "lan.khtc@sct.example.vn";
const QLTM: &str = "cuong.qltm@sct.example.vn";
const PC: &str = "ha.pc@sct.example.vn";

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

fn notifications() -> NotificationConfig {
    NotificationConfig {
        leadership: vec![Recipient::new("Giám đốc Sở", "giamdoc@sct.example.vn")],
        office: vec![Recipient::new("Văn phòng Sở", OFFICE)],
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
    campaign: i64,
    /// The units' ids by code.
    units: Vec<(&'static str, i64)>,
}

fn criterion(
    code: &str,
    title: &str,
    kind: CriterionKind,
    max: i64,
    source: CampaignSource,
) -> CampaignCriterionInput {
    CampaignCriterionInput {
        code: code.into(),
        title: title.into(),
        kind,
        max_points: max.into(),
        source,
    }
}

fn day(text: &str) -> chrono::NaiveDate {
    text.parse().unwrap()
}

async fn fixture(participation: Participation) -> Fixture {
    let db = TestDatabase::migrated();
    let pool = build_pool(db.url(), 4).unwrap();
    let clock = FixedClock::new(at("2026-12-01T06:00:00+07:00"));
    let actor = Actor::system("test");
    let now = at("2026-11-30T09:00:00+07:00");
    let mut conn = pool.get().await.unwrap();
    let mut ids = Vec::new();
    for (code, name, focal, active) in [
        (
            "KHTC",
            "Phòng Kế hoạch - Tài chính",
            ("Nguyễn Thị Lan", KHTC),
            true,
        ),
        (
            "QLTM",
            "Phòng Quản lý thương mại",
            ("Trần Văn Cường", QLTM),
            true,
        ),
        ("PC", "Phòng Pháp chế", ("Lê Thu Hà", PC), true),
        (
            "CU",
            "Chi cục cũ",
            ("Đỗ Văn Cũ", "cu@sct.example.vn"),
            false,
        ),
    ] {
        let unit = CreateUnit {
            code: code.into(),
            name: name.into(),
            kind: UnitKind::Division,
            parent_code: None,
            active: Some(active),
            qlvb_code: None,
            head: None,
            focal_persons: vec![Contact {
                name: focal.0.into(),
                position_title: None,
                email: focal.1.into(),
                phone: None,
            }],
        };
        let id = units::create(&mut conn, &unit, &office(), &actor, now)
            .await
            .unwrap()
            .id;
        ids.push((code, id));
    }
    let input = CreateCampaign {
        code: "TD-CCHC-2026".into(),
        year: 2026,
        title: "Phong trào thi đua “Đẩy mạnh cải cách hành chính” năm 2026".into(),
        document_id: None,
        participation,
        rounds: vec![
            RoundInput {
                starts_on: day("2026-12-01"),
                ends_on: day("2026-12-25"),
                review_on: day("2026-12-26"),
            },
            RoundInput {
                starts_on: day("2027-01-04"),
                ends_on: day("2027-03-31"),
                review_on: day("2027-04-02"),
            },
        ],
        criteria: vec![
            criterion(
                "TC1",
                "Nộp báo cáo đúng hạn",
                CriterionKind::Scored,
                60,
                CampaignSource::ReportsOnTime,
            ),
            criterion(
                "TC2",
                "Chất lượng tham mưu",
                CriterionKind::Scored,
                40,
                CampaignSource::Entered,
            ),
            criterion(
                "TC3",
                "Sáng kiến cải cách hành chính",
                CriterionKind::Bonus,
                10,
                CampaignSource::Entered,
            ),
        ],
    };
    let campaign = campaigns::create(&mut conn, &input, &office(), &actor, now)
        .await
        .unwrap()
        .id;
    for (unit, code, points) in [
        ("KHTC", "TC2", "35.5"),
        ("KHTC", "TC3", "5"),
        ("QLTM", "TC2", "30"),
    ] {
        let input = EnterPoints {
            unit_code: unit.into(),
            criterion_code: code.into(),
            points: points.parse().unwrap(),
            note: "Theo kết quả kiểm tra của Văn phòng Sở.".into(),
        };
        campaigns::enter_points(&mut conn, campaign, 1, &input, &office(), &actor, now)
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
        campaign,
        units: ids,
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
    async fn register(&self, unit: &str) {
        let mut conn = self.pool.get().await.unwrap();
        let input = Register {
            unit_code: Some(unit.into()),
        };
        campaigns::register(
            &mut conn,
            self.campaign,
            &input,
            &office(),
            &Actor::system("test"),
            self.clock.now(),
        )
        .await
        .unwrap();
    }

    /// The unit leaves the department's active units: it no longer competes in an `all`
    /// campaign.
    async fn deactivate(&self, code: &str) {
        let id = self.units.iter().find(|(c, _)| *c == code).unwrap().1;
        let mut conn = self.pool.get().await.unwrap();
        let input = UpdateUnit {
            active: Some(false),
            ..UpdateUnit::default()
        };
        units::update(
            &mut conn,
            id,
            &input,
            &office(),
            &Actor::system("test"),
            self.clock.now(),
        )
        .await
        .unwrap();
    }

    async fn review(&self, round: i32) {
        let mut conn = self.pool.get().await.unwrap();
        campaigns::review(
            &mut conn,
            self.campaign,
            round,
            &office(),
            &Actor::system("test"),
            self.clock.now(),
        )
        .await
        .unwrap();
    }

    /// Plans and runs at `local`; what planning enqueued for campaigns (office, units).
    async fn once_at(&self, local: &str) -> (usize, usize) {
        self.clock.set(at(local));
        let (plan, drained) = self.worker.once().await.unwrap();
        assert_eq!((drained.retrying, drained.failed), (0, 0));
        counts(&plan)
    }
}

fn counts(plan: &PlanReport) -> (usize, usize) {
    (plan.campaign_office_reminders, plan.campaign_unit_reminders)
}

struct Parsed {
    to: Vec<String>,
    subject: String,
    text: String,
    html: String,
}

fn parse(message: &ReceivedMessage) -> Parsed {
    let parsed = MessageParser::default().parse(&message.data).unwrap();
    Parsed {
        to: parsed
            .to()
            .map(|a| {
                a.iter()
                    .filter_map(|addr| addr.address().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
        subject: parsed.subject().unwrap_or_default().to_owned(),
        text: parsed
            .body_text(0)
            .unwrap_or_default()
            .replace("\r\n", "\n"),
        html: parsed.body_html(0).unwrap_or_default().into_owned(),
    }
}

/// The campaign mail: the periods' daily digest (there is no period here) is left out.
fn campaign_mail(sink: &SmtpSink) -> Vec<Parsed> {
    sink.messages()
        .iter()
        .map(parse)
        .filter(|m| !m.subject.starts_with("Tình hình nộp báo cáo"))
        .collect()
}

fn to<'a>(mail: &'a [Parsed], address: &str) -> Vec<&'a Parsed> {
    mail.iter()
        .filter(|m| m.to.iter().any(|a| a == address))
        .collect()
}

fn one_to<'a>(mail: &'a [Parsed], address: &str) -> &'a Parsed {
    let found = to(mail, address);
    assert_eq!(found.len(), 1, "one mail to {address}");
    found[0]
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
async fn the_office_is_reminded_before_the_review_with_the_top_of_the_live_board() {
    let f = fixture(Participation::All).await;
    assert_eq!(
        f.once_at("2026-12-18T08:00:00+07:00").await.0,
        0,
        "before D-5"
    );

    // D-5 from the working day the review falls on (Monday 28/12): Monday 21/12 08:00.
    f.sink.clear();
    assert_eq!(f.once_at("2026-12-21T08:00:00+07:00").await, (1, 0));
    assert_eq!(
        f.once_at("2026-12-21T08:00:00+07:00").await,
        (0, 0),
        "planned twice"
    );
    assert_eq!(f.once_at("2026-12-21T09:30:00+07:00").await, (0, 0));
    let mail = campaign_mail(&f.sink);
    assert_eq!(mail.len(), 1);
    let office = one_to(&mail, OFFICE);
    assert_eq!(
        office.subject,
        "Nhắc sơ kết đợt 1 phong trào thi đua TD-CCHC-2026 – còn 5 ngày làm việc"
    );
    has(office, "Kính gửi: Văn phòng Sở.");
    has(
        office,
        "Phong trào thi đua “Đẩy mạnh cải cách hành chính” năm 2026 (TD-CCHC-2026): đợt 1 (từ ngày 01/12/2026 đến ngày 25/12/2026) chưa được sơ kết.",
    );
    has(
        office,
        "Ngày sơ kết là 26/12/2026 (ngày nghỉ, sơ kết vào ngày làm việc 28/12/2026), còn 5 ngày làm việc.",
    );
    // The inactive unit does not compete.
    has(office, "(3 đơn vị tham gia, thang điểm 100)");
    has(
        office,
        "1. Phòng Kế hoạch - Tài chính: 100,5 điểm\n2. Phòng Quản lý thương mại: 90 điểm\n3. Phòng Pháp chế: 60 điểm\n",
    );
    lacks(office, "Chi cục cũ");
    lacks(office, "đơn vị khác");
    has(office, "trên hệ thống để chốt bảng xếp hạng.");
    lacks(office, "/api/v1");
    let link = format!("{BASE}/l/campaign/campaign.{}.1.", f.campaign);
    has(office, &link);
    assert!(
        office.html.contains(&format!("href=\"{link}")),
        "{}",
        office.html
    );
    assert!(office.html.contains(
        "<td style=\"padding:6px 8px;border:1px solid #d2d6dc;text-align:right;\">100,5</td>"
    ));

    // D-2 (Thursday 24/12), D-0 and the last call (Monday 28/12): one each.
    f.sink.clear();
    assert_eq!(f.once_at("2026-12-24T08:00:00+07:00").await.0, 1);
    assert_eq!(f.once_at("2026-12-28T08:00:00+07:00").await.0, 1);
    assert_eq!(f.once_at("2026-12-28T14:00:00+07:00").await.0, 1);
    assert_eq!(f.once_at("2026-12-28T16:59:00+07:00").await.0, 0);
    // (The units' D-2, not planned on Wednesday, goes out on Thursday with the Office's.)
    let mail = campaign_mail(&f.sink);
    let mail: Vec<&Parsed> = to(&mail, OFFICE);
    let subjects: Vec<&str> = mail.iter().map(|m| m.subject.as_str()).collect();
    assert_eq!(
        subjects,
        [
            "Nhắc sơ kết đợt 1 phong trào thi đua TD-CCHC-2026 – còn 2 ngày làm việc",
            "Nhắc sơ kết đợt 1 phong trào thi đua TD-CCHC-2026 – hôm nay là ngày sơ kết",
            "Nhắc sơ kết đợt 1 phong trào thi đua TD-CCHC-2026 – hôm nay là ngày sơ kết",
        ]
    );
    has(
        mail[1],
        "Hôm nay, ngày 28/12/2026, là ngày sơ kết (ngày sơ kết theo kế hoạch là 26/12/2026, ngày nghỉ).",
    );
    // The review is due: nothing more, for round 1 or round 2.
    assert_eq!(f.once_at("2026-12-29T08:00:00+07:00").await, (0, 0));
}

#[tokio::test(flavor = "multi_thread")]
async fn units_are_reminded_before_the_round_ends_with_their_own_points_and_rank() {
    let f = fixture(Participation::All).await;
    assert_eq!(f.once_at("2026-12-17T08:00:00+07:00").await, (0, 0), "D-6");
    // D-5 (Friday 18/12 08:00): the three active units, once.
    assert_eq!(f.once_at("2026-12-18T08:00:00+07:00").await, (0, 3));
    assert_eq!(f.once_at("2026-12-18T08:00:00+07:00").await, (0, 0));
    assert_eq!(f.once_at("2026-12-18T10:00:00+07:00").await, (0, 0));
    let mail = campaign_mail(&f.sink);
    assert_eq!(mail.len(), 3);
    assert!(
        to(&mail, "cu@sct.example.vn").is_empty(),
        "an inactive unit does not compete"
    );
    let khtc = one_to(&mail, KHTC);
    assert_eq!(
        khtc.subject,
        "Phong trào thi đua TD-CCHC-2026: đợt 1 kết thúc ngày 25/12/2026 – còn 5 ngày làm việc"
    );
    has(khtc, "Kính gửi: Phòng Kế hoạch - Tài chính.");
    has(
        khtc,
        "Đợt thi đua kết thúc ngày 25/12/2026 (còn 5 ngày làm việc).",
    );
    has(
        khtc,
        "Đến thời điểm này, đơn vị đạt 100,5 điểm (thang điểm 100), xếp hạng 1/3 đơn vị tham gia.",
    );
    has(
        khtc,
        "- TC1. Nộp báo cáo đúng hạn: 60/60 điểm (chưa có việc đến hạn trong đợt)\n- TC2. Chất lượng tham mưu: 35,5/40 điểm\n- TC3. Sáng kiến cải cách hành chính (điểm thưởng): 5 điểm\n",
    );
    has(khtc, "Văn phòng Sở sơ kết đợt ngày 28/12/2026.");
    let link = format!("{BASE}/l/campaign/campaign.{}.1.", f.campaign);
    has(khtc, &link);
    assert!(
        khtc.html.contains(&format!("href=\"{link}")),
        "{}",
        khtc.html
    );
    lacks(khtc, "Phòng Quản lý thương mại");
    let qltm = one_to(&mail, QLTM);
    has(qltm, "đơn vị đạt 90 điểm (thang điểm 100), xếp hạng 2/3");
    let pc = one_to(&mail, PC);
    has(pc, "đơn vị đạt 60 điểm (thang điểm 100), xếp hạng 3/3");

    // The points change before D-2 (Wednesday 23/12): the mail shows the board as it is then.
    let mut conn = f.pool.get().await.unwrap();
    let input = EnterPoints {
        unit_code: "PC".into(),
        criterion_code: "TC2".into(),
        points: "39".parse().unwrap(),
        note: "Tham mưu kịp thời văn bản quy phạm pháp luật.".into(),
    };
    campaigns::enter_points(
        &mut conn,
        f.campaign,
        1,
        &input,
        &office(),
        &Actor::system("test"),
        at("2026-12-22T10:00:00+07:00"),
    )
    .await
    .unwrap();
    drop(conn);
    f.sink.clear();
    // (The Office's D-5, Monday's, was not planned then: it goes out now.)
    assert_eq!(f.once_at("2026-12-23T08:00:00+07:00").await, (1, 3));
    let mail = campaign_mail(&f.sink);
    let pc = one_to(&mail, PC);
    assert_eq!(
        pc.subject,
        "Phong trào thi đua TD-CCHC-2026: đợt 1 kết thúc ngày 25/12/2026 – còn 2 ngày làm việc"
    );
    has(pc, "đơn vị đạt 99 điểm (thang điểm 100), xếp hạng 2/3");

    // D-0 and the last call on Friday 25/12; then the round is over.
    f.sink.clear();
    assert_eq!(
        f.once_at("2026-12-25T08:00:00+07:00").await,
        (1, 3),
        "and the Office's D-2"
    );
    assert_eq!(f.once_at("2026-12-25T14:00:00+07:00").await, (0, 3));
    let mail = campaign_mail(&f.sink);
    let khtc = to(&mail, KHTC);
    assert_eq!(khtc.len(), 2);
    assert_eq!(
        khtc[0].subject,
        "Phong trào thi đua TD-CCHC-2026: đợt 1 kết thúc ngày 25/12/2026 – hôm nay là ngày làm việc cuối"
    );
    has(
        khtc[0],
        "Hôm nay là ngày làm việc cuối của đợt thi đua (đợt kết thúc ngày 25/12/2026).",
    );
    assert_eq!(f.once_at("2026-12-28T08:00:00+07:00").await.1, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_registered_campaign_reminds_only_the_units_that_registered() {
    let f = fixture(Participation::Registered).await;
    f.register("QLTM").await;
    f.register("PC").await;
    assert_eq!(f.once_at("2026-12-18T08:00:00+07:00").await, (0, 2));
    let mail = campaign_mail(&f.sink);
    assert!(to(&mail, KHTC).is_empty(), "KHTC did not register");
    let qltm = one_to(&mail, QLTM);
    has(
        qltm,
        "đơn vị đạt 90 điểm (thang điểm 100), xếp hạng 1/2 đơn vị tham gia.",
    );
    one_to(&mail, PC);
    // A unit that registers later is reminded at the next step.
    f.register("KHTC").await;
    f.sink.clear();
    assert_eq!(
        f.once_at("2026-12-18T09:00:00+07:00").await,
        (0, 1),
        "KHTC's D-5"
    );
    assert_eq!(f.once_at("2026-12-21T08:00:00+07:00").await, (1, 0));
    let mail = campaign_mail(&f.sink);
    has(one_to(&mail, KHTC), "xếp hạng 1/3 đơn vị tham gia.");
    has(one_to(&mail, OFFICE), "(3 đơn vị tham gia, thang điểm 100)");
}

#[tokio::test(flavor = "multi_thread")]
async fn nothing_leaves_outside_office_hours() {
    let f = fixture(Participation::All).await;
    // The units' D-5 came due Friday 18/12 08:00; the worker first plans after hours.
    assert_eq!(
        f.once_at("2026-12-18T17:30:00+07:00").await,
        (0, 0),
        "after hours"
    );
    assert_eq!(
        f.once_at("2026-12-19T10:00:00+07:00").await,
        (0, 0),
        "Saturday"
    );
    assert_eq!(
        f.once_at("2026-12-21T07:00:00+07:00").await,
        (0, 0),
        "before hours"
    );
    assert!(campaign_mail(&f.sink).is_empty());
    // Monday 07:30: the units' D-5; the Office's D-5 is at 08:00.
    assert_eq!(f.once_at("2026-12-21T07:30:00+07:00").await, (0, 3));
    assert_eq!(f.once_at("2026-12-21T08:00:00+07:00").await, (1, 0));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reviewed_round_gets_nothing_even_when_its_mail_was_queued() {
    let f = fixture(Participation::All).await;
    // Queued on Monday 21/12 08:00 (the Office's D-5; the units' D-5 is still current)…
    f.clock.set(at("2026-12-21T08:00:00+07:00"));
    assert_eq!(counts(&f.worker.plan().await.unwrap()), (1, 3));
    // …and the Office reviews round 1 early, before the jobs run.
    f.review(1).await;
    let drained = f.worker.drain(None).await.unwrap();
    assert_eq!((drained.retrying, drained.failed), (0, 0));
    assert!(
        campaign_mail(&f.sink).is_empty(),
        "a reviewed round gets no mail"
    );
    // Later steps plan nothing for it.
    assert_eq!(f.once_at("2026-12-23T08:00:00+07:00").await, (0, 0));
    assert_eq!(f.once_at("2026-12-24T08:00:00+07:00").await, (0, 0));
    assert!(campaign_mail(&f.sink).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_unit_that_no_longer_competes_gets_nothing_even_when_its_mail_was_queued() {
    let f = fixture(Participation::All).await;
    f.clock.set(at("2026-12-18T08:00:00+07:00"));
    assert_eq!(counts(&f.worker.plan().await.unwrap()), (0, 3));
    f.deactivate("PC").await;
    let drained = f.worker.drain(None).await.unwrap();
    assert_eq!((drained.retrying, drained.failed), (0, 0));
    let mail = campaign_mail(&f.sink);
    assert!(to(&mail, PC).is_empty(), "PC no longer competes");
    has(one_to(&mail, KHTC), "xếp hạng 1/2 đơn vị tham gia.");
    assert_eq!(f.once_at("2026-12-23T08:00:00+07:00").await, (1, 2));
}
