//! A unit's own files of evidence on a task: uploaded, cited by a progress report with
//! `evidence[].file_id`, downloaded, and removed only while nobody cites them; who may do what.

use cchc_domain::model::token::Role;
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};

use super::{department, document, id, issued_plan, task};
use crate::attachments::{download, exe, header, sha256, stored_objects};
use crate::common::{pdf, Answer, TestApp};

const PNG: &[u8] = include_bytes!("../../fixtures/stamp.png");

/// Uploads `bytes` as `filename` to task `task`, with the form's text `fields`.
async fn upload(
    app: &TestApp,
    token: &str,
    task: i64,
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
            .post(format!("{}/api/v1/tasks/{task}/files", app.base_url))
            .bearer_auth(token)
            .multipart(form),
    )
    .await
}

/// An issued plan with task 2.3 led by QLTM with KHTC coordinating, and a second task; the
/// ids of both.
async fn two_tasks(app: &TestApp) -> (i64, i64) {
    department(app).await;
    let plan = issued_plan(app, "KH-2026").await;
    let first = app
        .post(
            &format!("/api/v1/plans/{plan}/tasks"),
            json!({"code": "2.3", "title": "Rà soát thủ tục hành chính không phát sinh hồ sơ",
                   "lead_unit_code": "QLTM", "coordinating_unit_codes": ["KHTC"],
                   "due": {"kind": "month", "year": 2026, "month": 12}}),
        )
        .await
        .expect(201);
    let second = task(
        app,
        plan,
        "2.4",
        "QLTM",
        json!({"kind": "month", "year": 2026, "month": 12}),
    )
    .await;
    (id(&first), id(&second))
}

