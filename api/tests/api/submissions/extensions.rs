//! Per-unit extensions: checked, listed and replaced, and what they let a unit do after closing.

use super::*;

#[actix_web::test]
async fn extensions_are_checked() {
    let app = TestApp::spawn().await;
    organisation(&app).await;
    let period = draft_period(&app).await;
    let path = format!("/api/v1/periods/{period}/extensions");
    let later = "2026-12-22T16:30:00+07:00";
    let grant = |unit: &str, deadline: &str| json!({"unit_code": unit, "deadline": deadline, "reason": "Phòng đang chờ số liệu."});

    app.post(&path, grant("KHTC", later))
        .await
        .problem(409, "period_not_open");
    open(&app, period).await;

    for deadline in [
        DEADLINE,
        "2026-12-15T09:30:00Z",
        "2026-12-10T16:30:00+07:00",
    ] {
        let problem = app
            .post(&path, grant("KHTC", deadline))
            .await
            .problem(422, "validation_failed");
        assert_eq!(
            errors(&problem),
            pairs(&[("deadline", "not_later")]),
            "{deadline}"
        );
    }
    let problem = app
        .post(&path, grant("NOPE", later))
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&problem), pairs(&[("unit_code", "unknown_code")]));
    let problem = app
        .post(&path, grant("TTRA", later))
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[("unit_code", "not_participating")])
    );
    let problem = app
        .post(
            &path,
            json!({"unit_code": "NOPE", "deadline": DEADLINE, "reason": "  "}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[
            ("reason", "required"),
            ("deadline", "not_later"),
            ("unit_code", "unknown_code"),
        ])
    );

    let reporter = app.token(Role::Reporter, Some("KHTC")).await;
    let viewer = app.token(Role::Viewer, None).await;
    for token in [&reporter, &viewer] {
        app.post_as(token, &path, grant("KHTC", later))
            .await
            .problem(403, "forbidden");
    }
    assert_eq!(app.get(&path).await.expect(200)["total"], 0);
    app.post("/api/v1/periods/999999/extensions", grant("KHTC", later))
        .await
        .problem(404, "not_found");
}

#[actix_web::test]
async fn extensions_are_listed_and_replaced() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let path = format!("/api/v1/periods/{period}/extensions");
    let khtc = start(&app, period, "KHTC").await;
    let before = app.get(&khtc.path()).await.expect(200);
    assert_eq!(before["has_extension"], false);
    assert_eq!(before["deadline"], DEADLINE);

    app.clock.set(at("2026-11-25T09:00:00+07:00"));
    let granted = app
        .post(
            &path,
            json!({"unit_code": "QLTM", "deadline": "2026-12-18T16:30:00+07:00", "reason": "  Chờ số liệu từ Cổng dịch vụ công.  "}),
        )
        .await
        .expect(200);
    assert_eq!(
        granted,
        json!({
            "unit_code": "QLTM",
            "deadline": "2026-12-18T16:30:00+07:00",
            "reason": "Chờ số liệu từ Cổng dịch vụ công.",
            "granted_at": "2026-11-25T09:00:00+07:00",
            "granted_by": "test admin",
        })
    );
    app.post(
        &path,
        json!({"unit_code": "KHTC", "deadline": "2026-12-22T09:30:00Z", "reason": "Nhân sự nghỉ ốm."}),
    )
    .await
    .expect(200);

    let all = app.get(&path).await.expect(200);
    assert_eq!(all["total"], 2);
    assert_eq!(unit_codes(&all), ["KHTC", "QLTM"]);
    assert_eq!(all["items"][0]["deadline"], "2026-12-22T16:30:00+07:00");
    assert_eq!(all["items"][1], granted);
    let viewer = app.token(Role::Viewer, None).await;
    assert_eq!(
        unit_codes(&app.get_as(&viewer, &path).await.expect(200)),
        ["KHTC", "QLTM"]
    );
    let own = app.get_as(&khtc.token, &path).await.expect(200);
    assert_eq!(unit_codes(&own), ["KHTC"]);
    assert_eq!(own["total"], 1);
    let vp = app.token(Role::Reporter, Some("VP")).await;
    let none = app.get_as(&vp, &path).await.expect(200);
    assert_eq!(none["total"], 0);

    // The existing draft now carries the extension's deadline.
    let after = app.get_as(&khtc.token, &khtc.path()).await.expect(200);
    assert_eq!(after["has_extension"], true);
    assert_eq!(after["deadline"], "2026-12-22T16:30:00+07:00");

    // Granting again replaces it.
    app.clock.set(at("2026-11-26T09:00:00+07:00"));
    let again = app
        .post(
            &path,
            json!({"unit_code": "KHTC", "deadline": "2026-12-29T16:30:00+07:00", "reason": "Gia hạn thêm."}),
        )
        .await
        .expect(200);
    assert_eq!(again["deadline"], "2026-12-29T16:30:00+07:00");
    let all = app.get(&path).await.expect(200);
    assert_eq!(all["total"], 2);
    assert_eq!(
        all["items"][0],
        json!({
            "unit_code": "KHTC",
            "deadline": "2026-12-29T16:30:00+07:00",
            "reason": "Gia hạn thêm.",
            "granted_at": "2026-11-26T09:00:00+07:00",
            "granted_by": "test admin",
        })
    );
    let after = app.get_as(&khtc.token, &khtc.path()).await.expect(200);
    assert_eq!(after["deadline"], "2026-12-29T16:30:00+07:00");

    // A unit without one keeps the period's.
    let vp_draft = app
        .post_as(
            &vp,
            &format!("/api/v1/periods/{period}/submissions"),
            json!({}),
        )
        .await
        .expect(201);
    assert_eq!(vp_draft["has_extension"], false);
    assert_eq!(vp_draft["deadline"], DEADLINE);
}

