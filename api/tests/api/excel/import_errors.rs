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
            ("F12", Typed::Text("chín mươi")),
            ("G12", Typed::Number(-5.0)),
            ("I13", Typed::Text("1.5")),
            ("I15", Typed::Text("Có lẽ")),
            ("J16", Typed::Text("có")),
            // A row added below the form, with a code that is not the period's.
            ("B24", Typed::Text("TL-KHAC")),
            ("I24", Typed::Number(1.0)),
        ],
    );
    let problem = import_refused(&app, &draft, bytes, "validation_failed").await;
    assert_eq!(
        errors(&problem),
        pairs(&[
            ("F12", "not_a_number"),
            ("G12", "negative"),
            ("I13", "not_a_number"),
            ("I15", "invalid_choice"),
            ("J16", "invalid_mark"),
            ("B24", "unknown_indicator"),
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
        .contains("F12, G12, I13, I15, J16, B24"));

    // A form of another unit, and of another period.
    let qltm = app.token(Role::Reporter, Some("QLTM")).await;
    let other_unit = download(&app, &qltm, &template_path(period, None))
        .await
        .bytes;
    let problem = import_refused(&app, &draft, other_unit, "form_mismatch").await;
    assert_eq!(errors(&problem), pairs(&[("A8", "form_mismatch")]));
    assert_eq!(
        problem["errors"][0]["message"],
        "biểu mẫu của đơn vị QLTM, không phải đơn vị KHTC"
    );
    let next = create_period(&app, "2027-Q1", 2027, 1, "2027-04-09T16:30:00+07:00").await;
    let other_period = download(&app, &draft.token, &template_path(next, None))
        .await
        .bytes;
    let problem = import_refused(&app, &draft, other_period, "form_mismatch").await;
    assert_eq!(errors(&problem), pairs(&[("A6", "form_mismatch")]));

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
        .get(position("K12"))
        .and_then(|s| s.protection.clone());
    assert!(k8.is_none_or(|p| p.locked), "the Office's figure is locked");

    // Overwriting it anyway (protection lifted) is refused at its cell.
    let bytes = fill(
        &form.bytes,
        &[
            ("F12", Typed::Number(90.0)),
            ("G12", Typed::Number(100.0)),
            ("K12", Typed::Number(50.0)),
        ],
    );
    let problem = import_refused(&app, &draft, bytes, "validation_failed").await;
    assert_eq!(errors(&problem), pairs(&[("K12", "set_by_office")]));
    assert_eq!(
        problem["errors"][0]["message"],
        "số liệu hệ thống do Văn phòng nhập; giữ nguyên hoặc để trống"
    );

    // Left as shown, or emptied, the Office's figure stays.
    let bytes = fill(
        &form.bytes,
        &[
            ("F12", Typed::Number(90.0)),
            ("G12", Typed::Number(100.0)),
            ("K12", Typed::Clear),
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
            ("I13", Typed::Number(12.0)),
            ("M13", Typed::Text("Gồm 2 quyết định")),
            ("I16", Typed::Text("Một cửa điện tử")),
        ],
    )
    .await;
    // The second download is prefilled; the unit empties the count's row and edits the text.
    let imported = fill_and_import(
        &app,
        &mut draft,
        period,
        &[
            ("I13", Typed::Clear),
            ("M13", Typed::Clear),
            ("I16", Typed::Text("Một cửa điện tử liên thông")),
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
    let filled = fill(&form, &[("I13", Typed::Number(7.0))]);

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
            ("F12", Typed::Number(1.0)),
            ("G12", Typed::Number(1.0)),
            ("I13", Typed::Number(1.0)),
            ("I14", Typed::Number(1.0)),
            ("I15", Typed::Text("Có")),
            ("I16", Typed::Text("Có")),
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

#[actix_web::test]
async fn a_deleted_row_keeps_its_value_and_the_answer_says_so_in_vietnamese() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut draft = start(&app, period, "KHTC").await;
    fill_and_import(&app, &mut draft, period, &[("I13", Typed::Number(12.0))]).await;
    // The unit removes the protection (it has no password) and deletes the count's row.
    let form = download(&app, &draft.token, &template_path(period, None))
        .await
        .bytes;
    let mut book = umya_spreadsheet::reader::xlsx::read_reader(Cursor::new(form), true).unwrap();
    let sheet = book.get_sheet_by_name_mut(FORM_SHEET).unwrap();
    sheet.remove_row(&13, &1);
    sheet.get_cell_mut("J15").set_value_string("x");
    let mut bytes = Vec::new();
    umya_spreadsheet::writer::xlsx::write_writer(&book, &mut bytes).unwrap();
    let imported = import_ok(&app, &mut draft, bytes).await;
    assert_eq!(num(&value(&imported, "SL-VANBAN")["number"]), 12.0);
    // The rows below moved up: the text indicator's mark is read from its new row.
    assert_eq!(value(&imported, "ND-SANGKIEN")["not_applicable"], true);
    let warnings = imported["import_warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0]["code"], "missing_row");
    assert!(warnings[0]["message"]
        .as_str()
        .unwrap()
        .contains("chỉ tiêu SL-VANBAN"));
    // An import with every row carries no warnings at all.
    let again = fill_and_import(&app, &mut draft, period, &[]).await;
    assert!(again.get("import_warnings").is_none());
}

#[actix_web::test]
async fn a_form_saved_as_ods_is_refused_with_how_to_save_it_as_xlsx() {
    use std::io::Write;
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let draft = start(&app, period, "KHTC").await;
    let mut ods = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    ods.start_file("mimetype", stored).unwrap();
    ods.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    ods.start_file("content.xml", stored).unwrap();
    ods.write_all(b"<office:document-content/>").unwrap();
    let ods = ods.finish().unwrap().into_inner();
    for content_type in [XLSX, "application/vnd.oasis.opendocument.spreadsheet"] {
        let problem = import(
            &app,
            &draft.token,
            draft.id,
            Some(&draft.etag),
            content_type,
            ods.clone(),
        )
        .await
        .problem(422, "not_xlsx");
        let detail = problem["detail"].as_str().unwrap();
        assert!(
            detail.starts_with("tệp không được đọc: tệp được lưu ở định dạng .ods"),
            "{detail}"
        );
        assert!(detail.contains("Excel 2007-365 (.xlsx)"), "{detail}");
    }
}
