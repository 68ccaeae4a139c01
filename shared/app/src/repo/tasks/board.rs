//! A plan's board: its tasks by status, per lead unit and per content area.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;

use super::StatusClock;
use crate::authz::{self, Principal};
use crate::repo::local;
use cchc_db::{plans, refs, tasks};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::indicator::ContentArea;
use cchc_domain::model::policy::ReminderPolicy;
use cchc_domain::model::task::{AreaBoardRow, PlanBoard, StatusCounts, UnitBoardRow};

/// For the Office and the leadership: a reporter sees its own tasks in the task list.
pub async fn board(
    conn: &mut AsyncPgConnection,
    plan_id: i64,
    policy: &ReminderPolicy,
    principal: &Principal,
    now: DateTime<Utc>,
) -> Result<PlanBoard> {
    authz::read_plans(principal)?;
    authz::refuse_reporters(principal, "the plan's board")?;
    plans::find(conn, plan_id, false)
        .await?
        .ok_or(Error::not_found("plan"))?;
    let filter = tasks::ListFilter {
        plan_id: Some(plan_id),
        ..Default::default()
    };
    let rows = tasks::matching(conn, &filter).await?;
    let clock = StatusClock::load(conn, policy, now).await?;
    let mut totals = StatusCounts::default();
    let mut by_unit: BTreeMap<i64, StatusCounts> = BTreeMap::new();
    let mut by_area: BTreeMap<usize, (ContentArea, StatusCounts)> = BTreeMap::new();
    for row in &rows {
        let status = clock.status_of(row);
        totals.add(status);
        by_unit.entry(row.lead_unit_id).or_default().add(status);
        if let Some(area) = row.content_area {
            let order = ContentArea::ALL
                .iter()
                .position(|a| *a == area)
                .unwrap_or(usize::MAX);
            by_area
                .entry(order)
                .or_insert_with(|| (area, StatusCounts::default()))
                .1
                .add(status);
        }
    }
    let unit_ids: Vec<i64> = by_unit.keys().copied().collect();
    let units = refs::unit_refs(conn, &unit_ids).await?;
    let mut unit_rows: Vec<UnitBoardRow> = by_unit
        .into_iter()
        .filter_map(|(id, counts)| {
            Some(UnitBoardRow {
                unit: units.get(&id)?.clone(),
                counts: counts.with_rate(),
            })
        })
        .collect();
    unit_rows.sort_by(|a, b| a.unit.code.cmp(&b.unit.code));
    Ok(PlanBoard {
        plan_id,
        as_of: local(now),
        totals: totals.with_rate(),
        units: unit_rows,
        areas: by_area
            .into_values()
            .map(|(area, counts)| AreaBoardRow {
                content_area: area,
                label: area.label_vi().to_owned(),
                counts: counts.with_rate(),
            })
            .collect(),
    })
}
