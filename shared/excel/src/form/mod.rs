//! The statistics form (biểu mẫu thống kê) of one unit for one period.
//!
//! Layout of the sheet [`FORM_SHEET`], printed on A4 landscape (see `print`): the Decree 30
//! header block (the department above the unit; the national title and motto; the date line),
//! the title, the period, its data window, the unit, the deadline and the instructions, the
//! header on row [`HEADER_ROW`] + 1 and one row per indicator from row [`FIRST_DATA_ROW`] + 1,
//! in the period's order, then the "Người lập biểu / Thủ trưởng đơn vị" signature block. The
//! columns are fixed ([`Column`]); each indicator kind has its own input cells and the others
//! are greyed and locked. The sheet is protected, so only input cells can be typed in; numeric
//! cells carry a "number ≥ 0" validation and choice cells a drop-down list.
//!
//! Each row says what the unit needs to answer it: the indicator's definition under its name
//! (what the numerator and denominator count), its target, whether evidence is required, and
//! for a ratio the percentage computed from the numerator and denominator as they are typed.
//!
//! What identifies the form — period code, unit code, and which row holds which indicator —
//! is kept twice: visibly (title rows and the code column) and in the very hidden, protected
//! sheet [`META_SHEET`], which the import checks before reading any value.

mod sheet;
#[cfg(test)]
pub(crate) mod tests;

use chrono::{DateTime, FixedOffset, NaiveDate};
use rust_xlsxwriter::{Workbook, Worksheet};

use super::internal;
use cchc_domain::model::indicator::{IndicatorKind, Target};
use cchc_domain::model::letterhead::Letterhead;
use cchc_domain::model::submission::ValueInput;
use cchc_domain::Result;

/// The sheet a unit fills in.
pub const FORM_SHEET: &str = "Biểu mẫu";
/// The very hidden sheet that says which form this is.
pub const META_SHEET: &str = "cchc";
/// Written in the metadata so that another workbook is never taken for a form.
pub const FORM_KIND: &str = "cchc-bieu-mau-thong-ke";
/// Layout version; an import refuses forms of another layout. Version 2 (December 2026):
/// print layout, one answer column for numbers, choices and text, the target and the computed
/// percentage.
pub const FORM_VERSION: i64 = 2;

/// Zero-based row of the period title, the unit and the header.
pub const PERIOD_ROW: u32 = 5;
pub const UNIT_ROW: u32 = 7;
pub const HEADER_ROW: u32 = 10;
/// Zero-based row of the first indicator.
pub const FIRST_DATA_ROW: u32 = 11;

/// The form's columns, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Number,
    Code,
    Name,
    UnitOfMeasure,
    Target,
    Numerator,
    Denominator,
    /// A ratio's percentage, computed by a formula from the numerator and denominator.
    Percent,
    /// The answer of a count, decimal, yes/no or text indicator.
    Value,
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
        Column::Target,
        Column::Numerator,
        Column::Denominator,
        Column::Percent,
        Column::Value,
        Column::NotApplicable,
        Column::SystemValue,
        Column::Explanation,
        Column::Note,
    ];

    /// The columns a unit may type in, for some kind of indicator.
    pub const INPUTS: [Column; 7] = [
        Column::Numerator,
        Column::Denominator,
        Column::Value,
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
            Column::Name => "Tên chỉ tiêu, cách tính",
            Column::UnitOfMeasure => "Đơn vị tính",
            Column::Target => "Mục tiêu, minh chứng",
            Column::Numerator => "Tử số",
            Column::Denominator => "Mẫu số",
            Column::Percent => "Tỷ lệ (%)",
            Column::Value => "Số liệu hoặc nội dung",
            Column::NotApplicable => "Không áp dụng (x)",
            Column::SystemValue => "Số liệu hệ thống",
            Column::Explanation => "Giải trình",
            Column::Note => "Ghi chú",
        }
    }

    /// Width in spreadsheet units: together they fit A4 landscape at 92 % or more, so 12-point
    /// text prints at 11 points or more (a test checks it).
    pub fn width(self) -> f64 {
        match self {
            Column::Number => 4.0,
            Column::Code => 12.0,
            Column::Name => 25.5,
            Column::UnitOfMeasure => 6.0,
            Column::Target => 8.5,
            Column::Numerator | Column::Denominator => 8.0,
            Column::Percent => 6.5,
            Column::Value => 13.0,
            Column::NotApplicable => 5.5,
            Column::SystemValue => 8.5,
            Column::Explanation => 12.0,
            Column::Note => 8.0,
        }
    }

    /// Whether a unit types into this column for an indicator of `kind`.
    pub fn is_input_for(self, kind: IndicatorKind) -> bool {
        match self {
            Column::Number
            | Column::Code
            | Column::Name
            | Column::UnitOfMeasure
            | Column::Target
            | Column::Percent => false,
            Column::Numerator | Column::Denominator => kind == IndicatorKind::Ratio,
            Column::Value => kind != IndicatorKind::Ratio,
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
            "number" | "flag" | "text" => Column::Value,
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
    /// The data window (thời gian chốt số liệu), both days inclusive.
    pub data_from: NaiveDate,
    pub data_to: NaiveDate,
    pub unit_code: String,
    pub unit_name: String,
    /// The header block: the department above the unit, the place of the date line.
    pub letterhead: Letterhead,
    /// The deadline that applies to the unit (its extension's, or the period's), local time.
    pub deadline: DateTime<FixedOffset>,
}

/// One indicator row, with what the unit has already given.
#[derive(Debug, Clone)]
pub struct FormRow {
    pub code: String,
    pub name: String,
    /// What the indicator counts (for a ratio: its numerator and denominator).
    pub description: Option<String>,
    pub kind: IndicatorKind,
    pub unit_of_measure: Option<String>,
    pub target: Option<Target>,
    pub evidence_required: bool,
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

/// Zero-based sheet row of the `i`-th indicator.
pub fn data_row(i: usize) -> u32 {
    FIRST_DATA_ROW.saturating_add(u32::try_from(i).unwrap_or(u32::MAX))
}

/// Builds the `.xlsx` form.
pub fn build_form(form: &StatisticsForm) -> Result<Vec<u8>> {
    form_workbook(form)?.save_to_buffer().map_err(internal)
}

/// The form as a workbook still open for writing (tests fill it in as a person would).
pub(crate) fn form_workbook(form: &StatisticsForm) -> Result<Workbook> {
    let mut workbook = crate::print::new_workbook()?;
    let sheet = workbook.add_worksheet();
    sheet::write_form_sheet(sheet, form)?;
    let meta = workbook.add_worksheet();
    write_metadata(meta, form)?;
    Ok(workbook)
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
pub(crate) const META_FIRST_ROW: u32 = 8;

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
