//! The registry of official documents through the HTTP API: numbers per Decree 30/2020/NĐ-CP,
//! unique per issuer and year, files, links by hand, who sees what, units' QLVB codes and the
//! integrations' signing secrets.
//!
//! Fixture: units QLCN and KHTC of the department SCT take part in the open period 2026-Q4.

use cchc_domain::model::token::Role;
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};

use crate::common::{errors, pairs, pdf, Answer, TestApp};

/// Units SCT → QLCN, KHTC; the open period 2026-Q4 with QLCN and KHTC. Returns the period id.
pub async fn period_scene(app: &TestApp) -> i64 {
    app.unit("SCT", "department", None).await;
    app.unit("QLCN", "division", Some("SCT")).await;
    app.unit("KHTC", "division", Some("SCT")).await;
    app.unit("QLTM", "division", Some("SCT")).await;
    app.indicator("SL-VANBAN", "count").await;
    let period = app
        .post(
            "/api/v1/periods",
            json!({
                "code": "2026-Q4",
                "title": "Báo cáo kết quả công tác cải cách hành chính Quý IV năm 2026",
                "report_type": "periodic",
                "frequency": "quarterly",
                "year": 2026,
                "sequence": 4,
                "deadline": "2026-12-15T16:30:00+07:00",
                "indicator_codes": ["SL-VANBAN"],
                "unit_codes": ["QLCN", "KHTC"],
            }),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    app.post(&format!("/api/v1/periods/{period}/open"), json!({}))
        .await
        .expect(200);
    period
}

fn document(number: &str, issued_on: &str) -> Value {
    json!({
        "number": number,
        "issued_on": issued_on,
        "issuing_agency": "Sở Công Thương",
        "subject": "V/v báo cáo kết quả công tác cải cách hành chính Quý IV năm 2026",
        "signer": "Lê Thu Hải",
        "direction": "outgoing",
    })
}

pub(crate) async fn register(app: &TestApp, number: &str, issued_on: &str) -> Value {
    app.post("/api/v1/documents", document(number, issued_on))
        .await
        .expect(201)
}

pub(crate) async fn upload(
    app: &TestApp,
    token: &str,
    id: i64,
    filename: &str,
    bytes: Vec<u8>,
) -> Answer {
    let part = Part::bytes(bytes)
        .file_name(filename.to_owned())
        .mime_str("application/octet-stream")
        .unwrap();
    TestApp::send(
        app.client
            .post(format!("{}/api/v1/documents/{id}/files", app.base_url))
            .bearer_auth(token)
            .multipart(Form::new().part("file", part)),
    )
    .await
}

#[actix_web::test]
async fn a_document_is_registered_with_its_number_read_per_decree_30() {
    let app = TestApp::spawn().await;
    let created = app
        .post(
            "/api/v1/documents",
            document(" Số: 3394 / SCT - VP ", "2026-11-02"),
        )
        .await;
    let location = created.headers["location"].to_str().unwrap().to_owned();
    let letter = created.expect(201);
    assert_eq!(letter["number"], "3394/SCT-VP");
    assert_eq!(letter["number_value"], 3394);
    assert_eq!(letter["document_type"], Value::Null);
    assert_eq!(letter["type_name"], "Công văn");
    assert_eq!(letter["issuer"], "SCT");
    assert_eq!(letter["drafter"], "VP");
    assert_eq!(letter["issue_year"], 2026);
    assert_eq!(letter["direction"], "outgoing");
    assert_eq!(letter["source"], "manual");
    assert_eq!(letter["status"], "registered");
    assert_eq!(letter["files"], json!([]));
    assert_eq!(location, format!("/api/v1/documents/{}", letter["id"]));
    let read = app.get(&location).await.expect(200);
    assert_eq!(read["subject"], letter["subject"]);

    let decree = register(&app, "09/2019/NĐ-CP", "2019-01-30").await;
    assert_eq!(decree["type_name"], "Nghị định");
    assert_eq!(decree["symbol_year"], 2019);

    // Every problem at once, the number with the parser's reason.
    let mut bad = document("3394", "2026-11-02");
    bad["subject"] = json!(" ");
    let problem = app
        .post("/api/v1/documents", bad)
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[
            ("subject", "required"),
            ("number", "invalid_document_number")
        ])
    );
    assert!(problem["errors"][1]["message"]
        .as_str()
        .unwrap()
        .contains("expected number/symbol"));
    let problem = app
        .post("/api/v1/documents", document("383/kh-SCT", "2026-11-02"))
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[("number", "invalid_document_number")])
    );
}

