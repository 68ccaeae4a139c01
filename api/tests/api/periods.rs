//! Reporting periods through the HTTP API: Decree 09 cut-off windows, deadline rules, defaults,
//! validation, the draft → open → closed lifecycle, pinned indicator versions and the list.

use cchc_domain::model::token::Role;
use serde_json::{json, Value};

use crate::common::{errors, pairs, Answer, TestApp};

/// A Friday, a working day after every default window used below (all in 2023–2025).
const LATE_DEADLINE: &str = "2026-11-27T16:30:00+07:00";

/// A minimal valid creation body.
fn period(code: &str, frequency: &str, year: Option<i32>, sequence: Option<i32>) -> Value {
    let mut body = json!({
        "code": code,
        "title": format!("Báo cáo CCHC {code}"),
        "report_type": "periodic",
        "frequency": frequency,
        "deadline": LATE_DEADLINE,
    });
    if let Some(year) = year {
        body["year"] = json!(year);
    }
    if let Some(sequence) = sequence {
        body["sequence"] = json!(sequence);
    }
    body
}

/// `body` with the fields of `extra` set (a `null` in `extra` removes the field).
fn with(mut body: Value, extra: Value) -> Value {
    let target = body.as_object_mut().expect("object body");
    for (key, value) in extra.as_object().expect("object extra") {
        if value.is_null() {
            target.remove(key);
        } else {
            target.insert(key.clone(), value.clone());
        }
    }
    body
}

fn codes(items: &Value, key: &str) -> Vec<String> {
    items
        .as_array()
        .expect("array")
        .iter()
        .map(|item| item[key].as_str().expect("string code").to_owned())
        .collect()
}

/// The department, two reporting units and two indicators.
async fn organisation(app: &TestApp) {
    app.unit("SCT", "department", None).await;
    app.unit("VP", "office", Some("SCT")).await;
    app.unit("KHTC", "division", Some("SCT")).await;
    app.indicator("TTHC-DUNGHAN", "ratio").await;
    app.indicator("TTHC-TRUCTUYEN", "count").await;
}

async fn create(app: &TestApp, body: Value) -> Value {
    app.post("/api/v1/periods", body).await.expect(201)
}

/// The period as the API shows it now.
async fn read(app: &TestApp, period: &Value) -> Value {
    app.get(&format!("/api/v1/periods/{}", id_of(period)))
        .await
        .expect(200)
}

fn id_of(period: &Value) -> i64 {
    period["id"].as_i64().expect("period id")
}

#[actix_web::test]
async fn default_windows_follow_decree_09_for_every_frequency() {
    let app = TestApp::spawn().await;
    let cases = [
        ("monthly", 2024, Some(1), "2023-12-15", "2024-01-14"),
        ("monthly", 2024, Some(6), "2024-05-15", "2024-06-14"),
        ("monthly", 2024, Some(12), "2024-11-15", "2024-12-14"),
        ("quarterly", 2023, Some(1), "2022-12-15", "2023-03-14"),
        ("quarterly", 2023, Some(2), "2023-03-15", "2023-06-14"),
        ("quarterly", 2023, Some(4), "2023-09-15", "2023-12-14"),
        ("half_year", 2024, Some(1), "2023-12-15", "2024-06-14"),
        ("half_year", 2024, Some(2), "2024-06-15", "2024-12-14"),
        ("nine_month", 2025, None, "2024-12-15", "2025-09-14"),
        ("annual", 2025, None, "2024-12-15", "2025-12-14"),
    ];
    for (i, (frequency, year, sequence, from, to)) in cases.into_iter().enumerate() {
        let code = format!("P-{i}");
        let created = create(&app, period(&code, frequency, Some(year), sequence)).await;
        let case = format!("{frequency} {year} {sequence:?}");
        assert_eq!(created["data_window"]["data_from"], from, "{case}");
        assert_eq!(created["data_window"]["data_to"], to, "{case}");
        assert_eq!(created["data_window"]["source"], "decree_09", "{case}");
        assert_eq!(created["frequency"], frequency, "{case}");
        assert_eq!(created["year"], year, "{case}");
        assert_eq!(created["sequence"], json!(sequence), "{case}");
        assert_eq!(created["status"], "draft", "{case}");
        assert_eq!(created["warnings"], json!([]), "{case}");
        // The stored period answers the same.
        let fetched = app
            .get(&format!("/api/v1/periods/{}", id_of(&created)))
            .await
            .expect(200);
        assert_eq!(fetched["data_window"], created["data_window"], "{case}");
    }
}

