//! Submissions: filing, review and versions. Who may see and do what is decided by
//! `crate::authz`, from the caller's principal, so every path enforces the same scoping.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use serde_json::{json, Value};

use crate::authz;
use crate::authz::Principal;
use crate::jobs::{BackgroundJob, Receipt};
use crate::repo::audit::{self, Entry};
use crate::repo::jobs;
use crate::repo::pinned_versions::PinnedVersion;
use crate::repo::schedule;
use cchc_db::indicators::VersionRow;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::period::PeriodStatus;
use cchc_domain::model::policy::ReminderPolicy;
use cchc_domain::model::submission::{IfMatch, SubmissionStatus, ValueInput};
use cchc_domain::rules::completeness::ReportedValue;
use cchc_domain::validation::non_blank;

mod boards;
mod create;
mod extensions;
mod missing;
mod read;
mod running;
pub use running::rebuild_stale as rebuild_stale_sums;
mod submit;
mod update;

pub use boards::*;
pub use create::*;
pub use extensions::*;
pub use missing::*;
pub use read::*;
pub use submit::*;
pub use update::*;

use cchc_db::submissions::{SubmissionRow, ValueRow};

/// The period facts a submission needs.
#[derive(Debug, Clone)]
struct PeriodFacts {
    code: String,
    status: PeriodStatus,
    deadline: DateTime<Utc>,
    policy: ReminderPolicy,
}

/// One indicator of the period in the version the period uses.
#[derive(Debug, Clone)]
struct PeriodIndicatorFacts {
    indicator_id: i64,
    version: VersionRow,
}

/// One indicator of a report's period, in the version the period pins (from memory).
#[derive(Debug, Clone)]
struct PinnedIndicator {
    indicator_id: i64,
    version: Arc<PinnedVersion>,
}

/// The review state of a submission as the audit trail records its transitions.
fn state_view(row: &SubmissionRow) -> Value {
    json!({
        "status": row.status,
        "timeliness": row.first_timeliness,
        "minutes_late": row.first_minutes_late,
        "submit_count": row.submit_count,
        "return_reason": row.return_reason,
    })
}

/// Enqueues the unit's receipt of `event` (`submitted`, `returned`, `accepted`) for each of its
/// focal persons, in the transaction of the change itself (outbox): the mail goes out if and
/// only if the change commits. `sequence` tells repeated events apart (the n-th submit).
async fn enqueue_receipts(
    conn: &mut AsyncPgConnection,
    row: &SubmissionRow,
    event: &str,
    sequence: i32,
    by: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let contacts = schedule::contacts_of(conn, &[row.unit_id]).await?;
    let focal_persons = contacts
        .get(&row.unit_id)
        .map(|c| c.focal_persons.clone())
        .unwrap_or_default();
    for recipient in focal_persons {
        let key = format!(
            "receipt:{}:{event}:{sequence}:{}",
            row.id,
            recipient.email.trim().to_lowercase()
        );
        let job = Receipt {
            submission_id: row.id,
            event: event.to_owned(),
            by: Some(by.to_owned()),
            recipient,
        }
        .to_new_job(key, now)?;
        jobs::enqueue(conn, &job, now).await?;
    }
    Ok(())
}

/// Records a transition of a submission from `before` to `after` (the row the update returned).
async fn record_transition(
    conn: &mut AsyncPgConnection,
    before: &SubmissionRow,
    after: &SubmissionRow,
    action: &'static str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    let entry = Entry::changed_json(
        EntityType::Submission,
        before.id,
        action,
        &state_view(before),
        &state_view(after),
    );
    audit::record_opt(conn, actor, now, entry).await
}

async fn period_facts(conn: &AsyncPgConnection, period_id: i64) -> Result<PeriodFacts> {
    let facts = cchc_db::periods::period_facts(conn, period_id)
        .await?
        .ok_or(Error::not_found("period"))?;
    Ok(PeriodFacts {
        code: facts.code,
        status: facts.status,
        deadline: facts.deadline,
        policy: ReminderPolicy::from_stored(facts.policy)?,
    })
}

