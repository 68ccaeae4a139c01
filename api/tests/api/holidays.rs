//! The working calendar through the HTTP API: the pre-filled 2025–2027 days, CRUD by date, and
//! the calendar's effect on period deadlines.

use cchc_domain::model::token::Role;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{Answer, TestApp};

fn dates(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|day| day["date"].as_str().expect("date").to_owned())
        .collect()
}

fn day<'a>(page: &'a Value, date: &str) -> &'a Value {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|d| d["date"] == date)
        .unwrap_or_else(|| panic!("{date} is not in {page:#}"))
}

fn culture_day() -> Value {
    json!({
        "date": "2026-11-24",
        "kind": "day_off",
        "name": "Ngày Văn hóa Việt Nam",
        "note": "Nghị quyết 162/2024/QH15",
    })
}

/// A quarterly period for Q3/2026 (window 15/06 – 14/09/2026) with this deadline.
fn period(code: &str, deadline: &str) -> Value {
    json!({
        "code": code,
        "title": format!("Báo cáo CCHC {code}"),
        "report_type": "periodic",
        "frequency": "quarterly",
        "year": 2026,
        "sequence": 3,
        "deadline": deadline,
    })
}

#[actix_web::test]
async fn the_calendar_comes_pre_filled_for_2025_to_2027() {
    let app = TestApp::spawn().await;
    let y2026 = app.get("/api/v1/holidays?year=2026").await.expect(200);
    let all_2026 = dates(&y2026);
    assert_eq!(y2026["total"].as_u64().unwrap() as usize, all_2026.len());
    assert!(
        all_2026.iter().all(|d| d.starts_with("2026-")),
        "{all_2026:?}"
    );
    let mut sorted = all_2026.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(all_2026, sorted, "ordered by date, each date once");

    // Tết Bính Ngọ: every weekday from 16/02 to 20/02 is off.
    for date in [
        "2026-02-16",
        "2026-02-17",
        "2026-02-18",
        "2026-02-19",
        "2026-02-20",
    ] {
        let tet = day(&y2026, date);
        assert!(
            tet["kind"] == "public_holiday" || tet["kind"] == "day_off",
            "{tet:#}"
        );
        assert!(
            tet["name"].as_str().unwrap().contains("Tết Nguyên đán"),
            "{tet:#}"
        );
        assert_eq!(tet["provisional"], false);
    }
    assert_eq!(day(&y2026, "2026-01-01")["kind"], "public_holiday");
    assert_eq!(day(&y2026, "2026-01-02")["kind"], "day_off");
    assert_eq!(day(&y2026, "2026-01-10")["kind"], "working_day");
    assert_eq!(day(&y2026, "2026-09-02")["kind"], "public_holiday");
    // Weekend days of the break are not listed; they are off anyway.
    assert!(!all_2026.contains(&"2026-02-14".to_owned()));

    let y2025 = app.get("/api/v1/holidays?year=2025").await.expect(200);
    assert!(y2025["total"].as_i64().unwrap() > 0);
    assert!(dates(&y2025).iter().all(|d| d.starts_with("2025-")));
    let make_up = day(&y2025, "2025-04-26");
    assert_eq!(make_up["kind"], "working_day");
    assert_eq!(day(&y2025, "2025-05-02")["kind"], "day_off");

    let y2027 = app.get("/api/v1/holidays?year=2027").await.expect(200);
    assert!(y2027["total"].as_i64().unwrap() > 0);
    assert!(dates(&y2027).iter().all(|d| d.starts_with("2027-")));
    assert_eq!(day(&y2027, "2027-02-05")["provisional"], true);
    assert_eq!(day(&y2027, "2027-01-01")["provisional"], false);

    // One day in full.
    let tet = app.get("/api/v1/holidays/2026-02-17").await.expect(200);
    assert_eq!(tet["date"], "2026-02-17");
    assert_eq!(tet["kind"], "public_holiday");
    assert_eq!(tet["name"], "Tết Nguyên đán Bính Ngọ (mùng 1 tháng Giêng)");
    assert!(tet["note"]
        .as_str()
        .unwrap()
        .contains("Bộ luật Lao động 2019"));
    assert!(tet["created_at"].as_str().unwrap().ends_with("+07:00"));

    // Nothing outside the pre-filled years.
    let y2030 = app.get("/api/v1/holidays?year=2030").await.expect(200);
    assert_eq!(y2030["total"], 0);
    assert_eq!(y2030["items"], json!([]));
}

