//! `/api/v1/units`: the department's tree of units with their head and CCHC focal persons.

use cchc_domain::model::token::Role;
use serde_json::{json, Value};

use crate::common::{codes, enc, Answer, TestApp};

fn id_of(unit: &Value) -> i64 {
    unit["id"].as_i64().expect("id")
}

async fn search(app: &TestApp, q: &str) -> Vec<String> {
    codes(
        &app.get(&format!("/api/v1/units?q={}", enc(q)))
            .await
            .expect(200),
    )
}

async fn total(app: &TestApp) -> i64 {
    app.get("/api/v1/units").await.expect(200)["total"]
        .as_i64()
        .expect("total")
}

/// A unit named in Vietnamese, without contacts.
async fn named(app: &TestApp, code: &str, name: &str, kind: &str, parent: Option<&str>) -> Value {
    app.post(
        "/api/v1/units",
        json!({"code": code, "name": name, "kind": kind, "parent_code": parent}),
    )
    .await
    .expect(201)
}

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
async fn patch_renames_changes_kind_deactivates_and_replaces_contacts() {
    let app = TestApp::spawn().await;
    app.unit("SCT", "department", None).await;
    let unit = app.unit("QLTM", "division", Some("SCT")).await;
    let path = format!("/api/v1/units/{}", id_of(&unit));
    assert_eq!(unit["head"]["name"], "Nguyễn Văn An");
    assert_eq!(unit["focal_persons"].as_array().unwrap().len(), 1);

    let renamed = app
        .patch(
            &path,
            json!({"name": " Phòng Quản lý Thương mại ", "kind": "other"}),
        )
        .await
        .expect(200);
    assert_eq!(renamed["name"], "Phòng Quản lý Thương mại");
    assert_eq!(renamed["kind"], "other");
    // Absent fields stay as they were.
    assert_eq!(renamed["code"], "QLTM");
    assert_eq!(renamed["active"], true);
    assert_eq!(renamed["parent_code"], "SCT");
    assert_eq!(renamed["head"], unit["head"]);
    assert_eq!(renamed["focal_persons"], unit["focal_persons"]);

    let deactivated = app.patch(&path, json!({"active": false})).await.expect(200);
    assert_eq!(deactivated["active"], false);
    assert_eq!(deactivated["name"], "Phòng Quản lý Thương mại");

    // The list is replaced as a whole, in the order sent.
    let focal_persons = json!([
        {"name": "Đặng Thị Yến", "position_title": "Chuyên viên", "email": "yendt@example.vn", "phone": "0258 3822 200"},
        {"name": "Bùi Văn Ân", "position_title": null, "email": "anbv@example.vn", "phone": null},
        {"name": "Hoàng Ngọc Ánh", "position_title": "Chuyên viên chính", "email": "anhhn@example.vn", "phone": "0912345678"}
    ]);
    let replaced = app
        .patch(&path, json!({"focal_persons": focal_persons}))
        .await
        .expect(200);
    assert_eq!(replaced["focal_persons"], focal_persons);
    assert_eq!(replaced["head"], unit["head"], "the head is left alone");

    let reordered = json!([focal_persons[2], focal_persons[0]]);
    let again = app
        .patch(&path, json!({"focal_persons": reordered}))
        .await
        .expect(200);
    assert_eq!(again["focal_persons"], reordered);

    let new_head = json!({"name": "Lưu Quang Dũng", "position_title": "Trưởng phòng", "email": "dunglq@example.vn", "phone": null});
    let rehead = app
        .patch(&path, json!({"head": new_head}))
        .await
        .expect(200);
    assert_eq!(rehead["head"], new_head);

    let headless = app.patch(&path, json!({"head": null})).await.expect(200);
    assert_eq!(headless["head"], Value::Null);
    assert_eq!(headless["focal_persons"], reordered);

    let cleared = app
        .patch(&path, json!({"focal_persons": []}))
        .await
        .expect(200);
    assert_eq!(cleared["focal_persons"], json!([]));

    // Everything sticks.
    let fetched = app.get(&path).await.expect(200);
    assert_eq!(fetched["name"], "Phòng Quản lý Thương mại");
    assert_eq!(fetched["kind"], "other");
    assert_eq!(fetched["active"], false);
    assert_eq!(fetched["head"], Value::Null);
    assert_eq!(fetched["focal_persons"], json!([]));
    assert_eq!(fetched["parent_code"], "SCT");
}

