//! Starting a unit's draft.

use super::{get, period_facts, PeriodFacts};
use crate::authz::Principal;
use crate::authz::{self, UnitScope};
use crate::repo::periods as periods_repo;
use crate::repo::pinned_versions::PinnedVersions;
use crate::repo::{drafts, units};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::Actor;
use cchc_domain::model::period::PeriodStatus;
use cchc_domain::model::submission::{CreateSubmission, Submission};
use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

/// Whether the unit may still file: the period is open, or closed with an extension for it.
pub(super) fn check_filing_window(period: &PeriodFacts, has_extension: bool) -> Result<()> {
    match period.status {
        PeriodStatus::Open => Ok(()),
        PeriodStatus::Closed if has_extension => Ok(()),
        PeriodStatus::Closed => Err(Error::conflict(
            "period_closed",
            "the period is closed; the Office can grant this unit an extension",
        )),
        PeriodStatus::Draft => Err(Error::conflict(
            "period_not_open",
            "the period is not open yet",
        )),
    }
}

pub async fn create(
    conn: &mut AsyncPgConnection,
    versions: &PinnedVersions,
    period_id: i64,
    input: &CreateSubmission,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Submission> {
    let id = conn
        .transaction(async |conn| -> Result<i64> {
            let period = period_facts(conn, period_id).await?;
            // After the period, as always: a missing period is 404 to every role.
            let scope = authz::may_start_reports(principal)?;
            let unit_id = match (scope, &input.unit_code) {
                (UnitScope::Own(own), None) => own.ok_or(Error::not_found("unit"))?,
                (UnitScope::Own(own), Some(code)) => {
                    let id = units::find_id_by_code(conn, code).await?;
                    if id.is_none() || id != own {
                        return Err(Error::invalid(
                            "unit_code",
                            "not_your_unit",
                            "a reporter files only for the unit its token is bound to",
                        ));
                    }
                    own.ok_or(Error::not_found("unit"))?
                }
                (UnitScope::All, Some(code)) => {
                    units::find_id_by_code(conn, code).await?.ok_or_else(|| {
                        Error::invalid(
                            "unit_code",
                            "unknown_code",
                            format!("no unit has code {code:?}"),
                        )
                    })?
                }
                (UnitScope::All, None) => {
                    return Err(Error::invalid(
                        "unit_code",
                        "required",
                        "name the unit filing",
                    ));
                }
            };
            if !periods_repo::participates(conn, period_id, unit_id).await? {
                return Err(Error::invalid(
                    "unit_code",
                    "not_participating",
                    periods_repo::NOT_PARTICIPATING,
                ));
            }
            let extension = cchc_db::extensions::deadline_of(conn, period_id, unit_id).await?;
            check_filing_window(&period, extension.is_some())?;
            if let Some(existing) = cchc_db::submissions::id_of(conn, period_id, unit_id).await? {
                return Err(Error::conflict(
                    "submission_exists",
                    format!("this unit already has submission {existing} for the period"),
                ));
            }
            // Another request may have started it since the check: the same answer the
            // unique key gives.
            drafts::start(conn, period_id, unit_id, actor, now)
                .await?
                .ok_or_else(|| {
                    Error::conflict_on(
                        "submission_exists",
                        "unit_code",
                        "this unit already has a submission for the period (created at the same \
                         moment); read it instead of creating another",
                    )
                })
        })
        .await?;
    get(conn, versions, id, principal).await
}
