//! The statistics form (biểu mẫu thống kê) of one unit for one period.
//!
//! Layout of the sheet [`FORM_SHEET`]: title rows (period, unit, deadline, instructions), the
//! header on row [`HEADER_ROW`] + 1 and one row per indicator from row [`FIRST_DATA_ROW`] + 1,
//! in the period's order. The columns are fixed ([`Column`]); each indicator kind has its own
//! input cells and the others are greyed and locked. The sheet is protected, so only input
//! cells can be typed in; numeric cells carry a "number ≥ 0" validation and choice cells a
//! drop-down list.
//!
//! What identifies the form — period code, unit code, and which row holds which indicator —
//! is kept twice: visibly (title rows and the code column) and in the very hidden, protected
//! sheet [`META_SHEET`], which the import checks before reading any value.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, Format, FormatAlign, FormatBorder,
    ProtectionOptions, Workbook, Worksheet,
};

use super::{internal, local_time_vi};
use cchc_domain::model::indicator::IndicatorKind;
use cchc_domain::model::submission::ValueInput;
use cchc_domain::Result;

/// The sheet a unit fills in.
pub const FORM_SHEET: &str = "Biểu mẫu";
/// The very hidden sheet that says which form this is.
pub const META_SHEET: &str = "cchc";
/// Written in the metadata so that another workbook is never taken for a form.
pub const FORM_KIND: &str = "cchc-bieu-mau-thong-ke";
/// Layout version; an import refuses forms of another layout.
pub const FORM_VERSION: i64 = 1;

/// Zero-based row of the period title, the unit and the header.
pub const PERIOD_ROW: u32 = 1;
pub const UNIT_ROW: u32 = 2;
pub const HEADER_ROW: u32 = 6;
/// Zero-based row of the first indicator.
pub const FIRST_DATA_ROW: u32 = 7;

/// The form's columns, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Number,
    Code,
    Name,
    UnitOfMeasure,
    Numerator,
    Denominator,
    Value,
    YesNo,
    Text,
    NotApplicable,
    SystemValue,
    Explanation,
    Note,
}

impl Column {
    pub const ALL: [Column; 13] = [
        Column::Number,
        Column::Code,
        Column::Name,
        Column::UnitOfMeasure,
        Column::Numerator,
        Column::Denominator,
        Column::Value,
        Column::YesNo,
        Column::Text,
        Column::NotApplicable,
        Column::SystemValue,
        Column::Explanation,
        Column::Note,
    ];

    /// Zero-based column index.
    pub fn index(self) -> u16 {
        self as u16
    }

    /// The header staff read.
    pub fn header(self) -> &'static str {
        match self {
            Column::Number => "STT",
            Column::Code => "Mã chỉ tiêu",
            Column::Name => "Tên chỉ tiêu",
            Column::UnitOfMeasure => "Đơn vị tính",
            Column::Numerator => "Tử số",
            Column::Denominator => "Mẫu số",
            Column::Value => "Số liệu",
            Column::YesNo => "Có/Không",
            Column::Text => "Nội dung",
            Column::NotApplicable => "Không áp dụng",
            Column::SystemValue => "Số liệu hệ thống",
            Column::Explanation => "Giải trình",
            Column::Note => "Ghi chú",
        }
    }

    fn width(self) -> f64 {
        match self {
            Column::Number => 5.0,
            Column::Code => 16.0,
            Column::Name => 42.0,
            Column::UnitOfMeasure => 11.0,
            Column::Numerator | Column::Denominator | Column::Value => 12.0,
            Column::YesNo | Column::NotApplicable => 11.0,
            Column::Text => 32.0,
            Column::SystemValue => 13.0,
            Column::Explanation => 36.0,
            Column::Note => 24.0,
        }
    }

    /// Whether a unit types into this column for an indicator of `kind`.
    pub fn is_input_for(self, kind: IndicatorKind) -> bool {
        match self {
            Column::Number | Column::Code | Column::Name | Column::UnitOfMeasure => false,
            Column::Numerator | Column::Denominator => kind == IndicatorKind::Ratio,
            Column::Value => matches!(kind, IndicatorKind::Count | IndicatorKind::Decimal),
            Column::YesNo => kind == IndicatorKind::Boolean,
            Column::Text => kind == IndicatorKind::Text,
            Column::SystemValue => kind != IndicatorKind::Text,
            Column::NotApplicable | Column::Explanation | Column::Note => true,
        }
    }

    /// The column of a submission field (`numerator`, `explanation`…), for naming the cell
    /// of a problem the submission rules found.
    pub fn of_field(field: &str) -> Option<Column> {
        Some(match field {
            "numerator" => Column::Numerator,
            "denominator" => Column::Denominator,
            "number" => Column::Value,
            "flag" => Column::YesNo,
            "text" => Column::Text,
            "not_applicable" => Column::NotApplicable,
            "system_value" => Column::SystemValue,
            "explanation" => Column::Explanation,
            "note" => Column::Note,
            _ => return None,
        })
    }
}

