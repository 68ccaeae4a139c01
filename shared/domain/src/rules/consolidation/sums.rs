//! The running sums of one indicator's consolidation, kept as a period's reports come and go:
//! each report's [`Contribution`] is added when it starts to count and taken back when it stops,
//! and [`Sums::finish`] gives the same figure a fresh fold over the counted reports gives
//! ([`super::RunningConsolidation`] folds through the same sums).

use rust_decimal::Decimal;

use super::{meets, quotient, value_kind, Consolidated};
use crate::model::indicator::{Aggregation, IndicatorKind, Target};
use crate::rules::completeness::{unit_figure, ReportedValue};

/// What one report's value adds to one indicator's sums.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contribution {
    /// A non-blank text answer (text indicators count those as reporting).
    pub reports_text: bool,
    /// The value has a figure (and is not marked not applicable); the rest is empty without.
    pub usable: bool,
    pub numerator: Option<Decimal>,
    pub denominator: Option<Decimal>,
    pub number: Option<Decimal>,
    /// The unit's figure as computed (the mean sums these).
    pub figure: Option<Decimal>,
    /// The figure as shown (4 places): what the lowest and highest compare.
    pub extreme: Option<Decimal>,
    /// The unit's usable weight (a weighted mean's), and weight × figure (`None` with a
    /// weight: the product overflowed).
    pub weight: Option<Decimal>,
    pub weighted: Option<Decimal>,
    pub yes: bool,
    /// The figure misses the indicator's target.
    pub fails_target: bool,
}

impl Contribution {
    /// The contribution of `value` to an indicator of `kind` with `target`, with `weight` the
    /// unit's value of the weighing indicator; `None` when it adds nothing (not applicable, or
    /// neither a figure nor a text answer).
    pub fn of(
        kind: IndicatorKind,
        target: Option<&Target>,
        value: &ReportedValue,
        weight: Option<Decimal>,
    ) -> Option<Self> {
        if value.not_applicable {
            return None;
        }
        let reports_text = value.text.as_deref().is_some_and(|t| !t.trim().is_empty());
        let Some(figure) = unit_figure(value_kind(kind), value) else {
            return reports_text.then_some(Self {
                reports_text,
                usable: false,
                numerator: None,
                denominator: None,
                number: None,
                figure: None,
                extreme: None,
                weight: None,
                weighted: None,
                yes: false,
                fails_target: false,
            });
        };
        let weight = weight.filter(|w| *w > Decimal::ZERO);
        Some(Self {
            reports_text,
            usable: true,
            numerator: value.numerator,
            denominator: value.denominator,
            number: value.number,
            figure: Some(figure),
            extreme: (kind != IndicatorKind::Text).then(|| figure.round_dp(4).normalize()),
            weight,
            weighted: weight.and_then(|w| w.checked_mul(figure)),
            yes: value.flag == Some(true),
            fails_target: target.is_some_and(|target| !meets(target, figure)),
        })
    }
}

/// One indicator's running sums over the reports counted so far. A sum is `None` once it has
/// overflowed (the consolidation then gives no figure rather than a wrong one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sums {
    pub usable: i64,
    pub texts: i64,
    pub numerators: Option<Decimal>,
    pub denominators: Option<Decimal>,
    pub numbers: Option<Decimal>,
    pub figures: Option<Decimal>,
    pub weighted: Option<Decimal>,
    pub weights: Option<Decimal>,
    pub yes: i64,
    /// Usable figures that miss the target.
    pub failing: i64,
    /// The lowest and highest figure as shown, with its unit (ties: the smallest unit code).
    pub lowest: Option<(String, Decimal)>,
    pub highest: Option<(String, Decimal)>,
}

impl Default for Sums {
    fn default() -> Self {
        Self {
            usable: 0,
            texts: 0,
            numerators: Some(Decimal::ZERO),
            denominators: Some(Decimal::ZERO),
            numbers: Some(Decimal::ZERO),
            figures: Some(Decimal::ZERO),
            weighted: Some(Decimal::ZERO),
            weights: Some(Decimal::ZERO),
            yes: 0,
            failing: 0,
            lowest: None,
            highest: None,
        }
    }
}

/// Adds `x` to a running sum that stays `None` once it has overflowed; a missing `x` adds
/// nothing.
fn add_to(sum: Option<Decimal>, x: Option<Decimal>) -> Option<Decimal> {
    match (sum, x) {
        (Some(sum), Some(x)) => sum.checked_add(x),
        (sum, None) => sum,
        (None, Some(_)) => None,
    }
}

/// Takes `x` back out of a sum; `Err` when the sum has overflowed (it cannot be undone).
fn take_from(sum: Option<Decimal>, x: Option<Decimal>) -> Result<Option<Decimal>, Overflowed> {
    match (sum, x) {
        (sum, None) => Ok(sum),
        (Some(sum), Some(x)) => sum.checked_sub(x).map(Some).ok_or(Overflowed),
        (None, Some(_)) => Err(Overflowed),
    }
}

/// A sum overflowed earlier: what it held cannot be taken back, only computed afresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overflowed;

/// Whether `figure` of `unit_code` beats `current` (strictly `better`, or equal with a smaller
/// unit code).
fn beats(
    current: &Option<(String, Decimal)>,
    unit_code: &str,
    figure: Decimal,
    better: fn(Decimal, Decimal) -> bool,
) -> bool {
    match current {
        None => true,
        Some((code, kept)) => {
            better(figure, *kept) || (figure == *kept && unit_code < code.as_str())
        }
    }
}

