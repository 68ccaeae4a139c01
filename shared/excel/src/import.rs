//! Reading a filled statistics form back into submission values.
//!
//! The form is checked first: it must be one of ours (the metadata sheet), for the expected
//! period and unit, with its columns where the layout puts them. Then every indicator row is
//! read, keyed by the code in the visible code column, and every problem is reported at once,
//! each naming its cell (`E9`) with a Vietnamese message.
//!
//! A row whose input cells are all empty reads as an empty value, which the submission rules
//! take as "not answered": importing a form replaces the values of every indicator it lists,
//! exactly as the form shows them (it came prefilled with the current values). Indicators the
//! form does not list keep their values. The Office's system-of-record figure survives an
//! empty cell, as it does for `PATCH`.

use std::collections::{BTreeMap, HashMap};

use calamine::{Data, DataType, Range};
use rust_decimal::Decimal;

use super::cells::{
    cell_name, check_calculated, is_blank, read_mark, read_number, read_text, read_yes_no,
    CellProblem,
};
use super::form::{
    meta_keys, Column, FIRST_DATA_ROW, FORM_KIND, FORM_SHEET, FORM_VERSION, HEADER_ROW, META_SHEET,
    PERIOD_ROW, UNIT_ROW,
};
use super::guard::{open_bounded, Limits, WorkbookRefusal};
use cchc_domain::error::FieldError;
use cchc_domain::model::indicator::IndicatorKind;
use cchc_domain::model::submission::ValueInput;
use cchc_domain::rules::attachments::{FileType, Sniffed};

/// What the form must be.
#[derive(Debug, Clone)]
pub struct ExpectedForm<'a> {
    pub period_code: &'a str,
    pub unit_code: &'a str,
    /// The period's indicators: code and kind.
    pub indicators: &'a [(String, IndicatorKind)],
}

/// Why a workbook was not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormError {
    /// Not an `.xlsx` workbook, damaged, or missing the form's sheet.
    InvalidWorkbook(String),
    /// A workbook, but not this period's form for this unit (or its layout was changed).
    Mismatch(Vec<FieldError>),
    /// Cells that cannot be read, every one.
    Cells(Vec<FieldError>),
    /// Past the limits of what the service reads (see `excel::guard`).
    Refused(WorkbookRefusal),
}

impl From<WorkbookRefusal> for FormError {
    fn from(refusal: WorkbookRefusal) -> Self {
        match refusal {
            WorkbookRefusal::Unreadable => Self::InvalidWorkbook(refusal.message()),
            other => Self::Refused(other),
        }
    }
}

/// The values a form gives, by indicator code, and where each indicator's row is.
#[derive(Debug, Clone, Default)]
pub struct ParsedForm {
    pub values: BTreeMap<String, ValueInput>,
    rows: HashMap<String, u32>,
    /// Indicators the downloaded form listed that the returned one no longer has (a row
    /// deleted, or the sheet copied without it): their values are kept, and the person told.
    pub missing: Vec<String>,
}

impl ParsedForm {
    /// The cell of a submission field such as `values.TL-DUNGHAN.numerator` (or the code
    /// cell for `values.TL-DUNGHAN`), so problems the submission rules find name a cell too.
    pub fn cell_of(&self, field: &str) -> Option<String> {
        let rest = field.strip_prefix("values.")?;
        if let Some(row) = self.rows.get(rest) {
            return Some(cell_name(*row, Column::Code.index()));
        }
        // Codes may contain dots, so split at the last one.
        let (code, subfield) = rest.rsplit_once('.')?;
        let row = self.rows.get(code)?;
        Some(cell_name(*row, Column::of_field(subfield)?.index()))
    }
}

fn problem(row: u32, column: Column, code: &str, message: impl Into<String>) -> FieldError {
    FieldError::new(cell_name(row, column.index()), code, message)
}

fn cell(range: &Range<Data>, row: u32, column: Column) -> &Data {
    range
        .get_value((row, u32::from(column.index())))
        .unwrap_or(&Data::Empty)
}

