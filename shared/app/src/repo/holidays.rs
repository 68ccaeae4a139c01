use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use crate::authz;
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use crate::repo::{local, map_unique, periods};
use cchc_db::schema::holidays;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::holiday::{
    CreateHoliday, Holiday, HolidayFilter, HolidayPage, UpdateHoliday,
};
use cchc_domain::model::PageParams;
use cchc_domain::rules::calendar::DayKind;
use cchc_domain::validation::Checker;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = holidays)]
struct HolidayRow {
    day: NaiveDate,
    kind: DayKind,
    name: String,
    note: Option<String>,
    provisional: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl HolidayRow {
    fn into_api(self) -> Holiday {
        Holiday {
            date: self.day,
            kind: self.kind,
            name: self.name,
            note: self.note,
            provisional: self.provisional,
            created_at: local(self.created_at),
            updated_at: local(self.updated_at),
        }
    }
}

fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// A make-up working day only makes sense on a weekend, and a day off only on a weekday.
fn check_kind(check: &mut Checker, day: NaiveDate, kind: DayKind) {
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

/// A calendar day: reference data, for every role.
pub async fn get(
    conn: &mut AsyncPgConnection,
    day: NaiveDate,
    principal: &Principal,
) -> Result<Holiday> {
    authz::read_reference(principal)?;
    load(conn, day).await
}

/// The same without an access check (callers have done it).
pub(crate) async fn load(conn: &mut AsyncPgConnection, day: NaiveDate) -> Result<Holiday> {
    Ok(holidays::table
        .find(day)
        .select(HolidayRow::as_select())
        .first(conn)
        .await
        .optional()?
        .ok_or(Error::not_found("calendar day"))?
        .into_api())
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
    let query = || {
        let mut query = holidays::table.into_boxed();
        if let Some((first, last)) = year_range {
            query = query.filter(holidays::day.between(first, last));
        }
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
    let rows: Vec<HolidayRow> = query()
        .order(holidays::day.asc())
        .limit(per_page)
        .offset(PageParams::offset(page, per_page))
        .select(HolidayRow::as_select())
        .load(conn)
        .await?;
    Ok(HolidayPage {
        items: rows.into_iter().map(HolidayRow::into_api).collect(),
        page,
        per_page,
        total,
    })
}

/// The first step of every change to the calendar: only the Office changes it. Exposed so a handler
/// refuses a caller before it reports what is wrong with the body.
pub fn authorize_change(principal: &Principal) -> Result<()> {
    authz::require_admin(principal)
}

pub async fn create(
    conn: &mut AsyncPgConnection,
    input: &CreateHoliday,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Holiday> {
    authorize_change(principal)?;
    let mut check = Checker::new();
    check.text("name", &input.name, 200);
    check.optional_text("note", input.note.as_deref(), 1000);
    check_kind(&mut check, input.date, input.kind);
    check.finish()?;
    let duplicate = || {
        format!(
            "{} is already in the calendar; change it with PATCH",
            input.date
        )
    };
    conn.transaction(async |conn| -> Result<Holiday> {
        let exists: Option<NaiveDate> = holidays::table
            .find(input.date)
            .select(holidays::day)
            .first(conn)
            .await
            .optional()?;
        if exists.is_some() {
            return Err(Error::conflict_on("duplicate_date", "date", duplicate()));
        }
        diesel::insert_into(holidays::table)
            .values((
                holidays::day.eq(input.date),
                holidays::kind.eq(input.kind),
                holidays::name.eq(input.name.trim()),
                holidays::note.eq(input.note.as_deref().map(str::trim)),
                holidays::provisional.eq(input.provisional.unwrap_or(false)),
                holidays::created_at.eq(now),
                holidays::updated_at.eq(now),
            ))
            .execute(conn)
            .await
            .map_err(|e| map_unique(e, "duplicate_date", "date", duplicate()))?;
        let holiday = load(conn, input.date).await?;
        let entry = Entry::created(EntityType::Holiday, input.date, &holiday)?;
        audit::record(conn, actor, now, entry).await?;
        periods::rederive_deadlines(conn, actor, now).await?;
        Ok(holiday)
    })
    .await
}

pub async fn update(
    conn: &mut AsyncPgConnection,
    day: NaiveDate,
    input: &UpdateHoliday,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Holiday> {
    authorize_change(principal)?;
    let current = load(conn, day).await?;
    let mut check = Checker::new();
    if let Some(name) = &input.name {
        check.text("name", name, 200);
    }
    if let Some(Some(note)) = &input.note {
        check.text("note", note, 1000);
    }
    check_kind(&mut check, day, input.kind.unwrap_or(current.kind));
    check.finish()?;
    conn.transaction(async |conn| -> Result<Holiday> {
        let before = load(conn, day).await?;
        diesel::update(holidays::table.find(day))
            .set((
                holidays::kind.eq(input.kind.unwrap_or(current.kind)),
                holidays::name.eq(input
                    .name
                    .as_deref()
                    .map(str::trim)
                    .unwrap_or(&current.name)),
                holidays::note.eq(match &input.note {
                    Some(note) => note.as_deref().map(str::trim),
                    None => current.note.as_deref(),
                }),
                holidays::provisional.eq(input.provisional.unwrap_or(current.provisional)),
                holidays::updated_at.eq(now),
            ))
            .execute(conn)
            .await?;
        let after = load(conn, day).await?;
        let entry = Entry::changed(EntityType::Holiday, day, "updated", &before, &after)?;
        audit::record_opt(conn, actor, now, entry).await?;
        periods::rederive_deadlines(conn, actor, now).await?;
        Ok(after)
    })
    .await
}

pub async fn delete(
    conn: &mut AsyncPgConnection,
    day: NaiveDate,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    authorize_change(principal)?;
    conn.transaction(async |conn| -> Result<()> {
        let before = load(conn, day).await?;
        diesel::delete(holidays::table.find(day))
            .execute(conn)
            .await?;
        audit::record(
            conn,
            actor,
            now,
            Entry::deleted(EntityType::Holiday, day, &before)?,
        )
        .await?;
        periods::rederive_deadlines(conn, actor, now).await?;
        Ok(())
    })
    .await
}
