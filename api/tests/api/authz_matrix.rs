//! The authorization matrix: every operation of the OpenAPI document, called by every kind of
//! caller, answers the status of one explicit table.
//!
//! Callers: `anonymous` (no token), `admin`, `viewer`, `reporter_own` (the reporter of unit A on
//! unit A's data), `reporter_other` (the same reporter on unit B's data) and `integration`.
//! Path ids point at fixtures of the right unit: the `reporter_other` column is sent unit B's
//! submission, attachment, document or form; every other column unit A's. Operations that
//! change state for good (delete, revoke, transitions) get fresh fixtures for each caller, so
//! one caller's success does not change what the next one sees.
//!
//! The rule the table encodes: people read reference data; only the Office (admin) changes it;
//! a reporter reads and files its own unit's reports only, and another unit's report, file or
//! document does not exist for it (404); cross-unit views are for the Office and leadership;
//! an integration token sends QLVB events and reads the reference data (units, indicators,
//! periods, calendar), never units' reports, files or boards.

use std::cell::Cell;

use cchc_domain::model::token::Role;
use chrono::Utc;
use diesel_async::RunQueryDsl;
use reqwest::multipart::{Form, Part};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{pdf, Answer, TestApp};

#[path = "authz_matrix_people.rs"]
mod people;
#[path = "authz_matrix_plans.rs"]
mod plans;
use cchc_testkit::fake_qlvb::FakeQlvb;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Anonymous,
    Admin,
    Viewer,
    ReporterOwn,
    ReporterOther,
    Integration,
}

/// The table's columns, in order.
const COLUMNS: [Caller; 6] = [
    Caller::Anonymous,
    Caller::Admin,
    Caller::Viewer,
    Caller::ReporterOwn,
    Caller::ReporterOther,
    Caller::Integration,
];

/// Forbidden callers first, so a success cannot change what a refusal is tested against.
const ORDER: [Caller; 6] = [
    Caller::Anonymous,
    Caller::Integration,
    Caller::Viewer,
    Caller::ReporterOther,
    Caller::ReporterOwn,
    Caller::Admin,
];

impl Caller {
    fn name(self) -> &'static str {
        match self {
            Caller::Anonymous => "anonymous",
            Caller::Admin => "admin",
            Caller::Viewer => "viewer",
            Caller::ReporterOwn => "reporter_own",
            Caller::ReporterOther => "reporter_other",
            Caller::Integration => "integration",
        }
    }

    fn column(self) -> usize {
        COLUMNS.iter().position(|c| *c == self).expect("a column")
    }

    /// Whether the request targets unit B's data.
    fn other(self) -> bool {
        self == Caller::ReporterOther
    }
}

