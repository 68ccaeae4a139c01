//! The working-day calendar (`holidays`): days off and make-up working days, and their
//! queries. The calendar the rules use is read by `calendar::load_calendar`.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::holidays;
use cchc_domain::model::holiday::Holiday;
use cchc_domain::rules::calendar::DayKind;
use cchc_domain::rules::local_time::to_local;
use cchc_domain::Result;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = holidays)]
pub struct HolidayRow {
    pub day: NaiveDate,
    pub kind: DayKind,
    pub name: String,
    pub note: Option<String>,
    pub provisional: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl HolidayRow {
    /// The day as the API shows it.
    pub fn into_model(self) -> Holiday {
        Holiday {
            date: self.day,
            kind: self.kind,
            name: self.name,
            note: self.note,
            provisional: self.provisional,
            created_at: to_local(self.created_at),
            updated_at: to_local(self.updated_at),
        }
    }
}

/// Calendar day `day`, if it is listed.
pub async fn find(conn: &mut AsyncPgConnection, day: NaiveDate) -> Result<Option<HolidayRow>> {
    Ok(holidays::table
        .find(day)
        .select(HolidayRow::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// Which days to list; every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub kind: Option<DayKind>,
}

/// How many days `filter` keeps, and a page of them in date order.
pub async fn page(
    conn: &mut AsyncPgConnection,
    filter: &ListFilter,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<HolidayRow>)> {
    let query = || {
        let mut query = holidays::table.into_boxed();
        if let Some(from) = filter.from {
            query = query.filter(holidays::day.ge(from));
        }
        if let Some(to) = filter.to {
            query = query.filter(holidays::day.le(to));
        }
        if let Some(kind) = filter.kind {
            query = query.filter(holidays::kind.eq(kind));
        }
        query
    };
    let total: i64 = query().count().get_result(conn).await?;
    let rows = query()
        .order(holidays::day.asc())
        .limit(limit)
        .offset(offset)
        .select(HolidayRow::as_select())
        .load(conn)
        .await?;
    Ok((total, rows))
}

/// The columns of a calendar day a create or an update writes.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = holidays, treat_none_as_null = true)]
pub struct HolidayValues<'a> {
    pub kind: DayKind,
    pub name: &'a str,
    pub note: Option<&'a str>,
    pub provisional: bool,
    pub updated_at: DateTime<Utc>,
}

/// Lists day `day` with `values`. The raw error is returned so the caller can tell a day
/// listed meanwhile (two concurrent creates) from other failures.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    day: NaiveDate,
    values: &HolidayValues<'_>,
) -> QueryResult<()> {
    diesel::insert_into(holidays::table)
        .values((
            holidays::day.eq(day),
            holidays::created_at.eq(values.updated_at),
            values,
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Writes `values` to day `day`.
pub async fn update(
    conn: &mut AsyncPgConnection,
    day: NaiveDate,
    values: &HolidayValues<'_>,
) -> Result<()> {
    diesel::update(holidays::table.find(day))
        .set(values)
        .execute(conn)
        .await?;
    Ok(())
}

/// Removes day `day` from the calendar.
pub async fn delete(conn: &mut AsyncPgConnection, day: NaiveDate) -> Result<()> {
    diesel::delete(holidays::table.find(day))
        .execute(conn)
        .await?;
    Ok(())
}
