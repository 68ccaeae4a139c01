//! A unit's report answered through QLVB closes the loop: the statistics form a
//! `document.received` event carries is imported into the unit's report (the answer and the
//! report say what was imported), its Word file becomes the narrative attachment, a foreign
//! workbook is only filed, problems are named by cell and mailed to the focal persons, and a
//! period whose arrival through QLVB is the submission submits a complete report at the
//! instant QLVB received it (timeliness from it) and leaves an incomplete one a draft.
//!
//! Fixture: [`crate::qlvb_events::scene_with`] (units QLCN and KHTC in the open period
//! 2026-Q4, deadline 2026-12-15 16:30, one count indicator SL-VANBAN at row 12 of the form).

use base64::Engine;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde_json::{json, Value};

use crate::attachments::docx;
use crate::common::loopback_config;
use crate::excel::{fill, Typed};
use crate::qlvb_events::{received, scene_with, Scene};

/// The unit's statistics form, as the service gives it.
async fn form(s: &Scene, unit: &str) -> Vec<u8> {
    let response = s
        .app
        .client
        .get(format!(
            "{}/api/v1/periods/{}/template.xlsx?unit={unit}",
            s.app.base_url, s.period
        ))
        .bearer_auth(&s.app.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.bytes().await.unwrap().to_vec()
}

fn inline(filename: &str, bytes: &[u8]) -> Value {
    json!({
        "filename": filename,
        "content_base64": base64::engine::general_purpose::STANDARD.encode(bytes),
    })
}

/// A received report of `unit`, numbered `number`, received by QLVB at `occurred_at`.
fn report(id: &str, unit: &str, number: &str, occurred_at: &str, files: Vec<Value>) -> Value {
    let mut event = received(
        id,
        json!({
            "number": number,
            "issuing_agency": format!("Đơn vị {unit}"),
            "sender": {"unit_code": unit},
            "period_code": "2026-Q4",
            "files": files,
        }),
    );
    event["occurred_at"] = json!(occurred_at);
    event
}

async fn submission(s: &Scene, answer: &Value) -> Value {
    let id = answer["match"]["submission_id"].as_i64().unwrap();
    s.app
        .get(&format!("/api/v1/submissions/{id}"))
        .await
        .expect(200)
}

/// The number reported for indicator `code`, if any.
fn figure(submission: &Value, code: &str) -> Option<f64> {
    submission["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["code"] == code)
        .unwrap()["number"]
        .as_f64()
}

/// The `qlvb_import_problems` jobs enqueued: (recipient, payload).
async fn problem_mails(s: &Scene) -> Vec<(String, Value)> {
    #[derive(QueryableByName)]
    struct Job {
        #[diesel(sql_type = diesel::sql_types::Jsonb)]
        payload: Value,
    }
    let mut conn = s.app.state.pool.get().await.unwrap();
    diesel::sql_query("SELECT payload FROM jobs WHERE kind = 'qlvb_import_problems' ORDER BY id")
        .load::<Job>(&mut *conn)
        .await
        .unwrap()
        .into_iter()
        .map(|job| {
            (
                job.payload["recipient"]["email"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                job.payload,
            )
        })
        .collect()
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

#[actix_web::test]
async fn the_form_in_an_event_puts_its_figures_in_the_report_and_the_word_file_is_the_narrative() {
    let s = scene_with(loopback_config()).await;
    let filled = fill(&form(&s, "QLCN").await, &[("I12", Typed::Number(42.0))]);
    let answer = s
        .send(&report(
            "evt-form",
            "QLCN",
            "12/BC-QLCN",
            "2026-11-20T08:30:00+07:00",
            vec![
                inline("Bieu-mau-QLCN.xlsx", &filled),
                inline("Bao-cao-QLCN.docx", &docx()),
            ],
        ))
        .await
        .expect(201);
    let import = &answer["import"];
    assert_eq!(import["form_filename"], "Bieu-mau-QLCN.xlsx");
    assert_eq!(import["indicators_imported"], json!(["SL-VANBAN"]));
    assert_eq!(import["problems"], json!([]));
    assert_eq!(import["submitted"], false, "the period does not say so");
    assert_eq!(import["attachments"][0]["filename"], "Bao-cao-QLCN.docx");
    assert_eq!(import["attachments"][0]["purpose"], "narrative");

    let shown = submission(&s, &answer).await;
    assert_eq!(figure(&shown, "SL-VANBAN"), Some(42.0));
    assert_eq!(shown["status"], "draft");
    let attachments = shown["attachments"].as_array().unwrap();
    assert_eq!(attachments.len(), 1, "the workbook is filed, not attached");
    assert_eq!(attachments[0]["purpose"], "narrative");
    assert_eq!(attachments[0]["filename"], "Bao-cao-QLCN.docx");
    assert_eq!(attachments[0]["uploaded_by"], "QLVB tỉnh Khánh Hòa");
    // The report says what its document brought.
    let document = &shown["official_documents"][0];
    assert_eq!(document["number"], "12/BC-QLCN");
    assert_eq!(document["qlvb_import"], *import);
    // The narrative downloads as sent.
    let content = s
        .app
        .client
        .get(format!(
            "{}{}",
            s.app.base_url,
            attachments[0]["download_url"].as_str().unwrap()
        ))
        .bearer_auth(&s.app.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(content.bytes().await.unwrap().to_vec(), docx());
    // Audited as the integration.
    let trail = s
        .app
        .get(&format!(
            "/api/v1/audit?entity_type=submission&entity_id={}",
            shown["id"]
        ))
        .await
        .expect(200);
    let updated = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "updated")
        .expect("the import is in the trail");
    assert_eq!(updated["actor"]["role"], "integration");
    assert!(problem_mails(&s).await.is_empty());

    // The same event again is answered as before and changes nothing more.
    let again = s
        .send(&report(
            "evt-form",
            "QLCN",
            "12/BC-QLCN",
            "2026-11-20T08:30:00+07:00",
            vec![
                inline("Bieu-mau-QLCN.xlsx", &filled),
                inline("Bao-cao-QLCN.docx", &docx()),
            ],
        ))
        .await
        .expect(201);
    assert_eq!(again["import"], *import);
    let shown = submission(&s, &answer).await;
    assert_eq!(shown["attachments"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn a_foreign_workbook_is_only_filed_and_a_submitted_report_is_left_as_it_is() {
    let s = scene_with(loopback_config()).await;
    // Another unit's form, and a workbook that is no form at all.
    let other = fill(&form(&s, "KHTC").await, &[("I12", Typed::Number(7.0))]);
    let mut book = umya_spreadsheet::new_file();
    book.get_sheet_mut(&0)
        .unwrap()
        .get_cell_mut("A1")
        .set_value_string("Bảng lương");
    let mut plain = Vec::new();
    umya_spreadsheet::writer::xlsx::write_writer(&book, &mut plain).unwrap();
    let answer = s
        .send(&report(
            "evt-foreign",
            "QLCN",
            "12/BC-QLCN",
            "2026-11-20T08:30:00+07:00",
            vec![
                inline("Bieu-mau-KHTC.xlsx", &other),
                inline("Bang-luong.xlsx", &plain),
            ],
        ))
        .await
        .expect(201);
    assert_eq!(answer["files_added"], 2);
    let import = &answer["import"];
    assert_eq!(import["form_filename"], Value::Null);
    assert_eq!(import["indicators_imported"], json!([]));
    assert_eq!(import["attachments"], json!([]));
    let shown = submission(&s, &answer).await;
    assert_eq!(figure(&shown, "SL-VANBAN"), None);
    assert_eq!(shown["attachments"], json!([]));
    let document = s
        .app
        .get(answer["document"]["url"].as_str().unwrap())
        .await
        .expect(200);
    assert_eq!(document["files"].as_array().unwrap().len(), 2, "filed");

    // A report already submitted is not changed by a later document.
    let id = shown["id"].as_i64().unwrap();
    let reporter = s
        .app
        .token(cchc_domain::model::token::Role::Reporter, Some("QLCN"))
        .await;
    let current = s
        .app
        .get_as(&reporter, &format!("/api/v1/submissions/{id}"))
        .await
        .expect(200);
    let revision = current["revision"].as_i64().unwrap();
    let patched = s
        .app
        .client
        .patch(format!("{}/api/v1/submissions/{id}", s.app.base_url))
        .bearer_auth(&reporter)
        .header("if-match", format!("\"{id}.{revision}\""))
        .json(&json!({"values": {"SL-VANBAN": {"number": 3}}}))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200);
    s.app
        .post_as(
            &reporter,
            &format!("/api/v1/submissions/{id}/submit"),
            json!({}),
        )
        .await
        .expect(200);
    let mine = fill(&form(&s, "QLCN").await, &[("I12", Typed::Number(99.0))]);
    let later = s
        .send(&report(
            "evt-late-form",
            "QLCN",
            "13/BC-QLCN",
            "2026-11-20T08:45:00+07:00",
            vec![inline("Bieu-mau-QLCN.xlsx", &mine)],
        ))
        .await
        .expect(201);
    assert!(later["import"]["not_changed"]
        .as_str()
        .unwrap()
        .contains("đã được gửi"));
    let shown = submission(&s, &later).await;
    assert_eq!(figure(&shown, "SL-VANBAN"), Some(3.0));
    assert_eq!(shown["status"], "submitted");
}

#[actix_web::test]
async fn problems_are_named_by_cell_and_mailed_to_the_focal_persons() {
    let s = scene_with(loopback_config()).await;
    let blank = form(&s, "QLCN").await;
    let answer = s
        .send(&report(
            "evt-bad-cell",
            "QLCN",
            "12/BC-QLCN",
            "2026-11-20T08:30:00+07:00",
            vec![inline(
                "Bieu-mau-QLCN.xlsx",
                &fill(&blank, &[("I12", Typed::Text("bốn mươi"))]),
            )],
        ))
        .await
        .expect(201);
    let import = &answer["import"];
    assert_eq!(import["form_filename"], "Bieu-mau-QLCN.xlsx");
    assert_eq!(import["indicators_imported"], json!([]));
    assert_eq!(import["problems"][0]["field"], "I12");
    assert_eq!(import["problems"][0]["code"], "not_a_number");
    assert_eq!(import["problems"][0]["message"], "phải là số");
    // A rule of the report (no negative count), named by its cell too.
    let answer = s
        .send(&report(
            "evt-negative",
            "QLCN",
            "14/BC-QLCN",
            "2026-11-20T08:40:00+07:00",
            vec![inline(
                "Bieu-mau-QLCN.xlsx",
                &fill(&blank, &[("I12", Typed::Number(-5.0))]),
            )],
        ))
        .await
        .expect(201);
    assert_eq!(
        answer["import"]["problems"],
        json!([{"field": "I12", "code": "negative", "message": "không được là số âm"}])
    );
    let shown = submission(&s, &answer).await;
    assert_eq!(figure(&shown, "SL-VANBAN"), None, "nothing imported");

    let mails = problem_mails(&s).await;
    assert_eq!(mails.len(), 2, "one per event, to the one focal person");
    assert_eq!(mails[0].0, "focal.qlcn@example.vn");
    assert_eq!(mails[0].1["document_number"], "12/BC-QLCN");
    assert_eq!(mails[0].1["problems"][0]["field"], "I12");
    assert_eq!(mails[1].1["problems"][0]["message"], "không được là số âm");
}

#[actix_web::test]
async fn when_arrival_submits_timeliness_is_judged_from_the_qlvb_receipt_instant() {
    let s = scene_with(loopback_config()).await;
    s.app
        .patch(
            &format!("/api/v1/periods/{}", s.period),
            json!({"qlvb_arrival_submits": true}),
        )
        .await
        .expect(200);
    let period = s
        .app
        .get(&format!("/api/v1/periods/{}", s.period))
        .await
        .expect(200);
    assert_eq!(period["qlvb_arrival_submits"], true);
    // The events arrive here after the deadline (16:30); QLVB received one before it.
    s.app.clock.set(at("2026-12-15T17:10:00+07:00"));
    let on_time = s
        .send(&report(
            "evt-on-time",
            "QLCN",
            "12/BC-QLCN",
            "2026-12-15T16:20:00+07:00",
            vec![inline(
                "Bieu-mau-QLCN.xlsx",
                &fill(&form(&s, "QLCN").await, &[("I12", Typed::Number(12.0))]),
            )],
        ))
        .await
        .expect(201);
    assert_eq!(on_time["import"]["submitted"], true);
    assert_eq!(
        on_time["import"]["submitted_at"],
        "2026-12-15T16:20:00+07:00"
    );
    assert_eq!(on_time["import"]["timeliness"], "on_time");
    let shown = submission(&s, &on_time).await;
    assert_eq!(shown["status"], "submitted");
    assert_eq!(shown["timeliness"], "on_time");
    assert_eq!(shown["first_submitted_at"], "2026-12-15T16:20:00+07:00");
    assert_eq!(figure(&shown, "SL-VANBAN"), Some(12.0));

    let late = s
        .send(&report(
            "evt-late",
            "KHTC",
            "7/BC-KHTC",
            "2026-12-15T16:45:00+07:00",
            vec![inline(
                "Bieu-mau-KHTC.xlsx",
                &fill(&form(&s, "KHTC").await, &[("I12", Typed::Number(5.0))]),
            )],
        ))
        .await
        .expect(201);
    assert_eq!(late["import"]["submitted"], true);
    assert_eq!(late["import"]["timeliness"], "late");
    let shown = submission(&s, &late).await;
    assert_eq!(shown["timeliness"], "late");
    assert_eq!(shown["minutes_late"], 15);
    assert!(problem_mails(&s).await.is_empty());
}

#[actix_web::test]
async fn when_arrival_submits_an_incomplete_report_stays_a_draft_and_the_unit_is_told_why() {
    let s = scene_with(loopback_config()).await;
    s.app
        .patch(
            &format!("/api/v1/periods/{}", s.period),
            json!({"qlvb_arrival_submits": true}),
        )
        .await
        .expect(200);
    // The form as downloaded, nothing typed in; and a Word narrative.
    let answer = s
        .send(&report(
            "evt-empty",
            "QLCN",
            "12/BC-QLCN",
            "2026-11-20T08:30:00+07:00",
            vec![
                inline("Bieu-mau-QLCN.xlsx", &form(&s, "QLCN").await),
                inline("Bao-cao-QLCN.docx", &docx()),
            ],
        ))
        .await
        .expect(201);
    let import = &answer["import"];
    assert_eq!(import["submitted"], false);
    assert_eq!(import["missing"][0]["field"], "values.SL-VANBAN");
    assert_eq!(import["missing"][0]["code"], "required");
    assert!(import["missing"][0]["message"]
        .as_str()
        .unwrap()
        .contains("chưa có số liệu"));
    let shown = submission(&s, &answer).await;
    assert_eq!(shown["status"], "draft");
    assert_eq!(shown["attachments"][0]["purpose"], "narrative");
    let mails = problem_mails(&s).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].0, "focal.qlcn@example.vn");
    assert_eq!(mails[0].1["missing"][0]["code"], "required");
    assert_eq!(mails[0].1["problems"], json!([]));
}
