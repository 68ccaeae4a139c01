//! A task's history: extensions (`task_extensions`), progress reports, contributions and the
//! completion's declaration, confirmation or return (`task_events`, with their evidence in
//! `task_evidence`), and the columns of `tasks` they move.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use crate::schema::{task_events, task_evidence, task_extensions, tasks};
use cchc_domain::model::task::{TaskCompletion, TaskEventKind};
use cchc_domain::Result;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = task_extensions)]
pub struct ExtensionRow {
    pub id: i64,
    pub task_id: i64,
    pub previous_deadline: Option<DateTime<Utc>>,
    pub due: Value,
    pub deadline: DateTime<Utc>,
    pub reason: String,
    pub granted_at: DateTime<Utc>,
    pub granted_by: String,
}

/// The extensions of task `id`, oldest first.
pub async fn extensions(conn: &mut AsyncPgConnection, id: i64) -> Result<Vec<ExtensionRow>> {
    Ok(task_extensions::table
        .filter(task_extensions::task_id.eq(id))
        .order(task_extensions::id.asc())
        .select(ExtensionRow::as_select())
        .load(conn)
        .await?)
}

/// An extension granted now.
#[derive(Debug, Clone)]
pub struct NewExtension<'a> {
    pub task_id: i64,
    pub previous_deadline: Option<DateTime<Utc>>,
    pub due: &'a Value,
    pub deadline: DateTime<Utc>,
    pub reason: &'a str,
    pub granted_by: &'a str,
}

/// Records `extension` and makes its deadline the task's.
pub async fn grant_extension(
    conn: &mut AsyncPgConnection,
    extension: &NewExtension<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    diesel::insert_into(task_extensions::table)
        .values((
            task_extensions::task_id.eq(extension.task_id),
            task_extensions::previous_deadline.eq(extension.previous_deadline),
            task_extensions::due.eq(extension.due),
            task_extensions::deadline.eq(extension.deadline),
            task_extensions::reason.eq(extension.reason),
            task_extensions::granted_at.eq(now),
            task_extensions::granted_by.eq(extension.granted_by),
        ))
        .execute(conn)
        .await?;
    diesel::update(tasks::table.find(extension.task_id))
        .set((
            tasks::extended_due.eq(Some(extension.due)),
            tasks::extended_deadline.eq(extension.deadline),
            tasks::updated_at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = task_events)]
pub struct EventRow {
    pub id: i64,
    pub task_id: i64,
    pub kind: TaskEventKind,
    pub unit_id: Option<i64>,
    pub percent: Option<i16>,
    pub note: Option<String>,
    pub output_document_id: Option<i64>,
    pub at: DateTime<Utc>,
    pub actor: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = task_evidence)]
pub struct EvidenceRow {
    pub event_id: i64,
    pub position: i32,
    pub document_id: Option<i64>,
    pub section: Option<String>,
    pub page: Option<i32>,
    pub file_id: Option<i64>,
}

/// The history of task `id`, oldest first, with the evidence of each entry.
pub async fn events(
    conn: &mut AsyncPgConnection,
    id: i64,
) -> Result<(Vec<EventRow>, Vec<EvidenceRow>)> {
    let events: Vec<EventRow> = task_events::table
        .filter(task_events::task_id.eq(id))
        .order(task_events::id.asc())
        .select(EventRow::as_select())
        .load(conn)
        .await?;
    let ids: Vec<i64> = events.iter().map(|e| e.id).collect();
    let evidence = task_evidence::table
        .filter(task_evidence::event_id.eq_any(ids))
        .order((task_evidence::event_id, task_evidence::position))
        .select(EvidenceRow::as_select())
        .load(conn)
        .await?;
    Ok((events, evidence))
}

/// An entry of the history as written.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub task_id: i64,
    pub kind: TaskEventKind,
    pub unit_id: Option<i64>,
    pub percent: Option<i16>,
    pub note: Option<&'a str>,
    pub output_document_id: Option<i64>,
    pub actor: &'a str,
}

