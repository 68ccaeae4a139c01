use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::json;

use crate::authz;
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use crate::repo::events;
use crate::repo::indicators::{self, VersionRow};
use crate::repo::{contains_pattern, local, local_opt, map_unique};
use cchc_db::calendar::load_calendar;
use cchc_db::schema::{
    indicator_versions, period_documents, period_indicators, period_units, periods, units,
};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::period::{
    CreatePeriod, LegalDocument, Period, PeriodFilter, PeriodIndicator, PeriodPage, PeriodStatus,
    PeriodSummary, PeriodUnit, UpdatePeriod,
};
use cchc_domain::model::policy::ReminderPolicy;
use cchc_domain::model::webhook::EventType;
use cchc_domain::model::PageParams;
pub use cchc_domain::rules::period_setup::DEADLINE_TOO_CLOSE;
use cchc_domain::rules::period_setup::{derive, PeriodState};
use cchc_domain::validation::Checker;

mod setup;
mod status;

use setup::*;
pub use status::*;

use cchc_db::periods::{legal_basis as load_documents, PeriodRow, PeriodValues};

async fn find_row(conn: &mut AsyncPgConnection, id: i64, lock: bool) -> Result<PeriodRow> {
    cchc_db::periods::find(conn, id, lock)
        .await?
        .ok_or(Error::not_found("period"))
}

/// A period with its set-up: reference data, for every role.
pub async fn get(conn: &mut AsyncPgConnection, id: i64, principal: &Principal) -> Result<Period> {
    authz::read_reference(principal)?;
    load(conn, id).await
}

/// The same without an access check (callers have done it).
pub(crate) async fn load(conn: &mut AsyncPgConnection, id: i64) -> Result<Period> {
    let row = find_row(conn, id, false).await?;
    let legal_basis = load_documents(conn, id).await?;
    let versions: Vec<VersionRow> = period_indicators::table
        .inner_join(indicator_versions::table)
        .filter(period_indicators::period_id.eq(id))
        .order((
            period_indicators::sort_order,
            period_indicators::indicator_id,
        ))
        .select(VersionRow::as_select())
        .load(conn)
        .await?;
    let indicators = versions
        .into_iter()
        .map(|v| {
            let def = v.definition();
            PeriodIndicator {
                indicator_id: v.indicator_id,
                version: v.version,
                code: def.code,
                name: def.name,
                content_area: def.content_area,
                kind: def.kind,
                unit_of_measure: def.unit_of_measure,
                target: def.target,
                tolerance: def.tolerance,
                evidence_required: def.evidence_required,
            }
        })
        .collect();
    let units = period_units::table
        .inner_join(units::table)
        .filter(period_units::period_id.eq(id))
        .order(units::code.asc())
        .select((units::id, units::code, units::name))
        .load::<(i64, String, String)>(conn)
        .await?
        .into_iter()
        .map(|(unit_id, code, name)| PeriodUnit {
            unit_id,
            code,
            name,
        })
        .collect();
    Ok(Period {
        id: row.id,
        code: row.code.clone(),
        title: row.title.clone(),
        description: row.description.clone(),
        report_type: row.report_type,
        frequency: row.frequency,
        year: row.year,
        sequence: row.sequence,
        data_window: row.data_window(),
        deadline: row.deadline(),
        status: row.status,
        legal_basis,
        indicators,
        units,
        policy: row.policy()?,
        warnings: row.warnings(),
        created_at: local(row.created_at),
        updated_at: local(row.updated_at),
        opened_at: local_opt(row.opened_at),
        closed_at: local_opt(row.closed_at),
    })
}

pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &PeriodFilter,
    page: PageParams,
    principal: &Principal,
) -> Result<PeriodPage> {
    authz::read_reference(principal)?;
    let (page, per_page) = page.validate()?;
    let query = || {
        let mut query = periods::table.into_boxed();
        if let Some(status) = filter.status {
            query = query.filter(periods::status.eq(status));
        }
        if let Some(frequency) = filter.frequency {
            query = query.filter(periods::frequency.eq(frequency));
        }
        if let Some(report_type) = filter.report_type {
            query = query.filter(periods::report_type.eq(report_type));
        }
        if let Some(year) = filter.year {
            query = query.filter(periods::year.eq(year));
        }
        if let Some(q) = filter.q.as_deref().filter(|q| !q.trim().is_empty()) {
            let pattern = contains_pattern(q);
            query = query.filter(
                periods::code
                    .ilike(pattern.clone())
                    .or(periods::title.ilike(pattern)),
            );
        }
        query
    };
    let total: i64 = query().count().get_result(conn).await?;
    let rows: Vec<PeriodRow> = query()
        .order((periods::deadline.desc(), periods::id.desc()))
        .limit(per_page)
        .offset(PageParams::offset(page, per_page))
        .select(PeriodRow::as_select())
        .load(conn)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let indicator_counts: HashMap<i64, i64> = period_indicators::table
        .filter(period_indicators::period_id.eq_any(&ids))
        .group_by(period_indicators::period_id)
        .select((period_indicators::period_id, diesel::dsl::count_star()))
        .load::<(i64, i64)>(conn)
        .await?
        .into_iter()
        .collect();
    let unit_counts: HashMap<i64, i64> = period_units::table
        .filter(period_units::period_id.eq_any(&ids))
        .group_by(period_units::period_id)
        .select((period_units::period_id, diesel::dsl::count_star()))
        .load::<(i64, i64)>(conn)
        .await?
        .into_iter()
        .collect();
    let items = rows
        .into_iter()
        .map(|row| PeriodSummary {
            id: row.id,
            data_window: row.data_window(),
            deadline: row.deadline(),
            warnings: row.warnings(),
            status: row.status,
            report_type: row.report_type,
            frequency: row.frequency,
            indicator_count: indicator_counts.get(&row.id).copied().unwrap_or(0),
            unit_count: unit_counts.get(&row.id).copied().unwrap_or(0),
            code: row.code,
            title: row.title,
            year: row.year,
            sequence: row.sequence,
            created_at: local(row.created_at),
            updated_at: local(row.updated_at),
        })
        .collect();
    Ok(PeriodPage {
        items,
        page,
        per_page,
        total,
    })
}

