//! Every link in the task, self-assessment and campaign mails opens without a token: the
//! worker's composer renders each kind of those mails with the ids of a real task, round and
//! campaign, and every link in the text and the HTML is followed against the running API;
//! each answers a Vietnamese page. A tampered task link gets the Vietnamese 403 page; a task
//! link of one unit shows that unit's task, not another's; a unit's self-assessment link
//! shows its own parts only.

use cchc_domain::clock::Clock;
use cchc_domain::model::assessment::ItemStatus;
use cchc_domain::model::campaign::CriterionKind;
use cchc_worker::email::assessment_content::{
    AssessmentDigestContext, AssessmentEscalationHeadContext,
    AssessmentEscalationLeadershipContext, AssessmentOfficeReminderContext,
    AssessmentReminderContext, Figures, LateAssessmentUnit, OwedPart, ReadinessSummary, RoundLabel,
};
use cchc_worker::email::campaign_content::{
    BoardLine, CampaignLabel, CampaignOfficeReminderContext, CampaignUnitReminderContext,
    CriterionLine, RoundDates,
};
use cchc_worker::email::task_content::{
    DigestOverdueTask, DueTask, OverdueTask, PlanDigestContext, PlanLabel, TaskCounts,
    TaskEscalationHeadContext, TaskEscalationLeadershipContext, TaskLabel, TaskReminderContext,
    TaskReminderPurpose,
};
use cchc_worker::email::{Lateness, MailContent, ReminderStep, UnitRef};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::common::TestApp;
use crate::mail_links::{composer, follow, links_in, secret, text, unit_ref};