/// Who the form is for.
#[derive(Debug, Clone)]
pub struct FormHeader {
    pub period_code: String,
    pub period_title: String,
    pub unit_code: String,
    pub unit_name: String,
    /// The deadline that applies to the unit (its extension's, or the period's), local time.
    pub deadline: chrono::DateTime<chrono::FixedOffset>,
}

/// One indicator row, with what the unit has already given.
#[derive(Debug, Clone)]
pub struct FormRow {
    pub code: String,
    pub name: String,
    pub kind: IndicatorKind,
    pub unit_of_measure: Option<String>,
    /// The current value (default: nothing given).
    pub value: ValueInput,
    /// The Office set the system-of-record figure and the form is for the unit: shown, locked.
    pub system_value_locked: bool,
}

/// Everything a form shows.
#[derive(Debug, Clone)]
pub struct StatisticsForm {
    pub header: FormHeader,
    pub rows: Vec<FormRow>,
}

const INSTRUCTIONS: &str = "Hướng dẫn: nhập số liệu vào các ô nền trắng; ô nền xám không áp dụng \
cho loại chỉ tiêu của dòng đó và đã được khóa. Chỉ tiêu tỷ lệ: nhập Tử số và Mẫu số (không nhập tỷ \
lệ %); Số liệu hệ thống của chỉ tiêu tỷ lệ là tỷ lệ %. Chỉ tiêu Có/Không: chọn trong danh sách. \
Không áp dụng: nhập x và nêu lý do ở cột Giải trình. Số liệu khác số liệu hệ thống cần có giải \
trình. Để trống cả dòng là chưa trả lời chỉ tiêu đó. Không sửa cột Mã chỉ tiêu, không thêm hoặc \
xóa dòng.";

/// Cell styles of the form.
struct Styles {
    title: Format,
    subtitle: Format,
    instructions: Format,
    header: Format,
    label: Format,
    label_wrapped: Format,
    input: Format,
    input_text: Format,
    greyed: Format,
}

impl Styles {
    fn new() -> Self {
        let bordered = Format::new()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        Self {
            title: Format::new()
                .set_bold()
                .set_font_size(14)
                .set_align(FormatAlign::Center),
            subtitle: Format::new().set_bold(),
            instructions: Format::new()
                .set_italic()
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            header: bordered
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xDDEBF7)),
            label: bordered.clone(),
            label_wrapped: bordered.clone().set_text_wrap(),
            input: bordered.clone().set_unlocked(),
            input_text: bordered.clone().set_unlocked().set_text_wrap(),
            greyed: bordered.set_background_color(Color::RGB(0xD9D9D9)),
        }
    }
}

/// Validations of the form's input cells.
struct Validations {
    non_negative: DataValidation,
    whole_non_negative: DataValidation,
    yes_no: DataValidation,
    mark: DataValidation,
}

impl Validations {
    fn new() -> Result<Self> {
        let non_negative = DataValidation::new()
            .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
            .set_error_title("Số liệu không hợp lệ")
            .and_then(|v| v.set_error_message("Chỉ nhập số, không âm (ví dụ 95 hoặc 12,5)."))
            .map_err(internal)?;
        let whole_non_negative = DataValidation::new()
            .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0))
            .set_error_title("Số liệu không hợp lệ")
            .and_then(|v| v.set_error_message("Chỉ nhập số nguyên, không âm."))
            .map_err(internal)?;
        let yes_no = DataValidation::new()
            .allow_list_strings(&["Có", "Không"])
            .and_then(|v| v.set_error_title("Lựa chọn không hợp lệ"))
            .and_then(|v| v.set_error_message("Chọn Có hoặc Không trong danh sách."))
            .map_err(internal)?;
        let mark = DataValidation::new()
            .allow_list_strings(&["x"])
            .and_then(|v| v.set_error_title("Lựa chọn không hợp lệ"))
            .and_then(|v| {
                v.set_error_message("Nhập x nếu chỉ tiêu không áp dụng; để trống nếu có áp dụng.")
            })
            .map_err(internal)?;
        Ok(Self {
            non_negative,
            whole_non_negative,
            yes_no,
            mark,
        })
    }
}

