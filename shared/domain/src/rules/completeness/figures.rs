//! The unit's figure, how far it is from the system of record, and the problem that asks the
//! unit to explain a difference beyond tolerance.

use rust_decimal::Decimal;

use super::problem_codes::EXPLANATION_REQUIRED;
use super::{show, IndicatorSpec, Problem, ReportedValue, ValueKind};

/// The unit's figure in the unit compared with the system of record: a
/// ratio as a percentage, a count or decimal as is, a yes/no answer as 1 or
/// 0. `None` when the figure cannot be computed (a missing field, a zero
/// denominator, a ratio too large to represent) or for text.
pub fn unit_figure(kind: ValueKind, value: &ReportedValue) -> Option<Decimal> {
    match kind {
        ValueKind::Ratio => {
            let (numerator, denominator) = (value.numerator?, value.denominator?);
            // `checked_div` also returns None for a zero denominator.
            numerator
                .checked_div(denominator)?
                .checked_mul(Decimal::ONE_HUNDRED)
        }
        ValueKind::Count | ValueKind::Decimal => value.number,
        ValueKind::Boolean => value
            .flag
            .map(|flag| if flag { Decimal::ONE } else { Decimal::ZERO }),
        ValueKind::Text => None,
    }
}

/// How far the unit's figure is from the system-of-record figure (in
/// percentage points for ratios), when both exist and the value is not
/// marked not applicable.
pub fn discrepancy(spec: &IndicatorSpec, value: &ReportedValue) -> Option<Decimal> {
    let (figure, system_value) = compared_figures(spec, value)?;
    Some(difference(figure, system_value))
}

/// The unit's figure and the system-of-record figure, when both exist and
/// the value is not marked not applicable (a value that does not apply has
/// no figure to compare).
pub(super) fn compared_figures(
    spec: &IndicatorSpec,
    value: &ReportedValue,
) -> Option<(Decimal, Decimal)> {
    if value.not_applicable {
        return None;
    }
    Some((unit_figure(spec.kind, value)?, value.system_value?))
}

/// `|figure − system_value|`.
pub(super) fn difference(figure: Decimal, system_value: Decimal) -> Decimal {
    // Only figures of opposite sign near the limits of `Decimal` overflow;
    // their difference is then at least `Decimal::MAX`.
    figure
        .checked_sub(system_value)
        .map_or(Decimal::MAX, |difference| difference.abs())
}

/// The "explain the difference" problem, quoting both figures.
pub(super) fn discrepancy_problem(
    spec: &IndicatorSpec,
    figure: Decimal,
    system_value: Decimal,
) -> Problem {
    let difference = difference(figure, system_value);
    let message = if spec.kind == ValueKind::Ratio {
        format!(
            "the unit's figure of {}% differs from the system-of-record figure of {}% \
             by {}, more than the tolerance of {}; explain the difference",
            show(figure),
            show(system_value),
            percentage_points(difference),
            percentage_points(spec.tolerance)
        )
    } else {
        format!(
            "the unit's figure of {} differs from the system-of-record figure of {} \
             by {}, more than the tolerance of {}; explain the difference",
            show(figure),
            show(system_value),
            show(difference),
            show(spec.tolerance)
        )
    };
    Problem::new(
        &spec.code,
        Some("explanation"),
        EXPLANATION_REQUIRED,
        message,
    )
}

