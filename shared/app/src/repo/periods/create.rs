//! A new period, as a draft: its state derived and checked, its codes resolved.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::setup::{resolve_indicators, resolve_units};
use super::{authorize_change, load};
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use crate::repo::map_unique;
use cchc_db::calendar::load_calendar;
use cchc_db::periods::{self, PeriodValues};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::period::{CreatePeriod, Period};
use cchc_domain::model::policy::ReminderPolicy;
use cchc_domain::rules::period_setup::{derive, PeriodState};
use cchc_domain::validation::Checker;

pub async fn create(
    conn: &mut AsyncPgConnection,
    input: &CreatePeriod,
    default_policy: &ReminderPolicy,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Period> {
    authorize_change(principal)?;
    let state = PeriodState {
        code: input.code.trim().to_owned(),
        title: input.title.trim().to_owned(),
        description: input
            .description
            .as_deref()
            .map(str::trim)
            .map(str::to_owned),
        report_type: input.report_type,
        frequency: input.frequency,
        year: input.year,
        sequence: input.sequence,
        custom_window: (input.data_from.is_some() || input.data_to.is_some())
            .then_some((input.data_from, input.data_to)),
        deadline: input.deadline,
        shift: input.shift_deadline_off_non_working_day.unwrap_or(true),
        strict: input.strict_deadline_check.unwrap_or(false),
        legal_basis: input.legal_basis.clone(),
        policy: match &input.policy {
            Some(policy) => default_policy.apply(policy),
            None => default_policy.clone(),
        },
    };
    conn.transaction(async |conn| -> Result<Period> {
        let calendar = load_calendar(conn).await?;
        let mut check = Checker::new();
        let derived = derive(&state, &calendar, &mut check);
        let indicator_set =
            resolve_indicators(conn, &mut check, input.indicator_codes.as_deref()).await?;
        let unit_ids = resolve_units(conn, &mut check, input.unit_codes.as_deref()).await?;
        check.finish()?;
        let derived = derived
            .ok_or_else(|| Error::Internal("period derivation failed without a reason".into()))?;
        let duplicate = || format!("a period with code {:?} already exists", state.code);
        if periods::id_by_code(conn, &state.code).await?.is_some() {
            return Err(Error::conflict_on("duplicate_code", "code", duplicate()));
        }
        let values = PeriodValues::new(&state, &derived, now)?;
        let id = periods::insert_draft(conn, &state.code, values, now)
            .await
            .map_err(|e| map_unique(e, "duplicate_code", "code", duplicate()))?;
        periods::replace_documents(conn, id, &state.legal_basis).await?;
        periods::replace_indicators(conn, id, &indicator_set).await?;
        periods::replace_units(conn, id, &unit_ids).await?;
        if input.qlvb_arrival_submits == Some(true) {
            periods::set_qlvb_arrival_submits(conn, id, true).await?;
        }
        let period = load(conn, id).await?;
        audit::record(
            conn,
            actor,
            now,
            Entry::created(EntityType::Period, id, &period)?,
        )
        .await?;
        Ok(period)
    })
    .await
}
