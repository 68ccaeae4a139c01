//! Validation of creations and changes: unknown parents, every failure at once, nothing changed.

use super::*;

#[actix_web::test]
async fn unknown_parent_code_is_rejected() {
    let app = TestApp::spawn().await;
    let problem = app
        .post(
            "/api/v1/units",
            json!({"code": "KHTC", "name": "Phòng Kế hoạch", "kind": "division", "parent_code": "NOPE"}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(Answer::fields(&problem), ["parent_code"]);
    assert_eq!(problem["errors"][0]["code"], "unknown_code");
    assert_eq!(total(&app).await, 0, "nothing is created");

    let unit = app.unit("VP", "office", None).await;
    let problem = app
        .patch(
            &format!("/api/v1/units/{}", id_of(&unit)),
            json!({"parent_code": "NOPE"}),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(Answer::fields(&problem), ["parent_code"]);
    assert_eq!(problem["errors"][0]["code"], "unknown_code");
}

#[actix_web::test]
async fn every_validation_failure_is_reported_at_once() {
    let app = TestApp::spawn().await;
    let mut focal_persons: Vec<Value> = (0..21)
        .map(|i| json!({"name": format!("Cán bộ {i}"), "email": format!("canbo{i}@example.vn")}))
        .collect();
    focal_persons[0]["phone"] = json!("abc");
    let problem = app
        .post(
            "/api/v1/units",
            json!({
                "code": "vp",
                "name": "   ",
                "kind": "office",
                "head": {"name": "Nguyễn Văn An", "email": "not-an-email"},
                "focal_persons": focal_persons,
            }),
        )
        .await
        .problem(422, "validation_failed");
    let errors: Vec<(String, String)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("code", "invalid_code"),
        ("name", "required"),
        ("head.email", "invalid_email"),
        ("focal_persons", "too_many"),
        ("focal_persons[0].phone", "invalid_phone"),
    ]
    .iter()
    .map(|(f, c)| ((*f).to_owned(), (*c).to_owned()))
    .collect();
    assert_eq!(errors, expected);
    assert!(problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["message"].as_str().is_some_and(|m| !m.is_empty())));
    assert_eq!(total(&app).await, 0);

    // Twenty focal persons are fine.
    focal_persons.truncate(20);
    focal_persons[0]["phone"] = json!("0258 3822 123");
    let created = app
        .post(
            "/api/v1/units",
            json!({"code": "VP", "name": "Văn phòng Sở", "kind": "office", "focal_persons": focal_persons}),
        )
        .await
        .expect(201);
    assert_eq!(created["focal_persons"].as_array().unwrap().len(), 20);
    assert_eq!(created["focal_persons"][19]["name"], "Cán bộ 19");
}

#[actix_web::test]
async fn patch_validation_reports_every_field_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let unit = app.unit("VP", "office", None).await;
    let path = format!("/api/v1/units/{}", id_of(&unit));
    let problem = app
        .patch(
            &path,
            json!({
                "name": "",
                "head": {"name": " ", "email": "head@example.vn", "position_title": ""},
                "focal_persons": [
                    {"name": "Trần Thị Bình", "email": "binh@example.vn", "phone": "12"},
                    {"name": "Lê Văn Cường", "email": "cuong@"}
                ],
            }),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        Answer::fields(&problem),
        [
            "name",
            "head.name",
            "head.position_title",
            "focal_persons[0].phone",
            "focal_persons[1].email"
        ]
    );
    let fetched = app.get(&path).await.expect(200);
    assert_eq!(fetched["name"], unit["name"]);
    assert_eq!(fetched["head"], unit["head"]);
    assert_eq!(fetched["focal_persons"], unit["focal_persons"]);
}
