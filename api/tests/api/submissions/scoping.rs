//! Who reads which report (reporters only their unit's, viewers read only), and ETag/If-Match
//! concurrency on changes.

use super::*;

#[actix_web::test]
async fn another_units_submission_is_not_found_to_a_reporter() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut khtc = filled(&app, period, "KHTC").await;
    let qltm = app.token(Role::Reporter, Some("QLTM")).await;

    app.get_as(&qltm, &khtc.path())
        .await
        .problem(404, "not_found");
    app.get_as(&qltm, &format!("{}/versions", khtc.path()))
        .await
        .problem(404, "not_found");
    for if_match in [khtc.etag.as_str(), "*"] {
        patch_as(
            &app,
            &qltm,
            khtc.id,
            Some(if_match),
            json!({"narrative": "Ghi đè"}),
        )
        .await
        .problem(404, "not_found");
    }
    app.post_as(&qltm, &format!("{}/submit", khtc.path()), json!({}))
        .await
        .problem(404, "not_found");

    // Untouched, and still KHTC's to read and submit.
    let mine = app.get_as(&khtc.token, &khtc.path()).await.expect(200);
    assert_eq!(mine["revision"], 2);
    assert_eq!(mine["narrative"], Value::Null);
    assert_eq!(mine["status"], "draft");
    submit(&app, &mut khtc).await.expect(200);
    app.get_as(&qltm, &format!("{}/versions", khtc.path()))
        .await
        .problem(404, "not_found");
    assert_eq!(
        app.get_as(&khtc.token, &format!("{}/versions", khtc.path()))
            .await
            .expect(200)["total"],
        1
    );

    app.get_as(&qltm, "/api/v1/submissions/999999")
        .await
        .problem(404, "not_found");
    app.get("/api/v1/submissions/999999")
        .await
        .problem(404, "not_found");
}

#[actix_web::test]
async fn the_list_shows_a_reporter_only_its_unit_and_filters() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let path = format!("/api/v1/periods/{period}/submissions");
    for unit in ["VP", "TCHC"] {
        app.post(&path, json!({"unit_code": unit}))
            .await
            .expect(201);
    }
    let mut khtc = filled(&app, period, "KHTC").await;
    submit(&app, &mut khtc).await.expect(200);

    let all = app.get(&path).await.expect(200);
    assert_eq!(unit_codes(&all), ["KHTC", "TCHC", "VP"], "unit-code order");
    assert_eq!(all["total"], 3);
    let first = &all["items"][0];
    assert_eq!(first["id"], khtc.id);
    assert_eq!(first["status"], "submitted");
    assert_eq!(first["timeliness"], "early");
    assert_eq!(first["minutes_late"], 0);
    assert_eq!(first["submit_count"], 1);
    assert_eq!(first["first_submitted_at"], "2026-11-20T09:00:00+07:00");
    assert_eq!(all["items"][1]["status"], "draft");
    assert_eq!(all["items"][1]["timeliness"], Value::Null);

    let viewer = app.token(Role::Viewer, None).await;
    let seen = app.get_as(&viewer, &path).await.expect(200);
    assert_eq!(unit_codes(&seen), ["KHTC", "TCHC", "VP"]);

    let own = app.get_as(&khtc.token, &path).await.expect(200);
    assert_eq!(unit_codes(&own), ["KHTC"]);
    assert_eq!(own["total"], 1);
    let vp = app.token(Role::Reporter, Some("VP")).await;
    assert_eq!(
        unit_codes(&app.get_as(&vp, &path).await.expect(200)),
        ["VP"]
    );
    let qltm = app.token(Role::Reporter, Some("QLTM")).await;
    let none = app.get_as(&qltm, &path).await.expect(200);
    assert_eq!(none["total"], 0);
    assert_eq!(none["items"], json!([]));

    let drafts = app.get(&format!("{path}?status=draft")).await.expect(200);
    assert_eq!(unit_codes(&drafts), ["TCHC", "VP"]);
    assert_eq!(drafts["total"], 2);
    let submitted = app
        .get(&format!("{path}?status=submitted"))
        .await
        .expect(200);
    assert_eq!(unit_codes(&submitted), ["KHTC"]);
    let accepted = app
        .get(&format!("{path}?status=accepted"))
        .await
        .expect(200);
    assert_eq!(accepted["total"], 0);
    let one = app.get(&format!("{path}?unit_code=VP")).await.expect(200);
    assert_eq!(unit_codes(&one), ["VP"]);
    let both = app
        .get(&format!("{path}?status=submitted&unit_code=VP"))
        .await
        .expect(200);
    assert_eq!(both["total"], 0);
    // A reporter asking for another unit still sees only its own (here: nothing).
    let scoped = app
        .get_as(&vp, &format!("{path}?unit_code=KHTC"))
        .await
        .expect(200);
    assert_eq!(scoped["total"], 0);
    let problem = app
        .get(&format!("{path}?unit_code=NOPE"))
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&problem), pairs(&[("unit_code", "unknown_code")]));
    let paged = app
        .get(&format!("{path}?per_page=2&page=2"))
        .await
        .expect(200);
    assert_eq!(unit_codes(&paged), ["VP"]);
    assert_eq!(paged["total"], 3);
    app.get("/api/v1/periods/999999/submissions")
        .await
        .problem(404, "not_found");
}

