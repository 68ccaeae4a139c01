//! What a period is set up with: its units and indicators, legal basis documents, the policy,
//! and a unique code.

use super::*;

#[actix_web::test]
async fn units_and_indicators_default_to_the_active_ones() {
    let app = TestApp::spawn().await;
    organisation(&app).await;
    app.post(
        "/api/v1/units",
        json!({"code": "TTRA", "name": "Thanh tra Sở", "kind": "inspectorate", "parent_code": "SCT", "active": false}),
    )
    .await
    .expect(201);
    app.post(
        "/api/v1/indicators",
        json!({
            "code": "CU",
            "name": "Chỉ tiêu đã bỏ",
            "content_area": "inspection",
            "kind": "count",
            "active": false,
        }),
    )
    .await
    .expect(201);

    let created = create(&app, period("2023-Q1", "quarterly", Some(2023), Some(1))).await;
    // The department consolidates and is not a participant; inactive units are left out.
    assert_eq!(codes(&created["units"], "code"), vec!["KHTC", "VP"]);
    assert_eq!(created["units"][0]["name"], "Đơn vị KHTC");
    assert!(created["units"][0]["unit_id"].is_i64());
    assert_eq!(
        codes(&created["indicators"], "code"),
        vec!["TTHC-DUNGHAN", "TTHC-TRUCTUYEN"]
    );
    let first = &created["indicators"][0];
    assert_eq!(first["version"], 1);
    assert_eq!(first["name"], "Chỉ tiêu TTHC-DUNGHAN");
    assert_eq!(first["kind"], "ratio");
    assert_eq!(first["content_area"], "administrative_procedure_reform");
    assert_eq!(first["evidence_required"], false);

    let listed = app.get("/api/v1/periods").await.expect(200);
    assert_eq!(listed["items"][0]["unit_count"], 2);
    assert_eq!(listed["items"][0]["indicator_count"], 2);

    // Explicit lists are taken as given, indicators in the given order.
    let chosen = create(
        &app,
        with(
            period("2023-Q2", "quarterly", Some(2023), Some(2)),
            json!({"unit_codes": ["VP"], "indicator_codes": ["TTHC-TRUCTUYEN", "TTHC-DUNGHAN"]}),
        ),
    )
    .await;
    assert_eq!(codes(&chosen["units"], "code"), vec!["VP"]);
    assert_eq!(
        codes(&chosen["indicators"], "code"),
        vec!["TTHC-TRUCTUYEN", "TTHC-DUNGHAN"]
    );
}

#[actix_web::test]
async fn unknown_repeated_and_inactive_codes_are_named() {
    let app = TestApp::spawn().await;
    organisation(&app).await;
    app.post(
        "/api/v1/units",
        json!({"code": "TTRA", "name": "Thanh tra Sở", "kind": "inspectorate", "parent_code": "SCT", "active": false}),
    )
    .await
    .expect(201);
    app.post(
        "/api/v1/indicators",
        json!({"code": "CU", "name": "Chỉ tiêu đã bỏ", "content_area": "inspection", "kind": "count", "active": false}),
    )
    .await
    .expect(201);
    let problem = app
        .post(
            "/api/v1/periods",
            with(
                period("2023-Q1", "quarterly", Some(2023), Some(1)),
                json!({
                    "indicator_codes": ["TTHC-DUNGHAN", "NOPE", "TTHC-DUNGHAN", "CU"],
                    "unit_codes": ["KHTC", "KHTC", "TTRA", "XYZ"],
                }),
            ),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[
            ("indicator_codes[1]", "unknown_code"),
            ("indicator_codes[2]", "duplicate"),
            ("indicator_codes[3]", "inactive"),
            ("unit_codes[1]", "duplicate"),
            ("unit_codes[2]", "inactive"),
            ("unit_codes[3]", "unknown_code"),
        ])
    );
    // Problems with the period itself come in the same answer.
    let problem = app
        .post(
            "/api/v1/periods",
            with(
                period("2023-Q1", "quarterly", Some(2023), Some(7)),
                json!({"title": " ", "unit_codes": ["VP", "NOPE"]}),
            ),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        Answer::fields(&problem),
        vec!["title", "sequence", "unit_codes[1]"]
    );
    assert_eq!(app.get("/api/v1/periods").await.expect(200)["total"], 0);
}

#[actix_web::test]
async fn legal_basis_documents_are_checked_and_kept_in_order() {
    let app = TestApp::spawn().await;
    let created = create(
        &app,
        with(
            period("2023-Q1", "quarterly", Some(2023), Some(1)),
            json!({"legal_basis": [
                {"number": "733/SNV-TT", "issued_on": "2023-03-06", "title": "Công văn về việc báo cáo CCHC định kỳ năm 2023"},
                {"number": "09/2019/NĐ-CP", "issued_on": "2019-01-24", "title": "Nghị định quy định về chế độ báo cáo của cơ quan hành chính nhà nước"},
                {"number": " 383/KH-SCT ", "issued_on": "2023-02-01", "title": "Kế hoạch CCHC năm 2023"},
            ]}),
        ),
    )
    .await;
    assert_eq!(
        codes(&created["legal_basis"], "number"),
        vec!["733/SNV-TT", "09/2019/NĐ-CP", "383/KH-SCT"]
    );
    assert_eq!(created["legal_basis"][0]["issued_on"], "2023-03-06");
    assert_eq!(
        created["legal_basis"][0]["title"],
        "Công văn về việc báo cáo CCHC định kỳ năm 2023"
    );

    let problem = app
        .post(
            "/api/v1/periods",
            with(
                period("2023-Q2", "quarterly", Some(2023), Some(2)),
                json!({"legal_basis": [
                    {"number": "abc", "issued_on": "2023-03-06", "title": "Công văn"},
                    {"number": "733/snv-tt", "issued_on": "2023-03-06", "title": " "},
                    {"number": "/SNV-TT", "issued_on": "2023-03-06", "title": "Công văn"},
                    {"number": "733/", "issued_on": "2023-03-06", "title": "Công văn"},
                ]}),
            ),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[
            ("legal_basis[0].number", "invalid_document_number"),
            ("legal_basis[1].number", "invalid_document_number"),
            ("legal_basis[1].title", "required"),
            ("legal_basis[2].number", "invalid_document_number"),
            ("legal_basis[3].number", "invalid_document_number"),
        ])
    );
    // A document without its issue date is a malformed body.
    let problem = app
        .post(
            "/api/v1/periods",
            with(
                period("2023-Q2", "quarterly", Some(2023), Some(2)),
                json!({"legal_basis": [{"number": "733/SNV-TT", "title": "Công văn"}]}),
            ),
        )
        .await
        .problem(400, "invalid_body");
    assert_eq!(Answer::fields(&problem), vec!["legal_basis[0].issued_on"]);
}

