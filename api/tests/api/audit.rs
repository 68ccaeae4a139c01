//! The audit trail: every state and value change is recorded with who, when, the request and
//! only what changed; only admins read it; nothing rewrites it; a refused write leaves no trace.

use cchc_domain::model::token::Role;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{enc, errors, pairs, Answer, TestApp};

/// The events about one entity, oldest first.
async fn trail(app: &TestApp, entity_type: &str, entity_id: &str) -> Vec<Value> {
    let page = app
        .get(&format!(
            "/api/v1/audit?entity_type={entity_type}&entity_id={}&per_page=100",
            enc(entity_id)
        ))
        .await
        .expect(200);
    let mut items = page["items"].as_array().expect("items").clone();
    items.reverse();
    items
}

fn actions(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect()
}

fn request_id(answer: &Answer) -> String {
    answer
        .headers
        .get("x-request-id")
        .expect("X-Request-Id")
        .to_str()
        .unwrap()
        .to_owned()
}

async fn send_with_if_match(
    app: &TestApp,
    token: &str,
    path: &str,
    if_match: &str,
    body: &Value,
) -> Answer {
    let response = app
        .client
        .request(Method::PATCH, format!("{}{path}", app.base_url))
        .bearer_auth(token)
        .header("if-match", if_match)
        .json(body)
        .send()
        .await
        .expect("request");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.json().await.expect("json body");
    Answer {
        status,
        headers,
        body,
    }
}

fn etag(answer: &Answer) -> String {
    answer.headers["etag"].to_str().unwrap().to_owned()
}

/// A unit, two indicators and an open period with the unit taking part; returns the period id.
async fn open_period(app: &TestApp) -> i64 {
    app.unit("KHTC", "division", None).await;
    app.indicator("TL-DUNGHAN", "ratio").await;
    app.indicator("SL-VANBAN", "count").await;
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
                "indicator_codes": ["TL-DUNGHAN", "SL-VANBAN"],
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
    period
}

#[actix_web::test]
async fn a_unit_change_names_who_when_which_request_and_only_what_changed() {
    let app = TestApp::spawn().await;
    let unit = app.unit("KHTC", "division", None).await;
    let id = unit["id"].to_string();
    let renamed = app
        .patch(
            &format!("/api/v1/units/{id}"),
            json!({"name": "Phòng Kế hoạch - Tài chính"}),
        )
        .await;
    let patch_request = request_id(&renamed);
    renamed.expect(200);
    // The same name again changes nothing and records nothing.
    app.patch(
        &format!("/api/v1/units/{id}"),
        json!({"name": "Phòng Kế hoạch - Tài chính"}),
    )
    .await
    .expect(200);

    let events = trail(&app, "unit", &id).await;
    assert_eq!(actions(&events), ["created", "updated"]);
    let created = &events[0];
    assert_eq!(created["before"], Value::Null);
    assert_eq!(created["after"]["code"], "KHTC");
    assert_eq!(
        created["after"]["focal_persons"][0]["name"],
        "Trần Thị Bình"
    );
    let updated = &events[1];
    assert_eq!(updated["before"], json!({"name": "Đơn vị KHTC"}));
    assert_eq!(
        updated["after"],
        json!({"name": "Phòng Kế hoạch - Tài chính"})
    );
    assert_eq!(updated["actor"]["name"], "test admin");
    assert_eq!(updated["actor"]["role"], "admin");
    assert!(updated["actor"]["token_id"].as_i64().is_some());
    assert_eq!(updated["request_id"], patch_request.as_str());
    assert_eq!(updated["entity_type"], "unit");
    assert_eq!(updated["entity_id"], id.as_str());
    assert!(updated["occurred_at"].as_str().unwrap().ends_with("+07:00"));
}

