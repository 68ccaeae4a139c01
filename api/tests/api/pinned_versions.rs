//! A report's indicators come from the versions its period pins, which the API keeps in memory
//! once read: what a report shows must not depend on what was read before, in this database
//! or another one of the same process.

use cchc_domain::model::token::Role;
use diesel::sql_types::BigInt;
use diesel_async::RunQueryDsl;
use serde_json::{json, Value};

use crate::common::TestApp;

/// Unit KHTC, indicators TL-A (ratio) and SL-B (count) named `Chỉ tiêu <code> <label>`, and
/// an open period with both; returns the id of KHTC's draft and the reporter's token.
async fn draft_with_indicators(app: &TestApp, label: &str) -> (i64, String) {
    app.unit("SCT", "department", None).await;
    app.unit("KHTC", "division", Some("SCT")).await;
    for (code, kind) in [("TL-A", "ratio"), ("SL-B", "count")] {
        app.post(
            "/api/v1/indicators",
            json!({
                "code": code,
                "name": format!("Chỉ tiêu {code} {label}"),
                "content_area": "administrative_procedure_reform",
                "kind": kind,
            }),
        )
        .await
        .expect(201);
    }
    let period = app
        .post(
            "/api/v1/periods",
            json!({
                "code": "2026-Q4",
                "title": "Báo cáo CCHC Quý IV/2026",
                "report_type": "periodic",
                "frequency": "quarterly",
                "year": 2026,
                "sequence": 4,
                "deadline": "2026-12-15T16:30:00+07:00",
                "indicator_codes": ["TL-A", "SL-B"],
                "unit_codes": ["KHTC"],
            }),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    app.post(&format!("/api/v1/periods/{period}/open"), json!({}))
        .await
        .expect(200);
    let token = app.token(Role::Reporter, Some("KHTC")).await;
    let draft = app
        .post_as(
            &token,
            &format!("/api/v1/periods/{period}/submissions"),
            json!({}),
        )
        .await
        .expect(201);
    (draft["id"].as_i64().unwrap(), token)
}

/// (code, name) of each indicator of a report, in the report's order.
fn indicators_of(submission: &Value) -> Vec<(String, String)> {
    submission["values"]
        .as_array()
        .expect("values")
        .iter()
        .map(|v| {
            (
                v["code"].as_str().unwrap().to_owned(),
                v["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pair(code: &str, name: &str) -> (String, String) {
    (code.to_owned(), name.to_owned())
}

async fn execute(app: &TestApp, sql: &'static str, id: i64) {
    let mut conn = app.state.pool.get().await.expect("connection");
    diesel::sql_query(sql)
        .bind::<BigInt, _>(id)
        .execute(&mut conn)
        .await
        .expect("statement");
}

#[actix_web::test]
async fn a_report_follows_its_periods_pinned_versions_at_once() {
    let app = TestApp::spawn().await;
    let (id, token) = draft_with_indicators(&app, "v1").await;
    let path = format!("/api/v1/submissions/{id}");
    let first = app.get_as(&token, &path).await.expect(200);
    let v1 = vec![
        pair("TL-A", "Chỉ tiêu TL-A v1"),
        pair("SL-B", "Chỉ tiêu SL-B v1"),
    ];
    assert_eq!(indicators_of(&first), v1);

    // A new version of TL-A: the open period keeps the one it opened with, read from memory.
    let indicator = app.get("/api/v1/indicators?per_page=100").await.expect(200);
    let tl_a = indicator["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "TL-A")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    app.patch(
        &format!("/api/v1/indicators/{tl_a}"),
        json!({"name": "Chỉ tiêu TL-A v2"}),
    )
    .await
    .expect(200);
    let again = app.get_as(&token, &path).await.expect(200);
    assert_eq!(indicators_of(&again), v1);
    assert_eq!(again["values"][0]["kind"], "ratio");

    // The period now pins the new version: the next read shows it.
    execute(
        &app,
        "UPDATE period_indicators pi SET indicator_version_id = v.id FROM indicator_versions v \
         WHERE v.indicator_id = pi.indicator_id AND v.version = 2 AND pi.indicator_id = $1",
        tl_a,
    )
    .await;
    let repinned = app.get_as(&token, &path).await.expect(200);
    assert_eq!(
        indicators_of(&repinned),
        vec![
            pair("TL-A", "Chỉ tiêu TL-A v2"),
            pair("SL-B", "Chỉ tiêu SL-B v1")
        ]
    );

    // Reordered, then one indicator fewer: seen at once as well.
    execute(
        &app,
        "UPDATE period_indicators SET sort_order = CASE WHEN indicator_id = $1 THEN 9 ELSE 0 END",
        tl_a,
    )
    .await;
    let reordered = app.get_as(&token, &path).await.expect(200);
    assert_eq!(
        indicators_of(&reordered),
        vec![
            pair("SL-B", "Chỉ tiêu SL-B v1"),
            pair("TL-A", "Chỉ tiêu TL-A v2")
        ]
    );
    execute(
        &app,
        "DELETE FROM period_indicators WHERE indicator_id = $1",
        tl_a,
    )
    .await;
    let fewer = app.get_as(&token, &path).await.expect(200);
    assert_eq!(
        indicators_of(&fewer),
        vec![pair("SL-B", "Chỉ tiêu SL-B v1")]
    );

    // Saving checks against the versions as pinned now.
    let unknown = app
        .client
        .patch(format!("{}{path}", app.base_url))
        .bearer_auth(&token)
        .header("If-Match", "*")
        .json(&json!({"values": {"TL-A": {"numerator": 1, "denominator": 2}}}))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status().as_u16(), 422, "TL-A left the period");
}

#[actix_web::test]
async fn databases_with_the_same_version_ids_keep_their_own_definitions() {
    // Two databases of one process: their first versions have the same ids.
    let first = TestApp::spawn().await;
    let second = TestApp::spawn().await;
    let (first_id, first_token) = draft_with_indicators(&first, "một").await;
    let (second_id, second_token) = draft_with_indicators(&second, "hai").await;
    for _ in 0..2 {
        let one = first
            .get_as(&first_token, &format!("/api/v1/submissions/{first_id}"))
            .await
            .expect(200);
        let two = second
            .get_as(&second_token, &format!("/api/v1/submissions/{second_id}"))
            .await
            .expect(200);
        assert_eq!(
            indicators_of(&one),
            vec![
                pair("TL-A", "Chỉ tiêu TL-A một"),
                pair("SL-B", "Chỉ tiêu SL-B một")
            ]
        );
        assert_eq!(
            indicators_of(&two),
            vec![
                pair("TL-A", "Chỉ tiêu TL-A hai"),
                pair("SL-B", "Chỉ tiêu SL-B hai")
            ]
        );
    }
}
