//! Reading single cells of a filled form: naming them as Excel does, and turning what a person
//! typed into numbers, yes/no answers and text.
//!
//! # Numbers stored as text
//!
//! A number typed into a numeric cell is stored as a number, whatever the separators on the
//! screen, so most cells need no interpretation. A number that ends up stored as text (pasted
//! from Word or a web page, typed with a leading apostrophe, or typed in a separator style that
//! the computer's Excel does not use) is read by the Vietnamese convention (Windows `vi-VN`,
//! TCVN): `.` groups thousands and `,` separates decimals, so `1.234` is one thousand two
//! hundred and thirty-four and `1,5` is one and a half. Anything that convention does not
//! explain — `1.5`, `1,234.5`, `12.34.5` — is refused with a message saying how to write it,
//! rather than guessed: a statistic read a thousand times too large is worse than a question.

use calamine::{CellErrorType, Data};
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;

/// Excel's name of the zero-based `(row, column)`, e.g. `(6, 4)` → `E7`.
pub fn cell_name(row: u32, column: u16) -> String {
    rust_xlsxwriter::utility::row_col_to_cell(row, column)
}

/// Why a cell could not be read; `code` is stable, `message` is Vietnamese for staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellProblem {
    pub code: &'static str,
    pub message: String,
}

impl CellProblem {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

/// How the workbook reader marks a cell holding a formula whose result was never stored (a
/// file written by a program that does not calculate, and not opened and saved since).
pub const NOT_CALCULATED: CellErrorType = CellErrorType::GettingData;

/// Refuses a formula without a stored result: reading it as empty would silently drop what
/// the person meant to give.
pub fn check_calculated(data: &Data) -> Result<(), CellProblem> {
    match data {
        Data::Error(error) if *error == NOT_CALCULATED => Err(CellProblem::new(
            "formula_not_calculated",
            "ô có công thức nhưng chưa có kết quả (tệp chưa được tính lại); hãy mở tệp bằng \
             Excel hoặc LibreOffice, lưu lại rồi gửi",
        )),
        _ => Ok(()),
    }
}

/// The number in a cell, `None` when it is empty or blank text. A percentage typed as text
/// (`96 %`) reads as 96, like one typed into a %-formatted cell (the workbook reader gives
/// those as the percentage too).
pub fn read_number(data: &Data) -> Result<Option<Decimal>, CellProblem> {
    let not_a_number = || CellProblem::new("not_a_number", "phải là số");
    check_calculated(data)?;
    match data {
        Data::Empty => Ok(None),
        Data::Int(value) => Ok(Some(Decimal::from(*value))),
        // `from_f64` keeps the shortest decimal that round-trips (95.5, not 95.4999…).
        Data::Float(value) => Decimal::from_f64(*value)
            .map(|d| Some(d.normalize()))
            .ok_or_else(not_a_number),
        Data::String(text) if text.trim().is_empty() => Ok(None),
        Data::String(text) => parse_number_text(text).map(Some),
        Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_) => Err(CellProblem::new(
            "not_a_number",
            "phải là số (ô đang chứa ngày tháng hoặc thời gian)",
        )),
        Data::Error(_) => Err(CellProblem::new(
            "not_a_number",
            "phải là số (ô đang báo lỗi công thức)",
        )),
        Data::Bool(_) => Err(not_a_number()),
    }
}

/// A number written as text, by the Vietnamese convention (see the module documentation).
pub fn parse_number_text(text: &str) -> Result<Decimal, CellProblem> {
    let blank = |c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}';
    let text = text.trim_matches(blank);
    let text = text
        .strip_suffix('%')
        .map_or(text, |t| t.trim_end_matches(blank));
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = match unsigned.split_once(',') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    let groups: Vec<&str> = whole.split('.').collect();
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    let well_grouped = groups.len() == 1
        || (groups[0].len() <= 3 && groups[1..].iter().all(|group| group.len() == 3));
    let valid =
        groups.iter().all(|group| digits(group)) && well_grouped && fraction.is_none_or(digits);
    if !valid {
        let message = if unsigned.contains('.') {
            "phải là số; dấu chấm chỉ dùng để phân cách hàng nghìn, phần thập phân dùng dấu \
             phẩy (ví dụ 1.234,5)"
        } else {
            "phải là số"
        };
        return Err(CellProblem::new("not_a_number", message));
    }
    let normalized = match fraction {
        Some(fraction) => format!("{}.{fraction}", groups.concat()),
        None => groups.concat(),
    };
    let value: Decimal = normalized
        .parse()
        .map_err(|_| CellProblem::new("not_a_number", "phải là số (quá lớn)"))?;
    Ok(if negative { -value } else { value })
}

