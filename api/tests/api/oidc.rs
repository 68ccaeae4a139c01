//! People's OpenID Connect access tokens, from a real provider (`oidc_provider`): who they
//! are to the service, and the tokens that are refused.

use serde_json::{json, Value};

use crate::common::TestApp;
use crate::oidc_provider::{kid, PersonTokens, Provider};

async fn me(app: &TestApp, token: &str) -> Value {
    app.get_as(token, "/api/v1/me").await.expect(200)
}

/// The department and one division, KHTC, whose head is head.khtc@example.vn and whose focal
/// person is focal.khtc@example.vn (`TestApp::unit`).
async fn organisation(app: &TestApp) {
    app.unit("SCT", "department", None).await;
    app.unit("KHTC", "division", Some("SCT")).await;
    app.unit("QLTM", "division", Some("SCT")).await;
}

#[actix_web::test]
async fn units_people_are_their_units_reporters_and_groups_give_the_office_and_leadership() {
    let provider = Provider::start();
    let app = provider.api().await;
    organisation(&app).await;

    let focal = provider
        .token(&PersonTokens::with_email(
            "focal.khtc@example.vn",
            "Trần Thị Bình",
        ))
        .await;
    let who = me(&app, &focal).await;
    assert_eq!(who["role"], "reporter");
    assert_eq!(who["unit_code"], "KHTC");
    assert_eq!(who["token_id"], 0);
    assert_eq!(who["name"], "Trần Thị Bình");
    assert_eq!(who["person"]["email"], "focal.khtc@example.vn");
    assert_eq!(who["person"]["issuer"], provider.issuer.as_str());
    assert!(who["person"]["subject"]
        .as_str()
        .is_some_and(|s| !s.is_empty()));

    // The head, written in other case, and without a name claim: the contact's name.
    let head = provider
        .token(&PersonTokens::with_claims(
            json!({ "email": "Head.KHTC@Example.vn" }),
        ))
        .await;
    let who = me(&app, &head).await;
    assert_eq!(who["role"], "reporter");
    assert_eq!(who["unit_code"], "KHTC");
    assert_eq!(who["name"], "Nguyễn Văn An");

    // Group rules come first: the Office and the leadership, whoever they are.
    let office = provider
        .token(&PersonTokens::with_claims(json!({
            "email": "vp@example.vn", "name": "Lê Văn Phòng", "groups": ["staff", "cchc-office"]
        })))
        .await;
    let who = me(&app, &office).await;
    assert_eq!(who["role"], "admin");
    assert_eq!(who["unit_code"], Value::Null);
    let leader = provider
        .token(&PersonTokens::with_claims(json!({
            "email": "giamdoc@example.vn", "name": "Phạm Giám Đốc", "groups": ["cchc-leadership"]
        })))
        .await;
    assert_eq!(me(&app, &leader).await["role"], "viewer");
    app.post_as(
        &leader,
        "/api/v1/units",
        json!({"code": "MOI", "name": "Đơn vị mới", "kind": "division", "parent_code": "SCT"}),
    )
    .await
    .problem(403, "forbidden");
    // The Office's person changes the set-up.
    app.post_as(
        &office,
        "/api/v1/units",
        json!({"code": "MOI", "name": "Đơn vị mới", "kind": "division", "parent_code": "SCT"}),
    )
    .await
    .expect(201);

    // API tokens work as before.
    assert_eq!(me(&app, &app.admin).await["role"], "admin");
}

#[actix_web::test]
async fn a_person_the_service_does_not_know_gets_403_unknown_person() {
    let provider = Provider::start();
    let app = provider.api().await;
    organisation(&app).await;

    let stranger = provider
        .token(&PersonTokens::with_email("la@example.vn", "Người Lạ"))
        .await;
    let problem = app
        .get_as(&stranger, "/api/v1/me")
        .await
        .problem(403, "unknown_person");
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("\"la@example.vn\""), "{detail}");
    assert!(detail.contains("\"email\" claim"), "{detail}");

    let no_email = provider
        .token(&PersonTokens::with_claims(json!({ "name": "Không Thư" })))
        .await;
    let problem = app
        .get_as(&no_email, "/api/v1/units")
        .await
        .problem(403, "unknown_person");
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("has no \"email\" claim"));
}

