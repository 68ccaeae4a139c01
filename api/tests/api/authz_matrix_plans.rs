//! The plan and task operations of the authorization matrix: their fixtures (an issued plan,
//! a task led by unit A and one led by unit B) and the request each caller sends.

use reqwest::Method;
use serde_json::json;

use super::{get, id, post, req, Body, Request};
use crate::common::TestApp;

/// Ids of the plan fixtures.
pub(super) struct PlanFixtures {
    plan: i64,
    task_a: i64,
    task_b: i64,
    /// A file of each task, uploaded by the Office for its lead unit.
    file_a: i64,
    file_b: i64,
    /// A draft criteria set.
    criteria_set: i64,
    /// A published set of two criteria, and a round on it.
    published_set: i64,
    assessment: i64,
    /// A file of the round for each unit, uploaded by the Office.
    assessment_file_a: i64,
    assessment_file_b: i64,
    /// A campaign run by registration.
    campaign: i64,
}

const DUE: &str = r#"{"kind": "month", "year": 2026, "month": 12}"#;

fn due() -> serde_json::Value {
    serde_json::from_str(DUE).unwrap()
}

impl PlanFixtures {
    pub(super) async fn new(app: &TestApp, n: u32) -> Self {
        let plan = plan(app, n, true).await;
        let task_a = task(app, plan, &format!("A{n}"), "KHTC").await;
        let task_b = task(app, plan, &format!("B{n}"), "QLTM").await;
        let published_set = published_set(app, n).await;
        let assessment = round(app, published_set, n).await;
        Self {
            plan,
            task_a,
            task_b,
            file_a: file(app, task_a).await,
            file_b: file(app, task_b).await,
            criteria_set: criteria_set(app, n).await,
            published_set,
            assessment,
            assessment_file_a: assessment_file(app, assessment, "KHTC").await,
            assessment_file_b: assessment_file(app, assessment, "QLTM").await,
            campaign: campaign(app, n).await,
        }
    }

