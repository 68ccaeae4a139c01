//! A person's `Idempotency-Key`: kept under who they are at the identity provider (issuer and
//! subject), with the same replay, reuse and in-flight answers as an API token's; two people's
//! keys, and a person's and a token's, never collide.

use cchc_app::repo::idempotency::KeyOwner;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde_json::{json, Value};

use crate::common::{Answer, TestApp};
use crate::idempotency::{claim_in_flight, post_with_key};
use crate::oidc_provider::{PersonTokens, Provider};

const KEY: &str = "6b0d1f3e-2c8a-4e57-9f1b-7a3c5d9e0b24";

fn replayed(answer: &Answer) -> Option<&str> {
    answer
        .headers
        .get("idempotent-replayed")
        .map(|v| v.to_str().unwrap())
}

fn unit(code: &str) -> Value {
    json!({"code": code, "name": format!("Phòng {code}"), "kind": "division", "parent_code": "SCT"})
}

async fn office_person(provider: &Provider, name: &str) -> String {
    provider
        .token(&PersonTokens::with_claims(
            json!({ "name": name, "groups": ["cchc-office"] }),
        ))
        .await
}

async fn unit_count(app: &TestApp) -> i64 {
    app.get("/api/v1/units").await.expect(200)["total"]
        .as_i64()
        .unwrap()
}

#[actix_web::test]
async fn a_persons_key_replays_the_answer_refuses_another_request_and_waits_for_the_first() {
    let provider = Provider::start();
    let app = provider.api().await;
    app.unit("SCT", "department", None).await;
    let office = office_person(&provider, "Lê Văn Phòng").await;

    let first = post_with_key(&app, &office, "/api/v1/units", KEY, &unit("KHTC")).await;
    assert_eq!(replayed(&first), None);
    let created = first.expect(201);
    let again = post_with_key(&app, &office, "/api/v1/units", KEY, &unit("KHTC")).await;
    assert_eq!(replayed(&again), Some("true"));
    assert_eq!(again.expect(201), created, "the same answer");
    assert_eq!(unit_count(&app).await, 2, "KHTC was created once");
    let trail = app
        .get(&format!(
            "/api/v1/audit?entity_type=unit&entity_id={}",
            created["id"]
        ))
        .await
        .expect(200);
    assert_eq!(trail["total"], 1, "{trail:#}");
    assert_eq!(trail["items"][0]["actor"]["name"], "Lê Văn Phòng");

    // The same key with another request.
    let problem = post_with_key(&app, &office, "/api/v1/units", KEY, &unit("QLTM"))
        .await
        .problem(422, "idempotency_key_reused");
    assert_eq!(problem["errors"][0]["field"], "Idempotency-Key");
    assert_eq!(unit_count(&app).await, 2);

    // A first request of the person's still running.
    let me = app.get_as(&office, "/api/v1/me").await.expect(200);
    let owner = KeyOwner::Person {
        issuer: me["person"]["issuer"].as_str().unwrap().to_owned(),
        subject: me["person"]["subject"].as_str().unwrap().to_owned(),
    };
    let body = unit("QLTM");
    claim_in_flight(&app, &owner, "k-running", &body).await;
    post_with_key(&app, &office, "/api/v1/units", "k-running", &body)
        .await
        .problem(409, "idempotency_key_in_progress");
    assert_eq!(unit_count(&app).await, 2);
}

#[actix_web::test]
async fn two_people_and_an_api_token_may_use_the_same_key() {
    use cchc_db::schema::idempotency_keys;

    let provider = Provider::start();
    let app = provider.api().await;
    app.unit("SCT", "department", None).await;
    let lan = office_person(&provider, "Nguyễn Thị Lan").await;
    let minh = office_person(&provider, "Trần Văn Minh").await;

    // A token's key first, then two people's.
    let by_token = post_with_key(&app, &app.admin, "/api/v1/units", KEY, &unit("KHTC"))
        .await
        .expect(201);
    let by_lan = post_with_key(&app, &lan, "/api/v1/units", KEY, &unit("QLTM")).await;
    assert_eq!(replayed(&by_lan), None);
    let by_lan = by_lan.expect(201);
    let by_minh = post_with_key(&app, &minh, "/api/v1/units", KEY, &unit("TCCB")).await;
    assert_eq!(replayed(&by_minh), None);
    let by_minh = by_minh.expect(201);
    assert_ne!(by_lan["id"], by_token["id"]);
    assert_ne!(by_minh["id"], by_lan["id"]);
    assert_eq!(unit_count(&app).await, 4);

    // Each replays its own answer.
    for (token, first) in [(&app.admin, &by_token), (&lan, &by_lan), (&minh, &by_minh)] {
        let code = first["code"].as_str().unwrap();
        let again = post_with_key(&app, token, "/api/v1/units", KEY, &unit(code)).await;
        assert_eq!(replayed(&again), Some("true"), "{code}");
        assert_eq!(&again.expect(201), first);
    }
    // Minh's body under Lan's key is another request of Lan's.
    post_with_key(&app, &lan, "/api/v1/units", KEY, &unit("TCCB"))
        .await
        .problem(422, "idempotency_key_reused");

    let mut conn = app.state.pool.get().await.unwrap();
    let rows: Vec<(Option<i64>, Option<String>, Option<String>)> = idempotency_keys::table
        .filter(idempotency_keys::key.eq(KEY))
        .select((
            idempotency_keys::token_id,
            idempotency_keys::person_issuer,
            idempotency_keys::person_subject,
        ))
        .order(idempotency_keys::id)
        .load(&mut *conn)
        .await
        .unwrap();
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows[0].0.is_some() && rows[0].1.is_none() && rows[0].2.is_none());
    for row in &rows[1..] {
        assert_eq!(row.0, None);
        assert_eq!(row.1.as_deref(), Some(provider.issuer.as_str()));
    }
    assert_ne!(rows[1].2, rows[2].2, "two subjects");
}