/// The expected status of each operation for:
/// anonymous, admin, viewer, reporter_own, reporter_other, integration.
#[rustfmt::skip]
const TABLE: &[(&str, [u16; 6])] = &[
    // operation                                                     anon adm  view own  other int
    // The index: who opens the printed address first has no token yet.
    ("GET /",                                                         [200, 200, 200, 200, 200, 200]),
    ("GET /api/v1",                                                   [200, 200, 200, 200, 200, 200]),
    ("GET /healthz",                                                  [200, 200, 200, 200, 200, 200]),
    ("GET /readyz",                                                   [200, 200, 200, 200, 200, 200]),
    // The links of the mails: the signature decides, not the bearer token (a made-up one: 403).
    ("GET /l/report/{token}",                                         [403, 403, 403, 403, 403, 403]),
    ("GET /l/form/{token}",                                           [403, 403, 403, 403, 403, 403]),
    ("GET /l/board/{token}",                                          [403, 403, 403, 403, 403, 403]),
    ("GET /l/periods/{token}",                                        [403, 403, 403, 403, 403, 403]),
    ("GET /l/task/{token}",                                           [403, 403, 403, 403, 403, 403]),
    ("GET /l/plan/{token}",                                           [403, 403, 403, 403, 403, 403]),
    ("GET /l/overdue-tasks/{token}",                                  [403, 403, 403, 403, 403, 403]),
    ("GET /l/assessment/{token}",                                     [403, 403, 403, 403, 403, 403]),
    ("GET /l/campaign/{token}",                                       [403, 403, 403, 403, 403, 403]),
    ("GET /api/v1/me",                                                [401, 200, 200, 200, 200, 200]),
    // Units: reference data, read by every role.
    ("GET /api/v1/units",                                             [401, 200, 200, 200, 200, 200]),
    ("POST /api/v1/units",                                            [401, 201, 403, 403, 403, 403]),
    ("GET /api/v1/units/{id}",                                        [401, 200, 200, 200, 200, 200]),
    ("PATCH /api/v1/units/{id}",                                      [401, 200, 403, 403, 403, 403]),
    // Tokens: the Office only.
    ("GET /api/v1/tokens",                                            [401, 200, 403, 403, 403, 403]),
    ("POST /api/v1/tokens",                                           [401, 201, 403, 403, 403, 403]),
    ("GET /api/v1/tokens/{id}",                                       [401, 200, 403, 403, 403, 403]),
    ("DELETE /api/v1/tokens/{id}",                                    [401, 200, 403, 403, 403, 403]),
    ("POST /api/v1/tokens/{id}/signing-secret",                       [401, 200, 403, 403, 403, 403]),
    // Indicators: reference data.
    ("GET /api/v1/indicators",                                        [401, 200, 200, 200, 200, 200]),
    ("POST /api/v1/indicators",                                       [401, 201, 403, 403, 403, 403]),
    ("GET /api/v1/indicators/{id}",                                   [401, 200, 200, 200, 200, 200]),
    ("PATCH /api/v1/indicators/{id}",                                 [401, 200, 403, 403, 403, 403]),
    ("GET /api/v1/indicators/{id}/versions",                          [401, 200, 200, 200, 200, 200]),
    // Periods: reference data.
    ("GET /api/v1/periods",                                           [401, 200, 200, 200, 200, 200]),
    ("POST /api/v1/periods",                                          [401, 201, 403, 403, 403, 403]),
    ("GET /api/v1/periods/{id}",                                      [401, 200, 200, 200, 200, 200]),
    ("DELETE /api/v1/periods/{id}",                                   [401, 204, 403, 403, 403, 403]),
    ("PATCH /api/v1/periods/{id}",                                    [401, 200, 403, 403, 403, 403]),
    ("POST /api/v1/periods/{id}/open",                                [401, 200, 403, 403, 403, 403]),
    ("POST /api/v1/periods/{id}/close",                               [401, 200, 403, 403, 403, 403]),
    // Submissions. A reporter's list holds its own unit's report only. Filing for another
    // unit is refused as a field error (422 `not_your_unit`) and creates nothing.
    ("GET /api/v1/periods/{id}/submissions",                          [401, 200, 200, 200, 200, 403]),
    ("POST /api/v1/periods/{id}/submissions",                         [401, 201, 403, 201, 422, 403]),
    ("GET /api/v1/submissions/{id}",                                  [401, 200, 200, 200, 404, 403]),
    ("PATCH /api/v1/submissions/{id}",                                [401, 200, 403, 200, 404, 403]),
    ("POST /api/v1/submissions/{id}/submit",                          [401, 200, 403, 200, 404, 403]),
    ("POST /api/v1/submissions/{id}/return",                          [401, 200, 403, 403, 403, 403]),
    ("POST /api/v1/submissions/{id}/accept",                          [401, 200, 403, 403, 404, 403]),
    ("GET /api/v1/submissions/{id}/versions",                         [401, 200, 200, 200, 404, 403]),
    ("GET /api/v1/periods/{id}/extensions",                           [401, 200, 200, 200, 200, 403]),
    ("POST /api/v1/periods/{id}/extensions",                          [401, 200, 403, 403, 403, 403]),
    ("GET /api/v1/periods/{id}/compliance",                           [401, 200, 200, 403, 403, 403]),
    ("GET /api/v1/periods/{id}/notifications",                        [401, 200, 200, 403, 403, 403]),
    ("GET /api/v1/periods/{id}/consolidation",                        [401, 200, 200, 403, 403, 403]),
    // Tasks in reports: a report's unit's tasks as the report is read; completion per unit as
    // the consolidation is.
    ("GET /api/v1/submissions/{id}/tasks",                            [401, 200, 200, 200, 404, 403]),
    ("GET /api/v1/periods/{id}/tasks",                                [401, 200, 200, 403, 403, 403]),
    // Files of a report.
    ("GET /api/v1/submissions/{id}/attachments",                      [401, 200, 200, 200, 404, 403]),
    ("POST /api/v1/submissions/{id}/attachments",                     [401, 201, 403, 201, 404, 403]),
    ("GET /api/v1/attachments/{id}",                                  [401, 200, 200, 200, 404, 403]),
    ("DELETE /api/v1/attachments/{id}",                               [401, 204, 403, 204, 404, 403]),
    ("GET /api/v1/attachments/{id}/content",                          [401, 200, 200, 200, 404, 403]),
    // Excel.
    ("GET /api/v1/periods/{id}/template.xlsx",                        [401, 200, 200, 200, 404, 403]),
    ("POST /api/v1/submissions/{id}/import.xlsx",                     [401, 200, 403, 200, 404, 403]),
    ("GET /api/v1/periods/{id}/consolidation.xlsx",                   [401, 200, 200, 403, 403, 403]),
    ("GET /api/v1/periods/{id}/filing.zip",                           [401, 200, 200, 403, 403, 403]),
    // Word.
    ("GET /api/v1/periods/{id}/consolidation.docx",                   [401, 200, 200, 403, 403, 403]),
    // Calendar: reference data.
    ("GET /api/v1/holidays",                                          [401, 200, 200, 200, 200, 200]),
    ("POST /api/v1/holidays",                                         [401, 201, 403, 403, 403, 403]),
    ("GET /api/v1/holidays/{date}",                                   [401, 200, 200, 200, 200, 200]),
    ("DELETE /api/v1/holidays/{date}",                                [401, 204, 403, 403, 403, 403]),
    ("PATCH /api/v1/holidays/{date}",                                 [401, 200, 403, 403, 403, 403]),
    // Audit and the worker's queue: the Office only.
    ("GET /api/v1/audit",                                             [401, 200, 403, 403, 403, 403]),
    ("GET /api/v1/jobs",                                              [401, 200, 403, 403, 403, 403]),
    ("GET /api/v1/jobs/stats",                                        [401, 200, 403, 403, 403, 403]),
    ("GET /api/v1/jobs/{id}",                                         [401, 200, 403, 403, 403, 403]),
    ("POST /api/v1/jobs/{id}/retry",                                  [401, 200, 403, 403, 403, 403]),
    ("GET /api/v1/periods/{id}/escalations",                          [401, 200, 200, 403, 403, 403]),
    // Documents: a reporter sees those linked to its own unit's reports.
    ("GET /api/v1/documents",                                         [401, 200, 200, 200, 200, 403]),
    ("POST /api/v1/documents",                                        [401, 201, 403, 403, 403, 403]),
    ("GET /api/v1/documents/{id}",                                    [401, 200, 200, 200, 404, 403]),
    ("POST /api/v1/documents/{id}/link",                              [401, 200, 403, 403, 403, 403]),
    ("POST /api/v1/documents/{id}/files",                             [401, 201, 403, 403, 403, 403]),
    ("GET /api/v1/documents/{id}/files/{file_id}/content",            [401, 200, 200, 200, 404, 403]),
    // QLVB: integration tokens only.
    ("POST /api/v1/integrations/qlvb/events",                         [401, 403, 403, 403, 403, 201]),
    // Webhooks: the Office only.
    ("GET /api/v1/webhooks",                                          [401, 200, 403, 403, 403, 403]),
    ("POST /api/v1/webhooks",                                         [401, 201, 403, 403, 403, 403]),
    ("GET /api/v1/webhooks/{id}",                                     [401, 200, 403, 403, 403, 403]),
    ("DELETE /api/v1/webhooks/{id}",                                  [401, 204, 403, 403, 403, 403]),
    ("PATCH /api/v1/webhooks/{id}",                                   [401, 200, 403, 403, 403, 403]),
    ("POST /api/v1/webhooks/{id}/rotate-secret",                      [401, 200, 403, 403, 403, 403]),
    ("POST /api/v1/webhooks/{id}/ping",                               [401, 202, 403, 403, 403, 403]),
    ("GET /api/v1/webhooks/{id}/deliveries",                          [401, 200, 403, 403, 403, 403]),
    ("POST /api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver", [401, 202, 403, 403, 403, 403]),
    // Plans: every person reads them; the Office writes them; the board is a view across units.
    ("GET /api/v1/plans",                                             [401, 200, 200, 200, 200, 403]),
    ("POST /api/v1/plans",                                            [401, 201, 403, 403, 403, 403]),
    ("GET /api/v1/plans/{id}",                                        [401, 200, 200, 200, 200, 403]),
    ("PATCH /api/v1/plans/{id}",                                      [401, 200, 403, 403, 403, 403]),
    ("DELETE /api/v1/plans/{id}",                                     [401, 204, 403, 403, 403, 403]),
    ("POST /api/v1/plans/{id}/issue",                                 [401, 200, 403, 403, 403, 403]),
    ("POST /api/v1/plans/{id}/close",                                 [401, 200, 403, 403, 403, 403]),
    ("GET /api/v1/plans/{id}/board",                                  [401, 200, 200, 403, 403, 403]),
    ("GET /api/v1/plans/{id}/appendix.xlsx",                          [401, 200, 200, 403, 403, 403]),
    ("POST /api/v1/plans/{id}/tasks/import.xlsx",                     [401, 200, 403, 403, 403, 403]),
    // Tasks: a reporter reads and reports on its own unit's tasks; another unit's does not
    // exist for it. The Office assigns, changes, extends, confirms and returns.
    ("GET /api/v1/plans/{id}/tasks",                                  [401, 200, 200, 200, 200, 403]),
    ("POST /api/v1/plans/{id}/tasks",                                 [401, 201, 403, 403, 403, 403]),
    ("GET /api/v1/tasks",                                             [401, 200, 200, 200, 200, 403]),
    ("POST /api/v1/tasks",                                            [401, 201, 403, 403, 403, 403]),
    ("GET /api/v1/tasks/{id}",                                        [401, 200, 200, 200, 404, 403]),
    ("GET /api/v1/tasks/{id}/notifications",                          [401, 200, 200, 403, 403, 403]),
    ("PATCH /api/v1/tasks/{id}",                                      [401, 200, 403, 403, 403, 403]),
    ("DELETE /api/v1/tasks/{id}",                                     [401, 204, 403, 403, 403, 403]),
    ("POST /api/v1/tasks/{id}/progress",                              [401, 200, 403, 200, 404, 403]),
    ("POST /api/v1/tasks/{id}/completion",                            [401, 200, 403, 200, 404, 403]),
    ("POST /api/v1/tasks/{id}/confirm",                               [401, 200, 403, 403, 403, 403]),
    ("POST /api/v1/tasks/{id}/return",                                [401, 200, 403, 403, 403, 403]),
    ("POST /api/v1/tasks/{id}/extensions",                            [401, 200, 403, 403, 403, 403]),
    // A task's files: whoever reads the task reads them; its units and the Office add and
    // remove them (a reporter only its own unit's).
    ("POST /api/v1/tasks/{id}/files",                                 [401, 201, 403, 201, 404, 403]),
    ("GET /api/v1/tasks/{id}/files",                                  [401, 200, 200, 200, 404, 403]),
    ("GET /api/v1/tasks/{id}/files/{file_id}",                        [401, 200, 200, 200, 404, 403]),
    ("GET /api/v1/tasks/{id}/files/{file_id}/content",                [401, 200, 200, 200, 404, 403]),
    ("DELETE /api/v1/tasks/{id}/files/{file_id}",                     [401, 204, 403, 204, 404, 403]),
    // PAR Index criteria sets: people read them; the Office writes them.
    ("GET /api/v1/campaigns",                                         [401, 200, 200, 200, 200, 403]),
    ("POST /api/v1/campaigns",                                        [401, 201, 403, 403, 403, 403]),
    ("GET /api/v1/campaigns/{id}",                                    [401, 200, 200, 200, 200, 403]),
    ("POST /api/v1/campaigns/{id}/registrations",                     [401, 200, 403, 200, 422, 403]),
    ("PUT /api/v1/campaigns/{id}/rounds/{round}/points",              [401, 204, 403, 403, 403, 403]),
    ("GET /api/v1/campaigns/{id}/rounds/{round}/leaderboard",         [401, 200, 200, 200, 200, 403]),
    ("GET /api/v1/campaigns/{id}/leaderboard",                        [401, 200, 200, 200, 200, 403]),
    ("GET /api/v1/campaigns/{id}/rounds/{round}/commendations.xlsx",  [401, 200, 200, 403, 403, 403]),
    ("GET /api/v1/campaigns/{id}/commendations.xlsx",                 [401, 200, 200, 403, 403, 403]),
    ("POST /api/v1/campaigns/{id}/rounds/{round}/review",             [401, 200, 403, 403, 403, 403]),
    ("POST /api/v1/campaigns/{id}/rounds/{round}/reopen",             [401, 204, 403, 403, 403, 403]),
    ("GET /api/v1/criteria-sets",                                     [401, 200, 200, 200, 200, 403]),
    ("POST /api/v1/criteria-sets",                                    [401, 201, 403, 403, 403, 403]),
    ("GET /api/v1/criteria-sets/{id}",                                [401, 200, 200, 200, 200, 403]),
    ("PUT /api/v1/criteria-sets/{id}",                                [401, 200, 403, 403, 403, 403]),
    ("DELETE /api/v1/criteria-sets/{id}",                             [401, 204, 403, 403, 403, 403]),
    ("POST /api/v1/criteria-sets/{id}/publish",                       [401, 200, 403, 403, 403, 403]),
    ("GET /api/v1/criteria-sets/{id}/criteria.xlsx",                  [401, 200, 200, 200, 200, 403]),
    ("POST /api/v1/criteria-sets/import.xlsx",                        [401, 201, 403, 403, 403, 403]),
    ("PUT /api/v1/criteria-sets/{id}/criteria.xlsx",                  [401, 200, 403, 403, 403, 403]),
    // Self-assessment rounds: people read (a reporter its unit's parts); the responsible
    // unit scores its part (unit A's here; unit B has none); the Office runs the rest.
    ("GET /api/v1/assessments",                                       [401, 200, 200, 200, 200, 403]),
    ("POST /api/v1/assessments",                                      [401, 201, 403, 403, 403, 403]),
    ("GET /api/v1/assessments/{id}",                                  [401, 200, 200, 200, 200, 403]),
    ("PATCH /api/v1/assessments/{id}/items/{code}",                   [401, 200, 403, 403, 403, 403]),
    ("PUT /api/v1/assessments/{id}/items/{code}/score",               [401, 200, 403, 200, 404, 403]),
    ("POST /api/v1/assessments/{id}/items/{code}/accept",             [401, 200, 403, 403, 403, 403]),
    ("POST /api/v1/assessments/{id}/items/{code}/return",             [401, 200, 403, 403, 403, 403]),
    ("GET /api/v1/assessments/{id}/readiness",                        [401, 200, 200, 403, 403, 403]),
    ("POST /api/v1/assessments/{id}/send",                            [401, 200, 403, 403, 403, 403]),
    ("PUT /api/v1/assessments/{id}/appraisal",                        [401, 200, 403, 403, 403, 403]),
    ("GET /api/v1/assessments/{id}/results",                          [401, 200, 200, 403, 403, 403]),
    ("GET /api/v1/assessments/{id}/self-assessment.xlsx",             [401, 200, 200, 403, 403, 403]),
    ("POST /api/v1/assessments/{id}/items/{code}/task",               [401, 201, 403, 403, 403, 403]),
    ("POST /api/v1/assessments/{id}/files",                           [401, 201, 403, 201, 201, 403]),
    ("GET /api/v1/assessments/{id}/files",                            [401, 200, 200, 200, 200, 403]),
    ("GET /api/v1/assessments/{id}/files/{file_id}",                  [401, 200, 200, 200, 404, 403]),
    ("GET /api/v1/assessments/{id}/files/{file_id}/content",          [401, 200, 200, 200, 404, 403]),
    ("DELETE /api/v1/assessments/{id}/files/{file_id}",               [401, 204, 403, 204, 404, 403]),
];

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const DEADLINE: &str = "2026-12-15T16:30:00+07:00";
const EVENTS: &str = "/api/v1/integrations/qlvb/events";

