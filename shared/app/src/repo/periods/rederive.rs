//! Deadlines re-derived after the working-day calendar changed.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use serde_json::json;

use crate::repo::audit::{self, Entry};
use crate::repo::local;
use cchc_db::calendar::load_calendar;
use cchc_db::periods;
use cchc_domain::error::Result;
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::rules::period_setup::derive;
use cchc_domain::validation::Checker;

/// After the calendar changed: re-derives the effective deadline (and its warning) of every
/// period that is not closed, so a holiday announced late still moves a deadline that falls on
/// it. Closed periods are records and keep theirs. Returns how many periods changed.
pub async fn rederive_deadlines(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<usize> {
    let calendar = load_calendar(conn).await?;
    let rows = periods::lock_unclosed(conn).await?;
    let mut changed = 0;
    for row in rows {
        let mut state = row.state()?;
        // A calendar change must not be refused because of one period: report, don't reject.
        state.strict = false;
        let Some(derived) = derive(&state, &calendar, &mut Checker::new()) else {
            continue;
        };
        if derived.deadline.effective == row.deadline
            && derived.deadline.shifted == row.deadline_shifted
            && derived.warning == row.deadline_warning
        {
            continue;
        }
        periods::set_deadline(conn, row.id, &derived, now).await?;
        let facts = |deadline: DateTime<Utc>, shifted: bool, warning: &Option<String>| {
            json!({
                "effective_deadline": local(deadline),
                "deadline_shifted": shifted,
                "deadline_warning": warning,
            })
        };
        let entry = Entry::changed_json(
            EntityType::Period,
            row.id,
            "deadline_rederived",
            &facts(row.deadline, row.deadline_shifted, &row.deadline_warning),
            &facts(
                derived.deadline.effective,
                derived.deadline.shifted,
                &derived.warning,
            ),
        );
        audit::record_opt(conn, actor, now, entry).await?;
        changed += 1;
    }
    Ok(changed)
}
