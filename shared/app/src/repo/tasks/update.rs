//! A change to a task by the Office (a correction; extensions have their own action).

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::create::{prepare, Fields};
use super::read::load_detail;
use super::{due_of, find, refuse_when_closed};
use crate::authz::{self, Principal};
use crate::repo::audit::{self, Entry};
use crate::repo::events;
use cchc_db::{tasks, units};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::policy::ReminderPolicy;
use cchc_domain::model::task::{TaskCompletion, TaskDetail, UpdateTask};
use cchc_domain::model::webhook::EventType;
use cchc_domain::validation::Checker;

pub async fn update(
    conn: &mut AsyncPgConnection,
    id: i64,
    input: &UpdateTask,
    policy: &ReminderPolicy,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<TaskDetail> {
    authz::require_office_for_plans(principal, "change tasks")?;
    conn.transaction(async |conn| -> Result<TaskDetail> {
        let (row, coordinating) = find(conn, id, true).await?;
        let assigned = refuse_when_closed(conn, row.plan_id).await?;
        if row.completion == TaskCompletion::Confirmed {
            return Err(Error::conflict(
                "task_done",
                "the task is confirmed done; it changes no more",
            ));
        }
        let before = load_detail(conn, id, policy, now).await?;
        let ids: Vec<i64> = std::iter::once(row.lead_unit_id)
            .chain(coordinating.iter().copied())
            .collect();
        let codes = units::codes_by_id(conn, &ids).await?;
        let current_codes: Vec<String> = coordinating
            .iter()
            .filter_map(|u| codes.get(u).cloned())
            .collect();
        let lead_code = codes.get(&row.lead_unit_id).cloned().unwrap_or_default();
        let fields = Fields {
            title: input.title.as_deref().unwrap_or(&row.title),
            content_area: input.content_area.unwrap_or(row.content_area),
            lead_unit_code: input.lead_unit_code.as_deref().unwrap_or(&lead_code),
            coordinating_unit_codes: input
                .coordinating_unit_codes
                .as_deref()
                .unwrap_or(&current_codes),
            expected_output: match &input.expected_output {
                Some(output) => output.as_deref(),
                None => row.expected_output.as_deref(),
            },
            start_date: input.start_date.unwrap_or(row.start_date),
            due: match input.due {
                Some(due) => due,
                None => due_of(&row.due)?,
            },
        };
        let mut check = Checker::new();
        let prepared = prepare(conn, &mut check, &fields, policy).await?;
        check.finish()?;
        let prepared =
            prepared.ok_or_else(|| Error::Internal("a checked task has no values".into()))?;
        tasks::update(conn, id, &prepared.values(), now).await?;
        if input.coordinating_unit_codes.is_some() {
            tasks::replace_coordinating_units(conn, id, &prepared.coordinating_unit_ids).await?;
        }
        let mut before_units = coordinating.clone();
        before_units.sort_unstable();
        let units_changed = prepared.lead_unit_id != row.lead_unit_id
            || (input.coordinating_unit_codes.is_some()
                && prepared.coordinating_unit_ids != before_units);
        if assigned && units_changed {
            events::task_changed(conn, EventType::TaskAssigned, id, now).await?;
        }
        let after = load_detail(conn, id, policy, now).await?;
        let entry = Entry::changed(EntityType::Task, id, "updated", &before.task, &after.task)?;
        audit::record_opt(conn, actor, now, entry).await?;
        Ok(after)
    })
    .await
}