/// Reads the form in `bytes`, checking it is the one `expected` describes, within the
/// workbook limits. Synchronous and CPU-bound: call it off the async worker threads.
pub fn parse_form(bytes: &[u8], expected: &ExpectedForm) -> Result<ParsedForm, FormError> {
    refuse_other_spreadsheets(bytes)?;
    let mut workbook = open_bounded(bytes, Limits::WORKBOOK)?;
    let meta = match workbook.sheet(META_SHEET) {
        Ok(Some(meta)) => meta,
        Ok(None) | Err(WorkbookRefusal::Unreadable) => return Err(not_a_form()),
        Err(refusal) => return Err(refusal.into()),
    };
    check_identity(&meta, expected)?;
    let missing =
        || FormError::InvalidWorkbook(format!("tệp thiếu trang \"{FORM_SHEET}\" của biểu mẫu"));
    let sheet = match workbook.sheet(FORM_SHEET) {
        Ok(Some(sheet)) => sheet,
        Ok(None) | Err(WorkbookRefusal::Unreadable) => return Err(missing()),
        Err(refusal) => return Err(refusal.into()),
    };
    check_layout(&sheet)?;
    let mut parsed = read_rows(&sheet, expected)?;
    parsed.missing = listed_codes(&meta)
        .into_iter()
        .filter(|code| {
            !parsed.values.contains_key(code) && expected.indicators.iter().any(|(c, _)| c == code)
        })
        .collect();
    Ok(parsed)
}

/// The indicator codes the form was made with, from its metadata, in order.
fn listed_codes(meta: &Range<Data>) -> Vec<String> {
    meta.rows()
        .skip_while(|row| !matches!(row.first(), Some(Data::String(k)) if k == meta_keys::ROWS))
        .skip(1)
        .filter_map(|row| row.get(1).and_then(read_text))
        .collect()
}

fn not_a_form() -> FormError {
    FormError::Mismatch(vec![FieldError::new(
        "A1",
        "not_a_form",
        "tệp không phải biểu mẫu thống kê của hệ thống; hãy tải biểu mẫu của kỳ báo cáo và điền \
         vào đó",
    )])
}

fn meta_value<'a>(meta: &'a Range<Data>, key: &str) -> Option<&'a Data> {
    meta.rows()
        .find(|row| matches!(row.first(), Some(Data::String(k)) if k == key))
        .and_then(|row| row.get(1))
}

fn meta_text(meta: &Range<Data>, key: &str) -> Option<String> {
    meta_value(meta, key).and_then(read_text)
}

