//! CCHC plans: the Office writes them (`create`, `update`, `delete`), issues and closes them
//! (`status`); every person reads them (`read`); their appendix of tasks goes to and comes from
//! Excel (`appendix`). Their tasks are in `repo::tasks`.

pub mod appendix;
mod create;
mod delete;
mod read;
pub(crate) mod resolve;
mod status;
mod update;

use std::collections::HashMap;

use diesel_async::AsyncPgConnection;

use crate::authz;
use crate::authz::Principal;
use cchc_db::{plans, refs};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::indicator::Target;
use cchc_domain::model::plan::{Plan, PlanArea, PlanTarget, UnitRef};

pub use create::create;
pub use delete::delete;
pub use read::{get, list};
pub use status::{close, issue};
pub use update::update;

/// The first step of every change to a plan: only the Office plans. Exposed so a handler
/// refuses a caller before it reports what is wrong with the body.
pub fn authorize_change(principal: &Principal) -> Result<()> {
    authz::require_office_for_plans(principal, "change plans")
}

/// Unit `id` from `units` (read with `refs::unit_refs`); a blank reference if it is missing.
pub(crate) fn unit_ref(units: &HashMap<i64, UnitRef>, id: i64) -> UnitRef {
    units.get(&id).cloned().unwrap_or(UnitRef {
        id,
        code: String::new(),
        name: String::new(),
    })
}

/// Plan `id` as the API shows it, without an access check (callers have done it).
pub(crate) async fn load(conn: &mut AsyncPgConnection, id: i64) -> Result<Plan> {
    let row = plans::find(conn, id, false)
        .await?
        .ok_or(Error::not_found("plan"))?;
    let legal_basis = plans::legal_basis(conn, id).await?;
    let areas = plans::areas(conn, id).await?;
    let targets = plans::targets(conn, id).await?;
    let task_count = plans::task_counts(conn, &[id])
        .await?
        .get(&id)
        .copied()
        .unwrap_or(0);
    let document_ids: Vec<i64> = legal_basis.iter().copied().chain(row.document_id).collect();
    let documents = refs::document_refs(conn, &document_ids).await?;
    let unit_ids: Vec<i64> = areas
        .iter()
        .flat_map(|a| std::iter::once(a.lead_unit_id).chain(a.coordinating_unit_ids.clone()))
        .collect();
    let units = refs::unit_refs(conn, &unit_ids).await?;
    let indicator_ids: Vec<i64> = targets.iter().filter_map(|t| t.indicator_id).collect();
    let indicators = refs::indicator_refs(conn, &indicator_ids).await?;
    let period_ids: Vec<i64> = targets.iter().filter_map(|t| t.period_id).collect();
    let periods = refs::period_refs(conn, &period_ids).await?;
    Ok(Plan {
        id: row.id,
        code: row.code,
        year: row.year,
        title: row.title,
        description: row.description,
        status: row.status,
        document: row.document_id.and_then(|d| documents.get(&d).cloned()),
        legal_basis: legal_basis
            .iter()
            .filter_map(|d| documents.get(d).cloned())
            .collect(),
        areas: areas
            .into_iter()
            .map(|area| PlanArea {
                label: area.content_area.label_vi().to_owned(),
                content_area: area.content_area,
                lead_unit: unit_ref(&units, area.lead_unit_id),
                coordinating_units: area
                    .coordinating_unit_ids
                    .iter()
                    .map(|u| unit_ref(&units, *u))
                    .collect(),
                note: area.note,
            })
            .collect(),
        targets: targets
            .into_iter()
            .map(|t| PlanTarget {
                id: t.id,
                position: t.position,
                description: t.description,
                content_area: t.content_area,
                indicator: t.indicator_id.and_then(|i| indicators.get(&i).cloned()),
                target: match (t.comparator, t.threshold) {
                    (Some(comparator), Some(threshold)) => Some(Target {
                        comparator,
                        threshold,
                    }),
                    _ => None,
                },
                period: t.period_id.and_then(|p| periods.get(&p).cloned()),
            })
            .collect(),
        working_group: serde_json::from_value(row.working_group).map_err(|e| {
            Error::Internal(format!(
                "plan {id}'s stored working group does not read: {e}"
            ))
        })?,
        task_count,
        created_at: crate::repo::local(row.created_at),
        updated_at: crate::repo::local(row.updated_at),
        issued_at: crate::repo::local_opt(row.issued_at),
        closed_at: crate::repo::local_opt(row.closed_at),
    })
}
