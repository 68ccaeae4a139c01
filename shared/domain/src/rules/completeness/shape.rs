//! Shape problems: a value that is malformed whatever the stage (fields of another kind,
//! negative or fractional counts, figures out of range, over-long text).

use super::problem_codes::{NEGATIVE, NOT_FOR_KIND, NOT_WHOLE, OUT_OF_RANGE, TOO_LONG};
use super::{
    non_blank, show, IndicatorSpec, Problem, ReportedValue, ValueKind, MAX_EXPLANATION_CHARS,
    MAX_FIGURE, MAX_TEXT_CHARS,
};

/// Problems that make `value` malformed whatever the stage: fields that do
/// not belong to the indicator's kind, negative numerators, denominators
/// and counts, fractional counts, figures beyond ±[`MAX_FIGURE`], and
/// over-long text or explanation.
///
/// Problems are listed field by field in the order numerator, denominator,
/// number, flag, text, explanation, system value.
pub fn shape_problems(spec: &IndicatorSpec, value: &ReportedValue) -> Vec<Problem> {
    let code = spec.code.as_str();
    let kind = spec.kind;
    let mut problems = Vec::new();
    let not_for_kind = |subfield: &str, label: &str| {
        Problem::new(
            code,
            Some(subfield),
            NOT_FOR_KIND,
            format!("{}, not {label}", kind.expected_fields()),
        )
    };
    let negative = |subfield: &str, label: &str| {
        Problem::new(
            code,
            Some(subfield),
            NEGATIVE,
            format!("{label} cannot be negative"),
        )
    };

    let out_of_range = |subfield: &str, label: &str| {
        Problem::new(
            code,
            Some(subfield),
            OUT_OF_RANGE,
            format!("{label} must be between -1000000000000000 and 1000000000000000 (10^15)"),
        )
    };

    for (subfield, label, given) in [
        ("numerator", "the numerator", value.numerator),
        ("denominator", "the denominator", value.denominator),
    ] {
        let Some(given) = given else { continue };
        if given.abs() > MAX_FIGURE {
            problems.push(out_of_range(subfield, label));
        } else if kind != ValueKind::Ratio {
            problems.push(not_for_kind(subfield, &format!("a {subfield}")));
        } else if given.is_sign_negative() && !given.is_zero() {
            problems.push(negative(subfield, label));
        }
    }

    if value.number.is_some_and(|n| n.abs() > MAX_FIGURE) {
        problems.push(out_of_range("number", "the number"));
    } else if let Some(number) = value.number {
        match kind {
            ValueKind::Count => {
                if number.is_sign_negative() && !number.is_zero() {
                    problems.push(negative("number", "a count"));
                }
                if !number.fract().is_zero() {
                    problems.push(Problem::new(
                        code,
                        Some("number"),
                        NOT_WHOLE,
                        format!("a count must be a whole number, not {}", show(number)),
                    ));
                }
            }
            ValueKind::Decimal => {}
            ValueKind::Ratio | ValueKind::Boolean | ValueKind::Text => {
                problems.push(not_for_kind("number", "a number"));
            }
        }
    }

    if value.flag.is_some() && kind != ValueKind::Boolean {
        problems.push(not_for_kind("flag", "a yes/no answer"));
    }

    // Forms commonly send an empty string for an untouched text box, so only
    // non-blank text counts as given.
    if let Some(text) = non_blank(value.text.as_deref()) {
        if kind != ValueKind::Text {
            problems.push(not_for_kind("text", "text"));
        } else if let Some(problem) = too_long(code, "text", "the text", text, MAX_TEXT_CHARS) {
            problems.push(problem);
        }
    }

    if let Some(explanation) = value.explanation.as_deref() {
        if let Some(problem) = too_long(
            code,
            "explanation",
            "the explanation",
            explanation,
            MAX_EXPLANATION_CHARS,
        ) {
            problems.push(problem);
        }
    }

    if value.system_value.is_some_and(|v| v.abs() > MAX_FIGURE) {
        problems.push(out_of_range("system_value", "the system-of-record figure"));
    }

    problems
}

