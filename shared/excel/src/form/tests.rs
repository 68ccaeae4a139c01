use calamine::{open_workbook_from_rs, Data, Reader, SheetVisible, Xlsx};
use chrono::DateTime;

use super::*;
use crate::cells::cell_name;
use crate::print::{inspect, Orientation};
use cchc_domain::model::indicator::Comparator;
use rust_decimal::Decimal;

pub(crate) fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn row(code: &str, kind: IndicatorKind, value: ValueInput) -> FormRow {
    FormRow {
        code: code.to_owned(),
        name: format!("Chỉ tiêu {code}"),
        description: None,
        kind,
        unit_of_measure: (kind == IndicatorKind::Count).then(|| "văn bản".to_owned()),
        target: None,
        evidence_required: false,
        value,
        system_value_locked: false,
    }
}

/// Period 2026-Q4 of unit KHTC: a ratio, a count, a decimal, a yes/no and a text
/// indicator, in that order (rows 12 to 16).
pub(crate) fn sample_form(filled: bool) -> StatisticsForm {
    let mut form = plain_form(filled);
    let ratio = &mut form.rows[0];
    ratio.name = "Tỷ lệ hồ sơ thủ tục hành chính được giải quyết đúng và trước hạn".into();
    ratio.description = Some(
        "Tử số: số hồ sơ giải quyết đúng và trước hạn; mẫu số: số hồ sơ đã giải quyết trong kỳ"
            .into(),
    );
    ratio.target = Some(Target {
        comparator: Comparator::Gte,
        threshold: dec("95"),
    });
    ratio.evidence_required = true;
    form
}

fn plain_form(filled: bool) -> StatisticsForm {
    let value = |v: ValueInput| if filled { v } else { ValueInput::default() };
    StatisticsForm {
        header: FormHeader {
            period_code: "2026-Q4".into(),
            period_title: "Báo cáo CCHC Quý IV/2026".into(),
            data_from: chrono::NaiveDate::from_ymd_opt(2026, 9, 15).unwrap(),
            data_to: chrono::NaiveDate::from_ymd_opt(2026, 12, 14).unwrap(),
            unit_code: "KHTC".into(),
            unit_name: "Phòng Kế hoạch - Tài chính".into(),
            letterhead: cchc_domain::model::letterhead::Letterhead {
                governing_body: Some("Sở Công Thương".into()),
                agency: "Phòng Kế hoạch - Tài chính".into(),
                place: Some("Điện Biên".into()),
            },
            deadline: DateTime::parse_from_rfc3339("2026-12-15T16:30:00+07:00").unwrap(),
        },
        rows: vec![
            row(
                "TL-DUNGHAN",
                IndicatorKind::Ratio,
                value(ValueInput {
                    numerator: Some(dec("95")),
                    denominator: Some(dec("100")),
                    system_value: Some(dec("96.5")),
                    explanation: Some("Hai hồ sơ cập nhật chậm trên hệ thống.".into()),
                    ..ValueInput::default()
                }),
            ),
            row(
                "SL-VANBAN",
                IndicatorKind::Count,
                value(ValueInput {
                    number: Some(dec("12")),
                    note: Some("Gồm 2 quyết định".into()),
                    ..ValueInput::default()
                }),
            ),
            row(
                "KP-CCHC",
                IndicatorKind::Decimal,
                value(ValueInput {
                    not_applicable: Some(true),
                    explanation: Some("Chưa được cấp kinh phí.".into()),
                    ..ValueInput::default()
                }),
            ),
            row(
                "CO-MOTCUA",
                IndicatorKind::Boolean,
                value(ValueInput {
                    flag: Some(true),
                    system_value: Some(Decimal::ONE),
                    ..ValueInput::default()
                }),
            ),
            row(
                "ND-SANGKIEN",
                IndicatorKind::Text,
                value(ValueInput {
                    text: Some("Một cửa điện tử".into()),
                    ..ValueInput::default()
                }),
            ),
        ],
    }
}

fn open(bytes: Vec<u8>) -> Xlsx<std::io::Cursor<Vec<u8>>> {
    open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("a readable workbook")
}

fn text(range: &calamine::Range<Data>, cell: (u32, Column)) -> String {
    range
        .get_value((cell.0, u32::from(cell.1.index())))
        .map(ToString::to_string)
        .unwrap_or_default()
}

#[test]
fn columns_are_in_layout_order() {
    for (i, column) in Column::ALL.into_iter().enumerate() {
        assert_eq!(usize::from(column.index()), i);
    }
    assert_eq!(cell_name(HEADER_ROW, Column::Numerator.index()), "F11");
    assert_eq!(cell_name(FIRST_DATA_ROW, Column::Code.index()), "B12");
}