#[actix_web::test]
async fn the_calendar_list_filters_and_pages() {
    let app = TestApp::spawn().await;
    let february = app
        .get("/api/v1/holidays?from=2026-02-01&to=2026-02-28")
        .await
        .expect(200);
    assert_eq!(
        dates(&february),
        vec![
            "2026-02-16",
            "2026-02-17",
            "2026-02-18",
            "2026-02-19",
            "2026-02-20"
        ]
    );
    assert_eq!(february["total"], 5);
    // Both ends are inclusive.
    let ends = app
        .get("/api/v1/holidays?from=2026-02-16&to=2026-02-20")
        .await
        .expect(200);
    assert_eq!(ends["total"], 5);
    let from_only = app
        .get("/api/v1/holidays?from=2027-09-02")
        .await
        .expect(200);
    assert_eq!(dates(&from_only), vec!["2027-09-02", "2027-09-03"]);
    let to_only = app.get("/api/v1/holidays?to=2025-01-27").await.expect(200);
    assert_eq!(dates(&to_only), vec!["2025-01-01", "2025-01-27"]);

    let working = app
        .get("/api/v1/holidays?kind=working_day")
        .await
        .expect(200);
    assert_eq!(
        dates(&working),
        vec!["2025-04-26", "2026-01-10", "2026-08-22"]
    );
    let working_2026 = app
        .get("/api/v1/holidays?kind=working_day&year=2026")
        .await
        .expect(200);
    assert_eq!(dates(&working_2026), vec!["2026-01-10", "2026-08-22"]);
    let days_off = app
        .get("/api/v1/holidays?kind=day_off&year=2026")
        .await
        .expect(200);
    assert_eq!(
        dates(&days_off),
        vec!["2026-01-02", "2026-04-27", "2026-08-31"]
    );
    assert!(days_off["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["kind"] == "day_off"));

    // Pages follow the date order.
    let whole = dates(&app.get("/api/v1/holidays?year=2026").await.expect(200));
    let second = app
        .get("/api/v1/holidays?year=2026&per_page=5&page=2")
        .await
        .expect(200);
    assert_eq!(dates(&second), whole[5..10].to_vec());
    assert_eq!(second["page"], 2);
    assert_eq!(second["per_page"], 5);
    assert_eq!(second["total"].as_u64().unwrap() as usize, whole.len());

    let problem = app
        .get("/api/v1/holidays?year=99999")
        .await
        .problem(422, "validation_failed");
    assert_eq!(Answer::fields(&problem), vec!["year"]);
    let problem = app
        .get("/api/v1/holidays?year=1899")
        .await
        .problem(422, "validation_failed");
    assert_eq!(Answer::fields(&problem), vec!["year"]);
    let problem = app
        .get("/api/v1/holidays?from=2026-03-01&to=2026-02-01")
        .await
        .problem(422, "validation_failed");
    assert_eq!(Answer::fields(&problem), vec!["to"]);
    let problem = app
        .get("/api/v1/holidays?kind=holiday")
        .await
        .problem(400, "invalid_query");
    assert_eq!(Answer::fields(&problem), vec!["kind"]);
    let problem = app
        .get("/api/v1/holidays?from=2026-02-30")
        .await
        .problem(400, "invalid_query");
    assert_eq!(Answer::fields(&problem), vec!["from"]);
    let problem = app
        .get("/api/v1/holidays?per_page=201")
        .await
        .problem(422, "validation_failed");
    assert_eq!(Answer::fields(&problem), vec!["per_page"]);
}

#[actix_web::test]
async fn admins_add_change_and_remove_days() {
    let app = TestApp::spawn().await;
    let created = app.post("/api/v1/holidays", culture_day()).await;
    assert_eq!(created.status.as_u16(), 201);
    assert_eq!(
        created
            .headers
            .get("location")
            .and_then(|v| v.to_str().ok()),
        Some("/api/v1/holidays/2026-11-24")
    );
    let body = created.body;
    assert_eq!(body["date"], "2026-11-24");
    assert_eq!(body["kind"], "day_off");
    assert_eq!(body["name"], "Ngày Văn hóa Việt Nam");
    assert_eq!(body["note"], "Nghị quyết 162/2024/QH15");
    assert_eq!(body["provisional"], false);
    assert_eq!(body["created_at"], "2026-11-20T09:00:00+07:00");
    assert_eq!(body["updated_at"], "2026-11-20T09:00:00+07:00");

    let fetched = app.get("/api/v1/holidays/2026-11-24").await.expect(200);
    assert_eq!(fetched, body);
    let listed = app
        .get("/api/v1/holidays?from=2026-11-01&to=2026-11-30")
        .await
        .expect(200);
    assert_eq!(dates(&listed), vec!["2026-11-24"]);

    // One entry per date, the pre-filled ones included.
    let problem = app
        .post("/api/v1/holidays", culture_day())
        .await
        .problem(409, "duplicate_date");
    assert_eq!(Answer::fields(&problem), vec!["date"]);
    app.post(
        "/api/v1/holidays",
        json!({"date": "2026-02-17", "kind": "day_off", "name": "Trùng Tết"}),
    )
    .await
    .problem(409, "duplicate_date");
    assert_eq!(
        app.get("/api/v1/holidays/2026-02-17").await.expect(200)["kind"],
        "public_holiday"
    );

    app.clock.set(
        chrono::DateTime::parse_from_rfc3339("2026-11-21T10:00:00+07:00")
            .unwrap()
            .into(),
    );
    let changed = app
        .patch(
            "/api/v1/holidays/2026-11-24",
            json!({"name": "  Ngày Văn hóa Việt Nam (nghỉ)  ", "provisional": true, "note": null, "kind": "public_holiday"}),
        )
        .await
        .expect(200);
    assert_eq!(changed["date"], "2026-11-24");
    assert_eq!(changed["name"], "Ngày Văn hóa Việt Nam (nghỉ)");
    assert_eq!(changed["kind"], "public_holiday");
    assert_eq!(changed["provisional"], true);
    assert_eq!(changed["note"], Value::Null);
    assert_eq!(changed["created_at"], "2026-11-20T09:00:00+07:00");
    assert_eq!(changed["updated_at"], "2026-11-21T10:00:00+07:00");
    // Absent fields stay.
    let renamed = app
        .patch(
            "/api/v1/holidays/2026-11-24",
            json!({"name": "Ngày Văn hóa"}),
        )
        .await
        .expect(200);
    assert_eq!(renamed["kind"], "public_holiday");
    assert_eq!(renamed["provisional"], true);
    // A weekday cannot become a make-up working day, and names stay non-blank.
    let problem = app
        .patch(
            "/api/v1/holidays/2026-11-24",
            json!({"kind": "working_day", "name": " "}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(Answer::fields(&problem), vec!["name", "kind"]);
    assert_eq!(
        app.get("/api/v1/holidays/2026-11-24").await.expect(200)["name"],
        "Ngày Văn hóa"
    );

    let deleted = app.delete("/api/v1/holidays/2026-11-24").await;
    assert_eq!(deleted.status.as_u16(), 204);
    assert_eq!(deleted.body, Value::Null);
    app.get("/api/v1/holidays/2026-11-24")
        .await
        .problem(404, "not_found");
    app.delete("/api/v1/holidays/2026-11-24")
        .await
        .problem(404, "not_found");
    app.patch("/api/v1/holidays/2026-11-24", json!({"name": "x"}))
        .await
        .problem(404, "not_found");
    // Gone from the list, so it can be added again.
    let listed = app
        .get("/api/v1/holidays?from=2026-11-01&to=2026-11-30")
        .await
        .expect(200);
    assert_eq!(listed["total"], 0);
    app.post("/api/v1/holidays", culture_day())
        .await
        .expect(201);
}

#[actix_web::test]
async fn a_day_must_fit_its_weekday_and_have_a_name() {
    let app = TestApp::spawn().await;
    // Wednesday 25/11/2026 is a working day already.
    let problem = app
        .post(
            "/api/v1/holidays",
            json!({"date": "2026-11-25", "kind": "working_day", "name": "Làm bù"}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "kind");
    assert_eq!(problem["errors"][0]["code"], "not_a_weekend");
    assert_eq!(Answer::fields(&problem), vec!["kind"]);
    // Saturday 28/11/2026 is off already.
    let problem = app
        .post(
            "/api/v1/holidays",
            json!({"date": "2026-11-28", "kind": "day_off", "name": "Nghỉ"}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["code"], "not_a_weekday");
    assert_eq!(Answer::fields(&problem), vec!["kind"]);
    let problem = app
        .post(
            "/api/v1/holidays",
            json!({"date": "2026-11-25", "kind": "day_off", "name": "   "}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(Answer::fields(&problem), vec!["name"]);
    assert_eq!(problem["errors"][0]["code"], "required");
    let problem = app
        .post(
            "/api/v1/holidays",
            json!({"date": "2026-11-29", "kind": "day_off", "name": ""}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(Answer::fields(&problem), vec!["name", "kind"]);
    // Nothing of that was stored.
    assert_eq!(
        app.get("/api/v1/holidays?from=2026-11-21&to=2026-11-30")
            .await
            .expect(200)["total"],
        0
    );

    // Malformed bodies.
    let problem = app
        .post(
            "/api/v1/holidays",
            json!({"date": "2026-02-30", "kind": "day_off", "name": "Không có"}),
        )
        .await
        .problem(400, "invalid_body");
    assert_eq!(Answer::fields(&problem), vec!["date"]);
    let problem = app
        .post(
            "/api/v1/holidays",
            json!({"date": "2026-11-25", "kind": "holiday", "name": "Sai loại"}),
        )
        .await
        .problem(400, "invalid_body");
    assert_eq!(Answer::fields(&problem), vec!["kind"]);
    let problem = app
        .post(
            "/api/v1/holidays",
            json!({"date": "2026-11-25", "kind": "day_off", "name": "Nghỉ", "color": "red"}),
        )
        .await
        .problem(400, "invalid_body");
    assert_eq!(Answer::fields(&problem), vec!["color"]);
    let problem = app
        .post(
            "/api/v1/holidays",
            json!({"kind": "day_off", "name": "Nghỉ"}),
        )
        .await
        .problem(400, "invalid_body");
    assert_eq!(Answer::fields(&problem), vec!["date"]);

    // The fitting kinds are accepted: a make-up Saturday and a public holiday on a weekday.
    let saturday = app
        .post(
            "/api/v1/holidays",
            json!({"date": "2026-12-05", "kind": "working_day", "name": "Làm bù", "provisional": true}),
        )
        .await
        .expect(201);
    assert_eq!(saturday["kind"], "working_day");
    assert_eq!(saturday["provisional"], true);
    assert_eq!(saturday["note"], Value::Null);
    // A make-up Saturday cannot become a day off.
    let problem = app
        .patch("/api/v1/holidays/2026-12-05", json!({"kind": "day_off"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(Answer::fields(&problem), vec!["kind"]);
}

#[actix_web::test]
async fn bad_or_unknown_dates_in_the_path_are_404() {
    let app = TestApp::spawn().await;
    for path in [
        "/api/v1/holidays/2026-02-30",
        "/api/v1/holidays/tomorrow",
        "/api/v1/holidays/17-02-2026",
        "/api/v1/holidays/2026-11-26",
    ] {
        app.get(path).await.problem(404, "not_found");
        app.delete(path).await.problem(404, "not_found");
        app.patch(path, json!({"name": "x"}))
            .await
            .problem(404, "not_found");
    }
}

#[actix_web::test]
async fn everyone_reads_the_calendar_only_admins_change_it() {
    let app = TestApp::spawn().await;
    app.unit("KHTC", "division", None).await;
    let viewer = app.token(Role::Viewer, None).await;
    let reporter = app.token(Role::Reporter, Some("KHTC")).await;
    let integration = app.token(Role::Integration, None).await;
    for token in [&viewer, &reporter, &integration] {
        let list = app
            .get_as(token, "/api/v1/holidays?year=2026")
            .await
            .expect(200);
        assert!(list["total"].as_i64().unwrap() > 0);
        let one = app
            .get_as(token, "/api/v1/holidays/2026-02-17")
            .await
            .expect(200);
        assert_eq!(one["kind"], "public_holiday");

        app.post_as(token, "/api/v1/holidays", culture_day())
            .await
            .problem(403, "forbidden");
        app.post_as(token, "/api/v1/holidays", json!({}))
            .await
            .problem(403, "forbidden");
        app.request(
            Method::PATCH,
            "/api/v1/holidays/2026-02-17",
            Some(token),
            Some(&json!({"name": "x"})),
        )
        .await
        .problem(403, "forbidden");
        app.request(
            Method::DELETE,
            "/api/v1/holidays/2026-02-17",
            Some(token),
            None,
        )
        .await
        .problem(403, "forbidden");
    }
    app.get("/api/v1/holidays/2026-11-24")
        .await
        .problem(404, "not_found");
    assert_eq!(
        app.get("/api/v1/holidays/2026-02-17").await.expect(200)["name"],
        "Tết Nguyên đán Bính Ngọ (mùng 1 tháng Giêng)"
    );
    app.request(Method::GET, "/api/v1/holidays", None, None)
        .await
        .problem(401, "unauthenticated");
}

#[actix_web::test]
async fn the_calendar_drives_period_deadlines() {
    let app = TestApp::spawn().await;
    // Tuesday 24/11/2026 is a working day: a deadline on it stays.
    let before = app
        .post(
            "/api/v1/periods",
            period("TRUOC", "2026-11-24T16:30:00+07:00"),
        )
        .await
        .expect(201);
    assert_eq!(before["deadline"]["effective"], "2026-11-24T16:30:00+07:00");
    assert_eq!(before["deadline"]["shifted"], false);

    app.post("/api/v1/holidays", culture_day())
        .await
        .expect(201);
    let after = app
        .post(
            "/api/v1/periods",
            period("SAU", "2026-11-24T16:30:00+07:00"),
        )
        .await
        .expect(201);
    assert_eq!(
        after["deadline"],
        json!({
            "requested": "2026-11-24T16:30:00+07:00",
            "effective": "2026-11-25T17:00:00+07:00",
            "shifted": true,
            "shift_off_non_working_day": true,
            "strict_check": false,
        })
    );

    // A day off announced after the period was set up moves its deadline at once.
    let moved = app
        .get(&format!("/api/v1/periods/{}", before["id"]))
        .await
        .expect(200);
    assert_eq!(moved["deadline"]["effective"], "2026-11-25T17:00:00+07:00");
    assert_eq!(moved["deadline"]["shifted"], true);
    app.unit("SCT", "department", None).await;
    app.unit("KHTC", "division", Some("SCT")).await;
    app.indicator("TTHC-DUNGHAN", "ratio").await;
    app.patch(
        &format!("/api/v1/periods/{}", before["id"]),
        json!({"unit_codes": ["KHTC"], "indicator_codes": ["TTHC-DUNGHAN"]}),
    )
    .await
    .expect(200);
    let opened = app
        .post(&format!("/api/v1/periods/{}/open", before["id"]), json!({}))
        .await
        .expect(200);
    assert_eq!(opened["deadline"]["requested"], "2026-11-24T16:30:00+07:00");
    assert_eq!(opened["deadline"]["effective"], "2026-11-25T17:00:00+07:00");
    assert_eq!(opened["deadline"]["shifted"], true);

    // Two days off in a row push the deadline past both.
    app.post(
        "/api/v1/holidays",
        json!({"date": "2026-11-25", "kind": "day_off", "name": "Nghỉ thêm"}),
    )
    .await
    .expect(201);
    let twice = app
        .post(
            "/api/v1/periods",
            period("HAI-NGAY", "2026-11-24T08:00:00+07:00"),
        )
        .await
        .expect(201);
    assert_eq!(twice["deadline"]["effective"], "2026-11-26T17:00:00+07:00");

    // A make-up Saturday keeps a deadline that would otherwise move.
    app.post(
        "/api/v1/holidays",
        json!({"date": "2026-12-05", "kind": "working_day", "name": "Làm bù"}),
    )
    .await
    .expect(201);
    let saturday = app
        .post(
            "/api/v1/periods",
            period("THU-BAY", "2026-12-05T11:00:00+07:00"),
        )
        .await
        .expect(201);
    assert_eq!(
        saturday["deadline"]["effective"],
        "2026-12-05T11:00:00+07:00"
    );
    assert_eq!(saturday["deadline"]["shifted"], false);
    // A deadline on the Friday before a make-up Saturday that is off moves to that Saturday.
    app.post(
        "/api/v1/holidays",
        json!({"date": "2026-12-04", "kind": "day_off", "name": "Nghỉ hoán đổi"}),
    )
    .await
    .expect(201);
    let friday = app
        .post(
            "/api/v1/periods",
            period("THU-SAU", "2026-12-04T16:30:00+07:00"),
        )
        .await
        .expect(201);
    assert_eq!(friday["deadline"]["effective"], "2026-12-05T17:00:00+07:00");

    // Removing the day off makes the date a working day again for new periods.
    app.delete("/api/v1/holidays/2026-11-24").await.expect(204);
    let removed = app
        .post(
            "/api/v1/periods",
            period("XOA", "2026-11-24T16:30:00+07:00"),
        )
        .await
        .expect(201);
    assert_eq!(
        removed["deadline"]["effective"],
        "2026-11-24T16:30:00+07:00"
    );
    assert_eq!(removed["deadline"]["shifted"], false);
    // …and for the open period that had moved off it.
    let back = app
        .get(&format!("/api/v1/periods/{}", before["id"]))
        .await
        .expect(200);
    assert_eq!(back["deadline"]["effective"], "2026-11-24T16:30:00+07:00");
    assert_eq!(back["deadline"]["shifted"], false);

    // A closed period is a record: calendar changes leave its deadline alone.
    app.post(
        &format!("/api/v1/periods/{}/close", before["id"]),
        json!({}),
    )
    .await
    .expect(200);
    app.post("/api/v1/holidays", culture_day())
        .await
        .expect(201);
    let closed = app
        .get(&format!("/api/v1/periods/{}", before["id"]))
        .await
        .expect(200);
    assert_eq!(closed["deadline"]["effective"], "2026-11-24T16:30:00+07:00");
}
