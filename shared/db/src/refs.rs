//! Short references to units, registry documents, indicators and periods, as the records that
//! point at them (plans, tasks) show them: read in one query per kind for a whole page.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::{documents, indicators, periods, plans, units};
use cchc_domain::model::plan::{DocumentRef, TargetIndicator, TargetPeriod, UnitRef};
use cchc_domain::Result;

/// The units among `ids`, by id.
pub async fn unit_refs(conn: &mut AsyncPgConnection, ids: &[i64]) -> Result<HashMap<i64, UnitRef>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String, String)> = units::table
        .filter(units::id.eq_any(ids))
        .select((units::id, units::code, units::name))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, code, name)| (id, UnitRef { id, code, name }))
        .collect())
}

/// The registry documents among `ids`, by id.
pub async fn document_refs(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> Result<HashMap<i64, DocumentRef>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String, chrono::NaiveDate, String, String)> = documents::table
        .filter(documents::id.eq_any(ids))
        .select((
            documents::id,
            documents::number_symbol,
            documents::issued_on,
            documents::issuing_agency,
            documents::subject,
        ))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, number, issued_on, issuing_agency, subject)| {
            (
                id,
                DocumentRef {
                    id,
                    number,
                    issued_on,
                    issuing_agency,
                    subject,
                },
            )
        })
        .collect())
}

/// The indicators among `ids`, by id.
pub async fn indicator_refs(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> Result<HashMap<i64, TargetIndicator>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String, String)> = indicators::table
        .filter(indicators::id.eq_any(ids))
        .select((indicators::id, indicators::code, indicators::name))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, code, name)| (id, TargetIndicator { id, code, name }))
        .collect())
}

/// The periods among `ids`, by id.
pub async fn period_refs(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> Result<HashMap<i64, TargetPeriod>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String)> = periods::table
        .filter(periods::id.eq_any(ids))
        .select((periods::id, periods::code))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, code)| (id, TargetPeriod { id, code }))
        .collect())
}

/// (code, id) of the indicators whose codes are among `codes`.
pub async fn indicator_ids_by_code(
    conn: &mut AsyncPgConnection,
    codes: &[String],
) -> Result<HashMap<String, i64>> {
    Ok(indicators::table
        .filter(indicators::code.eq_any(codes))
        .select((indicators::code, indicators::id))
        .load::<(String, i64)>(conn)
        .await?
        .into_iter()
        .collect())
}

/// (code, id) of the periods whose codes are among `codes`.
pub async fn period_ids_by_code(
    conn: &mut AsyncPgConnection,
    codes: &[String],
) -> Result<HashMap<String, i64>> {
    Ok(periods::table
        .filter(periods::code.eq_any(codes))
        .select((periods::code, periods::id))
        .load::<(String, i64)>(conn)
        .await?
        .into_iter()
        .collect())
}

/// (code, id) of the plans whose codes are among `codes`.
pub async fn plan_ids_by_code(
    conn: &mut AsyncPgConnection,
    codes: &[String],
) -> Result<HashMap<String, i64>> {
    Ok(plans::table
        .filter(plans::code.eq_any(codes))
        .select((plans::code, plans::id))
        .load::<(String, i64)>(conn)
        .await?
        .into_iter()
        .collect())
}

/// (code, title) of the plans among `ids`, by id.
pub async fn plan_refs(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> Result<HashMap<i64, (String, String)>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String, String)> = plans::table
        .filter(plans::id.eq_any(ids))
        .select((plans::id, plans::code, plans::title))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, code, title)| (id, (code, title)))
        .collect())
}
