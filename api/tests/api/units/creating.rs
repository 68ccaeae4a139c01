//! Creating units: the answer and its contacts, the tree by parent codes, unique codes.

use super::*;

#[actix_web::test]
async fn create_answers_201_with_location_and_contacts_round_trip() {
    let app = TestApp::spawn().await;
    let head = json!({
        "name": "Nguyễn Thị Hồng Nhung",
        "position_title": "Trưởng phòng",
        "email": "nhungnth@sct.khanhhoa.gov.vn",
        "phone": "0258 3822 123"
    });
    let focal_persons = json!([
        {"name": "Trần Văn Đức", "position_title": "Chuyên viên", "email": "ductv@sct.khanhhoa.gov.vn", "phone": "+84 905.123.456"},
        {"name": "Lê Thị Ánh Tuyết", "position_title": null, "email": "tuyetlta@sct.khanhhoa.gov.vn", "phone": null},
        {"name": "Phạm Quốc Việt", "position_title": "Phó Trưởng phòng", "email": "vietpq@sct.khanhhoa.gov.vn", "phone": "(0258) 382-2124"}
    ]);
    let answer = app
        .post(
            "/api/v1/units",
            json!({
                "code": "KHTC",
                "name": "Phòng Kế hoạch – Tài chính",
                "kind": "division",
                "head": head,
                "focal_persons": focal_persons,
            }),
        )
        .await;
    let location = answer
        .headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let created = answer.expect(201);
    let id = id_of(&created);
    assert!(id > 0);
    assert_eq!(location.as_deref(), Some(&*format!("/api/v1/units/{id}")));
    assert_eq!(created["code"], "KHTC");
    assert_eq!(created["name"], "Phòng Kế hoạch – Tài chính");
    assert_eq!(created["kind"], "division");
    assert_eq!(created["active"], true, "active defaults to true");
    assert_eq!(created["parent_id"], Value::Null);
    assert_eq!(created["parent_code"], Value::Null);
    // Omitted optional contact fields come back as null; everything else exactly as sent.
    assert_eq!(created["head"], head);
    assert_eq!(
        created["focal_persons"][1],
        json!({"name": "Lê Thị Ánh Tuyết", "position_title": null, "email": "tuyetlta@sct.khanhhoa.gov.vn", "phone": null})
    );
    assert_eq!(created["focal_persons"], focal_persons);

    let fetched = app
        .get(location.as_deref().expect("location"))
        .await
        .expect(200);
    assert_eq!(fetched, created, "GET by id answers what POST answered");
    assert_eq!(total(&app).await, 1);
}

#[actix_web::test]
async fn contact_text_is_trimmed_and_a_unit_needs_no_contacts() {
    let app = TestApp::spawn().await;
    let created = app
        .post(
            "/api/v1/units",
            json!({
                "code": "VP",
                "name": "  Văn phòng Sở  ",
                "kind": "office",
                "active": false,
                "head": {"name": " Võ Thị Thu Hà ", "email": "havtt@sct.khanhhoa.gov.vn"},
            }),
        )
        .await
        .expect(201);
    assert_eq!(created["name"], "Văn phòng Sở");
    assert_eq!(created["active"], false);
    assert_eq!(created["head"]["name"], "Võ Thị Thu Hà");
    assert_eq!(created["focal_persons"], json!([]));

    let bare = named(&app, "TTR", "Thanh tra Sở", "inspectorate", None).await;
    assert_eq!(bare["head"], Value::Null);
    assert_eq!(bare["focal_persons"], json!([]));
}

#[actix_web::test]
async fn units_form_a_tree_with_parent_codes() {
    let app = TestApp::spawn().await;
    let sct = named(&app, "SCT", "Sở Công Thương", "department", None).await;
    let vp = named(&app, "VP", "Văn phòng Sở", "office", Some("SCT")).await;
    let khtc = named(
        &app,
        "KHTC",
        "Phòng Kế hoạch – Tài chính",
        "division",
        Some("SCT"),
    )
    .await;
    let qlcn = named(
        &app,
        "QLCN",
        "Phòng Quản lý Công nghiệp",
        "division",
        Some("SCT"),
    )
    .await;
    let tt = named(
        &app,
        "TTKC",
        "Trung tâm Khuyến công",
        "service_unit",
        Some("KHTC"),
    )
    .await;

    assert_eq!(sct["parent_id"], Value::Null);
    assert_eq!(sct["parent_code"], Value::Null);
    for division in [&vp, &khtc, &qlcn] {
        assert_eq!(division["parent_id"], sct["id"]);
        assert_eq!(division["parent_code"], "SCT");
    }
    assert_eq!(tt["parent_id"], khtc["id"]);
    assert_eq!(tt["parent_code"], "KHTC");

    // The answers of GET and the list carry the same parent links.
    let fetched = app
        .get(&format!("/api/v1/units/{}", id_of(&tt)))
        .await
        .expect(200);
    assert_eq!(fetched["parent_code"], "KHTC");
    assert_eq!(fetched["parent_id"], khtc["id"]);
    let all = app.get("/api/v1/units").await.expect(200);
    assert_eq!(codes(&all), ["KHTC", "QLCN", "SCT", "TTKC", "VP"]);
    let listed_tt = &all["items"][3];
    assert_eq!(listed_tt["parent_code"], "KHTC");
    assert_eq!(listed_tt["parent_id"], khtc["id"]);

    // Direct children only.
    let children = app.get("/api/v1/units?parent_code=SCT").await.expect(200);
    assert_eq!(codes(&children), ["KHTC", "QLCN", "VP"]);
    assert_eq!(children["total"], 3);
    let grandchildren = app.get("/api/v1/units?parent_code=KHTC").await.expect(200);
    assert_eq!(codes(&grandchildren), ["TTKC"]);
    let leaf = app.get("/api/v1/units?parent_code=TTKC").await.expect(200);
    assert_eq!(codes(&leaf), Vec::<String>::new());
    assert_eq!(leaf["total"], 0);

    // The whole subtree, the unit itself included.
    let under_sct = app.get("/api/v1/units?under=SCT").await.expect(200);
    assert_eq!(codes(&under_sct), ["KHTC", "QLCN", "SCT", "TTKC", "VP"]);
    let under_khtc = app.get("/api/v1/units?under=KHTC").await.expect(200);
    assert_eq!(codes(&under_khtc), ["KHTC", "TTKC"]);
    assert_eq!(under_khtc["total"], 2);
    let under_leaf = app.get("/api/v1/units?under=TTKC").await.expect(200);
    assert_eq!(codes(&under_leaf), ["TTKC"]);
}

#[actix_web::test]
async fn duplicate_code_is_409() {
    let app = TestApp::spawn().await;
    let first = app.unit("KHTC", "division", None).await;
    let problem = app
        .post(
            "/api/v1/units",
            json!({"code": "KHTC", "name": "Phòng khác", "kind": "other"}),
        )
        .await
        .problem(409, "duplicate_code");
    assert_eq!(Answer::fields(&problem), ["code"]);
    assert_eq!(problem["errors"][0]["code"], "duplicate_code");
    assert_eq!(total(&app).await, 1);
    let kept = app
        .get(&format!("/api/v1/units/{}", id_of(&first)))
        .await
        .expect(200);
    assert_eq!(kept["name"], "Đơn vị KHTC");
    assert_eq!(kept["kind"], "division");
}
