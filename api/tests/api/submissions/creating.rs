//! Starting a unit's draft: who may, for which unit, once, and only in an open period.

use super::*;

#[actix_web::test]
async fn a_reporter_starts_its_own_units_draft() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let token = app.token(Role::Reporter, Some("KHTC")).await;
    let created = app
        .post_as(
            &token,
            &format!("/api/v1/periods/{period}/submissions"),
            json!({}),
        )
        .await;
    let etag = tag(&created);
    let location = created.headers["location"].to_str().unwrap().to_owned();
    let body = created.expect(201);
    let id = body["id"].as_i64().unwrap();
    assert_eq!(etag, format!("\"{id}.1\""));
    assert_eq!(location, format!("/api/v1/submissions/{id}"));
    assert_eq!(body["period_id"], period);
    assert_eq!(body["period_code"], "2026-Q4");
    assert_eq!(body["unit_code"], "KHTC");
    assert_eq!(body["unit_name"], "Đơn vị KHTC");
    assert_eq!(body["status"], "draft");
    assert_eq!(body["revision"], 1);
    assert_eq!(body["narrative"], Value::Null);
    assert_eq!(body["evidence"], json!([]));
    assert_eq!(body["deadline"], DEADLINE);
    assert_eq!(body["has_extension"], false);
    assert_eq!(body["submit_count"], 0);
    assert_eq!(body["timeliness"], Value::Null);
    assert_eq!(body["minutes_late"], Value::Null);
    assert_eq!(body["first_submitted_at"], Value::Null);
    assert_eq!(body["return_reason"], Value::Null);
    assert_eq!(body["accepted_at"], Value::Null);
    assert_eq!(body["created_at"], "2026-11-20T09:00:00+07:00");
    let codes: Vec<&str> = body["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes, INDICATORS,
        "one entry per indicator, in period order"
    );
    for v in body["values"].as_array().unwrap() {
        assert_eq!(v["answered"], false, "{v}");
        assert_eq!(v["explanation_required"], false, "{v}");
        assert_eq!(v["percentage"], Value::Null, "{v}");
    }
    assert_eq!(value(&body, "TL-DUNGHAN")["kind"], "ratio");
    assert_eq!(value(&body, "SL-VANBAN")["unit_of_measure"], "văn bản");

    // The Location answers, with the same entity tag.
    let fetched = app.get_as(&token, &location).await;
    assert_eq!(tag(&fetched), etag);
    assert_eq!(fetched.expect(200)["id"], id);

    // A reporter may also name its own unit.
    let qltm = app.token(Role::Reporter, Some("QLTM")).await;
    let own = app
        .post_as(
            &qltm,
            &format!("/api/v1/periods/{period}/submissions"),
            json!({"unit_code": "QLTM"}),
        )
        .await
        .expect(201);
    assert_eq!(own["unit_code"], "QLTM");
    assert_ne!(own["id"], id);
}

#[actix_web::test]
async fn creating_is_refused_for_the_wrong_unit_or_role() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let path = format!("/api/v1/periods/{period}/submissions");
    let khtc = app.token(Role::Reporter, Some("KHTC")).await;

    for other in ["QLTM", "NOPE"] {
        let problem = app
            .post_as(&khtc, &path, json!({"unit_code": other}))
            .await
            .problem(422, "validation_failed");
        assert_eq!(
            errors(&problem),
            pairs(&[("unit_code", "not_your_unit")]),
            "{other}"
        );
    }

    let problem = app
        .post(&path, json!({}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&problem), pairs(&[("unit_code", "required")]));
    let problem = app
        .post(&path, json!({"unit_code": "NOPE"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&problem), pairs(&[("unit_code", "unknown_code")]));
    let problem = app
        .post(&path, json!({"unit_code": "TTRA"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[("unit_code", "not_participating")])
    );
    let ttra = app.token(Role::Reporter, Some("TTRA")).await;
    let problem = app
        .post_as(&ttra, &path, json!({}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[("unit_code", "not_participating")])
    );

    let viewer = app.token(Role::Viewer, None).await;
    let integration = app.token(Role::Integration, None).await;
    for token in [&viewer, &integration] {
        app.post_as(token, &path, json!({}))
            .await
            .problem(403, "forbidden");
        app.post_as(token, &path, json!({"unit_code": "KHTC"}))
            .await
            .problem(403, "forbidden");
    }

    // Nothing was created so far.
    assert_eq!(
        app.get(&path).await.expect(200)["total"],
        0,
        "refusals create nothing"
    );

    let first = app.post_as(&khtc, &path, json!({})).await.expect(201);
    let problem = app
        .post_as(&khtc, &path, json!({}))
        .await
        .problem(409, "submission_exists");
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains(&first["id"].to_string()));
    app.post(&path, json!({"unit_code": "KHTC"}))
        .await
        .problem(409, "submission_exists");

    // The Office files for a unit by naming it.
    let by_office = app
        .post(&path, json!({"unit_code": "QLTM"}))
        .await
        .expect(201);
    assert_eq!(by_office["unit_code"], "QLTM");
    let list = app.get(&path).await.expect(200);
    assert_eq!(list["total"], 2);
    assert_eq!(unit_codes(&list), ["KHTC", "QLTM"]);

    app.post_as(&khtc, "/api/v1/periods/999999/submissions", json!({}))
        .await
        .problem(404, "not_found");
}

#[actix_web::test]
async fn concurrent_creation_of_one_units_report_is_one_201_and_409s() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let token = app.token(Role::Reporter, Some("KHTC")).await;
    let path = format!("/api/v1/periods/{period}/submissions");
    // Many at once, so some pass the pre-check together and meet at the unique key.
    let answers =
        futures_util::future::join_all((0..16).map(|_| app.post_as(&token, &path, json!({}))))
            .await;
    let mut created = 0;
    for answer in answers {
        if answer.status.as_u16() == 201 {
            created += 1;
        } else {
            answer.problem(409, "submission_exists");
        }
    }
    assert_eq!(created, 1, "exactly one report is created");
    assert_eq!(app.get(&path).await.expect(200)["total"], 1);
}

#[actix_web::test]
async fn drafts_need_an_open_period() {
    let app = TestApp::spawn().await;
    organisation(&app).await;
    let period = draft_period(&app).await;
    let path = format!("/api/v1/periods/{period}/submissions");
    let khtc = app.token(Role::Reporter, Some("KHTC")).await;
    app.post_as(&khtc, &path, json!({}))
        .await
        .problem(409, "period_not_open");
    app.post(&path, json!({"unit_code": "QLTM"}))
        .await
        .problem(409, "period_not_open");

    open(&app, period).await;
    let vp = start(&app, period, "VP").await;
    assert!(vp.id > 0);

    app.clock.set(at("2026-12-16T08:00:00+07:00"));
    close(&app, period).await;
    app.post_as(&khtc, &path, json!({}))
        .await
        .problem(409, "period_closed");
    app.post(&path, json!({"unit_code": "QLTM"}))
        .await
        .problem(409, "period_closed");
    let list = app.get(&path).await.expect(200);
    assert_eq!(unit_codes(&list), ["VP"]);
}
