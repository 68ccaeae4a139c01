//! A period's status: open (checks, then the period is fixed), close, delete.

use super::*;

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
        let indicator_count: i64 = period_indicators::table
            .filter(period_indicators::period_id.eq(id))
            .count()
            .get_result(conn)
            .await?;
        let unit_count: i64 = period_units::table
            .filter(period_units::period_id.eq(id))
            .count()
            .get_result(conn)
            .await?;
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
        state.legal_basis = load_documents(conn, id).await?;
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
        let current_versions: Vec<(i64, i64)> = period_indicators::table
            .inner_join(cchc_db::schema::indicators::table)
            .inner_join(
                indicator_versions::table.on(indicator_versions::indicator_id
                    .eq(cchc_db::schema::indicators::id)
                    .and(
                        indicator_versions::version
                            .eq(cchc_db::schema::indicators::current_version),
                    )),
            )
            .filter(period_indicators::period_id.eq(id))
            .select((period_indicators::indicator_id, indicator_versions::id))
            .load(conn)
            .await?;
        for (indicator_id, version_id) in current_versions {
            diesel::update(
                period_indicators::table
                    .filter(period_indicators::period_id.eq(id))
                    .filter(period_indicators::indicator_id.eq(indicator_id)),
            )
            .set(period_indicators::indicator_version_id.eq(version_id))
            .execute(conn)
            .await?;
        }
        diesel::update(periods::table.find(id))
            .set((
                periods::status.eq(PeriodStatus::Open),
                periods::deadline.eq(derived.deadline.effective),
                periods::deadline_shifted.eq(derived.deadline.shifted),
                periods::deadline_warning.eq(&derived.warning),
                periods::opened_at.eq(now),
                periods::updated_at.eq(now),
            ))
            .execute(conn)
            .await?;
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
        diesel::update(periods::table.find(id))
            .set((
                periods::status.eq(PeriodStatus::Closed),
                periods::closed_at.eq(now),
                periods::updated_at.eq(now),
            ))
            .execute(conn)
            .await?;
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
        diesel::delete(periods::table.find(id))
            .execute(conn)
            .await?;
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
