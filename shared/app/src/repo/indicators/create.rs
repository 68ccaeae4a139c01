//! A new indicator, at version 1.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use rust_decimal::Decimal;

use super::authorize_change;
use super::checks::{check_definition, trimmed};
use super::read::load;
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use crate::repo::map_unique;
use cchc_db::indicators::{self, DefinitionValues};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::indicator::{
    Aggregation, CreateIndicator, Indicator, IndicatorDefinition, IndicatorKind,
};
use cchc_domain::validation::Checker;

pub async fn create(
    conn: &mut AsyncPgConnection,
    input: &CreateIndicator,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Indicator> {
    authorize_change(principal)?;
    let unit_of_measure = trimmed(input.unit_of_measure.as_deref())
        .or_else(|| (input.kind == IndicatorKind::Ratio).then(|| "%".to_owned()));
    let def = IndicatorDefinition {
        code: input.code.clone(),
        name: input.name.trim().to_owned(),
        description: trimmed(input.description.as_deref()),
        content_area: input.content_area,
        kind: input.kind,
        aggregation: input
            .aggregation
            .unwrap_or_else(|| Aggregation::default_for(input.kind, unit_of_measure.as_deref())),
        aggregation_weight: trimmed(input.aggregation_weight.as_deref()),
        unit_of_measure,
        target: input.target,
        tolerance: input.tolerance.unwrap_or(Decimal::ZERO),
        evidence_required: input.evidence_required.unwrap_or(false),
    };
    let mut check = Checker::new();
    check.code("code", &input.code, 32, "._-");
    check_definition(conn, &mut check, &def).await?;
    check.finish()?;

    let duplicate = || format!("an indicator with code {:?} already exists", input.code);
    conn.transaction(async |conn| -> Result<Indicator> {
        if indicators::id_by_code(conn, &input.code).await?.is_some() {
            return Err(Error::conflict_on("duplicate_code", "code", duplicate()));
        }
        let active = input.active.unwrap_or(true);
        let values = DefinitionValues::new(&def, now);
        let id = indicators::insert(conn, &def.code, active, values, now)
            .await
            .map_err(|e| map_unique(e, "duplicate_code", "code", duplicate()))?;
        indicators::insert_version(conn, id, 1, &def, now).await?;
        let indicator = load(conn, id).await?;
        let entry = Entry::created(EntityType::Indicator, id, &indicator)?;
        audit::record(conn, actor, now, entry).await?;
        Ok(indicator)
    })
    .await
}
