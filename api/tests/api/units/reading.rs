//! Reading units: the list's order, paging, filters and search, unknown codes, and who may read.

use super::*;

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
