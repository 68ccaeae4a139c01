//! A change to a day of the calendar.

use chrono::{DateTime, NaiveDate, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::{authorize_change, check_kind, load};
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use crate::repo::periods;
use cchc_db::holidays::{self, HolidayValues};
use cchc_domain::error::Result;
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::holiday::{Holiday, UpdateHoliday};
use cchc_domain::validation::Checker;

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
        let values = HolidayValues {
            kind: input.kind.unwrap_or(current.kind),
            name: input
                .name
                .as_deref()
                .map(str::trim)
                .unwrap_or(&current.name),
            note: match &input.note {
                Some(note) => note.as_deref().map(str::trim),
                None => current.note.as_deref(),
            },
            provisional: input.provisional.unwrap_or(current.provisional),
            updated_at: now,
        };
        holidays::update(conn, day, &values).await?;
        let after = load(conn, day).await?;
        let entry = Entry::changed(EntityType::Holiday, day, "updated", &before, &after)?;
        audit::record_opt(conn, actor, now, entry).await?;
        periods::rederive_deadlines(conn, actor, now).await?;
        crate::repo::tasks::rederive_deadlines(conn, actor, now).await?;
        Ok(after)
    })
    .await
}
