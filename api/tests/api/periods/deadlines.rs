//! Deadline rules: the seed scenario's deadline, weekends, Tết, and the required offset.

use super::*;

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