async fn find_id_by_code(conn: &mut AsyncPgConnection, code: &str) -> Result<Option<i64>> {
    Ok(periods::table
        .filter(periods::code.eq(code))
        .select(periods::id)
        .first(conn)
        .await
        .optional()?)
}

/// The first step of every change to periods (set-up, status, deletion): only the Office
/// changes them. Exposed so a handler refuses a caller before it reports what is wrong with the
/// body.
pub fn authorize_change(principal: &Principal) -> Result<()> {
    authz::require_admin(principal)
}

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
        if find_id_by_code(conn, &state.code).await?.is_some() {
            return Err(Error::conflict_on("duplicate_code", "code", duplicate()));
        }
        let id: i64 = diesel::insert_into(periods::table)
            .values((
                periods::code.eq(&state.code),
                periods::status.eq(PeriodStatus::Draft),
                periods::created_at.eq(now),
                PeriodValues::new(&state, &derived, now)?,
            ))
            .returning(periods::id)
            .get_result(conn)
            .await
            .map_err(|e| map_unique(e, "duplicate_code", "code", duplicate()))?;
        replace_documents(conn, id, &state.legal_basis).await?;
        replace_indicators(conn, id, &indicator_set).await?;
        replace_units(conn, id, &unit_ids).await?;
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
            None => load_documents(conn, id).await?,
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
        diesel::update(periods::table.find(id))
            .set(PeriodValues::new(&state, &derived, now)?)
            .execute(conn)
            .await?;
        if input.legal_basis.is_some() {
            replace_documents(conn, id, &state.legal_basis).await?;
        }
        if let Some(set) = &indicator_set {
            replace_indicators(conn, id, set).await?;
        }
        if let Some(unit_ids) = &unit_ids {
            replace_units(conn, id, unit_ids).await?;
        }
        let after = load(conn, id).await?;
        let entry = Entry::changed(EntityType::Period, id, "updated", &before, &after)?;
        audit::record_opt(conn, actor, now, entry).await?;
        Ok(after)
    })
    .await
}

/// What a unit that does not take part in a period is told when named for it.
pub(crate) const NOT_PARTICIPATING: &str = "this unit does not take part in the period";

/// Whether a unit takes part in a period: the one question every use case that names a unit
/// for a period (filing, extensions, forms, linking documents) asks, asked here only.
pub(crate) async fn participates(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    unit_id: i64,
) -> Result<bool> {
    let n: i64 = period_units::table
        .filter(period_units::period_id.eq(period_id))
        .filter(period_units::unit_id.eq(unit_id))
        .count()
        .get_result(conn)
        .await?;
    Ok(n > 0)
}

/// Finds a period id by code (used by the demo loader and integrations).
pub async fn id_by_code(conn: &mut AsyncPgConnection, code: &str) -> Result<Option<i64>> {
    find_id_by_code(conn, code).await
}

/// After the calendar changed: re-derives the effective deadline (and its warning) of every
/// period that is not closed, so a holiday announced late still moves a deadline that falls on
/// it. Closed periods are records and keep theirs. Returns how many periods changed.
pub async fn rederive_deadlines(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<usize> {
    let calendar = load_calendar(conn).await?;
    let rows: Vec<PeriodRow> = periods::table
        .filter(periods::status.ne(PeriodStatus::Closed))
        .order(periods::id)
        .for_update()
        .select(PeriodRow::as_select())
        .load(conn)
        .await?;
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
        diesel::update(periods::table.find(row.id))
            .set((
                periods::deadline.eq(derived.deadline.effective),
                periods::deadline_shifted.eq(derived.deadline.shifted),
                periods::deadline_warning.eq(&derived.warning),
                periods::updated_at.eq(now),
            ))
            .execute(conn)
            .await?;
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
