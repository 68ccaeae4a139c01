//! `/api/v1/indicators`: versioned indicator definitions and their targets.

use cchc_domain::model::token::Role;
use serde_json::{json, Value};

use crate::common::{codes, enc, Answer, TestApp};

const CONTENT_AREAS: [&str; 8] = [
    "institutional_reform",
    "administrative_procedure_reform",
    "organizational_reform",
    "civil_service_quality",
    "public_finance_reform",
    "digital_government",
    "communication",
    "inspection",
];

fn path_of(indicator: &Value) -> String {
    format!(
        "/api/v1/indicators/{}",
        indicator["id"].as_i64().expect("id")
    )
}

/// A decimal number of an answer (thresholds and tolerances are JSON numbers).
fn num(value: &Value) -> f64 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("expected a number, got {value}"))
}

/// A minimal valid creation body.
fn body(code: &str, kind: &str) -> Value {
    json!({
        "code": code,
        "name": format!("Chỉ tiêu {code}"),
        "content_area": "administrative_procedure_reform",
        "kind": kind,
    })
}

fn with(mut base: Value, extra: Value) -> Value {
    for (key, value) in extra.as_object().expect("object") {
        base[key] = value.clone();
    }
    base
}

/// `(field, code)` of every error of a problem.
fn errors(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pair(field: &str, code: &str) -> (String, String) {
    (field.to_owned(), code.to_owned())
}

async fn listed(app: &TestApp, query: impl AsRef<str>) -> Vec<String> {
    codes(
        &app.get(&format!("/api/v1/indicators?{}", query.as_ref()))
            .await
            .expect(200),
    )
}

async fn total(app: &TestApp) -> i64 {
    app.get("/api/v1/indicators").await.expect(200)["total"]
        .as_i64()
        .expect("total")
}

async fn versions(app: &TestApp, indicator: &Value) -> Value {
    app.get(&format!("{}/versions", path_of(indicator)))
        .await
        .expect(200)
}

#[actix_web::test]
async fn each_kind_is_created_at_version_one() {
    let app = TestApp::spawn().await;

    let answer = app
        .post(
            "/api/v1/indicators",
            json!({
                "code": "TTHC-DUNGHAN",
                "name": "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn",
                "description": "  Theo Quyết định 766/QĐ-TTg  ",
                "content_area": "administrative_procedure_reform",
                "kind": "ratio",
            }),
        )
        .await;
    let location = answer
        .headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let ratio = answer.expect(201);
    assert_eq!(location.as_deref(), Some(&*path_of(&ratio)));
    assert_eq!(ratio["version"], 1);
    assert_eq!(ratio["code"], "TTHC-DUNGHAN");
    assert_eq!(ratio["name"], "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn");
    assert_eq!(ratio["description"], "Theo Quyết định 766/QĐ-TTg");
    assert_eq!(ratio["content_area"], "administrative_procedure_reform");
    assert_eq!(ratio["kind"], "ratio");
    assert_eq!(ratio["unit_of_measure"], "%", "a ratio defaults to %");
    assert_eq!(ratio["target"], Value::Null);
    assert_eq!(num(&ratio["tolerance"]), 0.0);
    assert_eq!(ratio["evidence_required"], false);
    assert_eq!(ratio["active"], true);
    assert_eq!(ratio["created_at"], "2026-11-20T09:00:00+07:00");
    assert_eq!(app.get(&path_of(&ratio)).await.expect(200), ratio);

    let count = app
        .post(
            "/api/v1/indicators",
            with(
                body("VB.01", "count"),
                json!({"unit_of_measure": "văn bản", "target": {"comparator": "gte", "threshold": 12}, "tolerance": 1, "evidence_required": true}),
            ),
        )
        .await
        .expect(201);
    assert_eq!(count["version"], 1);
    assert_eq!(count["kind"], "count");
    assert_eq!(count["unit_of_measure"], "văn bản");
    assert_eq!(count["target"]["comparator"], "gte");
    assert_eq!(num(&count["target"]["threshold"]), 12.0);
    assert_eq!(num(&count["tolerance"]), 1.0);
    assert_eq!(count["evidence_required"], true);

    let decimal = app
        .post(
            "/api/v1/indicators",
            with(
                body("CHI-TB", "decimal"),
                json!({"unit_of_measure": "triệu đồng", "target": {"comparator": "lte", "threshold": 12.75}, "tolerance": 0.25}),
            ),
        )
        .await
        .expect(201);
    assert_eq!(decimal["version"], 1);
    assert_eq!(decimal["kind"], "decimal");
    assert_eq!(decimal["target"]["comparator"], "lte");
    assert_eq!(num(&decimal["target"]["threshold"]), 12.75);
    assert_eq!(num(&decimal["tolerance"]), 0.25);

    let boolean = app
        .post(
            "/api/v1/indicators",
            with(
                body("KH_CCHC", "boolean"),
                json!({"target": {"comparator": "eq", "threshold": 1}, "active": false}),
            ),
        )
        .await
        .expect(201);
    assert_eq!(boolean["version"], 1);
    assert_eq!(boolean["kind"], "boolean");
    assert_eq!(boolean["unit_of_measure"], Value::Null);
    assert_eq!(num(&boolean["target"]["threshold"]), 1.0);
    assert_eq!(boolean["active"], false);

    let text = app
        .post("/api/v1/indicators", body("GHICHU", "text"))
        .await
        .expect(201);
    assert_eq!(text["version"], 1);
    assert_eq!(text["kind"], "text");
    assert_eq!(text["unit_of_measure"], Value::Null);
    assert_eq!(text["target"], Value::Null);

    // Version 1 is recorded with the definition.
    for indicator in [&ratio, &count, &decimal, &boolean, &text] {
        let page = versions(&app, indicator).await;
        assert_eq!(page["total"], 1);
        let v1 = &page["items"][0];
        assert_eq!(v1["version"], 1);
        assert_eq!(v1["indicator_id"], indicator["id"]);
        assert_eq!(v1["code"], indicator["code"]);
        assert_eq!(v1["name"], indicator["name"]);
        assert_eq!(v1["kind"], indicator["kind"]);
        assert_eq!(v1["target"], indicator["target"]);
        assert_eq!(v1["unit_of_measure"], indicator["unit_of_measure"]);
    }
    assert_eq!(total(&app).await, 5);
}

#[actix_web::test]
async fn ratio_targets_are_percentages() {
    let app = TestApp::spawn().await;
    for (code, threshold) in [("R0", 0.0), ("R100", 100.0), ("R995", 99.5)] {
        let created = app
            .post(
                "/api/v1/indicators",
                with(
                    body(code, "ratio"),
                    json!({"target": {"comparator": "gte", "threshold": threshold}}),
                ),
            )
            .await
            .expect(201);
        assert_eq!(num(&created["target"]["threshold"]), threshold);
    }
    for threshold in [json!(101), json!(100.01), json!(-1)] {
        let problem = app
            .post(
                "/api/v1/indicators",
                with(
                    body("RBAD", "ratio"),
                    json!({"target": {"comparator": "gte", "threshold": threshold}}),
                ),
            )
            .await
            .problem(422, "validation_failed");
        assert_eq!(
            errors(&problem),
            [pair("target.threshold", "out_of_range")],
            "threshold {threshold}"
        );
    }
    assert_eq!(total(&app).await, 3);
}

#[actix_web::test]
async fn count_targets_are_whole_and_not_negative() {
    let app = TestApp::spawn().await;
    for (code, threshold) in [("C0", 0), ("C25", 25), ("C5000", 5000)] {
        let created = app
            .post(
                "/api/v1/indicators",
                with(
                    body(code, "count"),
                    json!({"target": {"comparator": "lte", "threshold": threshold}}),
                ),
            )
            .await
            .expect(201);
        assert_eq!(num(&created["target"]["threshold"]), f64::from(threshold));
    }
    for threshold in [json!(2.5), json!(-1), json!(0.1)] {
        let problem = app
            .post(
                "/api/v1/indicators",
                with(
                    body("CBAD", "count"),
                    json!({"target": {"comparator": "gte", "threshold": threshold}}),
                ),
            )
            .await
            .problem(422, "validation_failed");
        assert_eq!(
            errors(&problem),
            [pair("target.threshold", "out_of_range")],
            "threshold {threshold}"
        );
    }
    // A decimal indicator takes fractions and negatives.
    let decimal = app
        .post(
            "/api/v1/indicators",
            with(
                body("D", "decimal"),
                json!({"target": {"comparator": "gte", "threshold": -2.5}}),
            ),
        )
        .await
        .expect(201);
    assert_eq!(num(&decimal["target"]["threshold"]), -2.5);
    assert_eq!(total(&app).await, 4);
}

#[actix_web::test]
async fn boolean_targets_are_eq_zero_or_one() {
    let app = TestApp::spawn().await;
    for (code, threshold) in [("B0", 0), ("B1", 1)] {
        let created = app
            .post(
                "/api/v1/indicators",
                with(
                    body(code, "boolean"),
                    json!({"target": {"comparator": "eq", "threshold": threshold}}),
                ),
            )
            .await
            .expect(201);
        assert_eq!(created["target"]["comparator"], "eq");
        assert_eq!(num(&created["target"]["threshold"]), f64::from(threshold));
    }
    let problem = app
        .post(
            "/api/v1/indicators",
            with(
                body("BGTE", "boolean"),
                json!({"target": {"comparator": "gte", "threshold": 1}}),
            ),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        [pair("target.comparator", "invalid_for_kind")]
    );
    for threshold in [json!(2), json!(0.5), json!(-1)] {
        let problem = app
            .post(
                "/api/v1/indicators",
                with(
                    body("BBAD", "boolean"),
                    json!({"target": {"comparator": "eq", "threshold": threshold}}),
                ),
            )
            .await
            .problem(422, "validation_failed");
        assert_eq!(
            errors(&problem),
            [pair("target.threshold", "invalid_for_kind")],
            "threshold {threshold}"
        );
    }
    assert_eq!(total(&app).await, 2);
}

#[actix_web::test]
async fn text_indicators_have_no_target() {
    let app = TestApp::spawn().await;
    let problem = app
        .post(
            "/api/v1/indicators",
            with(
                body("GHICHU", "text"),
                json!({"target": {"comparator": "eq", "threshold": 1}}),
            ),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&problem), [pair("target", "invalid_for_kind")]);
    assert_eq!(total(&app).await, 0);

    // Changing a targeted indicator into text without clearing the target is refused too.
    let count = app
        .post(
            "/api/v1/indicators",
            with(
                body("VB", "count"),
                json!({"target": {"comparator": "gte", "threshold": 3}}),
            ),
        )
        .await
        .expect(201);
    let problem = app
        .patch(&path_of(&count), json!({"kind": "text"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&problem), [pair("target", "invalid_for_kind")]);
    let changed = app
        .patch(&path_of(&count), json!({"kind": "text", "target": null}))
        .await
        .expect(200);
    assert_eq!(changed["kind"], "text");
    assert_eq!(changed["target"], Value::Null);
    assert_eq!(changed["version"], 2);
}

#[actix_web::test]
async fn tolerance_is_bounded() {
    let app = TestApp::spawn().await;
    for kind in ["ratio", "count", "decimal"] {
        let problem = app
            .post(
                "/api/v1/indicators",
                with(body("NEG", kind), json!({"tolerance": -0.5})),
            )
            .await
            .problem(422, "validation_failed");
        assert_eq!(
            errors(&problem),
            [pair("tolerance", "out_of_range")],
            "{kind}"
        );
    }
    let problem = app
        .post(
            "/api/v1/indicators",
            with(body("RTOL", "ratio"), json!({"tolerance": 100.5})),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&problem), [pair("tolerance", "out_of_range")]);
    assert_eq!(total(&app).await, 0);

    let ratio = app
        .post(
            "/api/v1/indicators",
            with(body("RTOL", "ratio"), json!({"tolerance": 100})),
        )
        .await
        .expect(201);
    assert_eq!(num(&ratio["tolerance"]), 100.0);
    // Outside ratios the tolerance is in the indicator's own unit, so it may exceed 100.
    let count = app
        .post(
            "/api/v1/indicators",
            with(body("CTOL", "count"), json!({"tolerance": 250})),
        )
        .await
        .expect(201);
    assert_eq!(num(&count["tolerance"]), 250.0);
    // A PATCH is checked the same way and changes nothing when refused.
    let problem = app
        .patch(&path_of(&ratio), json!({"tolerance": 101}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&problem), [pair("tolerance", "out_of_range")]);
    let kept = app.get(&path_of(&ratio)).await.expect(200);
    assert_eq!(num(&kept["tolerance"]), 100.0);
    assert_eq!(kept["version"], 1);
}

