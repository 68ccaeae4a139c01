//! Reading indicators: the list's order and filters, unknown indicators, and who may write.

use super::*;

#[actix_web::test]
async fn list_is_ordered_by_code_and_filtered() {
    let app = TestApp::spawn().await;
    let specs = [
        (
            "TTHC.02",
            "Tỷ lệ TTHC trực tuyến toàn trình",
            "digital_government",
            "ratio",
        ),
        (
            "VB.01",
            "Số văn bản quy phạm pháp luật được ban hành",
            "institutional_reform",
            "count",
        ),
        (
            "TTHC.01",
            "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn",
            "administrative_procedure_reform",
            "ratio",
        ),
        (
            "KT-01",
            "Kiểm tra CCHC tại các đơn vị",
            "inspection",
            "boolean",
        ),
        (
            "TC_01",
            "Chi thường xuyên tiết kiệm được",
            "public_finance_reform",
            "decimal",
        ),
        (
            "TT.01",
            "Ghi chú tuyên truyền 100%",
            "communication",
            "text",
        ),
    ];
    for (code, name, area, kind) in specs {
        app.post(
            "/api/v1/indicators",
            json!({"code": code, "name": name, "content_area": area, "kind": kind}),
        )
        .await
        .expect(201);
    }
    let kt = app.get("/api/v1/indicators?q=KT-01").await.expect(200);
    app.patch(&path_of(&kt["items"][0]), json!({"active": false}))
        .await
        .expect(200);

    let all = app.get("/api/v1/indicators").await.expect(200);
    assert_eq!(
        codes(&all),
        ["KT-01", "TC_01", "TT.01", "TTHC.01", "TTHC.02", "VB.01"]
    );
    assert_eq!(all["total"], 6);
    let paged = app
        .get("/api/v1/indicators?per_page=4&page=2")
        .await
        .expect(200);
    assert_eq!(codes(&paged), ["TTHC.02", "VB.01"]);
    assert_eq!(paged["total"], 6);

    assert_eq!(listed(&app, "content_area=inspection").await, ["KT-01"]);
    assert_eq!(
        listed(&app, "content_area=administrative_procedure_reform").await,
        ["TTHC.01"]
    );
    assert_eq!(
        listed(&app, "content_area=civil_service_quality").await,
        Vec::<String>::new()
    );
    assert_eq!(listed(&app, "kind=ratio").await, ["TTHC.01", "TTHC.02"]);
    assert_eq!(listed(&app, "kind=text").await, ["TT.01"]);
    assert_eq!(listed(&app, "active=false").await, ["KT-01"]);
    assert_eq!(listed(&app, "active=true").await.len(), 5);
    assert_eq!(
        listed(&app, "kind=boolean&active=true").await,
        Vec::<String>::new()
    );
    assert_eq!(
        listed(&app, format!("q={}", enc("tthc"))).await,
        ["TTHC.01", "TTHC.02"]
    );
    assert_eq!(
        listed(&app, format!("q={}", enc("ĐÚNG HẠN"))).await,
        ["TTHC.01"],
        "case-insensitive Vietnamese"
    );
    assert_eq!(
        listed(&app, format!("q={}", enc("văn bản"))).await,
        ["VB.01"]
    );
    assert_eq!(listed(&app, format!("q={}", enc("%"))).await, ["TT.01"]);
    assert_eq!(listed(&app, format!("q={}", enc("_"))).await, ["TC_01"]);
    assert_eq!(
        listed(
            &app,
            format!(
                "q={}&kind=ratio&content_area=digital_government",
                enc("tỷ lệ")
            )
        )
        .await,
        ["TTHC.02"]
    );
}

#[actix_web::test]
async fn unknown_indicators_are_404_and_only_admins_write() {
    let app = TestApp::spawn().await;
    let created = app.indicator("VB.01", "count").await;
    let missing = created["id"].as_i64().unwrap() + 1000;
    app.get(&format!("/api/v1/indicators/{missing}"))
        .await
        .problem(404, "not_found");
    app.get(&format!("/api/v1/indicators/{missing}/versions"))
        .await
        .problem(404, "not_found");
    app.patch(
        &format!("/api/v1/indicators/{missing}"),
        json!({"name": "x"}),
    )
    .await
    .problem(404, "not_found");

    let viewer = app.token(Role::Viewer, None).await;
    assert_eq!(
        codes(&app.get_as(&viewer, "/api/v1/indicators").await.expect(200)),
        ["VB.01"]
    );
    app.get_as(&viewer, &format!("{}/versions", path_of(&created)))
        .await
        .expect(200);
    app.request(
        reqwest::Method::PATCH,
        &path_of(&created),
        Some(&viewer),
        Some(&json!({"name": "Bị đổi"})),
    )
    .await
    .problem(403, "forbidden");
    assert_eq!(app.get(&path_of(&created)).await.expect(200)["version"], 1);
}
