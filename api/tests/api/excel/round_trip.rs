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
            ("E8", Typed::Number(193.0)),
            ("F8", Typed::Number(200.0)),
            ("K8", Typed::Number(97.0)),
            ("G9", Typed::Number(12.0)),
            ("M9", Typed::Text("Gồm 2 quyết định")),
            // Pasted as text, Vietnamese separators.
            ("G10", Typed::Text("1.234,5")),
            ("H11", Typed::Text("Có")),
            ("I12", Typed::Text("Triển khai một cửa điện tử")),
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
            ("E8", Typed::Number(92.0)),
            ("F8", Typed::Text("100")),
            ("K8", Typed::Number(94.0)),
            ("L8", Typed::Text("Hai hồ sơ cập nhật chậm trên hệ thống.")),
            ("G9", Typed::Number(3.0)),
            ("G10", Typed::Number(250.75)),
            ("H11", Typed::Text("Không")),
            ("J12", Typed::Text("x")),
            ("L12", Typed::Text("Không phát sinh sáng kiến trong kỳ.")),
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
            "Chi tiết theo đơn vị",
            "Giải trình chênh lệch",
            "Tiến độ nhiệm vụ"
        ]
    );
    // Frozen header rows and set column widths, which calamine does not read.
    let book =
        umya_spreadsheet::reader::xlsx::read_reader(Cursor::new(file.bytes.clone()), true).unwrap();
    for name in workbook.sheet_names() {
        let sheet = book.get_sheet_by_name(&name).unwrap();
        let view = &sheet.get_sheets_views().get_sheet_view_list()[0];
        let pane = view
            .get_pane()
            .unwrap_or_else(|| panic!("{name}: frozen panes"));
        assert_eq!(pane.get_top_left_cell().get_coordinate(), "A7", "{name}");
        let width = sheet.get_column_dimension("C").map(|c| *c.get_width());
        assert!(
            width.is_some_and(|w| w >= 30.0),
            "{name}: column C width {width:?}"
        );
    }
    let summary = workbook.worksheet_range("Tổng hợp").unwrap();
    assert_eq!(
        cell(&summary, "A2"),
        Data::String("Kỳ báo cáo: Báo cáo CCHC Quý 4/2026 (mã kỳ 2026-Q4)".into())
    );
    assert_eq!(
        cell(&summary, "A4"),
        Data::String("Lập lúc 09:00 ngày 20/11/2026".into())
    );
    assert_eq!(cell(&summary, "H6"), Data::String("Kết quả".into()));

    // Every summary number is the JSON consolidation's, as a number cell.
    let indicators = report["indicators"].as_array().unwrap();
    for (i, indicator) in indicators.iter().enumerate() {
        let row = 7 + i;
        assert_eq!(
            cell(&summary, &format!("B{row}")).to_string(),
            indicator["code"].as_str().unwrap()
        );
        assert_eq!(
            float(&cell(&summary, &format!("E{row}"))),
            num(&indicator["units_reporting"])
        );
        for (column, field) in [
            ("F", "numerator_sum"),
            ("G", "denominator_sum"),
            ("H", "value"),
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
    assert_eq!(float(&cell(&summary, "F7")), 193.0 + 92.0);
    assert_eq!(float(&cell(&summary, "G7")), 200.0 + 100.0);
    assert_eq!(
        float(&cell(&summary, "H7")),
        (193.0 + 92.0) / (200.0 + 100.0) * 100.0
    );
    assert_eq!(cell(&summary, "I7"), Data::String("≥ 95%".into()));
    assert_eq!(cell(&summary, "J7"), Data::String("Đạt".into()));
    assert_eq!(float(&cell(&summary, "K7")), 92.0);
    assert_eq!(cell(&summary, "L7"), Data::String("QLTM".into()));
    assert_eq!(float(&cell(&summary, "M7")), 96.5);
    assert_eq!(cell(&summary, "N7"), Data::String("KHTC".into()));
    assert_eq!(float(&cell(&summary, "H8")), 12.0 + 3.0);
    assert_eq!(float(&cell(&summary, "H9")), 1234.5 + 250.75);
    assert_eq!(float(&cell(&summary, "H10")), 1.0);
    assert_eq!(cell(&summary, "H11"), Data::Empty);

    let breakdown = workbook.worksheet_range("Chi tiết theo đơn vị").unwrap();
    let unit_rows: Vec<(String, String)> = (7..=16)
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
    assert_eq!(float(&cell(&breakdown, "F7")), 193.0);
    assert_eq!(float(&cell(&breakdown, "G7")), 200.0);
    assert_eq!(float(&cell(&breakdown, "H7")), 96.5);
    assert_eq!(float(&cell(&breakdown, "H11")), 1234.5);
    assert_eq!(cell(&breakdown, "I14"), Data::String("Không".into()));
    assert_eq!(cell(&breakdown, "K16"), Data::String("x".into()));
    assert_eq!(
        cell(&breakdown, "L16"),
        Data::String("Không phát sinh sáng kiến trong kỳ.".into())
    );

    let gaps = workbook.worksheet_range("Giải trình chênh lệch").unwrap();
    let json_gaps = indicators[0]["discrepancies"].as_array().unwrap();
    assert_eq!(json_gaps.len(), 1);
    assert_eq!(cell(&gaps, "B7"), Data::String("TL-DUNGHAN".into()));
    assert_eq!(cell(&gaps, "D7"), Data::String("QLTM".into()));
    assert_eq!(float(&cell(&gaps, "F7")), num(&json_gaps[0]["unit_figure"]));
    assert_eq!(float(&cell(&gaps, "G7")), 94.0);
    assert_eq!(float(&cell(&gaps, "H7")), num(&json_gaps[0]["difference"]));
    assert_eq!(
        cell(&gaps, "I7"),
        Data::String("Hai hồ sơ cập nhật chậm trên hệ thống.".into())
    );
    assert_eq!(cell(&gaps, "B8"), Data::Empty);
}
