//! Saving a draft: values replaced indicator by indicator and checked on save, the Office's
//! system figures, the narrative and evidence citations.

use super::*;

#[actix_web::test]
async fn values_are_replaced_indicator_by_indicator() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut khtc = start(&app, period, "KHTC").await;

    let saved = save(
        &app,
        &mut khtc,
        json!({"values": {
            "TL-DUNGHAN": {"numerator": 45, "denominator": 60},
            "SL-VANBAN": {"number": 12},
            "CO-MOTCUA": {"flag": false},
        }}),
    )
    .await;
    let ratio = value(&saved, "TL-DUNGHAN");
    assert_eq!(ratio["answered"], true);
    assert_eq!(num(&ratio["numerator"]), 45.0);
    assert_eq!(num(&ratio["denominator"]), 60.0);
    assert_eq!(num(&ratio["percentage"]), 75.0);
    assert_eq!(ratio["discrepancy"], Value::Null);
    assert_eq!(num(&value(&saved, "SL-VANBAN")["number"]), 12.0);
    assert_eq!(value(&saved, "SL-VANBAN")["percentage"], Value::Null);
    assert_eq!(value(&saved, "CO-MOTCUA")["flag"], false);
    assert_eq!(value(&saved, "CO-MOTCUA")["answered"], true);
    assert_eq!(value(&saved, "TL-TRUCTUYEN")["answered"], false);

    // Naming one indicator replaces only that one.
    let saved = save(
        &app,
        &mut khtc,
        json!({"values": {"SL-VANBAN": {"number": 7, "note": "  Số văn bản ban hành trong quý  "}}}),
    )
    .await;
    assert_eq!(num(&value(&saved, "SL-VANBAN")["number"]), 7.0);
    assert_eq!(
        value(&saved, "SL-VANBAN")["note"],
        "Số văn bản ban hành trong quý"
    );
    assert_eq!(num(&value(&saved, "TL-DUNGHAN")["percentage"]), 75.0);
    assert_eq!(value(&saved, "CO-MOTCUA")["flag"], false);

    // An entry replaces the indicator's whole value: what it leaves out is gone.
    let saved = save(
        &app,
        &mut khtc,
        json!({"values": {"TL-DUNGHAN": {"numerator": 1, "denominator": 3}}}),
    )
    .await;
    assert_eq!(num(&value(&saved, "TL-DUNGHAN")["percentage"]), 33.3333);
    let saved = save(
        &app,
        &mut khtc,
        json!({"values": {"SL-VANBAN": {"number": 8}}}),
    )
    .await;
    assert_eq!(value(&saved, "SL-VANBAN")["note"], Value::Null);

    // An empty object clears the value.
    let saved = save(&app, &mut khtc, json!({"values": {"CO-MOTCUA": {}}})).await;
    let cleared = value(&saved, "CO-MOTCUA");
    assert_eq!(cleared["answered"], false);
    assert_eq!(cleared["flag"], Value::Null);
    assert_eq!(value(&saved, "SL-VANBAN")["answered"], true);
    assert_eq!(value(&saved, "TL-DUNGHAN")["answered"], true);

    // And what was saved is what is read.
    let read = app.get_as(&khtc.token, &khtc.path()).await.expect(200);
    assert_eq!(read["values"], saved["values"]);
    assert_eq!(read["revision"], 6);
}