#[actix_web::test]
async fn duplicate_and_bad_codes_are_rejected() {
    let app = TestApp::spawn().await;
    let first = app.indicator("TTHC.01", "ratio").await;
    let problem = app
        .post("/api/v1/indicators", body("TTHC.01", "count"))
        .await
        .problem(409, "duplicate_code");
    assert_eq!(Answer::fields(&problem), ["code"]);
    let kept = app.get(&path_of(&first)).await.expect(200);
    assert_eq!(kept["kind"], "ratio");

    let long = "A".repeat(33);
    for code in ["tthc.01", "", ".TTHC", "TTHC 01", "TTHC/01", long.as_str()] {
        let problem = app
            .post("/api/v1/indicators", body(code, "count"))
            .await
            .problem(422, "validation_failed");
        assert_eq!(Answer::fields(&problem), ["code"], "code {code:?}");
    }
    let problem = app
        .post("/api/v1/indicators", body("tthc", "count"))
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&problem), [pair("code", "invalid_code")]);
    // 32 characters is the limit.
    app.post("/api/v1/indicators", body(&"A".repeat(32), "count"))
        .await
        .expect(201);
    assert_eq!(total(&app).await, 2);
}

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

#[actix_web::test]
async fn list_is_ordered_by_code_and_filtered() {
    let app = TestApp::spawn().await;
    let specs = [
        (
            "TTHC.02",
            "Tỷ lệ TTHC trực tuyến toàn trình",
            "digital_government",
            "ratio",
        ),
        (
            "VB.01",
            "Số văn bản quy phạm pháp luật được ban hành",
            "institutional_reform",
            "count",
        ),
        (
            "TTHC.01",
            "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn",
            "administrative_procedure_reform",
            "ratio",
        ),
        (
            "KT-01",
            "Kiểm tra CCHC tại các đơn vị",
            "inspection",
            "boolean",
        ),
        (
            "TC_01",
            "Chi thường xuyên tiết kiệm được",
            "public_finance_reform",
            "decimal",
        ),
        (
            "TT.01",
            "Ghi chú tuyên truyền 100%",
            "communication",
            "text",
        ),
    ];
    for (code, name, area, kind) in specs {
        app.post(
            "/api/v1/indicators",
            json!({"code": code, "name": name, "content_area": area, "kind": kind}),
        )
        .await
        .expect(201);
    }
    let kt = app.get("/api/v1/indicators?q=KT-01").await.expect(200);
    app.patch(&path_of(&kt["items"][0]), json!({"active": false}))
        .await
        .expect(200);

    let all = app.get("/api/v1/indicators").await.expect(200);
    assert_eq!(
        codes(&all),
        ["KT-01", "TC_01", "TT.01", "TTHC.01", "TTHC.02", "VB.01"]
    );
    assert_eq!(all["total"], 6);
    let paged = app
        .get("/api/v1/indicators?per_page=4&page=2")
        .await
        .expect(200);
    assert_eq!(codes(&paged), ["TTHC.02", "VB.01"]);
    assert_eq!(paged["total"], 6);

    assert_eq!(listed(&app, "content_area=inspection").await, ["KT-01"]);
    assert_eq!(
        listed(&app, "content_area=administrative_procedure_reform").await,
        ["TTHC.01"]
    );
    assert_eq!(
        listed(&app, "content_area=civil_service_quality").await,
        Vec::<String>::new()
    );
    assert_eq!(listed(&app, "kind=ratio").await, ["TTHC.01", "TTHC.02"]);
    assert_eq!(listed(&app, "kind=text").await, ["TT.01"]);
    assert_eq!(listed(&app, "active=false").await, ["KT-01"]);
    assert_eq!(listed(&app, "active=true").await.len(), 5);
    assert_eq!(
        listed(&app, "kind=boolean&active=true").await,
        Vec::<String>::new()
    );
    assert_eq!(
        listed(&app, format!("q={}", enc("tthc"))).await,
        ["TTHC.01", "TTHC.02"]
    );
    assert_eq!(
        listed(&app, format!("q={}", enc("ĐÚNG HẠN"))).await,
        ["TTHC.01"],
        "case-insensitive Vietnamese"
    );
    assert_eq!(
        listed(&app, format!("q={}", enc("văn bản"))).await,
        ["VB.01"]
    );
    assert_eq!(listed(&app, format!("q={}", enc("%"))).await, ["TT.01"]);
    assert_eq!(listed(&app, format!("q={}", enc("_"))).await, ["TC_01"]);
    assert_eq!(
        listed(
            &app,
            format!(
                "q={}&kind=ratio&content_area=digital_government",
                enc("tỷ lệ")
            )
        )
        .await,
        ["TTHC.02"]
    );
}

