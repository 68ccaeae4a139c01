//! Submitting and the Office's review: completeness, timeliness, versions, return and accept.

use super::{
    check_filing_window, enqueue_receipts, find_row, get, load, read_head, record_transition,
    reported, running,
};
use crate::authz;
use crate::authz::Principal;
use crate::repo::events;
use crate::repo::pinned_versions::PinnedVersions;
use cchc_db::calendar::load_calendar;
use cchc_domain::error::{Error, FieldError, Result};
use cchc_domain::model::audit::Actor;
use cchc_domain::model::submission::{diff, Submission, SubmissionStatus};
use cchc_domain::model::webhook::EventType;
use cchc_domain::rules::completeness::{completeness_problems, IndicatorSpec, ReportedValue};
use cchc_domain::rules::timeliness::assess;
use cchc_domain::validation::Checker;
use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::json;
use std::collections::HashMap;

/// Submits: checks completeness (every problem at once), judges timeliness against the
/// unit's deadline, and records an immutable version.
pub async fn submit(
    conn: &mut AsyncPgConnection,
    versions: &PinnedVersions,
    id: i64,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Submission> {
    submit_at(conn, versions, id, principal, actor, now, now).await
}

/// [`submit`], with `submitted_at` as the instant the report was submitted (its timeliness
/// is judged from it): a report received through QLVB is submitted when QLVB received it.
/// `now` is when it is recorded.
pub(crate) async fn submit_at(
    conn: &mut AsyncPgConnection,
    versions: &PinnedVersions,
    id: i64,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
    submitted_at: DateTime<Utc>,
) -> Result<Submission> {
    conn.transaction(async |conn| -> Result<()> {
        let (head, values) = read_head(conn, id, true).await?;
        let row = head.row.clone();
        authz::may_file_for(principal, row.unit_id)?;
        let status = row.status;
        if !matches!(status, SubmissionStatus::Draft | SubmissionStatus::Returned) {
            return Err(Error::conflict(
                "invalid_transition",
                format!(
                    "cannot submit a {status} submission; only drafts and returned reports are \
                     submitted"
                ),
            ));
        }
        let loaded = load(conn, versions, head, values).await?;
        check_filing_window(&loaded.period, loaded.extension.is_some())?;
        let specs: Vec<IndicatorSpec> = loaded
            .indicators
            .iter()
            .map(|f| f.version.spec.clone())
            .collect();
        let reported_values: HashMap<String, ReportedValue> = loaded
            .indicators
            .iter()
            .filter_map(|facts| {
                loaded.values.get(&facts.indicator_id).map(|row| {
                    (
                        facts.version.row.code.clone(),
                        reported(row, loaded.evidence_count(facts)),
                    )
                })
            })
            .collect();
        let problems = completeness_problems(&specs, &reported_values);
        if !problems.is_empty() {
            return Err(Error::Validation {
                errors: problems
                    .into_iter()
                    .map(|p| FieldError::new(p.field, p.code, p.message))
                    .collect(),
            });
        }
        let calendar = load_calendar(conn).await?;
        let deadline = loaded.deadline();
        let assessment = assess(
            submitted_at,
            deadline,
            &calendar,
            loaded.period.policy.early_margin_working_days,
            loaded.period.policy.deadline_bound,
        );
        let minutes_late = i32::try_from(assessment.minutes_late).unwrap_or(i32::MAX);
        let content = loaded.content();
        let previous = cchc_db::submissions::latest_content(conn, id).await?;
        // The first version is compared with an empty report, so it lists what was given.
        let empty = json!({"narrative": null, "values": {}, "evidence": [], "attachments": []});
        let changes = diff(previous.as_ref().unwrap_or(&empty), &content);
        let changes_json =
            serde_json::to_value(&changes).map_err(|e| Error::Internal(e.to_string()))?;
        let version = row.submit_count + 1;
        let frozen = cchc_db::submissions::SubmittedVersion {
            submission_id: id,
            version,
            submitted_at,
            submitted_by: principal.name.clone(),
            timeliness: assessment.timeliness,
            minutes_late,
            deadline,
            content,
            changes: changes_json,
        };
        cchc_db::submissions::insert_version(conn, &frozen).await?;
        let first = row.first_submitted_at.is_none();
        let submitted = cchc_db::submissions::Submitted {
            status: SubmissionStatus::Submitted,
            first_submitted_at: row.first_submitted_at.or(Some(submitted_at)),
            // A returned and resubmitted report keeps its first timeliness.
            first_timeliness: if first {
                Some(assessment.timeliness)
            } else {
                row.first_timeliness
            },
            first_minutes_late: if first {
                Some(minutes_late)
            } else {
                row.first_minutes_late
            },
            last_submitted_at: submitted_at,
            submit_count: version,
            revision: row.revision + 1,
            updated_at: now,
            submitted_by: Some(principal.name.clone()),
        };
        cchc_db::running_sums::keep_sums(conn).await?;
        let updated = cchc_db::submissions::record_submitted(conn, id, &submitted).await?;
        let indicators: Vec<running::Indicator<'_>> = loaded
            .indicators
            .iter()
            .map(|facts| running::Indicator {
                id: facts.indicator_id,
                definition: &facts.version.definition,
                spec: &facts.version.spec,
            })
            .collect();
        running::submitted(
            conn,
            row.period_id,
            id,
            &loaded.unit_code,
            &indicators,
            &loaded.values,
        )
        .await?;
        enqueue_receipts(conn, &row, "submitted", version, &principal.name, now).await?;
        events::submission_changed(conn, EventType::SubmissionSubmitted, id, now).await?;
        record_transition(conn, &row, &updated, "submitted", actor, now).await
    })
    .await?;
    get(conn, versions, id, principal).await
}

/// A review decision by the Office.
pub(super) struct Review<'a> {
    pub(super) to: SubmissionStatus,
    pub(super) reason: Option<&'a str>,
}