/// Lower-case, without the combining accents some keyboards type separately (so `có` typed
/// as `c`, `o`, U+0301 still reads as yes).
fn folded(text: &str) -> String {
    text.trim()
        .chars()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// A yes/no cell: `Có` or `Không` (any case; also without diacritics), Excel's TRUE/FALSE, or
/// empty.
pub fn read_yes_no(data: &Data) -> Result<Option<bool>, CellProblem> {
    let invalid = || CellProblem::new("invalid_choice", "chỉ chọn Có hoặc Không");
    check_calculated(data)?;
    match data {
        Data::Empty => Ok(None),
        Data::Bool(value) => Ok(Some(*value)),
        Data::String(text) => match folded(text).as_str() {
            "" => Ok(None),
            "có" | "co" => Ok(Some(true)),
            "không" | "khong" => Ok(Some(false)),
            _ => Err(invalid()),
        },
        _ => Err(invalid()),
    }
}

/// The "not applicable" mark: `x` (either case) or empty.
pub fn read_mark(data: &Data) -> Result<bool, CellProblem> {
    match data {
        Data::Empty => Ok(false),
        Data::String(text) => match text.trim() {
            "" => Ok(false),
            "x" | "X" => Ok(true),
            _ => Err(CellProblem::new(
                "invalid_mark",
                "chỉ nhập x (không áp dụng) hoặc để trống",
            )),
        },
        _ => Err(CellProblem::new(
            "invalid_mark",
            "chỉ nhập x (không áp dụng) hoặc để trống",
        )),
    }
}

/// The text of a cell; numbers typed into a text cell are kept as they show.
pub fn read_text(data: &Data) -> Option<String> {
    let text = match data {
        Data::Empty => return None,
        Data::String(text) => text.trim().to_owned(),
        Data::Float(value) => Decimal::from_f64(*value)
            .map(|d| d.normalize().to_string())
            .unwrap_or_else(|| value.to_string()),
        other => other.to_string(),
    };
    (!text.is_empty()).then_some(text)
}

/// Whether a cell holds anything at all.
pub fn is_blank(data: &Data) -> bool {
    match data {
        Data::Empty => true,
        Data::String(text) => text.trim().is_empty(),
        _ => false,
    }
}

pub use cchc_domain::rules::figures::number_vi;

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn cells_are_named_as_excel_names_them() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(6, 4), "E7");
        assert_eq!(cell_name(9, 12), "M10");
        assert_eq!(cell_name(99, 26), "AA100");
    }

    #[test]
    fn numeric_cells_are_read_as_numbers() {
        assert_eq!(read_number(&Data::Int(42)), Ok(Some(dec("42"))));
        assert_eq!(read_number(&Data::Float(95.5)), Ok(Some(dec("95.5"))));
        // Binary floating point must not leak into the figures.
        assert_eq!(read_number(&Data::Float(0.1)), Ok(Some(dec("0.1"))));
        assert_eq!(read_number(&Data::Float(1234.0)), Ok(Some(dec("1234"))));
        assert_eq!(read_number(&Data::Empty), Ok(None));
        assert_eq!(read_number(&Data::String("  ".into())), Ok(None));
    }

    #[test]
    fn numbers_stored_as_text_follow_the_vietnamese_convention() {
        let read = |text: &str| parse_number_text(text).map_err(|p| p.code);
        assert_eq!(read("1.234"), Ok(dec("1234")));
        assert_eq!(read("1,5"), Ok(dec("1.5")));
        assert_eq!(read("1.234.567,25"), Ok(dec("1234567.25")));
        assert_eq!(read(" 12 "), Ok(dec("12")));
        assert_eq!(read("\u{a0}0,75"), Ok(dec("0.75")));
        assert_eq!(read("-3"), Ok(dec("-3")));
        assert_eq!(read("007"), Ok(dec("7")));
        // Not explained by the convention: refused, never guessed.
        for text in [
            "1.5", "1,234.5", "12.34.5", "1.2345", "1234.5", ",5", "1,", "1,2,3", "abc", "1e3",
            "--1", "+1", "1 234",
        ] {
            assert_eq!(read(text), Err("not_a_number"), "{text:?}");
        }
        let message = parse_number_text("1.5").unwrap_err().message;
        assert!(message.contains("dấu phẩy"), "{message}");
    }

    #[test]
    fn other_cell_types_are_not_numbers() {
        for data in [
            Data::Bool(true),
            Data::DateTimeIso("2023-03-10".into()),
            Data::Error(calamine::CellErrorType::Div0),
            Data::String("mười".into()),
        ] {
            let problem = read_number(&data).unwrap_err();
            assert_eq!(problem.code, "not_a_number", "{data:?}");
            assert!(problem.message.starts_with("phải là số"));
        }
    }

    #[test]
    fn yes_no_accepts_the_list_and_common_spellings() {
        for (text, expected) in [
            ("Có", true),
            ("có", true),
            (" CÓ ", true),
            ("Co", true),
            ("Co\u{301}", true),
            ("Không", false),
            ("khong", false),
            ("KHÔNG", false),
        ] {
            assert_eq!(
                read_yes_no(&Data::String(text.into())),
                Ok(Some(expected)),
                "{text:?}"
            );
        }
        assert_eq!(read_yes_no(&Data::Bool(false)), Ok(Some(false)));
        assert_eq!(read_yes_no(&Data::Empty), Ok(None));
        for data in [
            Data::String("Yes".into()),
            Data::String("Có/Không".into()),
            Data::Int(1),
        ] {
            assert_eq!(read_yes_no(&data).unwrap_err().code, "invalid_choice");
        }
    }

    #[test]
    fn the_not_applicable_mark_is_x_or_nothing() {
        assert_eq!(read_mark(&Data::String("x".into())), Ok(true));
        assert_eq!(read_mark(&Data::String(" X ".into())), Ok(true));
        assert_eq!(read_mark(&Data::Empty), Ok(false));
        assert_eq!(read_mark(&Data::String("".into())), Ok(false));
        for data in [Data::String("có".into()), Data::Int(1), Data::Bool(true)] {
            assert_eq!(read_mark(&data).unwrap_err().code, "invalid_mark");
        }
    }

    #[test]
    fn text_cells_keep_what_shows() {
        assert_eq!(
            read_text(&Data::String(" Đã triển khai ".into())),
            Some("Đã triển khai".into())
        );
        assert_eq!(read_text(&Data::Float(12.5)), Some("12.5".into()));
        assert_eq!(read_text(&Data::Int(7)), Some("7".into()));
        assert_eq!(read_text(&Data::String("   ".into())), None);
        assert_eq!(read_text(&Data::Empty), None);
    }

    #[test]
    fn a_percentage_typed_as_text_reads_as_the_percentage() {
        assert_eq!(
            read_number(&Data::String("96 %".into())),
            Ok(Some(dec("96")))
        );
        assert_eq!(
            read_number(&Data::String("12,5%".into())),
            Ok(Some(dec("12.5")))
        );
        assert_eq!(
            read_number(&Data::String("96\u{a0}%".into())),
            Ok(Some(dec("96")))
        );
        assert!(read_number(&Data::String("%".into())).is_err());
    }

    #[test]
    fn a_formula_without_a_result_is_refused_not_read_as_empty() {
        let uncalculated = Data::Error(NOT_CALCULATED);
        assert_eq!(
            read_number(&uncalculated).unwrap_err().code,
            "formula_not_calculated"
        );
        assert_eq!(
            read_yes_no(&uncalculated).unwrap_err().code,
            "formula_not_calculated"
        );
        assert!(check_calculated(&Data::Error(CellErrorType::Div0)).is_ok());
    }
}