#[actix_web::test]
async fn values_that_do_not_fit_are_refused_on_save() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let khtc = start(&app, period, "KHTC").await;

    let cases = [
        (
            json!({"NOPE": {"number": 1}}),
            vec![("values.NOPE", "unknown_indicator")],
        ),
        (
            json!({"TL-DUNGHAN": {"number": 95}}),
            vec![("values.TL-DUNGHAN.number", "not_for_kind")],
        ),
        (
            json!({"SL-VANBAN": {"number": -3}}),
            vec![("values.SL-VANBAN.number", "negative")],
        ),
        (
            json!({"SL-VANBAN": {"number": 2.5}}),
            vec![("values.SL-VANBAN.number", "not_whole")],
        ),
        (
            json!({"SL-VANBAN": {"numerator": 1, "denominator": 2}}),
            vec![
                ("values.SL-VANBAN.numerator", "not_for_kind"),
                ("values.SL-VANBAN.denominator", "not_for_kind"),
            ],
        ),
        (
            json!({"TL-DUNGHAN": {"numerator": -1, "denominator": 10}}),
            vec![("values.TL-DUNGHAN.numerator", "negative")],
        ),
        (
            json!({"CO-MOTCUA": {"text": "Có"}}),
            vec![("values.CO-MOTCUA.text", "not_for_kind")],
        ),
        // Beyond ±10^15 (a ratio's sums would lose their percentage, a whole number past
        // 2^53 its last digits in JSON): refused, not silently changed.
        (
            json!({"TL-DUNGHAN": {"numerator": 7.9e28, "denominator": 10}}),
            vec![("values.TL-DUNGHAN.numerator", "out_of_range")],
        ),
        (
            json!({"SL-VANBAN": {"number": 9_007_199_254_740_993_u64}}),
            vec![("values.SL-VANBAN.number", "out_of_range")],
        ),
        // A good value next to a bad one is not saved either.
        (
            json!({"KP-CCHC": {"number": 3.5}, "NOPE": {"number": 1}}),
            vec![("values.NOPE", "unknown_indicator")],
        ),
    ];
    for (values, expected) in cases {
        let problem = try_save(&app, &khtc, json!({"values": values}))
            .await
            .problem(422, "validation_failed");
        assert_eq!(errors(&problem), pairs(&expected), "{values}");
    }
    let read = app.get_as(&khtc.token, &khtc.path()).await.expect(200);
    assert_eq!(read["revision"], 1, "nothing was written");
    assert!(read["values"]
        .as_array()
        .unwrap()
        .iter()
        .all(|v| v["answered"] == false));
}

#[actix_web::test]
async fn the_offices_system_figure_cannot_be_overwritten_by_the_unit() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut khtc = filled(&app, period, "KHTC").await;
    let office = app.admin.clone();

    let set = save_as(
        &app,
        &office,
        &mut khtc,
        json!({"values": {"TL-DUNGHAN": {"numerator": 95, "denominator": 100, "system_value": 97.5}}}),
    )
    .await;
    let dossier = value(&set, "TL-DUNGHAN");
    assert_eq!(num(&dossier["system_value"]), 97.5);
    assert_eq!(dossier["system_value_source"], "office");
    assert_eq!(num(&dossier["discrepancy"]), 2.5);
    assert_eq!(dossier["explanation_required"], true);

    let problem = try_save(
        &app,
        &khtc,
        json!({"values": {"TL-DUNGHAN": {"numerator": 95, "denominator": 100, "system_value": 96}}}),
    )
    .await
    .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[("values.TL-DUNGHAN.system_value", "set_by_office")])
    );
    let read = app.get_as(&khtc.token, &khtc.path()).await.expect(200);
    assert_eq!(num(&value(&read, "TL-DUNGHAN")["system_value"]), 97.5);

    // Sending the Office's figure unchanged is fine; it stays the Office's.
    let same = save(
        &app,
        &mut khtc,
        json!({"values": {"TL-DUNGHAN": {"numerator": 96, "denominator": 100, "system_value": 97.5}}}),
    )
    .await;
    let dossier = value(&same, "TL-DUNGHAN");
    assert_eq!(num(&dossier["numerator"]), 96.0);
    assert_eq!(num(&dossier["system_value"]), 97.5);
    assert_eq!(dossier["system_value_source"], "office");
    assert_eq!(num(&dossier["discrepancy"]), 1.5);
}