#[actix_web::test]
async fn a_given_window_is_custom() {
    let app = TestApp::spawn().await;
    let quarterly = create(
        &app,
        with(
            period("2023-Q1", "quarterly", Some(2023), Some(1)),
            json!({"data_from": "2023-01-01", "data_to": "2023-03-31"}),
        ),
    )
    .await;
    assert_eq!(
        quarterly["data_window"],
        json!({"data_from": "2023-01-01", "data_to": "2023-03-31", "source": "custom"})
    );

    // Ad-hoc periods take no year or sequence, only a window.
    let ad_hoc = create(
        &app,
        json!({
            "code": "DOT-XUAT-01",
            "title": "Báo cáo đột xuất về TTHC",
            "report_type": "ad_hoc",
            "frequency": "ad_hoc",
            "data_from": "2026-10-01",
            "data_to": "2026-10-31",
            "deadline": LATE_DEADLINE,
        }),
    )
    .await;
    assert_eq!(ad_hoc["year"], Value::Null);
    assert_eq!(ad_hoc["sequence"], Value::Null);
    assert_eq!(
        ad_hoc["data_window"],
        json!({"data_from": "2026-10-01", "data_to": "2026-10-31", "source": "custom"})
    );
    // A one-day window is a window.
    let one_day = create(
        &app,
        with(
            period("MOT-NGAY", "ad_hoc", None, None),
            json!({"data_from": "2026-11-02", "data_to": "2026-11-02"}),
        ),
    )
    .await;
    assert_eq!(one_day["data_window"]["data_from"], "2026-11-02");
    assert_eq!(one_day["data_window"]["data_to"], "2026-11-02");
}

#[actix_web::test]
async fn window_sequence_and_year_problems_name_their_field() {
    let app = TestApp::spawn().await;
    let cases: Vec<(Value, Vec<(&str, &str)>)> = vec![
        // Ad-hoc periods have no default window.
        (
            period("X", "ad_hoc", None, None),
            vec![("data_from", "required")],
        ),
        (
            with(
                period("X", "ad_hoc", None, Some(1)),
                json!({"data_from": "2026-10-01", "data_to": "2026-10-31"}),
            ),
            vec![("sequence", "not_allowed")],
        ),
        // Sequences.
        (
            period("X", "monthly", Some(2024), None),
            vec![("sequence", "required")],
        ),
        (
            period("X", "monthly", Some(2024), Some(13)),
            vec![("sequence", "out_of_range")],
        ),
        (
            period("X", "quarterly", Some(2023), Some(5)),
            vec![("sequence", "out_of_range")],
        ),
        (
            period("X", "quarterly", Some(2023), Some(0)),
            vec![("sequence", "out_of_range")],
        ),
        (
            period("X", "half_year", Some(2024), Some(3)),
            vec![("sequence", "out_of_range")],
        ),
        (
            period("X", "quarterly", Some(2023), Some(-1)),
            vec![("sequence", "out_of_range")],
        ),
        (
            period("X", "annual", Some(2025), Some(1)),
            vec![("sequence", "not_allowed")],
        ),
        (
            period("X", "nine_month", Some(2025), Some(3)),
            vec![("sequence", "not_allowed")],
        ),
        // Years.
        (
            period("X", "quarterly", None, Some(1)),
            vec![("year", "required")],
        ),
        (
            period("X", "annual", Some(20233), None),
            vec![("year", "out_of_range")],
        ),
        // Custom windows.
        (
            with(
                period("X", "quarterly", Some(2023), Some(1)),
                json!({"data_from": "2023-03-31", "data_to": "2023-01-01"}),
            ),
            vec![("data_to", "before_data_from")],
        ),
        (
            with(
                period("X", "quarterly", Some(2023), Some(1)),
                json!({"data_from": "2023-01-01"}),
            ),
            vec![("data_to", "required")],
        ),
        (
            with(
                period("X", "quarterly", Some(2023), Some(1)),
                json!({"data_to": "2023-03-31"}),
            ),
            vec![("data_from", "required")],
        ),
        (
            with(
                period("X", "ad_hoc", None, None),
                json!({"data_to": "2023-03-31"}),
            ),
            vec![("data_from", "required")],
        ),
    ];
    for (body, expected) in cases {
        let problem = app
            .post("/api/v1/periods", body.clone())
            .await
            .problem(422, "validation_failed");
        assert_eq!(errors(&problem), pairs(&expected), "body: {body}");
    }
    // Nothing was created on the way.
    let list = app.get("/api/v1/periods").await.expect(200);
    assert_eq!(list["total"], 0);
}

