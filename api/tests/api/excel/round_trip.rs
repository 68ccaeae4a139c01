//! Forms filled in as in Excel, imported, reviewed and consolidated into the workbook.

use super::*;

#[actix_web::test]
async fn forms_filled_in_excel_flow_through_review_into_the_consolidated_workbook() {
    let app = TestApp::spawn().await;
    let period = open_period(&app).await;

    let mut khtc = start(&app, period, "KHTC").await;
    let imported = fill_and_import(
        &app,
        &mut khtc,
        period,
        &[
            ("F12", Typed::Number(193.0)),
            ("G12", Typed::Number(200.0)),
            ("K12", Typed::Number(97.0)),
            ("I13", Typed::Number(12.0)),
            ("M13", Typed::Text("Gồm 2 quyết định")),
            // Pasted as text, Vietnamese separators.
            ("I14", Typed::Text("1.234,5")),
            ("I15", Typed::Text("Có")),
            ("I16", Typed::Text("Triển khai một cửa điện tử")),
        ],
    )
    .await;
    let ratio = value(&imported, "TL-DUNGHAN");
    assert_eq!(num(&ratio["numerator"]), 193.0);
    assert_eq!(num(&ratio["denominator"]), 200.0);
    assert_eq!(num(&ratio["percentage"]), 96.5);
    assert_eq!(num(&ratio["system_value"]), 97.0);
    assert_eq!(ratio["system_value_source"], "unit");
    assert_eq!(num(&value(&imported, "KP-CCHC")["number"]), 1234.5);
    assert_eq!(value(&imported, "SL-VANBAN")["note"], "Gồm 2 quyết định");
    assert_eq!(value(&imported, "CO-MOTCUA")["flag"], true);
    assert_eq!(
        value(&imported, "ND-SANGKIEN")["text"],
        "Triển khai một cửa điện tử"
    );

    let mut qltm = start(&app, period, "QLTM").await;
    let imported = fill_and_import(
        &app,
        &mut qltm,
        period,
        &[
            ("F12", Typed::Number(92.0)),
            ("G12", Typed::Text("100")),
            ("K12", Typed::Number(94.0)),
            ("L12", Typed::Text("Hai hồ sơ cập nhật chậm trên hệ thống.")),
            ("I13", Typed::Number(3.0)),
            ("I14", Typed::Number(250.75)),
            ("I15", Typed::Text("Không")),
            ("J16", Typed::Text("x")),
            ("L16", Typed::Text("Không phát sinh sáng kiến trong kỳ.")),
        ],
    )
    .await;
    assert!(value(&imported, "TL-DUNGHAN")["explanation_required"]
        .as_bool()
        .unwrap());
    assert_eq!(value(&imported, "ND-SANGKIEN")["not_applicable"], true);

    for draft in [&mut khtc, &mut qltm] {
        let submitted = app
            .post_as(
                &draft.token,
                &format!("/api/v1/submissions/{}/submit", draft.id),
                json!({}),
            )
            .await
            .expect(200);
        assert_eq!(submitted["status"], "submitted");
        app.post(
            &format!("/api/v1/submissions/{}/accept", draft.id),
            json!({}),
        )
        .await
        .expect(200);
    }

    let report = app
        .get(&format!("/api/v1/periods/{period}/consolidation"))
        .await
        .expect(200);
    assert_eq!(report["units"], json!(["KHTC", "QLTM"]));
    let file = download(
        &app,
        &app.admin,
        &format!("/api/v1/periods/{period}/consolidation.xlsx"),
    )
    .await;
    assert_eq!(
        attachment_names(&file),
        (
            "tong-hop-2026-Q4.xlsx".to_owned(),
            "Báo cáo tổng hợp 2026-Q4.xlsx".to_owned()
        )
    );
    let mut workbook = file.workbook();
    assert_eq!(
        workbook.sheet_names(),
        [
            "Tổng hợp",
            "Tình hình báo cáo",
            "Chi tiết theo đơn vị",
            "Giải trình chênh lệch",
            "Tiến độ nhiệm vụ"
        ]
    );
    // Frozen header rows and set column widths, which calamine does not read.
    let book =
        umya_spreadsheet::reader::xlsx::read_reader(Cursor::new(file.bytes.clone()), true).unwrap();
    // The summary's heading has eight lines (the appendix's five and where the units
    // stand), the other sheets five; the tasks sheet adds its cut-off.
    let frozen_at = ["A11", "A8", "A8", "A8", "A9"];
    for (name, frozen_at) in workbook.sheet_names().into_iter().zip(frozen_at) {
        let sheet = book.get_sheet_by_name(&name).unwrap();
        let view = &sheet.get_sheets_views().get_sheet_view_list()[0];
        let pane = view
            .get_pane()
            .unwrap_or_else(|| panic!("{name}: frozen panes"));
        assert_eq!(
            pane.get_top_left_cell().get_coordinate(),
            frozen_at,
            "{name}"
        );
        let width = sheet.get_column_dimension("C").map(|c| *c.get_width());
        assert!(
            width.is_some_and(|w| w >= 19.0),
            "{name}: column C width {width:?}"
        );
    }
    let summary = workbook.worksheet_range("Tổng hợp").unwrap();
    assert_eq!(
        cell(&summary, "A3"),
        Data::String("Kỳ báo cáo: Báo cáo CCHC Quý 4/2026 (mã kỳ 2026-Q4)".into())
    );
    assert_eq!(
        cell(&summary, "A8"),
        Data::String("Lập lúc 09:00 ngày 20/11/2026".into())
    );
    assert_eq!(cell(&summary, "I10"), Data::String("Kết quả".into()));

    // Every summary number is the JSON consolidation's, as a number cell.
    let indicators = report["indicators"].as_array().unwrap();
    for (i, indicator) in indicators.iter().enumerate() {
        let row = 11 + i;
        assert_eq!(
            cell(&summary, &format!("B{row}")).to_string(),
            indicator["code"].as_str().unwrap()
        );
        assert_eq!(
            float(&cell(&summary, &format!("F{row}"))),
            num(&indicator["units_reporting"])
        );
        for (column, field) in [
            ("G", "numerator_sum"),
            ("H", "denominator_sum"),
            ("I", "value"),
        ] {
            match &indicator[field] {
                Value::Null => assert_eq!(cell(&summary, &format!("{column}{row}")), Data::Empty),
                number => assert_eq!(
                    float(&cell(&summary, &format!("{column}{row}"))),
                    num(number),
                    "{column}{row}"
                ),
            }
        }
    }
    // …and what was typed into the forms: Σnumerator / Σdenominator, sums, yes counts.
    assert_eq!(float(&cell(&summary, "G11")), 193.0 + 92.0);
    assert_eq!(float(&cell(&summary, "H11")), 200.0 + 100.0);
    assert_eq!(
        float(&cell(&summary, "I11")),
        (193.0 + 92.0) / (200.0 + 100.0) * 100.0
    );
    assert_eq!(cell(&summary, "J11"), Data::String("≥ 95 %".into()));
    assert_eq!(cell(&summary, "K11"), Data::String("Đạt".into()));
    assert_eq!(float(&cell(&summary, "L11")), 92.0);
    assert_eq!(cell(&summary, "M11"), Data::String("QLTM".into()));
    assert_eq!(float(&cell(&summary, "N11")), 96.5);
    assert_eq!(cell(&summary, "O11"), Data::String("KHTC".into()));
    assert_eq!(float(&cell(&summary, "I12")), 12.0 + 3.0);
    assert_eq!(float(&cell(&summary, "I13")), 1234.5 + 250.75);
    assert_eq!(float(&cell(&summary, "I14")), 1.0);
    assert_eq!(cell(&summary, "I15"), Data::Empty);

    let breakdown = workbook.worksheet_range("Chi tiết theo đơn vị").unwrap();
    let unit_rows: Vec<(String, String)> = (8..=17)
        .map(|row| {
            (
                cell(&breakdown, &format!("B{row}")).to_string(),
                cell(&breakdown, &format!("D{row}")).to_string(),
            )
        })
        .collect();
    assert_eq!(unit_rows[0], ("TL-DUNGHAN".into(), "KHTC".into()));
    assert_eq!(unit_rows[1], ("TL-DUNGHAN".into(), "QLTM".into()));
    assert_eq!(unit_rows[9], ("ND-SANGKIEN".into(), "QLTM".into()));
    assert_eq!(float(&cell(&breakdown, "F8")), 193.0);
    assert_eq!(float(&cell(&breakdown, "G8")), 200.0);
    assert_eq!(float(&cell(&breakdown, "H8")), 96.5);
    assert_eq!(float(&cell(&breakdown, "H12")), 1234.5);
    assert_eq!(cell(&breakdown, "I15"), Data::String("Không".into()));
    assert_eq!(cell(&breakdown, "J17"), Data::String("x".into()));
    assert_eq!(
        cell(&breakdown, "K17"),
        Data::String("Không phát sinh sáng kiến trong kỳ.".into())
    );

    let gaps = workbook.worksheet_range("Giải trình chênh lệch").unwrap();
    let json_gaps = indicators[0]["discrepancies"].as_array().unwrap();
    assert_eq!(json_gaps.len(), 1);
    assert_eq!(cell(&gaps, "B8"), Data::String("TL-DUNGHAN".into()));
    assert_eq!(cell(&gaps, "D8"), Data::String("QLTM".into()));
    assert_eq!(float(&cell(&gaps, "F8")), num(&json_gaps[0]["unit_figure"]));
    assert_eq!(float(&cell(&gaps, "G8")), 94.0);
    assert_eq!(float(&cell(&gaps, "H8")), num(&json_gaps[0]["difference"]));
    assert_eq!(
        cell(&gaps, "I8"),
        Data::String("Hai hồ sơ cập nhật chậm trên hệ thống.".into())
    );
    assert_eq!(cell(&gaps, "B9"), Data::Empty);
}