    /// The request `operation` sends, with fresh fixtures where it changes state for good;
    /// `other` for the reporter on unit B's task.
    pub(super) async fn request(
        &self,
        app: &TestApp,
        operation: &str,
        other: bool,
        n: u32,
    ) -> Request {
        let plan = self.plan;
        let task = if other { self.task_b } else { self.task_a };
        let lead = if other { "QLTM" } else { "KHTC" };
        let round_file = if other {
            self.assessment_file_b
        } else {
            self.assessment_file_a
        };
        let file = if other { self.file_b } else { self.file_a };
        match operation {
            "GET /api/v1/plans" => get("/api/v1/plans"),
            "POST /api/v1/plans" => post(
                "/api/v1/plans",
                json!({"code": format!("KH-{n}"), "year": 2026, "title": "Kế hoạch CCHC năm 2026"}),
            ),
            "GET /api/v1/plans/{id}" => get(format!("/api/v1/plans/{plan}")),
            "PATCH /api/v1/plans/{id}" => req(
                Method::PATCH,
                format!("/api/v1/plans/{plan}"),
                Body::Json(json!({"title": format!("Kế hoạch CCHC năm 2026 ({n})")})),
            ),
            "DELETE /api/v1/plans/{id}" => {
                let draft = self::plan(app, n, false).await;
                req(Method::DELETE, format!("/api/v1/plans/{draft}"), Body::None)
            }
            "POST /api/v1/plans/{id}/issue" => {
                let draft = self::plan(app, n, false).await;
                post(format!("/api/v1/plans/{draft}/issue"), json!({}))
            }
            "POST /api/v1/plans/{id}/close" => {
                let issued = self::plan(app, n, true).await;
                post(format!("/api/v1/plans/{issued}/close"), json!({}))
            }
            "GET /api/v1/plans/{id}/board" => get(format!("/api/v1/plans/{plan}/board")),
            "GET /api/v1/plans/{id}/appendix.xlsx" => {
                get(format!("/api/v1/plans/{plan}/appendix.xlsx"))
            }
            "POST /api/v1/plans/{id}/tasks/import.xlsx" => req(
                Method::POST,
                format!("/api/v1/plans/{plan}/tasks/import.xlsx"),
                Body::Raw(super::XLSX, appendix(n, lead)),
            ),
            "GET /api/v1/plans/{id}/tasks" => get(format!("/api/v1/plans/{plan}/tasks")),
            "POST /api/v1/plans/{id}/tasks" => post(
                format!("/api/v1/plans/{plan}/tasks"),
                json!({"code": format!("N{n}"), "title": "Nhiệm vụ mới", "lead_unit_code": lead, "due": due()}),
            ),
            "GET /api/v1/tasks" => get("/api/v1/tasks"),
            "POST /api/v1/tasks" => {
                let source = document(app, n).await;
                post(
                    "/api/v1/tasks",
                    json!({"code": "1", "title": "Nhiệm vụ theo kết luận", "source_document_id": source,
                           "lead_unit_code": lead, "due": due()}),
                )
            }
            "GET /api/v1/tasks/{id}" => get(format!("/api/v1/tasks/{task}")),
            "GET /api/v1/tasks/{id}/notifications" => {
                get(format!("/api/v1/tasks/{task}/notifications"))
            }
            "PATCH /api/v1/tasks/{id}" => req(
                Method::PATCH,
                format!("/api/v1/tasks/{task}"),
                Body::Json(json!({"title": format!("Nhiệm vụ ({n})")})),
            ),
            "DELETE /api/v1/tasks/{id}" => {
                let fresh = self::task(app, plan, &format!("D{n}"), lead).await;
                req(Method::DELETE, format!("/api/v1/tasks/{fresh}"), Body::None)
            }
            "POST /api/v1/tasks/{id}/progress" => post(
                format!("/api/v1/tasks/{task}/progress"),
                json!({"percent": 30, "note": "Đang thực hiện"}),
            ),
            "POST /api/v1/tasks/{id}/completion" => {
                let fresh = self::task(app, plan, &format!("C{n}"), lead).await;
                post(
                    format!("/api/v1/tasks/{fresh}/completion"),
                    json!({"note": "Đã xong"}),
                )
            }
            "POST /api/v1/tasks/{id}/confirm" => {
                let declared = declared(app, plan, n, lead).await;
                post(format!("/api/v1/tasks/{declared}/confirm"), json!({}))
            }
            "POST /api/v1/tasks/{id}/return" => {
                let declared = declared(app, plan, n, lead).await;
                post(
                    format!("/api/v1/tasks/{declared}/return"),
                    json!({"reason": "Bổ sung tài liệu kiểm chứng"}),
                )
            }
            "POST /api/v1/tasks/{id}/extensions" => {
                let fresh = self::task(app, plan, &format!("E{n}"), lead).await;
                post(
                    format!("/api/v1/tasks/{fresh}/extensions"),
                    json!({"due": {"kind": "year", "year": 2027}, "reason": "Chờ ý kiến"}),
                )
            }
            "POST /api/v1/tasks/{id}/files" => req(
                Method::POST,
                format!("/api/v1/tasks/{task}/files"),
                Body::Upload(None),
            ),
            "GET /api/v1/tasks/{id}/files" => get(format!("/api/v1/tasks/{task}/files")),
            "GET /api/v1/tasks/{id}/files/{file_id}" => {
                get(format!("/api/v1/tasks/{task}/files/{file}"))
            }
            "GET /api/v1/tasks/{id}/files/{file_id}/content" => {
                get(format!("/api/v1/tasks/{task}/files/{file}/content"))
            }
            "DELETE /api/v1/tasks/{id}/files/{file_id}" => {
                let fresh = self::file(app, task).await;
                req(
                    Method::DELETE,
                    format!("/api/v1/tasks/{task}/files/{fresh}"),
                    Body::None,
                )
            }
            "GET /api/v1/criteria-sets" => get("/api/v1/criteria-sets"),
            "POST /api/v1/criteria-sets" => post("/api/v1/criteria-sets", criteria_body(n + 1000)),
            "GET /api/v1/criteria-sets/{id}" => {
                get(format!("/api/v1/criteria-sets/{}", self.criteria_set))
            }
            "PUT /api/v1/criteria-sets/{id}" => {
                let fresh = criteria_set(app, n + 2000).await;
                req(
                    Method::PUT,
                    format!("/api/v1/criteria-sets/{fresh}"),
                    Body::Json(criteria_body(n + 2000)),
                )
            }
            "DELETE /api/v1/criteria-sets/{id}" => {
                let fresh = criteria_set(app, n + 3000).await;
                req(
                    Method::DELETE,
                    format!("/api/v1/criteria-sets/{fresh}"),
                    Body::None,
                )
            }
            "POST /api/v1/criteria-sets/{id}/publish" => {
                let fresh = criteria_set(app, n + 4000).await;
                post(format!("/api/v1/criteria-sets/{fresh}/publish"), json!({}))
            }
            "GET /api/v1/criteria-sets/{id}/criteria.xlsx" => get(format!(
                "/api/v1/criteria-sets/{}/criteria.xlsx",
                self.criteria_set
            )),
            "POST /api/v1/criteria-sets/import.xlsx" => req(
                Method::POST,
                format!(
                    "/api/v1/criteria-sets/import.xlsx?code=PAR-X{n}&year=2026&title=B%E1%BB%99&restored_share_percent=70"
                ),
                Body::Raw(super::XLSX, criteria_workbook()),
            ),
            "PUT /api/v1/criteria-sets/{id}/criteria.xlsx" => {
                let fresh = criteria_set(app, n + 5000).await;
                req(
                    Method::PUT,
                    format!("/api/v1/criteria-sets/{fresh}/criteria.xlsx"),
                    Body::Raw(super::XLSX, criteria_workbook()),
                )
            }
            "POST /api/v1/assessments/{id}/files" => req(
                Method::POST,
                format!("/api/v1/assessments/{}/files", self.assessment),
                Body::Upload(None),
            ),
            "GET /api/v1/assessments/{id}/files" => {
                get(format!("/api/v1/assessments/{}/files", self.assessment))
            }
            "GET /api/v1/assessments/{id}/files/{file_id}" => get(format!(
                "/api/v1/assessments/{}/files/{}",
                self.assessment, round_file
            )),
            "GET /api/v1/assessments/{id}/files/{file_id}/content" => get(format!(
                "/api/v1/assessments/{}/files/{}/content",
                self.assessment, round_file
            )),
            "DELETE /api/v1/assessments/{id}/files/{file_id}" => {
                let fresh = assessment_file(app, self.assessment, lead).await;
                req(
                    Method::DELETE,
                    format!("/api/v1/assessments/{}/files/{fresh}", self.assessment),
                    Body::None,
                )
            }
            "GET /api/v1/campaigns" => get("/api/v1/campaigns"),
            "POST /api/v1/campaigns" => post("/api/v1/campaigns", campaign_body(n + 1000)),
            "GET /api/v1/campaigns/{id}" => get(format!("/api/v1/campaigns/{}", self.campaign)),
            "POST /api/v1/campaigns/{id}/registrations" => post(
                format!("/api/v1/campaigns/{}/registrations", self.campaign),
                json!({"unit_code": lead}),
            ),
            "PUT /api/v1/campaigns/{id}/rounds/{round}/points" => req(
                Method::PUT,
                format!("/api/v1/campaigns/{}/rounds/1/points", self.campaign),
                Body::Json(json!({"unit_code": lead, "criterion_code": "TC2", "points": 1, "note": "Sáng kiến"})),
            ),
            "GET /api/v1/campaigns/{id}/rounds/{round}/leaderboard" => get(format!(
                "/api/v1/campaigns/{}/rounds/1/leaderboard",
                self.campaign
            )),
            "GET /api/v1/campaigns/{id}/leaderboard" => {
                get(format!("/api/v1/campaigns/{}/leaderboard", self.campaign))
            }
            "GET /api/v1/campaigns/{id}/rounds/{round}/commendations.xlsx" => get(format!(
                "/api/v1/campaigns/{}/rounds/1/commendations.xlsx",
                self.campaign
            )),
            "GET /api/v1/campaigns/{id}/commendations.xlsx" => get(format!(
                "/api/v1/campaigns/{}/commendations.xlsx",
                self.campaign
            )),
            "POST /api/v1/campaigns/{id}/rounds/{round}/review" => {
                let fresh = campaign(app, n + 2000).await;
                post(format!("/api/v1/campaigns/{fresh}/rounds/1/review"), json!({}))
            }
            "POST /api/v1/campaigns/{id}/rounds/{round}/reopen" => {
                let fresh = campaign(app, n + 3000).await;
                app.post(&format!("/api/v1/campaigns/{fresh}/rounds/1/review"), json!({}))
                    .await
                    .expect(200);
                post(
                    format!("/api/v1/campaigns/{fresh}/rounds/1/reopen"),
                    json!({"reason": "Bổ sung điểm thưởng"}),
                )
            }
            "GET /api/v1/assessments" => get("/api/v1/assessments"),
            "POST /api/v1/assessments" => post(
                "/api/v1/assessments",
                json!({"code": format!("TDG-{n}"), "title": "Tự đánh giá năm 2026",
                       "criteria_set_id": self.published_set,
                       "units_due_at": "2026-12-10T17:00:00+07:00",
                       "send_due_at": "2026-12-20T17:00:00+07:00"}),
            ),
            "GET /api/v1/assessments/{id}" => {
                get(format!("/api/v1/assessments/{}", self.assessment))
            }
            "PATCH /api/v1/assessments/{id}/items/{code}" => {
                let fresh = round(app, self.published_set, n + 1000).await;
                req(
                    Method::PATCH,
                    format!("/api/v1/assessments/{fresh}/items/1.1"),
                    Body::Json(json!({"unit_code": lead})),
                )
            }
            "PUT /api/v1/assessments/{id}/items/{code}/score" => {
                let fresh = round(app, self.published_set, n + 2000).await;
                let code = if other { "1.2" } else { "1.1" };
                req(
                    Method::PUT,
                    format!("/api/v1/assessments/{fresh}/items/{code}/score"),
                    Body::Json(json!({"points": 1, "explanation": "Đã thực hiện"})),
                )
            }
            "POST /api/v1/assessments/{id}/items/{code}/accept" => {
                let fresh = proposed_round(app, self.published_set, n + 3000).await;
                post(
                    format!("/api/v1/assessments/{fresh}/items/1.1/accept"),
                    json!({}),
                )
            }
            "POST /api/v1/assessments/{id}/items/{code}/return" => {
                let fresh = proposed_round(app, self.published_set, n + 4000).await;
                post(
                    format!("/api/v1/assessments/{fresh}/items/1.1/return"),
                    json!({"reason": "Bổ sung tài liệu"}),
                )
            }
            "GET /api/v1/assessments/{id}/readiness" => {
                get(format!("/api/v1/assessments/{}/readiness", self.assessment))
            }
            "POST /api/v1/assessments/{id}/send" => {
                let fresh = round(app, self.published_set, n + 5000).await;
                post(
                    format!("/api/v1/assessments/{fresh}/send"),
                    json!({"override_reason": "Gửi đúng hạn"}),
                )
            }
            "PUT /api/v1/assessments/{id}/appraisal" => {
                let fresh = round(app, self.published_set, n + 6000).await;
                app.post(
                    &format!("/api/v1/assessments/{fresh}/send"),
                    json!({"override_reason": "Gửi đúng hạn"}),
                )
                .await
                .expect(200);
                req(
                    Method::PUT,
                    format!("/api/v1/assessments/{fresh}/appraisal"),
                    Body::Json(json!({"items": [{"code": "1.1", "appraised_points": 1}]})),
                )
            }
            "GET /api/v1/assessments/{id}/self-assessment.xlsx" => get(format!(
                "/api/v1/assessments/{}/self-assessment.xlsx",
                self.assessment
            )),
            "POST /api/v1/assessments/{id}/items/{code}/task" => {
                let fresh = proposed_round(app, self.published_set, n + 7000).await;
                app.post(
                    &format!("/api/v1/assessments/{fresh}/send"),
                    json!({"override_reason": "Gửi đúng hạn"}),
                )
                .await
                .expect(200);
                app.request(
                    Method::PUT,
                    &format!("/api/v1/assessments/{fresh}/appraisal"),
                    Some(&app.admin),
                    Some(&json!({"items": [{"code": "1.1", "appraised_points": 0}]})),
                )
                .await
                .expect(200);
                post(
                    format!("/api/v1/assessments/{fresh}/items/1.1/task"),
                    json!({"plan_id": plan, "code": format!("PAR-{n}"), "due": due()}),
                )
            }
            "GET /api/v1/assessments/{id}/results" => {
                get(format!("/api/v1/assessments/{}/results", self.assessment))
            }
            other => panic!("no request is prepared for {other}; add one to `request`"),
        }
    }
}

