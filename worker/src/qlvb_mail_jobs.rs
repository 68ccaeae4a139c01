//! Decides the mail about a report received through QLVB that could not be taken as it came
//! (`qlvb_import_problems`, enqueued by the QLVB event's transaction): the lists are the
//! event's answer's; the unit, its period and its deadline are read when the job runs.

use diesel_async::AsyncPgConnection;

use cchc_app::jobs::QlvbImportProblems;
use cchc_app::repo::jobs::JobError;
use cchc_db::{extensions, periods, submissions, units};

use crate::email::qlvb_import_content::{PeriodLabel, QlvbImportProblemsContext};
use crate::email::{Mail, MailContent, UnitRef};
use crate::mail_jobs::Decision;
use crate::unit_facts::is_office;

/// The mail to the focal person the job names.
pub(crate) async fn import_problems(
    conn: &mut AsyncPgConnection,
    job: QlvbImportProblems,
    key: String,
) -> Result<Decision, JobError> {
    if job.problems.is_empty() && job.missing.is_empty() {
        return Ok(Decision::Skip("nothing to tell".into()));
    }
    let facts = submissions::receipt_facts(conn, job.submission_id)
        .await?
        .ok_or_else(|| JobError::Permanent(format!("submission {} is gone", job.submission_id)))?;
    let (period_id, unit_id) = (facts.period_id, facts.unit_id);
    let period = periods::period_facts(conn, period_id)
        .await?
        .ok_or_else(|| JobError::Permanent(format!("period {period_id} is gone")))?;
    let (code, name) = units::code_and_name(conn, unit_id)
        .await?
        .ok_or_else(|| JobError::Permanent(format!("unit {unit_id} is gone")))?;
    let office = is_office(conn, unit_id).await?;
    let deadline = extensions::deadline_of(conn, period_id, unit_id)
        .await?
        .unwrap_or(period.deadline);
    Ok(Decision::Send(Box::new(Mail {
        key,
        to: vec![job.recipient],
        cc: Vec::new(),
        content: MailContent::QlvbImportProblems(QlvbImportProblemsContext {
            period: PeriodLabel {
                id: period_id,
                code: period.code,
                title: period.title,
            },
            unit: UnitRef {
                id: unit_id,
                code,
                name,
                office,
            },
            deadline,
            submission_id: job.submission_id,
            document_number: job.document_number,
            form_filename: job.form_filename,
            problems: job.problems,
            missing: job.missing,
        }),
    })))
}
