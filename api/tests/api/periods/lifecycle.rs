//! The draft → open → closed lifecycle: opening, deleting, who may act, and the indicator
//! versions an open period keeps.

use super::*;

#[actix_web::test]
async fn periods_go_from_draft_to_open_to_closed() {
    let app = TestApp::spawn().await;
    organisation(&app).await;
    let created = create(&app, period("2023-Q1", "quarterly", Some(2023), Some(1))).await;
    let id = id_of(&created);
    assert_eq!(created["status"], "draft");
    assert_eq!(created["opened_at"], Value::Null);
    assert_eq!(created["closed_at"], Value::Null);

    let opened = app
        .post(&format!("/api/v1/periods/{id}/open"), json!({}))
        .await
        .expect(200);
    assert_eq!(opened["status"], "open");
    assert_eq!(opened["opened_at"], "2026-11-20T09:00:00+07:00");
    assert_eq!(opened["closed_at"], Value::Null);
    let problem = app
        .post(&format!("/api/v1/periods/{id}/open"), json!({}))
        .await
        .problem(409, "invalid_transition");
    assert!(problem["detail"].as_str().unwrap().contains("open"));

    app.clock.set(
        chrono::DateTime::parse_from_rfc3339("2026-11-30T10:15:00+07:00")
            .unwrap()
            .into(),
    );
    let closed = app
        .post(&format!("/api/v1/periods/{id}/close"), json!({}))
        .await
        .expect(200);
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["opened_at"], "2026-11-20T09:00:00+07:00");
    assert_eq!(closed["closed_at"], "2026-11-30T10:15:00+07:00");
    assert_eq!(closed["updated_at"], "2026-11-30T10:15:00+07:00");
    app.post(&format!("/api/v1/periods/{id}/close"), json!({}))
        .await
        .problem(409, "invalid_transition");
    app.post(&format!("/api/v1/periods/{id}/open"), json!({}))
        .await
        .problem(409, "invalid_transition");
    assert_eq!(
        app.get(&format!("/api/v1/periods/{id}")).await.expect(200)["status"],
        "closed"
    );

    // A draft cannot be closed.
    let draft = create(&app, period("2023-Q2", "quarterly", Some(2023), Some(2))).await;
    app.post(
        &format!("/api/v1/periods/{}/close", id_of(&draft)),
        json!({}),
    )
    .await
    .problem(409, "invalid_transition");
    assert_eq!(
        app.get(&format!("/api/v1/periods/{}", id_of(&draft)))
            .await
            .expect(200)["status"],
        "draft"
    );

    // Unknown periods.
    app.post("/api/v1/periods/999999/open", json!({}))
        .await
        .problem(404, "not_found");
    app.post("/api/v1/periods/999999/close", json!({}))
        .await
        .problem(404, "not_found");
    app.get("/api/v1/periods/999999")
        .await
        .problem(404, "not_found");
    app.get("/api/v1/periods/abc")
        .await
        .problem(404, "not_found");
}