pub(super) async fn review(
    conn: &mut AsyncPgConnection,
    versions: &PinnedVersions,
    id: i64,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
    decision: Review<'_>,
) -> Result<Submission> {
    let Review { to, reason } = decision;
    let (action, recorded) = if to == SubmissionStatus::Returned {
        ("return", "returned")
    } else {
        ("accept", "accepted")
    };
    conn.transaction(async |conn| -> Result<()> {
        let row = find_row(conn, id, true).await?;
        authz::may_read_unit(principal, row.unit_id, "submission")?;
        authz::require_office_to(principal, action)?;
        let status = row.status;
        if status != SubmissionStatus::Submitted {
            return Err(Error::conflict(
                "invalid_transition",
                format!(
                    "cannot {action} a {status} submission; only submitted reports are reviewed"
                ),
            ));
        }
        let returned = to == SubmissionStatus::Returned;
        let reviewed = cchc_db::submissions::Reviewed {
            status: to,
            // The last return reason stays on record after an acceptance.
            return_reason: reason.map(str::to_owned).or(row.return_reason.clone()),
            returned_at: if returned { Some(now) } else { row.returned_at },
            accepted_at: if returned { row.accepted_at } else { Some(now) },
            revision: row.revision + 1,
            updated_at: now,
            reviewed_by: Some(principal.name.clone()),
        };
        cchc_db::running_sums::keep_sums(conn).await?;
        let updated = cchc_db::submissions::record_reviewed(conn, id, &reviewed).await?;
        if returned {
            running::withdrawn(conn, row.period_id, id).await?;
        } else {
            running::accepted(conn, row.period_id, id).await?;
        }
        enqueue_receipts(conn, &row, recorded, updated.revision, &principal.name, now).await?;
        let event = if returned {
            EventType::SubmissionReturned
        } else {
            EventType::SubmissionAccepted
        };
        events::submission_changed(conn, event, id, now).await?;
        record_transition(conn, &row, &updated, recorded, actor, now).await
    })
    .await?;
    get(conn, versions, id, principal).await
}

/// The first step of [`return_for_changes`]: the Office only, whoever's the report. Exposed so
/// a handler refuses a caller before it reports what is wrong with the body.
pub fn authorize_return(principal: &Principal) -> Result<()> {
    authz::require_admin(principal)
}

/// `submitted → returned`, with the reason the unit will see.
pub async fn return_for_changes(
    conn: &mut AsyncPgConnection,
    versions: &PinnedVersions,
    id: i64,
    reason: &str,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Submission> {
    authorize_return(principal)?;
    let mut check = Checker::new();
    check.text("reason", reason, 2000);
    check.finish()?;
    let decision = Review {
        to: SubmissionStatus::Returned,
        reason: Some(reason.trim()),
    };
    review(conn, versions, id, principal, actor, now, decision).await
}

/// `submitted → accepted`.
pub async fn accept(
    conn: &mut AsyncPgConnection,
    versions: &PinnedVersions,
    id: i64,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Submission> {
    let decision = Review {
        to: SubmissionStatus::Accepted,
        reason: None,
    };
    review(conn, versions, id, principal, actor, now, decision).await
}