/// A `too_long` problem when `text` has more than `limit` characters.
fn too_long(
    indicator: &str,
    subfield: &str,
    label: &str,
    text: &str,
    limit: usize,
) -> Option<Problem> {
    // Characters, not bytes: Vietnamese letters take 2–3 bytes in UTF-8.
    let length = text.chars().count();
    (length > limit).then(|| {
        Problem::new(
            indicator,
            Some(subfield),
            TOO_LONG,
            format!("{label} is {length} characters long; the limit is {limit}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::completeness::test_support::*;

    #[test]
    fn well_formed_values_have_no_shape_problems() {
        let cases = [
            (ValueKind::Ratio, ratio("0", "0")),
            (ValueKind::Count, number("5.00")),
            (ValueKind::Decimal, number("-2.75")),
            (ValueKind::Boolean, flag(false)),
            (ValueKind::Text, text(&"ệ".repeat(MAX_TEXT_CHARS))),
            (ValueKind::Count, ReportedValue::default()),
        ];
        for (kind, value) in cases {
            let spec = spec("CT-01", kind, "0", false);
            assert_eq!(shape_problems(&spec, &value), Vec::new(), "{kind:?}");
        }
    }

    #[test]
    fn fields_of_another_kind_are_not_for_kind() {
        let everything = ReportedValue {
            numerator: Some(dec("1")),
            denominator: Some(dec("2")),
            number: Some(dec("3")),
            flag: Some(true),
            text: Some("văn bản".to_owned()),
            ..ReportedValue::default()
        };
        let cases = [
            (ValueKind::Ratio, vec!["number", "flag", "text"]),
            (
                ValueKind::Count,
                vec!["numerator", "denominator", "flag", "text"],
            ),
            (
                ValueKind::Decimal,
                vec!["numerator", "denominator", "flag", "text"],
            ),
            (
                ValueKind::Boolean,
                vec!["numerator", "denominator", "number", "text"],
            ),
            (
                ValueKind::Text,
                vec!["numerator", "denominator", "number", "flag"],
            ),
        ];
        for (kind, foreign_fields) in cases {
            let spec = spec("CT-01", kind, "0", false);
            let problems = shape_problems(&spec, &everything);
            let expected: Vec<(String, &str)> = foreign_fields
                .iter()
                .map(|field| (format!("values.CT-01.{field}"), NOT_FOR_KIND))
                .collect();
            let actual: Vec<(String, &str)> = problems
                .iter()
                .map(|problem| (problem.field.clone(), problem.code))
                .collect();
            assert_eq!(actual, expected, "{kind:?}");
        }
    }

    #[test]
    fn not_for_kind_message_says_what_the_kind_takes() {
        let problems = shape_problems(&ratio_spec(), &number("3"));
        assert_eq!(
            problems,
            vec![Problem {
                field: "values.TTHC-DUNGHAN.number".to_owned(),
                code: NOT_FOR_KIND,
                message: "TTHC-DUNGHAN: a ratio indicator takes a numerator and a denominator, \
                          not a number"
                    .to_owned(),
            }]
        );
    }

    #[test]
    fn blank_text_on_another_kind_is_ignored() {
        let value = ReportedValue {
            text: Some("  ".to_owned()),
            ..ratio("1", "2")
        };
        assert_eq!(shape_problems(&ratio_spec(), &value), Vec::new());
    }

    #[test]
    fn figures_beyond_the_limit_are_out_of_range_at_any_stage() {
        let huge = "79000000000000000000000000000";
        let problems = shape_problems(&ratio_spec(), &ratio(huge, "1"));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].code, OUT_OF_RANGE);
        assert_eq!(problems[0].field, "values.TTHC-DUNGHAN.numerator");
        // The limit itself is fine, one past it is not.
        assert_eq!(
            shape_problems(
                &ratio_spec(),
                &ratio("1000000000000000", "1000000000000000")
            ),
            Vec::new()
        );
        let past = shape_problems(&ratio_spec(), &ratio("1", "-1000000000000001"));
        assert_eq!(past[0].code, OUT_OF_RANGE);
        assert_eq!(past[0].field, "values.TTHC-DUNGHAN.denominator");
        let mut value = number("1000000000000000.5");
        value.system_value = Some(dec("-2000000000000000"));
        let decimal = spec("CHI-PHI", ValueKind::Decimal, "0", false);
        let fields: Vec<_> = shape_problems(&decimal, &value)
            .into_iter()
            .map(|p| (p.field, p.code))
            .collect();
        assert_eq!(
            fields,
            [
                ("values.CHI-PHI.number".to_owned(), OUT_OF_RANGE),
                ("values.CHI-PHI.system_value".to_owned(), OUT_OF_RANGE)
            ]
        );
    }

    #[test]
    fn negative_ratio_parts_and_counts_are_rejected() {
        let problems = shape_problems(&ratio_spec(), &ratio("-1", "-2"));
        assert_eq!(
            fields_and_codes(&problems),
            vec![
                ("values.TTHC-DUNGHAN.numerator", NEGATIVE),
                ("values.TTHC-DUNGHAN.denominator", NEGATIVE),
            ]
        );
        assert_eq!(
            problems[0].message,
            "TTHC-DUNGHAN: the numerator cannot be negative"
        );
        let count = spec("HS-TIEPNHAN", ValueKind::Count, "0", false);
        let problems = shape_problems(&count, &number("-3"));
        assert_eq!(
            fields_and_codes(&problems),
            vec![("values.HS-TIEPNHAN.number", NEGATIVE)]
        );
        assert_eq!(
            problems[0].message,
            "HS-TIEPNHAN: a count cannot be negative"
        );
        // Negative zero is zero.
        assert_eq!(shape_problems(&count, &number("-0")), Vec::new());
    }

    #[test]
    fn fractional_count_is_not_whole() {
        let count = spec("HS-TIEPNHAN", ValueKind::Count, "0", false);
        assert_eq!(
            shape_problems(&count, &number("2.5")),
            vec![Problem {
                field: "values.HS-TIEPNHAN.number".to_owned(),
                code: NOT_WHOLE,
                message: "HS-TIEPNHAN: a count must be a whole number, not 2.5".to_owned(),
            }]
        );
        assert_eq!(
            fields_and_codes(&shape_problems(&count, &number("-0.5"))),
            vec![
                ("values.HS-TIEPNHAN.number", NEGATIVE),
                ("values.HS-TIEPNHAN.number", NOT_WHOLE),
            ]
        );
    }

    #[test]
    fn text_longer_than_the_limit_is_too_long() {
        let text_spec = spec("GHI-CHU", ValueKind::Text, "0", false);
        let problems = shape_problems(&text_spec, &text(&"ệ".repeat(MAX_TEXT_CHARS + 1)));
        assert_eq!(
            problems,
            vec![Problem {
                field: "values.GHI-CHU.text".to_owned(),
                code: TOO_LONG,
                message: "GHI-CHU: the text is 10001 characters long; the limit is 10000"
                    .to_owned(),
            }]
        );
    }

    #[test]
    fn explanation_longer_than_the_limit_is_too_long() {
        let at_limit = ReportedValue {
            explanation: Some("a".repeat(MAX_EXPLANATION_CHARS)),
            ..ratio("1", "2")
        };
        assert_eq!(shape_problems(&ratio_spec(), &at_limit), Vec::new());
        let over_limit = ReportedValue {
            explanation: Some("ư".repeat(MAX_EXPLANATION_CHARS + 1)),
            ..ratio("1", "2")
        };
        assert_eq!(
            shape_problems(&ratio_spec(), &over_limit),
            vec![Problem {
                field: "values.TTHC-DUNGHAN.explanation".to_owned(),
                code: TOO_LONG,
                message: "TTHC-DUNGHAN: the explanation is 4001 characters long; \
                          the limit is 4000"
                    .to_owned(),
            }]
        );
    }
}
