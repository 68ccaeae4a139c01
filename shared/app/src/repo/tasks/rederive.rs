//! After a change to the calendar, the deadlines of unfinished tasks follow it (a holiday
//! announced late still moves a deadline that falls on it).

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use serde_json::json;

use super::due_of;
use crate::repo::audit::{self, Entry};
use crate::repo::local_opt;
use cchc_db::calendar::load_calendar;
use cchc_db::tasks;
use cchc_domain::error::Result;
use cchc_domain::model::audit::{Actor, EntityType};

/// Re-derives the deadlines of tasks not confirmed done; answers how many moved. Call it in the
/// transaction that changes the calendar.
pub async fn rederive_deadlines(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<usize> {
    let calendar = load_calendar(conn).await?;
    let rows = tasks::lock_unfinished(conn).await?;
    let mut moved = 0;
    for row in rows {
        let derive = |due: &serde_json::Value| -> Result<Option<DateTime<Utc>>> {
            Ok(due_of(due)?
                .deadline(&calendar, row.working_day_ends)
                .ok()
                .flatten())
        };
        let deadline = derive(&row.due)?;
        let extended = match &row.extended_due {
            Some(due) => derive(due)?,
            None => None,
        };
        if deadline == row.deadline && extended == row.extended_deadline {
            continue;
        }
        tasks::set_deadlines(conn, row.id, deadline, extended, now).await?;
        let facts = |deadline, extended| json!({"deadline": local_opt(deadline), "extended_deadline": local_opt(extended)});
        let entry = Entry::changed_json(
            EntityType::Task,
            row.id,
            "deadline_rederived",
            &facts(row.deadline, row.extended_deadline),
            &facts(deadline, extended),
        );
        audit::record_opt(conn, actor, now, entry).await?;
        moved += 1;
    }
    Ok(moved)
}
