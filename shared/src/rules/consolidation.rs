//! Consolidation across units: rates are Σnumerator / Σdenominator (never an average of
//! percentages), counts and decimals are summed, yes/no indicators count the units answering
//! yes, text is listed. Targets are checked against the consolidated figure.

use rust_decimal::Decimal;

use crate::model::indicator::{Comparator, IndicatorKind, Target};
use crate::rules::completeness::{unit_figure, ReportedValue, ValueKind};

/// One unit's value of one indicator.
#[derive(Debug, Clone)]
pub struct UnitValue {
    pub unit_code: String,
    pub value: ReportedValue,
}

/// The consolidated figure of one indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consolidated {
    /// Units with a usable value (not marked not applicable).
    pub units_reporting: u32,
    pub numerator_sum: Option<Decimal>,
    pub denominator_sum: Option<Decimal>,
    /// Ratio: Σnumerator / Σdenominator × 100; count and decimal: the sum; yes/no: the number of
    /// units answering yes; text: none.
    pub value: Option<Decimal>,
    /// The unit with the lowest and the highest figure (first in order on ties).
    pub lowest: Option<(String, Decimal)>,
    pub highest: Option<(String, Decimal)>,
    pub target_met: Option<bool>,
}

pub fn value_kind(kind: IndicatorKind) -> ValueKind {
    match kind {
        IndicatorKind::Ratio => ValueKind::Ratio,
        IndicatorKind::Count => ValueKind::Count,
        IndicatorKind::Decimal => ValueKind::Decimal,
        IndicatorKind::Boolean => ValueKind::Boolean,
        IndicatorKind::Text => ValueKind::Text,
    }
}

pub fn meets(target: &Target, value: Decimal) -> bool {
    match target.comparator {
        Comparator::Gte => value >= target.threshold,
        Comparator::Lte => value <= target.threshold,
        Comparator::Eq => value == target.threshold,
    }
}

