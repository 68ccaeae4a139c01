//! What the worker's self-assessment mails read when their jobs run: the round as it is now,
//! and per unit the parts it still owes (`rules::assessment_reminders::unit_owes`), read as
//! the system so every part is seen.

use std::collections::BTreeMap;

use diesel_async::AsyncPgConnection;

use super::assemble::get;
use crate::authz;
use crate::repo::submissions::BoardCaches;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::assessment::{Assessment, AssessmentItem};
use cchc_domain::model::plan::UnitRef;
use cchc_domain::rules::assessment_reminders::unit_owes;

/// A unit's parts still to do, in the criteria set's order.
#[derive(Debug, Clone)]
pub struct OwedParts {
    pub unit: UnitRef,
    pub items: Vec<AssessmentItem>,
}

/// Round `id` with the parts each unit owes, by unit code; `None` when there is no such round.
pub async fn owed_parts(
    conn: &mut AsyncPgConnection,
    caches: &BoardCaches,
    id: i64,
) -> Result<Option<(Assessment, Vec<OwedParts>)>> {
    let round = match get(conn, caches, id, &authz::system("worker")).await {
        Ok(round) => round,
        Err(Error::NotFound { .. }) => return Ok(None),
        Err(other) => return Err(other),
    };
    let mut by_unit: BTreeMap<String, OwedParts> = BTreeMap::new();
    for item in round.items.iter().filter(|item| unit_owes(item)) {
        let Some(unit) = &item.unit else {
            continue;
        };
        by_unit
            .entry(unit.code.clone())
            .or_insert_with(|| OwedParts {
                unit: unit.clone(),
                items: Vec::new(),
            })
            .items
            .push(item.clone());
    }
    Ok(Some((round, by_unit.into_values().collect())))
}
