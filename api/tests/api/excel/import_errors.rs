//! Import errors: every cell named at once, the submission rules' problems per cell, emptied
//! rows, and the request's preconditions.

use super::*;

/// Imports with the draft's ETag, expecting a problem; the submission must not have changed.
async fn import_refused(app: &TestApp, draft: &Draft, bytes: Vec<u8>, code: &str) -> Value {
    let problem = import(app, &draft.token, draft.id, Some(&draft.etag), XLSX, bytes)
        .await
        .problem(422, code);
    assert!(problem["detail"].as_str().is_some_and(|d| !d.is_empty()));
    let current = app
        .get_as(&draft.token, &format!("/api/v1/submissions/{}", draft.id))
        .await;
    assert_eq!(etag_of(&current.headers), draft.etag, "nothing written");
    problem
}

#[actix_web::test]
async fn import_errors_name_every_cell_at_once_in_vietnamese() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let draft = start(&app, period, "KHTC").await;
    let form = download(&app, &draft.token, &template_path(period, None))
        .await
        .bytes;

    let bytes = fill(
        &form,
        &[
            ("E8", Typed::Text("chín mươi")),
            ("F8", Typed::Number(-5.0)),
            ("G9", Typed::Text("1.5")),
            ("H11", Typed::Text("Có lẽ")),
            ("J12", Typed::Text("có")),
            // A row added below the form, with a code that is not the period's.
            ("B14", Typed::Text("TL-KHAC")),
            ("G14", Typed::Number(1.0)),
        ],
    );
    let problem = import_refused(&app, &draft, bytes, "validation_failed").await;
    assert_eq!(
        errors(&problem),
        pairs(&[
            ("E8", "not_a_number"),
            ("F8", "negative"),
            ("G9", "not_a_number"),
            ("H11", "invalid_choice"),
            ("J12", "invalid_mark"),
            ("B14", "unknown_indicator"),
        ])
    );
    let messages: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages[0], "phải là số");
    assert_eq!(messages[1], "không được là số âm");
    assert!(messages[2].contains("dấu phẩy"), "{}", messages[2]);
    assert_eq!(messages[3], "chỉ chọn Có hoặc Không");
    assert_eq!(
        messages[5],
        "mã chỉ tiêu TL-KHAC không thuộc kỳ báo cáo này"
    );
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("E8, F8, G9, H11, J12, B14"));

    // A form of another unit, and of another period.
    let qltm = app.token(Role::Reporter, Some("QLTM")).await;
    let other_unit = download(&app, &qltm, &template_path(period, None))
        .await
        .bytes;
    let problem = import_refused(&app, &draft, other_unit, "form_mismatch").await;
    assert_eq!(errors(&problem), pairs(&[("A3", "form_mismatch")]));
    assert_eq!(
        problem["errors"][0]["message"],
        "biểu mẫu của đơn vị QLTM, không phải đơn vị KHTC"
    );
    let next = create_period(&app, "2027-Q1", 2027, 1, "2027-04-09T16:30:00+07:00").await;
    let other_period = download(&app, &draft.token, &template_path(next, None))
        .await
        .bytes;
    let problem = import_refused(&app, &draft, other_period, "form_mismatch").await;
    assert_eq!(errors(&problem), pairs(&[("A2", "form_mismatch")]));

    // Not a workbook at all, a damaged one, and a workbook that is no form.
    import_refused(
        &app,
        &draft,
        b"STT;Ma chi tieu;So lieu".to_vec(),
        "invalid_workbook",
    )
    .await;
    import_refused(
        &app,
        &draft,
        form[..form.len() / 2].to_vec(),
        "invalid_workbook",
    )
    .await;
    import_refused(&app, &draft, Vec::new(), "invalid_workbook").await;
    let mut book = umya_spreadsheet::new_file();
    book.get_sheet_mut(&0)
        .unwrap()
        .get_cell_mut("A1")
        .set_value_string("Bảng lương");
    let mut plain = Vec::new();
    umya_spreadsheet::writer::xlsx::write_writer(&book, &mut plain).unwrap();
    let problem = import_refused(&app, &draft, plain, "form_mismatch").await;
    assert_eq!(errors(&problem), pairs(&[("A1", "not_a_form")]));
}

