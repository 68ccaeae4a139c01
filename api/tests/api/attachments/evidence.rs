//! Evidence: citations link only files of the same submission, and an evidence file satisfies
//! its indicator's requirement.

use super::*;

/// PATCHes the evidence of a submission as its reporter.
async fn cite(app: &TestApp, unit: &Unit, evidence: Value) -> Answer {
    let (etag, _) = submission(app, unit.submission).await;
    TestApp::send(
        app.client
            .patch(format!(
                "{}/api/v1/submissions/{}",
                app.base_url, unit.submission
            ))
            .bearer_auth(&unit.token)
            .header("if-match", etag)
            .json(&json!({ "evidence": evidence })),
    )
    .await
}

#[actix_web::test]
async fn evidence_citations_link_only_to_files_of_the_same_submission() {
    let app = TestApp::spawn().await;
    let scene = scene(&app).await;
    let own = upload(
        &app,
        &scene.khtc.token,
        scene.khtc.submission,
        "evidence",
        "QĐ 125.pdf",
        pdf(),
    )
    .await
    .expect(201);
    let others = upload(
        &app,
        &scene.qltm.token,
        scene.qltm.submission,
        "evidence",
        "QĐ 200.pdf",
        pdf(),
    )
    .await
    .expect(201);
    let citation = |attachment: &Value| {
        json!([{
            "indicator_code": "SL-VANBAN",
            "document_number": "125/QĐ-SCT",
            "title": "Quyết định công bố danh mục thủ tục hành chính",
            "attachment_id": attachment,
        }])
    };
    let linked = cite(&app, &scene.khtc, citation(&own["id"]))
        .await
        .expect(200);
    assert_eq!(linked["evidence"][0]["attachment_id"], own["id"]);

    let foreign = cite(&app, &scene.khtc, citation(&others["id"]))
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&foreign),
        pairs(&[("evidence[0].attachment_id", "unknown_attachment")])
    );
    cite(&app, &scene.khtc, citation(&json!(987654)))
        .await
        .problem(422, "validation_failed");

    // A cited file is kept until the link goes.
    let own_path = format!("/api/v1/attachments/{}", own["id"]);
    let delete_own = || {
        app.request(
            reqwest::Method::DELETE,
            &own_path,
            Some(&scene.khtc.token),
            None,
        )
    };
    let cited = delete_own().await.problem(409, "attachment_cited");
    assert_eq!(
        errors(&cited),
        pairs(&[("evidence[0].attachment_id", "attachment_cited")])
    );
    let unlinked = cite(&app, &scene.khtc, citation(&Value::Null))
        .await
        .expect(200);
    assert_eq!(unlinked["evidence"][0]["attachment_id"], Value::Null);
    delete_own().await.expect(204);
}

/// An indicator that requires evidence is satisfied by an evidence file uploaded for it, as
/// well as by a citation; a file uploaded for another indicator does not count.
#[actix_web::test]
async fn an_evidence_file_for_the_indicator_satisfies_its_evidence_requirement() {
    let app = TestApp::spawn().await;
    let scene = scene(&app).await;
    app.patch("/api/v1/indicators/2", json!({"evidence_required": true}))
        .await
        .expect(200);
    // Draft periods follow the latest definition; this one is open, so use a fresh period.
    let indicator = app.get("/api/v1/indicators/2").await.expect(200);
    assert_eq!(indicator["code"], "SL-VANBAN");
    let period = app
        .post(
            "/api/v1/periods",
            json!({
                "code": "2026-Q4-B",
                "title": "Báo cáo CCHC bổ sung Quý IV/2026",
                "report_type": "periodic",
                "frequency": "quarterly",
                "year": 2026,
                "sequence": 4,
                "deadline": DEADLINE,
                "indicator_codes": ["SL-VANBAN"],
                "unit_codes": ["KHTC"],
            }),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    app.post(&format!("/api/v1/periods/{period}/open"), json!({}))
        .await
        .expect(200);
    let token = &scene.khtc.token;
    let id = app
        .post_as(
            token,
            &format!("/api/v1/periods/{period}/submissions"),
            json!({}),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let (etag, _) = submission(&app, id).await;
    TestApp::send(
        app.client
            .patch(format!("{}/api/v1/submissions/{id}", app.base_url))
            .bearer_auth(token)
            .header("if-match", etag)
            .json(&json!({"values": {"SL-VANBAN": {"number": 12}}})),
    )
    .await
    .expect(200);
    let submit = format!("/api/v1/submissions/{id}/submit");
    let problem = app.post_as(token, &submit, json!({})).await.expect(422);
    assert_eq!(
        errors(&problem),
        pairs(&[("values.SL-VANBAN.evidence", "evidence_required")])
    );
    // A file without an indicator is evidence of the report as a whole, not of SL-VANBAN.
    upload(&app, token, id, "evidence", "chung.pdf", pdf())
        .await
        .expect(201);
    app.post_as(token, &submit, json!({})).await.expect(422);
    let form = Form::new()
        .text("purpose", "evidence")
        .text("indicator_code", "SL-VANBAN")
        .part(
            "file",
            file_part("quyet-dinh.pdf", pdf(), "application/pdf"),
        );
    post_form(&app, token, id, form).await.expect(201);
    let submitted = app.post_as(token, &submit, json!({})).await.expect(200);
    assert_eq!(submitted["status"], "submitted");
}
