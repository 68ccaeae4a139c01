//! A progress report on a task: the lead unit's progress, or a coordinating unit's
//! contribution.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::evidence::{check_evidence, evidence_rows};
use super::read::load_detail;
use super::{audit_history, find, involved, require_open_for_reports};
use crate::authz::{self, Principal};
use cchc_db::{tasks, units};
use cchc_domain::error::Result;
use cchc_domain::model::audit::Actor;
use cchc_domain::model::policy::ReminderPolicy;
use cchc_domain::model::task::{ReportProgress, TaskDetail, TaskEventKind};
use cchc_domain::model::token::Role;
use cchc_domain::validation::Checker;

pub async fn report_progress(
    conn: &mut AsyncPgConnection,
    id: i64,
    input: &ReportProgress,
    policy: &ReminderPolicy,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<TaskDetail> {
    authz::read_plans(principal)?;
    conn.transaction(async |conn| -> Result<TaskDetail> {
        let (row, coordinating) = find(conn, id, true).await?;
        let involved = involved(&row, &coordinating);
        authz::may_report_on_task(principal, &involved)?;
        require_open_for_reports(conn, &row).await?;
        let mut check = Checker::new();
        let unit_id = reporting_unit(conn, &mut check, principal, input.unit_code.as_deref(), &involved, row.lead_unit_id).await?;
        let is_lead = unit_id == row.lead_unit_id;
        check.text("note", &input.note, 4000);
        match input.percent {
            Some(_) if !is_lead => check.push(
                "percent",
                "lead_only",
                "only the lead unit reports how far the task is; a coordinating unit reports its contribution",
            ),
            Some(p) if !(0..=99).contains(&p) => check.push(
                "percent",
                "out_of_range",
                "must be between 0 and 99; declare the task done with POST /api/v1/tasks/{id}/completion",
            ),
            _ => {}
        }
        check_evidence(conn, &mut check, id, &input.evidence).await?;
        check.finish()?;
        let kind = if is_lead {
            TaskEventKind::Progress
        } else {
            TaskEventKind::Contribution
        };
        let event = tasks::NewEvent {
            task_id: id,
            kind,
            unit_id: Some(unit_id),
            percent: input.percent,
            note: Some(input.note.trim()),
            output_document_id: None,
            actor: &actor.name,
        };
        tasks::record_event(conn, &event, &evidence_rows(&input.evidence), now).await?;
        if is_lead {
            tasks::set_progress(conn, id, input.percent, now).await?;
        }
        let detail = load_detail(conn, id, policy, now).await?;
        let action = if is_lead { "progress_reported" } else { "contribution_reported" };
        audit_history(conn, actor, now, &detail, action).await?;
        Ok(detail)
    })
    .await
}

/// The unit a report is made for: a reporter's own; the unit the Office names (the lead unit
/// when it names none). It must be one of the task's units.
pub(super) async fn reporting_unit(
    conn: &mut AsyncPgConnection,
    check: &mut Checker,
    principal: &Principal,
    unit_code: Option<&str>,
    involved: &[i64],
    lead_unit_id: i64,
) -> Result<i64> {
    let named = match unit_code.map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => match units::find_id_by_code(conn, code).await? {
            Some(id) => Some(id),
            None => {
                check.push(
                    "unit_code",
                    "unknown_unit",
                    format!("no unit has the code {code:?}"),
                );
                return Ok(lead_unit_id);
            }
        },
        None => None,
    };
    let unit = match (principal.role, principal.unit_id) {
        (Role::Reporter, Some(own)) => {
            if named.is_some_and(|named| named != own) {
                check.push(
                    "unit_code",
                    "not_your_unit",
                    "a reporter reports for its own unit",
                );
            }
            own
        }
        _ => named.unwrap_or(lead_unit_id),
    };
    if !involved.contains(&unit) {
        check.push(
            "unit_code",
            "not_involved",
            "the unit neither leads nor coordinates this task",
        );
    }
    Ok(unit)
}