#[actix_web::test]
async fn the_policy_takes_defaults_and_is_checked() {
    let app = TestApp::spawn().await;
    let created = create(&app, period("2023-Q1", "quarterly", Some(2023), Some(1))).await;
    assert_eq!(
        created["policy"],
        json!({
            "reminder_working_days_before": [5, 2, 0],
            "reminder_time": "08:00",
            "deadline_day_reminder_time": "14:00",
            "office_hours_start": "07:30",
            "office_hours_end": "17:00",
            "escalate_to_head_after_minutes": 60,
            "escalate_to_leadership_after_working_days": 2,
            "early_margin_working_days": 1,
            "deadline_bound": "inclusive",
        })
    );

    // Given fields replace the defaults, the others stay.
    let partial = create(
        &app,
        with(
            period("2023-Q2", "quarterly", Some(2023), Some(2)),
            json!({"policy": {"reminder_time": "09:15", "reminder_working_days_before": [3, 1]}}),
        ),
    )
    .await;
    assert_eq!(partial["policy"]["reminder_time"], "09:15");
    assert_eq!(
        partial["policy"]["reminder_working_days_before"],
        json!([3, 1])
    );
    assert_eq!(partial["policy"]["deadline_day_reminder_time"], "14:00");
    assert_eq!(partial["policy"]["escalate_to_head_after_minutes"], 60);

    let problem = app
        .post(
            "/api/v1/periods",
            with(
                period("2023-Q3", "quarterly", Some(2023), Some(3)),
                json!({"policy": {
                    "reminder_time": "06:00",
                    "reminder_working_days_before": [2, 2],
                    "escalate_to_head_after_minutes": 0,
                    "escalate_to_leadership_after_working_days": 31,
                }}),
            ),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[
            ("policy.reminder_time", "outside_office_hours"),
            ("policy.reminder_working_days_before", "duplicate"),
            ("policy.escalate_to_head_after_minutes", "out_of_range"),
            (
                "policy.escalate_to_leadership_after_working_days",
                "out_of_range"
            ),
        ])
    );
    let problem = app
        .post(
            "/api/v1/periods",
            with(
                period("2023-Q3", "quarterly", Some(2023), Some(3)),
                json!({"policy": {"office_hours_start": "17:30", "office_hours_end": "07:30"}}),
            ),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        Answer::fields(&problem)[0],
        "policy.office_hours_end",
        "{problem:#}"
    );
    // Times are HH:MM.
    let problem = app
        .post(
            "/api/v1/periods",
            with(
                period("2023-Q3", "quarterly", Some(2023), Some(3)),
                json!({"policy": {"reminder_time": "8h"}}),
            ),
        )
        .await
        .problem(400, "invalid_body");
    assert_eq!(Answer::fields(&problem), vec!["policy.reminder_time"]);
    // Unknown policy fields are named by their path.
    let problem = app
        .post(
            "/api/v1/periods",
            with(
                period("2023-Q3", "quarterly", Some(2023), Some(3)),
                json!({"policy": {"reminder_channel": "zalo"}}),
            ),
        )
        .await
        .problem(400, "invalid_body");
    assert_eq!(
        errors(&problem),
        pairs(&[("policy.reminder_channel", "unknown_field")])
    );
    assert_eq!(app.get("/api/v1/periods").await.expect(200)["total"], 2);
}

#[actix_web::test]
async fn period_codes_are_unique() {
    let app = TestApp::spawn().await;
    create(&app, period("2023-Q1", "quarterly", Some(2023), Some(1))).await;
    let problem = app
        .post(
            "/api/v1/periods",
            with(
                period("2023-Q1", "quarterly", Some(2023), Some(2)),
                json!({"title": "Một kỳ khác"}),
            ),
        )
        .await
        .problem(409, "duplicate_code");
    assert_eq!(Answer::fields(&problem), vec!["code"]);
    // Surrounding spaces do not make another code.
    app.post(
        "/api/v1/periods",
        period(" 2023-Q1 ", "quarterly", Some(2023), Some(1)),
    )
    .await
    .problem(409, "duplicate_code");
    let problem = app
        .post(
            "/api/v1/periods",
            period("2023 Q1!", "quarterly", Some(2023), Some(1)),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&problem), pairs(&[("code", "invalid_code")]));
    assert_eq!(app.get("/api/v1/periods").await.expect(200)["total"], 1);
}
