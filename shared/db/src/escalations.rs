//! Reads of `escalations` that jobs share with the use cases.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::escalations;
use cchc_domain::Result;

/// The unit and the deadline missed of each of escalations `ids`.
pub async fn units_and_deadlines(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> Result<Vec<(i64, DateTime<Utc>)>> {
    Ok(escalations::table
        .filter(escalations::id.eq_any(ids))
        .select((escalations::unit_id, escalations::deadline))
        .load(conn)
        .await?)
}
