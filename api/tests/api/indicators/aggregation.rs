//! The aggregation rule of an indicator: its default by kind and unit of measure, the rules
//! each kind refuses (a percentage is never summed), the weight of a weighted mean, and what a
//! change of kind or unit of measure does to the rule.

use super::*;

async fn create(app: &TestApp, code: &str, kind: &str, extra: Value) -> Value {
    app.post("/api/v1/indicators", with(body(code, kind), extra))
        .await
        .expect(201)
}

async fn refused(app: &TestApp, code: &str, kind: &str, extra: Value) -> Vec<(String, String)> {
    let problem = app
        .post("/api/v1/indicators", with(body(code, kind), extra))
        .await
        .problem(422, "validation_failed");
    errors(&problem)
}

#[actix_web::test]
async fn each_kind_gets_its_default_and_a_percentage_is_averaged() {
    let app = TestApp::spawn().await;
    let cases = [
        ("TL", "ratio", json!({}), "pooled"),
        ("SL", "count", json!({"unit_of_measure": "văn bản"}), "sum"),
        (
            "KP",
            "decimal",
            json!({"unit_of_measure": "triệu đồng"}),
            "sum",
        ),
        (
            "SOHOA-KQ-TANG",
            "decimal",
            json!({"unit_of_measure": "%"}),
            "mean",
        ),
        (
            "MUC-TANG",
            "decimal",
            json!({"unit_of_measure": " Phần trăm "}),
            "mean",
        ),
        ("CO", "boolean", json!({}), "sum"),
        ("ND", "text", json!({}), "none"),
    ];
    for (code, kind, extra, rule) in cases {
        let created = create(&app, code, kind, extra).await;
        assert_eq!(created["aggregation"], rule, "{code}");
        assert_eq!(created["aggregation_weight"], Value::Null);
        let v1 = &versions(&app, &created).await["items"][0];
        assert_eq!(
            v1["aggregation"], rule,
            "version 1 of {code} holds the rule"
        );
        assert_eq!(app.get(&path_of(&created)).await.expect(200), created);
    }
    // A rule given is kept; a weighted mean names its weight.
    let min = create(&app, "TL-MIN", "ratio", json!({"aggregation": "min"})).await;
    assert_eq!(min["aggregation"], "min");
    let weighted = create(
        &app,
        "DAOTAO",
        "decimal",
        json!({"unit_of_measure": "%", "aggregation": "weighted_mean", "aggregation_weight": " SL "}),
    )
    .await;
    assert_eq!(weighted["aggregation"], "weighted_mean");
    assert_eq!(weighted["aggregation_weight"], "SL");
    assert_eq!(
        versions(&app, &weighted).await["items"][0]["aggregation_weight"],
        "SL"
    );
}

