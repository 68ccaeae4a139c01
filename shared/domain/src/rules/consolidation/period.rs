//! A period's consolidation, every indicator at once, folded while the values stream in, in
//! any order. A weighted mean needs each unit's figure together with the unit's value of the
//! weighing indicator, which may come before or after it: the weights of the indicators that
//! weigh others are kept by report (one number per report and weighing indicator), and a
//! figure that comes before its weight waits for it. Memory grows with the reports times the
//! weighing indicators, not with every value of the period.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::{Consolidated, RunningConsolidation};
use crate::model::indicator::{Aggregation, IndicatorDefinition};
use crate::rules::completeness::ReportedValue;

/// Every indicator of a period being consolidated, by position in the period's list.
#[derive(Debug)]
pub struct PeriodConsolidation<'a> {
    running: Vec<RunningConsolidation<'a>>,
    /// For an indicator under a weighted mean whose weighing indicator is in the period: that
    /// indicator's position. (A weighing indicator outside the period gives no unit a weight.)
    weight_of: Vec<Option<usize>>,
    /// For each indicator, whether it weighs another one.
    weighs: Vec<bool>,
    /// The weights seen so far by (report, weighing indicator): the number given, `None` when
    /// the value is marked not applicable or has no number.
    weights: HashMap<(i64, usize), Option<Decimal>>,
    /// Values under a weighted mean whose report's weight has not come yet, by (report,
    /// indicator), with the unit's code.
    pending: HashMap<(i64, usize), (String, ReportedValue)>,
}

impl<'a> PeriodConsolidation<'a> {
    /// A consolidation of `definitions`, the period's indicators in its order.
    pub fn new(definitions: &'a [IndicatorDefinition]) -> Self {
        let position: HashMap<&str, usize> = definitions
            .iter()
            .enumerate()
            .map(|(i, def)| (def.code.as_str(), i))
            .collect();
        let weight_of: Vec<Option<usize>> = definitions
            .iter()
            .map(|def| match def.aggregation {
                Aggregation::WeightedMean => def
                    .aggregation_weight
                    .as_deref()
                    .and_then(|code| position.get(code).copied()),
                _ => None,
            })
            .collect();
        let mut weighs = vec![false; definitions.len()];
        for &j in weight_of.iter().flatten() {
            weighs[j] = true;
        }
        Self {
            running: definitions
                .iter()
                .map(|def| {
                    RunningConsolidation::new(def.kind, def.aggregation, def.target.as_ref())
                })
                .collect(),
            weight_of,
            weighs,
            weights: HashMap::new(),
            pending: HashMap::new(),
        }
    }

    /// Folds in `value`, the value of indicator `indicator` (its position) in report `report`
    /// (any key unique to one unit's report) of unit `unit_code`.
    pub fn add(&mut self, indicator: usize, report: i64, unit_code: &str, value: &ReportedValue) {
        if self.weighs[indicator] {
            let weight = value.number.filter(|_| !value.not_applicable);
            self.weights.insert((report, indicator), weight);
            for (x, w) in self.weight_of.iter().enumerate() {
                if *w != Some(indicator) {
                    continue;
                }
                if let Some((code, waiting)) = self.pending.remove(&(report, x)) {
                    self.running[x].add_weighted(&code, &waiting, weight);
                }
            }
        }
        match self.weight_of[indicator] {
            Some(w) => match self.weights.get(&(report, w)) {
                Some(weight) => self.running[indicator].add_weighted(unit_code, value, *weight),
                None => {
                    self.pending
                        .insert((report, indicator), (unit_code.to_owned(), value.clone()));
                }
            },
            None => self.running[indicator].add(unit_code, value),
        }
    }