#[actix_web::test]
async fn a_unit_uploads_its_file_cites_it_and_everyone_on_the_task_downloads_it() {
    let app = TestApp::spawn().await;
    let (task_id, other_task) = two_tasks(&app).await;
    let lead = app.token(Role::Reporter, Some("QLTM")).await;
    let coordinating = app.token(Role::Reporter, Some("KHTC")).await;
    let viewer = app.token(Role::Viewer, None).await;
    let bytes = pdf();
    let name = "Biên bản rà soát TTHC tháng 11.pdf";

    let answer = upload(&app, &lead, task_id, name, bytes.clone(), &[]).await;
    let location = answer
        .headers
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned());
    let file = answer.expect(201);
    let file_id = id(&file);
    assert_eq!(
        location,
        Some(format!("/api/v1/tasks/{task_id}/files/{file_id}"))
    );
    assert_eq!(file["unit"]["code"], "QLTM");
    assert_eq!(file["filename"], name);
    assert_eq!(file["content_type"], "application/pdf");
    assert_eq!(file["size_bytes"], bytes.len());
    assert_eq!(file["sha256"], sha256(&bytes));
    assert_eq!(file["cited"], false);
    let content = format!("/api/v1/tasks/{task_id}/files/{file_id}/content");
    assert_eq!(file["download_url"], content.as_str());

    // The coordinating unit and a viewer download it; the bytes are the ones uploaded.
    for token in [&coordinating, &viewer] {
        let (status, headers, body) = download(&app, token, &content, None).await;
        assert_eq!(status, 200);
        assert_eq!(body, bytes);
        assert_eq!(header(&headers, "content-type"), "application/pdf");
        assert!(header(&headers, "content-disposition").contains("filename*=UTF-8''Bi%C3%AAn"));
        let etag = header(&headers, "etag").to_owned();
        let (status, _, _) = download(&app, token, &content, Some(&etag)).await;
        assert_eq!(status, 304);
    }

    // The coordinating unit's own picture; the Office uploads for the coordinating unit too.
    let photo = upload(
        &app,
        &coordinating,
        task_id,
        "bang-niem-yet.png",
        PNG.to_vec(),
        &[],
    )
    .await
    .expect(201);
    assert_eq!(photo["unit"]["code"], "KHTC");
    assert_eq!(photo["content_type"], "image/png");
    let office = upload(
        &app,
        &app.admin,
        task_id,
        "so-lieu.pdf",
        pdf(),
        &[("unit_code", "KHTC")],
    )
    .await
    .expect(201);
    assert_eq!(office["unit"]["code"], "KHTC");

    // The lead unit cites its file; a file of another task, or both sources, or none, is refused.
    let foreign = upload(&app, &lead, other_task, "khac.pdf", pdf(), &[])
        .await
        .expect(201);
    let registry = document(&app, "12/BC-QLTM", "2026-11-18", "Báo cáo rà soát").await;
    let problem = app
        .post_as(
            &lead,
            &format!("/api/v1/tasks/{task_id}/progress"),
            json!({"percent": 50, "note": "Đã rà soát 30/60 thủ tục",
                   "evidence": [{"file_id": id(&foreign)},
                                {"file_id": file_id, "document_id": registry},
                                {"section": "Mục I"}]}),
        )
        .await
        .problem(422, "validation_failed");
    let errors: Vec<(String, String)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            ("evidence[1]".to_owned(), "one_source".to_owned()),
            ("evidence[2].document_id".to_owned(), "required".to_owned()),
            ("evidence[0].file_id".to_owned(), "unknown_file".to_owned()),
        ]
    );
    let reported = app
        .post_as(
            &lead,
            &format!("/api/v1/tasks/{task_id}/progress"),
            json!({"percent": 50, "note": "Đã rà soát 30/60 thủ tục",
                   "evidence": [{"file_id": file_id, "page": 2},
                                {"document_id": registry, "section": "Mục II"}]}),
        )
        .await
        .expect(200);
    let cited = &reported["history"][0]["evidence"];
    assert_eq!(cited[0]["file"]["filename"], name);
    assert_eq!(cited[0]["file"]["download_url"], content.as_str());
    assert_eq!(cited[0]["document"], Value::Null);
    assert_eq!(cited[0]["page"], 2);
    assert_eq!(cited[1]["document"]["number"], "12/BC-QLTM");
    assert_eq!(cited[1]["file"], Value::Null);

    // The list says which files are cited; a unit filter narrows it.
    let list = app
        .get_as(&coordinating, &format!("/api/v1/tasks/{task_id}/files"))
        .await
        .expect(200);
    assert_eq!(list["total"], 3);
    let flags: Vec<(String, bool)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["filename"].as_str().unwrap().to_owned(),
                f["cited"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        flags,
        [
            (name.to_owned(), true),
            ("bang-niem-yet.png".to_owned(), false),
            ("so-lieu.pdf".to_owned(), false),
        ]
    );
    let khtc = app
        .get(&format!("/api/v1/tasks/{task_id}/files?unit_code=KHTC"))
        .await
        .expect(200);
    assert_eq!(khtc["total"], 2);
    app.get(&format!("/api/v1/tasks/{task_id}/files?unit_code=NOPE"))
        .await
        .problem(422, "validation_failed");
}

#[actix_web::test]
async fn the_form_the_unit_and_the_file_type_are_checked_before_anything_is_stored() {
    let app = TestApp::spawn().await;
    let (task_id, _) = two_tasks(&app).await;
    let lead = app.token(Role::Reporter, Some("QLTM")).await;
    let outsider = app.token(Role::Reporter, Some("VP")).await;
    let viewer = app.token(Role::Viewer, None).await;

    let problem = upload(
        &app,
        &lead,
        task_id,
        "a.pdf",
        pdf(),
        &[("unit_code", "KHTC"), ("purpose", "evidence")],
    )
    .await
    .problem(422, "validation_failed");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"unknown_field"), "{problem:#}");
    assert!(fields.contains(&"not_your_unit"), "{problem:#}");
    upload(
        &app,
        &app.admin,
        task_id,
        "a.pdf",
        pdf(),
        &[("unit_code", "VP")],
    )
    .await
    .problem(422, "validation_failed");
    upload(&app, &lead, task_id, "setup.pdf", exe(), &[])
        .await
        .problem(415, "unsupported_file_type");
    upload(&app, &lead, task_id, "empty.pdf", Vec::new(), &[])
        .await
        .problem(422, "validation_failed");
    // Another unit's reporter does not see the task; a viewer reads but does not upload.
    upload(&app, &outsider, task_id, "a.pdf", pdf(), &[])
        .await
        .problem(404, "not_found");
    app.get_as(&outsider, &format!("/api/v1/tasks/{task_id}/files"))
        .await
        .problem(404, "not_found");
    upload(&app, &viewer, task_id, "a.pdf", pdf(), &[])
        .await
        .problem(403, "forbidden");
    assert!(
        stored_objects(&app).is_empty(),
        "{:?}",
        stored_objects(&app)
    );
    let listed = app
        .get(&format!("/api/v1/tasks/{task_id}/files"))
        .await
        .expect(200);
    assert_eq!(listed["total"], 0);
}

