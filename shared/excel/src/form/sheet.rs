//! Writing the form's sheet: the header block and titles, the indicator rows with their
//! input cells, validations and the computed percentage, and the signature block.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, Format, FormatAlign, FormatBorder, Formula,
    ProtectionOptions, Worksheet,
};

use super::{data_row, Column, FormHeader, FormRow, StatisticsForm, FIRST_DATA_ROW, HEADER_ROW};
use super::{PERIOD_ROW, UNIT_ROW};
use crate::print::{self, Orientation, SignatureBlock, Signer, Span};
use crate::{internal, local_time_vi};
use cchc_domain::model::indicator::IndicatorKind;
use cchc_domain::model::submission::ValueInput;
use cchc_domain::rules::figures::target_vi;
use cchc_domain::Result;

/// Spans of the header and signature blocks: the left one over STT…Đơn vị tính, the right one
/// over Tỷ lệ…Ghi chú. Neither starts in an input column, so the import never mistakes the
/// signature block for an indicator row.
const LEFT: Span = Span::new(0, 3);
const RIGHT: Span = Span::new(7, 12);
const WHOLE: Span = Span::new(0, 12);

/// Background of the cells the Office fills (a system-of-record figure it has set).
const OFFICE_FILL: u32 = 0xFFF2CC;
const GREY_FILL: u32 = 0xD9D9D9;
const HEADER_FILL: u32 = 0xDDEBF7;

const INSTRUCTIONS: &str = "Hướng dẫn: đơn vị nhập vào các ô nền trắng; ô nền xám không dùng cho \
loại chỉ tiêu của dòng và đã được khóa; ô nền vàng là số liệu Văn phòng Sở đã nhập, đơn vị không \
sửa. Chỉ tiêu tỷ lệ: nhập Tử số và Mẫu số theo cách tính ghi dưới tên chỉ tiêu, cột Tỷ lệ (%) tự \
tính. Chỉ tiêu khác: nhập vào cột \"Số liệu hoặc nội dung\" (số; Có/Không chọn trong danh sách; \
hoặc nội dung). Số liệu hệ thống: số liệu trên phần mềm, cơ sở dữ liệu chuyên ngành (tỷ lệ nhập \
dạng %), do đơn vị nhập nếu có hoặc do Văn phòng Sở nhập; số liệu của đơn vị khác số liệu hệ thống \
phải giải trình. Không áp dụng: nhập x và nêu lý do ở cột Giải trình. Chỉ tiêu ghi \"Cần minh \
chứng\" phải gửi kèm tài liệu kiểm chứng. Để trống cả dòng là chưa trả lời chỉ tiêu đó. Không sửa \
cột Mã chỉ tiêu, không thêm hoặc xóa dòng.";

/// Cell styles of the form.
struct Styles {
    header: Format,
    label: Format,
    label_centred: Format,
    input: Format,
    input_text: Format,
    percent: Format,
    greyed: Format,
    office: Format,
}

