//! A change to a period's set-up: anything while a draft, only what may still change once
//! open, nothing once closed.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::setup::{resolve_indicators, resolve_units};
use super::{authorize_change, find_row, load};
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use cchc_db::calendar::load_calendar;
use cchc_db::periods::{self, PeriodValues};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::period::{Period, PeriodStatus, UpdatePeriod};
use cchc_domain::rules::period_setup::derive;
use cchc_domain::validation::Checker;

pub async fn update(
    conn: &mut AsyncPgConnection,
    id: i64,
    input: &UpdatePeriod,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Period> {
    authorize_change(principal)?;
    conn.transaction(async |conn| -> Result<Period> {
        let row = find_row(conn, id, true).await?;
        let before = load(conn, id).await?;
        match row.status {
            PeriodStatus::Closed => {
                return Err(Error::conflict(
                    "period_closed",
                    "a closed period cannot be changed",
                ));
            }
            PeriodStatus::Open => {
                let locked = input.fields_locked_when_open();
                if !locked.is_empty() {
                    return Err(Error::Conflict {
                        code: "period_open",
                        detail: "these fields cannot change once the period is open".into(),
                        errors: locked,
                    });
                }
            }
            PeriodStatus::Draft => {}
        }
        let mut state = row.state()?;
        if let Some(title) = &input.title {
            state.title = title.trim().to_owned();
        }
        if let Some(description) = &input.description {
            state.description = description.as_deref().map(str::trim).map(str::to_owned);
        }
        if let Some(report_type) = input.report_type {
            state.report_type = report_type;
        }
        if let Some(frequency) = input.frequency {
            state.frequency = frequency;
        }
        if let Some(year) = input.year {
            state.year = year;
        }
        if let Some(sequence) = input.sequence {
            state.sequence = sequence;
        }
        if input.use_default_window == Some(true) {
            state.custom_window = None;
        }
        if input.data_from.is_some() || input.data_to.is_some() {
            let (from, to) = state
                .custom_window
                .unwrap_or((Some(row.data_from), Some(row.data_to)));
            state.custom_window = Some((input.data_from.or(from), input.data_to.or(to)));
        }
        if let Some(deadline) = input.deadline {
            state.deadline = deadline;
        }
        if let Some(shift) = input.shift_deadline_off_non_working_day {
            state.shift = shift;
        }
        if let Some(strict) = input.strict_deadline_check {
            state.strict = strict;
        }
        if let Some(policy) = &input.policy {
            state.policy = state.policy.apply(policy);
        }
        state.legal_basis = match &input.legal_basis {
            Some(docs) => docs.clone(),
            None => periods::legal_basis(conn, id).await?,
        };

        let calendar = load_calendar(conn).await?;
        let mut check = Checker::new();
        if input.use_default_window == Some(true)
            && (input.data_from.is_some() || input.data_to.is_some())
        {
            check.push(
                "use_default_window",
                "conflicting",
                "give either use_default_window or data_from/data_to",
            );
        }
        let derived = derive(&state, &calendar, &mut check);
        let indicator_set = match &input.indicator_codes {
            Some(codes) => Some(resolve_indicators(conn, &mut check, Some(codes)).await?),
            None => None,
        };
        let unit_ids = match &input.unit_codes {
            Some(codes) => Some(resolve_units(conn, &mut check, Some(codes)).await?),
            None => None,
        };
        check.finish()?;
        let derived = derived
            .ok_or_else(|| Error::Internal("period derivation failed without a reason".into()))?;
        periods::update_values(conn, id, PeriodValues::new(&state, &derived, now)?).await?;
        if input.legal_basis.is_some() {
            periods::replace_documents(conn, id, &state.legal_basis).await?;
        }
        if let Some(set) = &indicator_set {
            periods::replace_indicators(conn, id, set).await?;
        }
        if let Some(unit_ids) = &unit_ids {
            periods::replace_units(conn, id, unit_ids).await?;
        }
        if let Some(submits) = input.qlvb_arrival_submits {
            periods::set_qlvb_arrival_submits(conn, id, submits).await?;
        }
        let after = load(conn, id).await?;
        let entry = Entry::changed(EntityType::Period, id, "updated", &before, &after)?;
        audit::record_opt(conn, actor, now, entry).await?;
        Ok(after)
    })
    .await
}
