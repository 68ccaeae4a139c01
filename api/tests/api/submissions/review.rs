//! The Office's review (return and accept) and the versions each submit records.

use super::*;

#[actix_web::test]
async fn the_office_returns_and_accepts() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut khtc = filled(&app, period, "KHTC").await;
    let path = khtc.path();

    // Only submitted reports are reviewed.
    app.post(&format!("{path}/return"), json!({"reason": "Xem lại"}))
        .await
        .problem(409, "invalid_transition");
    app.post(&format!("{path}/accept"), json!({}))
        .await
        .problem(409, "invalid_transition");

    submit(&app, &mut khtc).await.expect(200);
    app.post_as(
        &khtc.token,
        &format!("{path}/return"),
        json!({"reason": "Tự trả"}),
    )
    .await
    .problem(403, "forbidden");
    app.post_as(&khtc.token, &format!("{path}/accept"), json!({}))
        .await
        .problem(403, "forbidden");

    for reason in ["", "   "] {
        let problem = app
            .post(&format!("{path}/return"), json!({"reason": reason}))
            .await
            .problem(422, "validation_failed");
        assert_eq!(errors(&problem), pairs(&[("reason", "required")]));
    }
    assert_eq!(
        app.get(&path).await.expect(200)["status"],
        "submitted",
        "refusals change nothing"
    );

    app.clock.set(at("2026-11-23T10:00:00+07:00"));
    let returned = return_report(
        &app,
        &mut khtc,
        "  Đề nghị rà soát lại số hồ sơ trực tuyến.  ",
    )
    .await;
    assert_eq!(returned["status"], "returned");
    assert_eq!(
        returned["return_reason"],
        "Đề nghị rà soát lại số hồ sơ trực tuyến."
    );
    assert_eq!(returned["returned_at"], "2026-11-23T10:00:00+07:00");
    assert_eq!(returned["revision"], 4);
    assert_eq!(khtc.etag, format!("\"{}.4\"", khtc.id));
    app.post(&format!("{path}/return"), json!({"reason": "Lần nữa"}))
        .await
        .problem(409, "invalid_transition");
    app.post(&format!("{path}/accept"), json!({}))
        .await
        .problem(409, "invalid_transition");

    // The unit sees why, and may edit again.
    let mine = app.get_as(&khtc.token, &path).await.expect(200);
    assert_eq!(mine["status"], "returned");
    assert_eq!(
        mine["return_reason"],
        "Đề nghị rà soát lại số hồ sơ trực tuyến."
    );
    let fixed = save(
        &app,
        &mut khtc,
        json!({"values": {"TL-TRUCTUYEN": {"numerator": 50, "denominator": 60}}}),
    )
    .await;
    assert_eq!(fixed["status"], "returned");
    let again = submit(&app, &mut khtc).await.expect(200);
    assert_eq!(again["status"], "submitted");
    assert_eq!(again["submit_count"], 2);

    app.clock.set(at("2026-11-24T14:00:00+07:00"));
    let accepted = app.post(&format!("{path}/accept"), json!({})).await;
    assert_eq!(tag(&accepted), format!("\"{}.7\"", khtc.id));
    let accepted = accepted.expect(200);
    assert_eq!(accepted["status"], "accepted");
    assert_eq!(accepted["accepted_at"], "2026-11-24T14:00:00+07:00");
    khtc.etag = format!("\"{}.7\"", khtc.id);

    app.post(&format!("{path}/accept"), json!({}))
        .await
        .problem(409, "invalid_transition");
    app.post(&format!("{path}/return"), json!({"reason": "Xem lại"}))
        .await
        .problem(409, "invalid_transition");
    try_save(&app, &khtc, json!({"narrative": "Sau khi chấp nhận"}))
        .await
        .problem(409, "submission_not_editable");
    submit(&app, &mut khtc)
        .await
        .problem(409, "invalid_transition");
    let list = app
        .get(&format!(
            "/api/v1/periods/{period}/submissions?status=accepted"
        ))
        .await
        .expect(200);
    assert_eq!(unit_codes(&list), ["KHTC"]);
}

