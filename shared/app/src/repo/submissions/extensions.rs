//! A report's versions and the units' extensions.

use super::*;

pub async fn versions(
    conn: &mut AsyncPgConnection,
    id: i64,
    page: PageParams,
    principal: &Principal,
) -> Result<SubmissionVersionPage> {
    authz::refuse_integrations(principal, PeopleOnly::Reports)?;
    let (page, per_page) = page.validate()?;
    let row = find_row(conn, id, false).await?;
    authz::may_read_unit(principal, row.unit_id, "submission")?;
    let total: i64 = submission_versions::table
        .filter(submission_versions::submission_id.eq(id))
        .count()
        .get_result(conn)
        .await?;
    type VersionTuple = (
        i32,
        DateTime<Utc>,
        String,
        Timeliness,
        i32,
        DateTime<Utc>,
        Value,
        Value,
    );
    let rows: Vec<VersionTuple> = submission_versions::table
        .filter(submission_versions::submission_id.eq(id))
        .order(submission_versions::version.desc())
        .limit(per_page)
        .offset(PageParams::offset(page, per_page))
        .select((
            submission_versions::version,
            submission_versions::submitted_at,
            submission_versions::submitted_by,
            submission_versions::timeliness,
            submission_versions::minutes_late,
            submission_versions::deadline,
            submission_versions::content,
            submission_versions::changes,
        ))
        .load(conn)
        .await?;
    let items = rows
        .into_iter()
        .map(
            |(
                version,
                submitted_at,
                submitted_by,
                timeliness,
                minutes_late,
                deadline,
                content,
                changes,
            )| {
                let changes: Vec<BTreeMap<String, Value>> = serde_json::from_value(changes)
                    .map_err(|e| Error::Internal(format!("stored changes: {e}")))?;
                Ok(SubmissionVersion {
                    version,
                    submitted_at: local(submitted_at),
                    submitted_by,
                    timeliness,
                    minutes_late,
                    deadline: local(deadline),
                    content,
                    changes: changes
                        .into_iter()
                        .map(|mut c| cchc_domain::model::submission::Change {
                            field: c
                                .remove("field")
                                .and_then(|f| f.as_str().map(str::to_owned))
                                .unwrap_or_default(),
                            before: c.remove("before").unwrap_or(Value::Null),
                            after: c.remove("after").unwrap_or(Value::Null),
                        })
                        .collect(),
                })
            },
        )
        .collect::<Result<_>>()?;
    Ok(SubmissionVersionPage {
        items,
        page,
        per_page,
        total,
    })
}

/// The first step of [`grant_extension`]: the Office only. Exposed so a handler refuses a
/// caller before it reports what is wrong with the body.
pub fn authorize_grant_extension(principal: &Principal) -> Result<()> {
    authz::require_admin(principal)
}

/// Grants (or changes) a unit's extension: its own deadline, which also lets it file after
/// the period closed.
pub async fn grant_extension(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    input: &GrantExtension,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Extension> {
    authorize_grant_extension(principal)?;
    let period = period_facts(conn, period_id).await?;
    let mut check = Checker::new();
    check.text("reason", &input.reason, 2000);
    let deadline = input.deadline.with_timezone(&Utc);
    if deadline <= period.deadline {
        check.push(
            "deadline",
            "not_later",
            "an extension must be later than the period's deadline",
        );
    }
    let unit_id = units::find_id_by_code(conn, &input.unit_code).await?;
    match unit_id {
        None => check.push(
            "unit_code",
            "unknown_code",
            format!("no unit has code {:?}", input.unit_code),
        ),
        Some(unit_id) => {
            if !periods_repo::participates(conn, period_id, unit_id).await? {
                check.push(
                    "unit_code",
                    "not_participating",
                    periods_repo::NOT_PARTICIPATING,
                );
            }
        }
    }
    if period.status == PeriodStatus::Draft {
        return Err(Error::conflict(
            "period_not_open",
            "extensions are granted once the period is open",
        ));
    }
    check.finish()?;
    let unit_id = unit_id.ok_or(Error::not_found("unit"))?;
    conn.transaction(async |conn| -> Result<Extension> {
    let previous: Option<(DateTime<Utc>, String)> = period_extensions::table
        .find((period_id, unit_id))
        .for_update()
        .select((period_extensions::deadline, period_extensions::reason))
        .first(conn)
        .await
        .optional()?;
    diesel::insert_into(period_extensions::table)
        .values((
            period_extensions::period_id.eq(period_id),
            period_extensions::unit_id.eq(unit_id),
            period_extensions::deadline.eq(deadline),
            period_extensions::reason.eq(input.reason.trim()),
            period_extensions::granted_at.eq(now),
            period_extensions::granted_by.eq(&principal.name),
        ))
        .on_conflict((period_extensions::period_id, period_extensions::unit_id))
        .do_update()
        .set((
            period_extensions::deadline.eq(deadline),
            period_extensions::reason.eq(input.reason.trim()),
            period_extensions::granted_at.eq(now),
            period_extensions::granted_by.eq(&principal.name),
        ))
        .execute(conn)
        .await?;
    let view = |deadline: DateTime<Utc>, reason: &str| {
        json!({"extensions": {&input.unit_code: {"deadline": local(deadline), "reason": reason}}})
    };
    let before = previous.map_or(json!({"extensions": {&input.unit_code: null}}), |(d, r)| view(d, &r));
    let entry = Entry::changed_json(
        EntityType::Period,
        period_id,
        "extension_granted",
        &before,
        &view(deadline, input.reason.trim()),
    );
    audit::record_opt(conn, actor, now, entry).await?;
    Ok(Extension {
        unit_code: input.unit_code.clone(),
        deadline: local(deadline),
        reason: input.reason.trim().to_owned(),
        granted_at: local(now),
        granted_by: principal.name.clone(),
    })
    })
    .await
}

pub async fn extensions(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    page: PageParams,
    principal: &Principal,
) -> Result<ExtensionPage> {
    authz::refuse_integrations(principal, PeopleOnly::Reports)?;
    let (page, per_page) = page.validate()?;
    period_facts(conn, period_id).await?;
    let own_unit = authz::unit_scope(principal).only_unit();
    let query = || {
        let mut query = period_extensions::table
            .inner_join(units_table::table)
            .filter(period_extensions::period_id.eq(period_id))
            .into_boxed();
        if let Some(own) = own_unit {
            query = query.filter(period_extensions::unit_id.eq(own));
        }
        query
    };
    let total: i64 = query().count().get_result(conn).await?;
    type ExtensionTuple = (String, DateTime<Utc>, String, DateTime<Utc>, String);
    let rows: Vec<ExtensionTuple> = query()
        .order(units_table::code.asc())
        .limit(per_page)
        .offset(PageParams::offset(page, per_page))
        .select((
            units_table::code,
            period_extensions::deadline,
            period_extensions::reason,
            period_extensions::granted_at,
            period_extensions::granted_by,
        ))
        .load(conn)
        .await?;
    Ok(ExtensionPage {
        items: rows
            .into_iter()
            .map(
                |(unit_code, deadline, reason, granted_at, granted_by)| Extension {
                    unit_code,
                    deadline: local(deadline),
                    reason,
                    granted_at: local(granted_at),
                    granted_by,
                },
            )
            .collect(),
        page,
        per_page,
        total,
    })
}
