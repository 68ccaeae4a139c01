//! The downloaded statistics form: protection, validation, prefilled values, and whose form a
//! caller may get.

use super::*;

#[actix_web::test]
async fn the_form_is_protected_validated_and_prefilled_with_the_units_values() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let mut draft = start(&app, period, "KHTC").await;
    let answer = app
        .client
        .patch(format!("{}/api/v1/submissions/{}", app.base_url, draft.id))
        .bearer_auth(&draft.token)
        .header("if-match", &draft.etag)
        .json(&json!({"values": {
            "TL-DUNGHAN": {"numerator": 95, "denominator": 100, "system_value": 96.5,
                           "explanation": "Hai hồ sơ cập nhật chậm."},
            "SL-VANBAN": {"number": 12, "note": "Gồm 2 quyết định"},
            "CO-MOTCUA": {"flag": true},
            "ND-SANGKIEN": {"not_applicable": true, "explanation": "Không phát sinh"},
        }}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    draft.etag = etag_of(answer.headers());

    let file = download(&app, &draft.token, &template_path(period, None)).await;
    assert_eq!(
        attachment_names(&file),
        (
            "bieu-mau-2026-Q4-KHTC.xlsx".to_owned(),
            "Biểu mẫu thống kê 2026-Q4 KHTC.xlsx".to_owned()
        )
    );
    let mut workbook = file.workbook();
    let sheets = workbook.sheets_metadata().to_vec();
    assert_eq!(sheets[0].name, FORM_SHEET);
    assert_eq!(
        sheets[1].visible,
        SheetVisible::VeryHidden,
        "metadata sheet"
    );
    let form = workbook.worksheet_range(FORM_SHEET).unwrap();
    assert_eq!(
        cell(&form, "A6"),
        Data::String("Kỳ báo cáo: Báo cáo CCHC Quý 4/2026 (mã kỳ 2026-Q4)".into())
    );
    assert_eq!(
        cell(&form, "A8"),
        Data::String("Đơn vị báo cáo: Đơn vị KHTC (mã KHTC)".into())
    );
    assert!(cell(&form, "A9").to_string().starts_with(
        "Thời hạn gửi báo cáo: 16:30 ngày 15/12/2026 (gửi qua hệ thống quản lý văn bản"
    ));
    // The Decree 30 header block: the department above the unit.
    assert_eq!(cell(&form, "A1"), Data::String("ĐƠN VỊ SCT".into()));
    assert_eq!(cell(&form, "A2"), Data::String("ĐƠN VỊ KHTC".into()));
    assert_eq!(
        cell(&form, "H2"),
        Data::String("Độc lập - Tự do - Hạnh phúc".into())
    );
    let headers: Vec<String> = "ABCDEFGHIJKLM"
        .chars()
        .map(|c| cell(&form, &format!("{c}11")).to_string())
        .collect();
    assert_eq!(
        headers,
        [
            "STT",
            "Mã chỉ tiêu",
            "Tên chỉ tiêu, cách tính",
            "Đơn vị tính",
            "Mục tiêu, minh chứng",
            "Tử số",
            "Mẫu số",
            "Tỷ lệ (%)",
            "Số liệu hoặc nội dung",
            "Không áp dụng (x)",
            "Số liệu hệ thống",
            "Giải trình",
            "Ghi chú"
        ]
    );
    let codes: Vec<String> = (12..=16)
        .map(|row| cell(&form, &format!("B{row}")).to_string())
        .collect();
    assert_eq!(codes, INDICATORS);
    assert_eq!(
        cell(&form, "C13"),
        Data::String("Chỉ tiêu SL-VANBAN".into())
    );
    assert_eq!(cell(&form, "D14"), Data::String("triệu đồng".into()));
    // Prefilled: numbers as numbers, choices as the lists offer them.
    assert_eq!(cell(&form, "F12"), Data::Float(95.0));
    assert_eq!(cell(&form, "G12"), Data::Float(100.0));
    assert_eq!(cell(&form, "K12"), Data::Float(96.5));
    assert_eq!(
        cell(&form, "L12"),
        Data::String("Hai hồ sơ cập nhật chậm.".into())
    );
    assert_eq!(cell(&form, "I13"), Data::Float(12.0));
    assert_eq!(cell(&form, "M13"), Data::String("Gồm 2 quyết định".into()));
    assert_eq!(cell(&form, "I14"), Data::Empty);
    assert_eq!(cell(&form, "I15"), Data::String("Có".into()));
    assert_eq!(cell(&form, "J16"), Data::String("x".into()));

    // Labels locked, each kind's input cells unlocked.
    let styles = workbook.worksheet_style(FORM_SHEET).unwrap();
    let locked = |name: &str| {
        styles
            .get(position(name))
            .and_then(|s| s.protection.as_ref())
            .is_none_or(|p| p.locked)
    };
    for name in ["B12", "C12", "E12", "H12", "F11", "I12", "F13", "K16"] {
        assert!(locked(name), "{name} locked");
    }
    for name in [
        "F12", "G12", "K12", "L12", "I13", "I14", "I15", "K15", "I16", "J16", "M16",
    ] {
        assert!(!locked(name), "{name} unlocked");
    }

    // Sheet protection and data validations, which calamine does not read.
    let book =
        umya_spreadsheet::reader::xlsx::read_reader(Cursor::new(file.bytes.clone()), true).unwrap();
    let sheet = book.get_sheet_by_name(FORM_SHEET).unwrap();
    assert!(*sheet.get_sheet_protection().expect("protected").get_sheet());
    let validations = sheet.get_data_validations().expect("validations");
    let rule_of = |name: &str| {
        validations
            .get_data_validation_list()
            .iter()
            .find(|v| v.get_sequence_of_references().get_sqref() == name)
            .unwrap_or_else(|| panic!("a validation on {name}"))
    };
    for name in ["F12", "G12", "K12", "I14"] {
        let rule = rule_of(name);
        assert_eq!(*rule.get_type(), DataValidationValues::Decimal, "{name}");
        assert_eq!(
            *rule.get_operator(),
            DataValidationOperatorValues::GreaterThanOrEqual
        );
        assert_eq!(rule.get_formula1(), "0");
    }
    assert_eq!(*rule_of("I13").get_type(), DataValidationValues::Whole);
    for name in ["I15", "K15"] {
        assert_eq!(*rule_of(name).get_type(), DataValidationValues::List);
        assert_eq!(rule_of(name).get_formula1(), "\"Có,Không\"");
    }
    assert_eq!(rule_of("J12").get_formula1(), "\"x\"");
    assert!(validations
        .get_data_validation_list()
        .iter()
        .all(|v| v.get_sequence_of_references().get_sqref() != "I12"));
}

#[actix_web::test]
async fn a_reporter_gets_only_its_own_units_form_and_others_name_a_participating_unit() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;
    let reporter = app.token(Role::Reporter, Some("KHTC")).await;
    let viewer = app.token(Role::Viewer, None).await;

    let own = download(&app, &reporter, &template_path(period, Some("KHTC"))).await;
    let mut workbook = own.workbook();
    let form = workbook.worksheet_range(FORM_SHEET).unwrap();
    assert!(cell(&form, "A8").to_string().contains("(mã KHTC)"));
    // No submission yet: an empty form with the period's deadline.
    assert_eq!(cell(&form, "F12"), Data::Empty);
    assert!(cell(&form, "A9")
        .to_string()
        .contains("16:30 ngày 15/12/2026"));

    download(&app, &reporter, &template_path(period, Some("QLTM")))
        .await
        .problem(404, "not_found");
    download(&app, &reporter, &template_path(period, Some("KHONGCO")))
        .await
        .problem(404, "not_found");

    for token in [&viewer, &app.admin] {
        let problem = download(&app, token, &template_path(period, None))
            .await
            .problem(422, "validation_failed");
        assert_eq!(errors(&problem), pairs(&[("unit", "required")]));
        let mut workbook = download(&app, token, &template_path(period, Some("QLTM")))
            .await
            .workbook();
        let form = workbook.worksheet_range(FORM_SHEET).unwrap();
        assert!(cell(&form, "A8").to_string().contains("(mã QLTM)"));
        let problem = download(&app, token, &template_path(period, Some("TTRA")))
            .await
            .problem(422, "validation_failed");
        assert_eq!(errors(&problem), pairs(&[("unit", "not_participating")]));
        let problem = download(&app, token, &template_path(period, Some("KHONGCO")))
            .await
            .problem(422, "validation_failed");
        assert_eq!(errors(&problem), pairs(&[("unit", "unknown_code")]));
    }
    download(&app, &viewer, &template_path(period + 100, Some("KHTC")))
        .await
        .problem(404, "not_found");
    let anonymous = app
        .client
        .get(format!(
            "{}{}",
            app.base_url,
            template_path(period, Some("KHTC"))
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}
