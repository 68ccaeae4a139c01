//! Completion: the lead unit declares a task done with its output; the Office confirms it, or
//! returns it with a reason. A task counts as done (on time or late) from its declaration,
//! once confirmed.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::evidence::{check_evidence, evidence_rows};
use super::progress::reporting_unit;
use super::read::load_detail;
use super::{audit_history, find, involved, require_open_for_reports};
use crate::authz::{self, Principal};
use crate::repo::events;
use crate::repo::plans::resolve::check_documents;
use cchc_db::tasks;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::Actor;
use cchc_domain::model::policy::ReminderPolicy;
use cchc_domain::model::task::{
    DeclareDone, ReturnTask, TaskCompletion, TaskDetail, TaskEventKind,
};
use cchc_domain::model::webhook::EventType;
use cchc_domain::validation::Checker;

pub async fn declare_done(
    conn: &mut AsyncPgConnection,
    id: i64,
    input: &DeclareDone,
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
        if row.reports_every.is_some() {
            return Err(Error::conflict(
                "ongoing_task",
                "ongoing work (thường xuyên) reports its progress; it is not declared done",
            ));
        }
        let mut check = Checker::new();
        let unit_id = reporting_unit(
            conn,
            &mut check,
            principal,
            None,
            &involved,
            row.lead_unit_id,
        )
        .await?;
        if unit_id != row.lead_unit_id {
            return Err(Error::Forbidden(
                "only the lead unit (đơn vị chủ trì) declares the task done".into(),
            ));
        }
        check.optional_text("note", input.note.as_deref(), 4000);
        if let Some(document) = input.output_document_id {
            check_documents(
                conn,
                &mut check,
                &[("output_document_id".to_owned(), document)],
            )
            .await?;
        }
        check_evidence(conn, &mut check, id, &input.evidence).await?;
        check.finish()?;
        let note = input
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        let event = tasks::NewEvent {
            task_id: id,
            kind: TaskEventKind::DeclaredDone,
            unit_id: Some(unit_id),
            percent: Some(100),
            note,
            output_document_id: input.output_document_id,
            actor: &actor.name,
        };
        tasks::record_event(conn, &event, &evidence_rows(&input.evidence), now).await?;
        tasks::declare_done(conn, id, input.output_document_id, note, now).await?;
        let detail = load_detail(conn, id, policy, now).await?;
        audit_history(conn, actor, now, &detail, "declared_done").await?;
        Ok(detail)
    })
    .await
}

pub async fn confirm(
    conn: &mut AsyncPgConnection,
    id: i64,
    policy: &ReminderPolicy,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<TaskDetail> {
    authz::require_office_for_plans(principal, "confirm a task")?;
    conn.transaction(async |conn| -> Result<TaskDetail> {
        let (row, _) = find(conn, id, true).await?;
        require_declared(row.completion)?;
        let event = tasks::NewEvent {
            task_id: id,
            kind: TaskEventKind::Confirmed,
            unit_id: None,
            percent: None,
            note: None,
            output_document_id: None,
            actor: &actor.name,
        };
        tasks::record_event(conn, &event, &[], now).await?;
        tasks::confirm(conn, id, now).await?;
        events::task_changed(conn, EventType::TaskCompleted, id, now).await?;
        let detail = load_detail(conn, id, policy, now).await?;
        audit_history(conn, actor, now, &detail, "confirmed").await?;
        Ok(detail)
    })
    .await
}

pub async fn return_declaration(
    conn: &mut AsyncPgConnection,
    id: i64,
    input: &ReturnTask,
    policy: &ReminderPolicy,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<TaskDetail> {
    authz::require_office_for_plans(principal, "return a task")?;
    let mut check = Checker::new();
    check.text("reason", &input.reason, 2000);
    check.finish()?;
    conn.transaction(async |conn| -> Result<TaskDetail> {
        let (row, _) = find(conn, id, true).await?;
        require_declared(row.completion)?;
        // The progress goes back to the lead unit's last report before the declaration.
        let (events, _) = tasks::events(conn, id).await?;
        let percent = events
            .iter()
            .rev()
            .filter(|e| e.kind == TaskEventKind::Progress)
            .find_map(|e| e.percent)
            .unwrap_or(0);
        let reason = input.reason.trim();
        let event = tasks::NewEvent {
            task_id: id,
            kind: TaskEventKind::Returned,
            unit_id: None,
            percent: None,
            note: Some(reason),
            output_document_id: None,
            actor: &actor.name,
        };
        tasks::record_event(conn, &event, &[], now).await?;
        tasks::return_declaration(conn, id, reason, percent, now).await?;
        let detail = load_detail(conn, id, policy, now).await?;
        audit_history(conn, actor, now, &detail, "returned").await?;
        Ok(detail)
    })
    .await
}

fn require_declared(completion: TaskCompletion) -> Result<()> {
    match completion {
        TaskCompletion::Declared => Ok(()),
        TaskCompletion::Open => Err(Error::conflict(
            "not_declared",
            "the lead unit has not declared the task done",
        )),
        TaskCompletion::Confirmed => Err(Error::conflict(
            "task_done",
            "the task is already confirmed done",
        )),
    }
}