/// An appendix of one task, `I<n>` led by `lead`.
fn appendix(n: u32, lead: &str) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let rows = [
        [
            "STT",
            "Nội dung nhiệm vụ",
            "Đơn vị chủ trì",
            "Thời gian hoàn thành",
        ],
        [
            &format!("I{n}"),
            "Nhiệm vụ nhập từ phụ lục",
            lead,
            "Tháng 12/2026",
        ],
    ];
    for (r, cells) in rows.iter().enumerate() {
        for (c, text) in cells.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *text).unwrap();
        }
    }
    workbook.save_to_buffer().unwrap()
}

/// A criteria set workbook of one area with one self-scored criterion.
fn criteria_workbook() -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let rows = [
        ["STT", "Lĩnh vực, tiêu chí", "Điểm tối đa"],
        ["1", "Chỉ đạo, điều hành", "1"],
        ["1.1", "Kế hoạch CCHC", "1"],
    ];
    for (r, cells) in rows.iter().enumerate() {
        for (c, text) in cells.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *text).unwrap();
        }
    }
    workbook.save_to_buffer().unwrap()
}

/// A criteria set of one area with one entered criterion.
fn criteria_body(n: u32) -> serde_json::Value {
    json!({"code": format!("PAR-{n}"), "year": 2026, "title": "Bộ tiêu chí năm 2026",
           "restored_share_percent": 70,
           "criteria": [{"code": "1", "title": "Chỉ đạo, điều hành", "max_points": 1},
                        {"code": "1.1", "parent_code": "1", "title": "Kế hoạch CCHC", "max_points": 1,
                         "scoring": {"method": "entered"}}]})
}

