//! What writing a set and editing a published one share: the input checked whole (with what
//! it names), the values as the database writes them, and what an edit leaves.

use diesel_async::AsyncPgConnection;

use crate::repo::map_unique;
use cchc_db::criteria::{CriterionValues, SetValues};
use cchc_db::refs;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::criteria::{CreateCriteriaSet, CriteriaSet, Scoring};
use cchc_domain::rules::par_index;
use cchc_domain::validation::Checker;
use rust_decimal::Decimal;

/// A set as an edit left it: the same set rewritten, or its next version.
#[derive(Debug)]
pub enum Replaced {
    Rewritten(CriteriaSet),
    NewVersion(CriteriaSet),
}

/// Every problem of `input`, including what it names (the decision, the indicators and periods
/// computed criteria read).
pub(super) async fn check_input(
    conn: &mut AsyncPgConnection,
    input: &CreateCriteriaSet,
) -> Result<()> {
    let mut check = Checker::new();
    check.code("code", &input.code.trim().to_uppercase(), 40, "._-");
    if !(2000..=2200).contains(&input.year) {
        check.push("year", "out_of_range", "must be between 2000 and 2200");
    }
    check.text("title", &input.title, 1000);
    let share = input.restored_share_percent;
    if share < Decimal::ZERO || share > Decimal::from(100) || share.normalize().scale() > 2 {
        check.push(
            "restored_share_percent",
            "out_of_range",
            "must be from 0 to 100, with at most two decimals",
        );
    }
    par_index::check_classes(&mut check, &input.ranking_classes);
    par_index::check_criteria(&mut check, &input.criteria);
    if let Some(document_id) = input.document_id {
        crate::repo::plans::resolve::check_documents(
            conn,
            &mut check,
            &[("document_id".to_owned(), document_id)],
        )
        .await?;
    }
    // What computed criteria read, looked up at once.
    let computed: Vec<(usize, &str, &str)> = input
        .criteria
        .iter()
        .enumerate()
        .filter_map(|(i, c)| match &c.scoring {
            Some(Scoring::Indicator {
                indicator_code,
                period_code,
                ..
            }) => Some((i, indicator_code.trim(), period_code.trim())),
            _ => None,
        })
        .collect();
    let indicator_codes: Vec<String> = computed.iter().map(|c| c.1.to_owned()).collect();
    let period_codes: Vec<String> = computed.iter().map(|c| c.2.to_owned()).collect();
    let indicators = refs::indicator_ids_by_code(conn, &indicator_codes).await?;
    let periods = refs::period_ids_by_code(conn, &period_codes).await?;
    for (i, indicator, period) in &computed {
        if !indicators.contains_key(*indicator) {
            check.push(
                format!("criteria[{i}].scoring.indicator_code"),
                "unknown_indicator",
                format!("no indicator has the code {indicator:?}"),
            );
        }
        if !periods.contains_key(*period) {
            check.push(
                format!("criteria[{i}].scoring.period_code"),
                "unknown_period",
                format!("no period has the code {period:?}"),
            );
        }
    }
    let plans: Vec<(usize, &str)> = input
        .criteria
        .iter()
        .enumerate()
        .filter_map(|(i, c)| match &c.scoring {
            Some(Scoring::PlanOnTime { plan_code, .. }) => Some((i, plan_code.trim())),
            _ => None,
        })
        .collect();
    if !plans.is_empty() {
        let codes: Vec<String> = plans.iter().map(|(_, c)| (*c).to_owned()).collect();
        let found = refs::plan_ids_by_code(conn, &codes).await?;
        for (i, code) in plans {
            if !found.contains_key(code) {
                check.push(
                    format!("criteria[{i}].scoring.plan_code"),
                    "unknown_plan",
                    format!("no plan has the code {code:?}"),
                );
            }
        }
    }
    check.finish().map_err(Error::from)
}

/// `input`'s own values, as the database writes them.
pub(super) fn set_values(input: &CreateCriteriaSet) -> Result<SetValues<'_>> {
    let classes = serde_json::to_value(&input.ranking_classes)
        .map_err(|e| Error::Internal(format!("ranking classes: {e}")))?;
    Ok(SetValues {
        code: input.code.trim(),
        year: input.year,
        title: input.title.trim(),
        document_id: input.document_id,
        restored_share_percent: input.restored_share_percent,
        ranking_classes: classes,
    })
}

/// `input`'s criteria, as the database writes them.
pub(super) fn criterion_values(input: &CreateCriteriaSet) -> Result<Vec<CriterionValues<'_>>> {
    let depths = par_index::depths(&input.criteria);
    input
        .criteria
        .iter()
        .map(|c| {
            let scoring = c
                .scoring
                .as_ref()
                .map(serde_json::to_value)
                .transpose()
                .map_err(|e| Error::Internal(format!("scoring: {e}")))?;
            Ok(CriterionValues {
                code: c.code.trim(),
                parent_code: c.parent_code.as_deref().map(str::trim),
                depth: depths.get(c.code.trim()).copied().unwrap_or(1),
                title: c.title.trim(),
                max_points: c.max_points,
                content_area: c.content_area,
                scoring,
                evidence_hint: c
                    .evidence_hint
                    .as_deref()
                    .map(str::trim)
                    .filter(|h| !h.is_empty()),
            })
        })
        .collect()
}

/// "A set with this code exists" from a unique violation.
pub(super) fn taken_code(error: diesel::result::Error, code: &str) -> Error {
    map_unique(
        error,
        "duplicate_code",
        "code",
        format!("a criteria set with the code {code} exists"),
    )
}
