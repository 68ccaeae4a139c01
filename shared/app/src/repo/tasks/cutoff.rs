//! Tasks in reports: where a unit's tasks stood at a period's cut-off (the end of its data
//! window), for the unit's report and, counted per unit, for the consolidation.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveTime, Utc};
use diesel_async::AsyncPgConnection;

use super::{due_of, plan_ref, StatusClock};
use crate::authz::{self, PeopleOnly, Principal};
use crate::repo::plans::unit_ref;
use crate::repo::{local, local_opt};
use cchc_db::tasks::{self, TaskRow};
use cchc_db::{periods, refs, submissions};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::policy::ReminderPolicy;
use cchc_domain::model::task::{StatusCounts, TaskCompletion};
use cchc_domain::model::task_cutoff::{
    PeriodTaskCompletion, TaskAtCutoff, TaskRole, UnitTaskCompletion, UnitTasks,
};
use cchc_domain::rules::local_time::local_instant;
use cchc_domain::rules::task_history::{standing_at, TaskHistory};

/// The tasks of the unit whose report `submission_id` is, at the period's cut-off. Whoever
/// may read the report may read them.
pub async fn of_submission(
    conn: &mut AsyncPgConnection,
    submission_id: i64,
    policy: &ReminderPolicy,
    principal: &Principal,
    now: DateTime<Utc>,
) -> Result<UnitTasks> {
    authz::refuse_integrations(principal, PeopleOnly::Reports)?;
    let facts = submissions::receipt_facts(conn, submission_id)
        .await?
        .ok_or(Error::not_found("submission"))?;
    authz::may_read_unit(principal, facts.unit_id, "submission")?;
    let (_, as_of) = cutoff_of(conn, facts.period_id, now).await?;
    let unit = facts.unit_id;
    let mut tasks = at_cutoff(conn, &[unit], policy, as_of).await?;
    let mut lead_counts = StatusCounts::default();
    for task in tasks.iter().filter(|t| t.lead_unit.id == unit) {
        lead_counts.add(task.status);
    }
    for task in &mut tasks {
        if task.lead_unit.id != unit {
            task.role = TaskRole::Coordinating;
        }
    }
    let units = refs::unit_refs(conn, &[unit]).await?;
    Ok(UnitTasks {
        period_id: facts.period_id,
        unit: unit_ref(&units, unit),
        as_of: local(as_of),
        lead_counts: lead_counts.with_rate(),
        tasks,
    })
}

/// Task completion of every unit taking part in period `period_id`, at its cut-off: for the
/// Office and the leadership, like the consolidation.
pub async fn of_period(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    policy: &ReminderPolicy,
    principal: &Principal,
    now: DateTime<Utc>,
) -> Result<PeriodTaskCompletion> {
    authz::view_across_units(principal, "the task completion of a period")?;
    let (period_code, as_of) = cutoff_of(conn, period_id, now).await?;
    let unit_ids = periods::participant_ids(conn, period_id).await?;
    let tasks = at_cutoff(conn, &unit_ids, policy, as_of).await?;
    let taking_part: HashSet<i64> = unit_ids.iter().copied().collect();
    let mut totals = StatusCounts::default();
    let mut lead: HashMap<i64, StatusCounts> = HashMap::new();
    for task in tasks
        .iter()
        .filter(|t| taking_part.contains(&t.lead_unit.id))
    {
        totals.add(task.status);
        lead.entry(task.lead_unit.id).or_default().add(task.status);
    }
    let coordinating =
        tasks::coordinating_units(conn, &tasks.iter().map(|t| t.id).collect::<Vec<_>>()).await?;
    let mut coordinates: HashMap<i64, i64> = HashMap::new();
    for unit in coordinating.values().flatten() {
        *coordinates.entry(*unit).or_default() += 1;
    }
    let units = refs::unit_refs(conn, &unit_ids).await?;
    let mut rows: Vec<UnitTaskCompletion> = unit_ids
        .iter()
        .map(|id| UnitTaskCompletion {
            unit: unit_ref(&units, *id),
            counts: lead.remove(id).unwrap_or_default().with_rate(),
            coordinating: coordinates.get(id).copied().unwrap_or(0),
        })
        .collect();
    rows.sort_by(|a, b| a.unit.code.cmp(&b.unit.code));
    Ok(PeriodTaskCompletion {
        period_id,
        period_code,
        as_of: local(as_of),
        totals: totals.with_rate(),
        units: rows,
    })
}