/// Zero-based sheet row of the `i`-th indicator.
pub fn data_row(i: usize) -> u32 {
    FIRST_DATA_ROW.saturating_add(u32::try_from(i).unwrap_or(u32::MAX))
}

fn number(value: Decimal) -> f64 {
    value.to_f64().unwrap_or_default()
}

fn yes_no(flag: bool) -> &'static str {
    if flag {
        "Có"
    } else {
        "Không"
    }
}

/// Builds the `.xlsx` form.
pub fn build_form(form: &StatisticsForm) -> Result<Vec<u8>> {
    form_workbook(form)?.save_to_buffer().map_err(internal)
}

/// The form as a workbook still open for writing (tests fill it in as a person would).
pub(crate) fn form_workbook(form: &StatisticsForm) -> Result<Workbook> {
    let mut workbook = Workbook::new();
    let styles = Styles::new();
    let validations = Validations::new()?;
    let sheet = workbook.add_worksheet();
    sheet.set_name(FORM_SHEET).map_err(internal)?;
    write_titles(sheet, &form.header, &styles)?;
    for column in Column::ALL {
        sheet
            .set_column_width(column.index(), column.width())
            .map_err(internal)?;
        sheet
            .write_string_with_format(HEADER_ROW, column.index(), column.header(), &styles.header)
            .map_err(internal)?;
    }
    sheet.set_row_height(HEADER_ROW, 32).map_err(internal)?;
    for (i, row) in form.rows.iter().enumerate() {
        write_row(sheet, data_row(i), i + 1, row, &styles, &validations)?;
    }
    sheet
        .set_freeze_panes(FIRST_DATA_ROW, Column::UnitOfMeasure.index())
        .map_err(internal)?;
    sheet.set_landscape().set_print_fit_to_pages(1, 0);
    sheet
        .set_repeat_rows(HEADER_ROW, HEADER_ROW)
        .map_err(internal)?;
    sheet.protect_with_options(&ProtectionOptions {
        // Staff may still widen columns and rows to read long names.
        format_columns: true,
        format_rows: true,
        ..ProtectionOptions::default()
    });

    let meta = workbook.add_worksheet();
    write_metadata(meta, form)?;
    Ok(workbook)
}

fn write_titles(sheet: &mut Worksheet, header: &FormHeader, styles: &Styles) -> Result<()> {
    let last = Column::Note.index();
    let lines = [
        (
            0,
            "BIỂU MẪU THỐNG KÊ SỐ LIỆU CẢI CÁCH HÀNH CHÍNH".to_owned(),
            &styles.title,
        ),
        (
            PERIOD_ROW,
            format!(
                "Kỳ báo cáo: {} (mã kỳ {})",
                header.period_title, header.period_code
            ),
            &styles.subtitle,
        ),
        (
            UNIT_ROW,
            format!(
                "Đơn vị báo cáo: {} (mã {})",
                header.unit_name, header.unit_code
            ),
            &styles.subtitle,
        ),
        (
            3,
            format!("Thời hạn gửi báo cáo: {}", local_time_vi(header.deadline)),
            &styles.subtitle,
        ),
        (4, INSTRUCTIONS.to_owned(), &styles.instructions),
    ];
    for (row, text, format) in lines {
        sheet
            .merge_range(row, 0, row, last, &text, format)
            .map_err(internal)?;
    }
    sheet.set_row_height(0, 22).map_err(internal)?;
    sheet.set_row_height(4, 64).map_err(internal)?;
    Ok(())
}

