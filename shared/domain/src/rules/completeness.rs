//! Whether a unit's answers are complete enough to submit.
//!
//! Two levels of checking:
//!
//! - [`shape_problems`]: a value that is malformed whatever the stage (a
//!   field that does not belong to the indicator's kind, a negative count…).
//!   Drafts are checked with it on every save.
//! - [`completeness_problems`]: everything that must hold before submission
//!   (every indicator answered, ratios that make sense, discrepancies with
//!   the system of record explained, evidence cited), including the shape
//!   problems.
//!
//! Both return every problem at once, in a stable order, so that the unit
//! can fix them in one pass instead of discovering them one submit at a
//! time.

use std::collections::HashMap;

use rust_decimal::{Decimal, RoundingStrategy};

use self::problem_codes::{
    DENOMINATOR_ZERO, EVIDENCE_REQUIRED, EXPLANATION_REQUIRED, NEGATIVE, NOT_FOR_KIND, NOT_WHOLE,
    NUMERATOR_EXCEEDS_DENOMINATOR, OUT_OF_RANGE, REQUIRED, TOO_LONG, UNKNOWN_INDICATOR,
};

/// The longest text answer accepted, in characters.
pub const MAX_TEXT_CHARS: usize = 10_000;

/// The longest explanation accepted, in characters.
pub const MAX_EXPLANATION_CHARS: usize = 4_000;

/// The machine-readable codes of [`Problem`]s, for callers that match on
/// them.
pub mod problem_codes {
    /// A value or one of its fields is missing.
    pub const REQUIRED: &str = "required";
    /// An explanation is missing: for a value marked not applicable, or for
    /// a figure that differs from the system of record beyond tolerance.
    pub const EXPLANATION_REQUIRED: &str = "explanation_required";
    /// A ratio's denominator is 0 while the value is not marked not
    /// applicable.
    pub const DENOMINATOR_ZERO: &str = "denominator_zero";
    /// A ratio's numerator is larger than its denominator.
    pub const NUMERATOR_EXCEEDS_DENOMINATOR: &str = "numerator_exceeds_denominator";
    /// The indicator requires evidence and none is cited or uploaded for it.
    pub const EVIDENCE_REQUIRED: &str = "evidence_required";
    /// A value was given for a code that is not an indicator of the period.
    pub const UNKNOWN_INDICATOR: &str = "unknown_indicator";
    /// A field was given that the indicator's kind does not use.
    pub const NOT_FOR_KIND: &str = "not_for_kind";
    /// A numerator, denominator or count is negative.
    pub const NEGATIVE: &str = "negative";
    /// A count has a fractional part.
    pub const NOT_WHOLE: &str = "not_whole";
    /// A text or explanation is longer than its limit.
    pub const TOO_LONG: &str = "too_long";
    /// A figure is beyond ±[`MAX_FIGURE`](super::MAX_FIGURE).
    pub const OUT_OF_RANGE: &str = "out_of_range";
}

/// Largest magnitude of a reported figure (numerator, denominator, number, system value):
/// 10^15, far above any count of dossiers or budget in đồng a unit reports, so that sums over
/// every unit and their percentages stay exact in `Decimal`, and every whole figure is exact
/// as a JSON number (below 2^53) for clients that read numbers as doubles.
pub const MAX_FIGURE: Decimal = Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0);

/// Decimal places shown when a message quotes a figure; enough that two
/// figures differing by more than a realistic tolerance never look equal.
const MESSAGE_DECIMAL_PLACES: u32 = 4;

/// What kind of answer an indicator takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// A numerator and a denominator, compared as a percentage.
    Ratio,
    /// A whole, non-negative number.
    Count,
    /// Any decimal number.
    Decimal,
    /// Yes or no.
    Boolean,
    /// Free text.
    Text,
}

impl ValueKind {
    /// What an indicator of this kind takes, for messages.
    fn expected_fields(self) -> &'static str {
        match self {
            ValueKind::Ratio => "a ratio indicator takes a numerator and a denominator",
            ValueKind::Count => "a count indicator takes a number",
            ValueKind::Decimal => "a decimal indicator takes a number",
            ValueKind::Boolean => "a yes/no indicator takes a yes/no answer",
            ValueKind::Text => "a text indicator takes text",
        }
    }
}

/// The rules of one indicator of a period.
#[derive(Debug, Clone)]
pub struct IndicatorSpec {
    /// The indicator code, e.g. `TTHC-DUNGHAN`.
    pub code: String,
    /// What kind of answer it takes.
    pub kind: ValueKind,
    /// The largest difference from the system-of-record figure accepted
    /// without an explanation: in percentage points for ratios, otherwise
    /// in the indicator's unit (1 for a differing yes/no answer). A
    /// difference exactly equal to the tolerance is accepted.
    pub tolerance: Decimal,
    /// Whether at least one piece of evidence must be cited.
    pub evidence_required: bool,
}

