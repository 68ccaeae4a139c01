//! Which changes a period takes in each status: all as a draft, some when open, none when closed.

use super::*;

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
