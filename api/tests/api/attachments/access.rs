//! Who sees and changes which files, while the report may change, and the submission's ETag.

use super::*;

#[actix_web::test]
async fn reporters_see_only_their_unit_and_viewers_only_read() {
    let app = TestApp::spawn().await;
    let scene = scene(&app).await;
    let own = upload(
        &app,
        &scene.khtc.token,
        scene.khtc.submission,
        "evidence",
        "kiem-chung.pdf",
        pdf(),
    )
    .await
    .expect(201);
    let path = format!("/api/v1/attachments/{}", own["id"]);
    let content = format!("{path}/content");
    let list = format!("/api/v1/submissions/{}/attachments", scene.khtc.submission);

    // Another unit's reporter: the file and the submission do not exist.
    let other = &scene.qltm.token;
    app.get_as(other, &path).await.problem(404, "not_found");
    app.get_as(other, &content).await.problem(404, "not_found");
    app.get_as(other, &list).await.problem(404, "not_found");
    upload(
        &app,
        other,
        scene.khtc.submission,
        "evidence",
        "x.pdf",
        pdf(),
    )
    .await
    .problem(404, "not_found");
    app.request(reqwest::Method::DELETE, &path, Some(other), None)
        .await
        .problem(404, "not_found");

    // A viewer reads everything and changes nothing.
    let viewer = app.token(Role::Viewer, None).await;
    assert_eq!(app.get_as(&viewer, &path).await.expect(200), own);
    assert_eq!(app.get_as(&viewer, &list).await.expect(200)["total"], 1);
    let (status, _, bytes) = download(&app, &viewer, &content, None).await;
    assert_eq!((status.as_u16(), bytes), (200, pdf()));
    upload(
        &app,
        &viewer,
        scene.khtc.submission,
        "evidence",
        "x.pdf",
        pdf(),
    )
    .await
    .problem(403, "forbidden");
    app.request(reqwest::Method::DELETE, &path, Some(&viewer), None)
        .await
        .problem(403, "forbidden");

    // The Office uploads for a unit.
    let by_office = upload(
        &app,
        &app.admin,
        scene.qltm.submission,
        "statistics",
        "bieu.xlsx",
        xlsx(),
    )
    .await
    .expect(201);
    assert_eq!(by_office["uploaded_by"], "test admin");
    app.get_as(
        &scene.khtc.token,
        &format!("/api/v1/attachments/{}", by_office["id"]),
    )
    .await
    .problem(404, "not_found");
    app.get("/api/v1/submissions/999999/attachments")
        .await
        .problem(404, "not_found");
    app.get("/api/v1/attachments/999999")
        .await
        .problem(404, "not_found");
    assert_eq!(attachment_rows(&app).await, 2);
}

#[actix_web::test]
async fn files_change_only_while_the_report_may_change() {
    let app = TestApp::spawn().await;
    let scene = scene(&app).await;
    let (token, id) = (&scene.khtc.token, scene.khtc.submission);
    let kept = upload(&app, token, id, "evidence", "a.pdf", pdf())
        .await
        .expect(201);
    let (etag, _) = submission(&app, id).await;
    let filled = TestApp::send(
        app.client
            .patch(format!("{}/api/v1/submissions/{id}", app.base_url))
            .bearer_auth(token)
            .header("if-match", etag)
            .json(&json!({"values": {
                "TL-DUNGHAN": {"numerator": 95, "denominator": 100},
                "SL-VANBAN": {"number": 12},
            }})),
    )
    .await;
    filled.expect(200);
    app.post_as(
        token,
        &format!("/api/v1/submissions/{id}/submit"),
        json!({}),
    )
    .await
    .expect(200);

    let refused = upload(&app, token, id, "evidence", "b.pdf", pdf())
        .await
        .problem(409, "submission_not_editable");
    assert!(refused["detail"].as_str().unwrap().contains("submitted"));
    app.request(
        reqwest::Method::DELETE,
        &format!("/api/v1/attachments/{}", kept["id"]),
        Some(token),
        None,
    )
    .await
    .problem(409, "submission_not_editable");
    // What was submitted records the file by checksum.
    let versions = app
        .get(&format!("/api/v1/submissions/{id}/versions"))
        .await
        .expect(200);
    let recorded = &versions["items"][0]["content"]["attachments"];
    assert_eq!(recorded[0]["sha256"], sha256(&pdf()));
    assert_eq!(recorded[0]["filename"], "a.pdf");

    // Returned for changes: files may change again.
    app.post(
        &format!("/api/v1/submissions/{id}/return"),
        json!({"reason": "Bổ sung tài liệu kiểm chứng."}),
    )
    .await
    .expect(200);
    upload(&app, token, id, "evidence", "b.pdf", pdf())
        .await
        .expect(201);

    // Closed without an extension: no more.
    app.post(
        &format!("/api/v1/periods/{}/close", scene.period),
        json!({}),
    )
    .await
    .expect(200);
    upload(&app, token, id, "evidence", "c.pdf", pdf())
        .await
        .problem(409, "period_closed");
    // An extension lets the unit change its files again.
    app.post(
        &format!("/api/v1/periods/{}/extensions", scene.period),
        json!({
            "unit_code": "KHTC",
            "deadline": "2026-12-22T16:30:00+07:00",
            "reason": "Đơn vị đề nghị gia hạn để bổ sung tài liệu.",
        }),
    )
    .await
    .expect(200);
    upload(&app, token, id, "evidence", "c.pdf", pdf())
        .await
        .expect(201);
    assert_eq!(attachment_rows(&app).await, 3);
}

#[actix_web::test]
async fn an_upload_or_delete_gives_the_submission_a_new_etag() {
    let app = TestApp::spawn().await;
    let scene = scene(&app).await;
    let (token, id) = (&scene.khtc.token, scene.khtc.submission);
    let (before, report) = submission(&app, id).await;
    assert_eq!(report["attachments"], json!([]));
    let created = upload(&app, token, id, "statistics", "bieu.xlsx", xlsx())
        .await
        .expect(201);
    let (after, report) = submission(&app, id).await;
    assert_ne!(before, after);
    assert_eq!(after, format!("\"{id}.{}\"", report["revision"]));
    assert_eq!(report["attachments"][0]["id"], created["id"]);
    // An edit based on the old read is refused.
    let stale = TestApp::send(
        app.client
            .patch(format!("{}/api/v1/submissions/{id}", app.base_url))
            .bearer_auth(token)
            .header("if-match", before)
            .json(&json!({"narrative": "Đã cập nhật"})),
    )
    .await;
    stale.problem(412, "precondition_failed");
    app.request(
        reqwest::Method::DELETE,
        &format!("/api/v1/attachments/{}", created["id"]),
        Some(token),
        None,
    )
    .await
    .expect(204);
    let (last, report) = submission(&app, id).await;
    assert_ne!(last, after);
    assert_eq!(report["attachments"], json!([]));
}
