//! Each aggregation rule on the figures of a few units.

use rust_decimal::Decimal;

use super::*;

fn number(code: &str, n: Decimal) -> (String, ReportedValue) {
    (
        code.to_owned(),
        ReportedValue {
            number: Some(n),
            ..ReportedValue::default()
        },
    )
}

fn ratio(code: &str, numerator: i64, denominator: i64) -> (String, ReportedValue) {
    (
        code.to_owned(),
        ReportedValue {
            numerator: Some(Decimal::from(numerator)),
            denominator: Some(Decimal::from(denominator)),
            ..ReportedValue::default()
        },
    )
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn gte(threshold: &str) -> Target {
    Target {
        comparator: Comparator::Gte,
        threshold: dec(threshold),
    }
}

fn run(
    kind: IndicatorKind,
    rule: Aggregation,
    target: Option<&Target>,
    values: &[(String, ReportedValue)],
) -> Consolidated {
    let mut running = RunningConsolidation::new(kind, rule, target);
    for (code, value) in values {
        running.add(code, value);
    }
    running.finish()
}

/// Issue 19: SOHOA-KQ-TANG, "tăng tối thiểu 20 %", was summed to 38,25 % and marked met.
#[test]
fn a_percentage_is_averaged_and_judged_on_the_mean() {
    let values = [number("KHTC", dec("12.5")), number("QLTM", dec("25.75"))];
    let target = gte("20");
    let rule = Aggregation::default_for(IndicatorKind::Decimal, Some("%"));
    assert_eq!(rule, Aggregation::Mean);
    let mean = run(IndicatorKind::Decimal, rule, Some(&target), &values);
    assert_eq!(mean.value, Some(dec("19.125")));
    assert_eq!(mean.target_met, Some(false));
    assert_eq!(mean.units_reporting, 2);
    assert_eq!(mean.lowest, Some(("KHTC".to_owned(), dec("12.5"))));
    assert_eq!(mean.highest, Some(("QLTM".to_owned(), dec("25.75"))));
    assert_eq!((mean.numerator_sum, mean.denominator_sum), (None, None));
    // What the sum said.
    let sum = run(
        IndicatorKind::Decimal,
        Aggregation::Sum,
        Some(&target),
        &values,
    );
    assert_eq!(sum.value, Some(dec("38.25")));
    assert_eq!(sum.target_met, Some(true));
}

#[test]
fn a_mean_is_shown_to_four_places_and_leaves_out_units_that_do_not_apply() {
    let mut skipped = number("C", dec("1000"));
    skipped.1.not_applicable = true;
    let values = [
        number("A", dec("1")),
        number("B", dec("2")),
        number("D", dec("2")),
        skipped,
    ];
    let mean = run(IndicatorKind::Count, Aggregation::Mean, None, &values);
    assert_eq!(mean.value, Some(dec("1.6667")));
    assert_eq!(mean.units_reporting, 3);
}

#[test]
fn a_mean_of_ratios_averages_the_units_percentages_and_keeps_the_sums() {
    // 9/10 = 90 % and 10/100 = 10 %: pooled 19/110 = 17.2727 %, the mean 50 %.
    let values = [ratio("A", 9, 10), ratio("B", 10, 100)];
    let mean = run(
        IndicatorKind::Ratio,
        Aggregation::Mean,
        Some(&gte("50")),
        &values,
    );
    assert_eq!(mean.value, Some(Decimal::from(50)));
    assert_eq!(mean.target_met, Some(true));
    assert_eq!(mean.numerator_sum, Some(Decimal::from(19)));
    assert_eq!(mean.denominator_sum, Some(Decimal::from(110)));
    let pooled = run(
        IndicatorKind::Ratio,
        Aggregation::Pooled,
        Some(&gte("50")),
        &values,
    );
    assert_eq!(pooled.value, Some(dec("17.2727")));
    assert_eq!(pooled.target_met, Some(false));
    // A third of a percent is shown to four places: (100/3 + 0) / 2.
    let thirds = run(
        IndicatorKind::Ratio,
        Aggregation::Mean,
        None,
        &[ratio("A", 1, 3), ratio("B", 0, 5)],
    );
    assert_eq!(thirds.value, Some(dec("16.6667")));
}

#[test]
fn min_and_max_take_the_extreme_unit_and_ties_go_to_the_smallest_code() {
    let values = [
        number("C", dec("7")),
        number("B", dec("3")),
        number("A", dec("7")),
        number("D", dec("3")),
    ];
    let at_most = Target {
        comparator: Comparator::Lte,
        threshold: dec("5"),
    };
    let min = run(
        IndicatorKind::Decimal,
        Aggregation::Min,
        Some(&at_most),
        &values,
    );
    assert_eq!(min.value, Some(dec("3")));
    assert_eq!(min.lowest, Some(("B".to_owned(), dec("3"))));
    assert_eq!(min.target_met, Some(true));
    let max = run(
        IndicatorKind::Decimal,
        Aggregation::Max,
        Some(&at_most),
        &values,
    );
    assert_eq!(max.value, Some(dec("7")));
    assert_eq!(max.highest, Some(("A".to_owned(), dec("7"))));
    assert_eq!(max.target_met, Some(false));
    // A ratio's extreme is its percentage, rounded as shown.
    let worst = run(
        IndicatorKind::Ratio,
        Aggregation::Min,
        None,
        &[ratio("A", 2, 3), ratio("B", 95, 100)],
    );
    assert_eq!(worst.value, Some(dec("66.6667")));
}

#[test]
fn not_aggregated_gives_no_figure_and_no_verdict_but_keeps_the_extremes() {
    let values = [number("A", dec("12")), number("B", dec("30"))];
    let none = run(
        IndicatorKind::Count,
        Aggregation::NotAggregated,
        Some(&gte("10")),
        &values,
    );
    assert_eq!(none.value, None);
    assert_eq!(none.target_met, None);
    assert_eq!(none.units_reporting, 2);
    assert_eq!(none.lowest, Some(("A".to_owned(), dec("12"))));
    assert_eq!(none.highest, Some(("B".to_owned(), dec("30"))));
    // A yes/no indicator not aggregated has no verdict either.
    let yes = (
        "A".to_owned(),
        ReportedValue {
            flag: Some(true),
            ..ReportedValue::default()
        },
    );
    let all_yes = Target {
        comparator: Comparator::Eq,
        threshold: Decimal::ONE,
    };
    let flags = run(
        IndicatorKind::Boolean,
        Aggregation::NotAggregated,
        Some(&all_yes),
        std::slice::from_ref(&yes),
    );
    assert_eq!((flags.value, flags.target_met), (None, None));
    let counted = run(
        IndicatorKind::Boolean,
        Aggregation::Sum,
        Some(&all_yes),
        &[yes],
    );
    assert_eq!(
        (counted.value, counted.target_met),
        (Some(Decimal::ONE), Some(true))
    );
}

#[test]
fn a_weighted_mean_leaves_out_units_without_a_usable_weight() {
    let target = gte("15");
    let mut running = RunningConsolidation::new(
        IndicatorKind::Decimal,
        Aggregation::WeightedMean,
        Some(&target),
    );
    // (10 × 1 + 20 × 3) / 4 = 17.5; C has no weight, D a zero one, E a negative one.
    let values = [
        ("A", "10", Some("1")),
        ("B", "20", Some("3")),
        ("C", "100", None),
        ("D", "200", Some("0")),
        ("E", "300", Some("-2")),
    ];
    for (code, figure, weight) in values {
        let (code, value) = number(code, dec(figure));
        running.add_weighted(&code, &value, weight.map(dec));
    }
    let weighted = running.finish();
    assert_eq!(weighted.value, Some(dec("17.5")));
    assert_eq!(weighted.target_met, Some(true));
    assert_eq!(weighted.units_reporting, 5, "every unit still reports");
    assert_eq!(weighted.highest, Some(("E".to_owned(), dec("300"))));

    // No unit with a usable weight: Σweight = 0, no figure.
    let mut running = RunningConsolidation::new(
        IndicatorKind::Count,
        Aggregation::WeightedMean,
        Some(&target),
    );
    let (code, value) = number("A", dec("10"));
    running.add_weighted(&code, &value, Some(Decimal::ZERO));
    running.add(&code, &value);
    let nothing = running.finish();
    assert_eq!((nothing.value, nothing.target_met), (None, None));
    assert_eq!(nothing.units_reporting, 2);
}

#[test]
fn overflowing_means_give_no_figure_rather_than_a_wrong_one() {
    let huge = [number("A", Decimal::MAX), number("B", Decimal::MAX)];
    for rule in [Aggregation::Mean, Aggregation::Sum] {
        let consolidated = run(IndicatorKind::Decimal, rule, None, &huge);
        assert_eq!(consolidated.value, None, "{rule}");
        assert_eq!(consolidated.units_reporting, 2);
    }
    let max = run(IndicatorKind::Decimal, Aggregation::Max, None, &huge);
    assert_eq!(max.value, Some(Decimal::MAX));
    let mut running =
        RunningConsolidation::new(IndicatorKind::Decimal, Aggregation::WeightedMean, None);
    let (code, value) = number("A", Decimal::MAX);
    running.add_weighted(&code, &value, Some(Decimal::from(2)));
    assert_eq!(running.finish().value, None);
    let mut running =
        RunningConsolidation::new(IndicatorKind::Decimal, Aggregation::WeightedMean, None);
    let (code, value) = number("A", Decimal::ONE);
    running.add_weighted(&code, &value, Some(Decimal::MAX));
    running.add_weighted("B", &value, Some(Decimal::MAX));
    assert_eq!(running.finish().value, None, "Σweight overflows");
}

#[test]
fn a_rule_the_kind_does_not_allow_gives_no_figure() {
    let values = [ratio("A", 1, 2)];
    assert_eq!(
        run(IndicatorKind::Ratio, Aggregation::Sum, None, &values).value,
        None
    );
    assert_eq!(
        run(
            IndicatorKind::Count,
            Aggregation::Pooled,
            None,
            &[number("A", dec("3"))]
        )
        .value,
        None
    );
}
