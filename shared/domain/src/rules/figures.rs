//! Figures as Vietnamese staff write them in documents: `1.234.567,25` (a dot between
//! thousands, a decimal comma), and targets as `≥ 50 %`, `≤ 3 ngày`, `= Có`: the comparator,
//! a space, the figure, a space, the unit. One way everywhere (workbooks, the Word report,
//! e-mail), so a target never reads `≥ 50%` in one place and `≥ 50 %` in another.

use rust_decimal::Decimal;

use crate::model::indicator::{IndicatorKind, Target};

/// A number with Vietnamese separators, without trailing zeros: `95,5`, `1.200`.
pub fn number_vi(value: Decimal) -> String {
    let value = value.normalize();
    let text = value.abs().to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(digit);
    }
    let sign = if value.is_sign_negative() && !value.is_zero() {
        "-"
    } else {
        ""
    };
    if fraction.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{fraction}")
    }
}

/// A figure with its unit: `95,5 %`, `12 văn bản`, `3` (no unit).
pub fn quantity_vi(value: Decimal, unit: Option<&str>) -> String {
    match unit.map(str::trim) {
        Some(unit) if !unit.is_empty() => format!("{} {unit}", number_vi(value)),
        _ => number_vi(value),
    }
}

/// The unit a figure of `kind` is written with: `%` for a ratio, the indicator's own
/// otherwise.
pub fn unit_of(kind: IndicatorKind, unit_of_measure: Option<&str>) -> Option<&str> {
    match kind {
        IndicatorKind::Ratio => Some("%"),
        _ => unit_of_measure,
    }
}

/// A target as staff write it: `≥ 50 %`, `≤ 3 ngày`, `= Có`, `≥ 1.200`.
pub fn target_vi(target: &Target, kind: IndicatorKind, unit_of_measure: Option<&str>) -> String {
    let symbol = target.comparator.symbol();
    match kind {
        IndicatorKind::Boolean => {
            let answer = if target.threshold.is_zero() {
                "Không"
            } else {
                "Có"
            };
            format!("{symbol} {answer}")
        }
        _ => format!(
            "{symbol} {}",
            quantity_vi(target.threshold, unit_of(kind, unit_of_measure))
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::indicator::Comparator;

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn numbers_for_staff_use_vietnamese_separators() {
        assert_eq!(number_vi(dec("50")), "50");
        assert_eq!(number_vi(dec("95.50")), "95,5");
        assert_eq!(number_vi(dec("1234567.25")), "1.234.567,25");
        assert_eq!(number_vi(dec("-1000")), "-1.000");
        assert_eq!(number_vi(dec("0")), "0");
    }

    #[test]
    fn targets_read_as_staff_write_them_with_one_spacing() {
        let target = |comparator, threshold: &str| Target {
            comparator,
            threshold: dec(threshold),
        };
        let gte = target(Comparator::Gte, "95.5");
        assert_eq!(target_vi(&gte, IndicatorKind::Ratio, Some("%")), "≥ 95,5 %");
        assert_eq!(target_vi(&gte, IndicatorKind::Ratio, None), "≥ 95,5 %");
        // A decimal measured in % reads like a ratio's target (seed 002: "tăng tối thiểu 20 %").
        let twenty = target(Comparator::Gte, "20");
        assert_eq!(
            target_vi(&twenty, IndicatorKind::Decimal, Some("%")),
            "≥ 20 %"
        );
        assert_eq!(
            target_vi(
                &target(Comparator::Lte, "3"),
                IndicatorKind::Decimal,
                Some("ngày")
            ),
            "≤ 3 ngày"
        );
        assert_eq!(
            target_vi(&target(Comparator::Eq, "1"), IndicatorKind::Boolean, None),
            "= Có"
        );
        assert_eq!(
            target_vi(
                &target(Comparator::Gte, "1200"),
                IndicatorKind::Count,
                Some(" ")
            ),
            "≥ 1.200"
        );
    }
}