#[actix_web::test]
async fn the_seed_scenario_deadline_is_accepted_with_a_warning_or_rejected_when_strict() {
    let app = TestApp::spawn().await;
    let seed = with(
        period("2023-Q1", "quarterly", Some(2023), Some(1)),
        json!({"title": "Báo cáo CCHC Quý I/2023", "deadline": "2023-03-10T16:30:00+07:00"}),
    );
    let created = create(&app, seed.clone()).await;
    assert_eq!(
        created["data_window"],
        json!({"data_from": "2022-12-15", "data_to": "2023-03-14", "source": "decree_09"})
    );
    assert_eq!(
        created["deadline"],
        json!({
            "requested": "2023-03-10T16:30:00+07:00",
            "effective": "2023-03-10T16:30:00+07:00",
            "shifted": false,
            "shift_off_non_working_day": true,
            "strict_check": false,
        })
    );
    let warnings = created["warnings"].as_array().expect("warnings");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0]["code"], "deadline_too_close_to_cutoff");
    let message = warnings[0]["message"].as_str().expect("message");
    // The cut-off ends Tuesday 14/03; the first working day after it is Wednesday 15/03.
    assert!(message.contains("2023-03-10"), "{message}");
    assert!(message.contains("2023-03-15"), "{message}");
    assert!(message.contains("2023-03-14"), "{message}");

    // The warning is stored: reading and listing show it.
    let fetched = app
        .get(&format!("/api/v1/periods/{}", id_of(&created)))
        .await
        .expect(200);
    assert_eq!(fetched["warnings"], created["warnings"]);
    let listed = app.get("/api/v1/periods").await.expect(200);
    assert_eq!(listed["items"][0]["warnings"], created["warnings"]);

    // Strict: the same period is refused, naming the deadline.
    let problem = app
        .post(
            "/api/v1/periods",
            with(
                seed.clone(),
                json!({"code": "2023-Q1-STRICT", "strict_deadline_check": true}),
            ),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[("deadline", "deadline_too_close_to_cutoff")])
    );

    // The cut-off's last day is still too early; the first working day after it is fine.
    let on_cutoff_end = create(
        &app,
        with(
            seed.clone(),
            json!({"code": "2023-Q1-B", "deadline": "2023-03-14T16:30:00+07:00"}),
        ),
    )
    .await;
    assert_eq!(
        on_cutoff_end["warnings"][0]["code"],
        "deadline_too_close_to_cutoff"
    );
    let first_working_day = create(
        &app,
        with(
            seed,
            json!({
                "code": "2023-Q1-C",
                "deadline": "2023-03-15T16:30:00+07:00",
                "strict_deadline_check": true,
            }),
        ),
    )
    .await;
    assert_eq!(first_working_day["warnings"], json!([]));
    assert_eq!(first_working_day["deadline"]["strict_check"], true);
}

