//! A period's status: open (checks, then the period is fixed), close, delete.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::{authorize_change, find_row, load};
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use crate::repo::events;
use cchc_db::calendar::load_calendar;
use cchc_db::periods;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::period::{Period, PeriodStatus};
use cchc_domain::model::webhook::EventType;
use cchc_domain::rules::period_setup::derive;
use cchc_domain::validation::Checker;

pub(super) fn invalid_transition(from: PeriodStatus, action: &str) -> Error {
    Error::conflict(
        "invalid_transition",
        format!("cannot {action} a period that is {from}; periods go draft → open → closed"),
    )
}

/// `draft → open`. Re-derives the deadline against today's calendar and pins the indicator
/// versions the units will answer.
pub async fn open(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Period> {
    authorize_change(principal)?;
    conn.transaction(async |conn| -> Result<Period> {
        let row = find_row(conn, id, true).await?;
        let status = row.status;
        if status != PeriodStatus::Draft {
            return Err(invalid_transition(status, "open"));
        }
        let before = load(conn, id).await?;
        let mut check = Checker::new();
        let (indicator_count, unit_count) = periods::set_up_counts(conn, id).await?;
        if indicator_count == 0 {
            check.push(
                "indicator_codes",
                "required",
                "a period needs at least one indicator to open",
            );
        }
        if unit_count == 0 {
            check.push(
                "unit_codes",
                "required",
                "a period needs at least one participating unit to open",
            );
        }
        let calendar = load_calendar(conn).await?;
        let mut state = row.state()?;
        state.legal_basis = periods::legal_basis(conn, id).await?;
        let derived = derive(&state, &calendar, &mut check);
        if check.has_errors() {
            return Err(match check.finish() {
                Err(cchc_domain::error::Invalid { errors }) => Error::Conflict {
                    code: "period_incomplete",
                    detail: "the period cannot open until these are fixed".into(),
                    errors,
                },
                Ok(()) => Error::Internal("checker reported errors but finished cleanly".into()),
            });
        }
        let derived = derived
            .ok_or_else(|| Error::Internal("period derivation failed without a reason".into()))?;
        periods::pin_current_versions(conn, id).await?;
        periods::mark_opened(conn, id, &derived, now).await?;
        let after = transition(conn, id, &before, "opened", actor, now).await?;
        events::period_changed(conn, EventType::PeriodOpened, &after, now).await?;
        Ok(after)
    })
    .await
}

/// Records a state change of a period and returns the period as it now is.
pub(super) async fn transition(
    conn: &mut AsyncPgConnection,
    id: i64,
    before: &Period,
    action: &'static str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Period> {
    let after = load(conn, id).await?;
    let entry = Entry::changed(EntityType::Period, id, action, before, &after)?;
    audit::record_opt(conn, actor, now, entry).await?;
    Ok(after)
}

/// `open → closed`.
pub async fn close(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Period> {
    authorize_change(principal)?;
    conn.transaction(async |conn| -> Result<Period> {
        let row = find_row(conn, id, true).await?;
        let status = row.status;
        if status != PeriodStatus::Open {
            return Err(invalid_transition(status, "close"));
        }
        let before = load(conn, id).await?;
        periods::mark_closed(conn, id, now).await?;
        let after = transition(conn, id, &before, "closed", actor, now).await?;
        events::period_changed(conn, EventType::PeriodClosed, &after, now).await?;
        Ok(after)
    })
    .await
}

/// Deletes a draft; opened periods are records and stay.
pub async fn delete(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    authorize_change(principal)?;
    conn.transaction(async |conn| -> Result<()> {
        let row = find_row(conn, id, true).await?;
        let status = row.status;
        if status != PeriodStatus::Draft {
            return Err(Error::conflict(
                "period_not_draft",
                format!("only a draft can be deleted; this period is {status}"),
            ));
        }
        let before = load(conn, id).await?;
        periods::delete(conn, id).await?;
        audit::record(
            conn,
            actor,
            now,
            Entry::deleted(EntityType::Period, id, &before)?,
        )
        .await?;
        Ok(())
    })
    .await
}
