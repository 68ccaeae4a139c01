//! A self-assessment round's files of evidence: a unit uploads its own, the Office its own; a
//! part cites them with `evidence[].file_id` (its unit's or the Office's only); downloaded;
//! removed only while no part cites them and the round is open; who may do what.

use cchc_domain::model::token::Role;
use reqwest::multipart::{Form, Part};
use reqwest::Method;
use serde_json::{json, Value};

use crate::assessments::{item, round};
use crate::attachments::{download, header, sha256};
use crate::common::{errors, pdf, Answer, TestApp};

/// Uploads `bytes` as `filename` to round `id`, with the form's text `fields`.
async fn upload(
    app: &TestApp,
    token: &str,
    id: i64,
    filename: &str,
    bytes: Vec<u8>,
    fields: &[(&str, &str)],
) -> Answer {
    let mut form = Form::new().part(
        "file",
        Part::bytes(bytes)
            .file_name(filename.to_owned())
            .mime_str("application/octet-stream")
            .unwrap(),
    );
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    TestApp::send(
        app.client
            .post(format!("{}/api/v1/assessments/{id}/files", app.base_url))
            .bearer_auth(token)
            .multipart(form),
    )
    .await
}

async fn score(app: &TestApp, token: &str, path: &str, body: Value) -> Answer {
    app.request(Method::PUT, path, Some(token), Some(&body))
        .await
}

#[actix_web::test]
async fn units_cite_their_own_files_and_the_offices_and_cited_files_stay() {
    let app = TestApp::spawn().await;
    let (id, _, _) = round(&app).await;
    let path = format!("/api/v1/assessments/{id}");
    app.patch(&format!("{path}/items/1.2"), json!({"unit_code": "QLTM"}))
        .await
        .expect(200);
    let vp = app.token(Role::Reporter, Some("VP")).await;
    let qltm = app.token(Role::Reporter, Some("QLTM")).await;
    app.unit("KHTC", "division", Some("SCT")).await;
    let khtc = app.token(Role::Reporter, Some("KHTC")).await;
    let viewer = app.token(Role::Viewer, None).await;

    // VP's minute; the Office's own survey notice.
    let minute = upload(&app, &vp, id, "Biên bản kiểm tra CCHC.pdf", pdf(), &[])
        .await
        .expect(201);
    assert_eq!(minute["unit"]["code"], "VP");
    assert_eq!(minute["content_type"], "application/pdf");
    assert_eq!(minute["cited"], false);
    let minute_id = minute["id"].as_i64().unwrap();
    let notice = upload(&app, &app.admin, id, "Thông báo SIPAS.pdf", pdf(), &[])
        .await
        .expect(201);
    assert_eq!(notice["unit"], Value::Null);
    let notice_id = notice["id"].as_i64().unwrap();

    // Refused: another unit named by a reporter, a unit without parts, a role that only reads.
    let problem = upload(&app, &vp, id, "a.pdf", pdf(), &[("unit_code", "QLTM")])
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        [("unit_code".into(), "not_your_unit".into())]
    );
    upload(&app, &khtc, id, "a.pdf", pdf(), &[])
        .await
        .problem(404, "not_found");
    upload(&app, &viewer, id, "a.pdf", pdf(), &[])
        .await
        .problem(403, "forbidden");
    let problem = upload(
        &app,
        &app.admin,
        id,
        "a.pdf",
        pdf(),
        &[("unit_code", "KHTC")],
    )
    .await
    .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        [("unit_code".into(), "not_involved".into())]
    );

    // VP cites its file without a page: a file is the evidence itself, nothing unlocated.
    let scored = score(
        &app,
        &vp,
        &format!("{path}/items/1.1/score"),
        json!({"level": 0, "evidence": [{"file_id": minute_id}]}),
    )
    .await
    .expect(200);
    let part = item(&scored, "1.1");
    assert_eq!(
        part["evidence"][0]["file"]["filename"],
        "Biên bản kiểm tra CCHC.pdf"
    );
    assert_eq!(
        part["evidence"][0]["file"]["download_url"],
        format!("/api/v1/assessments/{id}/files/{minute_id}/content")
    );
    assert_eq!(part["evidence"][0]["document"], Value::Null);
    assert_eq!(part["problems"], json!(["not_accepted"]), "{part:#}");

    // QLTM may not cite VP's file, may cite the Office's, and names one source per citation.
    let problem = score(
        &app,
        &qltm,
        &format!("{path}/items/1.2/score"),
        json!({"points": 1, "evidence": [{"file_id": minute_id}, {"file_id": notice_id, "document_id": 1}, {}]}),
    )
    .await
    .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        [
            ("evidence[1]".into(), "one_source".into()),
            ("evidence[2].document_id".into(), "required".into()),
            ("evidence[0].file_id".into(), "unknown_file".into()),
        ]
    );
    score(
        &app,
        &qltm,
        &format!("{path}/items/1.2/score"),
        json!({"points": 1, "evidence": [{"file_id": notice_id, "page": 2}]}),
    )
    .await
    .expect(200);

    // Reading: the Office lists both; a reporter its own unit's only, not the Office's.
    let all = app.get(&format!("{path}/files")).await.expect(200);
    assert_eq!(all["total"], 2);
    assert_eq!(all["items"][0]["cited"], true);
    let own = app.get_as(&vp, &format!("{path}/files")).await.expect(200);
    assert_eq!(own["total"], 1);
    app.get_as(&vp, &format!("{path}/files/{notice_id}"))
        .await
        .problem(404, "not_found");
    app.get_as(&khtc, &format!("{path}/files"))
        .await
        .problem(404, "not_found");
    let (status, headers, bytes) = download(
        &app,
        &vp,
        &format!("{path}/files/{minute_id}/content"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(bytes, pdf());
    assert_eq!(header(&headers, "content-type"), "application/pdf");
    assert_eq!(header(&headers, "etag"), format!("\"{}\"", sha256(&pdf())));

    // A cited file stays; an uncited one goes (by its unit or the Office).
    app.delete(&format!("{path}/files/{minute_id}"))
        .await
        .problem(409, "assessment_file_cited");
    let spare = upload(&app, &vp, id, "Nháp.pdf", pdf(), &[])
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let answer = TestApp::send(
        app.client
            .delete(format!("{}{path}/files/{spare}", app.base_url))
            .bearer_auth(&vp),
    )
    .await;
    assert_eq!(answer.status.as_u16(), 204);
    app.get(&format!("{path}/files/{spare}"))
        .await
        .problem(404, "not_found");

    // Sent: the round takes no more files.
    app.post(
        &format!("{path}/send"),
        json!({"override_reason": "Gửi đúng hạn theo yêu cầu của tỉnh"}),
    )
    .await
    .expect(200);
    upload(&app, &vp, id, "Muộn.pdf", pdf(), &[])
        .await
        .problem(409, "assessment_sent");
    let trail = app
        .get("/api/v1/audit?entity_type=assessment_file")
        .await
        .expect(200);
    let actions: Vec<&str> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions.iter().filter(|a| **a == "created").count(), 3);
    assert_eq!(actions.iter().filter(|a| **a == "deleted").count(), 1);
}
