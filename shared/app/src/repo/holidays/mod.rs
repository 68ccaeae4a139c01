//! The working-day calendar (reference data): days off and make-up working days. Reading it
//! (`read`), and the Office's changes (`create`, `update`, `delete`), each of which re-derives
//! the deadlines of the periods not yet closed.

mod create;
mod delete;
mod read;
mod update;

use chrono::{Datelike, NaiveDate, Weekday};
use diesel_async::AsyncPgConnection;

use crate::authz;
use crate::authz::Principal;
use cchc_db::holidays;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::holiday::Holiday;
use cchc_domain::rules::calendar::DayKind;
use cchc_domain::validation::Checker;

pub use create::create;
pub use delete::delete;
pub use read::{get, list};
pub use update::update;

/// The first step of every change to the calendar: only the Office changes it. Exposed so a handler
/// refuses a caller before it reports what is wrong with the body.
pub fn authorize_change(principal: &Principal) -> Result<()> {
    authz::require_admin(principal)
}

/// The same without an access check (callers have done it).
pub(crate) async fn load(conn: &mut AsyncPgConnection, day: NaiveDate) -> Result<Holiday> {
    Ok(holidays::find(conn, day)
        .await?
        .ok_or(Error::not_found("calendar day"))?
        .into_model())
}

fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// A make-up working day only makes sense on a weekend, and a day off only on a weekday.
pub(super) fn check_kind(check: &mut Checker, day: NaiveDate, kind: DayKind) {
    match kind {
        DayKind::WorkingDay if !is_weekend(day) => check.push(
            "kind",
            "not_a_weekend",
            format!("{day} is a weekday, already a working day; working_day is for make-up weekend days"),
        ),
        DayKind::DayOff if is_weekend(day) => check.push(
            "kind",
            "not_a_weekday",
            format!("{day} is a weekend day, already off; list the compensatory weekday instead"),
        ),
        _ => {}
    }
}