/// A published set of two entered criteria, 1.1 and 1.2; its id.
async fn published_set(app: &TestApp, n: u32) -> i64 {
    let body = json!({"code": format!("PAR-PUB-{n}"), "year": 2026, "title": "Bộ tiêu chí năm 2026",
           "restored_share_percent": 70,
           "criteria": [{"code": "1", "title": "Chỉ đạo, điều hành", "max_points": 2},
                        {"code": "1.1", "parent_code": "1", "title": "Kế hoạch CCHC", "max_points": 1,
                         "scoring": {"method": "entered"}},
                        {"code": "1.2", "parent_code": "1", "title": "Báo cáo CCHC", "max_points": 1,
                         "scoring": {"method": "entered"}}]});
    let set = id(&app.post("/api/v1/criteria-sets", body).await.expect(201));
    app.post(&format!("/api/v1/criteria-sets/{set}/publish"), json!({}))
        .await
        .expect(200);
    set
}

/// A round on `set` with 1.1 given to KHTC (unit A) and 1.2 to QLTM (unit B); its id.
async fn round(app: &TestApp, set: i64, n: u32) -> i64 {
    let round = id(&app
        .post(
            "/api/v1/assessments",
            json!({"code": format!("R-{n}"), "title": "Tự đánh giá năm 2026", "criteria_set_id": set,
                   "units_due_at": "2026-12-10T17:00:00+07:00",
                   "send_due_at": "2026-12-20T17:00:00+07:00"}),
        )
        .await
        .expect(201));
    for (code, unit) in [("1.1", "KHTC"), ("1.2", "QLTM")] {
        app.patch(
            &format!("/api/v1/assessments/{round}/items/{code}"),
            json!({"unit_code": unit}),
        )
        .await
        .expect(200);
    }
    round
}