fn check_identity(meta: &Range<Data>, expected: &ExpectedForm) -> Result<(), FormError> {
    if meta_text(meta, meta_keys::FORM).as_deref() != Some(FORM_KIND) {
        return Err(not_a_form());
    }
    let version = meta_value(meta, meta_keys::VERSION).and_then(|v| v.as_i64());
    if version != Some(FORM_VERSION) {
        return Err(FormError::Mismatch(vec![FieldError::new(
            "A1",
            "form_version",
            "biểu mẫu theo mẫu cũ; hãy tải biểu mẫu mới của kỳ báo cáo",
        )]));
    }
    let mut errors = Vec::new();
    let period = meta_text(meta, meta_keys::PERIOD_CODE).unwrap_or_default();
    if period != expected.period_code {
        errors.push(problem(
            PERIOD_ROW,
            Column::Number,
            "form_mismatch",
            format!(
                "biểu mẫu của kỳ báo cáo {period}, không phải kỳ {}",
                expected.period_code
            ),
        ));
    }
    let unit = meta_text(meta, meta_keys::UNIT_CODE).unwrap_or_default();
    if unit != expected.unit_code {
        errors.push(problem(
            UNIT_ROW,
            Column::Number,
            "form_mismatch",
            format!(
                "biểu mẫu của đơn vị {unit}, không phải đơn vị {}",
                expected.unit_code
            ),
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(FormError::Mismatch(errors))
    }
}

/// Every column must still be where the layout puts it: an inserted or deleted column would
/// otherwise shift values into the wrong fields.
fn check_layout(sheet: &Range<Data>) -> Result<(), FormError> {
    let errors: Vec<FieldError> = Column::ALL
        .into_iter()
        .filter(|column| {
            read_text(cell(sheet, HEADER_ROW, *column)).as_deref() != Some(column.header())
        })
        .map(|column| {
            problem(
                HEADER_ROW,
                column,
                "layout_changed",
                format!(
                    "tiêu đề cột phải là \"{}\"; không thêm, xóa hoặc đổi tên cột của biểu mẫu",
                    column.header()
                ),
            )
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(FormError::Mismatch(errors))
    }
}

fn read_rows(sheet: &Range<Data>, expected: &ExpectedForm) -> Result<ParsedForm, FormError> {
    let kinds: HashMap<&str, IndicatorKind> = expected
        .indicators
        .iter()
        .map(|(code, kind)| (code.as_str(), *kind))
        .collect();
    let last_row = sheet.end().map_or(0, |(row, _)| row);
    let mut parsed = ParsedForm::default();
    let mut errors = Vec::new();
    for row in FIRST_DATA_ROW..=last_row {
        let inputs = Column::INPUTS.into_iter();
        let Some(code) = read_text(cell(sheet, row, Column::Code)) else {
            if inputs.clone().any(|c| !is_blank(cell(sheet, row, c))) {
                errors.push(problem(
                    row,
                    Column::Code,
                    "missing_code",
                    "dòng có số liệu nhưng thiếu mã chỉ tiêu",
                ));
            }
            continue;
        };
        let Some(kind) = kinds.get(code.as_str()).copied() else {
            errors.push(problem(
                row,
                Column::Code,
                "unknown_indicator",
                format!("mã chỉ tiêu {code} không thuộc kỳ báo cáo này"),
            ));
            continue;
        };
        if let Some(first) = parsed.rows.get(&code) {
            errors.push(problem(
                row,
                Column::Code,
                "duplicate_indicator",
                format!("chỉ tiêu {code} đã có ở dòng {}", first + 1),
            ));
            continue;
        }
        let value = read_value(sheet, row, kind, &mut errors);
        parsed.rows.insert(code.clone(), row);
        parsed.values.insert(code, value);
    }
    if errors.is_empty() {
        Ok(parsed)
    } else {
        Err(FormError::Cells(errors))
    }
}

fn report(errors: &mut Vec<FieldError>, row: u32, column: Column, problem: CellProblem) {
    errors.push(self::problem(row, column, problem.code, problem.message));
}

fn invalid(code: &'static str, message: &str) -> CellProblem {
    CellProblem {
        code,
        message: message.to_owned(),
    }
}

/// A number cell of the row: not negative, and whole where `whole`.
fn number_cell(
    sheet: &Range<Data>,
    row: u32,
    column: Column,
    whole: bool,
    errors: &mut Vec<FieldError>,
) -> Option<Decimal> {
    let checked = read_number(cell(sheet, row, column)).and_then(|value| match value {
        Some(v) if v.is_sign_negative() && !v.is_zero() => {
            Err(invalid("negative", "không được là số âm"))
        }
        Some(v) if whole && !v.fract().is_zero() => Err(invalid("not_whole", "phải là số nguyên")),
        other => Ok(other),
    });
    checked.unwrap_or_else(|problem| {
        report(errors, row, column, problem);
        None
    })
}

/// A yes/no indicator's system-of-record figure: Có/Không as the drop-down offers, or the
/// 1 and 0 the system stores.
fn yes_no_figure(data: &Data) -> Result<Option<Decimal>, CellProblem> {
    let as_figure = |flag: bool| if flag { Decimal::ONE } else { Decimal::ZERO };
    match data {
        Data::Int(_) | Data::Float(_) => match read_number(data)? {
            Some(v) if v.is_zero() || v == Decimal::ONE => Ok(Some(v)),
            _ => Err(invalid("invalid_choice", "chỉ chọn Có hoặc Không")),
        },
        other => Ok(read_yes_no(other)?.map(as_figure)),
    }
}

/// A text cell; a formula whose result was never calculated is a problem, not an empty text.
fn text_cell(
    data: &Data,
    row: u32,
    column: Column,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    if let Err(problem) = check_calculated(data) {
        report(errors, row, column, problem);
        return None;
    }
    read_text(data)
}

/// One indicator's row; problems go to `errors`.
fn read_value(
    sheet: &Range<Data>,
    row: u32,
    kind: IndicatorKind,
    errors: &mut Vec<FieldError>,
) -> ValueInput {
    let mut value = ValueInput::default();
    for column in Column::INPUTS {
        let data = cell(sheet, row, column);
        if !column.is_input_for(kind) {
            if !is_blank(data) {
                let problem = invalid(
                    "not_for_kind",
                    "ô này không dùng cho loại chỉ tiêu của dòng; hãy để trống",
                );
                report(errors, row, column, problem);
            }
            continue;
        }
        match column {
            Column::Numerator => value.numerator = number_cell(sheet, row, column, false, errors),
            Column::Denominator => {
                value.denominator = number_cell(sheet, row, column, false, errors)
            }
            Column::Value => match kind {
                IndicatorKind::Boolean => {
                    value.flag = read_yes_no(data).unwrap_or_else(|problem| {
                        report(errors, row, column, problem);
                        None
                    });
                }
                IndicatorKind::Text => value.text = text_cell(data, row, column, errors),
                _ => {
                    let whole = kind == IndicatorKind::Count;
                    value.number = number_cell(sheet, row, column, whole, errors);
                }
            },
            Column::SystemValue if kind == IndicatorKind::Boolean => {
                value.system_value = yes_no_figure(data).unwrap_or_else(|problem| {
                    report(errors, row, column, problem);
                    None
                });
            }
            Column::SystemValue => {
                value.system_value = number_cell(sheet, row, column, false, errors)
            }
            Column::NotApplicable => {
                let marked = read_mark(data).unwrap_or_else(|problem| {
                    report(errors, row, column, problem);
                    false
                });
                value.not_applicable = marked.then_some(true);
            }
            Column::Explanation => value.explanation = text_cell(data, row, column, errors),
            Column::Note => value.note = text_cell(data, row, column, errors),
            _ => {}
        }
    }
    value
}

/// LibreOffice saves as `.ods` unless told otherwise, and old offices still keep `.xls`: say
/// how to save as `.xlsx` instead of calling the file unreadable.
fn refuse_other_spreadsheets(bytes: &[u8]) -> Result<(), FormError> {
    const ODS: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";
    // An ODF package starts with its uncompressed `mimetype` entry.
    let head = &bytes[..bytes.len().min(128)];
    let extension = if head.starts_with(b"PK\x03\x04") && head.windows(ODS.len()).any(|w| w == ODS)
    {
        Some("ods")
    } else if crate::files::sniff(bytes) == Sniffed::Known(FileType::Xls) {
        Some("xls")
    } else {
        None
    };
    match extension {
        Some(extension) => Err(FormError::Refused(WorkbookRefusal::NotXlsx { extension })),
        None => Ok(()),
    }
}

/// The sheet named `preferred` of the workbook in `bytes` (its first sheet when none has that
/// name), read within the guard's limits.
pub fn open_sheet(bytes: &[u8], preferred: &str) -> Result<Range<Data>, FormError> {
    refuse_other_spreadsheets(bytes)?;
    let mut workbook = open_bounded(bytes, Limits::WORKBOOK)?;
    let names = workbook.sheet_names();
    let sheet_name = names
        .iter()
        .find(|n| n.as_str() == preferred)
        .or(names.first())
        .cloned()
        .ok_or_else(|| FormError::InvalidWorkbook("tệp không có trang tính nào".into()))?;
    match workbook.sheet(&sheet_name) {
        Ok(Some(range)) => Ok(range),
        Ok(None) | Err(WorkbookRefusal::Unreadable) => Err(FormError::InvalidWorkbook(
            "không đọc được trang tính".into(),
        )),
        Err(refusal) => Err(refusal.into()),
    }
}

#[cfg(test)]
mod tests {
    use rust_xlsxwriter::Workbook;

    use super::*;
    use crate::form::tests::{dec, sample_form};
    use crate::form::{build_form, data_row, form_workbook, StatisticsForm};

    fn indicators(form: &StatisticsForm) -> Vec<(String, IndicatorKind)> {
        form.rows.iter().map(|r| (r.code.clone(), r.kind)).collect()
    }

    fn parse(bytes: &[u8], period: &str, unit: &str) -> Result<ParsedForm, FormError> {
        let indicators = indicators(&sample_form(false));
        parse_form(
            bytes,
            &ExpectedForm {
                period_code: period,
                unit_code: unit,
                indicators: &indicators,
            },
        )
    }

    /// A cell a person typed: a number or text.
    enum Typed {
        Number(f64),
        Text(&'static str),
    }

    /// The empty form with cells typed in (`(A1 row, column, what)`), as Excel would store them.
    fn typed(cells: &[(u32, Column, Typed)]) -> Vec<u8> {
        let mut workbook = form_workbook(&sample_form(false)).unwrap();
        let sheet = workbook.worksheet_from_name(FORM_SHEET).unwrap();
        for (row, column, value) in cells {
            let (row, col) = (row - 1, column.index());
            match value {
                Typed::Number(n) => sheet.write_number(row, col, *n).unwrap(),
                Typed::Text(t) => sheet.write_string(row, col, *t).unwrap(),
            };
        }
        workbook.save_to_buffer().unwrap()
    }

    fn cell_errors(result: Result<ParsedForm, FormError>) -> Vec<(String, String)> {
        match result {
            Err(FormError::Cells(errors) | FormError::Mismatch(errors)) => {
                errors.into_iter().map(|e| (e.field, e.code)).collect()
            }
            other => panic!("expected cell errors, got {other:?}"),
        }
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(f, c)| ((*f).to_owned(), (*c).to_owned()))
            .collect()
    }

    #[test]
    fn a_prefilled_form_reads_back_the_values_it_shows() {
        let form = sample_form(true);
        let parsed = parse(&build_form(&form).unwrap(), "2026-Q4", "KHTC").unwrap();
        let expected: BTreeMap<String, ValueInput> = form
            .rows
            .iter()
            .map(|r| (r.code.clone(), r.value.clone()))
            .collect();
        assert_eq!(parsed.values, expected);
    }

    #[test]
    fn an_untouched_empty_form_gives_an_empty_value_for_every_indicator() {
        let parsed = parse(&build_form(&sample_form(false)).unwrap(), "2026-Q4", "KHTC").unwrap();
        assert_eq!(parsed.values.len(), 5);
        assert!(parsed.values.values().all(|v| *v == ValueInput::default()));
    }

    #[test]
    fn cells_typed_as_a_person_would_are_read() {
        let bytes = typed(&[
            (12, Column::Numerator, Typed::Number(1200.0)),
            // Pasted as text, Vietnamese thousands separator.
            (12, Column::Denominator, Typed::Text("1.234")),
            (12, Column::SystemValue, Typed::Text("97,25")),
            (13, Column::Value, Typed::Text(" 15 ")),
            (14, Column::Value, Typed::Text("1,5")),
            (14, Column::Note, Typed::Number(2023.0)),
            (15, Column::Value, Typed::Text("không")),
            (15, Column::SystemValue, Typed::Text("Có")),
            (
                16,
                Column::Value,
                Typed::Text("  Tiếp nhận hồ sơ trực tuyến "),
            ),
            (16, Column::NotApplicable, Typed::Text("X")),
            (16, Column::Explanation, Typed::Text("Không phát sinh")),
        ]);
        let values = parse(&bytes, "2026-Q4", "KHTC").unwrap().values;
        let ratio = &values["TL-DUNGHAN"];
        assert_eq!(ratio.numerator, Some(dec("1200")));
        assert_eq!(ratio.denominator, Some(dec("1234")));
        assert_eq!(ratio.system_value, Some(dec("97.25")));
        assert_eq!(values["SL-VANBAN"].number, Some(dec("15")));
        assert_eq!(values["KP-CCHC"].number, Some(dec("1.5")));
        assert_eq!(values["KP-CCHC"].note.as_deref(), Some("2023"));
        assert_eq!(values["CO-MOTCUA"].flag, Some(false));
        assert_eq!(values["CO-MOTCUA"].system_value, Some(Decimal::ONE));
        let text = &values["ND-SANGKIEN"];
        assert_eq!(text.text.as_deref(), Some("Tiếp nhận hồ sơ trực tuyến"));
        assert_eq!(text.not_applicable, Some(true));
        assert_eq!(text.explanation.as_deref(), Some("Không phát sinh"));
    }

    #[test]
    fn every_problem_is_reported_at_once_with_its_cell() {
        let bytes = typed(&[
            (12, Column::Numerator, Typed::Text("chín mươi")),
            (12, Column::Denominator, Typed::Number(-5.0)),
            (12, Column::Value, Typed::Number(3.0)),
            (13, Column::Value, Typed::Number(2.5)),
            (14, Column::Value, Typed::Text("1.5")),
            (14, Column::NotApplicable, Typed::Text("có")),
            (15, Column::Value, Typed::Text("Có lẽ")),
            (15, Column::SystemValue, Typed::Number(2.0)),
            (24, Column::Code, Typed::Text("TL-KHAC")),
            (25, Column::Value, Typed::Number(1.0)),
            (26, Column::Code, Typed::Text("SL-VANBAN")),
        ]);
        assert_eq!(
            cell_errors(parse(&bytes, "2026-Q4", "KHTC")),
            pairs(&[
                ("F12", "not_a_number"),
                ("G12", "negative"),
                ("I12", "not_for_kind"),
                ("I13", "not_whole"),
                ("I14", "not_a_number"),
                ("J14", "invalid_mark"),
                ("I15", "invalid_choice"),
                ("K15", "invalid_choice"),
                ("B24", "unknown_indicator"),
                ("B25", "missing_code"),
                ("B26", "duplicate_indicator"),
            ])
        );
        let Err(FormError::Cells(errors)) = parse(&bytes, "2026-Q4", "KHTC") else {
            unreachable!()
        };
        let message = |cell: &str| {
            errors
                .iter()
                .find(|e| e.field == cell)
                .map(|e| e.message.clone())
                .unwrap()
        };
        assert_eq!(message("F12"), "phải là số");
        assert_eq!(message("G12"), "không được là số âm");
        assert_eq!(message("I15"), "chỉ chọn Có hoặc Không");
        assert_eq!(
            message("B24"),
            "mã chỉ tiêu TL-KHAC không thuộc kỳ báo cáo này"
        );
        assert_eq!(message("B26"), "chỉ tiêu SL-VANBAN đã có ở dòng 13");
    }

    #[test]
    fn a_form_of_another_period_or_unit_is_refused() {
        let bytes = build_form(&sample_form(true)).unwrap();
        assert_eq!(
            cell_errors(parse(&bytes, "2027-Q1", "QLTM")),
            pairs(&[("A6", "form_mismatch"), ("A8", "form_mismatch")])
        );
        let Err(FormError::Mismatch(errors)) = parse(&bytes, "2026-Q4", "QLTM") else {
            panic!("expected a mismatch")
        };
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors[0].message,
            "biểu mẫu của đơn vị KHTC, không phải đơn vị QLTM"
        );
    }

    #[test]
    fn a_workbook_that_is_not_a_form_is_refused() {
        assert!(matches!(
            parse(b"PK\x03\x04 not really a zip", "2026-Q4", "KHTC"),
            Err(FormError::InvalidWorkbook(_))
        ));
        assert!(matches!(
            parse(b"", "2026-Q4", "KHTC"),
            Err(FormError::InvalidWorkbook(_))
        ));
        let mut other = Workbook::new();
        other
            .add_worksheet()
            .write_string(0, 0, "Bảng lương")
            .unwrap();
        assert_eq!(
            cell_errors(parse(&other.save_to_buffer().unwrap(), "2026-Q4", "KHTC")),
            pairs(&[("A1", "not_a_form")])
        );
    }

    #[test]
    fn a_workbook_past_the_limits_is_refused_before_its_grid_is_built() {
        use crate::guard::tests::{deflate_bomb, far_corners};

        // The metadata sheet is read first: the whole grid there used to be allocated.
        for declared in [true, false] {
            let Err(FormError::Refused(refusal)) =
                parse(&far_corners(META_SHEET, declared), "2026-Q4", "KHTC")
            else {
                panic!("expected a refusal");
            };
            assert_eq!(refusal.code(), "sheet_too_large");
        }
        let Err(FormError::Refused(refusal)) = parse(
            &deflate_bomb(META_SHEET, 8 * 1024 * 1024),
            "2026-Q4",
            "KHTC",
        ) else {
            panic!("expected a refusal");
        };
        assert_eq!(refusal.code(), "workbook_too_large");
    }

    #[test]
    fn a_changed_column_layout_is_refused() {
        let bytes = typed(&[(11, Column::Numerator, Typed::Text("Mẫu số"))]);
        assert_eq!(
            cell_errors(parse(&bytes, "2026-Q4", "KHTC")),
            pairs(&[("F11", "layout_changed")])
        );
    }

    #[test]
    fn submission_fields_map_to_their_cells() {
        let parsed = parse(&build_form(&sample_form(false)).unwrap(), "2026-Q4", "KHTC").unwrap();
        assert_eq!(
            parsed.cell_of("values.TL-DUNGHAN.numerator").as_deref(),
            Some("F12")
        );
        assert_eq!(
            parsed.cell_of("values.CO-MOTCUA.system_value").as_deref(),
            Some("K15")
        );
        assert_eq!(
            parsed.cell_of("values.ND-SANGKIEN.explanation").as_deref(),
            Some("L16")
        );
        assert_eq!(parsed.cell_of("values.SL-VANBAN").as_deref(), Some("B13"));
        assert_eq!(parsed.cell_of("values.SL-VANBAN.evidence"), None);
        assert_eq!(parsed.cell_of("narrative"), None);
        assert_eq!(data_row(0), FIRST_DATA_ROW);
    }

    #[test]
    fn a_percentage_formatted_cell_reads_as_the_percentage_shown() {
        let mut workbook = form_workbook(&sample_form(false)).unwrap();
        let sheet = workbook.worksheet_from_name(FORM_SHEET).unwrap();
        let percent = rust_xlsxwriter::Format::new().set_num_format("0%");
        // 96 % typed into the ratio's system value, 12,5 % into the decimal's answer.
        sheet
            .write_number_with_format(data_row(0), Column::SystemValue.index(), 0.96, &percent)
            .unwrap();
        sheet
            .write_number_with_format(data_row(2), Column::Value.index(), 0.125, &percent)
            .unwrap();
        let values = parse(&workbook.save_to_buffer().unwrap(), "2026-Q4", "KHTC")
            .unwrap()
            .values;
        assert_eq!(values["TL-DUNGHAN"].system_value, Some(dec("96")));
        assert_eq!(values["KP-CCHC"].number, Some(dec("12.5")));
    }

    /// The package with one part's text changed.
    fn rewrite_part(bytes: &[u8], name: &str, change: impl Fn(String) -> String) -> Vec<u8> {
        use std::io::Read;
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut entries = Vec::new();
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).unwrap();
            let mut content = Vec::new();
            entry.read_to_end(&mut content).unwrap();
            let entry_name = entry.name().unwrap().into_owned();
            if entry_name == name {
                let changed = change(String::from_utf8(content).unwrap());
                assert!(changed.len() < bytes.len() * 100);
                content = changed.into_bytes();
            }
            entries.push((entry_name, content));
        }
        let borrowed: Vec<(&str, &[u8])> = entries
            .iter()
            .map(|(n, c)| (n.as_str(), c.as_slice()))
            .collect();
        crate::guard::tests::zip_of(&borrowed)
    }

    #[test]
    fn a_formula_without_a_stored_result_is_refused_with_its_cell() {
        let mut workbook = form_workbook(&sample_form(false)).unwrap();
        let sheet = workbook.worksheet_from_name(FORM_SHEET).unwrap();
        sheet
            .write_formula(data_row(1), Column::Value.index(), "=SUM(5,7)")
            .unwrap();
        // As a program that does not calculate writes it: the formula, no cached value.
        let bytes = rewrite_part(
            &workbook.save_to_buffer().unwrap(),
            "xl/worksheets/sheet1.xml",
            |xml| xml.replace("<f>SUM(5,7)</f><v>0</v>", "<f>SUM(5,7)</f>"),
        );
        assert_eq!(
            cell_errors(parse(&bytes, "2026-Q4", "KHTC")),
            pairs(&[("I13", "formula_not_calculated")])
        );
    }

    #[test]
    fn a_deleted_indicator_row_is_named_and_its_value_kept() {
        let mut workbook = form_workbook(&sample_form(false)).unwrap();
        let sheet = workbook.worksheet_from_name(FORM_SHEET).unwrap();
        // The count's row emptied as if deleted: no code, no value.
        for column in Column::ALL {
            sheet
                .write_blank(data_row(1), column.index(), &rust_xlsxwriter::Format::new())
                .unwrap();
        }
        let parsed = parse(&workbook.save_to_buffer().unwrap(), "2026-Q4", "KHTC").unwrap();
        assert_eq!(parsed.missing, ["SL-VANBAN"]);
        assert!(!parsed.values.contains_key("SL-VANBAN"));
        assert_eq!(parsed.values.len(), 4);
    }

    #[test]
    fn a_form_saved_as_ods_or_xls_is_refused_saying_to_save_as_xlsx() {
        use std::io::Write;
        // LibreOffice's default: an ODF package whose first, stored entry is its mimetype.
        let mut ods = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        ods.start_file("mimetype", stored).unwrap();
        ods.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .unwrap();
        ods.start_file("content.xml", stored).unwrap();
        ods.write_all(b"<office:document-content/>").unwrap();
        let ods = ods.finish().unwrap().into_inner();
        // Excel 97–2003: a compound file with a Workbook stream.
        let mut xls = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
        xls.create_stream("/Workbook")
            .unwrap()
            .write_all(&[0; 600])
            .unwrap();
        let xls = xls.into_inner().into_inner();
        for (bytes, extension) in [(ods, "ods"), (xls, "xls")] {
            let Err(FormError::Refused(refusal)) = parse(&bytes, "2026-Q4", "KHTC") else {
                panic!("expected a refusal for .{extension}");
            };
            assert_eq!(refusal.code(), "not_xlsx");
            let message = refusal.message();
            assert!(message.contains(&format!(".{extension}")), "{message}");
            assert!(message.contains("Lưu thành"), "{message}");
            assert!(matches!(
                open_sheet(&bytes, "Sheet1"),
                Err(FormError::Refused(WorkbookRefusal::NotXlsx { .. }))
            ));
        }
    }
}