#[actix_web::test]
async fn a_person_moved_to_another_unit_loses_the_old_units_access_at_once() {
    let provider = Provider::start();
    let app = provider.api().await;
    organisation(&app).await;
    let token = provider
        .token(&PersonTokens::with_email(
            "focal.khtc@example.vn",
            "Trần Thị Bình",
        ))
        .await;
    assert_eq!(me(&app, &token).await["unit_code"], "KHTC");

    let unit_id = |unit: &Value| unit["id"].as_i64().unwrap();
    let units = app.get("/api/v1/units").await.expect(200);
    let find = |code: &str| {
        units["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["code"] == code)
            .cloned()
            .unwrap()
    };
    let (khtc, qltm) = (unit_id(&find("KHTC")), unit_id(&find("QLTM")));
    app.patch(
        &format!("/api/v1/units/{khtc}"),
        json!({"focal_persons": []}),
    )
    .await
    .expect(200);
    app.patch(
        &format!("/api/v1/units/{qltm}"),
        json!({"focal_persons": [{"name": "Trần Thị Bình", "email": "focal.khtc@example.vn"}]}),
    )
    .await
    .expect(200);
    // The same token, the next request: the new unit.
    assert_eq!(me(&app, &token).await["unit_code"], "QLTM");

    // Removed from every unit: no longer let in.
    app.patch(
        &format!("/api/v1/units/{qltm}"),
        json!({"focal_persons": []}),
    )
    .await
    .expect(200);
    app.get_as(&token, "/api/v1/me")
        .await
        .problem(403, "unknown_person");
}

#[actix_web::test]
async fn expired_foreign_and_tampered_tokens_and_other_audiences_get_401() {
    let provider = Provider::start();
    let app = provider.api().await;
    organisation(&app).await;
    let focal = PersonTokens::with_email("focal.khtc@example.vn", "Trần Thị Bình");

    let short = provider
        .token(&PersonTokens {
            ttl_secs: 1,
            ..focal.clone()
        })
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let problem = app
        .get_as(&short, "/api/v1/me")
        .await
        .problem(401, "unauthenticated");
    assert_eq!(problem["detail"], "the access token has expired");

    let elsewhere = provider
        .token(&PersonTokens {
            audience: "https://another.example.vn/api".into(),
            ..focal.clone()
        })
        .await;
    let problem = app
        .get_as(&elsewhere, "/api/v1/me")
        .await
        .problem(401, "unauthenticated");
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("is not for this API"));

    // Signed by another provider (its keys are not the issuer's).
    let other = Provider::start();
    let foreign = other.token(&focal).await;
    app.get_as(&foreign, "/api/v1/me")
        .await
        .problem(401, "unauthenticated");

    // A claim changed after signing.
    let good = provider.token(&focal).await;
    let mut parts: Vec<String> = good.split('.').map(str::to_owned).collect();
    parts[1] = {
        use base64::Engine as _;
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let mut claims: Value = serde_json::from_slice(&engine.decode(&parts[1]).unwrap()).unwrap();
        claims["email"] = json!("focal.qltm@example.vn");
        engine.encode(serde_json::to_vec(&claims).unwrap())
    };
    let problem = app
        .get_as(&parts.join("."), "/api/v1/me")
        .await
        .problem(401, "unauthenticated");
    assert_eq!(
        problem["detail"],
        "the access token's signature is not valid"
    );

    // Not a JWT, not an API token.
    app.get_as("not.a.jwt", "/api/v1/me")
        .await
        .problem(401, "unauthenticated");
    // The untouched token still works.
    assert_eq!(me(&app, &good).await["unit_code"], "KHTC");
}

#[actix_web::test]
async fn rotated_keys_are_fetched_again_and_es256_is_accepted() {
    let provider = Provider::start();
    let app = provider.api().await;
    organisation(&app).await;
    let focal = PersonTokens::with_email("focal.khtc@example.vn", "Trần Thị Bình");

    let before = provider.token(&focal).await;
    assert_eq!(me(&app, &before).await["unit_code"], "KHTC");
    let es256 = provider
        .token(&PersonTokens {
            alg: "ES256",
            ..focal.clone()
        })
        .await;
    assert_eq!(me(&app, &es256).await["unit_code"], "KHTC");

    provider.rotate_keys().await;
    let after = provider.token(&focal).await;
    assert_ne!(kid(&before), kid(&after), "a new signing key");
    // The API reads the keys again at most once a second in tests (30 s in service).
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(me(&app, &after).await["unit_code"], "KHTC");
    // Tokens of the old key stay valid while the issuer still publishes it.
    assert_eq!(me(&app, &before).await["unit_code"], "KHTC");
}