#[actix_web::test]
async fn a_viewer_reads_but_cannot_change() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut khtc = filled(&app, period, "KHTC").await;
    let viewer = app.token(Role::Viewer, None).await;

    let read = app.get_as(&viewer, &khtc.path()).await;
    assert_eq!(tag(&read), khtc.etag);
    let read = read.expect(200);
    assert_eq!(read["unit_code"], "KHTC");
    assert_eq!(num(&value(&read, "TL-DUNGHAN")["percentage"]), 95.0);
    assert_eq!(
        app.get_as(&viewer, &format!("{}/versions", khtc.path()))
            .await
            .expect(200)["total"],
        0
    );

    patch_as(
        &app,
        &viewer,
        khtc.id,
        Some(&khtc.etag),
        json!({"narrative": "Không được"}),
    )
    .await
    .problem(403, "forbidden");
    app.post_as(&viewer, &format!("{}/submit", khtc.path()), json!({}))
        .await
        .problem(403, "forbidden");
    let unchanged = app.get(&khtc.path()).await.expect(200);
    assert_eq!(unchanged["revision"], 2);
    assert_eq!(unchanged["narrative"], Value::Null);
    assert_eq!(unchanged["status"], "draft");

    submit(&app, &mut khtc).await.expect(200);
    app.post_as(&viewer, &format!("{}/accept", khtc.path()), json!({}))
        .await
        .problem(403, "forbidden");
    app.post_as(
        &viewer,
        &format!("{}/return", khtc.path()),
        json!({"reason": "Xem lại"}),
    )
    .await
    .problem(403, "forbidden");
    assert_eq!(
        app.get_as(&viewer, &khtc.path()).await.expect(200)["status"],
        "submitted"
    );
}

#[actix_web::test]
async fn changing_needs_the_current_entity_tag() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut khtc = start(&app, period, "KHTC").await;
    let other = start(&app, period, "QLTM").await;
    let id = khtc.id;
    assert_eq!(khtc.etag, format!("\"{id}.1\""));

    patch_as(&app, &khtc.token, id, None, json!({"narrative": "Không"}))
        .await
        .problem(428, "precondition_required");

    let stale = khtc.etag.clone();
    let first = save(&app, &mut khtc, json!({"narrative": "Lần một"})).await;
    assert_eq!(first["revision"], 2);
    assert_eq!(khtc.etag, format!("\"{id}.2\""));

    // The tag read before that write is stale: refused, nothing written.
    patch_as(
        &app,
        &khtc.token,
        id,
        Some(&stale),
        json!({"narrative": "Ghi đè", "values": {"SL-VANBAN": {"number": 1}}}),
    )
    .await
    .problem(412, "precondition_failed");
    for bad in [
        format!("W/\"{id}.2\""),
        "garbage".to_owned(),
        format!("{id}.2"),
        format!("\"{id}\""),
        format!("\"{id}.two\""),
        format!("\"{}.1\"", other.id),
        format!("\"{}.2\"", other.id),
    ] {
        patch_as(
            &app,
            &khtc.token,
            id,
            Some(&bad),
            json!({"narrative": "Ghi đè"}),
        )
        .await
        .problem(412, "precondition_failed");
    }
    let now = app.get_as(&khtc.token, &khtc.path()).await;
    assert_eq!(tag(&now), format!("\"{id}.2\""));
    let now = now.expect(200);
    assert_eq!(now["revision"], 2);
    assert_eq!(now["narrative"], "Lần một");
    assert_eq!(value(&now, "SL-VANBAN")["answered"], false);
    // The other submission was not touched either.
    assert_eq!(app.get(&other.path()).await.expect(200)["revision"], 1);

    // `*` matches whatever the current revision is.
    let any = patch_as(
        &app,
        &khtc.token,
        id,
        Some("*"),
        json!({"narrative": "Lần hai"}),
    )
    .await;
    assert_eq!(tag(&any), format!("\"{id}.3\""));
    let any = any.expect(200);
    assert_eq!(any["revision"], 3);
    assert_eq!(any["narrative"], "Lần hai");

    // The next write must use the newest tag.
    patch_as(
        &app,
        &khtc.token,
        id,
        Some(&format!("\"{id}.2\"")),
        json!({"narrative": "Cũ"}),
    )
    .await
    .problem(412, "precondition_failed");
    khtc.etag = format!("\"{id}.3\"");
    let fourth = save(&app, &mut khtc, json!({"narrative": "Lần ba"})).await;
    assert_eq!(fourth["revision"], 4);
    let read = app.get(&khtc.path()).await;
    assert_eq!(tag(&read), format!("\"{id}.4\""));
    assert_eq!(read.expect(200)["narrative"], "Lần ba");
}

#[actix_web::test]
async fn another_units_report_stays_hidden_whatever_if_match_says() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let khtc = start(&app, period, "KHTC").await;
    let outsider = app.token(Role::Reporter, Some("QLTM")).await;
    for if_match in [None, Some("\"1.1\""), Some("garbage")] {
        patch_as(
            &app,
            &outsider,
            khtc.id,
            if_match,
            json!({"narrative": "x"}),
        )
        .await
        .problem(404, "not_found");
    }
    // The unit's own reporter still gets the precondition answers.
    patch_as(&app, &khtc.token, khtc.id, None, json!({"narrative": "x"}))
        .await
        .problem(428, "precondition_required");
}