#[actix_web::test]
async fn rules_a_kind_does_not_take_and_bad_weights_are_422_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    app.indicator("CCVC", "count").await;
    app.indicator("TL", "ratio").await;
    let percent = json!({"unit_of_measure": "%"});
    let refusals = [
        (
            "decimal",
            with(percent.clone(), json!({"aggregation": "sum"})),
            ("aggregation", "percentage_not_summable"),
        ),
        (
            "text",
            json!({"aggregation": "mean"}),
            ("aggregation", "aggregation_not_allowed"),
        ),
        (
            "boolean",
            json!({"aggregation": "max"}),
            ("aggregation", "aggregation_not_allowed"),
        ),
        (
            "ratio",
            json!({"aggregation": "sum"}),
            ("aggregation", "aggregation_not_allowed"),
        ),
        (
            "count",
            json!({"aggregation": "pooled"}),
            ("aggregation", "aggregation_not_allowed"),
        ),
        (
            "decimal",
            with(percent.clone(), json!({"aggregation": "weighted_mean"})),
            ("aggregation_weight", "required"),
        ),
        (
            "decimal",
            json!({"aggregation": "mean", "aggregation_weight": "CCVC"}),
            ("aggregation_weight", "not_allowed"),
        ),
        (
            "decimal",
            json!({"aggregation": "weighted_mean", "aggregation_weight": "KHONG-CO"}),
            ("aggregation_weight", "unknown_indicator"),
        ),
        (
            "decimal",
            json!({"aggregation": "weighted_mean", "aggregation_weight": "TL"}),
            ("aggregation_weight", "weight_not_numeric"),
        ),
        (
            "decimal",
            json!({"aggregation": "weighted_mean", "aggregation_weight": "MOI"}),
            ("aggregation_weight", "self_weight"),
        ),
    ];
    for (kind, extra, (field, code)) in refusals {
        assert_eq!(
            refused(&app, "MOI", kind, extra.clone()).await,
            [pair(field, code)],
            "{kind} {extra}"
        );
    }
    let problem = app
        .post(
            "/api/v1/indicators",
            with(body("MOI", "count"), json!({"aggregation": "median"})),
        )
        .await
        .problem(400, "invalid_body");
    assert_eq!(Answer::fields(&problem), ["aggregation"]);
    // A percentage summed says why.
    let problem = app
        .post(
            "/api/v1/indicators",
            with(
                body("MOI", "decimal"),
                json!({"unit_of_measure": "%", "aggregation": "sum"}),
            ),
        )
        .await
        .problem(422, "validation_failed");
    assert!(problem["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("never summed"));
    assert_eq!(total(&app).await, 2);
}

#[actix_web::test]
async fn a_default_rule_follows_the_unit_of_measure_and_a_chosen_one_must_still_fit() {
    let app = TestApp::spawn().await;
    let rise = create(
        &app,
        "SOHOA",
        "decimal",
        json!({"unit_of_measure": "hồ sơ"}),
    )
    .await;
    assert_eq!(rise["aggregation"], "sum");
    let path = path_of(&rise);
    // The unit becomes a percentage: the default rule becomes the mean, in a new version.
    let percent = app
        .patch(&path, json!({"unit_of_measure": "%"}))
        .await
        .expect(200);
    assert_eq!(percent["aggregation"], "mean");
    assert_eq!(percent["version"], 2);
    let problem = app
        .patch(&path, json!({"aggregation": "sum"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        [pair("aggregation", "percentage_not_summable")]
    );
    // Back to a unit that is not a percentage: the default follows again.
    let back = app
        .patch(&path, json!({"unit_of_measure": "hồ sơ"}))
        .await
        .expect(200);
    assert_eq!(
        (back["aggregation"].as_str(), back["version"].as_i64()),
        (Some("sum"), Some(3))
    );

    // A rule chosen is kept through a change it fits, refused by one it does not.
    let highest = create(&app, "SL-MAX", "count", json!({"aggregation": "max"})).await;
    let path = path_of(&highest);
    let decimal = app
        .patch(&path, json!({"kind": "decimal"}))
        .await
        .expect(200);
    assert_eq!(decimal["aggregation"], "max");
    let problem = app
        .patch(&path, json!({"kind": "text"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        [pair("aggregation", "aggregation_not_allowed")]
    );
    assert_eq!(
        app.get(&path).await.expect(200)["kind"],
        "decimal",
        "nothing written"
    );
    let text = app
        .patch(&path, json!({"kind": "text", "aggregation": "none"}))
        .await
        .expect(200);
    assert_eq!(text["aggregation"], "none");
    // A ratio's default moves with its kind too.
    let ratio = create(&app, "TL", "ratio", json!({})).await;
    let count = app
        .patch(
            &path_of(&ratio),
            json!({"kind": "count", "unit_of_measure": "hồ sơ"}),
        )
        .await
        .expect(200);
    assert_eq!(count["aggregation"], "sum");
}

#[actix_web::test]
async fn a_weight_goes_with_the_weighted_mean_and_stays_a_number() {
    let app = TestApp::spawn().await;
    let headcount = create(&app, "CCVC", "count", json!({"unit_of_measure": "người"})).await;
    let trained = create(&app, "DAOTAO", "decimal", json!({"unit_of_measure": "%"})).await;
    let path = path_of(&trained);
    let problem = app
        .patch(&path, json!({"aggregation": "weighted_mean"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&problem), [pair("aggregation_weight", "required")]);
    let weighted = app
        .patch(
            &path,
            json!({"aggregation": "weighted_mean", "aggregation_weight": "CCVC"}),
        )
        .await
        .expect(200);
    assert_eq!(weighted["aggregation_weight"], "CCVC");
    // The weighing indicator stays a count or a decimal while it weighs another.
    let problem = app
        .patch(&path_of(&headcount), json!({"kind": "ratio"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&problem), [pair("kind", "used_as_weight")]);
    assert!(problem["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("DAOTAO"));
    app.patch(&path_of(&headcount), json!({"kind": "decimal"}))
        .await
        .expect(200);
    // Clearing the weight of a weighted mean is refused; another rule drops it.
    let problem = app
        .patch(&path, json!({"aggregation_weight": null}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&problem), [pair("aggregation_weight", "required")]);
    let mean = app
        .patch(&path, json!({"aggregation": "mean"}))
        .await
        .expect(200);
    assert_eq!(
        (mean["aggregation"].as_str(), &mean["aggregation_weight"]),
        (Some("mean"), &Value::Null)
    );
    // Nothing weighs by CCVC any more: it may become anything.
    app.patch(&path_of(&headcount), json!({"kind": "ratio"}))
        .await
        .expect(200);
    let page = versions(&app, &trained).await;
    let rules: Vec<(&str, &Value)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["aggregation"].as_str().unwrap(), &v["aggregation_weight"]))
        .collect();
    assert_eq!(
        rules,
        [
            ("mean", &Value::Null),
            ("weighted_mean", &json!("CCVC")),
            ("mean", &Value::Null)
        ]
    );
}
