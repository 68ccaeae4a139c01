//! A plan's board: its tasks by status, per lead unit and per content area, and its targets
//! with their latest measured values.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;

use super::{StatusClock, Stored};
use crate::authz::{self, Principal};
use crate::repo::local;
use crate::repo::submissions::{consolidate, BoardCaches};
use cchc_db::submissions::board_generation;
use cchc_db::{periods, plans, refs, tasks};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::indicator::ContentArea;
use cchc_domain::model::plan::{TargetPeriod, TargetProgress, TargetState};
use cchc_domain::model::policy::ReminderPolicy;
use cchc_domain::model::submission::{Consolidation, ConsolidationQuery};
use cchc_domain::model::task::{AreaBoardRow, PlanBoard, StatusCounts, UnitBoardRow};

/// For the Office and the leadership: a reporter sees its own tasks in the task list. Kept in
/// `caches` while the board generation stands, for the minute it was computed in (a status
/// that moves with the clock shows at most a minute late; `as_of` says when it was derived).
pub async fn board(
    conn: &mut AsyncPgConnection,
    caches: &BoardCaches,
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
    let generation = board_generation(conn).await?;
    let key = (plan_id, now.timestamp().div_euclid(60));
    if let Some(board) = caches.plans.get(&key, generation) {
        return Ok(PlanBoard::clone(&board));
    }
    let board = compute(conn, plan_id, policy, now).await?;
    caches
        .plans
        .insert(key, generation, Arc::new(board.clone()));
    Ok(board)
}

async fn compute(
    conn: &mut AsyncPgConnection,
    plan_id: i64,
    policy: &ReminderPolicy,
    now: DateTime<Utc>,
) -> Result<PlanBoard> {
    let rows = tasks::board_rows(conn, plan_id).await?;
    let clock = StatusClock::load(conn, policy, now).await?;
    let mut totals = StatusCounts::default();
    let mut by_unit: BTreeMap<i64, StatusCounts> = BTreeMap::new();
    let mut by_area: BTreeMap<usize, (ContentArea, StatusCounts)> = BTreeMap::new();
    for row in &rows {
        let facts = Stored {
            start: row.start_date,
            deadline: row.extended_deadline.or(row.deadline),
            reports_every: row.reports_every,
            last_progress_at: row.last_progress_at,
            completion: row.completion,
            declared_at: row.declared_at,
        }
        .facts();
        let status = clock.status_from(&facts, row.working_day_ends);
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
    let targets = targets(conn, plan_id).await?;
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
        targets,
    })
}

/// How many of the latest periods including a target's indicator are searched for a value.
const PERIODS_SEARCHED: i64 = 4;

/// The plan's targets, each with the value of its indicator in the consolidation (accepted
/// reports) of its period, or of the latest period with a value.
async fn targets(conn: &mut AsyncPgConnection, plan_id: i64) -> Result<Vec<TargetProgress>> {
    let stored = plans::targets(conn, plan_id).await?;
    if stored.is_empty() {
        return Ok(Vec::new());
    }
    let plan = crate::repo::plans::load(conn, plan_id).await?;
    let mut consolidations: HashMap<i64, Consolidation> = HashMap::new();
    let mut progress = Vec::with_capacity(plan.targets.len());
    for target in plan.targets {
        let mut measured = None;
        if let (Some(indicator), Some(_)) = (&target.indicator, &target.target) {
            let periods = match &target.period {
                Some(period) => vec![(period.id, period.code.clone())],
                None => periods::measuring(conn, indicator.id, PERIODS_SEARCHED).await?,
            };
            for (period_id, code) in periods {
                if let std::collections::hash_map::Entry::Vacant(slot) =
                    consolidations.entry(period_id)
                {
                    let query = ConsolidationQuery::default();
                    slot.insert(consolidate(conn, period_id, &query, false).await?);
                }
                let figure = consolidations
                    .get(&period_id)
                    .and_then(|report| report.indicators.iter().find(|i| i.code == indicator.code))
                    .filter(|figure| figure.value.is_some());
                if let Some(figure) = figure {
                    measured = Some((
                        TargetPeriod {
                            id: period_id,
                            code,
                        },
                        figure.value,
                        figure.units_reporting,
                    ));
                    break;
                }
            }
        }
        let value = measured.as_ref().and_then(|(_, value, _)| *value);
        progress.push(TargetProgress {
            state: TargetState::of(target.target.as_ref(), value),
            measured_in: measured.as_ref().map(|(period, ..)| period.clone()),
            units_reporting: measured.as_ref().map(|(.., units)| *units),
            value,
            target,
        });
    }
    Ok(progress)
}
