//! Submitting: completeness problems listed at once, ratio and discrepancy rules, the lock after
//! submit, and timeliness against the deadline.

use super::*;

#[actix_web::test]
async fn submitting_an_empty_draft_lists_every_problem() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut khtc = start(&app, period, "KHTC").await;

    let problem = submit(&app, &mut khtc)
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[
            ("values.TL-DUNGHAN", "required"),
            ("values.SL-VANBAN", "required"),
            ("values.SL-VANBAN.evidence", "evidence_required"),
            ("values.KP-CCHC", "required"),
            ("values.CO-MOTCUA", "required"),
            ("values.ND-SANGKIEN", "required"),
            ("values.TL-TRUCTUYEN", "required"),
        ])
    );
    let read = app.get_as(&khtc.token, &khtc.path()).await.expect(200);
    assert_eq!(read["status"], "draft");
    assert_eq!(read["submit_count"], 0);
    assert_eq!(read["revision"], 1);
    assert_eq!(read["timeliness"], Value::Null);
    assert_eq!(
        app.get(&format!("{}/versions", khtc.path()))
            .await
            .expect(200)["total"],
        0
    );

    // Partly filled: only what is still missing.
    save(
        &app,
        &mut khtc,
        json!({"values": {
            "TL-DUNGHAN": {"numerator": 95, "denominator": 100},
            "SL-VANBAN": {"number": 12},
            "KP-CCHC": {"number": 25.5},
            "CO-MOTCUA": {"flag": false},
            "ND-SANGKIEN": {"text": "   "},
            "TL-TRUCTUYEN": {"numerator": 45},
        }}),
    )
    .await;
    let problem = submit(&app, &mut khtc)
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[
            ("values.SL-VANBAN.evidence", "evidence_required"),
            ("values.ND-SANGKIEN", "required"),
            ("values.TL-TRUCTUYEN.denominator", "required"),
        ])
    );
}

#[actix_web::test]
async fn ratios_are_checked_at_submit() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;

    let mut khtc = filled(&app, period, "KHTC").await;
    let zero = save(
        &app,
        &mut khtc,
        json!({"values": {"TL-TRUCTUYEN": {"numerator": 0, "denominator": 0}}}),
    )
    .await;
    assert_eq!(value(&zero, "TL-TRUCTUYEN")["percentage"], Value::Null);
    let problem = submit(&app, &mut khtc)
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[("values.TL-TRUCTUYEN.denominator", "denominator_zero")])
    );
    save(
        &app,
        &mut khtc,
        json!({"values": {"TL-TRUCTUYEN": {"numerator": 0, "denominator": 0, "not_applicable": true}}}),
    )
    .await;
    let problem = submit(&app, &mut khtc)
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[("values.TL-TRUCTUYEN.explanation", "explanation_required")])
    );
    let marked = save(
        &app,
        &mut khtc,
        json!({"values": {"TL-TRUCTUYEN": {"numerator": 0, "denominator": 0, "not_applicable": true,
            "explanation": "Trong quý không phát sinh hồ sơ trực tuyến."}}}),
    )
    .await;
    assert_eq!(value(&marked, "TL-TRUCTUYEN")["not_applicable"], true);
    let submitted = submit(&app, &mut khtc).await.expect(200);
    assert_eq!(submitted["status"], "submitted");

    let mut qltm = filled(&app, period, "QLTM").await;
    save(
        &app,
        &mut qltm,
        json!({"values": {"TL-DUNGHAN": {"numerator": 61, "denominator": 60}}}),
    )
    .await;
    let problem = submit(&app, &mut qltm)
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[(
            "values.TL-DUNGHAN.numerator",
            "numerator_exceeds_denominator"
        )])
    );
    // Equal is 100%, fine.
    let full = save(
        &app,
        &mut qltm,
        json!({"values": {"TL-DUNGHAN": {"numerator": 60, "denominator": 60}}}),
    )
    .await;
    assert_eq!(num(&value(&full, "TL-DUNGHAN")["percentage"]), 100.0);
    submit(&app, &mut qltm).await.expect(200);
}