#[test]
fn the_form_shows_titles_headers_and_codes_in_vietnamese() {
    let mut workbook = open(build_form(&sample_form(false)).unwrap());
    let sheet = workbook.worksheet_range(FORM_SHEET).unwrap();
    let at = |row, column| text(&sheet, (row, column));
    // The Decree 30 header block: the department above the unit; title and motto.
    assert_eq!(at(0, Column::Number), "SỞ CÔNG THƯƠNG");
    assert_eq!(at(1, Column::Number), "PHÒNG KẾ HOẠCH - TÀI CHÍNH");
    assert_eq!(at(0, Column::Percent), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    assert_eq!(at(1, Column::Percent), "Độc lập - Tự do - Hạnh phúc");
    assert_eq!(at(2, Column::Percent), "Điện Biên, ngày …… tháng …… năm ……");
    assert_eq!(
        at(PERIOD_ROW - 1, Column::Number),
        "BIỂU MẪU THỐNG KÊ SỐ LIỆU CẢI CÁCH HÀNH CHÍNH"
    );
    assert_eq!(
        at(PERIOD_ROW, Column::Number),
        "Kỳ báo cáo: Báo cáo CCHC Quý IV/2026 (mã kỳ 2026-Q4)"
    );
    assert_eq!(
        at(PERIOD_ROW + 1, Column::Number),
        "Số liệu tính từ ngày 15/09/2026 đến hết ngày 14/12/2026"
    );
    assert!(at(UNIT_ROW, Column::Number).contains("Phòng Kế hoạch - Tài chính (mã KHTC)"));
    assert!(
        at(UNIT_ROW + 1, Column::Number).starts_with("Thời hạn gửi báo cáo: 16:30 ngày 15/12/2026")
    );
    assert!(at(UNIT_ROW + 2, Column::Number).starts_with("Hướng dẫn"));
    let headers: Vec<String> = Column::ALL.into_iter().map(|c| at(HEADER_ROW, c)).collect();
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
    let codes: Vec<String> = (0..5).map(|i| at(data_row(i), Column::Code)).collect();
    assert_eq!(
        codes,
        [
            "TL-DUNGHAN",
            "SL-VANBAN",
            "KP-CCHC",
            "CO-MOTCUA",
            "ND-SANGKIEN"
        ]
    );
    assert_eq!(at(data_row(0), Column::UnitOfMeasure), "%");
    assert_eq!(at(data_row(1), Column::UnitOfMeasure), "văn bản");
    assert_eq!(at(data_row(4), Column::Number), "5");
    // Each row says what it needs: the definition, the target, the evidence.
    assert!(at(data_row(0), Column::Name).ends_with(
        "\nTử số: số hồ sơ giải quyết đúng và trước hạn; mẫu số: số hồ sơ đã giải quyết trong kỳ"
    ));
    assert_eq!(at(data_row(0), Column::Target), "≥ 95 %\nCần minh chứng");
    assert_eq!(at(data_row(1), Column::Target), "");
    // The signature block after the last indicator.
    let signatures = data_row(5) + 2;
    assert_eq!(at(signatures, Column::Number), "NGƯỜI LẬP BIỂU");
    assert_eq!(at(signatures, Column::Percent), "THỦ TRƯỞNG ĐƠN VỊ");
}

#[test]
fn the_form_prints_on_a4_landscape_in_times_new_roman_with_whole_texts() {
    let widths: Vec<f64> = Column::ALL.iter().map(|c| c.width()).collect();
    assert!(crate::print::prints_readably(
        &widths,
        Orientation::Landscape,
        crate::print::TEXT_SIZE
    ));
    let mut form = sample_form(true);
    form.rows[1].value.note = Some("Gồm 2 quyết định công bố và 10 văn bản hướng dẫn".into());
    let bytes = build_form(&form).unwrap();
    // The ratio's name and definition take five lines of a 32-unit column; the count's
    // note takes four of its 9-unit column.
    inspect::assert_prints_as_filed(
        &bytes,
        1,
        Orientation::Landscape,
        &[(HEADER_ROW, 2), (data_row(0), 5), (data_row(1), 4)],
    );
}

#[test]
fn a_ratio_shows_its_percentage_computed_from_what_is_typed() {
    let bytes = build_form(&sample_form(true)).unwrap();
    let mut workbook = open(bytes);
    let sheet = workbook.worksheet_range(FORM_SHEET).unwrap();
    // 95 / 100 × 100, stored as the formula's result.
    assert_eq!(
        sheet.get_value((data_row(0), u32::from(Column::Percent.index()))),
        Some(&Data::Float(95.0))
    );
    let formulas = workbook.worksheet_formula(FORM_SHEET).unwrap();
    assert_eq!(
        formulas
            .get_value((data_row(0), u32::from(Column::Percent.index())))
            .map(String::as_str),
        Some("IF(AND(ISNUMBER(F12),ISNUMBER(G12),G12>0),F12/G12*100,\"\")")
    );
}

#[test]
fn only_the_kinds_input_cells_are_unlocked() {
    let mut workbook = open(build_form(&sample_form(false)).unwrap());
    let styles = workbook.worksheet_style(FORM_SHEET).unwrap();
    let locked = |row: u32, column: Column| {
        styles
            .get((row, u32::from(column.index())))
            .and_then(|s| s.protection.as_ref())
            .is_none_or(|p| p.locked)
    };
    let kinds = [
        IndicatorKind::Ratio,
        IndicatorKind::Count,
        IndicatorKind::Decimal,
        IndicatorKind::Boolean,
        IndicatorKind::Text,
    ];
    for (i, kind) in kinds.into_iter().enumerate() {
        for column in Column::ALL {
            assert_eq!(
                locked(data_row(i), column),
                !column.is_input_for(kind),
                "{kind} {column:?}"
            );
        }
    }
    assert!(locked(HEADER_ROW, Column::Numerator));
    assert!(locked(PERIOD_ROW, Column::Number));
}

#[test]
fn the_metadata_sheet_is_very_hidden_and_names_the_form() {
    let mut workbook = open(build_form(&sample_form(false)).unwrap());
    let sheets = workbook.sheets_metadata().to_vec();
    assert_eq!(sheets[0].name, FORM_SHEET);
    assert_eq!(sheets[0].visible, SheetVisible::Visible);
    assert_eq!(sheets[1].name, META_SHEET);
    assert_eq!(sheets[1].visible, SheetVisible::VeryHidden);
    let meta = workbook.worksheet_range(META_SHEET).unwrap();
    let pairs: Vec<(String, String)> = meta
        .rows()
        .skip(1)
        .map(|r| (r[0].to_string(), r[1].to_string()))
        .collect();
    assert_eq!(pairs[0], ("form".into(), FORM_KIND.into()));
    assert_eq!(pairs[1], ("version".into(), "2".into()));
    assert_eq!(pairs[2], ("period_code".into(), "2026-Q4".into()));
    assert_eq!(pairs[3], ("unit_code".into(), "KHTC".into()));
    assert_eq!(pairs[4], ("first_row".into(), "12".into()));
    assert_eq!(pairs[7], ("12".into(), "TL-DUNGHAN".into()));
    assert_eq!(pairs[11], ("16".into(), "ND-SANGKIEN".into()));
}

#[test]
fn current_values_are_prefilled_as_numbers_and_choices() {
    let mut workbook = open(build_form(&sample_form(true)).unwrap());
    let sheet = workbook.worksheet_range(FORM_SHEET).unwrap();
    let at = |i: usize, column: Column| {
        sheet
            .get_value((data_row(i), u32::from(column.index())))
            .cloned()
            .unwrap_or(Data::Empty)
    };
    assert_eq!(at(0, Column::Numerator), Data::Float(95.0));
    assert_eq!(at(0, Column::Denominator), Data::Float(100.0));
    assert_eq!(at(0, Column::SystemValue), Data::Float(96.5));
    assert_eq!(at(1, Column::Value), Data::Float(12.0));
    assert_eq!(at(2, Column::NotApplicable), Data::String("x".into()));
    assert_eq!(at(3, Column::Value), Data::String("Có".into()));
    assert_eq!(at(3, Column::SystemValue), Data::String("Có".into()));
    assert_eq!(at(4, Column::Value), Data::String("Một cửa điện tử".into()));
    assert_eq!(at(1, Column::Note), Data::String("Gồm 2 quyết định".into()));
}

#[test]
fn an_office_figure_is_shown_locked_to_the_unit() {
    let mut form = sample_form(true);
    form.rows[0].system_value_locked = true;
    let mut workbook = open(build_form(&form).unwrap());
    let sheet = workbook.worksheet_range(FORM_SHEET).unwrap();
    assert_eq!(
        sheet.get_value((data_row(0), u32::from(Column::SystemValue.index()))),
        Some(&Data::Float(96.5))
    );
    let styles = workbook.worksheet_style(FORM_SHEET).unwrap();
    let protection = styles
        .get((data_row(0), u32::from(Column::SystemValue.index())))
        .and_then(|s| s.protection.clone());
    assert!(protection.is_none_or(|p| p.locked));
}
