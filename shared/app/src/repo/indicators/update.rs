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
    Indicator, IndicatorDefinition, IndicatorKind, Target, UpdateIndicator,
};
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
        let next = IndicatorDefinition {
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
        };
        let mut check = Checker::new();
        check_definition(&mut check, &next);
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
