//! A self-assessment round's files of evidence (`assessment_files`): the row and its queries.
//! Citations of them live in `assessment_evidence.file_id`.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::{assessment_evidence, assessment_files, assessment_items};
use cchc_domain::Result;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = assessment_files)]
pub struct AssessmentFileRow {
    pub id: i64,
    pub assessment_id: i64,
    pub unit_id: Option<i64>,
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
#[diesel(table_name = assessment_files)]
pub struct NewAssessmentFile<'a> {
    pub assessment_id: i64,
    pub unit_id: Option<i64>,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a str,
    pub storage_key: &'a str,
    pub uploaded_at: DateTime<Utc>,
    pub uploaded_by: &'a str,
}

/// Records `file`; its id.
pub async fn insert(conn: &mut AsyncPgConnection, file: &NewAssessmentFile<'_>) -> Result<i64> {
    Ok(diesel::insert_into(assessment_files::table)
        .values(file)
        .returning(assessment_files::id)
        .get_result(conn)
        .await?)
}

/// File `id` of round `assessment_id`, if there is one.
pub async fn find(
    conn: &mut AsyncPgConnection,
    assessment_id: i64,
    id: i64,
) -> Result<Option<AssessmentFileRow>> {
    Ok(assessment_files::table
        .filter(assessment_files::id.eq(id))
        .filter(assessment_files::assessment_id.eq(assessment_id))
        .select(AssessmentFileRow::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// Which files of a round to list.
#[derive(Debug, Clone, Copy, Default)]
pub enum Owner {
    /// Every file.
    #[default]
    Any,
    /// Only this unit's.
    Unit(i64),
    /// Only the Office's own (no unit).
    Office,
}

/// A page of round `assessment_id`'s files of `owner`, oldest first, and how many there are.
pub async fn page(
    conn: &mut AsyncPgConnection,
    assessment_id: i64,
    owner: Owner,
    limit: i64,
    offset: i64,
) -> Result<(Vec<AssessmentFileRow>, i64)> {
    let query = || {
        let query = assessment_files::table
            .filter(assessment_files::assessment_id.eq(assessment_id))
            .into_boxed();
        match owner {
            Owner::Any => query,
            Owner::Unit(unit) => query.filter(assessment_files::unit_id.eq(unit)),
            Owner::Office => query.filter(assessment_files::unit_id.is_null()),
        }
    };
    let total: i64 = query().count().get_result(conn).await?;
    let rows = query()
        .order(assessment_files::id)
        .limit(limit)
        .offset(offset)
        .select(AssessmentFileRow::as_select())
        .load(conn)
        .await?;
    Ok((rows, total))
}

/// How many files round `assessment_id` holds.
pub async fn count(conn: &mut AsyncPgConnection, assessment_id: i64) -> Result<i64> {
    Ok(assessment_files::table
        .filter(assessment_files::assessment_id.eq(assessment_id))
        .count()
        .get_result(conn)
        .await?)
}

/// Which of files `ids` a part cites.
pub async fn cited(conn: &mut AsyncPgConnection, ids: &[i64]) -> Result<HashSet<i64>> {
    let found: Vec<Option<i64>> = assessment_evidence::table
        .filter(assessment_evidence::file_id.eq_any(ids))
        .select(assessment_evidence::file_id)
        .distinct()
        .load(conn)
        .await?;
    Ok(found.into_iter().flatten().collect())
}

/// Files `ids` as citations name them: round, unit, file name.
pub async fn refs(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> Result<HashMap<i64, (i64, Option<i64>, String)>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, i64, Option<i64>, String)> = assessment_files::table
        .filter(assessment_files::id.eq_any(ids))
        .select((
            assessment_files::id,
            assessment_files::assessment_id,
            assessment_files::unit_id,
            assessment_files::filename,
        ))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, round, unit, name)| (id, (round, unit, name)))
        .collect())
}

/// Removes file `id`'s row.
pub async fn delete(conn: &mut AsyncPgConnection, id: i64) -> Result<()> {
    diesel::delete(assessment_files::table.find(id))
        .execute(conn)
        .await?;
    Ok(())
}

/// The units given parts of round `assessment_id`.
pub async fn part_units(conn: &mut AsyncPgConnection, assessment_id: i64) -> Result<Vec<i64>> {
    let units: Vec<Option<i64>> = assessment_items::table
        .filter(assessment_items::assessment_id.eq(assessment_id))
        .filter(assessment_items::unit_id.is_not_null())
        .select(assessment_items::unit_id)
        .distinct()
        .load(conn)
        .await?;
    Ok(units.into_iter().flatten().collect())
}