#[actix_web::test]
async fn a_discrepancy_within_tolerance_needs_no_explanation() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let office = app.admin.clone();
    let system = |figure: f64| json!({"values": {"TL-DUNGHAN": {"numerator": 95, "denominator": 100, "system_value": figure}}});

    // 95% against 95.8%: 0.8 points, within the tolerance of 1.
    let mut khtc = filled(&app, period, "KHTC").await;
    let within = save_as(&app, &office, &mut khtc, system(95.8)).await;
    let dossier = value(&within, "TL-DUNGHAN");
    assert_eq!(num(&dossier["discrepancy"]), 0.8);
    assert_eq!(dossier["explanation_required"], false);
    submit(&app, &mut khtc).await.expect(200);

    // Exactly the tolerance is still within it.
    let mut vp = filled(&app, period, "VP").await;
    let edge = save_as(&app, &office, &mut vp, system(96.0)).await;
    assert_eq!(value(&edge, "TL-DUNGHAN")["explanation_required"], false);
    submit(&app, &mut vp).await.expect(200);

    // 95% against 96.5%: beyond it; refused until explained. A tolerance of 0 (TL-TRUCTUYEN)
    // refuses any difference.
    let mut qltm = filled(&app, period, "QLTM").await;
    let beyond = save_as(
        &app,
        &office,
        &mut qltm,
        json!({"values": {
            "TL-DUNGHAN": {"numerator": 95, "denominator": 100, "system_value": 96.5},
            "TL-TRUCTUYEN": {"numerator": 45, "denominator": 60, "system_value": 75.5},
        }}),
    )
    .await;
    assert_eq!(value(&beyond, "TL-DUNGHAN")["explanation_required"], true);
    assert_eq!(num(&value(&beyond, "TL-TRUCTUYEN")["discrepancy"]), 0.5);
    let problem = submit(&app, &mut qltm)
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[
            ("values.TL-DUNGHAN.explanation", "explanation_required"),
            ("values.TL-TRUCTUYEN.explanation", "explanation_required"),
        ])
    );
    save(
        &app,
        &mut qltm,
        json!({"values": {
            "TL-DUNGHAN": {"numerator": 95, "denominator": 100, "system_value": 96.5,
                "explanation": "Hồ sơ tiếp nhận trực tiếp chưa cập nhật lên hệ thống."},
            "TL-TRUCTUYEN": {"numerator": 45, "denominator": 60, "system_value": 75.5,
                "explanation": "Số liệu hệ thống tính cả hồ sơ liên thông."},
        }}),
    )
    .await;
    assert_eq!(
        submit(&app, &mut qltm).await.expect(200)["status"],
        "submitted"
    );
}

#[actix_web::test]
async fn a_submitted_report_is_locked() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut khtc = filled(&app, period, "KHTC").await;
    let before = khtc.etag.clone();

    let answer = submit(&app, &mut khtc).await;
    let submitted = answer.expect(200);
    assert_eq!(submitted["status"], "submitted");
    assert_eq!(submitted["submit_count"], 1);
    assert_eq!(submitted["revision"], 3);
    assert_eq!(khtc.etag, format!("\"{}.3\"", khtc.id));
    assert_ne!(khtc.etag, before);
    assert_eq!(submitted["first_submitted_at"], "2026-11-20T09:00:00+07:00");
    assert_eq!(submitted["last_submitted_at"], "2026-11-20T09:00:00+07:00");
    assert_eq!(submitted["timeliness"], "early");
    assert_eq!(submitted["minutes_late"], 0);

    for if_match in [khtc.etag.as_str(), "*"] {
        patch_as(
            &app,
            &khtc.token,
            khtc.id,
            Some(if_match),
            json!({"narrative": "Sửa sau khi gửi"}),
        )
        .await
        .problem(409, "submission_not_editable");
    }
    let problem = submit(&app, &mut khtc)
        .await
        .problem(409, "invalid_transition");
    assert!(problem["detail"].as_str().unwrap().contains("submitted"));
    let read = app.get_as(&khtc.token, &khtc.path()).await.expect(200);
    assert_eq!(read["revision"], 3);
    assert_eq!(read["submit_count"], 1);
    assert_eq!(read["narrative"], Value::Null);
}

#[actix_web::test]
async fn timeliness_is_judged_against_the_deadline() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let cases = [
        ("KHTC", "2026-12-14T16:29:00+07:00", "early", 0),
        ("QLTM", "2026-12-14T16:31:00+07:00", "on_time", 0),
        ("TCHC", "2026-12-15T16:30:00+07:00", "on_time", 0),
        ("VP", "2026-12-15T18:00:00+07:00", "late", 90),
    ];
    for (unit, instant, timeliness, minutes_late) in cases {
        app.clock.set(at("2026-11-20T09:00:00+07:00"));
        let mut draft = filled(&app, period, unit).await;
        app.clock.set(at(instant));
        let submitted = submit(&app, &mut draft).await.expect(200);
        assert_eq!(submitted["timeliness"], timeliness, "{unit} at {instant}");
        assert_eq!(
            submitted["minutes_late"], minutes_late,
            "{unit} at {instant}"
        );
        assert_eq!(submitted["first_submitted_at"], instant, "{unit}");
        assert_eq!(submitted["deadline"], DEADLINE, "{unit}");
        let versions = app
            .get_as(&draft.token, &format!("{}/versions", draft.path()))
            .await
            .expect(200);
        assert_eq!(versions["items"][0]["timeliness"], timeliness, "{unit}");
        assert_eq!(versions["items"][0]["minutes_late"], minutes_late, "{unit}");
        assert_eq!(versions["items"][0]["deadline"], DEADLINE, "{unit}");
    }
    let list = app
        .get(&format!("/api/v1/periods/{period}/submissions"))
        .await
        .expect(200);
    let judged: Vec<(String, Value)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["unit_code"].as_str().unwrap().to_owned(),
                s["timeliness"].clone(),
            )
        })
        .collect();
    assert_eq!(
        judged,
        vec![
            ("KHTC".to_owned(), json!("early")),
            ("QLTM".to_owned(), json!("on_time")),
            ("TCHC".to_owned(), json!("on_time")),
            ("VP".to_owned(), json!("late")),
        ]
    );
}