#[actix_web::test]
async fn a_submission_records_its_values_and_every_transition() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let reporter = app.token(Role::Reporter, Some("KHTC")).await;
    let created = app
        .post_as(
            &reporter,
            &format!("/api/v1/periods/{period}/submissions"),
            json!({}),
        )
        .await;
    let mut tag = etag(&created);
    let id = created.expect(201)["id"].as_i64().unwrap();
    let path = format!("/api/v1/submissions/{id}");

    let first = json!({"values": {
        "TL-DUNGHAN": {"numerator": 95, "denominator": 100},
        "SL-VANBAN": {"number": 12, "note": "Theo sổ theo dõi"},
    }});
    let answer = send_with_if_match(&app, &reporter, &path, &tag, &first).await;
    tag = etag(&answer);
    answer.expect(200);
    // Only the numerator of one indicator changes.
    let second = json!({"values": {"TL-DUNGHAN": {"numerator": 97, "denominator": 100}}});
    let answer = send_with_if_match(&app, &reporter, &path, &tag, &second).await;
    answer.expect(200);
    app.post_as(&reporter, &format!("{path}/submit"), json!({}))
        .await
        .expect(200);
    app.post(
        &format!("{path}/return"),
        json!({"reason": "Đề nghị bổ sung số liệu văn bản."}),
    )
    .await
    .expect(200);
    app.post_as(&reporter, &format!("{path}/submit"), json!({}))
        .await
        .expect(200);
    app.post(&format!("{path}/accept"), json!({}))
        .await
        .expect(200);

    let events = trail(&app, "submission", &id.to_string()).await;
    assert_eq!(
        actions(&events),
        [
            "created",
            "updated",
            "updated",
            "submitted",
            "returned",
            "submitted",
            "accepted"
        ]
    );
    assert_eq!(events[0]["after"]["status"], "draft");
    assert_eq!(events[0]["actor"]["name"], "test reporter");
    assert_eq!(events[0]["actor"]["role"], "reporter");
    assert_eq!(
        events[1]["before"],
        json!({"values": {"TL-DUNGHAN": null, "SL-VANBAN": null}})
    );
    assert_eq!(
        events[1]["after"],
        json!({"values": {
            "TL-DUNGHAN": {"numerator": 95.0, "denominator": 100.0},
            "SL-VANBAN": {"number": 12.0, "note": "Theo sổ theo dõi"},
        }})
    );
    assert_eq!(
        events[2]["before"],
        json!({"values": {"TL-DUNGHAN": {"numerator": 95.0}}})
    );
    assert_eq!(
        events[2]["after"],
        json!({"values": {"TL-DUNGHAN": {"numerator": 97.0}}})
    );
    assert_eq!(events[3]["before"]["status"], "draft");
    assert_eq!(events[3]["after"]["status"], "submitted");
    assert_eq!(events[3]["after"]["timeliness"], "early");
    assert_eq!(events[4]["actor"]["role"], "admin");
    assert_eq!(
        events[4]["after"],
        json!({"status": "returned", "return_reason": "Đề nghị bổ sung số liệu văn bản."})
    );
    assert_eq!(events[5]["after"]["submit_count"], 2);
    assert_eq!(events[6]["after"], json!({"status": "accepted"}));

    // The period's own trail: created and opened, by the admin.
    let period_events = trail(&app, "period", &period.to_string()).await;
    assert_eq!(actions(&period_events), ["created", "opened"]);
    assert_eq!(period_events[1]["before"]["status"], "draft");
    assert_eq!(period_events[1]["after"]["status"], "open");
}

#[actix_web::test]
async fn a_refused_write_leaves_no_trace() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let reporter = app.token(Role::Reporter, Some("KHTC")).await;
    let created = app
        .post_as(
            &reporter,
            &format!("/api/v1/periods/{period}/submissions"),
            json!({}),
        )
        .await;
    let tag = etag(&created);
    let id = created.expect(201)["id"].as_i64().unwrap();
    let before = app.get("/api/v1/audit").await.expect(200)["total"]
        .as_i64()
        .unwrap();

    // A negative numerator: refused, so nothing may be recorded.
    let bad = json!({"values": {"TL-DUNGHAN": {"numerator": -1, "denominator": 100}}});
    send_with_if_match(
        &app,
        &reporter,
        &format!("/api/v1/submissions/{id}"),
        &tag,
        &bad,
    )
    .await
    .expect(422);
    // Accepting a draft: refused, it was never submitted.
    app.post(&format!("/api/v1/submissions/{id}/accept"), json!({}))
        .await
        .expect(409);
    // A duplicate unit code: refused.
    app.post(
        "/api/v1/units",
        json!({"code": "KHTC", "name": "Trùng mã", "kind": "division"}),
    )
    .await
    .expect(409);

    let after = app.get("/api/v1/audit").await.expect(200)["total"]
        .as_i64()
        .unwrap();
    assert_eq!(after, before);
}

