//! Extensions of a period's deadline for one unit (`period_extensions`).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::{period_extensions, units};
use cchc_domain::Result;

/// The deadline unit `unit_id` was extended to in period `period_id`, if any. It takes a
/// shared connection so it can be pipelined.
pub async fn deadline_of(
    mut conn: &AsyncPgConnection,
    period_id: i64,
    unit_id: i64,
) -> Result<Option<DateTime<Utc>>> {
    Ok(period_extensions::table
        .find((period_id, unit_id))
        .select(period_extensions::deadline)
        .first(&mut conn)
        .await
        .optional()?)
}

/// The unit's current extension (deadline and reason), locked for the rest of the
/// transaction.
pub async fn lock(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    unit_id: i64,
) -> Result<Option<(DateTime<Utc>, String)>> {
    Ok(period_extensions::table
        .find((period_id, unit_id))
        .for_update()
        .select((period_extensions::deadline, period_extensions::reason))
        .first(conn)
        .await
        .optional()?)
}

/// An extension as granted.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = period_extensions)]
pub struct Granted<'a> {
    pub period_id: i64,
    pub unit_id: i64,
    pub deadline: DateTime<Utc>,
    pub reason: &'a str,
    pub granted_at: DateTime<Utc>,
    pub granted_by: &'a str,
}

/// Records `granted`, replacing the unit's earlier extension in the period if it had one.
pub async fn grant(conn: &mut AsyncPgConnection, granted: &Granted<'_>) -> Result<()> {
    diesel::insert_into(period_extensions::table)
        .values(granted)
        .on_conflict((period_extensions::period_id, period_extensions::unit_id))
        .do_update()
        .set((
            period_extensions::deadline.eq(granted.deadline),
            period_extensions::reason.eq(granted.reason),
            period_extensions::granted_at.eq(granted.granted_at),
            period_extensions::granted_by.eq(granted.granted_by),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// An extension as the list shows it.
#[derive(Debug, Clone, Queryable)]
pub struct ListedExtension {
    pub unit_code: String,
    pub deadline: DateTime<Utc>,
    pub reason: String,
    pub granted_at: DateTime<Utc>,
    pub granted_by: String,
}

/// How many extensions period `period_id` has (only `own_unit_id`'s when given), and a page
/// of them by unit code.
pub async fn page_of_period(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    own_unit_id: Option<i64>,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<ListedExtension>)> {
    let query = || {
        let mut query = period_extensions::table
            .inner_join(units::table)
            .filter(period_extensions::period_id.eq(period_id))
            .into_boxed();
        if let Some(own) = own_unit_id {
            query = query.filter(period_extensions::unit_id.eq(own));
        }
        query
    };
    let total: i64 = query().count().get_result(conn).await?;
    let rows = query()
        .order(units::code.asc())
        .limit(limit)
        .offset(offset)
        .select((
            units::code,
            period_extensions::deadline,
            period_extensions::reason,
            period_extensions::granted_at,
            period_extensions::granted_by,
        ))
        .load(conn)
        .await?;
    Ok((total, rows))
}