#[actix_web::test]
async fn after_closing_only_units_with_an_extension_may_file() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let path = format!("/api/v1/periods/{period}/extensions");
    // TCHC starts a draft while the period is open but gets no extension.
    let mut tchc = filled(&app, period, "TCHC").await;
    for (unit, deadline) in [
        ("KHTC", "2026-12-22T16:30:00+07:00"),
        ("QLTM", "2026-12-18T16:30:00+07:00"),
    ] {
        app.post(
            &path,
            json!({"unit_code": unit, "deadline": deadline, "reason": "Chờ số liệu."}),
        )
        .await
        .expect(200);
    }
    app.clock.set(at("2026-12-16T08:00:00+07:00"));
    close(&app, period).await;

    // With an extension: a draft can still be started and submitted, judged against the
    // unit's own deadline.
    app.clock.set(at("2026-12-17T09:00:00+07:00"));
    let mut khtc = filled(&app, period, "KHTC").await;
    let mut qltm = filled(&app, period, "QLTM").await;
    app.clock.set(at("2026-12-22T09:00:00+07:00"));
    let on_time = submit(&app, &mut khtc).await.expect(200);
    assert_eq!(on_time["timeliness"], "on_time");
    assert_eq!(on_time["minutes_late"], 0);
    assert_eq!(on_time["has_extension"], true);
    assert_eq!(on_time["deadline"], "2026-12-22T16:30:00+07:00");
    let late = submit(&app, &mut qltm).await.expect(200);
    assert_eq!(late["timeliness"], "late");
    // Friday 18/12 16:30 to Tuesday 22/12 09:00: 88 h 30 min.
    assert_eq!(late["minutes_late"], 5310);
    assert_eq!(late["deadline"], "2026-12-18T16:30:00+07:00");
    let versions = app
        .get_as(&qltm.token, &format!("{}/versions", qltm.path()))
        .await
        .expect(200);
    assert_eq!(
        versions["items"][0]["deadline"],
        "2026-12-18T16:30:00+07:00"
    );

    // Without one: closed.
    let vp = app.token(Role::Reporter, Some("VP")).await;
    app.post_as(
        &vp,
        &format!("/api/v1/periods/{period}/submissions"),
        json!({}),
    )
    .await
    .problem(409, "period_closed");
    submit(&app, &mut tchc).await.problem(409, "period_closed");
    let tchc_now = app.get(&tchc.path()).await.expect(200);
    assert_eq!(tchc_now["status"], "draft");
    assert_eq!(tchc_now["submit_count"], 0);

    // The Office can still grant one after closing, and then the unit may file.
    app.post(
        &path,
        json!({"unit_code": "VP", "deadline": "2026-12-23T16:30:00+07:00", "reason": "Bổ sung sau."}),
    )
    .await
    .expect(200);
    let vp_draft = app
        .post_as(
            &vp,
            &format!("/api/v1/periods/{period}/submissions"),
            json!({}),
        )
        .await
        .expect(201);
    assert_eq!(vp_draft["deadline"], "2026-12-23T16:30:00+07:00");
    let list = app
        .get(&format!("/api/v1/periods/{period}/submissions"))
        .await
        .expect(200);
    assert_eq!(unit_codes(&list), ["KHTC", "QLTM", "TCHC", "VP"]);
}

#[actix_web::test]
async fn drafts_freeze_when_the_period_closes_unless_extended() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut khtc = start(&app, period, "KHTC").await;
    let qltm = start(&app, period, "QLTM").await;
    close(&app, period).await;
    try_save(&app, &qltm, json!({"narrative": "Muộn"}))
        .await
        .problem(409, "period_closed");
    app.post(
        &format!("/api/v1/periods/{period}/extensions"),
        json!({"unit_code": "KHTC", "deadline": "2026-12-20T16:30:00+07:00", "reason": "Chờ số liệu"}),
    )
    .await
    .expect(200);
    let saved = save(&app, &mut khtc, json!({"narrative": "Bổ sung"})).await;
    assert_eq!(saved["narrative"], "Bổ sung");
}