/// Decree 30/2020/NĐ-CP, Art. 15: the number and symbol is unique within an issuing agency's
/// year; each type of legal document has its own series.
#[actix_web::test]
async fn a_number_and_symbol_is_unique_within_the_agencys_year() {
    let app = TestApp::spawn().await;
    let first = register(&app, "383/KH-SCT", "2026-01-10").await;
    // The same number and symbol of the same agency in the same year, even written
    // differently (a leading "Số", an en dash, the agency in capitals).
    let mut again = document("Số 383/KH\u{2013}SCT", "2026-06-01");
    again["issuing_agency"] = json!("SỞ CÔNG  THƯƠNG");
    let problem = app
        .post("/api/v1/documents", again)
        .await
        .problem(409, "duplicate_document_number");
    assert_eq!(
        errors(&problem),
        pairs(&[("number", "duplicate_document_number")])
    );
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains(&format!("document {}", first["id"])));
    // Another type with the same number is another document (19/KH-SCT, 19/QĐ-SCT).
    register(&app, "383/QĐ-SCT", "2026-06-01").await;
    // Numbers restart each year, and each issuer has its own.
    register(&app, "383/KH-SCT", "2025-01-10").await;
    register(&app, "383/KH-SNV", "2026-01-10").await;
    // A district's 12/QĐ-UBND and the province's 12/CT-UBND; a circular and a joint one.
    let mut district = document("12/QĐ-UBND", "2026-02-01");
    district["issuing_agency"] = json!("Ủy ban nhân dân huyện Mường Ảng");
    app.post("/api/v1/documents", district).await.expect(201);
    let mut province = document("12/CT-UBND", "2026-02-01");
    province["issuing_agency"] = json!("Ủy ban nhân dân tỉnh Điện Biên");
    app.post("/api/v1/documents", province).await.expect(201);
    let mut joint = document("02/2019/TTLT-BNV-BTC", "2019-03-01");
    joint["issuing_agency"] = json!("Bộ Nội vụ – Bộ Tài chính");
    let joint = app.post("/api/v1/documents", joint).await.expect(201);
    assert_eq!(joint["issuer"], "BNV");
    assert_eq!(joint["co_issuers"], json!(["BTC"]));
    assert_eq!(joint["type_name"], "Thông tư liên tịch");
    let mut circular = document("02/2019/TT-BNV", "2019-03-01");
    circular["issuing_agency"] = json!("Bộ Nội vụ");
    app.post("/api/v1/documents", circular).await.expect(201);
    let all = app.get("/api/v1/documents").await.expect(200);
    assert_eq!(all["total"], 8);
}

