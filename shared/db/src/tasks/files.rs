//! A task's files of evidence (`task_files`): the row and its queries. Citations of them live
//! in `task_evidence.file_id` (see `history`).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::{task_evidence, task_files};
use cchc_domain::Result;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = task_files)]
pub struct TaskFileRow {
    pub id: i64,
    pub task_id: i64,
    pub unit_id: i64,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub uploaded_at: DateTime<Utc>,
    pub uploaded_by: String,
}

/// A file about to be recorded; its bytes are in the store under `storage_key` already.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = task_files)]
pub struct NewTaskFile<'a> {
    pub task_id: i64,
    pub unit_id: i64,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a str,
    pub storage_key: &'a str,
    pub uploaded_at: DateTime<Utc>,
    pub uploaded_by: &'a str,
}

/// Records `file`; its id.
pub async fn insert_file(conn: &mut AsyncPgConnection, file: &NewTaskFile<'_>) -> Result<i64> {
    Ok(diesel::insert_into(task_files::table)
        .values(file)
        .returning(task_files::id)
        .get_result(conn)
        .await?)
}

/// File `id` of task `task_id`, if there is one.
pub async fn find_file(
    conn: &mut AsyncPgConnection,
    task_id: i64,
    id: i64,
) -> Result<Option<TaskFileRow>> {
    Ok(task_files::table
        .filter(task_files::id.eq(id))
        .filter(task_files::task_id.eq(task_id))
        .select(TaskFileRow::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// Files of task `task_id`, oldest first; only unit `unit_id`'s when given.
pub async fn files_of_task(
    conn: &mut AsyncPgConnection,
    task_id: i64,
    unit_id: Option<i64>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<TaskFileRow>, i64)> {
    let mut count = task_files::table
        .filter(task_files::task_id.eq(task_id))
        .into_boxed();
    let mut page = task_files::table
        .filter(task_files::task_id.eq(task_id))
        .into_boxed();
    if let Some(unit_id) = unit_id {
        count = count.filter(task_files::unit_id.eq(unit_id));
        page = page.filter(task_files::unit_id.eq(unit_id));
    }
    let total: i64 = count.count().get_result(conn).await?;
    let rows = page
        .order(task_files::id)
        .limit(limit)
        .offset(offset)
        .select(TaskFileRow::as_select())
        .load(conn)
        .await?;
    Ok((rows, total))
}

/// How many files task `task_id` has.
pub async fn count_files(conn: &mut AsyncPgConnection, task_id: i64) -> Result<i64> {
    Ok(task_files::table
        .filter(task_files::task_id.eq(task_id))
        .count()
        .get_result(conn)
        .await?)
}

/// Which of files `ids` a citation names.
pub async fn cited_files(conn: &mut AsyncPgConnection, ids: &[i64]) -> Result<HashSet<i64>> {
    let cited: Vec<Option<i64>> = task_evidence::table
        .filter(task_evidence::file_id.eq_any(ids))
        .select(task_evidence::file_id)
        .distinct()
        .load(conn)
        .await?;
    Ok(cited.into_iter().flatten().collect())
}

/// Files `ids`: their task, unit and name, by id.
pub async fn file_refs(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> Result<HashMap<i64, (i64, i64, String)>> {
    let rows: Vec<(i64, i64, i64, String)> = task_files::table
        .filter(task_files::id.eq_any(ids))
        .select((
            task_files::id,
            task_files::task_id,
            task_files::unit_id,
            task_files::filename,
        ))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, task, unit, name)| (id, (task, unit, name)))
        .collect())
}

/// Removes file `id`'s row (a citation of it refuses, by its foreign key).
pub async fn delete_file(conn: &mut AsyncPgConnection, id: i64) -> Result<()> {
    diesel::delete(task_files::table.filter(task_files::id.eq(id)))
        .execute(conn)
        .await?;
    Ok(())
}
