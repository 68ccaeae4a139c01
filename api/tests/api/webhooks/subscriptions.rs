//! Subscriptions through the API: created, checked, changed and deleted.

use super::*;

#[actix_web::test]
async fn subscriptions_are_created_checked_changed_and_deleted() {
    let app = TestApp::spawn_with(loopback_config()).await;
    let qlvb = FakeQlvb::start();

    let created = app
        .post(
            "/api/v1/webhooks",
            json!({"url": qlvb.webhook_url(), "event_types": ["submission.submitted", "period.opened"]}),
        )
        .await;
    let location = created.headers["location"].to_str().unwrap().to_owned();
    let created = created.expect(201);
    let id = created["webhook"]["id"].as_i64().unwrap();
    assert_eq!(location, format!("/api/v1/webhooks/{id}"));
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(
        secret.starts_with("whsec_") && secret.len() > 40,
        "{secret}"
    );
    assert_eq!(
        created["webhook"]["event_types"],
        json!(["submission.submitted", "period.opened"])
    );
    assert_eq!(created["webhook"]["active"], true);

    // The secret is never shown again.
    let got = app.get(&location).await.expect(200);
    assert!(got.get("secret").is_none());
    assert_eq!(got["url"], qlvb.webhook_url());
    let listed = app.get("/api/v1/webhooks").await.expect(200);
    assert_eq!(listed["total"], 1);
    assert!(!listed.to_string().contains(&secret));

    // A secret may be chosen.
    let chosen = app
        .post(
            "/api/v1/webhooks",
            json!({"url": "HTTPS://QLVB.example.gov.vn/hooks", "event_types": ["unit.escalated"], "secret": "a-long-enough-shared-secret"}),
        )
        .await
        .expect(201);
    assert_eq!(chosen["secret"], "a-long-enough-shared-secret");

    // Every problem at once, each naming its field.
    let problem = app
        .post(
            "/api/v1/webhooks",
            json!({
                "url": "ftp://qlvb.example.gov.vn/hooks",
                "event_types": ["period.opened", "submission.deleted", "ping", "period.opened"],
                "secret": "short",
            }),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[
            ("url", "invalid_url"),
            ("event_types[1]", "unknown_event_type"),
            ("event_types[2]", "not_subscribable"),
            ("event_types[3]", "duplicate"),
            ("secret", "too_short"),
        ])
    );
    let problem = app
        .post(
            "/api/v1/webhooks",
            json!({"url": "/relative", "event_types": []}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[("url", "invalid_url"), ("event_types", "required")])
    );
    app.post("/api/v1/webhooks", json!({"url": qlvb.webhook_url()}))
        .await
        .problem(400, "invalid_body");

    // Changing: absent fields stay, null clears the description.
    let changed = app
        .patch(
            &location,
            json!({"event_types": ["submission.accepted"], "active": false, "description": "Tạm dừng"}),
        )
        .await
        .expect(200);
    assert_eq!(changed["event_types"], json!(["submission.accepted"]));
    assert_eq!(changed["active"], false);
    assert_eq!(changed["url"], qlvb.webhook_url());
    assert_eq!(changed["description"], "Tạm dừng");
    let cleared = app
        .patch(&location, json!({"description": null}))
        .await
        .expect(200);
    assert_eq!(cleared["description"], Value::Null);
    let problem = app
        .patch(&location, json!({"url": "qlvb"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&problem), pairs(&[("url", "invalid_url")]));
    app.patch(&location, json!({"url": null}))
        .await
        .problem(400, "invalid_body");

    // Rotating answers a new secret, once.
    let rotated = app
        .post(&format!("{location}/rotate-secret"), json!({}))
        .await
        .expect(200);
    let new_secret = rotated["secret"].as_str().unwrap();
    assert_ne!(new_secret, secret);

    // Admins only.
    let viewer = app.token(Role::Viewer, None).await;
    app.get_as(&viewer, "/api/v1/webhooks").await.expect(403);
    app.get_as(&viewer, &location).await.expect(403);
    app.post_as(&viewer, "/api/v1/webhooks", json!({}))
        .await
        .expect(403);

    // Audited, never with a secret.
    let audit = app
        .get(&format!("/api/v1/audit?entity_type=webhook&entity_id={id}"))
        .await
        .expect(200);
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["secret_rotated", "updated", "updated", "created"]);
    let text = audit.to_string();
    assert!(!text.contains(&secret) && !text.contains(new_secret));

    app.delete(&location).await.expect(204);
    app.get(&location).await.problem(404, "not_found");
    app.delete(&location).await.problem(404, "not_found");
    let audit = app
        .get(&format!(
            "/api/v1/audit?entity_type=webhook&entity_id={id}&action=deleted"
        ))
        .await
        .expect(200);
    assert_eq!(audit["total"], 1);
}
