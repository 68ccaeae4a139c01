//! A day added to the calendar.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::{authorize_change, check_kind, load};
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use crate::repo::{map_unique, periods};
use cchc_db::holidays::{self, HolidayValues};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::holiday::{CreateHoliday, Holiday};
use cchc_domain::validation::Checker;

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
        if holidays::find(conn, input.date).await?.is_some() {
            return Err(Error::conflict_on("duplicate_date", "date", duplicate()));
        }
        let values = HolidayValues {
            kind: input.kind,
            name: input.name.trim(),
            note: input.note.as_deref().map(str::trim),
            provisional: input.provisional.unwrap_or(false),
            updated_at: now,
        };
        holidays::insert(conn, input.date, &values)
            .await
            .map_err(|e| map_unique(e, "duplicate_date", "date", duplicate()))?;
        let holiday = load(conn, input.date).await?;
        let entry = Entry::created(EntityType::Holiday, input.date, &holiday)?;
        audit::record(conn, actor, now, entry).await?;
        periods::rederive_deadlines(conn, actor, now).await?;
        crate::repo::tasks::rederive_deadlines(conn, actor, now).await?;
        Ok(holiday)
    })
    .await
}