impl Styles {
    fn new() -> Self {
        let bordered = print::font(print::TEXT_SIZE)
            .set_border(FormatBorder::Thin)
            .set_text_wrap()
            .set_align(FormatAlign::Top);
        Self {
            header: bordered
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(Color::RGB(HEADER_FILL)),
            label: bordered.clone(),
            label_centred: bordered.clone().set_align(FormatAlign::Center),
            input: bordered.clone().set_unlocked(),
            input_text: bordered.clone().set_unlocked(),
            percent: bordered.clone().set_num_format("#,##0.00"),
            greyed: bordered.clone().set_background_color(Color::RGB(GREY_FILL)),
            office: bordered.set_background_color(Color::RGB(OFFICE_FILL)),
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

fn widths() -> Vec<f64> {
    Column::ALL.iter().map(|c| c.width()).collect()
}

pub(super) fn write_form_sheet(sheet: &mut Worksheet, form: &StatisticsForm) -> Result<()> {
    let styles = Styles::new();
    let validations = Validations::new()?;
    sheet.set_name(super::FORM_SHEET).map_err(internal)?;
    for column in Column::ALL {
        sheet
            .set_column_width(column.index(), column.width())
            .map_err(internal)?;
    }
    write_titles(sheet, &form.header)?;
    let headers: Vec<&str> = Column::ALL.iter().map(|c| c.header()).collect();
    for column in Column::ALL {
        sheet
            .write_string_with_format(HEADER_ROW, column.index(), column.header(), &styles.header)
            .map_err(internal)?;
    }
    sheet
        .set_row_height(HEADER_ROW, print::row_height(&headers, &widths()))
        .map_err(internal)?;
    for (i, row) in form.rows.iter().enumerate() {
        write_row(sheet, data_row(i), i + 1, row, &styles, &validations)?;
    }
    let after = data_row(form.rows.len());
    print::write_signatures(
        sheet,
        after,
        &SignatureBlock {
            date_line: Some(&form.header.letterhead.date_line(None)),
            left: Some((
                Signer {
                    role: "NGƯỜI LẬP BIỂU",
                    hint: "(Ký, ghi rõ họ tên, số điện thoại)",
                },
                LEFT,
            )),
            right: (
                Signer {
                    role: "THỦ TRƯỞNG ĐƠN VỊ",
                    hint: "(Ký, ghi rõ họ tên)",
                },
                RIGHT,
            ),
        },
    )?;
    sheet
        .set_freeze_panes(FIRST_DATA_ROW, Column::UnitOfMeasure.index())
        .map_err(internal)?;
    print::setup_page(
        sheet,
        Orientation::Landscape,
        Some((HEADER_ROW, HEADER_ROW)),
    )?;
    sheet.protect_with_options(&ProtectionOptions {
        // Staff may still widen columns and rows to read long texts.
        format_columns: true,
        format_rows: true,
        ..ProtectionOptions::default()
    });
    Ok(())
}

fn write_titles(sheet: &mut Worksheet, header: &FormHeader) -> Result<()> {
    let block = &header.letterhead;
    let next = print::write_letterhead(sheet, 0, block, None, &block.date_line(None), LEFT, RIGHT)?;
    debug_assert!(next < PERIOD_ROW);
    let centred = |size: f64| {
        print::font(size)
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_text_wrap()
    };
    let left = print::font(print::HEADING_SIZE).set_align(FormatAlign::VerticalCenter);
    let lines = [
        (
            PERIOD_ROW - 1,
            "BIỂU MẪU THỐNG KÊ SỐ LIỆU CẢI CÁCH HÀNH CHÍNH".to_owned(),
            centred(print::TITLE_SIZE).set_bold(),
        ),
        (
            PERIOD_ROW,
            format!(
                "Kỳ báo cáo: {} (mã kỳ {})",
                header.period_title, header.period_code
            ),
            centred(print::HEADING_SIZE).set_bold(),
        ),
        (
            PERIOD_ROW + 1,
            format!(
                "Số liệu tính từ ngày {} đến hết ngày {}",
                header.data_from.format("%d/%m/%Y"),
                header.data_to.format("%d/%m/%Y")
            ),
            centred(print::HEADING_SIZE).set_italic(),
        ),
        (
            UNIT_ROW,
            format!(
                "Đơn vị báo cáo: {} (mã {})",
                header.unit_name, header.unit_code
            ),
            left.clone().set_bold(),
        ),
        (
            UNIT_ROW + 1,
            format!(
                "Thời hạn gửi báo cáo: {} (gửi qua hệ thống quản lý văn bản hoặc tải lên hệ thống \
                 báo cáo)",
                local_time_vi(header.deadline)
            ),
            left,
        ),
        (
            UNIT_ROW + 2,
            INSTRUCTIONS.to_owned(),
            print::font(print::TEXT_SIZE)
                .set_italic()
                .set_text_wrap()
                .set_align(FormatAlign::Top),
        ),
    ];
    let total: f64 = widths().iter().sum();
    for (row, text, format) in lines {
        print::write_across(sheet, row, WHOLE, &text, &format)?;
        let size = if row == PERIOD_ROW - 1 {
            print::TITLE_SIZE
        } else if row == UNIT_ROW + 2 {
            print::TEXT_SIZE
        } else {
            print::HEADING_SIZE
        };
        let lines = print::lines_needed(&[&text], &[total], size);
        sheet
            .set_row_height(row, print::height_of_lines(lines, size))
            .map_err(internal)?;
    }
    Ok(())
}

/// The target cell: `≥ 50 %`, and "Cần minh chứng" under it when evidence is required.
fn target_text(row: &FormRow) -> String {
    let target = row
        .target
        .as_ref()
        .map(|t| target_vi(t, row.kind, row.unit_of_measure.as_deref()));
    let evidence = row.evidence_required.then_some("Cần minh chứng");
    [target.as_deref(), evidence]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n")
}

/// The texts of a row, column by column, for its height.
fn texts(row: &FormRow, uom: &str) -> Vec<String> {
    let value = &row.value;
    let name = match &row.description {
        Some(description) => format!("{}\n{description}", row.name),
        None => row.name.clone(),
    };
    let answer = value
        .text
        .clone()
        .or_else(|| value.flag.map(|f| yes_no(f).to_owned()))
        .unwrap_or_default();
    vec![
        String::new(),
        row.code.clone(),
        name,
        uom.to_owned(),
        target_text(row),
        String::new(),
        String::new(),
        String::new(),
        answer,
        String::new(),
        String::new(),
        value.explanation.clone().unwrap_or_default(),
        value.note.clone().unwrap_or_default(),
    ]
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
        .write_number_with_format(at, Column::Number.index(), count, &styles.label_centred)
        .map_err(internal)?;
    sheet
        .write_string_with_format(at, Column::Code.index(), &row.code, &styles.label)
        .map_err(internal)?;
    write_name(sheet, at, row, styles)?;
    sheet
        .write_string_with_format(
            at,
            Column::UnitOfMeasure.index(),
            uom.as_str(),
            &styles.label_centred,
        )
        .map_err(internal)?;
    sheet
        .write_string_with_format(
            at,
            Column::Target.index(),
            target_text(row),
            &styles.label_centred,
        )
        .map_err(internal)?;
    write_percent(sheet, at, row, styles)?;
    let height = print::row_height(&texts(row, &uom), &widths());
    sheet.set_row_height(at, height).map_err(internal)?;

    for column in Column::INPUTS {
        let col = column.index();
        let locked_system_value = column == Column::SystemValue && row.system_value_locked;
        if !column.is_input_for(kind) || locked_system_value {
            let format = if locked_system_value {
                &styles.office
            } else {
                &styles.greyed
            };
            sheet.write_blank(at, col, format).map_err(internal)?;
            if locked_system_value {
                write_system_value(sheet, at, kind, value, format)?;
            }
            continue;
        }
        let format = match column {
            Column::Explanation | Column::Note => &styles.input_text,
            Column::Value if kind == IndicatorKind::Text => &styles.input_text,
            _ => &styles.input,
        };
        sheet.write_blank(at, col, format).map_err(internal)?;
        let validation = match (column, kind) {
            (Column::Numerator | Column::Denominator, _) => Some(&validations.non_negative),
            (Column::Value, IndicatorKind::Count) => Some(&validations.whole_non_negative),
            (Column::Value, IndicatorKind::Decimal) => Some(&validations.non_negative),
            (Column::Value, IndicatorKind::Boolean) => Some(&validations.yes_no),
            (Column::NotApplicable, _) => Some(&validations.mark),
            (Column::SystemValue, IndicatorKind::Boolean) => Some(&validations.yes_no),
            (Column::SystemValue, _) => Some(&validations.non_negative),
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
            Column::Value => value
                .text
                .clone()
                .or_else(|| value.flag.map(|f| yes_no(f).to_owned())),
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

/// The name, and under it in italics what the indicator counts.
fn write_name(sheet: &mut Worksheet, at: u32, row: &FormRow, styles: &Styles) -> Result<()> {
    let col = Column::Name.index();
    match row.description.as_deref().map(str::trim) {
        Some(description) if !description.is_empty() => {
            let plain = print::font(print::TEXT_SIZE);
            let italic = plain.clone().set_italic();
            let under = format!("\n{description}");
            let parts = [(&plain, row.name.as_str()), (&italic, under.as_str())];
            sheet
                .write_rich_string_with_format(at, col, &parts, &styles.label)
                .map_err(internal)?;
        }
        _ => {
            sheet
                .write_string_with_format(at, col, &row.name, &styles.label)
                .map_err(internal)?;
        }
    }
    Ok(())
}

/// A ratio's percentage as a formula of its numerator and denominator, with the value it has
/// now stored as the formula's result (so a reader that does not calculate shows it too).
fn write_percent(sheet: &mut Worksheet, at: u32, row: &FormRow, styles: &Styles) -> Result<()> {
    let col = Column::Percent.index();
    if row.kind != IndicatorKind::Ratio {
        return sheet
            .write_blank(at, col, &styles.greyed)
            .map(|_| ())
            .map_err(internal);
    }
    let cell = |column: Column| crate::cells::cell_name(at, column.index());
    let (n, d) = (cell(Column::Numerator), cell(Column::Denominator));
    let formula = format!("=IF(AND(ISNUMBER({n}),ISNUMBER({d}),{d}>0),{n}/{d}*100,\"\")");
    let result = match (row.value.numerator, row.value.denominator) {
        (Some(n), Some(d)) if d > Decimal::ZERO => n
            .checked_mul(Decimal::ONE_HUNDRED)
            .and_then(|n| n.checked_div(d))
            .map(|p| p.round_dp(10).normalize().to_string())
            .unwrap_or_default(),
        _ => String::new(),
    };
    sheet
        .write_formula_with_format(
            at,
            col,
            Formula::new(formula).set_result(result),
            &styles.percent,
        )
        .map_err(internal)?;
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
