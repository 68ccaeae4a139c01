//! Versions: which changes add one, newest first, and clearing a target.

use super::*;

#[actix_web::test]
async fn definition_changes_add_versions_newest_first() {
    let app = TestApp::spawn().await;
    let created = app
        .post(
            "/api/v1/indicators",
            with(
                body("TTHC-DUNGHAN", "ratio"),
                json!({"name": "Tỷ lệ hồ sơ đúng hạn", "target": {"comparator": "gte", "threshold": 50}}),
            ),
        )
        .await
        .expect(201);
    let path = path_of(&created);
    app.clock.set(
        chrono::DateTime::parse_from_rfc3339("2026-11-21T08:00:00+07:00")
            .unwrap()
            .into(),
    );
    let changed = app
        .patch(
            &path,
            json!({"name": "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn", "target": {"comparator": "gte", "threshold": 80}}),
        )
        .await
        .expect(200);
    assert_eq!(changed["version"], 2);
    assert_eq!(changed["name"], "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn");
    assert_eq!(num(&changed["target"]["threshold"]), 80.0);
    assert_eq!(changed["updated_at"], "2026-11-21T08:00:00+07:00");
    assert_eq!(changed["created_at"], "2026-11-20T09:00:00+07:00");
    assert_eq!(app.get(&path).await.expect(200), changed);

    let page = versions(&app, &created).await;
    assert_eq!(page["total"], 2);
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let (v2, v1) = (&items[0], &items[1]);
    assert_eq!(v2["version"], 2);
    assert_eq!(v2["indicator_id"], created["id"]);
    assert_eq!(v2["name"], "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn");
    assert_eq!(num(&v2["target"]["threshold"]), 80.0);
    assert_eq!(v2["created_at"], "2026-11-21T08:00:00+07:00");
    assert_eq!(v1["version"], 1);
    assert_eq!(v1["name"], "Tỷ lệ hồ sơ đúng hạn");
    assert_eq!(v1["target"]["comparator"], "gte");
    assert_eq!(num(&v1["target"]["threshold"]), 50.0);
    assert_eq!(v1["created_at"], "2026-11-20T09:00:00+07:00");
    for v in [v1, v2] {
        assert_eq!(v["code"], "TTHC-DUNGHAN");
        assert_eq!(v["kind"], "ratio");
        assert_eq!(v["unit_of_measure"], "%");
        assert_eq!(v["content_area"], "administrative_procedure_reform");
    }

    // Paging the versions.
    let first = app
        .get(&format!("{path}/versions?per_page=1"))
        .await
        .expect(200);
    assert_eq!(first["items"].as_array().unwrap().len(), 1);
    assert_eq!(first["items"][0]["version"], 2);
    assert_eq!(first["total"], 2);
    let second = app
        .get(&format!("{path}/versions?per_page=1&page=2"))
        .await
        .expect(200);
    assert_eq!(second["items"][0]["version"], 1);

    // Every definition field counts.
    let described = app
        .patch(
            &path,
            json!({"description": "Theo Bộ chỉ số CCHC", "evidence_required": true, "content_area": "digital_government"}),
        )
        .await
        .expect(200);
    assert_eq!(described["version"], 3);
    assert_eq!(described["content_area"], "digital_government");
    let page = versions(&app, &created).await;
    let listed: Vec<i64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect();
    assert_eq!(listed, [3, 2, 1]);
    assert_eq!(page["items"][0]["description"], "Theo Bộ chỉ số CCHC");
    assert_eq!(page["items"][0]["evidence_required"], true);
    assert_eq!(page["items"][1]["description"], Value::Null);
    assert_eq!(
        page["items"][1]["content_area"],
        "administrative_procedure_reform"
    );
}

#[actix_web::test]
async fn changing_only_active_adds_no_version() {
    let app = TestApp::spawn().await;
    let created = app.indicator("VB.01", "count").await;
    let path = path_of(&created);
    let inactive = app.patch(&path, json!({"active": false})).await.expect(200);
    assert_eq!(inactive["active"], false);
    assert_eq!(inactive["version"], 1);
    let active = app.patch(&path, json!({"active": true})).await.expect(200);
    assert_eq!(active["active"], true);
    assert_eq!(active["version"], 1);
    assert_eq!(versions(&app, &created).await["total"], 1);
}

#[actix_web::test]
async fn an_identical_patch_adds_no_version() {
    let app = TestApp::spawn().await;
    let created = app
        .post(
            "/api/v1/indicators",
            with(
                body("TTHC-DUNGHAN", "ratio"),
                json!({"description": "Mô tả", "target": {"comparator": "gte", "threshold": 50}, "tolerance": 0.5}),
            ),
        )
        .await
        .expect(201);
    let path = path_of(&created);
    let same = app
        .patch(
            &path,
            json!({
                "name": created["name"],
                "description": "Mô tả",
                "content_area": "administrative_procedure_reform",
                "kind": "ratio",
                "unit_of_measure": "%",
                "target": {"comparator": "gte", "threshold": 50.0},
                "tolerance": 0.50,
                "evidence_required": false,
            }),
        )
        .await
        .expect(200);
    assert_eq!(same["version"], 1);
    let padded = app
        .patch(
            &path,
            json!({"name": format!("  {}  ", created["name"].as_str().unwrap())}),
        )
        .await
        .expect(200);
    assert_eq!(padded["version"], 1, "surrounding spaces are no change");
    let empty = app.patch(&path, json!({})).await.expect(200);
    assert_eq!(empty["version"], 1);
    assert_eq!(versions(&app, &created).await["total"], 1);
}

#[actix_web::test]
async fn a_null_target_clears_it() {
    let app = TestApp::spawn().await;
    let created = app
        .post(
            "/api/v1/indicators",
            with(
                body("VB.01", "count"),
                json!({"unit_of_measure": "văn bản", "description": "Ghi chú", "target": {"comparator": "gte", "threshold": 4}}),
            ),
        )
        .await
        .expect(201);
    let path = path_of(&created);
    let cleared = app.patch(&path, json!({"target": null})).await.expect(200);
    assert_eq!(cleared["target"], Value::Null);
    assert_eq!(cleared["version"], 2);
    // Other optional fields stay unless cleared themselves.
    assert_eq!(cleared["unit_of_measure"], "văn bản");
    assert_eq!(cleared["description"], "Ghi chú");
    assert_eq!(app.get(&path).await.expect(200)["target"], Value::Null);
    let page = versions(&app, &created).await;
    assert_eq!(page["items"][0]["target"], Value::Null);
    assert_eq!(num(&page["items"][1]["target"]["threshold"]), 4.0);

    let more = app
        .patch(&path, json!({"description": null, "unit_of_measure": null}))
        .await
        .expect(200);
    assert_eq!(more["description"], Value::Null);
    assert_eq!(more["unit_of_measure"], Value::Null);
    assert_eq!(more["version"], 3);
}
