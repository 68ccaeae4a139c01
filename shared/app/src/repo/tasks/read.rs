//! A task with its history, and the lists.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;

use super::{assemble, due_of, find, involved, StatusClock};
use crate::authz::{self, Principal, UnitScope};
use crate::repo::{contains_pattern, local, local_opt};
use cchc_db::{plans, refs, tasks, units};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::policy::ReminderPolicy;
use cchc_domain::model::task::{
    TaskDetail, TaskEvent, TaskEvidence, TaskExtension, TaskFilter, TaskPage,
};
use cchc_domain::model::task_file::{self, TaskFileRef};
use cchc_domain::model::PageParams;

/// A task: the Office and the leadership read every one; a reporter those of its unit.
pub async fn get(
    conn: &mut AsyncPgConnection,
    id: i64,
    policy: &ReminderPolicy,
    principal: &Principal,
    now: DateTime<Utc>,
) -> Result<TaskDetail> {
    authz::read_plans(principal)?;
    let (row, coordinating) = find(conn, id, false).await?;
    authz::may_read_task(principal, &involved(&row, &coordinating))?;
    load_detail(conn, id, policy, now).await
}

/// Task `id` with its extensions and history, without an access check.
pub(crate) async fn load_detail(
    conn: &mut AsyncPgConnection,
    id: i64,
    policy: &ReminderPolicy,
    now: DateTime<Utc>,
) -> Result<TaskDetail> {
    let (row, _) = find(conn, id, false).await?;
    let clock = StatusClock::load(conn, policy, now).await?;
    let task = assemble(conn, vec![row], &clock)
        .await?
        .pop()
        .ok_or(Error::not_found("task"))?;
    let extensions = tasks::extensions(conn, id)
        .await?
        .into_iter()
        .map(|e| {
            Ok(TaskExtension {
                id: e.id,
                previous_deadline: local_opt(e.previous_deadline),
                due: due_of(&e.due)?,
                deadline: local(e.deadline),
                reason: e.reason,
                granted_at: local(e.granted_at),
                granted_by: e.granted_by,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let (events, evidence) = tasks::events(conn, id).await?;
    let mut document_ids: Vec<i64> = events.iter().filter_map(|e| e.output_document_id).collect();
    document_ids.extend(evidence.iter().filter_map(|e| e.document_id));
    let documents = refs::document_refs(conn, &document_ids).await?;
    let file_ids: Vec<i64> = evidence.iter().filter_map(|e| e.file_id).collect();
    let files = tasks::file_refs(conn, &file_ids).await?;
    let unit_ids: Vec<i64> = events.iter().filter_map(|e| e.unit_id).collect();
    let units = refs::unit_refs(conn, &unit_ids).await?;
    let history = events
        .into_iter()
        .map(|event| TaskEvent {
            id: event.id,
            kind: event.kind,
            unit: event.unit_id.and_then(|u| units.get(&u).cloned()),
            percent: event.percent,
            note: event.note,
            output_document: event
                .output_document_id
                .and_then(|d| documents.get(&d).cloned()),
            evidence: evidence
                .iter()
                .filter(|cited| cited.event_id == event.id)
                .map(|cited| TaskEvidence {
                    document: cited.document_id.and_then(|d| documents.get(&d).cloned()),
                    file: cited.file_id.and_then(|f| {
                        let (task_id, _, filename) = files.get(&f)?;
                        Some(TaskFileRef {
                            id: f,
                            filename: filename.clone(),
                            download_url: task_file::download_url(*task_id, f),
                        })
                    }),
                    section: cited.section.clone(),
                    page: cited.page,
                })
                .collect(),
            at: local(event.at),
            actor: event.actor,
        })
        .collect();
    Ok(TaskDetail {
        task,
        extensions,
        history,
    })
}

/// Tasks across plans and directives. A reporter's list holds its own unit's tasks only.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &TaskFilter,
    page: PageParams,
    policy: &ReminderPolicy,
    principal: &Principal,
    now: DateTime<Utc>,
) -> Result<TaskPage> {
    authz::read_plans(principal)?;
    let (page, per_page) = page.validate()?;
    let unit_id = match filter.unit_code.as_deref().map(str::trim) {
        Some(code) if !code.is_empty() => {
            Some(units::find_id_by_code(conn, code).await?.unwrap_or(-1))
        }
        _ => None,
    };
    let unit_id = match authz::unit_scope(principal) {
        UnitScope::All => unit_id,
        // A reporter asking for another unit's tasks gets none.
        scope @ UnitScope::Own(_) => match unit_id {
            Some(asked) if Some(asked) != scope.only_unit() => Some(-1),
            _ => scope.only_unit(),
        },
    };
    let list_filter = tasks::ListFilter {
        plan_id: filter.plan_id,
        source_document_id: filter.source_document_id,
        unit_id,
        content_area: filter.content_area,
        pattern: filter
            .q
            .as_deref()
            .filter(|q| !q.trim().is_empty())
            .map(contains_pattern),
    };
    let rows = tasks::matching(conn, &list_filter).await?;
    let clock = StatusClock::load(conn, policy, now).await?;
    let kept: Vec<_> = rows
        .into_iter()
        .filter(|row| filter.status.is_none_or(|s| clock.status_of(row) == s))
        .collect();
    let total = i64::try_from(kept.len()).unwrap_or(i64::MAX);
    let offset = usize::try_from(PageParams::offset(page, per_page)).unwrap_or(usize::MAX);
    let size = usize::try_from(per_page).unwrap_or(usize::MAX);
    let rows = kept.into_iter().skip(offset).take(size).collect();
    Ok(TaskPage {
        items: assemble(conn, rows, &clock).await?,
        page,
        per_page,
        total,
    })
}

/// The tasks of plan `plan_id` (which must exist).
pub async fn list_of_plan(
    conn: &mut AsyncPgConnection,
    plan_id: i64,
    filter: &TaskFilter,
    page: PageParams,
    policy: &ReminderPolicy,
    principal: &Principal,
    now: DateTime<Utc>,
) -> Result<TaskPage> {
    authz::read_plans(principal)?;
    plans::find(conn, plan_id, false)
        .await?
        .ok_or(Error::not_found("plan"))?;
    let filter = TaskFilter {
        plan_id: Some(plan_id),
        ..filter.clone()
    };
    list(conn, &filter, page, policy, principal, now).await
}