fn write_row(
    sheet: &mut Worksheet,
    at: u32,
    number_in_list: usize,
    row: &FormRow,
    styles: &Styles,
    validations: &Validations,
) -> Result<()> {
    let kind = row.kind;
    let value = &row.value;
    let uom = row
        .unit_of_measure
        .clone()
        .or_else(|| (kind == IndicatorKind::Ratio).then(|| "%".to_owned()))
        .unwrap_or_default();
    let count = u32::try_from(number_in_list).unwrap_or(u32::MAX);
    sheet
        .write_number_with_format(at, Column::Number.index(), count, &styles.label)
        .map_err(internal)?;
    sheet
        .write_string_with_format(at, Column::Code.index(), &row.code, &styles.label)
        .map_err(internal)?;
    sheet
        .write_string_with_format(at, Column::Name.index(), &row.name, &styles.label_wrapped)
        .map_err(internal)?;
    sheet
        .write_string_with_format(at, Column::UnitOfMeasure.index(), uom, &styles.label)
        .map_err(internal)?;

    for column in Column::ALL.into_iter().skip(4) {
        let col = column.index();
        let locked_system_value = column == Column::SystemValue && row.system_value_locked;
        if !column.is_input_for(kind) || locked_system_value {
            sheet
                .write_blank(at, col, &styles.greyed)
                .map_err(internal)?;
            if locked_system_value {
                write_system_value(sheet, at, kind, value, &styles.greyed)?;
            }
            continue;
        }
        let format = match column {
            Column::Text | Column::Explanation | Column::Note => &styles.input_text,
            _ => &styles.input,
        };
        sheet.write_blank(at, col, format).map_err(internal)?;
        let validation = match column {
            Column::Numerator | Column::Denominator => Some(&validations.non_negative),
            Column::Value if kind == IndicatorKind::Count => Some(&validations.whole_non_negative),
            Column::Value => Some(&validations.non_negative),
            Column::YesNo => Some(&validations.yes_no),
            Column::NotApplicable => Some(&validations.mark),
            Column::SystemValue if kind == IndicatorKind::Boolean => Some(&validations.yes_no),
            Column::SystemValue => Some(&validations.non_negative),
            _ => None,
        };
        if let Some(validation) = validation {
            sheet
                .add_data_validation(at, col, at, col, validation)
                .map_err(internal)?;
        }
        let written = match column {
            Column::Numerator => value.numerator.map(number),
            Column::Denominator => value.denominator.map(number),
            Column::Value => value.number.map(number),
            _ => None,
        };
        if let Some(written) = written {
            sheet
                .write_number_with_format(at, col, written, format)
                .map_err(internal)?;
        }
        let text = match column {
            Column::YesNo => value.flag.map(|f| yes_no(f).to_owned()),
            Column::Text => value.text.clone(),
            Column::NotApplicable => value.not_applicable.filter(|na| *na).map(|_| "x".into()),
            Column::Explanation => value.explanation.clone(),
            Column::Note => value.note.clone(),
            _ => None,
        };
        if let Some(text) = text {
            sheet
                .write_string_with_format(at, col, text, format)
                .map_err(internal)?;
        }
        if column == Column::SystemValue {
            write_system_value(sheet, at, kind, value, format)?;
        }
    }
    Ok(())
}

/// The system-of-record figure: Có/Không for a yes/no indicator, else the number.
fn write_system_value(
    sheet: &mut Worksheet,
    at: u32,
    kind: IndicatorKind,
    value: &ValueInput,
    format: &Format,
) -> Result<()> {
    let Some(system_value) = value.system_value else {
        return Ok(());
    };
    let col = Column::SystemValue.index();
    if kind == IndicatorKind::Boolean && (system_value.is_zero() || system_value == Decimal::ONE) {
        sheet
            .write_string_with_format(at, col, yes_no(system_value == Decimal::ONE), format)
            .map_err(internal)?;
    } else {
        sheet
            .write_number_with_format(at, col, number(system_value), format)
            .map_err(internal)?;
    }
    Ok(())
}

/// Keys of the metadata sheet, in column A; values in column B.
pub mod meta_keys {
    pub const FORM: &str = "form";
    pub const VERSION: &str = "version";
    pub const PERIOD_CODE: &str = "period_code";
    pub const UNIT_CODE: &str = "unit_code";
    pub const FIRST_ROW: &str = "first_row";
    /// Header of the row → indicator code table that follows.
    pub const ROWS: &str = "row";
}

/// Zero-based metadata row of the first row → indicator code pair.
const META_FIRST_ROW: u32 = 8;

