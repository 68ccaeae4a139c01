//! Completeness problems: everything that must hold before submission, indicator by indicator
//! (answered, the kind's fields, discrepancies explained, evidence), then unknown codes.

use std::collections::HashMap;

use super::figures::{compared_figures, difference, discrepancy_problem};
use super::problem_codes::{
    DENOMINATOR_ZERO, EVIDENCE_REQUIRED, EXPLANATION_REQUIRED, NUMERATOR_EXCEEDS_DENOMINATOR,
    REQUIRED, UNKNOWN_INDICATOR,
};
use super::shape::shape_problems;
use super::{non_blank, show, IndicatorSpec, Problem, ReportedValue, ValueKind};

/// Everything that stops the values from being submitted, for the indicators
/// `specs` of a period and the unit's `values` keyed by indicator code.
///
/// Indicators are checked in `specs` order; for each, problems come in the
/// order: unanswered, not-applicable explanation, the kind's fields,
/// discrepancy explanation, evidence, then [`shape_problems`]. Values for
/// codes that are not in `specs` follow, sorted by code.
pub fn completeness_problems(
    specs: &[IndicatorSpec],
    values: &HashMap<String, ReportedValue>,
) -> Vec<Problem> {
    let unanswered = ReportedValue::default();
    let mut problems = Vec::new();
    for spec in specs {
        let value = values.get(&spec.code).unwrap_or(&unanswered);
        problems.extend(indicator_problems(spec, value));
    }

    let mut unknown_codes: Vec<&String> = values
        .keys()
        .filter(|code| !specs.iter().any(|spec| &spec.code == *code))
        .collect();
    // HashMap order is random; sorting keeps responses reproducible.
    unknown_codes.sort();
    problems.extend(unknown_codes.into_iter().map(|code| {
        Problem::new(
            code,
            None,
            UNKNOWN_INDICATOR,
            "not an indicator of this period".to_owned(),
        )
    }));
    problems
}

/// The submission problems of one indicator's value.
fn indicator_problems(spec: &IndicatorSpec, value: &ReportedValue) -> Vec<Problem> {
    let code = spec.code.as_str();
    let mut problems = Vec::new();

    if is_unanswered(value) {
        problems.push(Problem::new(
            code,
            None,
            REQUIRED,
            "an answer is required; give a value or mark the indicator not applicable".to_owned(),
        ));
    } else if value.not_applicable {
        if non_blank(value.explanation.as_deref()).is_none() {
            problems.push(Problem::new(
                code,
                Some("explanation"),
                EXPLANATION_REQUIRED,
                "explain why the indicator is not applicable".to_owned(),
            ));
        }
    } else {
        problems.extend(answer_problems(spec, value));
    }

    if let Some((figure, system_value)) = compared_figures(spec, value) {
        if difference(figure, system_value) > spec.tolerance
            && non_blank(value.explanation.as_deref()).is_none()
        {
            problems.push(discrepancy_problem(spec, figure, system_value));
        }
    }

    // Evidence is required even for a not-applicable value: it is what
    // shows that nothing applied.
    if spec.evidence_required && value.evidence_count == 0 {
        problems.push(Problem::new(
            code,
            Some("evidence"),
            EVIDENCE_REQUIRED,
            "cite at least one piece of evidence, or upload an evidence file for this indicator"
                .to_owned(),
        ));
    }

    problems.extend(shape_problems(spec, value));
    problems
}

/// Missing or invalid fields of an answered, applicable value.
fn answer_problems(spec: &IndicatorSpec, value: &ReportedValue) -> Vec<Problem> {
    let code = spec.code.as_str();
    let required = |subfield: &str, what: &str| {
        Problem::new(
            code,
            Some(subfield),
            REQUIRED,
            format!("{what} is required"),
        )
    };
    let mut problems = Vec::new();
    match spec.kind {
        ValueKind::Ratio => {
            if value.numerator.is_none() {
                problems.push(required("numerator", "the numerator"));
            }
            match value.denominator {
                None => problems.push(required("denominator", "the denominator")),
                Some(denominator) if denominator.is_zero() => problems.push(Problem::new(
                    code,
                    Some("denominator"),
                    DENOMINATOR_ZERO,
                    "the denominator is 0; if there was nothing to count, \
                     mark the value not applicable and explain why"
                        .to_owned(),
                )),
                // A negative denominator is a shape problem; comparing the
                // numerator with it would only add noise.
                Some(denominator) if denominator.is_sign_negative() => {}
                Some(denominator) => {
                    if let Some(numerator) = value.numerator.filter(|n| *n > denominator) {
                        problems.push(Problem::new(
                            code,
                            Some("numerator"),
                            NUMERATOR_EXCEEDS_DENOMINATOR,
                            format!(
                                "the numerator ({}) cannot exceed the denominator ({})",
                                show(numerator),
                                show(denominator)
                            ),
                        ));
                    }
                }
            }
        }
        ValueKind::Count | ValueKind::Decimal => {
            if value.number.is_none() {
                problems.push(required("number", "a number"));
            }
        }
        ValueKind::Boolean => {
            if value.flag.is_none() {
                problems.push(required("flag", "a yes/no answer"));
            }
        }
        ValueKind::Text => {
            if non_blank(value.text.as_deref()).is_none() {
                problems.push(required("text", "a text answer"));
            }
        }
    }
    problems
}