#[actix_web::test]
async fn a_period_without_indicators_or_units_cannot_open() {
    let app = TestApp::spawn().await;
    // Nothing exists yet, so the defaults are empty.
    let empty = create(&app, period("2023-Q1", "quarterly", Some(2023), Some(1))).await;
    assert_eq!(empty["indicators"], json!([]));
    assert_eq!(empty["units"], json!([]));
    let id = id_of(&empty);
    let problem = app
        .post(&format!("/api/v1/periods/{id}/open"), json!({}))
        .await
        .problem(409, "period_incomplete");
    assert_eq!(
        errors(&problem),
        pairs(&[("indicator_codes", "required"), ("unit_codes", "required")])
    );

    organisation(&app).await;
    let fixed = app
        .patch(
            &format!("/api/v1/periods/{id}"),
            json!({"indicator_codes": ["TTHC-DUNGHAN"]}),
        )
        .await
        .expect(200);
    assert_eq!(codes(&fixed["indicators"], "code"), vec!["TTHC-DUNGHAN"]);
    let problem = app
        .post(&format!("/api/v1/periods/{id}/open"), json!({}))
        .await
        .problem(409, "period_incomplete");
    assert_eq!(Answer::fields(&problem), vec!["unit_codes"]);
    assert_eq!(
        app.get(&format!("/api/v1/periods/{id}")).await.expect(200)["status"],
        "draft"
    );

    app.patch(
        &format!("/api/v1/periods/{id}"),
        json!({"unit_codes": ["KHTC"]}),
    )
    .await
    .expect(200);
    let opened = app
        .post(&format!("/api/v1/periods/{id}/open"), json!({}))
        .await
        .expect(200);
    assert_eq!(opened["status"], "open");
    assert_eq!(codes(&opened["units"], "code"), vec!["KHTC"]);

    // Explicit empty lists are just as incomplete.
    let explicit = create(
        &app,
        with(
            period("2023-Q2", "quarterly", Some(2023), Some(2)),
            json!({"indicator_codes": [], "unit_codes": []}),
        ),
    )
    .await;
    let problem = app
        .post(
            &format!("/api/v1/periods/{}/open", id_of(&explicit)),
            json!({}),
        )
        .await
        .problem(409, "period_incomplete");
    assert_eq!(
        Answer::fields(&problem),
        vec!["indicator_codes", "unit_codes"]
    );
}

#[actix_web::test]
async fn only_drafts_can_be_deleted() {
    let app = TestApp::spawn().await;
    organisation(&app).await;
    let draft = create(
        &app,
        with(
            period("2023-Q1", "quarterly", Some(2023), Some(1)),
            json!({"legal_basis": [{"number": "733/SNV-TT", "issued_on": "2023-03-06", "title": "Công văn"}]}),
        ),
    )
    .await;
    assert_eq!(draft["units"].as_array().unwrap().len(), 2);
    let path = format!("/api/v1/periods/{}", id_of(&draft));
    let deleted = app.delete(&path).await;
    assert_eq!(deleted.status.as_u16(), 204);
    assert_eq!(deleted.body, Value::Null);
    app.get(&path).await.problem(404, "not_found");
    app.delete(&path).await.problem(404, "not_found");
    // The code is free again.
    create(&app, period("2023-Q1", "quarterly", Some(2023), Some(1))).await;

    let open = create(&app, period("2023-Q2", "quarterly", Some(2023), Some(2))).await;
    let path = format!("/api/v1/periods/{}", id_of(&open));
    app.post(&format!("{path}/open"), json!({}))
        .await
        .expect(200);
    app.delete(&path).await.problem(409, "period_not_draft");
    assert_eq!(app.get(&path).await.expect(200)["status"], "open");
    app.post(&format!("{path}/close"), json!({}))
        .await
        .expect(200);
    app.delete(&path).await.problem(409, "period_not_draft");
    assert_eq!(app.get(&path).await.expect(200)["status"], "closed");
}

#[actix_web::test]
async fn only_admins_create_change_open_and_close() {
    let app = TestApp::spawn().await;
    organisation(&app).await;
    let draft = create(&app, period("2023-Q1", "quarterly", Some(2023), Some(1))).await;
    let id = id_of(&draft);
    let viewer = app.token(Role::Viewer, None).await;
    let reporter = app.token(Role::Reporter, Some("KHTC")).await;
    for token in [&viewer, &reporter] {
        app.post_as(
            token,
            "/api/v1/periods",
            period("2023-Q2", "quarterly", Some(2023), Some(2)),
        )
        .await
        .problem(403, "forbidden");
        // The role check comes before the body is looked at.
        app.post_as(token, "/api/v1/periods", json!({}))
            .await
            .problem(403, "forbidden");
        app.post_as(token, &format!("/api/v1/periods/{id}/open"), json!({}))
            .await
            .problem(403, "forbidden");
        app.post_as(token, &format!("/api/v1/periods/{id}/close"), json!({}))
            .await
            .problem(403, "forbidden");
        app.request(
            reqwest::Method::PATCH,
            &format!("/api/v1/periods/{id}"),
            Some(token),
            Some(&json!({"title": "x"})),
        )
        .await
        .problem(403, "forbidden");
        app.request(
            reqwest::Method::DELETE,
            &format!("/api/v1/periods/{id}"),
            Some(token),
            None,
        )
        .await
        .problem(403, "forbidden");
        // Reading is open to them.
        let read = app
            .get_as(token, &format!("/api/v1/periods/{id}"))
            .await
            .expect(200);
        assert_eq!(read["status"], "draft");
        assert_eq!(read["title"], "Báo cáo CCHC 2023-Q1");
        let list = app.get_as(token, "/api/v1/periods").await.expect(200);
        assert_eq!(list["total"], 1);
    }
    app.request(reqwest::Method::GET, "/api/v1/periods", None, None)
        .await
        .problem(401, "unauthenticated");
}

