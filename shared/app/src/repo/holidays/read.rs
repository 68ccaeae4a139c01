//! A calendar day, and the list.

use chrono::NaiveDate;
use diesel_async::AsyncPgConnection;

use super::load;
use crate::authz;
use crate::authz::Principal;
use cchc_db::holidays::{self, HolidayRow};
use cchc_domain::error::Result;
use cchc_domain::model::holiday::{Holiday, HolidayFilter, HolidayPage};
use cchc_domain::model::PageParams;
use cchc_domain::validation::Checker;

/// A calendar day: reference data, for every role.
pub async fn get(
    conn: &mut AsyncPgConnection,
    day: NaiveDate,
    principal: &Principal,
) -> Result<Holiday> {
    authz::read_reference(principal)?;
    load(conn, day).await
}

pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &HolidayFilter,
    page: PageParams,
    principal: &Principal,
) -> Result<HolidayPage> {
    authz::read_reference(principal)?;
    let (page, per_page) = page.validate()?;
    let mut check = Checker::new();
    let year_range = match filter.year {
        Some(year) => match (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) {
            (Some(first), Some(last)) if (1900..=2200).contains(&year) => Some((first, last)),
            _ => {
                check.push("year", "out_of_range", "must be between 1900 and 2200");
                None
            }
        },
        None => None,
    };
    if let (Some(from), Some(to)) = (filter.from, filter.to) {
        if from > to {
            check.push("to", "before_from", "must not be before from");
        }
    }
    check.finish()?;
    // A year is the range of its days, within any from/to also given.
    let (from, to) = match year_range {
        Some((first, last)) => (
            Some(filter.from.map_or(first, |from| from.max(first))),
            Some(filter.to.map_or(last, |to| to.min(last))),
        ),
        None => (filter.from, filter.to),
    };
    let list_filter = holidays::ListFilter {
        from,
        to,
        kind: filter.kind,
    };
    let offset = PageParams::offset(page, per_page);
    let (total, rows) = holidays::page(conn, &list_filter, per_page, offset).await?;
    Ok(HolidayPage {
        items: rows.into_iter().map(HolidayRow::into_model).collect(),
        page,
        per_page,
        total,
    })
}