#[actix_web::test]
async fn the_submission_rules_problems_also_name_their_cell() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut draft = start(&app, period, "KHTC").await;
    // The Office records the system-of-record figure; the unit's form shows it locked.
    let answer = app
        .client
        .patch(format!("{}/api/v1/submissions/{}", app.base_url, draft.id))
        .bearer_auth(&app.admin)
        .header("if-match", &draft.etag)
        .json(&json!({"values": {"TL-DUNGHAN": {"system_value": 98}}}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    draft.etag = etag_of(answer.headers());
    let form = download(&app, &draft.token, &template_path(period, None)).await;
    let mut workbook = form.workbook();
    let styles = workbook.worksheet_style(FORM_SHEET).unwrap();
    let k8 = styles
        .get(position("K8"))
        .and_then(|s| s.protection.clone());
    assert!(k8.is_none_or(|p| p.locked), "the Office's figure is locked");

    // Overwriting it anyway (protection lifted) is refused at its cell.
    let bytes = fill(
        &form.bytes,
        &[
            ("E8", Typed::Number(90.0)),
            ("F8", Typed::Number(100.0)),
            ("K8", Typed::Number(50.0)),
        ],
    );
    let problem = import_refused(&app, &draft, bytes, "validation_failed").await;
    assert_eq!(errors(&problem), pairs(&[("K8", "set_by_office")]));
    assert_eq!(
        problem["errors"][0]["message"],
        "số liệu hệ thống do Văn phòng nhập; giữ nguyên hoặc để trống"
    );

    // Left as shown, or emptied, the Office's figure stays.
    let bytes = fill(
        &form.bytes,
        &[
            ("E8", Typed::Number(90.0)),
            ("F8", Typed::Number(100.0)),
            ("K8", Typed::Clear),
        ],
    );
    let imported = import_ok(&app, &mut draft, bytes).await;
    let ratio = value(&imported, "TL-DUNGHAN");
    assert_eq!(num(&ratio["system_value"]), 98.0);
    assert_eq!(ratio["system_value_source"], "office");
    assert_eq!(num(&ratio["percentage"]), 90.0);
}

#[actix_web::test]
async fn an_emptied_row_clears_its_indicator_and_the_others_are_replaced_as_shown() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut draft = start(&app, period, "KHTC").await;
    fill_and_import(
        &app,
        &mut draft,
        period,
        &[
            ("G9", Typed::Number(12.0)),
            ("M9", Typed::Text("Gồm 2 quyết định")),
            ("I12", Typed::Text("Một cửa điện tử")),
        ],
    )
    .await;
    // The second download is prefilled; the unit empties the count's row and edits the text.
    let imported = fill_and_import(
        &app,
        &mut draft,
        period,
        &[
            ("G9", Typed::Clear),
            ("M9", Typed::Clear),
            ("I12", Typed::Text("Một cửa điện tử liên thông")),
        ],
    )
    .await;
    let count = value(&imported, "SL-VANBAN");
    assert_eq!(count["answered"], false);
    assert_eq!(count["number"], Value::Null);
    assert_eq!(count["note"], Value::Null);
    assert_eq!(
        value(&imported, "ND-SANGKIEN")["text"],
        "Một cửa điện tử liên thông"
    );
    assert_eq!(value(&imported, "TL-DUNGHAN")["answered"], false);
}

#[actix_web::test]
async fn import_needs_if_match_the_xlsx_type_and_an_editable_report_of_ones_own() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut draft = start(&app, period, "KHTC").await;
    let form = download(&app, &draft.token, &template_path(period, None))
        .await
        .bytes;
    let filled = fill(&form, &[("G9", Typed::Number(7.0))]);

    import(&app, &draft.token, draft.id, None, XLSX, filled.clone())
        .await
        .problem(428, "precondition_required");
    let stale = format!("\"{}.{}\"", draft.id, 99);
    import(
        &app,
        &draft.token,
        draft.id,
        Some(&stale),
        XLSX,
        filled.clone(),
    )
    .await
    .problem(412, "precondition_failed");
    for content_type in ["application/json", "application/octet-stream", "text/csv"] {
        let problem = import(
            &app,
            &draft.token,
            draft.id,
            Some(&draft.etag),
            content_type,
            filled.clone(),
        )
        .await
        .problem(415, "unsupported_media_type");
        assert!(problem["detail"].as_str().unwrap().contains(XLSX));
    }
    let viewer = app.token(Role::Viewer, None).await;
    import(
        &app,
        &viewer,
        draft.id,
        Some(&draft.etag),
        XLSX,
        filled.clone(),
    )
    .await
    .problem(403, "forbidden");
    let qltm = app.token(Role::Reporter, Some("QLTM")).await;
    import(
        &app,
        &qltm,
        draft.id,
        Some(&draft.etag),
        XLSX,
        filled.clone(),
    )
    .await
    .problem(404, "not_found");
    import(
        &app,
        &draft.token,
        draft.id + 100,
        Some("*"),
        XLSX,
        filled.clone(),
    )
    .await
    .problem(404, "not_found");

    // `*` matches any revision; the Office may import too.
    let imported = import(&app, &app.admin, draft.id, Some("*"), XLSX, filled.clone())
        .await
        .expect(200);
    assert_eq!(num(&value(&imported, "SL-VANBAN")["number"]), 7.0);
    draft.etag = format!("\"{}.{}\"", draft.id, imported["revision"]);

    // A submitted report is no longer editable.
    let complete = fill(
        &form,
        &[
            ("E8", Typed::Number(1.0)),
            ("F8", Typed::Number(1.0)),
            ("G9", Typed::Number(1.0)),
            ("G10", Typed::Number(1.0)),
            ("H11", Typed::Text("Có")),
            ("I12", Typed::Text("Có")),
        ],
    );
    import_ok(&app, &mut draft, complete.clone()).await;
    app.post_as(
        &draft.token,
        &format!("/api/v1/submissions/{}/submit", draft.id),
        json!({}),
    )
    .await
    .expect(200);
    import(&app, &draft.token, draft.id, Some("*"), XLSX, complete)
        .await
        .problem(409, "submission_not_editable");
}