#[actix_web::test]
async fn open_and_closed_periods_keep_their_indicator_version() {
    let app = TestApp::spawn().await;
    organisation(&app).await;
    let indicator = app
        .get("/api/v1/indicators?q=TTHC-DUNGHAN")
        .await
        .expect(200)["items"][0]
        .clone();
    let indicator_id = indicator["id"].as_i64().expect("indicator id");
    assert_eq!(indicator["version"], 1);
    let only = json!({"indicator_codes": ["TTHC-DUNGHAN"]});
    let draft = create(
        &app,
        with(
            period("2023-Q3", "quarterly", Some(2023), Some(3)),
            only.clone(),
        ),
    )
    .await;
    let open = create(
        &app,
        with(
            period("2023-Q2", "quarterly", Some(2023), Some(2)),
            only.clone(),
        ),
    )
    .await;
    let closed = create(
        &app,
        with(period("2023-Q1", "quarterly", Some(2023), Some(1)), only),
    )
    .await;
    for p in [&open, &closed] {
        app.post(&format!("/api/v1/periods/{}/open", id_of(p)), json!({}))
            .await
            .expect(200);
    }
    app.post(
        &format!("/api/v1/periods/{}/close", id_of(&closed)),
        json!({}),
    )
    .await
    .expect(200);

    let edited = app
        .patch(
            &format!("/api/v1/indicators/{indicator_id}"),
            json!({
                "name": "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn",
                "target": {"comparator": "gte", "threshold": 95},
            }),
        )
        .await
        .expect(200);
    assert_eq!(edited["version"], 2);

    let indicator_of = |p: Value| p["indicators"][0].clone();
    let in_draft = indicator_of(read(&app, &draft).await);
    assert_eq!(in_draft["version"], 2);
    assert_eq!(in_draft["name"], "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn");
    assert_eq!(in_draft["target"]["comparator"], "gte");
    for p in [&open, &closed] {
        let kept = indicator_of(read(&app, p).await);
        assert_eq!(kept["indicator_id"], indicator_id);
        assert_eq!(kept["version"], 1, "{}", p["code"]);
        assert_eq!(kept["name"], "Chỉ tiêu TTHC-DUNGHAN", "{}", p["code"]);
        assert_eq!(kept["target"], Value::Null, "{}", p["code"]);
    }

    // Opening pins the version of that moment; later edits leave it.
    let opened = app
        .post(
            &format!("/api/v1/periods/{}/open", id_of(&draft)),
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(opened["indicators"][0]["version"], 2);
    let edited = app
        .patch(
            &format!("/api/v1/indicators/{indicator_id}"),
            json!({"name": "Tỷ lệ hồ sơ giải quyết đúng hạn (sửa lần 2)"}),
        )
        .await
        .expect(200);
    assert_eq!(edited["version"], 3);
    let pinned = indicator_of(read(&app, &draft).await);
    assert_eq!(pinned["version"], 2);
    assert_eq!(pinned["name"], "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn");
    // A new draft takes the current version.
    let fresh = create(&app, period("2023-Q4", "quarterly", Some(2023), Some(4))).await;
    let fresh_indicator = fresh["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "TTHC-DUNGHAN")
        .cloned()
        .expect("indicator in the default set");
    assert_eq!(fresh_indicator["version"], 3);
    assert_eq!(
        fresh_indicator["name"],
        "Tỷ lệ hồ sơ giải quyết đúng hạn (sửa lần 2)"
    );
}