/// A round whose 1.1 the Office has proposed a score for; its id.
async fn proposed_round(app: &TestApp, set: i64, n: u32) -> i64 {
    let round = round(app, set, n).await;
    app.request(
        Method::PUT,
        &format!("/api/v1/assessments/{round}/items/1.1/score"),
        Some(&app.admin),
        Some(&json!({"points": 1, "explanation": "Đã thực hiện"})),
    )
    .await
    .expect(200);
    round
}

/// A draft criteria set; its id.
async fn criteria_set(app: &TestApp, n: u32) -> i64 {
    id(&app
        .post("/api/v1/criteria-sets", criteria_body(n))
        .await
        .expect(201))
}

/// A PDF the Office uploads to task `task` for its lead unit; its id.
async fn file(app: &TestApp, task: i64) -> i64 {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(crate::common::pdf())
            .file_name("bien-ban.pdf")
            .mime_str("application/pdf")
            .unwrap(),
    );
    id(&TestApp::send(
        app.client
            .post(format!("{}/api/v1/tasks/{task}/files", app.base_url))
            .bearer_auth(&app.admin)
            .multipart(form),
    )
    .await
    .expect(201))
}

fn campaign_body(n: u32) -> serde_json::Value {
    json!({"code": format!("TD-{n}"), "year": 2026, "title": "Phong trào thi đua năm 2026",
    "participation": "registered",
    "rounds": [{"starts_on": "2026-10-01", "ends_on": "2026-11-30", "review_on": "2026-11-30"}],
    "criteria": [
      {"code": "TC1", "title": "Báo cáo đúng hạn", "max_points": 100, "source": {"method": "reports_on_time"}},
      {"code": "TC2", "title": "Sáng kiến", "kind": "bonus", "max_points": 5, "source": {"method": "entered"}}
    ]})
}