/// References as the source documents write them: Party resolutions, laws, a number with a
/// letter; a symbol year unlike the date and an ambiguous symbol are registered with warnings.
#[actix_web::test]
async fn references_as_written_are_registered_with_what_to_check() {
    let app = TestApp::spawn().await;
    let party = register(&app, "39-NQ/TW", "2019-10-15").await;
    assert_eq!(party["number"], "39-NQ/TW");
    assert_eq!(party["type_name"], "Nghị quyết");
    assert_eq!(party["issuer"], "TW");
    let law = register(&app, "45/2019/QH14", "2019-11-20").await;
    assert_eq!(law["number"], "45/2019/QH14");
    assert_eq!(law["warnings"], json!([]));
    let programme = register(&app, "30c/NQ-CP", "2011-11-08").await;
    assert_eq!(programme["number"], "30c/NQ-CP");
    assert_eq!(programme["number_value"], 30);
    let legacy = register(&app, "337/Q\u{00D0}-UBND", "2022-03-01").await;
    assert_eq!(legacy["number"], "337/QĐ-UBND");
    assert_eq!(legacy["document_type"], "QĐ");
    // Seed 002: "Nghị định số 107/2001/NĐ-CP ngày 06/12/2021".
    let decree = register(&app, "107/2001/NĐ-CP", "2021-12-06").await;
    assert_eq!(decree["warnings"][0]["code"], "symbol_year_differs");
    let tax = register(&app, "81134/CT-TTHT", "2019-12-02").await;
    assert_eq!(tax["warnings"][0]["code"], "ambiguous_symbol");
    assert!(tax["warnings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("Cục Thuế"));
}

#[actix_web::test]
async fn files_are_checked_by_content_and_downloaded_as_stored() {
    let app = TestApp::spawn().await;
    let id = register(&app, "3394/SCT-VP", "2026-11-02").await["id"]
        .as_i64()
        .unwrap();
    let file = upload(&app, &app.admin, id, "3394-SCT-VP.pdf", pdf())
        .await
        .expect(201);
    assert_eq!(file["content_type"], "application/pdf");
    assert_eq!(file["filename"], "3394-SCT-VP.pdf");
    let response = app
        .client
        .get(format!(
            "{}{}",
            app.base_url,
            file["download_url"].as_str().unwrap()
        ))
        .bearer_auth(&app.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.bytes().await.unwrap().to_vec(), pdf());
    let problem = upload(&app, &app.admin, id, "note.txt", b"plain text".to_vec())
        .await
        .problem(415, "unsupported_file_type");
    assert_eq!(
        errors(&problem),
        pairs(&[("file", "unsupported_file_type")])
    );
    let viewer = app.token(Role::Viewer, None).await;
    upload(&app, &viewer, id, "x.pdf", pdf())
        .await
        .problem(403, "forbidden");
    let read = app
        .get(&format!("/api/v1/documents/{id}"))
        .await
        .expect(200);
    assert_eq!(read["files"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn the_office_links_documents_to_periods_and_reports() {
    let app = TestApp::spawn().await;
    let period = period_scene(&app).await;
    let letter = register(&app, "3394/SCT-VP", "2026-11-02").await["id"]
        .as_i64()
        .unwrap();
    let linked = app
        .post(
            &format!("/api/v1/documents/{letter}/link"),
            json!({"period_id": period, "role": "request_letter"}),
        )
        .await
        .expect(200);
    assert_eq!(linked["status"], "linked");
    assert_eq!(linked["links"][0]["role"], "request_letter");
    assert_eq!(linked["links"][0]["period_code"], "2026-Q4");
    // Again: nothing changes; in another role: refused.
    app.post(
        &format!("/api/v1/documents/{letter}/link"),
        json!({"period_id": period, "role": "request_letter"}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/documents/{letter}/link"),
        json!({"period_id": period, "role": "legal_basis"}),
    )
    .await
    .problem(409, "document_already_linked");

    // A unit's report by codes: its submission is created as a draft.
    let mut report = document("12/BC-QLCN", "2026-12-10");
    report["direction"] = json!("incoming");
    report["issuing_agency"] = json!("Phòng Quản lý Công nghiệp");
    let report = app.post("/api/v1/documents", report).await.expect(201)["id"]
        .as_i64()
        .unwrap();
    let linked = app
        .post(
            &format!("/api/v1/documents/{report}/link"),
            json!({"unit_code": "QLCN", "period_code": "2026-Q4"}),
        )
        .await
        .expect(200);
    assert_eq!(linked["links"][0]["role"], "unit_report");
    assert_eq!(linked["links"][0]["unit_code"], "QLCN");
    let submission = linked["links"][0]["submission_id"].as_i64().unwrap();
    let shown = app
        .get(&format!("/api/v1/submissions/{submission}"))
        .await
        .expect(200);
    assert_eq!(shown["status"], "draft");
    assert_eq!(shown["official_documents"][0]["number"], "12/BC-QLCN");
    assert_eq!(shown["delivered_via_qlvb_at"], Value::Null);
    let listed = app
        .get(&format!("/api/v1/documents?period_id={period}"))
        .await
        .expect(200);
    assert_eq!(listed["total"], 2);
    let listed = app
        .get(&format!("/api/v1/documents?submission_id={submission}"))
        .await
        .expect(200);
    assert_eq!(listed["total"], 1);

    // Wrong bodies name the field.
    let path = format!("/api/v1/documents/{report}/link");
    app.post(&path, json!({}))
        .await
        .problem(422, "validation_failed");
    let problem = app
        .post(&path, json!({"period_id": period}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&problem), pairs(&[("role", "required")]));
    let problem = app
        .post(
            &path,
            json!({"unit_code": "QLTM", "period_code": "2026-Q4"}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[("unit_code", "not_participating")])
    );
    let problem = app
        .post(&path, json!({"unit_code": "NOPE", "period_code": "2099"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[
            ("unit_code", "unknown_code"),
            ("period_code", "unknown_code")
        ])
    );
    app.post(&path, json!({"submission_id": 999_999}))
        .await
        .problem(422, "validation_failed");
}

#[actix_web::test]
async fn reporters_see_only_their_units_documents_and_integrations_none() {
    let app = TestApp::spawn().await;
    period_scene(&app).await;
    let letter = register(&app, "3394/SCT-VP", "2026-11-02").await["id"]
        .as_i64()
        .unwrap();
    let report = register(&app, "12/BC-QLCN", "2026-12-10").await["id"]
        .as_i64()
        .unwrap();
    app.post(
        &format!("/api/v1/documents/{report}/link"),
        json!({"unit_code": "QLCN", "period_code": "2026-Q4"}),
    )
    .await
    .expect(200);
    let qlcn = app.token(Role::Reporter, Some("QLCN")).await;
    let khtc = app.token(Role::Reporter, Some("KHTC")).await;
    let page = app.get_as(&qlcn, "/api/v1/documents").await.expect(200);
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["id"], report);
    app.get_as(&qlcn, &format!("/api/v1/documents/{report}"))
        .await
        .expect(200);
    app.get_as(&qlcn, &format!("/api/v1/documents/{letter}"))
        .await
        .problem(404, "not_found");
    app.get_as(&khtc, &format!("/api/v1/documents/{report}"))
        .await
        .problem(404, "not_found");
    assert_eq!(
        app.get_as(&khtc, "/api/v1/documents").await.expect(200)["total"],
        0
    );
    app.post_as(
        &qlcn,
        "/api/v1/documents",
        document("1/SCT-VP", "2026-11-02"),
    )
    .await
    .problem(403, "forbidden");
    let viewer = app.token(Role::Viewer, None).await;
    assert_eq!(
        app.get_as(&viewer, "/api/v1/documents").await.expect(200)["total"],
        2
    );
    let integration = app.token(Role::Integration, None).await;
    app.get_as(&integration, "/api/v1/documents")
        .await
        .problem(403, "forbidden");
}

#[actix_web::test]
async fn units_carry_their_qlvb_code() {
    let app = TestApp::spawn().await;
    app.unit("SCT", "department", None).await;
    let unit = app.unit("QLCN", "division", Some("SCT")).await;
    assert_eq!(unit["qlvb_code"], Value::Null);
    let path = format!("/api/v1/units/{}", unit["id"]);
    let updated = app
        .patch(&path, json!({"qlvb_code": "000.00.12.H56"}))
        .await
        .expect(200);
    assert_eq!(updated["qlvb_code"], "000.00.12.H56");
    let problem = app
        .patch(&path, json!({"qlvb_code": "000 00 12"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&problem), pairs(&[("qlvb_code", "invalid_code")]));
    let other = app
        .post(
            "/api/v1/units",
            json!({"code": "KHTC", "name": "Phòng Kế hoạch – Tài chính", "kind": "division", "qlvb_code": "000.00.12.H56"}),
        )
        .await
        .problem(409, "duplicate_qlvb_code");
    assert_eq!(
        errors(&other),
        pairs(&[("qlvb_code", "duplicate_qlvb_code")])
    );
    // The same conflict through PATCH is a 409 too, and documented as one (schemathesis'
    // status_code_conformance found it missing from update_unit's responses).
    let khtc = app.unit("KHTC", "division", Some("SCT")).await;
    let taken = app
        .patch(
            &format!("/api/v1/units/{}", khtc["id"]),
            json!({"qlvb_code": "000.00.12.H56"}),
        )
        .await
        .problem(409, "duplicate_qlvb_code");
    assert_eq!(
        errors(&taken),
        pairs(&[("qlvb_code", "duplicate_qlvb_code")])
    );
    let document: Value = serde_json::from_str(&cchc_api::app::openapi_json()).unwrap();
    assert!(
        document
            .pointer("/paths/~1api~1v1~1units~1{id}/patch/responses/409")
            .is_some(),
        "PATCH /api/v1/units/{{id}} does not document its 409"
    );
    let cleared = app
        .patch(&path, json!({"qlvb_code": null}))
        .await
        .expect(200);
    assert_eq!(cleared["qlvb_code"], Value::Null);
}

#[actix_web::test]
async fn integration_tokens_get_a_signing_secret_that_the_office_rotates() {
    let app = TestApp::spawn().await;
    let created = app
        .post(
            "/api/v1/tokens",
            json!({"name": "QLVB tỉnh Khánh Hòa", "role": "integration"}),
        )
        .await
        .expect(201);
    let first = created["signing_secret"].as_str().unwrap().to_owned();
    assert!(first.starts_with("whsec_"));
    let id = created["token"]["id"].as_i64().unwrap();
    let viewer = app
        .post(
            "/api/v1/tokens",
            json!({"name": "Lãnh đạo Sở", "role": "viewer"}),
        )
        .await
        .expect(201);
    assert!(viewer.get("signing_secret").is_none());

    let rotated = app
        .post(&format!("/api/v1/tokens/{id}/signing-secret"), json!({}))
        .await
        .expect(200);
    let second = rotated["signing_secret"].as_str().unwrap();
    assert_ne!(second, first);
    assert_eq!(rotated["token_id"], id);
    app.post(
        &format!("/api/v1/tokens/{}/signing-secret", viewer["token"]["id"]),
        json!({}),
    )
    .await
    .problem(409, "not_an_integration");
    let reporter = app.token(Role::Viewer, None).await;
    app.post_as(
        &reporter,
        &format!("/api/v1/tokens/{id}/signing-secret"),
        json!({}),
    )
    .await
    .problem(403, "forbidden");
    // The trail says the secret changed, never what it is.
    let trail = app
        .get(&format!(
            "/api/v1/audit?entity_type=integration&entity_id={id}"
        ))
        .await
        .expect(200);
    assert_eq!(trail["total"], 2);
    let text = trail.to_string();
    assert!(!text.contains(&first) && !text.contains(second));
}
