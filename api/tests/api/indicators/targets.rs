//! Targets and tolerances per kind: ratios in percent, whole counts, yes/no, none for text.

use super::*;

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

/// Seed 002 §II 2.5 and 6.3 say "trên 50%", "trên 90%": more than, stored as `gt` and
/// written back as such; a yes/no indicator still takes only `eq`.
#[actix_web::test]
async fn strict_targets_are_kept_as_given() {
    let app = TestApp::spawn().await;
    for comparator in ["gt", "lt"] {
        let code = format!("S{}", comparator.to_uppercase());
        let created = app
            .post(
                "/api/v1/indicators",
                with(
                    body(&code, "ratio"),
                    json!({"target": {"comparator": comparator, "threshold": 50}}),
                ),
            )
            .await
            .expect(201);
        assert_eq!(created["target"]["comparator"], comparator);
        let id = created["id"].as_i64().unwrap();
        let read = app
            .get(&format!("/api/v1/indicators/{id}"))
            .await
            .expect(200);
        assert_eq!(read["target"]["comparator"], comparator);
    }
    let problem = app
        .post(
            "/api/v1/indicators",
            with(
                body("SBOOL", "boolean"),
                json!({"target": {"comparator": "gt", "threshold": 0}}),
            ),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        [pair("target.comparator", "invalid_for_kind")]
    );
    assert_eq!(total(&app).await, 2);
}