#[actix_web::test]
async fn a_weekend_deadline_moves_to_the_end_of_the_next_working_day() {
    let app = TestApp::spawn().await;
    // Q3/2026 ends its window on 14/09, well before the deadline.
    let q3 = |code: &str, extra: Value| {
        with(
            period(code, "quarterly", Some(2026), Some(3)),
            with(json!({"deadline": "2026-11-21T16:30:00+07:00"}), extra),
        )
    };
    let saturday = create(&app, q3("2026-Q3", json!({}))).await;
    assert_eq!(
        saturday["deadline"],
        json!({
            "requested": "2026-11-21T16:30:00+07:00",
            "effective": "2026-11-23T17:00:00+07:00",
            "shifted": true,
            "shift_off_non_working_day": true,
            "strict_check": false,
        })
    );
    assert_eq!(saturday["warnings"], json!([]));

    // Opting out keeps the Saturday.
    let kept = create(
        &app,
        q3(
            "2026-Q3-B",
            json!({"shift_deadline_off_non_working_day": false}),
        ),
    )
    .await;
    assert_eq!(kept["deadline"]["requested"], "2026-11-21T16:30:00+07:00");
    assert_eq!(kept["deadline"]["effective"], "2026-11-21T16:30:00+07:00");
    assert_eq!(kept["deadline"]["shifted"], false);
    assert_eq!(kept["deadline"]["shift_off_non_working_day"], false);

    // The end of the working day is the period's office_hours_end.
    let early_close = create(
        &app,
        q3(
            "2026-Q3-C",
            json!({"policy": {"office_hours_end": "16:30"}}),
        ),
    )
    .await;
    assert_eq!(
        early_close["deadline"]["effective"],
        "2026-11-23T16:30:00+07:00"
    );

    // Other offsets are accepted and shown in local time; the local date decides: 18:00 UTC on
    // Friday is 01:00 on Saturday in Vietnam.
    let utc = create(
        &app,
        q3("2026-Q3-D", json!({"deadline": "2026-11-20T18:00:00Z"})),
    )
    .await;
    assert_eq!(utc["deadline"]["requested"], "2026-11-21T01:00:00+07:00");
    assert_eq!(utc["deadline"]["effective"], "2026-11-23T17:00:00+07:00");
    assert_eq!(utc["deadline"]["shifted"], true);
    let friday_evening = create(
        &app,
        q3("2026-Q3-E", json!({"deadline": "2026-11-20T09:30:00Z"})),
    )
    .await;
    assert_eq!(
        friday_evening["deadline"]["effective"],
        "2026-11-20T16:30:00+07:00"
    );
    assert_eq!(friday_evening["deadline"]["shifted"], false);
    // Every timestamp of the answer is local.
    for stamp in [&utc["created_at"], &utc["updated_at"]] {
        assert_eq!(stamp, "2026-11-20T09:00:00+07:00");
    }
}

#[actix_web::test]
async fn a_deadline_in_tet_moves_past_the_whole_break() {
    let app = TestApp::spawn().await;
    // Monthly January 2026: window 15/12/2025 – 14/01/2026.
    let tet = create(
        &app,
        with(
            period("2026-M01", "monthly", Some(2026), Some(1)),
            json!({"deadline": "2026-02-17T16:30:00+07:00"}),
        ),
    )
    .await;
    assert_eq!(tet["deadline"]["requested"], "2026-02-17T16:30:00+07:00");
    assert_eq!(tet["deadline"]["effective"], "2026-02-23T17:00:00+07:00");
    assert_eq!(tet["deadline"]["shifted"], true);

    // The make-up Saturday 10/01/2026 is a working day: no shift.
    let make_up = create(
        &app,
        with(
            period("2025-M12", "monthly", Some(2025), Some(12)),
            json!({"deadline": "2026-01-10T11:00:00+07:00"}),
        ),
    )
    .await;
    assert_eq!(
        make_up["deadline"]["effective"],
        "2026-01-10T11:00:00+07:00"
    );
    assert_eq!(make_up["deadline"]["shifted"], false);
    assert_eq!(make_up["warnings"], json!([]));

    // The compensatory day off Friday 02/01/2026 moves to Monday 05/01.
    let day_off = create(
        &app,
        with(
            period("2025-M12-B", "monthly", Some(2025), Some(12)),
            json!({"deadline": "2026-01-02T09:00:00+07:00"}),
        ),
    )
    .await;
    assert_eq!(
        day_off["deadline"]["effective"],
        "2026-01-05T17:00:00+07:00"
    );
}