#[actix_web::test]
async fn every_content_area_is_accepted_and_unknown_ones_are_400() {
    let app = TestApp::spawn().await;
    for (i, area) in CONTENT_AREAS.iter().enumerate() {
        let created = app
            .post(
                "/api/v1/indicators",
                with(
                    body(&format!("CA.{i}"), "count"),
                    json!({"content_area": area}),
                ),
            )
            .await
            .expect(201);
        assert_eq!(created["content_area"], *area);
        let listed = app
            .get(&format!("/api/v1/indicators?content_area={area}"))
            .await
            .expect(200);
        assert_eq!(codes(&listed), [format!("CA.{i}")]);
    }
    assert_eq!(total(&app).await, 8);

    let problem = app
        .post(
            "/api/v1/indicators",
            with(body("CA.X", "count"), json!({"content_area": "happiness"})),
        )
        .await
        .problem(400, "invalid_body");
    assert_eq!(Answer::fields(&problem), ["content_area"]);
    assert_eq!(problem["errors"][0]["code"], "invalid_value");
    let existing = app
        .get("/api/v1/indicators?content_area=inspection")
        .await
        .expect(200);
    let problem = app
        .patch(
            &path_of(&existing["items"][0]),
            json!({"content_area": "happiness"}),
        )
        .await
        .problem(400, "invalid_body");
    assert_eq!(Answer::fields(&problem), ["content_area"]);
    let problem = app
        .get("/api/v1/indicators?content_area=happiness")
        .await
        .problem(400, "invalid_query");
    assert_eq!(Answer::fields(&problem), ["content_area"]);
    assert_eq!(total(&app).await, 8);
}

#[actix_web::test]
async fn unknown_indicators_are_404_and_only_admins_write() {
    let app = TestApp::spawn().await;
    let created = app.indicator("VB.01", "count").await;
    let missing = created["id"].as_i64().unwrap() + 1000;
    app.get(&format!("/api/v1/indicators/{missing}"))
        .await
        .problem(404, "not_found");
    app.get(&format!("/api/v1/indicators/{missing}/versions"))
        .await
        .problem(404, "not_found");
    app.patch(
        &format!("/api/v1/indicators/{missing}"),
        json!({"name": "x"}),
    )
    .await
    .problem(404, "not_found");

    let viewer = app.token(Role::Viewer, None).await;
    assert_eq!(
        codes(&app.get_as(&viewer, "/api/v1/indicators").await.expect(200)),
        ["VB.01"]
    );
    app.get_as(&viewer, &format!("{}/versions", path_of(&created)))
        .await
        .expect(200);
    app.request(
        reqwest::Method::PATCH,
        &path_of(&created),
        Some(&viewer),
        Some(&json!({"name": "Bị đổi"})),
    )
    .await
    .problem(403, "forbidden");
    assert_eq!(app.get(&path_of(&created)).await.expect(200)["version"], 1);
}
