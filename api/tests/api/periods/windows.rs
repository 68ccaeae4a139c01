//! Decree 09 cut-off windows: the defaults for each frequency, custom windows, and the
//! sequence and year checks.

use super::*;

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
