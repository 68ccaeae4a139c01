//! Builders of specs and values, and views of problems, for the unit tests of the rules.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::{completeness_problems, IndicatorSpec, Problem, ReportedValue, ValueKind};

pub(super) fn dec(text: &str) -> Decimal {
    text.parse().expect("valid test decimal")
}

pub(super) fn spec(
    code: &str,
    kind: ValueKind,
    tolerance: &str,
    evidence_required: bool,
) -> IndicatorSpec {
    IndicatorSpec {
        code: code.to_owned(),
        kind,
        tolerance: dec(tolerance),
        evidence_required,
    }
}

pub(super) fn ratio_spec() -> IndicatorSpec {
    spec("TTHC-DUNGHAN", ValueKind::Ratio, "0", false)
}

pub(super) fn ratio(numerator: &str, denominator: &str) -> ReportedValue {
    ReportedValue {
        numerator: Some(dec(numerator)),
        denominator: Some(dec(denominator)),
        ..ReportedValue::default()
    }
}

pub(super) fn number(value: &str) -> ReportedValue {
    ReportedValue {
        number: Some(dec(value)),
        ..ReportedValue::default()
    }
}

pub(super) fn flag(value: bool) -> ReportedValue {
    ReportedValue {
        flag: Some(value),
        ..ReportedValue::default()
    }
}

pub(super) fn text(value: &str) -> ReportedValue {
    ReportedValue {
        text: Some(value.to_owned()),
        ..ReportedValue::default()
    }
}

pub(super) fn values(entries: Vec<(&str, ReportedValue)>) -> HashMap<String, ReportedValue> {
    entries
        .into_iter()
        .map(|(code, value)| (code.to_owned(), value))
        .collect()
}

/// The problems of a single indicator with a single value.
pub(super) fn problems_of(spec: &IndicatorSpec, value: ReportedValue) -> Vec<Problem> {
    completeness_problems(
        std::slice::from_ref(spec),
        &values(vec![(spec.code.as_str(), value)]),
    )
}

/// `(field, code)` pairs, for tests that do not check messages.
pub(super) fn fields_and_codes(problems: &[Problem]) -> Vec<(&str, &str)> {
    problems
        .iter()
        .map(|problem| (problem.field.as_str(), problem.code))
        .collect()
}
