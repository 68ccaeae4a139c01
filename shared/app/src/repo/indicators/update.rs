//! A change to an indicator: a changed definition writes a new version, which draft periods
//! follow; open and closed periods keep the version they pinned.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::checks::{check_definition, trimmed};
use super::read::load;
use super::{authorize_change, find_row};
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use cchc_db::indicators::{self, DefinitionValues};
use cchc_domain::error::Result;
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::indicator::{
    Aggregation, Indicator, IndicatorDefinition, IndicatorKind, Target, UpdateIndicator,
};
use cchc_domain::rules::aggregation::can_weigh;
use cchc_domain::validation::Checker;

pub async fn update(
    conn: &mut AsyncPgConnection,
    id: i64,
    input: &UpdateIndicator,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Indicator> {
    authorize_change(principal)?;
    conn.transaction(async |conn| -> Result<Indicator> {
        let row = find_row(conn, id, true).await?;
        let before = load(conn, id).await?;
        let active = input.active.unwrap_or(row.active);
        let current = row.definition();
        let kind = input.kind.unwrap_or(current.kind);
        let mut next = IndicatorDefinition {
            code: current.code.clone(),
            name: input
                .name
                .as_deref()
                .map(str::trim)
                .unwrap_or(&current.name)
                .to_owned(),
            description: match &input.description {
                Some(d) => trimmed(d.as_deref()),
                None => current.description.clone(),
            },
            content_area: input.content_area.unwrap_or(current.content_area),
            kind,
            unit_of_measure: match &input.unit_of_measure {
                Some(u) => trimmed(u.as_deref()),
                // A ratio is shown as a percentage unless told otherwise, as on create.
                None if kind == IndicatorKind::Ratio && current.kind != IndicatorKind::Ratio => {
                    current
                        .unit_of_measure
                        .clone()
                        .or_else(|| Some("%".to_owned()))
                }
                None => current.unit_of_measure.clone(),
            },
            target: match input.target {
                Some(t) => t,
                None => current.target,
            },
            tolerance: input.tolerance.unwrap_or(current.tolerance),
            evidence_required: input.evidence_required.unwrap_or(current.evidence_required),
            aggregation: current.aggregation,
            aggregation_weight: None,
        };
        (next.aggregation, next.aggregation_weight) = next_rule(input, &current, &next);
        let mut check = Checker::new();
        check_definition(conn, &mut check, &next).await?;
        if !can_weigh(next.kind) && can_weigh(current.kind) {
            let weighted = indicators::weighted_by(conn, &current.code).await?;
            let others: Vec<&str> = weighted
                .iter()
                .map(String::as_str)
                .filter(|code| *code != current.code)
                .collect();
            if !others.is_empty() {
                check.push(
                    "kind",
                    "used_as_weight",
                    format!(
                        "{} weighs {}: a weight stays a count or a decimal",
                        current.code,
                        others.join(", ")
                    ),
                );
            }
        }
        check.finish()?;

        let mut version = row.current_version;
        let comparable = |d: &IndicatorDefinition| IndicatorDefinition {
            target: d.target.map(|t| Target {
                threshold: t.threshold.normalize(),
                ..t
            }),
            tolerance: d.tolerance.normalize(),
            ..d.clone()
        };
        if comparable(&next) != comparable(&current) {
            version += 1;
            let version_id = indicators::insert_version(conn, id, version, &next, now).await?;
            // Drafts follow the latest definition; open and closed periods keep theirs.
            indicators::repin_drafts(conn, id, version_id).await?;
        }
        let values = DefinitionValues::new(&next, now);
        indicators::update(conn, id, version, active, values).await?;
        let after = load(conn, id).await?;
        let entry = Entry::changed(EntityType::Indicator, id, "updated", &before, &after)?;
        audit::record_opt(conn, actor, now, entry).await?;
        Ok(after)
    })
    .await
}

/// The rule and weight after `input`, given the `current` definition and the `next` one
/// (whose kind and unit of measure are already the new ones). A rule the body does not give
/// follows the default of the new kind and unit of measure when it was the default of the old
/// ones, and is kept otherwise (checked afterwards like any rule). A weight the body does not
/// give is kept only with a weighted mean.
fn next_rule(
    input: &UpdateIndicator,
    current: &IndicatorDefinition,
    next: &IndicatorDefinition,
) -> (Aggregation, Option<String>) {
    let was_default = current.aggregation
        == Aggregation::default_for(current.kind, current.unit_of_measure.as_deref());
    let rule = match input.aggregation {
        Some(rule) => rule,
        None if was_default => Aggregation::default_for(next.kind, next.unit_of_measure.as_deref()),
        None => current.aggregation,
    };
    let weight = match &input.aggregation_weight {
        Some(weight) => trimmed(weight.as_deref()),
        None if rule == Aggregation::WeightedMean => current.aggregation_weight.clone(),
        None => None,
    };
    (rule, weight)
}