#[actix_web::test]
async fn a_unit_may_leave_out_the_offices_system_figure() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut khtc = filled(&app, period, "KHTC").await;
    let office = app.admin.clone();
    save_as(
        &app,
        &office,
        &mut khtc,
        json!({"values": {"TL-DUNGHAN": {"numerator": 95, "denominator": 100, "system_value": 97.5}}}),
    )
    .await;

    // The unit corrects its own figures without repeating the system's: the Office's figure
    // is kept and stays the Office's.
    let kept = save(
        &app,
        &mut khtc,
        json!({"values": {"TL-DUNGHAN": {"numerator": 97, "denominator": 100}}}),
    )
    .await;
    let dossier = value(&kept, "TL-DUNGHAN");
    assert_eq!(num(&dossier["numerator"]), 97.0);
    assert_eq!(num(&dossier["system_value"]), 97.5);
    assert_eq!(dossier["system_value_source"], "office");
    assert_eq!(num(&dossier["discrepancy"]), 0.5);
    assert_eq!(dossier["explanation_required"], false);
}

#[actix_web::test]
async fn a_units_own_system_figure_is_marked_as_the_units() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut khtc = filled(&app, period, "KHTC").await;

    let own = save(
        &app,
        &mut khtc,
        json!({"values": {
            "TL-DUNGHAN": {"numerator": 95, "denominator": 100, "system_value": 99},
            "SL-VANBAN": {"number": 12, "system_value": 10},
        }}),
    )
    .await;
    let dossier = value(&own, "TL-DUNGHAN");
    assert_eq!(num(&dossier["system_value"]), 99.0);
    assert_eq!(dossier["system_value_source"], "unit");
    assert_eq!(num(&dossier["discrepancy"]), 4.0);
    assert_eq!(dossier["explanation_required"], true);
    let count = value(&own, "SL-VANBAN");
    assert_eq!(count["system_value_source"], "unit");
    assert_eq!(num(&count["discrepancy"]), 2.0);
    assert_eq!(
        count["explanation_required"], true,
        "tolerance 0 by default"
    );

    // The unit may change its own figure.
    let changed = save(
        &app,
        &mut khtc,
        json!({"values": {"TL-DUNGHAN": {"numerator": 95, "denominator": 100, "system_value": 95.5}}}),
    )
    .await;
    let dossier = value(&changed, "TL-DUNGHAN");
    assert_eq!(num(&dossier["system_value"]), 95.5);
    assert_eq!(dossier["system_value_source"], "unit");
    assert_eq!(dossier["explanation_required"], false);

    // The Office's figure replaces it and is marked as the Office's.
    let office = app.admin.clone();
    let by_office = save_as(
        &app,
        &office,
        &mut khtc,
        json!({"values": {"TL-DUNGHAN": {"numerator": 95, "denominator": 100, "system_value": 96}}}),
    )
    .await;
    assert_eq!(
        value(&by_office, "TL-DUNGHAN")["system_value_source"],
        "office"
    );
}

#[actix_web::test]
async fn a_unit_cannot_clear_the_offices_system_figure() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut draft = start(&app, period, "KHTC").await;
    let admin = app.admin.clone();
    save_as(
        &app,
        &admin,
        &mut draft,
        json!({"values": {"TL-DUNGHAN": {"system_value": 97.5}}}),
    )
    .await;
    let cleared = save(&app, &mut draft, json!({"values": {"TL-DUNGHAN": {}}})).await;
    let kept = value(&cleared, "TL-DUNGHAN");
    assert_eq!(num(&kept["system_value"]), 97.5);
    assert_eq!(kept["system_value_source"], "office");
    assert_eq!(kept["numerator"], Value::Null);
    // The Office itself may clear it.
    let by_office = save_as(
        &app,
        &admin,
        &mut draft,
        json!({"values": {"TL-DUNGHAN": {}}}),
    )
    .await;
    assert_eq!(value(&by_office, "TL-DUNGHAN")["answered"], false);
}

