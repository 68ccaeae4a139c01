//! Consolidation across units, by each indicator's aggregation rule
//! ([`Aggregation`]): by default rates are Σnumerator / Σdenominator (never an average of
//! percentages), counts and decimals are summed except a decimal measured in percent (its
//! mean: a percentage is never summed), yes/no indicators count the units answering yes, text
//! is listed. Targets are checked against the consolidated figure.
//!
//! [`RunningConsolidation`] folds one indicator's values as they come; [`period`] folds a
//! whole period's, pairing each unit's figure with its weight for a weighted mean.

pub mod period;
pub mod sums;

use rust_decimal::Decimal;

use crate::model::indicator::{Aggregation, Comparator, IndicatorKind, Target};
use crate::rules::completeness::{ReportedValue, ValueKind};

/// The consolidated figure of one indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consolidated {
    /// Units with a usable value (not marked not applicable).
    pub units_reporting: u32,
    /// Ratios, whatever the rule: the sums of the units' numerators and denominators.
    pub numerator_sum: Option<Decimal>,
    pub denominator_sum: Option<Decimal>,
    /// The figure the rule gives: pooled, Σnumerator / Σdenominator × 100; sum, the sum (yes/no:
    /// the number of units answering yes); mean, weighted mean, min, max of the units' figures
    /// (means rounded to 4 places); none (and text), no figure.
    pub value: Option<Decimal>,
    /// The unit with the lowest and the highest figure (on ties, the smallest unit code).
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
        Comparator::Gt => value > target.threshold,
        Comparator::Lt => value < target.threshold,
    }
}

/// The consolidated figure of one indicator, one unit at a time, holding only running totals
/// ([`sums::Sums`]), so a period of thousands of units is consolidated while its values stream
/// in, in any order (ties for the lowest and highest figure go to the smallest unit code).
#[derive(Debug, Clone)]
pub struct RunningConsolidation<'a> {
    kind: IndicatorKind,
    aggregation: Aggregation,
    target: Option<&'a Target>,
    sums: sums::Sums,
}

/// `sum / count` as shown (4 places), or nothing when there is nothing to divide by or a sum
/// has overflowed.
fn quotient(sum: Option<Decimal>, count: Option<Decimal>) -> Option<Decimal> {
    let (sum, count) = (sum?, count?);
    if count <= Decimal::ZERO {
        return None;
    }
    sum.checked_div(count).map(|q| q.round_dp(4).normalize())
}

impl<'a> RunningConsolidation<'a> {
    pub fn new(kind: IndicatorKind, aggregation: Aggregation, target: Option<&'a Target>) -> Self {
        Self {
            kind,
            aggregation,
            target,
            sums: sums::Sums::default(),
        }
    }

    /// Folds in one unit's value. Under a weighted mean the unit has no usable weight (see
    /// [`Self::add_weighted`]).
    pub fn add(&mut self, unit_code: &str, value: &ReportedValue) {
        self.add_weighted(unit_code, value, None);
    }

    /// Folds in one unit's value with `weight`, the unit's value of the weighing indicator
    /// (used only by a weighted mean). A unit without a usable weight (none, zero or negative)
    /// still reports and still has its lowest and highest figure, but is left out of the mean.
    pub fn add_weighted(
        &mut self,
        unit_code: &str,
        value: &ReportedValue,
        weight: Option<Decimal>,
    ) {
        if let Some(contribution) = sums::Contribution::of(self.kind, self.target, value, weight) {
            self.sums.add(unit_code, &contribution);
        }
    }

    pub fn finish(self) -> Consolidated {
        self.sums.finish(self.kind, self.aggregation, self.target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Seed 002 §II 2.5: "Trên 50% hồ sơ … được thực hiện bằng phương thức điện tử": more
    /// than half, so exactly 50 % falls short; "tối thiểu 50%" would be met by it.
    #[test]
    fn above_a_threshold_is_strict_and_at_least_is_not() {
        let target = |comparator, threshold: i64| Target {
            comparator,
            threshold: Decimal::from(threshold),
        };
        let fifty = Decimal::from(50);
        assert!(!meets(&target(Comparator::Gt, 50), fifty));
        assert!(meets(&target(Comparator::Gt, 50), Decimal::new(5001, 2)));
        assert!(meets(&target(Comparator::Gte, 50), fifty));
        assert!(!meets(&target(Comparator::Lt, 50), fifty));
        assert!(meets(&target(Comparator::Lt, 50), Decimal::new(4999, 2)));
        assert!(meets(&target(Comparator::Lte, 50), fifty));
        assert_eq!(Comparator::Gt.symbol(), ">");
        assert_eq!(Comparator::Lt.symbol(), "<");
    }

    /// One unit's value of one indicator.
    #[derive(Debug, Clone)]
    struct UnitValue {
        unit_code: String,
        value: ReportedValue,
    }

    fn consolidate(
        kind: IndicatorKind,
        target: Option<&Target>,
        values: &[UnitValue],
    ) -> Consolidated {
        let mut consolidation =
            RunningConsolidation::new(kind, Aggregation::default_for(kind, None), target);
        for value in values {
            consolidation.add(&value.unit_code, &value.value);
        }
        consolidation.finish()
    }

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
    fn ties_go_to_the_smallest_unit_code_in_any_order_and_an_overflowing_sum_gives_no_figure() {
        let target = gte(50);
        let mut running =
            RunningConsolidation::new(IndicatorKind::Ratio, Aggregation::Pooled, Some(&target));
        for value in [ratio("C", 9, 10), ratio("B", 1, 2), ratio("A", 5, 10)] {
            running.add(&value.unit_code, &value.value);
        }
        let consolidated = running.finish();
        assert_eq!(
            consolidated.lowest,
            Some(("A".to_owned(), Decimal::from(50)))
        );
        assert_eq!(
            consolidated.highest,
            Some(("C".to_owned(), Decimal::from(90)))
        );
        assert_eq!(consolidated.numerator_sum, Some(Decimal::from(15)));
        assert_eq!(consolidated.units_reporting, 3);

        let huge = |code: &str| UnitValue {
            unit_code: code.to_owned(),
            value: ReportedValue {
                number: Some(Decimal::MAX),
                ..ReportedValue::default()
            },
        };
        let overflowed = consolidate(IndicatorKind::Count, None, &[huge("A"), huge("B")]);
        assert_eq!(overflowed.units_reporting, 2);
        assert_eq!(overflowed.value, None, "no figure rather than a wrong one");
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

#[cfg(test)]
mod rule_tests;