#[actix_web::test]
async fn unit_timestamps_follow_the_application_clock() {
    let app = TestApp::spawn().await;
    let unit = app.unit("VP", "office", None).await;
    assert_eq!(unit["created_at"], "2026-11-20T09:00:00+07:00");
    assert_eq!(unit["updated_at"], "2026-11-20T09:00:00+07:00");

    app.clock.set(
        chrono::DateTime::parse_from_rfc3339("2026-11-20T10:30:00+07:00")
            .unwrap()
            .into(),
    );
    let patched = app
        .patch(
            &format!("/api/v1/units/{}", id_of(&unit)),
            json!({"name": "Văn phòng"}),
        )
        .await
        .expect(200);
    assert_eq!(patched["created_at"], "2026-11-20T09:00:00+07:00");
    assert_eq!(patched["updated_at"], "2026-11-20T10:30:00+07:00");
}

#[actix_web::test]
async fn patch_moves_units_and_null_parent_makes_a_root() {
    let app = TestApp::spawn().await;
    let sct = app.unit("SCT", "department", None).await;
    let khtc = app.unit("KHTC", "division", Some("SCT")).await;
    app.unit("QLCN", "division", Some("SCT")).await;
    let tt = app.unit("TTKC", "service_unit", Some("KHTC")).await;
    let tt_path = format!("/api/v1/units/{}", id_of(&tt));

    let moved = app
        .patch(&tt_path, json!({"parent_code": "QLCN"}))
        .await
        .expect(200);
    assert_eq!(moved["parent_code"], "QLCN");
    let under_khtc = app.get("/api/v1/units?under=KHTC").await.expect(200);
    assert_eq!(codes(&under_khtc), ["KHTC"]);
    let under_qlcn = app.get("/api/v1/units?under=QLCN").await.expect(200);
    assert_eq!(codes(&under_qlcn), ["QLCN", "TTKC"]);

    // A sibling may become the parent of another sibling.
    let khtc_path = format!("/api/v1/units/{}", id_of(&khtc));
    let nested = app
        .patch(&khtc_path, json!({"parent_code": "QLCN"}))
        .await
        .expect(200);
    assert_eq!(nested["parent_code"], "QLCN");

    let root = app
        .patch(&khtc_path, json!({"parent_code": null}))
        .await
        .expect(200);
    assert_eq!(root["parent_id"], Value::Null);
    assert_eq!(root["parent_code"], Value::Null);
    let roots: Vec<String> = app.get("/api/v1/units").await.expect(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["parent_id"].is_null())
        .map(|u| u["code"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(roots, ["KHTC", "SCT"]);
    // Absent parent_code leaves the parent alone.
    let renamed = app
        .patch(&tt_path, json!({"name": "Trung tâm"}))
        .await
        .expect(200);
    assert_eq!(renamed["parent_code"], "QLCN");
    assert_eq!(
        app.get(&format!("/api/v1/units/{}", id_of(&sct)))
            .await
            .expect(200)["parent_code"],
        Value::Null
    );
}

#[actix_web::test]
async fn a_unit_cannot_move_under_itself_or_a_descendant() {
    let app = TestApp::spawn().await;
    let sct = app.unit("SCT", "department", None).await;
    app.unit("KHTC", "division", Some("SCT")).await;
    app.unit("TTKC", "service_unit", Some("KHTC")).await;
    let sct_path = format!("/api/v1/units/{}", id_of(&sct));

    for descendant in ["KHTC", "TTKC"] {
        let problem = app
            .patch(&sct_path, json!({"parent_code": descendant}))
            .await
            .problem(422, "validation_failed");
        assert_eq!(Answer::fields(&problem), ["parent_code"]);
        assert_eq!(problem["errors"][0]["code"], "parent_cycle");
    }
    let problem = app
        .patch(&sct_path, json!({"parent_code": "SCT"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(Answer::fields(&problem), ["parent_code"]);
    assert_eq!(problem["errors"][0]["code"], "parent_cycle");

    // Nothing changed, not even the other fields of the rejected request.
    let problem = app
        .patch(&sct_path, json!({"name": "Đổi tên", "parent_code": "TTKC"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["code"], "parent_cycle");
    let fetched = app.get(&sct_path).await.expect(200);
    assert_eq!(fetched["parent_code"], Value::Null);
    assert_eq!(fetched["name"], "Đơn vị SCT");
    let under = app.get("/api/v1/units?under=SCT").await.expect(200);
    assert_eq!(codes(&under), ["KHTC", "SCT", "TTKC"]);
}

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

#[actix_web::test]
async fn list_is_ordered_by_code_and_paginated() {
    let app = TestApp::spawn().await;
    for code in ["TTR", "KHTC", "VP", "QLCN", "SCT", "QLTM", "KTAT"] {
        app.unit(code, "division", None).await;
    }
    let all = app.get("/api/v1/units").await.expect(200);
    assert_eq!(
        codes(&all),
        ["KHTC", "KTAT", "QLCN", "QLTM", "SCT", "TTR", "VP"]
    );
    assert_eq!(all["page"], 1);
    assert_eq!(all["per_page"], 50);
    assert_eq!(all["total"], 7);

    let mut seen = Vec::new();
    for (page, expected) in [
        (1, vec!["KHTC", "KTAT", "QLCN"]),
        (2, vec!["QLTM", "SCT", "TTR"]),
        (3, vec!["VP"]),
    ] {
        let answer = app
            .get(&format!("/api/v1/units?per_page=3&page={page}"))
            .await
            .expect(200);
        assert_eq!(codes(&answer), expected);
        assert_eq!(answer["page"], page);
        assert_eq!(answer["per_page"], 3);
        assert_eq!(answer["total"], 7);
        seen.extend(codes(&answer));
    }
    assert_eq!(seen, codes(&all), "paging neither skips nor repeats");

    let beyond = app.get("/api/v1/units?per_page=3&page=4").await.expect(200);
    assert_eq!(codes(&beyond), Vec::<String>::new());
    assert_eq!(beyond["total"], 7);
    let largest = app.get("/api/v1/units?per_page=200").await.expect(200);
    assert_eq!(largest["per_page"], 200);
    assert_eq!(largest["items"].as_array().unwrap().len(), 7);
}

#[actix_web::test]
async fn list_filters_by_kind_active_and_parent() {
    let app = TestApp::spawn().await;
    app.unit("SCT", "department", None).await;
    app.unit("VP", "office", Some("SCT")).await;
    app.unit("KHTC", "division", Some("SCT")).await;
    let qlcn = app.unit("QLCN", "division", Some("SCT")).await;
    app.unit("TTKC", "service_unit", Some("QLCN")).await;
    app.patch(
        &format!("/api/v1/units/{}", id_of(&qlcn)),
        json!({"active": false}),
    )
    .await
    .expect(200);

    let divisions = app.get("/api/v1/units?kind=division").await.expect(200);
    assert_eq!(codes(&divisions), ["KHTC", "QLCN"]);
    assert_eq!(divisions["total"], 2);
    let inactive = app.get("/api/v1/units?active=false").await.expect(200);
    assert_eq!(codes(&inactive), ["QLCN"]);
    let active = app.get("/api/v1/units?active=true").await.expect(200);
    assert_eq!(codes(&active), ["KHTC", "SCT", "TTKC", "VP"]);
    let active_divisions = app
        .get("/api/v1/units?kind=division&active=true")
        .await
        .expect(200);
    assert_eq!(codes(&active_divisions), ["KHTC"]);
    let none = app.get("/api/v1/units?kind=inspectorate").await.expect(200);
    assert_eq!(none["total"], 0);
    let active_under = app
        .get("/api/v1/units?under=QLCN&active=true")
        .await
        .expect(200);
    assert_eq!(codes(&active_under), ["TTKC"]);
    let children_of_sct = app
        .get("/api/v1/units?parent_code=SCT&kind=division&per_page=1")
        .await
        .expect(200);
    assert_eq!(codes(&children_of_sct), ["KHTC"]);
    assert_eq!(children_of_sct["total"], 2);
}

#[actix_web::test]
async fn list_searches_code_and_vietnamese_name_case_insensitively() {
    let app = TestApp::spawn().await;
    named(&app, "KHTC", "Phòng Kế hoạch – Tài chính", "division", None).await;
    named(&app, "QLCN", "Phòng Quản lý Công nghiệp", "division", None).await;
    named(&app, "VP", "Văn phòng Sở", "office", None).await;
    named(
        &app,
        "TT_SO",
        "Trung tâm Chuyển đổi số 100%",
        "service_unit",
        None,
    )
    .await;
    named(
        &app,
        "TTXT",
        "Trung tâm Xúc tiến Thương mại",
        "service_unit",
        None,
    )
    .await;

    assert_eq!(search(&app, "kế hoạch").await, ["KHTC"]);
    assert_eq!(
        search(&app, "KẾ HOẠCH").await,
        ["KHTC"],
        "upper-case Vietnamese"
    );
    assert_eq!(search(&app, "Công").await, ["QLCN"]);
    assert_eq!(search(&app, "công nghiệp").await, ["QLCN"]);
    assert_eq!(search(&app, "PHÒNG").await, ["KHTC", "QLCN", "VP"]);
    assert_eq!(search(&app, "khtc").await, ["KHTC"], "codes match too");
    // Codes sort byte-wise: "TTXT" before "TT_SO".
    assert_eq!(search(&app, "tt").await, ["TTXT", "TT_SO"]);
    assert_eq!(
        search(&app, "  xúc tiến ").await,
        ["TTXT"],
        "surrounding spaces"
    );
    // Pattern characters are literal.
    assert_eq!(search(&app, "%").await, ["TT_SO"]);
    assert_eq!(search(&app, "100%").await, ["TT_SO"]);
    assert_eq!(search(&app, "_").await, ["TT_SO"]);
    assert_eq!(search(&app, "T_").await, ["TT_SO"]);
    assert_eq!(search(&app, "Sở%").await, Vec::<String>::new());
    assert_eq!(search(&app, "khong-co").await, Vec::<String>::new());
    // A blank search is no filter.
    assert_eq!(search(&app, "   ").await.len(), 5);

    let combined = app
        .get(&format!(
            "/api/v1/units?q={}&kind=service_unit",
            enc("trung tâm")
        ))
        .await
        .expect(200);
    assert_eq!(codes(&combined), ["TTXT", "TT_SO"]);
    assert_eq!(combined["total"], 2);
}

#[actix_web::test]
async fn unknown_codes_in_list_filters_are_422() {
    let app = TestApp::spawn().await;
    app.unit("SCT", "department", None).await;
    let problem = app
        .get("/api/v1/units?under=NOPE")
        .await
        .problem(422, "validation_failed");
    assert_eq!(Answer::fields(&problem), ["under"]);
    assert_eq!(problem["errors"][0]["code"], "unknown_code");
    let problem = app
        .get("/api/v1/units?parent_code=NOPE")
        .await
        .problem(422, "validation_failed");
    assert_eq!(Answer::fields(&problem), ["parent_code"]);
    assert_eq!(problem["errors"][0]["code"], "unknown_code");
}

#[actix_web::test]
async fn unknown_units_are_404() {
    let app = TestApp::spawn().await;
    let unit = app.unit("VP", "office", None).await;
    let missing = id_of(&unit) + 1000;
    let problem = app
        .get(&format!("/api/v1/units/{missing}"))
        .await
        .problem(404, "not_found");
    assert_eq!(problem["title"], "Not Found");
    assert!(problem["detail"].as_str().unwrap().contains("unit"));
    app.patch(
        &format!("/api/v1/units/{missing}"),
        json!({"name": "Không có"}),
    )
    .await
    .problem(404, "not_found");
    app.get("/api/v1/units/not-a-number")
        .await
        .problem(404, "not_found");
    assert_eq!(total(&app).await, 1);
}

#[actix_web::test]
async fn reporters_and_viewers_read_units_but_cannot_change_them() {
    let app = TestApp::spawn().await;
    let unit = app.unit("KHTC", "division", None).await;
    let path = format!("/api/v1/units/{}", id_of(&unit));
    let reporter = app.token(Role::Reporter, Some("KHTC")).await;
    let viewer = app.token(Role::Viewer, None).await;
    for token in [&reporter, &viewer] {
        let list = app.get_as(token, "/api/v1/units").await.expect(200);
        assert_eq!(codes(&list), ["KHTC"]);
        let fetched = app.get_as(token, &path).await.expect(200);
        assert_eq!(fetched["code"], "KHTC");
        app.post_as(
            token,
            "/api/v1/units",
            json!({"code": "QLCN", "name": "Phòng Quản lý Công nghiệp", "kind": "division"}),
        )
        .await
        .problem(403, "forbidden");
        app.request(
            reqwest::Method::PATCH,
            &path,
            Some(token),
            Some(&json!({"name": "Bị đổi tên", "active": false})),
        )
        .await
        .problem(403, "forbidden");
    }
    let fetched = app.get(&path).await.expect(200);
    assert_eq!(fetched["name"], "Đơn vị KHTC");
    assert_eq!(fetched["active"], true);
    assert_eq!(total(&app).await, 1);
}

#[derive(diesel::QueryableByName)]
struct Waiting {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Waits until `n` sessions of the test database wait on a lock, or `done()` holds.
async fn wait_for_lock_waiters(
    watcher: &mut diesel_async::AsyncPgConnection,
    n: i64,
    done: impl Fn() -> bool,
) {
    use diesel_async::RunQueryDsl;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let waiting: Waiting = diesel::sql_query(
            "SELECT count(*) AS n FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        .get_result(watcher)
        .await
        .expect("pg_stat_activity");
        if waiting.n >= n || done() {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never saw {n} sessions waiting on a lock"
        );
        actix_web::rt::task::yield_now().await;
    }
}

/// Sends a PATCH as admin from a spawned task; answers status and body.
fn spawn_patch(
    app: &TestApp,
    path: String,
    body: Value,
) -> actix_web::rt::task::JoinHandle<(u16, Value)> {
    let client = app.client.clone();
    let url = format!("{}{path}", app.base_url);
    let token = app.admin.clone();
    actix_web::rt::spawn(async move {
        let response = client
            .patch(url)
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        let body = response.json().await.unwrap_or(Value::Null);
        (status, body)
    })
}

/// Two moves that each look fine alone but together would close a loop (KHTC under TTKC, whose
/// parent QLCN moves under KHTC) must not both succeed, however their transactions interleave.
/// The first move is held open (a lock on its unit's contacts, which it replaces) until the
/// second has done its own check and is waiting.
#[actix_web::test]
async fn concurrent_moves_cannot_create_a_cycle() {
    use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

    let app = TestApp::spawn().await;
    let qlcn = app.unit("QLCN", "division", None).await;
    app.unit("TTKC", "service_unit", Some("QLCN")).await;
    let khtc = app.unit("KHTC", "division", None).await;
    assert_eq!(khtc["focal_persons"].as_array().unwrap().len(), 1);

    let mut locker = AsyncPgConnection::establish(app.db.url()).await.unwrap();
    let mut watcher = AsyncPgConnection::establish(app.db.url()).await.unwrap();
    diesel::sql_query("BEGIN")
        .execute(&mut locker)
        .await
        .unwrap();
    diesel::sql_query(format!(
        "SELECT id FROM unit_contacts WHERE unit_id = {} FOR UPDATE",
        id_of(&khtc)
    ))
    .execute(&mut locker)
    .await
    .unwrap();

    // KHTC under TTKC: checks, moves, then waits to replace its focal persons.
    let first = spawn_patch(
        &app,
        format!("/api/v1/units/{}", id_of(&khtc)),
        json!({"parent_code": "TTKC", "focal_persons": []}),
    );
    wait_for_lock_waiters(&mut watcher, 1, || first.is_finished()).await;
    // QLCN under KHTC, while the first move is not yet committed.
    let second = spawn_patch(
        &app,
        format!("/api/v1/units/{}", id_of(&qlcn)),
        json!({"parent_code": "KHTC"}),
    );
    wait_for_lock_waiters(&mut watcher, 2, || second.is_finished()).await;
    diesel::sql_query("COMMIT")
        .execute(&mut locker)
        .await
        .unwrap();
    let (first_status, first_body) = first.await.unwrap();
    let (second_status, second_body) = second.await.unwrap();

    assert_eq!(first_status, 200, "{first_body:#}");
    assert_eq!(first_body["parent_code"], "TTKC");
    assert_eq!(second_status, 422, "{second_body:#}");
    assert_eq!(second_body["code"], "validation_failed");
    assert_eq!(second_body["errors"][0]["field"], "parent_code");
    assert_eq!(second_body["errors"][0]["code"], "parent_cycle");

    // Whatever happened, every unit still reaches a root.
    let all = app.get("/api/v1/units").await.expect(200);
    let parents: std::collections::HashMap<String, Option<String>> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["code"].as_str().unwrap().to_owned(),
                u["parent_code"].as_str().map(str::to_owned),
            )
        })
        .collect();
    for start in parents.keys() {
        let mut at = start.clone();
        let mut steps = 0;
        while let Some(parent) = parents[&at].clone() {
            at = parent;
            steps += 1;
            assert!(steps <= parents.len(), "{start} is in a cycle: {parents:?}");
        }
    }
    assert_eq!(parents["QLCN"], None);
}