struct Fixture {
    app: TestApp,
    vp: UnitRef,
    qltm: UnitRef,
    /// VP's task and QLTM's.
    task_vp: Value,
    task_qltm: Value,
    round: (i64, Value),
    /// The year's plan, of the round's fixture.
    plan_id: i64,
    campaign_id: i64,
    deadline: DateTime<Utc>,
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

async fn fixture() -> Fixture {
    let app = TestApp::spawn().await;
    // SCT, VP (the Office), QLTM; the year's plan; a published set and an open round.
    let (round_id, round, _) = crate::assessments::round(&app).await;
    let directive = app
        .post(
            "/api/v1/documents",
            json!({"number": "52/TB-SCT", "issued_on": "2026-10-15",
               "issuing_agency": "Sở Công Thương", "subject": "Thông báo kết luận về công tác CCHC",
               "direction": "outgoing"}),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let task_vp = app
        .post(
            "/api/v1/tasks",
            json!({"code": "1", "title": "Rà soát quy chế tiếp nhận hồ sơ một cửa",
                   "source_document_id": directive, "lead_unit_code": "VP",
                   "coordinating_unit_codes": ["QLTM"],
                   "expected_output": "Báo cáo kết quả rà soát",
                   "due": {"kind": "month", "year": 2026, "month": 12}}),
        )
        .await
        .expect(201);
    let task_qltm = app
        .post(
            "/api/v1/tasks",
            json!({"code": "2", "title": "Công khai thủ tục thương mại điện tử",
                   "source_document_id": directive, "lead_unit_code": "QLTM",
                   "due": {"kind": "month", "year": 2026, "month": 12}}),
        )
        .await
        .expect(201);
    let campaign_id = app
        .post(
            "/api/v1/campaigns",
            json!({"code": "TD-2026", "year": 2026,
                   "title": "Phong trào thi đua \"Giải quyết nhanh thủ tục hành chính\"",
                   "participation": "all",
                   "rounds": [{"starts_on": "2026-10-01", "ends_on": "2026-12-31", "review_on": "2026-12-31"}],
                   "criteria": [
                     {"code": "TC1", "title": "Nộp báo cáo đúng hạn", "max_points": 60, "source": {"method": "reports_on_time"}},
                     {"code": "TC2", "title": "Sáng kiến", "kind": "bonus", "max_points": 5, "source": {"method": "entered"}}
                   ]}),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let plan_id = app.get("/api/v1/plans").await.expect(200)["items"][0]["id"]
        .as_i64()
        .unwrap();
    Fixture {
        vp: unit_ref(&app, "VP").await,
        plan_id,
        qltm: unit_ref(&app, "QLTM").await,
        task_vp,
        task_qltm,
        round: (round_id, round),
        campaign_id,
        deadline: at("2026-12-31T17:00:00+07:00"),
        app,
    }
}

fn label(task: &Value) -> TaskLabel {
    TaskLabel {
        id: task["id"].as_i64().unwrap(),
        code: task["code"].as_str().unwrap().to_owned(),
        title: task["title"].as_str().unwrap().to_owned(),
        plan: None,
        source_document: Some("52/TB-SCT".into()),
        due_text: task["due_text"].as_str().unwrap().to_owned(),
        expected_output: task["expected_output"].as_str().map(str::to_owned),
        progress_percent: 0,
    }
}

fn task_mails(f: &Fixture) -> Vec<MailContent> {
    let now = f.app.clock.now();
    let late = Lateness::WorkingDays { days: 2 };
    vec![
        MailContent::TaskReminder(TaskReminderContext {
            task: label(&f.task_vp),
            unit: f.vp.clone(),
            purpose: TaskReminderPurpose::Deadline,
            due: f.deadline,
            step: ReminderStep::WorkingDaysBefore(5),
            return_reason: None,
        }),
        MailContent::TaskEscalationHead(TaskEscalationHeadContext {
            task: label(&f.task_qltm),
            unit: f.qltm.clone(),
            deadline: f.deadline,
            late,
            head_name: None,
            head_title: None,
        }),
        MailContent::TaskEscalationLeadership(TaskEscalationLeadershipContext {
            overdue: vec![
                OverdueTask {
                    task: label(&f.task_vp),
                    unit: f.vp.clone(),
                    deadline: f.deadline,
                    late,
                },
                OverdueTask {
                    task: label(&f.task_qltm),
                    unit: f.qltm.clone(),
                    deadline: f.deadline,
                    late,
                },
            ],
            as_of: now,
        }),
        MailContent::PlanDigest(PlanDigestContext {
            plan: PlanLabel {
                id: f.plan_id,
                code: "KH-2026".into(),
                title: "Kế hoạch CCHC năm 2026".into(),
                document_number: Some("383/KH-SCT".into()),
            },
            span_label: "tháng 11/2026".into(),
            quarterly: false,
            as_of: now,
            totals: TaskCounts::default(),
            units: Vec::new(),
            completed_in_span: 0,
            overdue: vec![DigestOverdueTask {
                task: label(&f.task_qltm),
                unit: f.qltm.clone(),
                deadline: None,
                late: None,
            }],
            due_soon: vec![DueTask {
                task: label(&f.task_vp),
                unit: f.vp.clone(),
                deadline: f.deadline,
            }],
        }),
    ]
}

fn assessment_mails(f: &Fixture) -> Vec<MailContent> {
    let (id, round) = &f.round;
    let label = RoundLabel {
        id: *id,
        code: round["code"].as_str().unwrap().to_owned(),
        title: round["title"].as_str().unwrap().to_owned(),
        year: 2026,
    };
    let units_due = at("2026-12-10T17:00:00+07:00");
    let part = OwedPart {
        code: "1.1".into(),
        title: "Ban hành kế hoạch".into(),
        max_points: Decimal::ONE,
        status: ItemStatus::Pending,
        return_reason: None,
    };
    let late_unit = LateAssessmentUnit {
        unit: f.vp.clone(),
        pending: 1,
        returned: 0,
        max_points: Decimal::ONE,
    };
    let summary = ReadinessSummary {
        total: Figures::default(),
        problems: Vec::new(),
        unresolved: 1,
        units_not_done: vec![late_unit.clone()],
    };
    let late = Lateness::WorkingDays { days: 1 };
    vec![
        MailContent::AssessmentReminder(AssessmentReminderContext {
            round: label.clone(),
            unit: f.vp.clone(),
            due: units_due,
            step: ReminderStep::WorkingDaysBefore(3),
            parts: vec![part.clone()],
        }),
        MailContent::AssessmentEscalationHead(AssessmentEscalationHeadContext {
            round: label.clone(),
            unit: f.vp.clone(),
            deadline: units_due,
            late,
            head_name: None,
            head_title: None,
            parts: vec![part],
        }),
        MailContent::AssessmentEscalationLeadership(AssessmentEscalationLeadershipContext {
            round: label.clone(),
            deadline: units_due,
            late,
            units: vec![late_unit],
        }),
        MailContent::AssessmentOfficeReminder(AssessmentOfficeReminderContext {
            round: label.clone(),
            due: at("2026-12-20T17:00:00+07:00"),
            step: ReminderStep::WorkingDaysBefore(5),
            summary: summary.clone(),
        }),
        MailContent::AssessmentDigest(AssessmentDigestContext {
            round: label,
            as_of: f.app.clock.now(),
            units_due_at: units_due,
            send_due_at: at("2026-12-20T17:00:00+07:00"),
            summary,
            areas: Vec::new(),
            units: Vec::new(),
        }),
    ]
}

fn campaign_mails(f: &Fixture) -> Vec<MailContent> {
    let campaign = CampaignLabel {
        id: f.campaign_id,
        code: "TD-2026".into(),
        title: "Phong trào thi đua".into(),
        year: 2026,
    };
    let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
    let round = RoundDates {
        number: 1,
        starts_on: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
        ends_on: day(31),
        review_on: day(31),
        review_effective_on: day(31),
    };
    vec![
        MailContent::CampaignOfficeReminder(CampaignOfficeReminderContext {
            campaign: campaign.clone(),
            round: round.clone(),
            due: f.deadline,
            step: ReminderStep::WorkingDaysBefore(5),
            scale: Decimal::from(60),
            competing: 1,
            top: vec![BoardLine {
                rank: 1,
                unit: f.qltm.clone(),
                points: Decimal::from(60),
            }],
        }),
        MailContent::CampaignUnitReminder(CampaignUnitReminderContext {
            campaign,
            round,
            unit: f.qltm.clone(),
            due: f.deadline,
            step: ReminderStep::WorkingDaysBefore(2),
            scale: Decimal::from(60),
            competing: 1,
            rank: 1,
            points: Decimal::from(60),
            criteria: vec![CriterionLine {
                code: "TC1".into(),
                title: "Nộp báo cáo đúng hạn".into(),
                kind: CriterionKind::Scored,
                max_points: Decimal::from(60),
                points: Decimal::from(60),
                counted: None,
                out_of: None,
            }],
        }),
    ]
}

#[actix_web::test]
async fn every_link_in_every_task_assessment_and_campaign_mail_opens_without_a_token() {
    let f = fixture().await;
    let composer = composer(&f.app, &secret(&f.app).await);
    let mut opened = std::collections::BTreeMap::<&str, usize>::new();
    let mails = [task_mails(&f), assessment_mails(&f), campaign_mails(&f)].concat();
    for content in mails {
        let rendered = composer.render(&content).unwrap();
        let all = format!("{}\n{}", rendered.text, rendered.html);
        assert!(!all.contains("/api/v1"), "{}: {all}", content.kind());
        let links = links_in(&all, &f.app.base_url);
        assert!(!links.is_empty(), "{} has no link", content.kind());
        for link in links {
            let page = follow(&link).await;
            let html = text(&page);
            assert_eq!(page.status, 200, "{} → {link}: {html}", content.kind());
            assert!(page.content_type.starts_with("text/html"), "{link}");
            assert!(html.contains("<html lang=\"vi\">"), "{html}");
            for kind in [
                "/l/task/",
                "/l/assessment/",
                "/l/campaign/",
                "/l/plan/",
                "/l/overdue-tasks/",
            ] {
                if link.contains(kind) {
                    *opened.entry(kind).or_default() += 1;
                }
            }
        }
    }
    // Each task mail links its tasks (4 mails, 6 links), the plan's digest its board and the
    // leadership's escalation (tasks of a directive) the overdue tasks, each round mail the
    // round (5), each campaign mail the round (2).
    assert!(opened.get("/l/task/") >= Some(&6), "{opened:?}");
    assert_eq!(opened.get("/l/plan/"), Some(&1), "{opened:?}");
    assert_eq!(opened.get("/l/overdue-tasks/"), Some(&1), "{opened:?}");
    assert!(opened.get("/l/assessment/") >= Some(&5), "{opened:?}");
    assert!(opened.get("/l/campaign/") >= Some(&2), "{opened:?}");
}

fn link_to(
    composer: &cchc_worker::email::Composer,
    content: &MailContent,
    kind: &str,
    base: &str,
) -> String {
    let rendered = composer.render(content).unwrap();
    links_in(&rendered.text, base)
        .into_iter()
        .find(|l| l.contains(kind))
        .unwrap_or_else(|| panic!("no {kind} link in {}", rendered.text))
}

#[actix_web::test]
async fn a_task_page_shows_its_task_only_and_a_tampered_link_is_refused() {
    let f = fixture().await;
    let composer = composer(&f.app, &secret(&f.app).await);
    let reminder = &task_mails(&f)[0];
    let link = link_to(&composer, reminder, "/l/task/", &f.app.base_url);
    let page = text(&follow(&link).await);
    assert!(
        page.contains("Rà soát quy chế tiếp nhận hồ sơ một cửa"),
        "{page}"
    );
    assert!(page.contains(&f.vp.name), "{page}");
    assert!(page.contains("Đơn vị phối hợp"), "{page}");
    assert!(page.contains("Tháng 12/2026"), "{page}");
    assert!(page.contains("17:00 ngày 31/12/2026"), "{page}");
    assert!(page.contains("Báo cáo kết quả rà soát"), "{page}");
    assert!(page.contains("Đang chờ"), "{page}");
    assert!(
        !page.contains("Công khai thủ tục thương mại điện tử"),
        "another task leaks: {page}"
    );

    // VP's link with QLTM's task id: refused, and nothing about either task.
    let token = link.rsplit('/').next().unwrap();
    let (vp_id, qltm_id) = (
        f.task_vp["id"].as_i64().unwrap(),
        f.task_qltm["id"].as_i64().unwrap(),
    );
    let forged = token.replacen(&format!("task.{vp_id}."), &format!("task.{qltm_id}."), 1);
    assert_ne!(forged, token);
    let refused = follow(&format!("{}/l/task/{forged}", f.app.base_url)).await;
    assert_eq!(refused.status, 403);
    let body = text(&refused);
    assert!(refused.content_type.starts_with("text/html"));
    assert!(body.contains("Đường dẫn không hợp lệ"), "{body}");
    assert!(body.contains("lang=\"vi\""), "{body}");
    assert!(!body.contains("Công khai thủ tục") && !body.contains("Rà soát quy chế"));
    // A genuine task link at another kind's route: refused too.
    let wrong = follow(&format!("{}/l/campaign/{token}", f.app.base_url)).await;
    assert_eq!(wrong.status, 403);
}

#[actix_web::test]
async fn a_units_assessment_link_shows_its_parts_and_the_offices_the_whole_round() {
    let f = fixture().await;
    let composer = composer(&f.app, &secret(&f.app).await);
    let mails = assessment_mails(&f);
    let unit_page = text(
        &follow(&link_to(
            &composer,
            &mails[0],
            "/l/assessment/",
            &f.app.base_url,
        ))
        .await,
    );
    assert!(unit_page.contains(&f.vp.name), "{unit_page}");
    assert!(
        unit_page.contains("Hạn đơn vị gửi phần tự chấm"),
        "{unit_page}"
    );
    assert!(unit_page.contains("17:00 ngày 10/12/2026"), "{unit_page}");
    assert!(!unit_page.contains("Theo đơn vị"), "{unit_page}");
    let office_page = text(
        &follow(&link_to(
            &composer,
            &mails[3],
            "/l/assessment/",
            &f.app.base_url,
        ))
        .await,
    );
    assert!(
        office_page.contains("Hạn gửi kết quả tự đánh giá"),
        "{office_page}"
    );
    assert!(
        office_page.contains("17:00 ngày 20/12/2026"),
        "{office_page}"
    );
    assert!(office_page.contains("Theo đơn vị"), "{office_page}");
    let campaign_page = text(
        &follow(&link_to(
            &composer,
            &campaign_mails(&f)[1],
            "/l/campaign/",
            &f.app.base_url,
        ))
        .await,
    );
    assert!(
        campaign_page.contains("Nộp báo cáo đúng hạn"),
        "{campaign_page}"
    );
    assert!(campaign_page.contains("Xếp hạng"), "{campaign_page}");
}