/// A unit's answer to one indicator, with the system-of-record figure to
/// compare it with.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportedValue {
    /// Ratio numerator.
    pub numerator: Option<Decimal>,
    /// Ratio denominator.
    pub denominator: Option<Decimal>,
    /// Count or decimal answer.
    pub number: Option<Decimal>,
    /// Yes/no answer.
    pub flag: Option<bool>,
    /// Text answer; blank text counts as not given.
    pub text: Option<String>,
    /// The unit declares the indicator does not apply to it (e.g. it
    /// received no applications to count).
    pub not_applicable: bool,
    /// The figure from the system of record (for ratios, a percentage), if
    /// one exists.
    pub system_value: Option<Decimal>,
    /// The unit's explanation, for a not-applicable value or a discrepancy.
    pub explanation: Option<String>,
    /// How many pieces of evidence are cited.
    pub evidence_count: usize,
}

/// One reason a value cannot be saved or submitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The path of the offending field, e.g. `values.TTHC-DUNGHAN.numerator`,
    /// or `values.TTHC-DUNGHAN` for the value as a whole.
    pub field: String,
    /// A machine-readable code from [`problem_codes`].
    pub code: &'static str,
    /// An English message, shown to users verbatim.
    pub message: String,
}

impl Problem {
    /// A problem with `indicator`'s value as a whole, or with its
    /// `subfield` when given.
    fn new(indicator: &str, subfield: Option<&str>, code: &'static str, message: String) -> Self {
        let field = match subfield {
            Some(subfield) => format!("values.{indicator}.{subfield}"),
            None => format!("values.{indicator}"),
        };
        Self {
            field,
            code,
            message: format!("{indicator}: {message}"),
        }
    }
}

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
fn compared_figures(spec: &IndicatorSpec, value: &ReportedValue) -> Option<(Decimal, Decimal)> {
    if value.not_applicable {
        return None;
    }
    Some((unit_figure(spec.kind, value)?, value.system_value?))
}

/// `|figure − system_value|`.
fn difference(figure: Decimal, system_value: Decimal) -> Decimal {
    // Only figures of opposite sign near the limits of `Decimal` overflow;
    // their difference is then at least `Decimal::MAX`.
    figure
        .checked_sub(system_value)
        .map_or(Decimal::MAX, |difference| difference.abs())
}

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

/// The "explain the difference" problem, quoting both figures.
fn discrepancy_problem(spec: &IndicatorSpec, figure: Decimal, system_value: Decimal) -> Problem {
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

/// `text` unless it is missing or only whitespace.
fn non_blank(text: Option<&str>) -> Option<&str> {
    text.filter(|text| !text.trim().is_empty())
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

/// A decimal as shown in messages: at most [`MESSAGE_DECIMAL_PLACES`]
/// places, without trailing zeros (`95`, not `95.0000`).
fn show(value: Decimal) -> Decimal {
    value
        .round_dp_with_strategy(
            MESSAGE_DECIMAL_PLACES,
            RoundingStrategy::MidpointAwayFromZero,
        )
        .normalize()
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

    fn dec(text: &str) -> Decimal {
        text.parse().expect("valid test decimal")
    }

    fn spec(
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

    fn ratio_spec() -> IndicatorSpec {
        spec("TTHC-DUNGHAN", ValueKind::Ratio, "0", false)
    }

    fn ratio(numerator: &str, denominator: &str) -> ReportedValue {
        ReportedValue {
            numerator: Some(dec(numerator)),
            denominator: Some(dec(denominator)),
            ..ReportedValue::default()
        }
    }

    fn number(value: &str) -> ReportedValue {
        ReportedValue {
            number: Some(dec(value)),
            ..ReportedValue::default()
        }
    }

    fn flag(value: bool) -> ReportedValue {
        ReportedValue {
            flag: Some(value),
            ..ReportedValue::default()
        }
    }

    fn text(value: &str) -> ReportedValue {
        ReportedValue {
            text: Some(value.to_owned()),
            ..ReportedValue::default()
        }
    }

    fn values(entries: Vec<(&str, ReportedValue)>) -> HashMap<String, ReportedValue> {
        entries
            .into_iter()
            .map(|(code, value)| (code.to_owned(), value))
            .collect()
    }

    /// The problems of a single indicator with a single value.
    fn problems_of(spec: &IndicatorSpec, value: ReportedValue) -> Vec<Problem> {
        completeness_problems(
            std::slice::from_ref(spec),
            &values(vec![(spec.code.as_str(), value)]),
        )
    }

    /// `(field, code)` pairs, for tests that do not check messages.
    fn fields_and_codes(problems: &[Problem]) -> Vec<(&str, &str)> {
        problems
            .iter()
            .map(|problem| (problem.field.as_str(), problem.code))
            .collect()
    }

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
    fn the_figure_limit_is_ten_to_the_fifteenth() {
        assert_eq!(MAX_FIGURE, Decimal::from(1_000_000_000_000_000_i64));
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