/// A campaign run by registration, with one round; its id.
async fn campaign(app: &TestApp, n: u32) -> i64 {
    id(&app
        .post("/api/v1/campaigns", campaign_body(n))
        .await
        .expect(201))
}

/// A file of round `round`, uploaded by the Office for `unit`.
async fn assessment_file(app: &TestApp, round: i64, unit: &str) -> i64 {
    let form = reqwest::multipart::Form::new()
        .part(
            "file",
            reqwest::multipart::Part::bytes(crate::common::pdf())
                .file_name("bien-ban-kiem-tra.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        )
        .text("unit_code", unit.to_owned());
    id(&TestApp::send(
        app.client
            .post(format!("{}/api/v1/assessments/{round}/files", app.base_url))
            .bearer_auth(&app.admin)
            .multipart(form),
    )
    .await
    .expect(201))
}

async fn document(app: &TestApp, n: u32) -> i64 {
    id(&app
        .post(
            "/api/v1/documents",
            json!({"number": format!("{}/KH-SCT", 5000 + n), "issued_on": "2026-01-15",
                   "issuing_agency": "Sở Công Thương", "subject": "Kế hoạch CCHC năm 2026",
                   "direction": "outgoing"}),
        )
        .await
        .expect(201))
}

/// A plan with its document, issued if asked.
async fn plan(app: &TestApp, n: u32, issue: bool) -> i64 {
    let document = document(app, n).await;
    let plan = id(&app
        .post(
            "/api/v1/plans",
            json!({"code": format!("KH-AUTHZ-{n}"), "year": 2026, "title": "Kế hoạch CCHC năm 2026",
                   "document_id": document}),
        )
        .await
        .expect(201));
    if issue {
        app.post(&format!("/api/v1/plans/{plan}/issue"), json!({}))
            .await
            .expect(200);
    }
    plan
}

async fn task(app: &TestApp, plan: i64, code: &str, lead: &str) -> i64 {
    id(&app
        .post(
            &format!("/api/v1/plans/{plan}/tasks"),
            json!({"code": code, "title": "Nhiệm vụ", "lead_unit_code": lead, "due": due()}),
        )
        .await
        .expect(201))
}

/// A task its lead unit declared done (by the Office's hand).
async fn declared(app: &TestApp, plan: i64, n: u32, lead: &str) -> i64 {
    let task = task(app, plan, &format!("X{n}"), lead).await;
    app.post(&format!("/api/v1/tasks/{task}/completion"), json!({}))
        .await
        .expect(200);
    task
}
