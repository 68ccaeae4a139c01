//! A report's versions and the units' extensions.

use super::{find_row, period_facts};
use crate::authz::Principal;
use crate::authz::{self, PeopleOnly};
use crate::repo::audit::{self, Entry};
use crate::repo::periods as periods_repo;
use crate::repo::{local, units};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::period::PeriodStatus;
use cchc_domain::model::submission::{
    Extension, ExtensionPage, GrantExtension, SubmissionVersion, SubmissionVersionPage,
};
use cchc_domain::model::PageParams;
use cchc_domain::validation::Checker;
use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::{json, Value};
use std::collections::BTreeMap;

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
    let total = cchc_db::submissions::count_versions(conn, id).await?;
    let offset = PageParams::offset(page, per_page);
    let rows = cchc_db::submissions::page_of_versions(conn, id, per_page, offset).await?;
    let items = rows
        .into_iter()
        .map(|row| {
            let changes: Vec<BTreeMap<String, Value>> = serde_json::from_value(row.changes)
                .map_err(|e| Error::Internal(format!("stored changes: {e}")))?;
            Ok(SubmissionVersion {
                version: row.version,
                submitted_at: local(row.submitted_at),
                submitted_by: row.submitted_by,
                timeliness: row.timeliness,
                minutes_late: row.minutes_late,
                deadline: local(row.deadline),
                content: row.content,
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
        })
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
        let previous = cchc_db::extensions::lock(conn, period_id, unit_id).await?;
        let reason = input.reason.trim();
        let granted = cchc_db::extensions::Granted {
            period_id,
            unit_id,
            deadline,
            reason,
            granted_at: now,
            granted_by: &principal.name,
        };
        cchc_db::extensions::grant(conn, &granted).await?;
        let unit_code = &input.unit_code;
        let before = extension_view(unit_code, previous.as_ref().map(|(d, r)| (*d, r.as_str())));
        let after = extension_view(unit_code, Some((deadline, reason)));
        let entry = Entry::changed_json(
            EntityType::Period,
            period_id,
            "extension_granted",
            &before,
            &after,
        );
        audit::record_opt(conn, actor, now, entry).await?;
        Ok(Extension {
            unit_code: unit_code.clone(),
            deadline: local(deadline),
            reason: reason.to_owned(),
            granted_at: local(now),
            granted_by: principal.name.clone(),
        })
    })
    .await
}

/// A unit's extension as the period's audit trail records it (`null`: none).
fn extension_view(unit_code: &str, extension: Option<(DateTime<Utc>, &str)>) -> Value {
    let granted =
        extension.map(|(deadline, reason)| json!({"deadline": local(deadline), "reason": reason}));
    json!({ "extensions": { unit_code: granted } })
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
    let offset = PageParams::offset(page, per_page);
    let (total, rows) =
        cchc_db::extensions::page_of_period(conn, period_id, own_unit, per_page, offset).await?;
    Ok(ExtensionPage {
        items: rows
            .into_iter()
            .map(|row| Extension {
                unit_code: row.unit_code,
                deadline: local(row.deadline),
                reason: row.reason,
                granted_at: local(row.granted_at),
                granted_by: row.granted_by,
            })
            .collect(),
        page,
        per_page,
        total,
    })
}