    /// The consolidated figure of each indicator, in the period's order. Values still waiting
    /// for a weight belong to reports without one: they count, but not in the mean.
    pub fn finish(mut self) -> Vec<Consolidated> {
        for ((_, indicator), (code, waiting)) in std::mem::take(&mut self.pending) {
            self.running[indicator].add_weighted(&code, &waiting, None);
        }
        self.running
            .into_iter()
            .map(RunningConsolidation::finish)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::indicator::{ContentArea, IndicatorKind};

    fn definition(
        code: &str,
        kind: IndicatorKind,
        rule: Aggregation,
        weight: Option<&str>,
    ) -> IndicatorDefinition {
        IndicatorDefinition {
            code: code.to_owned(),
            name: code.to_owned(),
            description: None,
            content_area: ContentArea::CivilServiceQuality,
            kind,
            unit_of_measure: None,
            target: None,
            tolerance: Decimal::ZERO,
            evidence_required: false,
            aggregation: rule,
            aggregation_weight: weight.map(str::to_owned),
        }
    }

    fn number(n: i64) -> ReportedValue {
        ReportedValue {
            number: Some(Decimal::from(n)),
            ..ReportedValue::default()
        }
    }

    /// The period: 0 the share of trained staff (%), weighted by 1 the headcount; 2 another
    /// mean weighted by the headcount; 3 one weighted by an indicator outside the period.
    fn period() -> Vec<IndicatorDefinition> {
        vec![
            definition(
                "DAOTAO",
                IndicatorKind::Decimal,
                Aggregation::WeightedMean,
                Some("CCVC"),
            ),
            definition("CCVC", IndicatorKind::Count, Aggregation::Sum, None),
            definition(
                "TUOI-TB",
                IndicatorKind::Decimal,
                Aggregation::WeightedMean,
                Some("CCVC"),
            ),
            definition(
                "KHAC",
                IndicatorKind::Decimal,
                Aggregation::WeightedMean,
                Some("NGOAI"),
            ),
        ]
    }

    /// (indicator, report, unit, value) in stream order.
    type Row = (usize, i64, &'static str, ReportedValue);

    fn consolidate(definitions: &[IndicatorDefinition], rows: &[Row]) -> Vec<Consolidated> {
        let mut period = PeriodConsolidation::new(definitions);
        for (indicator, report, unit, value) in rows {
            period.add(*indicator, *report, unit, value);
        }
        period.finish()
    }

    #[test]
    fn figures_meet_their_weights_in_any_order() {
        let definitions = period();
        let mut not_applicable = number(500);
        not_applicable.not_applicable = true;
        let rows: Vec<Row> = vec![
            // A: 80 % of 10 people, its figure before its weight.
            (0, 1, "A", number(80)),
            (2, 1, "A", number(40)),
            (1, 1, "A", number(10)),
            // B: 50 % of 30 people, its weight first.
            (1, 2, "B", number(30)),
            (0, 2, "B", number(50)),
            (2, 2, "B", number(30)),
            // C: headcount not applicable; D: no headcount at all; E: zero people.
            (1, 3, "C", not_applicable),
            (0, 3, "C", number(10)),
            (0, 4, "D", number(5)),
            (0, 5, "E", number(100)),
            (1, 5, "E", number(0)),
            (3, 1, "A", number(7)),
        ];
        // (80 × 10 + 50 × 30) / 40 = 57.5; (40 × 10 + 30 × 30) / 40 = 32.5.
        let expected = (Decimal::new(575, 1), Decimal::new(325, 1));
        let mut orders = vec![rows.clone(), rows.iter().rev().cloned().collect()];
        let mut by_indicator = rows.clone();
        by_indicator.sort_by_key(|row| row.0);
        orders.push(by_indicator.clone());
        by_indicator.reverse();
        orders.push(by_indicator);
        for order in orders {
            let consolidated = consolidate(&definitions, &order);
            assert_eq!(consolidated[0].value, Some(expected.0));
            assert_eq!(
                consolidated[0].units_reporting, 5,
                "C, D and E report, unweighted"
            );
            assert_eq!(
                consolidated[0].lowest,
                Some(("D".to_owned(), Decimal::from(5)))
            );
            assert_eq!(consolidated[2].value, Some(expected.1));
            assert_eq!(
                consolidated[1].value,
                Some(Decimal::from(40)),
                "the headcount's sum"
            );
            // The weighing indicator is not in the period: no unit has a weight.
            assert_eq!(consolidated[3].value, None);
            assert_eq!(consolidated[3].units_reporting, 1);
        }
    }

    #[test]
    fn no_usable_weight_anywhere_gives_no_figure() {
        let definitions = period();
        let rows: Vec<Row> = vec![
            (0, 1, "A", number(80)),
            (1, 1, "A", number(0)),
            (0, 2, "B", number(60)),
        ];
        let consolidated = consolidate(&definitions, &rows);
        assert_eq!(consolidated[0].value, None);
        assert_eq!(consolidated[0].units_reporting, 2);
        assert_eq!(
            consolidated[0].highest,
            Some(("A".to_owned(), Decimal::from(80)))
        );
    }
}