#[actix_web::test]
async fn deadlines_need_an_offset() {
    let app = TestApp::spawn().await;
    let problem = app
        .post(
            "/api/v1/periods",
            with(
                period("2023-Q1", "quarterly", Some(2023), Some(1)),
                json!({"deadline": "2023-03-10T16:30:00"}),
            ),
        )
        .await
        .problem(400, "invalid_body");
    assert_eq!(Answer::fields(&problem), vec!["deadline"]);
    let problem = app
        .post(
            "/api/v1/periods",
            with(
                period("2023-Q1", "quarterly", Some(2023), Some(1)),
                json!({"deadline": "2023-03-10"}),
            ),
        )
        .await
        .problem(400, "invalid_body");
    assert_eq!(Answer::fields(&problem), vec!["deadline"]);
    let problem = app
        .post(
            "/api/v1/periods",
            with(
                period("2023-Q1", "quarterly", Some(2023), Some(1)),
                json!({"deadline": null}),
            ),
        )
        .await
        .problem(400, "invalid_body");
    assert_eq!(Answer::fields(&problem), vec!["deadline"]);
    assert_eq!(problem["errors"][0]["code"], "required");
}

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
async fn a_draft_takes_every_change() {
    let app = TestApp::spawn().await;
    organisation(&app).await;
    let created = create(&app, period("2023-Q1", "quarterly", Some(2023), Some(1))).await;
    let id = id_of(&created);
    let path = format!("/api/v1/periods/{id}");

    app.clock.set(
        chrono::DateTime::parse_from_rfc3339("2026-11-21T08:00:00+07:00")
            .unwrap()
            .into(),
    );
    // Another quarter on the Decree 09 window recomputes it.
    let moved = app
        .patch(&path, json!({"sequence": 2, "unit_codes": ["VP"]}))
        .await
        .expect(200);
    assert_eq!(
        moved["data_window"],
        json!({"data_from": "2023-03-15", "data_to": "2023-06-14", "source": "decree_09"})
    );
    assert_eq!(codes(&moved["units"], "code"), vec!["VP"]);
    assert_eq!(moved["created_at"], "2026-11-20T09:00:00+07:00");
    assert_eq!(moved["updated_at"], "2026-11-21T08:00:00+07:00");

    // One end of the window makes it custom, keeping the other end.
    let custom = app
        .patch(&path, json!({"data_to": "2023-06-30"}))
        .await
        .expect(200);
    assert_eq!(
        custom["data_window"],
        json!({"data_from": "2023-03-15", "data_to": "2023-06-30", "source": "custom"})
    );
    let back = app
        .patch(&path, json!({"use_default_window": true}))
        .await
        .expect(200);
    assert_eq!(back["data_window"]["source"], "decree_09");
    assert_eq!(back["data_window"]["data_to"], "2023-06-14");

    // A weekend deadline shifts on PATCH as on creation.
    let shifted = app
        .patch(&path, json!({"deadline": "2026-11-28T10:00:00+07:00"}))
        .await
        .expect(200);
    assert_eq!(
        shifted["deadline"]["effective"],
        "2026-11-30T17:00:00+07:00"
    );
    assert_eq!(shifted["deadline"]["shifted"], true);

    // Invalid changes leave the draft untouched.
    let problem = app
        .patch(&path, json!({"sequence": 9, "title": ""}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(Answer::fields(&problem), vec!["title", "sequence"]);
    let problem = app
        .patch(
            &path,
            json!({"use_default_window": true, "data_from": "2023-01-01"}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(Answer::fields(&problem)[0], "use_default_window");
    let unchanged = app.get(&path).await.expect(200);
    assert_eq!(unchanged["sequence"], 2);
    assert_eq!(unchanged["title"], "Báo cáo CCHC 2023-Q1");
    app.patch("/api/v1/periods/999999", json!({"title": "x"}))
        .await
        .problem(404, "not_found");

    // `null` clears optional values, and derived values that no longer apply go away.
    let described = app
        .patch(&path, json!({"description": "Theo Công văn 733/SNV-TT"}))
        .await
        .expect(200);
    assert_eq!(described["description"], "Theo Công văn 733/SNV-TT");
    let cleared = app
        .patch(&path, json!({"description": null}))
        .await
        .expect(200);
    assert_eq!(cleared["description"], Value::Null);
    let too_close = app
        .patch(&path, json!({"deadline": "2023-06-12T16:30:00+07:00"}))
        .await
        .expect(200);
    assert_eq!(
        too_close["warnings"][0]["code"],
        "deadline_too_close_to_cutoff"
    );
    let later = app
        .patch(&path, json!({"deadline": "2023-06-20T16:30:00+07:00"}))
        .await
        .expect(200);
    assert_eq!(later["warnings"], json!([]));
    assert_eq!(later["deadline"]["shifted"], false);
    assert_eq!(app.get(&path).await.expect(200)["warnings"], json!([]));
    let ad_hoc = app
        .patch(
            &path,
            json!({
                "frequency": "ad_hoc",
                "report_type": "ad_hoc",
                "year": null,
                "sequence": null,
                "data_from": "2023-04-01",
                "data_to": "2023-04-30",
            }),
        )
        .await
        .expect(200);
    assert_eq!(ad_hoc["frequency"], "ad_hoc");
    assert_eq!(ad_hoc["report_type"], "ad_hoc");
    assert_eq!(ad_hoc["year"], Value::Null);
    assert_eq!(ad_hoc["sequence"], Value::Null);
    assert_eq!(
        ad_hoc["data_window"],
        json!({"data_from": "2023-04-01", "data_to": "2023-04-30", "source": "custom"})
    );
    // Without a window of its own, an ad-hoc period has none to fall back to.
    let problem = app
        .patch(&path, json!({"use_default_window": true}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(Answer::fields(&problem), vec!["data_from"]);
}

#[actix_web::test]
async fn an_open_period_takes_only_some_changes_and_a_closed_one_none() {
    let app = TestApp::spawn().await;
    organisation(&app).await;
    let created = create(&app, period("2023-Q1", "quarterly", Some(2023), Some(1))).await;
    let id = id_of(&created);
    let path = format!("/api/v1/periods/{id}");
    app.post(&format!("{path}/open"), json!({}))
        .await
        .expect(200);

    let changed = app
        .patch(
            &path,
            json!({
                "title": "Báo cáo CCHC Quý I/2023 (bổ sung)",
                "deadline": "2026-11-21T16:30:00+07:00",
                "legal_basis": [{"number": "733/SNV-TT", "issued_on": "2023-03-06", "title": "Công văn"}],
                "policy": {"reminder_time": "09:00"},
            }),
        )
        .await
        .expect(200);
    assert_eq!(changed["status"], "open");
    assert_eq!(changed["title"], "Báo cáo CCHC Quý I/2023 (bổ sung)");
    assert_eq!(
        changed["deadline"]["requested"],
        "2026-11-21T16:30:00+07:00"
    );
    assert_eq!(
        changed["deadline"]["effective"],
        "2026-11-23T17:00:00+07:00"
    );
    assert_eq!(changed["legal_basis"][0]["number"], "733/SNV-TT");
    assert_eq!(changed["policy"]["reminder_time"], "09:00");

    let problem = app
        .patch(&path, json!({"indicator_codes": ["TTHC-DUNGHAN"]}))
        .await
        .problem(409, "period_open");
    assert_eq!(
        errors(&problem),
        pairs(&[("indicator_codes", "locked_when_open")])
    );
    let problem = app
        .patch(
            &path,
            json!({"frequency": "annual", "title": "Đổi", "unit_codes": ["VP"], "data_from": "2023-01-01"}),
        )
        .await
        .problem(409, "period_open");
    assert_eq!(
        Answer::fields(&problem),
        vec!["frequency", "data_from", "unit_codes"]
    );
    // Refused changes change nothing, not even the allowed fields sent along.
    let current = app.get(&path).await.expect(200);
    assert_eq!(current["title"], "Báo cáo CCHC Quý I/2023 (bổ sung)");
    assert_eq!(current["frequency"], "quarterly");
    assert_eq!(
        codes(&current["indicators"], "code"),
        vec!["TTHC-DUNGHAN", "TTHC-TRUCTUYEN"]
    );
    assert_eq!(codes(&current["units"], "code"), vec!["KHTC", "VP"]);

    app.post(&format!("{path}/close"), json!({}))
        .await
        .expect(200);
    app.patch(&path, json!({"title": "Quá muộn"}))
        .await
        .problem(409, "period_closed");
    app.patch(&path, json!({"indicator_codes": []}))
        .await
        .problem(409, "period_closed");
    assert_eq!(
        app.get(&path).await.expect(200)["title"],
        "Báo cáo CCHC Quý I/2023 (bổ sung)"
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

#[actix_web::test]
async fn the_list_pages_filters_and_orders_by_latest_deadline() {
    let app = TestApp::spawn().await;
    organisation(&app).await;
    let specs = [
        (
            "2023-Q1",
            "quarterly",
            Some(2023),
            Some(1),
            "Báo cáo CCHC quý I/2023",
            "2023-03-20T16:30:00+07:00",
        ),
        (
            "2024-M01",
            "monthly",
            Some(2024),
            Some(1),
            "Báo cáo CCHC tháng 1/2024",
            "2024-01-19T16:30:00+07:00",
        ),
        (
            "2023-Q2",
            "quarterly",
            Some(2023),
            Some(2),
            "Báo cáo CCHC quý II/2023",
            "2023-06-20T16:30:00+07:00",
        ),
        (
            "2025-NAM",
            "annual",
            Some(2025),
            None,
            "Báo cáo CCHC năm 2025",
            "2025-12-19T16:30:00+07:00",
        ),
    ];
    for (code, frequency, year, sequence, title, deadline) in specs {
        create(
            &app,
            with(
                period(code, frequency, year, sequence),
                json!({"title": title, "deadline": deadline}),
            ),
        )
        .await;
    }
    let q2 = app.get("/api/v1/periods?q=2023-Q2").await.expect(200)["items"][0]["id"]
        .as_i64()
        .expect("id");
    app.post(&format!("/api/v1/periods/{q2}/open"), json!({}))
        .await
        .expect(200);

    let all = app.get("/api/v1/periods").await.expect(200);
    assert_eq!(all["total"], 4);
    assert_eq!(all["page"], 1);
    assert_eq!(all["per_page"], 50);
    assert_eq!(
        codes(&all["items"], "code"),
        vec!["2025-NAM", "2024-M01", "2023-Q2", "2023-Q1"]
    );
    let summary = &all["items"][2];
    assert_eq!(summary["status"], "open");
    assert_eq!(summary["indicator_count"], 2);
    assert_eq!(summary["unit_count"], 2);
    assert_eq!(
        summary["data_window"],
        json!({"data_from": "2023-03-15", "data_to": "2023-06-14", "source": "decree_09"})
    );
    assert_eq!(
        summary["deadline"]["effective"],
        "2023-06-20T16:30:00+07:00"
    );
    assert!(
        summary.get("indicators").is_none(),
        "summaries carry counts only"
    );

    let page = app
        .get("/api/v1/periods?per_page=1&page=2")
        .await
        .expect(200);
    assert_eq!(codes(&page["items"], "code"), vec!["2024-M01"]);
    assert_eq!(page["total"], 4);
    assert_eq!(page["page"], 2);
    assert_eq!(page["per_page"], 1);
    let beyond = app
        .get("/api/v1/periods?per_page=3&page=2")
        .await
        .expect(200);
    assert_eq!(codes(&beyond["items"], "code"), vec!["2023-Q1"]);
    let past_end = app
        .get("/api/v1/periods?per_page=3&page=3")
        .await
        .expect(200);
    assert_eq!(past_end["items"], json!([]));
    assert_eq!(past_end["total"], 4);

    let filtered = |query: &'static str| {
        let app = &app;
        async move {
            let page = app
                .get(&format!("/api/v1/periods?{query}"))
                .await
                .expect(200);
            assert_eq!(
                page["total"].as_u64().unwrap() as usize,
                page["items"].as_array().unwrap().len(),
                "{query}"
            );
            codes(&page["items"], "code")
        }
    };
    assert_eq!(filtered("status=open").await, vec!["2023-Q2"]);
    assert_eq!(
        filtered("status=draft").await,
        vec!["2025-NAM", "2024-M01", "2023-Q1"]
    );
    assert_eq!(filtered("status=closed").await, Vec::<String>::new());
    assert_eq!(
        filtered("frequency=quarterly").await,
        vec!["2023-Q2", "2023-Q1"]
    );
    assert_eq!(filtered("year=2023").await, vec!["2023-Q2", "2023-Q1"]);
    assert_eq!(filtered("year=2023&status=draft").await, vec!["2023-Q1"]);
    assert_eq!(filtered("q=nam").await, vec!["2025-NAM"]);
    assert_eq!(filtered("q=m01").await, vec!["2024-M01"]);
    assert_eq!(filtered("q=th%C3%A1ng").await, vec!["2024-M01"]);
    // Case-insensitive beyond ASCII too: THÁNG.
    assert_eq!(filtered("q=TH%C3%81NG").await, vec!["2024-M01"]);
    assert_eq!(
        filtered("q=CCHC%20qu%C3%BD").await,
        vec!["2023-Q2", "2023-Q1"]
    );
    assert_eq!(filtered("q=%25").await, Vec::<String>::new());
    assert_eq!(filtered("report_type=ad_hoc").await, Vec::<String>::new());

    // Equal deadlines: the later created first, on every page.
    for code in ["SAME-A", "SAME-B"] {
        create(
            &app,
            with(
                period(code, "annual", Some(2024), None),
                json!({"deadline": "2025-01-10T16:30:00+07:00"}),
            ),
        )
        .await;
    }
    let first = app
        .get("/api/v1/periods?q=SAME&per_page=1&page=1")
        .await
        .expect(200);
    let second = app
        .get("/api/v1/periods?q=SAME&per_page=1&page=2")
        .await
        .expect(200);
    assert_eq!(codes(&first["items"], "code"), vec!["SAME-B"]);
    assert_eq!(codes(&second["items"], "code"), vec!["SAME-A"]);

    let problem = app
        .get("/api/v1/periods?per_page=500")
        .await
        .problem(422, "validation_failed");
    assert_eq!(Answer::fields(&problem), vec!["per_page"]);
    let problem = app
        .get("/api/v1/periods?page=0")
        .await
        .problem(422, "validation_failed");
    assert_eq!(Answer::fields(&problem), vec!["page"]);
    let problem = app
        .get("/api/v1/periods?per_page=0&page=-1")
        .await
        .problem(422, "validation_failed");
    assert_eq!(Answer::fields(&problem), vec!["page", "per_page"]);
    let problem = app
        .get("/api/v1/periods?status=archived")
        .await
        .problem(400, "invalid_query");
    assert_eq!(Answer::fields(&problem), vec!["status"]);
}
