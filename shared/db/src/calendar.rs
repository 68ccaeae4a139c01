//! The working-day calendar as the `holidays` table holds it (days off, make-up working days).

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::holidays;
use cchc_domain::rules::calendar::{DayKind, WorkingCalendar};
use cchc_domain::Result;

/// The working calendar as the database has it now.
pub async fn load_calendar(conn: &mut AsyncPgConnection) -> Result<WorkingCalendar> {
    let entries: Vec<(NaiveDate, DayKind)> = holidays::table
        .select((holidays::day, holidays::kind))
        .load(conn)
        .await?;
    Ok(WorkingCalendar::new(entries))
}