/// The period's code and cut-off instant: the end of the last day of its data window, or `now`
/// while that is still ahead.
async fn cutoff_of(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    now: DateTime<Utc>,
) -> Result<(String, DateTime<Utc>)> {
    let (code, data_to) = periods::cutoff(conn, period_id)
        .await?
        .ok_or(Error::not_found("period"))?;
    let end = data_to
        .succ_opt()
        .map(|next| local_instant(next, NaiveTime::MIN))
        .unwrap_or(now);
    Ok((code, end.min(now)))
}

/// The tasks `unit_ids` lead or coordinate as they stood at `as_of` (all marked `lead`; the
/// caller says which are coordinated).
async fn at_cutoff(
    conn: &mut AsyncPgConnection,
    unit_ids: &[i64],
    policy: &ReminderPolicy,
    as_of: DateTime<Utc>,
) -> Result<Vec<TaskAtCutoff>> {
    let rows = tasks::of_units(conn, unit_ids).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let events = tasks::event_facts(conn, &ids).await?;
    let extensions = tasks::extension_facts(conn, &ids).await?;
    let clock = StatusClock::load(conn, policy, as_of).await?;
    let mut unit_refs: Vec<i64> = rows.iter().map(|r| r.lead_unit_id).collect();
    unit_refs.sort_unstable();
    unit_refs.dedup();
    let units = refs::unit_refs(conn, &unit_refs).await?;
    let mut plan_ids: Vec<i64> = rows.iter().filter_map(|r| r.plan_id).collect();
    plan_ids.sort_unstable();
    plan_ids.dedup();
    let plans = refs::plan_refs(conn, &plan_ids).await?;
    let document_ids: Vec<i64> = rows.iter().filter_map(|r| r.source_document_id).collect();
    let documents = refs::document_refs(conn, &document_ids).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let history = history_of(&row, &events, &extensions);
        let Some(standing) = standing_at(&history, as_of) else {
            continue;
        };
        let status = clock.status_from(&standing.facts, row.working_day_ends);
        out.push(TaskAtCutoff {
            id: row.id,
            plan: plan_ref(&plans, row.plan_id),
            source_document: row
                .source_document_id
                .and_then(|d| documents.get(&d).cloned()),
            role: TaskRole::Lead,
            lead_unit: unit_ref(&units, row.lead_unit_id),
            due_text: due_of(&row.due)?.to_string(),
            deadline: local_opt(standing.facts.deadline),
            status,
            status_label: status.label_vi().to_owned(),
            progress_percent: standing.progress_percent,
            completed_at: local_opt(standing.facts.completed_at),
            code: row.code,
            title: row.title,
        });
    }
    Ok(out)
}

fn history_of<'a>(
    row: &TaskRow,
    events: &'a HashMap<i64, Vec<tasks::EventFact>>,
    extensions: &'a HashMap<i64, Vec<tasks::ExtensionFact>>,
) -> TaskHistory<'a> {
    TaskHistory {
        created_at: row.created_at,
        start: row.start_date,
        original_deadline: row.deadline,
        reports_every: row.reports_every,
        extensions: extensions
            .get(&row.id)
            .map(Vec::as_slice)
            .unwrap_or_default(),
        events: events.get(&row.id).map(Vec::as_slice).unwrap_or_default(),
        confirmed_declaration: (row.completion == TaskCompletion::Confirmed)
            .then_some(row.declared_at)
            .flatten(),
    }
}