/// `value` followed by "percentage point(s)".
fn percentage_points(value: Decimal) -> String {
    let shown = show(value);
    let unit = if shown == Decimal::ONE {
        "percentage point"
    } else {
        "percentage points"
    };
    format!("{shown} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::completeness::test_support::*;

    #[test]
    fn ratio_figure_is_a_percentage() {
        assert_eq!(
            unit_figure(ValueKind::Ratio, &ratio("95", "100")),
            Some(dec("95"))
        );
        assert_eq!(
            unit_figure(ValueKind::Ratio, &ratio("1", "8")),
            Some(dec("12.5"))
        );
        assert_eq!(unit_figure(ValueKind::Ratio, &ratio("3", "0")), None);
        let numerator_only = ReportedValue {
            numerator: Some(dec("3")),
            ..ReportedValue::default()
        };
        assert_eq!(unit_figure(ValueKind::Ratio, &numerator_only), None);
        let denominator_only = ReportedValue {
            denominator: Some(dec("3")),
            ..ReportedValue::default()
        };
        assert_eq!(unit_figure(ValueKind::Ratio, &denominator_only), None);
    }

    #[test]
    fn ratio_too_large_to_represent_has_no_figure() {
        let huge = ReportedValue {
            numerator: Some(Decimal::MAX),
            denominator: Some(dec("0.0001")),
            ..ReportedValue::default()
        };
        assert_eq!(unit_figure(ValueKind::Ratio, &huge), None);
    }

    #[test]
    fn other_kinds_have_their_own_figures() {
        assert_eq!(
            unit_figure(ValueKind::Count, &number("12")),
            Some(dec("12"))
        );
        assert_eq!(
            unit_figure(ValueKind::Decimal, &number("-1.5")),
            Some(dec("-1.5"))
        );
        assert_eq!(unit_figure(ValueKind::Count, &flag(true)), None);
        assert_eq!(
            unit_figure(ValueKind::Boolean, &flag(true)),
            Some(Decimal::ONE)
        );
        assert_eq!(
            unit_figure(ValueKind::Boolean, &flag(false)),
            Some(Decimal::ZERO)
        );
        assert_eq!(unit_figure(ValueKind::Boolean, &number("1")), None);
        assert_eq!(unit_figure(ValueKind::Text, &text("12")), None);
    }

    #[test]
    fn discrepancy_needs_both_figures_and_an_applicable_value() {
        let count = spec("HS-TIEPNHAN", ValueKind::Count, "0", false);
        let with_system = ReportedValue {
            system_value: Some(dec("15")),
            ..number("12")
        };
        assert_eq!(discrepancy(&count, &with_system), Some(dec("3")));
        let above_system = ReportedValue {
            system_value: Some(dec("9")),
            ..number("12")
        };
        assert_eq!(discrepancy(&count, &above_system), Some(dec("3")));
        assert_eq!(discrepancy(&count, &number("12")), None);
        let not_applicable = ReportedValue {
            not_applicable: true,
            ..with_system.clone()
        };
        assert_eq!(discrepancy(&count, &not_applicable), None);
        let no_figure = ReportedValue {
            system_value: Some(dec("15")),
            ..ReportedValue::default()
        };
        assert_eq!(discrepancy(&count, &no_figure), None);
    }

    #[test]
    fn ratio_discrepancy_is_in_percentage_points() {
        let value = ReportedValue {
            system_value: Some(dec("96")),
            ..ratio("95", "100")
        };
        assert_eq!(discrepancy(&ratio_spec(), &value), Some(dec("1")));
        let with_yes_no_system = ReportedValue {
            system_value: Some(Decimal::ZERO),
            ..flag(true)
        };
        let boolean = spec("CO-QUYCHE", ValueKind::Boolean, "0", false);
        assert_eq!(
            discrepancy(&boolean, &with_yes_no_system),
            Some(Decimal::ONE)
        );
    }

    #[test]
    fn overflowing_difference_saturates() {
        let decimal = spec("CHI-PHI", ValueKind::Decimal, "0", false);
        let value = ReportedValue {
            system_value: Some(Decimal::MIN),
            ..number(&Decimal::MAX.to_string())
        };
        assert_eq!(discrepancy(&decimal, &value), Some(Decimal::MAX));
    }

    #[test]
    fn tolerance_boundary_is_inclusive() {
        let count = spec("HS-TIEPNHAN", ValueKind::Count, "2", false);
        let with_system = |unit: &str| ReportedValue {
            system_value: Some(dec("10")),
            ..number(unit)
        };
        assert_eq!(problems_of(&count, with_system("12")), Vec::new());
        assert_eq!(problems_of(&count, with_system("8")), Vec::new());
        assert_eq!(
            fields_and_codes(&problems_of(&count, with_system("13"))),
            vec![("values.HS-TIEPNHAN.explanation", EXPLANATION_REQUIRED)]
        );
        let decimal = spec("CHI-PHI", ValueKind::Decimal, "0.5", false);
        let with_system = |unit: &str| ReportedValue {
            system_value: Some(dec("10")),
            ..number(unit)
        };
        assert_eq!(problems_of(&decimal, with_system("10.5")), Vec::new());
        assert_eq!(
            fields_and_codes(&problems_of(&decimal, with_system("10.501"))),
            vec![("values.CHI-PHI.explanation", EXPLANATION_REQUIRED)]
        );
    }

    #[test]
    fn ratio_discrepancy_tolerance_is_in_percentage_points() {
        let value = ReportedValue {
            system_value: Some(dec("96")),
            ..ratio("95", "100")
        };
        assert_eq!(
            problems_of(&ratio_spec(), value.clone()),
            vec![Problem {
                field: "values.TTHC-DUNGHAN.explanation".to_owned(),
                code: EXPLANATION_REQUIRED,
                message: "TTHC-DUNGHAN: the unit's figure of 95% differs from the \
                          system-of-record figure of 96% by 1 percentage point, more than \
                          the tolerance of 0 percentage points; explain the difference"
                    .to_owned(),
            }]
        );
        let one_point = spec("TTHC-DUNGHAN", ValueKind::Ratio, "1", false);
        assert_eq!(problems_of(&one_point, value.clone()), Vec::new());
        let explained = ReportedValue {
            explanation: Some("Hệ thống chưa đồng bộ 1 hồ sơ".to_owned()),
            ..value
        };
        assert_eq!(problems_of(&ratio_spec(), explained), Vec::new());
    }

    #[test]
    fn discrepancy_message_quotes_rounded_figures() {
        let count = spec("HS-TIEPNHAN", ValueKind::Count, "2", false);
        let value = ReportedValue {
            system_value: Some(dec("15")),
            explanation: Some(" ".to_owned()),
            ..number("12")
        };
        assert_eq!(
            problems_of(&count, value)[0].message,
            "HS-TIEPNHAN: the unit's figure of 12 differs from the system-of-record figure \
             of 15 by 3, more than the tolerance of 2; explain the difference"
        );
        // 2/3 = 66.666…%: quoted to four places, rounding half away from zero.
        let value = ReportedValue {
            system_value: Some(dec("70")),
            ..ratio("2", "3")
        };
        assert_eq!(
            problems_of(&ratio_spec(), value)[0].message,
            "TTHC-DUNGHAN: the unit's figure of 66.6667% differs from the system-of-record \
             figure of 70% by 3.3333 percentage points, more than the tolerance of \
             0 percentage points; explain the difference"
        );
    }

    #[test]
    fn differing_yes_no_answer_needs_an_explanation() {
        let boolean = spec("CO-QUYCHE", ValueKind::Boolean, "0", false);
        let differing = ReportedValue {
            system_value: Some(Decimal::ZERO),
            ..flag(true)
        };
        assert_eq!(
            fields_and_codes(&problems_of(&boolean, differing)),
            vec![("values.CO-QUYCHE.explanation", EXPLANATION_REQUIRED)]
        );
        let matching = ReportedValue {
            system_value: Some(Decimal::ONE),
            ..flag(true)
        };
        assert_eq!(problems_of(&boolean, matching), Vec::new());
    }
}