#[actix_web::test]
async fn the_narrative_is_set_and_cleared() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut khtc = start(&app, period, "KHTC").await;

    let set = save(
        &app,
        &mut khtc,
        json!({"narrative": "  Báo cáo kết quả CCHC Quý IV/2026.  "}),
    )
    .await;
    assert_eq!(set["narrative"], "Báo cáo kết quả CCHC Quý IV/2026.");
    let kept = save(
        &app,
        &mut khtc,
        json!({"values": {"SL-VANBAN": {"number": 3}}}),
    )
    .await;
    assert_eq!(kept["narrative"], "Báo cáo kết quả CCHC Quý IV/2026.");
    let cleared = save(&app, &mut khtc, json!({"narrative": null})).await;
    assert_eq!(cleared["narrative"], Value::Null);
    save(&app, &mut khtc, json!({"narrative": "Tạm"})).await;
    let blank = save(&app, &mut khtc, json!({"narrative": "   "})).await;
    assert_eq!(blank["narrative"], Value::Null);
    assert_eq!(
        app.get(&khtc.path()).await.expect(200)["narrative"],
        Value::Null
    );
}

#[actix_web::test]
async fn evidence_is_replaced_as_a_list_and_checked() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut khtc = start(&app, period, "KHTC").await;

    let two = save(
        &app,
        &mut khtc,
        json!({"evidence": [
            {"indicator_code": "SL-VANBAN", "document_number": "125/QĐ-SCT", "title": "Quyết định công bố", "section": "Mục II", "page": 3},
            {"title": "  Báo cáo tổng hợp  "},
        ]}),
    )
    .await;
    assert_eq!(
        two["evidence"],
        json!([
            {"indicator_code": "SL-VANBAN", "document_number": "125/QĐ-SCT", "title": "Quyết định công bố", "section": "Mục II", "page": 3, "attachment_id": null},
            {"indicator_code": null, "document_number": null, "title": "Báo cáo tổng hợp", "section": null, "page": null, "attachment_id": null},
        ])
    );

    let one = save(
        &app,
        &mut khtc,
        json!({"evidence": [{"indicator_code": "TL-DUNGHAN", "title": "Sổ theo dõi hồ sơ", "page": 12}]}),
    )
    .await;
    let replaced = json!([{"indicator_code": "TL-DUNGHAN", "document_number": null, "title": "Sổ theo dõi hồ sơ", "section": null, "page": 12, "attachment_id": null}]);
    assert_eq!(one["evidence"], replaced);
    let kept = save(&app, &mut khtc, json!({"narrative": "Có tài liệu"})).await;
    assert_eq!(
        kept["evidence"], replaced,
        "a PATCH without evidence keeps it"
    );

    let cases = [
        (
            json!([{"title": "Quyết định", "page": 0}]),
            vec![("evidence[0].page", "out_of_range")],
        ),
        (
            json!([{"title": "Quyết định", "page": -2}]),
            vec![("evidence[0].page", "out_of_range")],
        ),
        (
            json!([{"title": "   "}]),
            vec![("evidence[0].title", "required")],
        ),
        (
            json!([{"title": "Quyết định"}, {"title": "Kế hoạch", "indicator_code": "NOPE"}]),
            vec![("evidence[1].indicator_code", "unknown_indicator")],
        ),
    ];
    for (list, expected) in cases {
        let problem = try_save(&app, &khtc, json!({"evidence": list}))
            .await
            .problem(422, "validation_failed");
        assert_eq!(errors(&problem), pairs(&expected), "{list}");
    }
    let read = app.get_as(&khtc.token, &khtc.path()).await.expect(200);
    assert_eq!(read["evidence"], replaced, "refused lists change nothing");

    let emptied = save(&app, &mut khtc, json!({"evidence": []})).await;
    assert_eq!(emptied["evidence"], json!([]));
}
