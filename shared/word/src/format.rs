//! Numbers, quantities, targets and dates as a Vietnamese official document writes them.
//!
//! - Numbers (TCVN, Windows `vi-VN`): `.` groups thousands, `,` separates decimals:
//!   `1.234,5`; at most two decimals, trailing zeros dropped.
//! - A percentage and a comparison are set with a narrow no-break space (U+202F) between the
//!   sign and the number and between the number and `%`: `≥ 50 %`, `96,15 %`, so neither is
//!   left alone at a line end and the spacing is the same everywhere. A unit of measure in
//!   words follows a no-break space (U+00A0): `12 văn bản`.
//! - Dates in running text follow Decree 30/2020/NĐ-CP, Appendix I, item 4: a day below 10 and
//!   the months 1 and 2 take a leading zero: `06/3/2023`, `30/01/2023`.

use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};

use cchc_domain::model::indicator::Target;
use cchc_domain::rules::figures::number_vi;

/// Narrow no-break space: between a comparison sign or `%` and its number.
pub const NNBSP: char = '\u{202F}';
/// No-break space: between a number and its unit in words.
pub const NBSP: char = '\u{A0}';

/// `value` rounded half away from zero to at most `decimals` places, Vietnamese style:
/// `1234.5` → `1.234,5`, `-0.125` (2 places) → `-0,13`.
pub fn number(value: Decimal, decimals: u32) -> String {
    number_vi(value.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero))
}

/// A percentage: `96,15 %`.
pub fn percent(value: Decimal) -> String {
    format!("{}{NNBSP}%", number(value, 2))
}

/// Whether a figure measured in `unit_of_measure` reads as a percentage.
pub fn is_percent(unit_of_measure: Option<&str>) -> bool {
    unit_of_measure.is_some_and(|unit| unit.trim() == "%")
}

/// A figure with its unit: `96,15 %`, `1.234 văn bản`, `12,5`.
pub fn quantity(value: Decimal, percent_like: bool, unit_of_measure: Option<&str>) -> String {
    if percent_like {
        return percent(value);
    }
    match unit_of_measure
        .map(str::trim)
        .filter(|unit| !unit.is_empty())
    {
        Some(unit) => format!("{}{NBSP}{unit}", number(value, 2)),
        None => number(value, 2),
    }
}

/// A target: `≥ 50 %`, `≤ 3 ngày`; a yes/no target reads `Có` or `Không`.
pub fn target(target: &Target, percent_like: bool, yes_no: bool, unit: Option<&str>) -> String {
    if yes_no {
        return if target.threshold.is_zero() {
            "Không".to_owned()
        } else {
            "Có".to_owned()
        };
    }
    format!(
        "{}{NNBSP}{}",
        target.comparator.symbol(),
        quantity(target.threshold, percent_like, unit)
    )
}

/// A date in running text (Decree 30): `06/3/2023`, `30/01/2023`, `31/12/2026`.
pub fn short_date(date: NaiveDate) -> String {
    let month = match date.month() {
        month @ (1 | 2) => format!("{month:02}"),
        month => month.to_string(),
    };
    format!("{:02}/{month}/{}", date.day(), date.year())
}

/// `text` with its first letter in lower case, for a subject continued inside a sentence
/// ("Kết quả thực hiện …" → "… báo cáo kết quả thực hiện …").
pub fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use cchc_domain::model::indicator::Comparator;

    use super::*;

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn numbers_group_thousands_with_dots_and_separate_decimals_with_a_comma() {
        assert_eq!(number(d("1234.5"), 2), "1.234,5");
        assert_eq!(number(d("1234567"), 2), "1.234.567");
        assert_eq!(number(d("999"), 2), "999");
        assert_eq!(number(d("95.7692"), 2), "95,77");
        assert_eq!(number(d("12.50"), 2), "12,5");
        assert_eq!(number(d("-0.125"), 2), "-0,13");
        assert_eq!(number(d("-0.001"), 2), "0");
        assert_eq!(number(d("0"), 2), "0");
    }

    #[test]
    fn percentages_and_targets_use_a_narrow_no_break_space() {
        assert_eq!(percent(d("96.153846")), "96,15\u{202F}%");
        let at_least_half = Target {
            comparator: Comparator::Gte,
            threshold: d("50"),
        };
        assert_eq!(
            target(&at_least_half, true, false, Some("%")),
            "≥\u{202F}50\u{202F}%"
        );
        let at_most = Target {
            comparator: Comparator::Lte,
            threshold: d("3"),
        };
        assert_eq!(
            target(&at_most, false, false, Some("ngày")),
            "≤\u{202F}3\u{A0}ngày"
        );
        let yes = Target {
            comparator: Comparator::Eq,
            threshold: Decimal::ONE,
        };
        assert_eq!(target(&yes, false, true, None), "Có");
        assert!(is_percent(Some(" % ")));
        assert!(!is_percent(Some("văn bản")));
        assert_eq!(
            quantity(d("1234"), false, Some("văn bản")),
            "1.234\u{A0}văn bản"
        );
        assert_eq!(quantity(d("12.5"), false, None), "12,5");
    }

    /// Decree 30, Appendix I, item 4: a zero before a day below 10 and before months 1, 2.
    #[test]
    fn dates_in_text_pad_small_days_and_the_first_two_months() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(short_date(date(2023, 3, 6)), "06/3/2023");
        assert_eq!(short_date(date(2023, 1, 30)), "30/01/2023");
        assert_eq!(short_date(date(2022, 5, 31)), "31/5/2022");
        assert_eq!(short_date(date(2026, 12, 15)), "15/12/2026");
    }

    #[test]
    fn lower_first_keeps_the_rest() {
        assert_eq!(
            lower_first("Kết quả thực hiện CCHC"),
            "kết quả thực hiện CCHC"
        );
        assert_eq!(lower_first("Đ"), "đ");
        assert_eq!(lower_first(""), "");
    }
}