/// A cited document or file of an entry (one of the two).
#[derive(Debug, Clone)]
pub struct NewEvidence<'a> {
    pub document_id: Option<i64>,
    pub file_id: Option<i64>,
    pub section: Option<&'a str>,
    pub page: Option<i32>,
}

/// Adds `event` to the history with its `evidence`; returns its id.
pub async fn record_event(
    conn: &mut AsyncPgConnection,
    event: &NewEvent<'_>,
    evidence: &[NewEvidence<'_>],
    now: DateTime<Utc>,
) -> Result<i64> {
    let id: i64 = diesel::insert_into(task_events::table)
        .values((
            task_events::task_id.eq(event.task_id),
            task_events::kind.eq(event.kind),
            task_events::unit_id.eq(event.unit_id),
            task_events::percent.eq(event.percent),
            task_events::note.eq(event.note),
            task_events::output_document_id.eq(event.output_document_id),
            task_events::at.eq(now),
            task_events::actor.eq(event.actor),
        ))
        .returning(task_events::id)
        .get_result(conn)
        .await?;
    let rows: Vec<_> = evidence
        .iter()
        .zip(1..)
        .map(|(cited, position)| {
            (
                task_evidence::event_id.eq(id),
                task_evidence::position.eq(position),
                task_evidence::document_id.eq(cited.document_id),
                task_evidence::file_id.eq(cited.file_id),
                task_evidence::section.eq(cited.section),
                task_evidence::page.eq(cited.page),
            )
        })
        .collect();
    if !rows.is_empty() {
        diesel::insert_into(task_evidence::table)
            .values(rows)
            .execute(conn)
            .await?;
    }
    Ok(id)
}

/// The lead unit's progress on task `id`: its percent (if given) and when it reported.
pub async fn set_progress(
    conn: &mut AsyncPgConnection,
    id: i64,
    percent: Option<i16>,
    now: DateTime<Utc>,
) -> Result<()> {
    let target = tasks::table.find(id);
    match percent {
        Some(percent) => {
            diesel::update(target)
                .set((
                    tasks::progress_percent.eq(percent),
                    tasks::last_progress_at.eq(now),
                    tasks::updated_at.eq(now),
                ))
                .execute(conn)
                .await?
        }
        None => {
            diesel::update(target)
                .set((tasks::last_progress_at.eq(now), tasks::updated_at.eq(now)))
                .execute(conn)
                .await?
        }
    };
    Ok(())
}

/// The lead unit declares task `id` done.
pub async fn declare_done(
    conn: &mut AsyncPgConnection,
    id: i64,
    output_document_id: Option<i64>,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    diesel::update(tasks::table.find(id))
        .set((
            tasks::completion.eq(TaskCompletion::Declared),
            tasks::declared_at.eq(now),
            tasks::output_document_id.eq(output_document_id),
            tasks::completion_note.eq(note),
            tasks::progress_percent.eq(100),
            tasks::last_progress_at.eq(now),
            tasks::updated_at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// The Office confirms task `id` done.
pub async fn confirm(conn: &mut AsyncPgConnection, id: i64, now: DateTime<Utc>) -> Result<()> {
    diesel::update(tasks::table.find(id))
        .set((
            tasks::completion.eq(TaskCompletion::Confirmed),
            tasks::confirmed_at.eq(now),
            tasks::updated_at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// The Office returns the declaration of task `id`: it is open again, at the progress it had
/// before (`percent`).
pub async fn return_declaration(
    conn: &mut AsyncPgConnection,
    id: i64,
    reason: &str,
    percent: i16,
    now: DateTime<Utc>,
) -> Result<()> {
    diesel::update(tasks::table.find(id))
        .set((
            tasks::completion.eq(TaskCompletion::Open),
            tasks::declared_at.eq(None::<DateTime<Utc>>),
            tasks::progress_percent.eq(percent),
            tasks::returned_at.eq(now),
            tasks::return_reason.eq(reason),
            tasks::updated_at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}
