//! What an indicator's definition must satisfy.

use diesel_async::AsyncPgConnection;
use rust_decimal::Decimal;

use cchc_db::indicators;
use cchc_domain::error::Result;
use cchc_domain::model::indicator::{Comparator, IndicatorDefinition, IndicatorKind};
use cchc_domain::rules::aggregation::{aggregation_problems, can_weigh};
use cchc_domain::validation::Checker;

/// Largest tolerance or threshold accepted; far above any real figure, it keeps numbers sane.
const MAX_MAGNITUDE: i64 = 1_000_000_000_000;

/// Checks a whole definition: each field, the target and the aggregation rule against the
/// kind, and the weighing indicator (it exists, and is a count or a decimal).
pub(super) async fn check_definition(
    conn: &mut AsyncPgConnection,
    check: &mut Checker,
    def: &IndicatorDefinition,
) -> Result<()> {
    check_fields(check, def);
    check.extend(aggregation_problems(def));
    let Some(weight) = def.aggregation_weight.as_deref() else {
        return Ok(());
    };
    if weight == def.code {
        // Told by the rule's checks.
        return Ok(());
    }
    match indicators::kind_by_code(conn, weight).await? {
        None => check.push(
            "aggregation_weight",
            "unknown_indicator",
            format!("no indicator has code {weight:?}"),
        ),
        Some(kind) if !can_weigh(kind) => check.push(
            "aggregation_weight",
            "weight_not_numeric",
            format!("{weight} is a {kind} indicator; a weight is a count or a decimal"),
        ),
        Some(_) => {}
    }
    Ok(())
}

/// Checks each field, and the target against the kind.
fn check_fields(check: &mut Checker, def: &IndicatorDefinition) {
    check.text("name", &def.name, 300);
    check.optional_text("description", def.description.as_deref(), 4000);
    check.optional_text("unit_of_measure", def.unit_of_measure.as_deref(), 50);
    let max = Decimal::from(MAX_MAGNITUDE);
    if def.tolerance.is_sign_negative() || def.tolerance > max {
        check.push("tolerance", "out_of_range", "must be between 0 and 10^12");
    }
    if def.kind == IndicatorKind::Ratio && def.tolerance > Decimal::ONE_HUNDRED {
        check.push(
            "tolerance",
            "out_of_range",
            "for a ratio the tolerance is in percentage points, 0–100",
        );
    }
    let Some(target) = def.target else { return };
    let threshold = target.threshold;
    match def.kind {
        IndicatorKind::Ratio
            if threshold.is_sign_negative() || threshold > Decimal::ONE_HUNDRED =>
        {
            check.push(
                "target.threshold",
                "out_of_range",
                "a ratio's target is a percentage between 0 and 100",
            )
        }
        IndicatorKind::Count if threshold.is_sign_negative() || !threshold.fract().is_zero() => {
            check.push(
                "target.threshold",
                "out_of_range",
                "a count's target is a whole number, 0 or more",
            )
        }
        IndicatorKind::Boolean if target.comparator != Comparator::Eq => check.push(
            "target.comparator",
            "invalid_for_kind",
            "a yes/no target uses comparator eq",
        ),
        IndicatorKind::Boolean if threshold != Decimal::ZERO && threshold != Decimal::ONE => check
            .push(
                "target.threshold",
                "invalid_for_kind",
                "a yes/no target is 1 (yes) or 0 (no)",
            ),
        IndicatorKind::Text => check.push(
            "target",
            "invalid_for_kind",
            "a text indicator has no target",
        ),
        _ if threshold.abs() > max => {
            check.push("target.threshold", "out_of_range", "must be within ±10^12")
        }
        _ => {}
    }
}

/// A text field trimmed.
pub(super) fn trimmed(value: Option<&str>) -> Option<String> {
    value.map(|v| v.trim().to_owned())
}
