//! An extension (gia hạn) of a task's deadline, granted by the Office with a reason; the
//! deadline it replaces is kept.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::read::load_detail;
use super::{find, refuse_when_closed};
use crate::authz::{self, Principal};
use crate::repo::audit::{self, Entry};
use crate::repo::local;
use cchc_db::calendar::load_calendar;
use cchc_db::tasks::{self, NewExtension};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::policy::ReminderPolicy;
use cchc_domain::model::task::{GrantTaskExtension, TaskCompletion, TaskDetail};
use cchc_domain::rules::task_due::TaskDue;
use cchc_domain::validation::Checker;

pub async fn grant_extension(
    conn: &mut AsyncPgConnection,
    id: i64,
    input: &GrantTaskExtension,
    policy: &ReminderPolicy,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<TaskDetail> {
    authz::require_office_for_plans(principal, "extend a task's deadline")?;
    conn.transaction(async |conn| -> Result<TaskDetail> {
        let (row, _) = find(conn, id, true).await?;
        refuse_when_closed(conn, row.plan_id).await?;
        if row.completion == TaskCompletion::Confirmed {
            return Err(Error::conflict("task_done", "the task is confirmed done"));
        }
        let Some(current) = row.effective_deadline() else {
            return Err(Error::conflict(
                "ongoing_task",
                "ongoing work (thường xuyên) has no deadline to extend",
            ));
        };
        let mut check = Checker::new();
        check.text("reason", &input.reason, 2000);
        let calendar = load_calendar(conn).await?;
        let deadline = match input.due {
            TaskDue::Recurring { .. } => {
                check.push("due", "not_a_deadline", "an extension gives a new deadline");
                None
            }
            due => match due.deadline(&calendar, row.working_day_ends) {
                Ok(deadline) => deadline,
                Err(invalid) => {
                    check.push("due", "invalid_due", invalid.0);
                    None
                }
            },
        };
        if let Some(deadline) = deadline {
            if deadline <= current {
                check.push(
                    "due",
                    "not_later",
                    format!(
                        "the new deadline ({}) must be later than the one that applies ({})",
                        local(deadline).format("%d/%m/%Y %H:%M"),
                        local(current).format("%d/%m/%Y %H:%M"),
                    ),
                );
            }
        }
        check.finish()?;
        let deadline = deadline
            .ok_or_else(|| Error::Internal("a checked extension has no deadline".into()))?;
        let before = load_detail(conn, id, policy, now).await?;
        let due = serde_json::to_value(input.due)
            .map_err(|e| Error::Internal(format!("a due does not serialize: {e}")))?;
        let extension = NewExtension {
            task_id: id,
            previous_deadline: Some(current),
            due: &due,
            deadline,
            reason: input.reason.trim(),
            granted_by: &actor.name,
        };
        tasks::grant_extension(conn, &extension, now).await?;
        let after = load_detail(conn, id, policy, now).await?;
        let entry = Entry::changed(EntityType::Task, id, "extended", &before.task, &after.task)?;
        audit::record_opt(conn, actor, now, entry).await?;
        Ok(after)
    })
    .await
}
