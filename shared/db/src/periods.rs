//! Reads of `periods` that several use cases and jobs share.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::periods;
use cchc_domain::model::period::PeriodStatus;
use cchc_domain::Result;

/// What a report, a reminder or a receipt needs of its period.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = periods)]
pub struct PeriodFacts {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub status: PeriodStatus,
    pub deadline: DateTime<Utc>,
    /// The reminder policy as stored (JSONB, written from a checked policy).
    pub policy: serde_json::Value,
}

/// Period `id`'s facts, if it exists.
pub async fn period_facts(mut conn: &AsyncPgConnection, id: i64) -> Result<Option<PeriodFacts>> {
    Ok(periods::table
        .find(id)
        .select(PeriodFacts::as_select())
        .first(&mut conn)
        .await
        .optional()?)
}

/// The open periods, nearest deadline first.
pub async fn open_period_ids(conn: &mut AsyncPgConnection) -> Result<Vec<i64>> {
    Ok(periods::table
        .filter(periods::status.eq(PeriodStatus::Open))
        .order(periods::deadline)
        .select(periods::id)
        .load(conn)
        .await?)
}
