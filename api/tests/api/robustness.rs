//! Input PostgreSQL cannot store is refused with a 4xx, never a 500.

use reqwest::Method;
use serde_json::json;

use crate::common::TestApp;

#[actix_web::test]
async fn nul_characters_are_refused_before_the_database() {
    let app = TestApp::spawn().await;
    let body = br#"{"code": "KHTC", "name": "Ph\u0000ng", "kind": "division"}"#.to_vec();
    let problem = app
        .raw(Method::POST, "/api/v1/units", "application/json", body)
        .await
        .problem(400, "invalid_body");
    assert!(problem["detail"].as_str().unwrap().contains("NUL"));
    for query in ["q=%00", "parent_code=VP%00", "under=%00"] {
        let problem = app
            .get(&format!("/api/v1/units?{query}"))
            .await
            .problem(400, "invalid_query");
        assert_eq!(problem["errors"][0]["code"], "invalid_character");
    }
    let total = app.get("/api/v1/units").await.expect(200)["total"].clone();
    assert_eq!(total, 0, "nothing was written");
}

#[actix_web::test]
async fn control_characters_in_text_are_a_validation_error() {
    let app = TestApp::spawn().await;
    let problem = app
        .post(
            "/api/v1/units",
            json!({"code": "KHTC", "name": "Phòng\u{7}KHTC", "kind": "division"}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "name");
    assert_eq!(problem["errors"][0]["code"], "invalid_character");
    // Line breaks are ordinary text in descriptions.
    app.post(
        "/api/v1/indicators",
        json!({"code": "X1", "name": "Chỉ tiêu", "description": "Dòng 1\nDòng 2", "content_area": "inspection", "kind": "count"}),
    )
    .await
    .expect(201);
}

#[actix_web::test]
async fn extreme_numbers_are_4xx() {
    let app = TestApp::spawn().await;
    app.get("/api/v1/units?page=9223372036854775807")
        .await
        .expect(200);
    app.get("/api/v1/units?page=99999999999999999999")
        .await
        .problem(400, "invalid_query");
    app.get("/api/v1/periods?year=2147483648")
        .await
        .problem(400, "invalid_query");
    app.post(
        "/api/v1/indicators",
        json!({"code": "X2", "name": "Chỉ tiêu", "content_area": "inspection", "kind": "decimal", "tolerance": 1e300}),
    )
    .await
    .problem(400, "invalid_body");
    let problem = app
        .post(
            "/api/v1/periods",
            json!({"code": "P1", "title": "Kỳ", "report_type": "periodic", "frequency": "annual", "year": 2147483647, "deadline": "2026-12-20T16:30:00+07:00"}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "year");
}

#[actix_web::test]
async fn null_is_refused_where_a_patch_field_cannot_be_cleared() {
    let app = TestApp::spawn().await;
    let unit = app.unit("KHTC", "division", None).await;
    let id = unit["id"].as_i64().unwrap();
    for field in ["name", "kind", "active", "focal_persons"] {
        let problem = app
            .patch(&format!("/api/v1/units/{id}"), json!({ field: null }))
            .await
            .problem(400, "invalid_body");
        assert_eq!(problem["errors"][0]["field"], field);
    }
    // Clearable fields still take null.
    let cleared = app
        .patch(&format!("/api/v1/units/{id}"), json!({"head": null}))
        .await
        .expect(200);
    assert_eq!(cleared["head"], serde_json::Value::Null);
    let problem = app
        .post(
            "/api/v1/periods",
            json!({"code": "P1", "title": "Kỳ", "report_type": "periodic", "frequency": "annual", "year": 2026,
                   "deadline": "2026-12-20T16:30:00+07:00", "policy": {"reminder_time": null}}),
        )
        .await
        .problem(400, "invalid_body");
    assert_eq!(problem["errors"][0]["field"], "policy.reminder_time");
}

#[actix_web::test]
async fn an_indicator_turned_into_a_ratio_is_shown_as_a_percentage() {
    let app = TestApp::spawn().await;
    let indicator = app.indicator("HS-01", "count").await;
    assert_eq!(indicator["unit_of_measure"], serde_json::Value::Null);
    let id = indicator["id"].as_i64().unwrap();
    let ratio = app
        .patch(
            &format!("/api/v1/indicators/{id}"),
            json!({"kind": "ratio"}),
        )
        .await
        .expect(200);
    assert_eq!(ratio["unit_of_measure"], "%");
    assert_eq!(ratio["version"], 2);
}

/// A request stuck behind a lock is cancelled at the statement timeout with a 503 naming it,
/// and the API answers again as soon as the lock is gone.
#[actix_web::test]
async fn a_statement_stuck_behind_a_lock_is_cancelled_with_a_503() {
    use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

    let config = cchc_app::config::Config::from_lookup(|name| {
        (name == "CCHC_DB_STATEMENT_TIMEOUT_MS").then(|| "300".to_owned())
    })
    .unwrap();
    let app = TestApp::spawn_with(config).await;
    app.get("/api/v1/units").await.expect(200);

    // Another session holds the units table, as a long migration or a stuck transaction would.
    let mut holder = AsyncPgConnection::establish(app.db.url()).await.unwrap();
    diesel::sql_query("BEGIN")
        .execute(&mut holder)
        .await
        .unwrap();
    diesel::sql_query("LOCK TABLE units IN ACCESS EXCLUSIVE MODE")
        .execute(&mut holder)
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let problem = app
        .get("/api/v1/units")
        .await
        .problem(503, "database_timeout");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("nothing was changed"));

    diesel::sql_query("ROLLBACK")
        .execute(&mut holder)
        .await
        .unwrap();
    app.get("/api/v1/units").await.expect(200);
}

#[actix_web::test]
async fn bidi_and_zero_width_characters_are_refused_in_names() {
    let app = TestApp::spawn().await;
    for name in [
        "Phòng \u{202E}CTHK",
        "Phòng KH\u{200B}TC",
        "\u{2067}Thanh tra",
    ] {
        let problem = app
            .post(
                "/api/v1/units",
                json!({"code": "KHTC", "name": name, "kind": "division"}),
            )
            .await
            .problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], "name", "{name:?}");
        assert_eq!(problem["errors"][0]["code"], "invalid_character");
    }
    assert_eq!(app.get("/api/v1/units").await.expect(200)["total"], 0);
}

