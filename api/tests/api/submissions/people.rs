//! A unit's person signed in through the identity provider (OpenID Connect) files the unit's
//! report as a reporter token does, is kept out of other units' reports the same way, and the
//! audit trail names them.

use super::*;
use crate::oidc_provider::{PersonTokens, Provider};

#[actix_web::test]
async fn a_focal_person_files_for_their_unit_only_and_the_audit_trail_names_them() {
    let provider = Provider::start();
    let app = provider.api().await;
    let period = open_period(&app).await;
    let khtc_person = provider
        .token(&PersonTokens::with_email(
            "focal.khtc@example.vn",
            "Trần Thị Bình",
        ))
        .await;
    let qltm_person = provider
        .token(&PersonTokens::with_email(
            "focal.qltm@example.vn",
            "Hoàng Văn Cường",
        ))
        .await;

    let created = app
        .post_as(
            &khtc_person,
            &format!("/api/v1/periods/{period}/submissions"),
            json!({}),
        )
        .await
        .expect(201);
    assert_eq!(created["unit_code"], "KHTC");
    let path = format!("/api/v1/submissions/{}", created["id"]);
    assert_eq!(
        app.get_as(&khtc_person, &path).await.expect(200)["unit_code"],
        "KHTC"
    );
    // Another unit's person: not found, as for another unit's reporter token.
    app.get_as(&qltm_person, &path)
        .await
        .problem(404, "not_found");
    app.post_as(&qltm_person, &format!("{path}/submit"), json!({}))
        .await
        .problem(404, "not_found");
    let listed = app
        .get_as(
            &qltm_person,
            &format!("/api/v1/periods/{period}/submissions"),
        )
        .await
        .expect(200);
    assert_eq!(listed["total"], 0);
    // A view across units is for the Office and the leadership.
    app.get_as(&khtc_person, "/api/v1/audit")
        .await
        .problem(403, "forbidden");

    let trail = app
        .get(&format!(
            "/api/v1/audit?entity_type=submission&entity_id={}",
            created["id"]
        ))
        .await
        .expect(200);
    let event = &trail["items"][0];
    assert_eq!(event["action"], "created", "{trail:#}");
    let actor = &event["actor"];
    assert_eq!(actor["name"], "Trần Thị Bình");
    assert_eq!(actor["role"], "reporter");
    assert_eq!(actor["token_id"], Value::Null);
    assert_eq!(actor["person"]["name"], "Trần Thị Bình");
    assert_eq!(actor["person"]["email"], "focal.khtc@example.vn");
    assert_eq!(actor["person"]["issuer"], provider.issuer.as_str());
    assert!(actor["person"]["subject"]
        .as_str()
        .is_some_and(|s| !s.is_empty()));
    // Changes made with API tokens name no person.
    let by_token = app
        .get("/api/v1/audit?entity_type=period")
        .await
        .expect(200);
    assert_eq!(by_token["items"][0]["actor"]["person"], Value::Null);
    // The actor filter finds the person by name.
    let theirs = app
        .get(&format!(
            "/api/v1/audit?actor={}",
            crate::common::enc("Bình")
        ))
        .await
        .expect(200);
    let items = theirs["items"].as_array().unwrap();
    assert!(!items.is_empty());
    for item in items {
        assert_eq!(item["actor"]["person"]["email"], "focal.khtc@example.vn");
    }
}