#[actix_web::test]
async fn timeliness_is_kept_across_return_and_resubmission() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut khtc = filled(&app, period, "KHTC").await;

    app.clock.set(at("2026-12-10T10:00:00+07:00"));
    let first = submit(&app, &mut khtc).await.expect(200);
    assert_eq!(first["timeliness"], "early");

    return_report(&app, &mut khtc, "Đề nghị bổ sung số liệu.").await;
    save(
        &app,
        &mut khtc,
        json!({"values": {"SL-VANBAN": {"number": 13}}}),
    )
    .await;
    app.clock.set(at("2026-12-15T18:00:00+07:00"));
    let second = submit(&app, &mut khtc).await.expect(200);
    assert_eq!(
        second["timeliness"], "early",
        "the first timeliness is kept"
    );
    assert_eq!(second["minutes_late"], 0);
    assert_eq!(second["first_submitted_at"], "2026-12-10T10:00:00+07:00");
    assert_eq!(second["last_submitted_at"], "2026-12-15T18:00:00+07:00");
    assert_eq!(second["submit_count"], 2);

    // Returned again, the unit gets an extension and resubmits after it.
    return_report(&app, &mut khtc, "Đề nghị giải trình thêm.").await;
    app.post(
        &format!("/api/v1/periods/{period}/extensions"),
        json!({"unit_code": "KHTC", "deadline": "2026-12-18T16:30:00+07:00", "reason": "Chờ số liệu"}),
    )
    .await
    .expect(200);
    app.clock.set(at("2026-12-18T17:00:00+07:00"));
    let third = submit(&app, &mut khtc).await.expect(200);
    assert_eq!(third["timeliness"], "early");
    assert_eq!(third["minutes_late"], 0);
    assert_eq!(third["submit_count"], 3);
    assert_eq!(third["has_extension"], true);
    assert_eq!(third["deadline"], "2026-12-18T16:30:00+07:00");

    let versions = app
        .get_as(&khtc.token, &format!("{}/versions", khtc.path()))
        .await
        .expect(200);
    assert_eq!(versions["total"], 3);
    let judged: Vec<(i64, &str, i64, &str)> = versions["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["version"].as_i64().unwrap(),
                v["timeliness"].as_str().unwrap(),
                v["minutes_late"].as_i64().unwrap(),
                v["deadline"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        judged,
        vec![
            (3, "late", 30, "2026-12-18T16:30:00+07:00"),
            (2, "late", 90, DEADLINE),
            (1, "early", 0, DEADLINE),
        ]
    );
}

/// Seed 000 asks for reports "trước 16h30 ngày 10/3/2023": a period that words its deadline
/// so (`deadline_bound: exclusive`) counts the deadline's instant as late; by default it is
/// on time.
#[actix_web::test]
async fn a_period_that_wants_reports_before_its_deadline_counts_that_instant_late() {
    let app = TestApp::spawn().await;
    organisation(&app).await;
    let period = draft_period(&app).await;
    let changed = app
        .patch(
            &format!("/api/v1/periods/{period}"),
            json!({"policy": {"deadline_bound": "exclusive"}}),
        )
        .await
        .expect(200);
    assert_eq!(changed["policy"]["deadline_bound"], "exclusive");
    open(&app, period).await;
    let mut khtc = filled(&app, period, "KHTC").await;
    let mut qltm = filled(&app, period, "QLTM").await;
    app.clock.set(at("2026-12-15T16:29:59+07:00"));
    let before = submit(&app, &mut khtc).await.expect(200);
    assert_eq!(before["timeliness"], "on_time");
    app.clock.set(at(DEADLINE));
    let at_deadline = submit(&app, &mut qltm).await.expect(200);
    assert_eq!(at_deadline["timeliness"], "late");
    assert_eq!(at_deadline["minutes_late"], 1);
    let bad = app
        .patch(
            &format!("/api/v1/periods/{period}"),
            json!({"policy": {"deadline_bound": "before"}}),
        )
        .await;
    assert_eq!(bad.status, 400, "{:#}", bad.body);
}