#[actix_web::test]
async fn dates_outside_1900_to_9999_and_leap_seconds_are_refused() {
    let app = TestApp::spawn().await;
    let period = |deadline: &str| {
        json!({"code": "P1", "title": "Kỳ", "report_type": "periodic", "frequency": "annual",
               "year": 2026, "deadline": deadline})
    };
    for deadline in [
        "+10000-01-01T16:30:00+07:00",
        "1899-12-31T16:30:00+07:00",
        "2016-12-31T23:59:60+07:00",
    ] {
        let problem = app
            .post("/api/v1/periods", period(deadline))
            .await
            .problem(400, "invalid_body");
        assert_eq!(problem["errors"][0]["field"], "deadline", "{deadline}");
    }
    for date in ["+10000-01-01", "1899-12-31", "12026-01-01"] {
        let problem = app
            .post(
                "/api/v1/holidays",
                json!({"date": date, "name": "Ngày nghỉ", "kind": "public_holiday"}),
            )
            .await
            .problem(400, "invalid_body");
        assert_eq!(problem["errors"][0]["field"], "date", "{date}");
    }
    app.get("/api/v1/holidays?from=%2B10000-01-01")
        .await
        .problem(400, "invalid_query");
    app.get("/api/v1/audit?since=%2B10000-01-01T00:00:00%2B07:00")
        .await
        .problem(400, "invalid_query");
    assert_eq!(app.get("/api/v1/periods").await.expect(200)["total"], 0);
}