/// What to send.
enum Body {
    None,
    Json(Value),
    /// `multipart/form-data` with a PDF as `file` and, for a report's files, a purpose.
    Upload(Option<&'static str>),
    /// Raw bytes of a content type.
    Raw(&'static str, Vec<u8>),
    /// A QLVB event signed with the integration's signing secret.
    Event(Value),
}

struct Request {
    method: Method,
    path: String,
    body: Body,
    if_match: bool,
}

fn req(method: Method, path: impl Into<String>, body: Body) -> Request {
    Request {
        method,
        path: path.into(),
        body,
        if_match: false,
    }
}

fn get(path: impl Into<String>) -> Request {
    req(Method::GET, path, Body::None)
}

fn post(path: impl Into<String>, body: Value) -> Request {
    req(Method::POST, path, Body::Json(body))
}

/// One reporting round: an open period with units A and B, each with a complete draft.
struct Round {
    period: i64,
    code: String,
    a: i64,
    b: i64,
}

struct Fixtures {
    app: TestApp,
    viewer: String,
    reporter: String,
    integration: String,
    signing_secret: String,
    unit_a: i64,
    unit_b: i64,
    indicator: i64,
    round: Round,
    draft_period: i64,
    attachment_a: i64,
    attachment_b: i64,
    document_a: i64,
    document_b: i64,
    file_a: i64,
    file_b: i64,
    form_a: Vec<u8>,
    form_b: Vec<u8>,
    spare_token: i64,
    spare_integration: i64,
    holiday: &'static str,
    job: i64,
    webhook: i64,
    delivery: i64,
    plans: Option<plans::PlanFixtures>,
    /// People's access tokens standing in for the admin, viewer and reporter tokens.
    people: Option<people::People>,
    counter: Cell<u32>,
}

fn id(value: &Value) -> i64 {
    value["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("an id in {value:#}"))
}

impl Fixtures {
    async fn new() -> Self {
        Self::with_app(TestApp::spawn().await).await
    }

    async fn with_app(app: TestApp) -> Self {
        app.unit("SCT", "department", None).await;
        let unit_a = id(&app.unit("KHTC", "division", Some("SCT")).await);
        let unit_b = id(&app.unit("QLTM", "division", Some("SCT")).await);
        let indicator = id(&app.indicator("SL-VANBAN", "count").await);
        let viewer = app.token(Role::Viewer, None).await;
        let reporter = app.token(Role::Reporter, Some("KHTC")).await;
        let created = app
            .post(
                "/api/v1/tokens",
                json!({"name": "QLVB", "role": "integration"}),
            )
            .await
            .expect(201);
        let integration = created["secret"].as_str().unwrap().to_owned();
        let signing_secret = created["signing_secret"].as_str().unwrap().to_owned();
        let spare_token = id(&app
            .post(
                "/api/v1/tokens",
                json!({"name": "spare viewer", "role": "viewer"}),
            )
            .await
            .expect(201)["token"]);
        let spare_integration = id(&app
            .post(
                "/api/v1/tokens",
                json!({"name": "spare QLVB", "role": "integration"}),
            )
            .await
            .expect(201)["token"]);
        let mut fx = Fixtures {
            app,
            viewer,
            reporter,
            integration,
            signing_secret,
            unit_a,
            unit_b,
            indicator,
            round: Round {
                period: 0,
                code: String::new(),
                a: 0,
                b: 0,
            },
            draft_period: 0,
            attachment_a: 0,
            attachment_b: 0,
            document_a: 0,
            document_b: 0,
            file_a: 0,
            file_b: 0,
            form_a: Vec::new(),
            form_b: Vec::new(),
            spare_token,
            spare_integration,
            holiday: "2027-01-04",
            job: 0,
            webhook: 0,
            delivery: 0,
            plans: None,
            people: None,
            counter: Cell::new(0),
        };
        fx.round = fx.round().await;
        fx.draft_period = fx.period(false).await.0;
        fx.attachment_a = fx.attachment(fx.round.a).await;
        fx.attachment_b = fx.attachment(fx.round.b).await;
        fx.document_a = fx.document(Some(fx.round.a)).await;
        fx.document_b = fx.document(Some(fx.round.b)).await;
        fx.file_a = fx.document_file(fx.document_a).await;
        fx.file_b = fx.document_file(fx.document_b).await;
        fx.form_a = fx.form("KHTC").await;
        fx.form_b = fx.form("QLTM").await;
        fx.holiday(fx.holiday).await;
        fx.job = fx.failed_job().await;
        fx.webhook = fx.webhook().await;
        fx.delivery = fx.delivery(fx.webhook).await;
        fx.plans = Some(plans::PlanFixtures::new(&fx.app, fx.next()).await);
        fx
    }

    fn next(&self) -> u32 {
        let n = self.counter.get() + 1;
        self.counter.set(n);
        n
    }

    fn token(&self, caller: Caller) -> Option<&str> {
        if let Some(people) = &self.people {
            if let Some(token) = people.token(caller) {
                return Some(token);
            }
        }
        match caller {
            Caller::Anonymous => None,
            Caller::Admin => Some(&self.app.admin),
            Caller::Viewer => Some(&self.viewer),
            Caller::ReporterOwn | Caller::ReporterOther => Some(&self.reporter),
            Caller::Integration => Some(&self.integration),
        }
    }

    /// An ad-hoc period with units A and B, opened if asked; returns (id, code).
    async fn period(&self, open: bool) -> (i64, String) {
        let code = format!("AUTHZ-{}", self.next());
        let period = id(&self
            .app
            .post(
                "/api/v1/periods",
                json!({
                    "code": code,
                    "title": "Báo cáo đột xuất về cải cách hành chính",
                    "report_type": "ad_hoc",
                    "frequency": "ad_hoc",
                    "data_from": "2026-10-01",
                    "data_to": "2026-10-31",
                    "deadline": DEADLINE,
                    "indicator_codes": ["SL-VANBAN"],
                    "unit_codes": ["KHTC", "QLTM"],
                }),
            )
            .await
            .expect(201));
        if open {
            self.app
                .post(&format!("/api/v1/periods/{period}/open"), json!({}))
                .await
                .expect(200);
        }
        (period, code)
    }

    /// A complete draft of `unit` in `period` (made by the Office).
    async fn draft(&self, period: i64, unit: &str) -> i64 {
        let draft = id(&self
            .app
            .post(
                &format!("/api/v1/periods/{period}/submissions"),
                json!({"unit_code": unit}),
            )
            .await
            .expect(201));
        let answer = TestApp::send(
            self.app
                .client
                .patch(format!("{}/api/v1/submissions/{draft}", self.app.base_url))
                .bearer_auth(&self.app.admin)
                .header("if-match", "*")
                .json(&json!({"values": {"SL-VANBAN": {"number": 12}}})),
        )
        .await;
        answer.expect(200);
        draft
    }

    async fn round(&self) -> Round {
        let (period, code) = self.period(true).await;
        Round {
            period,
            code,
            a: self.draft(period, "KHTC").await,
            b: self.draft(period, "QLTM").await,
        }
    }

    /// A round whose two reports are submitted.
    async fn submitted_round(&self) -> Round {
        let round = self.round().await;
        for id in [round.a, round.b] {
            self.app
                .post(&format!("/api/v1/submissions/{id}/submit"), json!({}))
                .await
                .expect(200);
        }
        round
    }

    async fn upload(&self, token: &str, path: &str, purpose: Option<&str>) -> Answer {
        let mut form = Form::new().part(
            "file",
            Part::bytes(pdf())
                .file_name("bao-cao.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        );
        if let Some(purpose) = purpose {
            form = form.text("purpose", purpose.to_owned());
        }
        TestApp::send(
            self.app
                .client
                .post(format!("{}{path}", self.app.base_url))
                .bearer_auth(token)
                .multipart(form),
        )
        .await
    }

    async fn attachment(&self, submission: i64) -> i64 {
        id(&self
            .upload(
                &self.app.admin,
                &format!("/api/v1/submissions/{submission}/attachments"),
                Some("evidence"),
            )
            .await
            .expect(201))
    }

    /// A registered document, linked to a report if given.
    async fn document(&self, submission: Option<i64>) -> i64 {
        let document = id(&self
            .app
            .post(
                "/api/v1/documents",
                json!({
                    "number": format!("{}/BC-SCT", self.next()),
                    "issued_on": "2026-11-10",
                    "issuing_agency": "Sở Công Thương",
                    "subject": "Báo cáo kết quả công tác cải cách hành chính",
                    "direction": "outgoing",
                }),
            )
            .await
            .expect(201));
        if let Some(submission) = submission {
            self.app
                .post(
                    &format!("/api/v1/documents/{document}/link"),
                    json!({"submission_id": submission, "role": "unit_report"}),
                )
                .await
                .expect(200);
        }
        document
    }

    async fn document_file(&self, document: i64) -> i64 {
        let created = self
            .upload(
                &self.app.admin,
                &format!("/api/v1/documents/{document}/files"),
                None,
            )
            .await
            .expect(201);
        created["id"]
            .as_i64()
            .or_else(|| created["files"].as_array()?.last()?["id"].as_i64())
            .unwrap_or_else(|| panic!("a file id in {created:#}"))
    }

    /// The statistics form of `unit` for the main round.
    async fn form(&self, unit: &str) -> Vec<u8> {
        let response = self
            .app
            .client
            .get(format!(
                "{}/api/v1/periods/{}/template.xlsx?unit={unit}",
                self.app.base_url, self.round.period
            ))
            .bearer_auth(&self.app.admin)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "a form for {unit}");
        response.bytes().await.unwrap().to_vec()
    }

    async fn holiday(&self, date: &str) {
        self.app
            .post(
                "/api/v1/holidays",
                json!({"date": date, "kind": "day_off", "name": "Nghỉ bù"}),
            )
            .await
            .expect(201);
    }

    /// A fresh weekday in March 2027 onwards (no holiday falls there).
    fn holiday_date(&self) -> String {
        let n = i64::from(self.next());
        let monday = chrono::NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
        (monday + chrono::Duration::days(n / 5 * 7 + n % 5)).to_string()
    }

    /// A job that failed for good.
    async fn failed_job(&self) -> i64 {
        let mut conn = self.app.state.pool.get().await.unwrap();
        let now = Utc::now();
        let job = cchc_app::repo::jobs::enqueue(
            &mut conn,
            &cchc_app::repo::jobs::NewJob {
                kind: "reminder",
                payload: json!({"note": "authz"}),
                dedup_key: Some(format!("authz-{}", self.next())),
                run_at: now,
            },
            now,
        )
        .await
        .unwrap()
        .expect("a new job");
        diesel::sql_query(
            "UPDATE jobs SET status = 'failed', attempts = 1, last_error = '550 mailbox unavailable' WHERE id = $1",
        )
        .bind::<diesel::sql_types::BigInt, _>(job)
        .execute(&mut *conn)
        .await
        .unwrap();
        job
    }

    async fn webhook(&self) -> i64 {
        id(&self
            .app
            .post(
                "/api/v1/webhooks",
                json!({"url": "https://qlvb.example.vn/hooks/cchc", "event_types": ["period.opened"]}),
            )
            .await
            .expect(201)["webhook"])
    }

    /// A logged delivery of a ping to `webhook`.
    async fn delivery(&self, webhook: i64) -> i64 {
        let job = self
            .app
            .post(&format!("/api/v1/webhooks/{webhook}/ping"), json!({}))
            .await
            .expect(202);
        let event = job["payload"]["event_id"].as_str().unwrap().to_owned();
        #[derive(diesel::QueryableByName)]
        struct Id {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            id: i64,
        }
        let mut conn = self.app.state.pool.get().await.unwrap();
        diesel::sql_query(
            "INSERT INTO webhook_deliveries (subscription_id, event_id, attempt, redelivery, url, requested_at, duration_ms, response_status, succeeded) \
             VALUES ($1, $2, 1, false, 'https://qlvb.example.vn/hooks/cchc', now(), 12, 500, false) RETURNING id",
        )
        .bind::<diesel::sql_types::BigInt, _>(webhook)
        .bind::<diesel::sql_types::Text, _>(event)
        .get_result::<Id>(&mut *conn)
        .await
        .unwrap()
        .id
    }

    /// A `document.received` event for unit A's report in the main round.
    fn event(&self) -> Value {
        let n = self.next();
        json!({
            "id": format!("evt-authz-{n}"),
            "type": "document.received",
            "occurred_at": "2026-11-20T08:15:00+07:00",
            "data": {"document": {
                "number": format!("{n}/BC-KHTC"),
                "issued_on": "2026-11-19",
                "issuing_agency": "Phòng Kế hoạch - Tài chính",
                "subject": "Báo cáo kết quả công tác cải cách hành chính",
                "sender": {"unit_code": "KHTC"},
                "period_code": self.round.code,
            }},
        })
    }

    /// The request `caller` sends for `operation`, with fresh fixtures where the operation
    /// changes state for good.
    async fn request(&self, operation: &str, caller: Caller) -> Request {
        let other = caller.other();
        let unit = if other { self.unit_b } else { self.unit_a };
        let submission = if other { self.round.b } else { self.round.a };
        let attachment = if other {
            self.attachment_b
        } else {
            self.attachment_a
        };
        let (document, file) = if other {
            (self.document_b, self.file_b)
        } else {
            (self.document_a, self.file_a)
        };
        let unit_code = if other { "QLTM" } else { "KHTC" };
        let period = self.round.period;
        let n = self.next();
        match operation {
            "GET /" => get("/"),
            "GET /api/v1" => get("/api/v1"),
            "GET /healthz" => get("/healthz"),
            "GET /readyz" => get("/readyz"),
            "GET /l/report/{token}" => get("/l/report/report.1.2.4000000000.AAAA"),
            "GET /l/form/{token}" => get("/l/form/form.1.2.4000000000.AAAA"),
            "GET /l/board/{token}" => get("/l/board/board.1.4000000000.AAAA"),
            "GET /l/periods/{token}" => get("/l/periods/periods.4000000000.AAAA"),
            "GET /l/task/{token}" => get("/l/task/task.1.4000000000.AAAA"),
            "GET /l/plan/{token}" => get("/l/plan/plan.1.4000000000.AAAA"),
            "GET /l/overdue-tasks/{token}" => get("/l/overdue-tasks/overdue-tasks.4000000000.AAAA"),
            "GET /l/assessment/{token}" => get("/l/assessment/assessment.1.2.4000000000.AAAA"),
            "GET /l/campaign/{token}" => get("/l/campaign/campaign.1.1.4000000000.AAAA"),
            "GET /api/v1/me" => get("/api/v1/me"),
            "GET /api/v1/units" => get("/api/v1/units"),
            "POST /api/v1/units" => post(
                "/api/v1/units",
                json!({"code": format!("DV{n}"), "name": format!("Đơn vị {n}"), "kind": "division", "parent_code": "SCT"}),
            ),
            "GET /api/v1/units/{id}" => get(format!("/api/v1/units/{unit}")),
            "PATCH /api/v1/units/{id}" => req(
                Method::PATCH,
                format!("/api/v1/units/{unit}"),
                Body::Json(json!({"name": format!("Đơn vị {unit_code} ({n})")})),
            ),
            "GET /api/v1/tokens" => get("/api/v1/tokens"),
            "POST /api/v1/tokens" => post(
                "/api/v1/tokens",
                json!({"name": format!("viewer {n}"), "role": "viewer"}),
            ),
            "GET /api/v1/tokens/{id}" => get(format!("/api/v1/tokens/{}", self.spare_token)),
            "DELETE /api/v1/tokens/{id}" => {
                let token = id(&self
                    .app
                    .post(
                        "/api/v1/tokens",
                        json!({"name": format!("to revoke {n}"), "role": "viewer"}),
                    )
                    .await
                    .expect(201)["token"]);
                req(
                    Method::DELETE,
                    format!("/api/v1/tokens/{token}"),
                    Body::None,
                )
            }
            "POST /api/v1/tokens/{id}/signing-secret" => post(
                format!("/api/v1/tokens/{}/signing-secret", self.spare_integration),
                json!({}),
            ),
            "GET /api/v1/indicators" => get("/api/v1/indicators"),
            "POST /api/v1/indicators" => post(
                "/api/v1/indicators",
                json!({"code": format!("SL-{n}"), "name": format!("Chỉ tiêu {n}"), "content_area": "administrative_procedure_reform", "kind": "count"}),
            ),
            "GET /api/v1/indicators/{id}" => get(format!("/api/v1/indicators/{}", self.indicator)),
            "PATCH /api/v1/indicators/{id}" => req(
                Method::PATCH,
                format!("/api/v1/indicators/{}", self.indicator),
                Body::Json(json!({"name": format!("Số văn bản ({n})")})),
            ),
            "GET /api/v1/indicators/{id}/versions" => {
                get(format!("/api/v1/indicators/{}/versions", self.indicator))
            }
            "GET /api/v1/periods" => get("/api/v1/periods"),
            "POST /api/v1/periods" => post(
                "/api/v1/periods",
                json!({
                    "code": format!("NEW-{n}"),
                    "title": "Báo cáo đột xuất",
                    "report_type": "ad_hoc",
                    "frequency": "ad_hoc",
                    "data_from": "2026-10-01",
                    "data_to": "2026-10-31",
                    "deadline": DEADLINE,
                }),
            ),
            "GET /api/v1/periods/{id}" => get(format!("/api/v1/periods/{period}")),
            "DELETE /api/v1/periods/{id}" => {
                let (draft, _) = self.period(false).await;
                req(
                    Method::DELETE,
                    format!("/api/v1/periods/{draft}"),
                    Body::None,
                )
            }
            "PATCH /api/v1/periods/{id}" => req(
                Method::PATCH,
                format!("/api/v1/periods/{}", self.draft_period),
                Body::Json(json!({"title": format!("Báo cáo đột xuất ({n})")})),
            ),
            "POST /api/v1/periods/{id}/open" => {
                let (draft, _) = self.period(false).await;
                post(format!("/api/v1/periods/{draft}/open"), json!({}))
            }
            "POST /api/v1/periods/{id}/close" => {
                let (open, _) = self.period(true).await;
                post(format!("/api/v1/periods/{open}/close"), json!({}))
            }
            "GET /api/v1/periods/{id}/submissions" => {
                get(format!("/api/v1/periods/{period}/submissions"))
            }
            "POST /api/v1/periods/{id}/submissions" => {
                let (open, _) = self.period(true).await;
                let body = match caller {
                    Caller::Admin | Caller::ReporterOther => json!({"unit_code": unit_code}),
                    _ => json!({}),
                };
                post(format!("/api/v1/periods/{open}/submissions"), body)
            }
            "GET /api/v1/submissions/{id}" => get(format!("/api/v1/submissions/{submission}")),
            "PATCH /api/v1/submissions/{id}" => Request {
                if_match: true,
                ..req(
                    Method::PATCH,
                    format!("/api/v1/submissions/{submission}"),
                    Body::Json(json!({"narrative": format!("Đã thực hiện ({n})")})),
                )
            },
            "POST /api/v1/submissions/{id}/submit" => {
                let round = self.round().await;
                let target = if other { round.b } else { round.a };
                post(format!("/api/v1/submissions/{target}/submit"), json!({}))
            }
            "POST /api/v1/submissions/{id}/return" => {
                let round = self.submitted_round().await;
                let target = if other { round.b } else { round.a };
                post(
                    format!("/api/v1/submissions/{target}/return"),
                    json!({"reason": "Bổ sung số liệu"}),
                )
            }
            "POST /api/v1/submissions/{id}/accept" => {
                let round = self.submitted_round().await;
                let target = if other { round.b } else { round.a };
                post(format!("/api/v1/submissions/{target}/accept"), json!({}))
            }
            "GET /api/v1/submissions/{id}/versions" => {
                get(format!("/api/v1/submissions/{submission}/versions"))
            }
            "GET /api/v1/periods/{id}/extensions" => {
                get(format!("/api/v1/periods/{period}/extensions"))
            }
            "POST /api/v1/periods/{id}/extensions" => post(
                format!("/api/v1/periods/{period}/extensions"),
                json!({"unit_code": unit_code, "deadline": "2026-12-22T16:30:00+07:00", "reason": "Đơn vị xin gia hạn"}),
            ),
            "GET /api/v1/periods/{id}/compliance" => {
                get(format!("/api/v1/periods/{period}/compliance"))
            }
            "GET /api/v1/periods/{id}/notifications" => {
                get(format!("/api/v1/periods/{period}/notifications"))
            }
            "GET /api/v1/periods/{id}/consolidation" => {
                get(format!("/api/v1/periods/{period}/consolidation"))
            }
            "GET /api/v1/submissions/{id}/tasks" => {
                get(format!("/api/v1/submissions/{submission}/tasks"))
            }
            "GET /api/v1/periods/{id}/tasks" => get(format!("/api/v1/periods/{period}/tasks")),
            "GET /api/v1/submissions/{id}/attachments" => {
                get(format!("/api/v1/submissions/{submission}/attachments"))
            }
            "POST /api/v1/submissions/{id}/attachments" => req(
                Method::POST,
                format!("/api/v1/submissions/{submission}/attachments"),
                Body::Upload(Some("evidence")),
            ),
            "GET /api/v1/attachments/{id}" => get(format!("/api/v1/attachments/{attachment}")),
            "DELETE /api/v1/attachments/{id}" => {
                let fresh = self.attachment(submission).await;
                req(
                    Method::DELETE,
                    format!("/api/v1/attachments/{fresh}"),
                    Body::None,
                )
            }
            "GET /api/v1/attachments/{id}/content" => {
                get(format!("/api/v1/attachments/{attachment}/content"))
            }
            "GET /api/v1/periods/{id}/template.xlsx" => get(format!(
                "/api/v1/periods/{period}/template.xlsx?unit={unit_code}"
            )),
            "POST /api/v1/submissions/{id}/import.xlsx" => {
                let form = if other { &self.form_b } else { &self.form_a };
                Request {
                    if_match: true,
                    ..req(
                        Method::POST,
                        format!("/api/v1/submissions/{submission}/import.xlsx"),
                        Body::Raw(XLSX, form.clone()),
                    )
                }
            }
            "GET /api/v1/periods/{id}/consolidation.xlsx" => {
                get(format!("/api/v1/periods/{period}/consolidation.xlsx"))
            }
            "GET /api/v1/periods/{id}/filing.zip" => {
                get(format!("/api/v1/periods/{period}/filing.zip"))
            }
            "GET /api/v1/periods/{id}/consolidation.docx" => {
                get(format!("/api/v1/periods/{period}/consolidation.docx"))
            }
            "GET /api/v1/holidays" => get("/api/v1/holidays"),
            "POST /api/v1/holidays" => post(
                "/api/v1/holidays",
                json!({"date": self.holiday_date(), "kind": "day_off", "name": "Nghỉ bù"}),
            ),
            "GET /api/v1/holidays/{date}" => get(format!("/api/v1/holidays/{}", self.holiday)),
            "DELETE /api/v1/holidays/{date}" => {
                let date = self.holiday_date();
                self.holiday(&date).await;
                req(
                    Method::DELETE,
                    format!("/api/v1/holidays/{date}"),
                    Body::None,
                )
            }
            "PATCH /api/v1/holidays/{date}" => req(
                Method::PATCH,
                format!("/api/v1/holidays/{}", self.holiday),
                Body::Json(json!({"name": format!("Nghỉ bù ({n})")})),
            ),
            "GET /api/v1/audit" => get("/api/v1/audit"),
            "GET /api/v1/jobs" => get("/api/v1/jobs"),
            "GET /api/v1/jobs/stats" => get("/api/v1/jobs/stats"),
            "GET /api/v1/jobs/{id}" => get(format!("/api/v1/jobs/{}", self.job)),
            "POST /api/v1/jobs/{id}/retry" => {
                let job = self.failed_job().await;
                post(format!("/api/v1/jobs/{job}/retry"), json!({}))
            }
            "GET /api/v1/periods/{id}/escalations" => {
                get(format!("/api/v1/periods/{period}/escalations"))
            }
            "GET /api/v1/documents" => get("/api/v1/documents"),
            "POST /api/v1/documents" => post(
                "/api/v1/documents",
                json!({
                    "number": format!("{n}/SCT-VP"),
                    "issued_on": "2026-11-12",
                    "issuing_agency": "Sở Công Thương",
                    "subject": "V/v báo cáo cải cách hành chính",
                    "direction": "outgoing",
                }),
            ),
            "GET /api/v1/documents/{id}" => get(format!("/api/v1/documents/{document}")),
            "POST /api/v1/documents/{id}/link" => {
                let fresh = self.document(None).await;
                post(
                    format!("/api/v1/documents/{fresh}/link"),
                    json!({"submission_id": submission, "role": "unit_report"}),
                )
            }
            "POST /api/v1/documents/{id}/files" => req(
                Method::POST,
                format!("/api/v1/documents/{document}/files"),
                Body::Upload(None),
            ),
            "GET /api/v1/documents/{id}/files/{file_id}/content" => {
                get(format!("/api/v1/documents/{document}/files/{file}/content"))
            }
            "POST /api/v1/integrations/qlvb/events" => {
                req(Method::POST, EVENTS, Body::Event(self.event()))
            }
            "GET /api/v1/webhooks" => get("/api/v1/webhooks"),
            "POST /api/v1/webhooks" => post(
                "/api/v1/webhooks",
                json!({"url": format!("https://qlvb.example.vn/hooks/{n}"), "event_types": ["period.opened"]}),
            ),
            "GET /api/v1/webhooks/{id}" => get(format!("/api/v1/webhooks/{}", self.webhook)),
            "DELETE /api/v1/webhooks/{id}" => {
                let fresh = self.webhook().await;
                req(
                    Method::DELETE,
                    format!("/api/v1/webhooks/{fresh}"),
                    Body::None,
                )
            }
            "PATCH /api/v1/webhooks/{id}" => req(
                Method::PATCH,
                format!("/api/v1/webhooks/{}", self.webhook),
                Body::Json(json!({"description": format!("QLVB của Sở ({n})")})),
            ),
            "POST /api/v1/webhooks/{id}/rotate-secret" => post(
                format!("/api/v1/webhooks/{}/rotate-secret", self.webhook),
                json!({}),
            ),
            "POST /api/v1/webhooks/{id}/ping" => {
                post(format!("/api/v1/webhooks/{}/ping", self.webhook), json!({}))
            }
            "GET /api/v1/webhooks/{id}/deliveries" => {
                get(format!("/api/v1/webhooks/{}/deliveries", self.webhook))
            }
            "POST /api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver" => post(
                format!(
                    "/api/v1/webhooks/{}/deliveries/{}/redeliver",
                    self.webhook, self.delivery
                ),
                json!({}),
            ),
            plan_or_task
                if plan_or_task.contains("/api/v1/plans")
                    || plan_or_task.contains("/api/v1/tasks")
                    || plan_or_task.contains("/api/v1/criteria-sets")
                    || plan_or_task.contains("/api/v1/assessments")
                    || plan_or_task.contains("/api/v1/campaigns") =>
            {
                let plans = self.plans.as_ref().expect("the plan fixtures");
                plans.request(&self.app, plan_or_task, other, n).await
            }
            other => panic!("no request is prepared for {other}; add one to `request`"),
        }
    }

    async fn send(&self, request: Request, caller: Caller) -> Answer {
        let url = format!("{}{}", self.app.base_url, request.path);
        let token = self.token(caller);
        let mut builder = match request.body {
            Body::Event(body) => FakeQlvb::signed_event(
                &self.app.client,
                &url,
                token.unwrap_or_default(),
                &self.signing_secret,
                self.app.state.clock.now().timestamp(),
                &body,
            ),
            body => {
                let mut builder = self.app.client.request(request.method, &url);
                if let Some(token) = token {
                    builder = builder.bearer_auth(token);
                }
                match body {
                    Body::None | Body::Event(_) => builder,
                    Body::Json(json) => builder.json(&json),
                    Body::Raw(content_type, bytes) => {
                        builder.header("content-type", content_type).body(bytes)
                    }
                    Body::Upload(purpose) => {
                        let mut form = Form::new().part(
                            "file",
                            Part::bytes(pdf())
                                .file_name("bao-cao.pdf")
                                .mime_str("application/pdf")
                                .unwrap(),
                        );
                        if let Some(purpose) = purpose {
                            form = form.text("purpose", purpose);
                        }
                        builder.multipart(form)
                    }
                }
            }
        };
        if request.if_match {
            builder = builder.header("if-match", "*");
        }
        TestApp::send(builder).await
    }
}

/// `METHOD /path` of every operation of the OpenAPI document.
fn documented_operations() -> Vec<String> {
    let spec = serde_json::to_value(cchc_api::app::openapi()).expect("the document as JSON");
    let mut operations = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for method in [
            "get", "put", "post", "patch", "delete", "head", "options", "trace",
        ] {
            if item.get(method).is_some() {
                operations.push(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    operations
}

#[actix_web::test]
async fn the_table_has_one_row_per_documented_operation() {
    let documented = documented_operations();
    let rows: Vec<&str> = TABLE.iter().map(|(operation, _)| *operation).collect();
    let missing: Vec<&String> = documented
        .iter()
        .filter(|op| !rows.contains(&op.as_str()))
        .collect();
    let stale: Vec<&&str> = rows
        .iter()
        .filter(|row| !documented.iter().any(|op| op == *row))
        .collect();
    let mut duplicates: Vec<&str> = rows
        .iter()
        .enumerate()
        .filter(|(i, row)| rows[..*i].contains(row))
        .map(|(_, row)| *row)
        .collect();
    duplicates.dedup();
    assert!(
        missing.is_empty() && stale.is_empty() && duplicates.is_empty(),
        "the authorization table is out of step with the OpenAPI document:\n  \
         documented but without a row: {missing:?}\n  \
         rows for operations that no longer exist: {stale:?}\n  \
         rows given twice: {duplicates:?}"
    );
    assert_eq!(rows.len(), documented.len());
}

/// What sending every documented operation as some callers gave.
struct Outcome {
    operations: usize,
    checked: usize,
    mismatches: Vec<String>,
    /// Headers answered that the document does not list for their status.
    undocumented: Vec<String>,
}

/// Sends every documented operation as each of `callers` (in that order), against the column
/// of the table `expected_as` says the caller's answers must match.
async fn check_operations(
    fx: &Fixtures,
    callers: &[Caller],
    expected_as: impl Fn(Caller) -> Caller,
    label: impl Fn(Caller) -> String,
) -> Outcome {
    let documented = documented_operations();
    let spec = serde_json::to_value(cchc_api::app::openapi()).expect("the document as JSON");
    let mut mismatches = Vec::new();
    let mut undocumented = Vec::new();
    let mut checked = 0;
    for operation in &documented {
        let Some((_, expected)) = TABLE.iter().find(|(row, _)| row == operation) else {
            mismatches.push(format!("{operation}: no row in the table"));
            continue;
        };
        for &caller in callers {
            let request = fx.request(operation, caller).await;
            let answer = fx.send(request, caller).await;
            let want = expected[expected_as(caller).column()];
            let got = answer.status.as_u16();
            checked += 1;
            undocumented.extend(crate::openapi::undocumented_headers(
                &spec,
                operation,
                got,
                &answer.headers,
            ));
            if got != want {
                let detail = answer.body["code"]
                    .as_str()
                    .map(|code| format!(" ({code}: {})", answer.body["detail"]))
                    .unwrap_or_default();
                mismatches.push(format!(
                    "{operation} as {}: expected {want}, got {got}{detail}",
                    label(caller)
                ));
            }
        }
    }
    undocumented.sort();
    undocumented.dedup();
    Outcome {
        operations: documented.len(),
        checked,
        mismatches,
        undocumented,
    }
}

impl Outcome {
    fn assert_as_the_table_says(&self, callers: usize) {
        assert_eq!(self.checked, self.operations * callers);
        assert!(
            self.mismatches.is_empty(),
            "{} of {} checks ({} operations × {callers} callers) differ from the table:\n{}",
            self.mismatches.len(),
            self.checked,
            self.operations,
            self.mismatches.join("\n")
        );
        assert!(
            self.undocumented.is_empty(),
            "answers sent headers the document does not list for their status:\n{}",
            self.undocumented.join("\n")
        );
    }
}

#[actix_web::test]
async fn every_operation_answers_every_caller_as_the_table_says() {
    let fx = Fixtures::new().await;
    let outcome = check_operations(
        &fx,
        &ORDER,
        |caller| caller,
        |caller| caller.name().to_owned(),
    )
    .await;
    outcome.assert_as_the_table_says(COLUMNS.len());
}