#[actix_web::test]
async fn a_cited_file_stays_an_uncited_one_goes_with_its_bytes_and_a_task_with_files_stays() {
    let app = TestApp::spawn().await;
    let (task_id, other_task) = two_tasks(&app).await;
    let lead = app.token(Role::Reporter, Some("QLTM")).await;
    let coordinating = app.token(Role::Reporter, Some("KHTC")).await;
    let cited = id(&upload(&app, &lead, task_id, "cited.pdf", pdf(), &[])
        .await
        .expect(201));
    let spare = id(
        &upload(&app, &lead, task_id, "spare.png", PNG.to_vec(), &[])
            .await
            .expect(201),
    );
    app.post_as(
        &lead,
        &format!("/api/v1/tasks/{task_id}/progress"),
        json!({"note": "Đã có biên bản", "evidence": [{"file_id": cited}]}),
    )
    .await
    .expect(200);
    assert_eq!(stored_objects(&app).len(), 2);

    app.delete(&format!("/api/v1/tasks/{task_id}/files/{cited}"))
        .await
        .problem(409, "task_file_cited");
    // The coordinating unit may not remove the lead unit's file; its reporter may.
    let spare_path = format!("/api/v1/tasks/{task_id}/files/{spare}");
    let answer = app
        .request(
            reqwest::Method::DELETE,
            &spare_path,
            Some(&coordinating),
            None,
        )
        .await;
    answer.problem(403, "forbidden");
    let answer = app
        .request(reqwest::Method::DELETE, &spare_path, Some(&lead), None)
        .await;
    assert_eq!(answer.status, 204);
    app.get(&spare_path).await.problem(404, "not_found");
    assert_eq!(stored_objects(&app).len(), 1);
    // A file is reached through its own task only.
    app.get(&format!("/api/v1/tasks/{other_task}/files/{cited}"))
        .await
        .problem(404, "not_found");

    // A task with an uploaded file (nothing reported yet) stays on record.
    let uploaded = upload(&app, &lead, other_task, "x.pdf", pdf(), &[])
        .await
        .expect(201);
    app.delete(&format!("/api/v1/tasks/{other_task}"))
        .await
        .problem(409, "task_has_history");
    app.delete(&format!(
        "/api/v1/tasks/{other_task}/files/{}",
        id(&uploaded)
    ))
    .await
    .expect(204);
    let removed = app.delete(&format!("/api/v1/tasks/{other_task}")).await;
    assert_eq!(removed.status, 204);

    // The audit trail has both uploads and the removal.
    let audit = app
        .get("/api/v1/audit?entity_type=task_file")
        .await
        .expect(200);
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions.iter().filter(|a| **a == "created").count(),
        3,
        "{actions:?}"
    );
    assert_eq!(
        actions.iter().filter(|a| **a == "deleted").count(),
        2,
        "{actions:?}"
    );
}

#[actix_web::test]
async fn a_draft_plans_task_takes_no_files() {
    let app = TestApp::spawn().await;
    department(&app).await;
    let plan = app
        .post(
            "/api/v1/plans",
            json!({"code": "KH-NHAP", "year": 2026, "title": "Kế hoạch dự thảo"}),
        )
        .await
        .expect(201);
    let draft = task(
        &app,
        id(&plan),
        "1",
        "QLTM",
        json!({"kind": "month", "year": 2026, "month": 12}),
    )
    .await;
    upload(&app, &app.admin, id(&draft), "a.pdf", pdf(), &[])
        .await
        .problem(409, "plan_not_issued");
    assert!(stored_objects(&app).is_empty());
}