fn write_metadata(sheet: &mut Worksheet, form: &StatisticsForm) -> Result<()> {
    sheet.set_name(META_SHEET).map_err(internal)?;
    let put = |sheet: &mut Worksheet, row: u32, key: &str, value: &str| -> Result<()> {
        sheet.write_string(row, 0, key).map_err(internal)?;
        sheet.write_string(row, 1, value).map_err(internal)?;
        Ok(())
    };
    sheet
        .write_string(
            0,
            0,
            "Trang dành cho hệ thống, dùng để nhận biết biểu mẫu. Không sửa.",
        )
        .map_err(internal)?;
    put(sheet, 1, meta_keys::FORM, FORM_KIND)?;
    sheet
        .write_string(2, 0, meta_keys::VERSION)
        .map_err(internal)?;
    sheet
        .write_number(2, 1, FORM_VERSION as f64)
        .map_err(internal)?;
    put(sheet, 3, meta_keys::PERIOD_CODE, &form.header.period_code)?;
    put(sheet, 4, meta_keys::UNIT_CODE, &form.header.unit_code)?;
    sheet
        .write_string(5, 0, meta_keys::FIRST_ROW)
        .map_err(internal)?;
    sheet
        .write_number(5, 1, f64::from(FIRST_DATA_ROW + 1))
        .map_err(internal)?;
    put(sheet, 7, meta_keys::ROWS, "indicator_code")?;
    for (i, row) in form.rows.iter().enumerate() {
        let at = META_FIRST_ROW.saturating_add(u32::try_from(i).unwrap_or(u32::MAX));
        sheet
            .write_number(at, 0, f64::from(data_row(i) + 1))
            .map_err(internal)?;
        sheet.write_string(at, 1, &row.code).map_err(internal)?;
    }
    sheet.set_very_hidden(true);
    sheet.protect();
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use calamine::{open_workbook_from_rs, Data, Reader, SheetVisible, Xlsx};
    use chrono::DateTime;

    use super::*;
    use crate::cells::cell_name;

    pub(crate) fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    fn row(code: &str, kind: IndicatorKind, value: ValueInput) -> FormRow {
        FormRow {
            code: code.to_owned(),
            name: format!("Chỉ tiêu {code}"),
            kind,
            unit_of_measure: (kind == IndicatorKind::Count).then(|| "văn bản".to_owned()),
            value,
            system_value_locked: false,
        }
    }

    /// Period 2026-Q4 of unit KHTC: a ratio, a count, a decimal, a yes/no and a text
    /// indicator, in that order (rows 8 to 12).
    pub(crate) fn sample_form(filled: bool) -> StatisticsForm {
        let value = |v: ValueInput| if filled { v } else { ValueInput::default() };
        StatisticsForm {
            header: FormHeader {
                period_code: "2026-Q4".into(),
                period_title: "Báo cáo CCHC Quý IV/2026".into(),
                unit_code: "KHTC".into(),
                unit_name: "Phòng Kế hoạch - Tài chính".into(),
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
        assert_eq!(cell_name(HEADER_ROW, Column::Numerator.index()), "E7");
        assert_eq!(cell_name(FIRST_DATA_ROW, Column::Code.index()), "B8");
    }

    #[test]
    fn the_form_shows_titles_headers_and_codes_in_vietnamese() {
        let mut workbook = open(build_form(&sample_form(false)).unwrap());
        let sheet = workbook.worksheet_range(FORM_SHEET).unwrap();
        let title = |row| text(&sheet, (row, Column::Number));
        assert_eq!(title(0), "BIỂU MẪU THỐNG KÊ SỐ LIỆU CẢI CÁCH HÀNH CHÍNH");
        assert_eq!(
            title(PERIOD_ROW),
            "Kỳ báo cáo: Báo cáo CCHC Quý IV/2026 (mã kỳ 2026-Q4)"
        );
        assert!(title(UNIT_ROW).contains("Phòng Kế hoạch - Tài chính (mã KHTC)"));
        assert_eq!(title(3), "Thời hạn gửi báo cáo: 16:30 ngày 15/12/2026");
        assert!(title(4).starts_with("Hướng dẫn"));
        let headers: Vec<String> = Column::ALL
            .into_iter()
            .map(|c| text(&sheet, (HEADER_ROW, c)))
            .collect();
        assert_eq!(
            headers,
            [
                "STT",
                "Mã chỉ tiêu",
                "Tên chỉ tiêu",
                "Đơn vị tính",
                "Tử số",
                "Mẫu số",
                "Số liệu",
                "Có/Không",
                "Nội dung",
                "Không áp dụng",
                "Số liệu hệ thống",
                "Giải trình",
                "Ghi chú"
            ]
        );
        let codes: Vec<String> = (0..5)
            .map(|i| text(&sheet, (data_row(i), Column::Code)))
            .collect();
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
        assert_eq!(text(&sheet, (data_row(0), Column::UnitOfMeasure)), "%");
        assert_eq!(
            text(&sheet, (data_row(1), Column::UnitOfMeasure)),
            "văn bản"
        );
        assert_eq!(text(&sheet, (data_row(4), Column::Number)), "5");
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
        assert_eq!(pairs[1], ("version".into(), "1".into()));
        assert_eq!(pairs[2], ("period_code".into(), "2026-Q4".into()));
        assert_eq!(pairs[3], ("unit_code".into(), "KHTC".into()));
        assert_eq!(pairs[4], ("first_row".into(), "8".into()));
        assert_eq!(pairs[7], ("8".into(), "TL-DUNGHAN".into()));
        assert_eq!(pairs[11], ("12".into(), "ND-SANGKIEN".into()));
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
        assert_eq!(at(3, Column::YesNo), Data::String("Có".into()));
        assert_eq!(at(3, Column::SystemValue), Data::String("Có".into()));
        assert_eq!(at(4, Column::Text), Data::String("Một cửa điện tử".into()));
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
}