#[actix_web::test]
async fn versions_record_each_submit() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut khtc = filled(&app, period, "KHTC").await;
    save(
        &app,
        &mut khtc,
        json!({"narrative": "Báo cáo kết quả CCHC Quý IV/2026."}),
    )
    .await;
    let versions_path = format!("{}/versions", khtc.path());
    assert_eq!(
        app.get_as(&khtc.token, &versions_path).await.expect(200)["total"],
        0
    );

    submit(&app, &mut khtc).await.expect(200);
    return_report(&app, &mut khtc, "Đề nghị rà soát tỷ lệ.").await;
    save(
        &app,
        &mut khtc,
        json!({"narrative": "Báo cáo đã rà soát.", "values": {"TL-DUNGHAN": {"numerator": 90, "denominator": 100}}}),
    )
    .await;
    app.clock.set(at("2026-11-27T10:00:00+07:00"));
    submit(&app, &mut khtc).await.expect(200);
    // Returned again, the Office submits it unchanged on the unit's behalf.
    return_report(&app, &mut khtc, "Thiếu chữ ký.").await;
    app.clock.set(at("2026-12-16T08:00:00+07:00"));
    let office = app.admin.clone();
    submit_as(&app, &office, &mut khtc).await.expect(200);

    let versions = app.get_as(&khtc.token, &versions_path).await.expect(200);
    assert_eq!(versions["total"], 3);
    let items = versions["items"].as_array().unwrap();
    let numbers: Vec<i64> = items
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [3, 2, 1], "newest first");
    let (third, second, first) = (&items[0], &items[1], &items[2]);

    assert_eq!(first["submitted_by"], "test reporter");
    assert_eq!(first["submitted_at"], "2026-11-20T09:00:00+07:00");
    assert_eq!(first["timeliness"], "early");
    assert_eq!(first["deadline"], DEADLINE);
    let content = &first["content"];
    assert_eq!(content["narrative"], "Báo cáo kết quả CCHC Quý IV/2026.");
    let mut recorded_evidence = evidence();
    recorded_evidence[0]["attachment_id"] = Value::Null;
    assert_eq!(content["evidence"], recorded_evidence);
    assert_eq!(content["attachments"], json!([]));
    let mut keys: Vec<&String> = content["values"].as_object().unwrap().keys().collect();
    keys.sort();
    let mut expected_keys = INDICATORS.to_vec();
    expected_keys.sort();
    assert_eq!(keys, expected_keys, "values keyed by indicator code");
    assert_eq!(
        content["values"]["TL-DUNGHAN"],
        json!({"numerator": 95.0, "denominator": 100.0})
    );
    assert_eq!(content["values"]["CO-MOTCUA"], json!({"flag": true}));
    assert_eq!(
        content["values"]["ND-SANGKIEN"],
        json!({"text": TEXT_ANSWER})
    );
    assert_eq!(num(&content["values"]["KP-CCHC"]["number"]), 25.5);

    // The first version lists every answered field.
    let mut fields: Vec<String> = first["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap().to_owned())
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            "evidence",
            "narrative",
            "values.CO-MOTCUA.flag",
            "values.KP-CCHC.number",
            "values.ND-SANGKIEN.text",
            "values.SL-VANBAN.number",
            "values.TL-DUNGHAN.denominator",
            "values.TL-DUNGHAN.numerator",
            "values.TL-TRUCTUYEN.denominator",
            "values.TL-TRUCTUYEN.numerator",
        ]
    );
    // The first version is compared with an empty report: nothing before, an empty
    // evidence list.
    for change in first["changes"].as_array().unwrap() {
        let empty = if change["field"] == "evidence" {
            json!([])
        } else {
            Value::Null
        };
        assert_eq!(change["before"], empty, "{change}");
    }
    let numerator = first["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["field"] == "values.TL-DUNGHAN.numerator")
        .unwrap();
    assert_eq!(num(&numerator["after"]), 95.0);

    // A later one only what changed.
    assert_eq!(second["submitted_by"], "test reporter");
    assert_eq!(second["submitted_at"], "2026-11-27T10:00:00+07:00");
    assert_eq!(second["timeliness"], "early");
    let mut changes = second["changes"].as_array().unwrap().clone();
    changes.sort_by(|a, b| a["field"].as_str().cmp(&b["field"].as_str()));
    assert_eq!(
        changes,
        vec![
            json!({"field": "narrative", "before": "Báo cáo kết quả CCHC Quý IV/2026.", "after": "Báo cáo đã rà soát."}),
            json!({"field": "values.TL-DUNGHAN.numerator", "before": 95.0, "after": 90.0}),
        ]
    );
    assert_eq!(
        second["content"]["values"]["TL-DUNGHAN"],
        json!({"numerator": 90.0, "denominator": 100.0})
    );
    // Earlier versions are immutable.
    assert_eq!(
        first["content"]["values"]["TL-DUNGHAN"]["numerator"],
        json!(95.0)
    );

    // Unchanged content: no changes; the Office's token name; late against the deadline.
    assert_eq!(third["submitted_by"], "test admin");
    assert_eq!(third["changes"], json!([]));
    assert_eq!(third["timeliness"], "late");
    assert_eq!(third["minutes_late"], 930);
    assert_eq!(third["content"], second["content"]);

    // Paged.
    let page = app
        .get(&format!("{versions_path}?per_page=1&page=2"))
        .await
        .expect(200);
    assert_eq!(page["total"], 3);
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["version"], 2);
}