/// Whether `value` answers nothing: not marked not applicable and no answer
/// field given, whatever the indicator's kind.
fn is_unanswered(value: &ReportedValue) -> bool {
    !value.not_applicable
        && value.numerator.is_none()
        && value.denominator.is_none()
        && value.number.is_none()
        && value.flag.is_none()
        && non_blank(value.text.as_deref()).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::completeness::problem_codes::{NEGATIVE, NOT_FOR_KIND, NOT_WHOLE, TOO_LONG};
    use crate::rules::completeness::test_support::*;
    use crate::rules::completeness::MAX_EXPLANATION_CHARS;

    #[test]
    fn complete_values_have_no_problems() {
        let specs = [
            ratio_spec(),
            spec("HS-TIEPNHAN", ValueKind::Count, "0", true),
            spec("CHI-PHI", ValueKind::Decimal, "0.5", false),
            spec("CO-QUYCHE", ValueKind::Boolean, "0", false),
            spec("GHI-CHU", ValueKind::Text, "0", false),
        ];
        let values = values(vec![
            (
                "TTHC-DUNGHAN",
                ReportedValue {
                    system_value: Some(dec("95")),
                    ..ratio("95", "100")
                },
            ),
            (
                "HS-TIEPNHAN",
                ReportedValue {
                    evidence_count: 2,
                    ..number("120")
                },
            ),
            (
                "CHI-PHI",
                ReportedValue {
                    system_value: Some(dec("10.25")),
                    ..number("10.5")
                },
            ),
            ("CO-QUYCHE", flag(false)),
            ("GHI-CHU", text("Đã hoàn thành")),
        ]);
        assert_eq!(completeness_problems(&specs, &values), Vec::new());
    }

    #[test]
    fn missing_and_empty_values_are_required() {
        let specs = [ratio_spec(), spec("GHI-CHU", ValueKind::Text, "0", false)];
        let values = values(vec![("GHI-CHU", text(" \n "))]);
        let problems = completeness_problems(&specs, &values);
        assert_eq!(
            fields_and_codes(&problems),
            vec![
                ("values.TTHC-DUNGHAN", REQUIRED),
                ("values.GHI-CHU", REQUIRED)
            ]
        );
        assert_eq!(
            problems[0].message,
            "TTHC-DUNGHAN: an answer is required; give a value or mark the indicator \
             not applicable"
        );
    }

    #[test]
    fn unanswered_value_still_reports_missing_evidence() {
        let spec = spec("HS-TIEPNHAN", ValueKind::Count, "0", true);
        let problems = completeness_problems(std::slice::from_ref(&spec), &HashMap::new());
        assert_eq!(
            fields_and_codes(&problems),
            vec![
                ("values.HS-TIEPNHAN", REQUIRED),
                ("values.HS-TIEPNHAN.evidence", EVIDENCE_REQUIRED),
            ]
        );
    }

    #[test]
    fn not_applicable_needs_an_explanation() {
        let blank = ReportedValue {
            not_applicable: true,
            explanation: Some("   ".to_owned()),
            ..ReportedValue::default()
        };
        assert_eq!(
            problems_of(&ratio_spec(), blank),
            vec![Problem {
                field: "values.TTHC-DUNGHAN.explanation".to_owned(),
                code: EXPLANATION_REQUIRED,
                message: "TTHC-DUNGHAN: explain why the indicator is not applicable".to_owned(),
            }]
        );
        let explained = ReportedValue {
            not_applicable: true,
            explanation: Some("Không phát sinh hồ sơ".to_owned()),
            ..ReportedValue::default()
        };
        assert_eq!(problems_of(&ratio_spec(), explained), Vec::new());
    }

    #[test]
    fn not_applicable_ratio_with_zero_denominator_passes_with_an_explanation() {
        let value = ReportedValue {
            not_applicable: true,
            explanation: Some("Không phát sinh hồ sơ trong kỳ".to_owned()),
            system_value: Some(dec("100")),
            ..ratio("0", "0")
        };
        assert_eq!(problems_of(&ratio_spec(), value.clone()), Vec::new());
        let unexplained = ReportedValue {
            explanation: None,
            ..value
        };
        assert_eq!(
            fields_and_codes(&problems_of(&ratio_spec(), unexplained)),
            vec![("values.TTHC-DUNGHAN.explanation", EXPLANATION_REQUIRED)]
        );
    }

    #[test]
    fn ratio_needs_numerator_and_denominator() {
        let numerator_only = ReportedValue {
            numerator: Some(dec("3")),
            ..ReportedValue::default()
        };
        let problems = problems_of(&ratio_spec(), numerator_only);
        assert_eq!(
            fields_and_codes(&problems),
            vec![("values.TTHC-DUNGHAN.denominator", REQUIRED)]
        );
        assert_eq!(
            problems[0].message,
            "TTHC-DUNGHAN: the denominator is required"
        );
        let denominator_only = ReportedValue {
            denominator: Some(dec("3")),
            ..ReportedValue::default()
        };
        assert_eq!(
            fields_and_codes(&problems_of(&ratio_spec(), denominator_only)),
            vec![("values.TTHC-DUNGHAN.numerator", REQUIRED)]
        );
        // A ratio answered with the wrong field is answered, but lacks both parts.
        assert_eq!(
            fields_and_codes(&problems_of(&ratio_spec(), number("95"))),
            vec![
                ("values.TTHC-DUNGHAN.numerator", REQUIRED),
                ("values.TTHC-DUNGHAN.denominator", REQUIRED),
                ("values.TTHC-DUNGHAN.number", NOT_FOR_KIND),
            ]
        );
    }

    #[test]
    fn zero_denominator_suggests_not_applicable() {
        assert_eq!(
            problems_of(&ratio_spec(), ratio("0", "0")),
            vec![Problem {
                field: "values.TTHC-DUNGHAN.denominator".to_owned(),
                code: DENOMINATOR_ZERO,
                message: "TTHC-DUNGHAN: the denominator is 0; if there was nothing to count, \
                          mark the value not applicable and explain why"
                    .to_owned(),
            }]
        );
        // A positive numerator over 0 is reported once, as a zero denominator.
        assert_eq!(
            fields_and_codes(&problems_of(&ratio_spec(), ratio("3", "0"))),
            vec![("values.TTHC-DUNGHAN.denominator", DENOMINATOR_ZERO)]
        );
    }

    #[test]
    fn numerator_cannot_exceed_denominator() {
        assert_eq!(
            problems_of(&ratio_spec(), ratio("101", "100")),
            vec![Problem {
                field: "values.TTHC-DUNGHAN.numerator".to_owned(),
                code: NUMERATOR_EXCEEDS_DENOMINATOR,
                message: "TTHC-DUNGHAN: the numerator (101) cannot exceed the denominator (100)"
                    .to_owned(),
            }]
        );
        assert_eq!(problems_of(&ratio_spec(), ratio("100", "100")), Vec::new());
    }

    #[test]
    fn negative_denominator_is_only_a_shape_problem() {
        assert_eq!(
            fields_and_codes(&problems_of(&ratio_spec(), ratio("1", "-2"))),
            vec![("values.TTHC-DUNGHAN.denominator", NEGATIVE)]
        );
    }

    #[test]
    fn each_kind_requires_its_own_field() {
        // Each value answers with a field of another kind, so it is answered
        // but lacks its own field.
        let cases = [
            (
                ValueKind::Count,
                flag(true),
                "number",
                "a number is required",
            ),
            (
                ValueKind::Decimal,
                flag(true),
                "number",
                "a number is required",
            ),
            (
                ValueKind::Boolean,
                number("1"),
                "flag",
                "a yes/no answer is required",
            ),
            (
                ValueKind::Text,
                number("1"),
                "text",
                "a text answer is required",
            ),
        ];
        for (kind, value, subfield, message) in cases {
            let spec = spec("CT-01", kind, "0", false);
            let problems = problems_of(&spec, value);
            assert_eq!(
                problems[0].field,
                format!("values.CT-01.{subfield}"),
                "{kind:?}"
            );
            assert_eq!(problems[0].code, REQUIRED, "{kind:?}");
            assert_eq!(problems[0].message, format!("CT-01: {message}"), "{kind:?}");
            assert_eq!(problems.len(), 2, "{kind:?}: required plus not_for_kind");
            assert_eq!(problems[1].code, NOT_FOR_KIND, "{kind:?}");
        }
    }

    #[test]
    fn evidence_is_required_when_the_indicator_asks_for_it() {
        let with_evidence = spec("HS-TIEPNHAN", ValueKind::Count, "0", true);
        assert_eq!(
            problems_of(&with_evidence, number("4")),
            vec![Problem {
                field: "values.HS-TIEPNHAN.evidence".to_owned(),
                code: EVIDENCE_REQUIRED,
                message: "HS-TIEPNHAN: cite at least one piece of evidence, or upload an \
                          evidence file for this indicator"
                    .to_owned(),
            }]
        );
        let cited = ReportedValue {
            evidence_count: 1,
            ..number("4")
        };
        assert_eq!(problems_of(&with_evidence, cited), Vec::new());
        let without_evidence = spec("HS-TIEPNHAN", ValueKind::Count, "0", false);
        assert_eq!(problems_of(&without_evidence, number("4")), Vec::new());
        let not_applicable = ReportedValue {
            not_applicable: true,
            explanation: Some("Không phát sinh".to_owned()),
            ..ReportedValue::default()
        };
        assert_eq!(
            fields_and_codes(&problems_of(&with_evidence, not_applicable)),
            vec![("values.HS-TIEPNHAN.evidence", EVIDENCE_REQUIRED)]
        );
    }

    #[test]
    fn unknown_indicators_are_reported_after_known_ones_in_code_order() {
        let values = values(vec![
            ("ZZ-LA", number("1")),
            ("TTHC-DUNGHAN", ratio("1", "2")),
            ("AA-LA", number("1")),
        ]);
        let problems = completeness_problems(&[ratio_spec()], &values);
        assert_eq!(
            problems,
            vec![
                Problem {
                    field: "values.AA-LA".to_owned(),
                    code: UNKNOWN_INDICATOR,
                    message: "AA-LA: not an indicator of this period".to_owned(),
                },
                Problem {
                    field: "values.ZZ-LA".to_owned(),
                    code: UNKNOWN_INDICATOR,
                    message: "ZZ-LA: not an indicator of this period".to_owned(),
                },
            ]
        );
    }

    #[test]
    fn every_problem_is_reported_at_once_in_a_stable_order() {
        let specs = [
            spec("TTHC-DUNGHAN", ValueKind::Ratio, "0", true),
            spec("HS-TIEPNHAN", ValueKind::Count, "0", false),
            spec("CO-QUYCHE", ValueKind::Boolean, "0", false),
            spec("GHI-CHU", ValueKind::Text, "0", false),
            spec("CHI-PHI", ValueKind::Decimal, "0", true),
        ];
        let values_in_random_order = || {
            values(vec![
                ("LA", flag(true)),
                (
                    "TTHC-DUNGHAN",
                    ReportedValue {
                        system_value: Some(dec("50")),
                        explanation: Some("x".repeat(MAX_EXPLANATION_CHARS + 1)),
                        ..ratio("120", "100")
                    },
                ),
                (
                    "HS-TIEPNHAN",
                    ReportedValue {
                        system_value: Some(dec("10")),
                        ..number("12.5")
                    },
                ),
                (
                    "CO-QUYCHE",
                    ReportedValue {
                        not_applicable: true,
                        ..ReportedValue::default()
                    },
                ),
                ("LB", flag(true)),
                ("LC", flag(true)),
            ])
        };
        let expected = vec![
            (
                "values.TTHC-DUNGHAN.numerator",
                NUMERATOR_EXCEEDS_DENOMINATOR,
            ),
            // The explanation is not blank, only too long, so the
            // discrepancy counts as explained.
            ("values.TTHC-DUNGHAN.evidence", EVIDENCE_REQUIRED),
            ("values.TTHC-DUNGHAN.explanation", TOO_LONG),
            ("values.HS-TIEPNHAN.explanation", EXPLANATION_REQUIRED),
            ("values.HS-TIEPNHAN.number", NOT_WHOLE),
            ("values.CO-QUYCHE.explanation", EXPLANATION_REQUIRED),
            ("values.GHI-CHU", REQUIRED),
            ("values.CHI-PHI", REQUIRED),
            ("values.CHI-PHI.evidence", EVIDENCE_REQUIRED),
            ("values.LA", UNKNOWN_INDICATOR),
            ("values.LB", UNKNOWN_INDICATOR),
            ("values.LC", UNKNOWN_INDICATOR),
        ];
        // Each map gets its own random iteration order; the result must not.
        for _ in 0..5 {
            let problems = completeness_problems(&specs, &values_in_random_order());
            assert_eq!(fields_and_codes(&problems), expected);
        }
    }
}
