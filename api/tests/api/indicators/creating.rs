//! Creating indicators: each kind at version one, codes, and content areas.

use super::*;

#[actix_web::test]
async fn each_kind_is_created_at_version_one() {
    let app = TestApp::spawn().await;

    let answer = app
        .post(
            "/api/v1/indicators",
            json!({
                "code": "TTHC-DUNGHAN",
                "name": "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn",
                "description": "  Theo Quyết định 766/QĐ-TTg  ",
                "content_area": "administrative_procedure_reform",
                "kind": "ratio",
            }),
        )
        .await;
    let location = answer
        .headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let ratio = answer.expect(201);
    assert_eq!(location.as_deref(), Some(&*path_of(&ratio)));
    assert_eq!(ratio["version"], 1);
    assert_eq!(ratio["code"], "TTHC-DUNGHAN");
    assert_eq!(ratio["name"], "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn");
    assert_eq!(ratio["description"], "Theo Quyết định 766/QĐ-TTg");
    assert_eq!(ratio["content_area"], "administrative_procedure_reform");
    assert_eq!(ratio["kind"], "ratio");
    assert_eq!(ratio["unit_of_measure"], "%", "a ratio defaults to %");
    assert_eq!(ratio["target"], Value::Null);
    assert_eq!(num(&ratio["tolerance"]), 0.0);
    assert_eq!(ratio["evidence_required"], false);
    assert_eq!(ratio["active"], true);
    assert_eq!(ratio["created_at"], "2026-11-20T09:00:00+07:00");
    assert_eq!(app.get(&path_of(&ratio)).await.expect(200), ratio);

    let count = app
        .post(
            "/api/v1/indicators",
            with(
                body("VB.01", "count"),
                json!({"unit_of_measure": "văn bản", "target": {"comparator": "gte", "threshold": 12}, "tolerance": 1, "evidence_required": true}),
            ),
        )
        .await
        .expect(201);
    assert_eq!(count["version"], 1);
    assert_eq!(count["kind"], "count");
    assert_eq!(count["unit_of_measure"], "văn bản");
    assert_eq!(count["target"]["comparator"], "gte");
    assert_eq!(num(&count["target"]["threshold"]), 12.0);
    assert_eq!(num(&count["tolerance"]), 1.0);
    assert_eq!(count["evidence_required"], true);

    let decimal = app
        .post(
            "/api/v1/indicators",
            with(
                body("CHI-TB", "decimal"),
                json!({"unit_of_measure": "triệu đồng", "target": {"comparator": "lte", "threshold": 12.75}, "tolerance": 0.25}),
            ),
        )
        .await
        .expect(201);
    assert_eq!(decimal["version"], 1);
    assert_eq!(decimal["kind"], "decimal");
    assert_eq!(decimal["target"]["comparator"], "lte");
    assert_eq!(num(&decimal["target"]["threshold"]), 12.75);
    assert_eq!(num(&decimal["tolerance"]), 0.25);

    let boolean = app
        .post(
            "/api/v1/indicators",
            with(
                body("KH_CCHC", "boolean"),
                json!({"target": {"comparator": "eq", "threshold": 1}, "active": false}),
            ),
        )
        .await
        .expect(201);
    assert_eq!(boolean["version"], 1);
    assert_eq!(boolean["kind"], "boolean");
    assert_eq!(boolean["unit_of_measure"], Value::Null);
    assert_eq!(num(&boolean["target"]["threshold"]), 1.0);
    assert_eq!(boolean["active"], false);

    let text = app
        .post("/api/v1/indicators", body("GHICHU", "text"))
        .await
        .expect(201);
    assert_eq!(text["version"], 1);
    assert_eq!(text["kind"], "text");
    assert_eq!(text["unit_of_measure"], Value::Null);
    assert_eq!(text["target"], Value::Null);

    // Version 1 is recorded with the definition.
    for indicator in [&ratio, &count, &decimal, &boolean, &text] {
        let page = versions(&app, indicator).await;
        assert_eq!(page["total"], 1);
        let v1 = &page["items"][0];
        assert_eq!(v1["version"], 1);
        assert_eq!(v1["indicator_id"], indicator["id"]);
        assert_eq!(v1["code"], indicator["code"]);
        assert_eq!(v1["name"], indicator["name"]);
        assert_eq!(v1["kind"], indicator["kind"]);
        assert_eq!(v1["target"], indicator["target"]);
        assert_eq!(v1["unit_of_measure"], indicator["unit_of_measure"]);
    }
    assert_eq!(total(&app).await, 5);
}

#[actix_web::test]
async fn duplicate_and_bad_codes_are_rejected() {
    let app = TestApp::spawn().await;
    let first = app.indicator("TTHC.01", "ratio").await;
    let problem = app
        .post("/api/v1/indicators", body("TTHC.01", "count"))
        .await
        .problem(409, "duplicate_code");
    assert_eq!(Answer::fields(&problem), ["code"]);
    let kept = app.get(&path_of(&first)).await.expect(200);
    assert_eq!(kept["kind"], "ratio");

    let long = "A".repeat(33);
    for code in ["tthc.01", "", ".TTHC", "TTHC 01", "TTHC/01", long.as_str()] {
        let problem = app
            .post("/api/v1/indicators", body(code, "count"))
            .await
            .problem(422, "validation_failed");
        assert_eq!(Answer::fields(&problem), ["code"], "code {code:?}");
    }
    let problem = app
        .post("/api/v1/indicators", body("tthc", "count"))
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&problem), [pair("code", "invalid_code")]);
    // 32 characters is the limit.
    app.post("/api/v1/indicators", body(&"A".repeat(32), "count"))
        .await
        .expect(201);
    assert_eq!(total(&app).await, 2);
}

#[actix_web::test]
async fn every_content_area_is_accepted_and_unknown_ones_are_400() {
    let app = TestApp::spawn().await;
    for (i, area) in CONTENT_AREAS.iter().enumerate() {
        let created = app
            .post(
                "/api/v1/indicators",
                with(
                    body(&format!("CA.{i}"), "count"),
                    json!({"content_area": area}),
                ),
            )
            .await
            .expect(201);
        assert_eq!(created["content_area"], *area);
        let listed = app
            .get(&format!("/api/v1/indicators?content_area={area}"))
            .await
            .expect(200);
        assert_eq!(codes(&listed), [format!("CA.{i}")]);
    }
    assert_eq!(total(&app).await, 8);

    let problem = app
        .post(
            "/api/v1/indicators",
            with(body("CA.X", "count"), json!({"content_area": "happiness"})),
        )
        .await
        .problem(400, "invalid_body");
    assert_eq!(Answer::fields(&problem), ["content_area"]);
    assert_eq!(problem["errors"][0]["code"], "invalid_value");
    let existing = app
        .get("/api/v1/indicators?content_area=inspection")
        .await
        .expect(200);
    let problem = app
        .patch(
            &path_of(&existing["items"][0]),
            json!({"content_area": "happiness"}),
        )
        .await
        .problem(400, "invalid_body");
    assert_eq!(Answer::fields(&problem), ["content_area"]);
    let problem = app
        .get("/api/v1/indicators?content_area=happiness")
        .await
        .problem(400, "invalid_query");
    assert_eq!(Answer::fields(&problem), ["content_area"]);
    assert_eq!(total(&app).await, 8);
}