impl Sums {
    /// Counts `contribution`, of unit `unit_code`.
    pub fn add(&mut self, unit_code: &str, c: &Contribution) {
        if c.reports_text {
            self.texts += 1;
        }
        if !c.usable {
            return;
        }
        self.usable += 1;
        self.numerators = add_to(self.numerators, c.numerator);
        self.denominators = add_to(self.denominators, c.denominator);
        self.numbers = add_to(self.numbers, c.number);
        self.figures = add_to(self.figures, c.figure);
        if let Some(weight) = c.weight {
            self.weighted = match (self.weighted, c.weighted) {
                (Some(sum), Some(product)) => sum.checked_add(product),
                _ => None,
            };
            self.weights = add_to(self.weights, Some(weight));
        }
        if c.yes {
            self.yes += 1;
        }
        if c.fails_target {
            self.failing += 1;
        }
        if let Some(figure) = c.extreme {
            if beats(&self.lowest, unit_code, figure, |a, b| a < b) {
                self.lowest = Some((unit_code.to_owned(), figure));
            }
            if beats(&self.highest, unit_code, figure, |a, b| a > b) {
                self.highest = Some((unit_code.to_owned(), figure));
            }
        }
    }

    /// Stops counting `contribution` of `unit_code`. When it held the lowest or the highest
    /// figure, that one is cleared and `(lowest, highest)` says which: the caller finds the
    /// next one among the reports still counted.
    pub fn remove(
        &mut self,
        unit_code: &str,
        c: &Contribution,
    ) -> Result<(bool, bool), Overflowed> {
        if c.reports_text {
            self.texts -= 1;
        }
        if !c.usable {
            return Ok((false, false));
        }
        self.usable -= 1;
        self.numerators = take_from(self.numerators, c.numerator)?;
        self.denominators = take_from(self.denominators, c.denominator)?;
        self.numbers = take_from(self.numbers, c.number)?;
        self.figures = take_from(self.figures, c.figure)?;
        if let Some(weight) = c.weight {
            self.weighted = take_from(self.weighted, Some(c.weighted.ok_or(Overflowed)?))?;
            self.weights = take_from(self.weights, Some(weight))?;
        }
        if c.yes {
            self.yes -= 1;
        }
        if c.fails_target {
            self.failing -= 1;
        }
        let held = |kept: &Option<(String, Decimal)>| {
            kept.as_ref()
                .is_some_and(|(code, _)| code == unit_code && c.extreme.is_some())
        };
        let (lowest, highest) = (held(&self.lowest), held(&self.highest));
        if lowest {
            self.lowest = None;
        }
        if highest {
            self.highest = None;
        }
        Ok((lowest, highest))
    }

    /// The figure `aggregation` gives over the usable units.
    fn aggregated(&self, kind: IndicatorKind, aggregation: Aggregation) -> Option<Decimal> {
        if self.usable == 0 {
            return None;
        }
        match (aggregation, kind) {
            (Aggregation::Pooled, IndicatorKind::Ratio) => {
                match (self.numerators, self.denominators) {
                    (Some(n), Some(d)) if !d.is_zero() => n
                        .checked_mul(Decimal::ONE_HUNDRED)
                        .and_then(|n| n.checked_div(d))
                        .map(|p| p.round_dp(4).normalize()),
                    _ => None,
                }
            }
            (Aggregation::Sum, IndicatorKind::Count | IndicatorKind::Decimal) => {
                self.numbers.map(|s| s.normalize())
            }
            (Aggregation::Sum, IndicatorKind::Boolean) => Some(Decimal::from(self.yes)),
            (Aggregation::Mean, _) => quotient(self.figures, Some(Decimal::from(self.usable))),
            (Aggregation::WeightedMean, _) => quotient(self.weighted, self.weights),
            (Aggregation::Min, _) => self.lowest.as_ref().map(|(_, figure)| *figure),
            (Aggregation::Max, _) => self.highest.as_ref().map(|(_, figure)| *figure),
            // Not aggregated, and the rules a kind does not allow (refused when the
            // indicator is defined) give no figure.
            _ => None,
        }
    }

    /// The consolidated figure of an indicator of `kind` under `aggregation` with `target`.
    pub fn finish(
        &self,
        kind: IndicatorKind,
        aggregation: Aggregation,
        target: Option<&Target>,
    ) -> Consolidated {
        // Text answers have no figure but still count as reported.
        let reporting = if kind == IndicatorKind::Text {
            self.texts
        } else {
            self.usable
        };
        let units_reporting = u32::try_from(reporting.max(0)).unwrap_or(u32::MAX);
        let value = self.aggregated(kind, aggregation);
        let (numerator_sum, denominator_sum) = match kind {
            IndicatorKind::Ratio if units_reporting > 0 => (self.numerators, self.denominators),
            _ => (None, None),
        };
        let target_met = match (target, kind, aggregation) {
            // Met when every reporting unit gives the target answer.
            (Some(_), IndicatorKind::Boolean, Aggregation::Sum) if units_reporting > 0 => {
                Some(self.failing == 0)
            }
            (Some(_), IndicatorKind::Boolean, _) => None,
            (Some(target), _, _) => value.map(|v| meets(target, v)),
            (None, _, _) => None,
        };
        Consolidated {
            units_reporting,
            numerator_sum,
            denominator_sum,
            value,
            lowest: self.lowest.clone(),
            highest: self.highest.clone(),
            target_met,
        }
    }
}