async fn period_indicators_of(
    conn: &AsyncPgConnection,
    period_id: i64,
) -> Result<Vec<PeriodIndicatorFacts>> {
    let rows = cchc_db::indicators::pinned_by_period(conn, period_id).await?;
    Ok(rows
        .into_iter()
        .map(|(indicator_id, version)| PeriodIndicatorFacts {
            indicator_id,
            version,
        })
        .collect())
}

async fn find_row(conn: &mut AsyncPgConnection, id: i64, lock: bool) -> Result<SubmissionRow> {
    cchc_db::submissions::find(conn, id, lock)
        .await?
        .ok_or(Error::not_found("submission"))
}

fn reported(row: &ValueRow, evidence_count: usize) -> ReportedValue {
    ReportedValue {
        numerator: row.numerator,
        denominator: row.denominator,
        number: row.number,
        flag: row.flag,
        text: row.text_value.clone(),
        not_applicable: row.not_applicable,
        system_value: row.system_value,
        explanation: row.explanation.clone(),
        evidence_count,
    }
}

fn is_empty_input(input: &ValueInput) -> bool {
    input.numerator.is_none()
        && input.denominator.is_none()
        && input.number.is_none()
        && input.flag.is_none()
        && non_blank(input.text.as_deref()).is_none()
        && !input.not_applicable.unwrap_or(false)
        && input.system_value.is_none()
        && non_blank(input.explanation.as_deref()).is_none()
        && non_blank(input.note.as_deref()).is_none()
}

/// Checks `If-Match` against the current revision.
fn check_revision(row: &SubmissionRow, if_match: &IfMatch) -> Result<()> {
    match if_match {
        IfMatch::Missing => Err(Error::PreconditionRequired),
        IfMatch::Any => Ok(()),
        IfMatch::Revision {
            submission_id,
            revision,
        } if *submission_id == row.id && *revision == row.revision => Ok(()),
        IfMatch::Revision { .. } | IfMatch::Unmatchable(_) => Err(Error::PreconditionFailed(format!(
            "the submission is at revision {} (ETag \"{}.{}\"); If-Match does not match it: read it again",
            row.revision, row.id, row.revision
        ))),
    }
}

fn check_editable(row: &SubmissionRow) -> Result<SubmissionStatus> {
    let status = row.status;
    match status {
        SubmissionStatus::Draft | SubmissionStatus::Returned => Ok(status),
        other => Err(Error::conflict(
            "submission_not_editable",
            format!("a {other} submission cannot be changed; only drafts and returned reports can"),
        )),
    }
}

/// A submission its caller may change now.
pub(crate) struct EditableSubmission {
    pub id: i64,
    pub period_id: i64,
    pub revision: i32,
}

/// The submission `id` if `principal` may change it now: its unit's reporter or the Office,
/// a draft or returned report, while the unit may still file. `lock` takes the row lock, for
/// use inside a write transaction. Another unit's report is "not found" to a reporter.
pub(crate) async fn editable(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
    lock: bool,
) -> Result<EditableSubmission> {
    let row = find_row(conn, id, lock).await?;
    authz::may_file_for(principal, row.unit_id)?;
    check_editable(&row)?;
    let (period, extension) = futures_util::try_join!(
        period_facts(conn, row.period_id),
        cchc_db::extensions::deadline_of(conn, row.period_id, row.unit_id),
    )?;
    check_filing_window(&period, extension.is_some())?;
    Ok(EditableSubmission {
        id: row.id,
        period_id: row.period_id,
        revision: row.revision,
    })
}

/// The unit of submission `id`, if `principal` may read it.
pub(crate) async fn readable(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
) -> Result<i64> {
    let row = find_row(conn, id, false).await?;
    authz::may_read_unit(principal, row.unit_id, "submission")?;
    Ok(row.unit_id)
}

/// Records a change to the submission's files: a new revision, so its ETag changes.
pub(crate) async fn touch(
    conn: &mut AsyncPgConnection,
    submission: &EditableSubmission,
    now: DateTime<Utc>,
) -> Result<()> {
    cchc_db::submissions::set_revision(conn, submission.id, submission.revision + 1, now).await
}
