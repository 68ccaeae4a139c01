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
//!
//! The shared types and limits are here; `figures` computes and compares the unit's figure,
//! `shape` checks a value's form, `submission` checks everything that must hold at submit.

use rust_decimal::{Decimal, RoundingStrategy};

mod figures;
mod shape;
mod submission;
#[cfg(test)]
mod test_support;

pub use self::figures::{discrepancy, unit_figure};
pub use self::shape::shape_problems;
pub use self::submission::completeness_problems;

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

/// `text` unless it is missing or only whitespace.
fn non_blank(text: Option<&str>) -> Option<&str> {
    text.filter(|text| !text.trim().is_empty())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_figure_limit_is_ten_to_the_fifteenth() {
        assert_eq!(MAX_FIGURE, Decimal::from(1_000_000_000_000_000_i64));
    }
}