pub fn consolidate(
    kind: IndicatorKind,
    target: Option<&Target>,
    values: &[UnitValue],
) -> Consolidated {
    let value_kind = value_kind(kind);
    let usable: Vec<(&str, &ReportedValue, Decimal)> = values
        .iter()
        .filter(|v| !v.value.not_applicable)
        .filter_map(|v| {
            unit_figure(value_kind, &v.value).map(|figure| (v.unit_code.as_str(), &v.value, figure))
        })
        .collect();
    // Text answers have no figure but still count as reported.
    let reporting = if kind == IndicatorKind::Text {
        values
            .iter()
            .filter(|v| !v.value.not_applicable)
            .filter(|v| {
                v.value
                    .text
                    .as_deref()
                    .is_some_and(|t| !t.trim().is_empty())
            })
            .count()
    } else {
        usable.len()
    };
    let units_reporting = u32::try_from(reporting).unwrap_or(u32::MAX);
    let sum = |pick: fn(&ReportedValue) -> Option<Decimal>| -> Option<Decimal> {
        usable
            .iter()
            .filter_map(|(_, v, _)| pick(v))
            .try_fold(Decimal::ZERO, |acc, x| acc.checked_add(x))
    };
    let (numerator_sum, denominator_sum, value) = match kind {
        IndicatorKind::Ratio => {
            let numerators = sum(|v| v.numerator);
            let denominators = sum(|v| v.denominator);
            let value = match (numerators, denominators) {
                (Some(n), Some(d)) if !d.is_zero() => n
                    .checked_mul(Decimal::ONE_HUNDRED)
                    .and_then(|n| n.checked_div(d))
                    .map(|p| p.round_dp(4).normalize()),
                _ => None,
            };
            (
                numerators.filter(|_| units_reporting > 0),
                denominators.filter(|_| units_reporting > 0),
                value,
            )
        }
        IndicatorKind::Count | IndicatorKind::Decimal => (
            None,
            None,
            sum(|v| v.number)
                .filter(|_| units_reporting > 0)
                .map(|s| s.normalize()),
        ),
        IndicatorKind::Boolean => {
            let yes = usable
                .iter()
                .filter(|(_, v, _)| v.flag == Some(true))
                .count();
            (
                None,
                None,
                (units_reporting > 0).then(|| Decimal::from(yes)),
            )
        }
        IndicatorKind::Text => (None, None, None),
    };
    let extreme = |better: fn(Decimal, Decimal) -> bool| -> Option<(String, Decimal)> {
        if kind == IndicatorKind::Text {
            return None;
        }
        usable.iter().fold(
            None,
            |best: Option<(String, Decimal)>, (code, _, figure)| match &best {
                Some((_, current)) if !better(*figure, *current) => best,
                _ => Some(((*code).to_owned(), figure.round_dp(4).normalize())),
            },
        )
    };
    let lowest = extreme(|candidate, current| candidate < current);
    let highest = extreme(|candidate, current| candidate > current);
    let target_met = match (target, kind) {
        (Some(target), IndicatorKind::Boolean) if units_reporting > 0 => {
            // Met when every reporting unit gives the target answer.
            Some(usable.iter().all(|(_, _, figure)| meets(target, *figure)))
        }
        (Some(target), _) => value.map(|v| meets(target, v)),
        (None, _) => None,
    };
    Consolidated {
        units_reporting,
        numerator_sum,
        denominator_sum,
        value,
        lowest,
        highest,
        target_met,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ratio(code: &str, numerator: i64, denominator: i64) -> UnitValue {
        UnitValue {
            unit_code: code.to_owned(),
            value: ReportedValue {
                numerator: Some(Decimal::from(numerator)),
                denominator: Some(Decimal::from(denominator)),
                ..ReportedValue::default()
            },
        }
    }

    fn gte(threshold: i64) -> Target {
        Target {
            comparator: Comparator::Gte,
            threshold: Decimal::from(threshold),
        }
    }

    #[test]
    fn ratios_sum_numerators_and_denominators_never_average_percentages() {
        // 9/10 = 90% and 10/100 = 10%: the average of percentages would say 50%.
        let values = [ratio("A", 9, 10), ratio("B", 10, 100)];
        let consolidated = consolidate(IndicatorKind::Ratio, Some(&gte(50)), &values);
        assert_eq!(consolidated.numerator_sum, Some(Decimal::from(19)));
        assert_eq!(consolidated.denominator_sum, Some(Decimal::from(110)));
        assert_eq!(consolidated.value, Some(Decimal::new(172727, 4)));
        assert_eq!(consolidated.target_met, Some(false));
        assert_eq!(
            consolidated.lowest,
            Some(("B".to_owned(), Decimal::from(10)))
        );
        assert_eq!(
            consolidated.highest,
            Some(("A".to_owned(), Decimal::from(90)))
        );
        assert_eq!(consolidated.units_reporting, 2);
    }

    #[test]
    fn text_answers_count_as_reporting_without_a_figure() {
        let text = |unit: &str, answer: Option<&str>, not_applicable: bool| UnitValue {
            unit_code: unit.to_owned(),
            value: ReportedValue {
                text: answer.map(str::to_owned),
                not_applicable,
                ..ReportedValue::default()
            },
        };
        let values = [
            text("A", Some("Một cửa điện tử"), false),
            text("B", Some("Số hóa hồ sơ"), false),
            text("C", Some("  "), false),
            text("D", None, true),
        ];
        let consolidated = consolidate(IndicatorKind::Text, None, &values);
        assert_eq!(consolidated.units_reporting, 2);
        assert_eq!(consolidated.value, None);
        assert_eq!(consolidated.lowest, None);
    }

    #[test]
    fn not_applicable_units_are_left_out() {
        let mut skipped = ratio("C", 0, 0);
        skipped.value.not_applicable = true;
        let values = [ratio("A", 45, 50), skipped];
        let consolidated = consolidate(IndicatorKind::Ratio, Some(&gte(90)), &values);
        assert_eq!(consolidated.units_reporting, 1);
        assert_eq!(consolidated.value, Some(Decimal::from(90)));
        assert_eq!(consolidated.target_met, Some(true));
    }

    #[test]
    fn counts_are_summed_and_booleans_count_yes() {
        let count = |code: &str, n: i64| UnitValue {
            unit_code: code.to_owned(),
            value: ReportedValue {
                number: Some(Decimal::from(n)),
                ..ReportedValue::default()
            },
        };
        let consolidated = consolidate(
            IndicatorKind::Count,
            None,
            &[count("A", 12), count("B", 30)],
        );
        assert_eq!(consolidated.value, Some(Decimal::from(42)));
        assert_eq!(consolidated.target_met, None);
        let flag = |code: &str, yes: bool| UnitValue {
            unit_code: code.to_owned(),
            value: ReportedValue {
                flag: Some(yes),
                ..ReportedValue::default()
            },
        };
        let all_yes = Target {
            comparator: Comparator::Eq,
            threshold: Decimal::ONE,
        };
        let consolidated = consolidate(
            IndicatorKind::Boolean,
            Some(&all_yes),
            &[flag("A", true), flag("B", false)],
        );
        assert_eq!(consolidated.value, Some(Decimal::ONE));
        assert_eq!(consolidated.target_met, Some(false));
        let consolidated = consolidate(IndicatorKind::Boolean, Some(&all_yes), &[flag("A", true)]);
        assert_eq!(consolidated.target_met, Some(true));
    }

    #[test]
    fn nothing_reported_gives_no_figure() {
        let consolidated = consolidate(IndicatorKind::Ratio, Some(&gte(50)), &[]);
        assert_eq!(consolidated.units_reporting, 0);
        assert_eq!(consolidated.value, None);
        assert_eq!(consolidated.target_met, None);
        assert_eq!(consolidated.lowest, None);
    }
}