#[actix_web::test]
async fn only_admins_read_the_trail() {
    let app = TestApp::spawn().await;
    app.unit("KHTC", "division", None).await;
    let viewer = app.token(Role::Viewer, None).await;
    let reporter = app.token(Role::Reporter, Some("KHTC")).await;
    app.get_as(&viewer, "/api/v1/audit").await.expect(403);
    app.get_as(&reporter, "/api/v1/audit").await.expect(403);
    app.request(Method::GET, "/api/v1/audit", None, None)
        .await
        .expect(401);
}

#[actix_web::test]
async fn the_filters_narrow_the_trail_and_bad_ones_are_named() {
    let app = TestApp::spawn().await;
    app.unit("KHTC", "division", None).await;
    app.unit("QLTM", "division", None).await;
    app.indicator("TL-DUNGHAN", "ratio").await;

    let units = app.get("/api/v1/audit?entity_type=unit").await.expect(200);
    assert_eq!(units["total"], 2);
    // Newest first.
    assert_eq!(units["items"][0]["after"]["code"], "QLTM");
    let created = app.get("/api/v1/audit?action=created").await.expect(200);
    // Tokens made by the harness are recorded too, by the harness.
    let created_types: Vec<&str> = created["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["entity_type"].as_str().unwrap())
        .collect();
    assert!(created_types.contains(&"token"));
    assert!(created_types.contains(&"indicator"));
    let by_harness = app
        .get("/api/v1/audit?actor=harness&entity_type=token")
        .await
        .expect(200);
    assert_eq!(by_harness["total"], 1);
    // Tokens are recorded by their public view: no secret, no hash.
    let token_event = by_harness["items"][0].to_string();
    assert!(!token_event.contains("secret") && !token_event.contains("hash"));
    let none = app
        .get(&format!(
            "/api/v1/audit?since={}",
            enc("2999-01-01T00:00:00+07:00")
        ))
        .await
        .expect(200);
    assert_eq!(none["total"], 0);

    let problem = app.get("/api/v1/audit?entity_id=1").await.expect(422);
    assert_eq!(
        errors(&problem),
        pairs(&[("entity_id", "needs_entity_type")])
    );
    let problem = app
        .get(&format!(
            "/api/v1/audit?since={}&until={}",
            enc("2026-12-01T00:00:00+07:00"),
            enc("2026-11-01T00:00:00+07:00")
        ))
        .await
        .expect(422);
    assert_eq!(errors(&problem), pairs(&[("until", "before_since")]));
    app.get("/api/v1/audit?entity_type=planet")
        .await
        .expect(400);
}

#[actix_web::test]
async fn a_holiday_that_moves_a_deadline_records_both_changes() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    // The deadline is Tuesday 2026-12-15; declaring it a day off moves the deadline.
    let holiday = app
        .post(
            "/api/v1/holidays",
            json!({"date": "2026-12-15", "kind": "day_off", "name": "Nghỉ bù"}),
        )
        .await;
    holiday.expect(201);
    let days = trail(&app, "holiday", "2026-12-15").await;
    assert_eq!(actions(&days), ["created"]);
    let events = trail(&app, "period", &period.to_string()).await;
    assert_eq!(
        actions(&events),
        ["created", "opened", "deadline_rederived"]
    );
    let moved = &events[2];
    assert_eq!(
        moved["before"]["effective_deadline"],
        "2026-12-15T16:30:00+07:00"
    );
    assert_eq!(moved["after"]["deadline_shifted"], true);
    assert_eq!(moved["actor"]["name"], "test admin");

    app.delete("/api/v1/holidays/2026-12-15").await.expect(204);
    let days = trail(&app, "holiday", "2026-12-15").await;
    assert_eq!(actions(&days), ["created", "deleted"]);
    assert_eq!(days[1]["before"]["name"], "Nghỉ bù");
    assert_eq!(days[1]["after"], Value::Null);
}

#[actix_web::test]
async fn the_database_refuses_to_rewrite_the_trail() {
    let app = TestApp::spawn().await;
    app.unit("KHTC", "division", None).await;
    let mut conn = AsyncPgConnection::establish(app.db.url())
        .await
        .expect("connect");
    for statement in [
        "UPDATE audit_events SET actor_name = 'someone else'",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
    ] {
        let result = diesel::sql_query(statement).execute(&mut conn).await;
        let error = result.expect_err(statement).to_string();
        assert!(error.contains("append-only"), "{statement}: {error}");
    }
    let page = app.get("/api/v1/audit?entity_type=unit").await.expect(200);
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["actor"]["name"], "test admin");
}
