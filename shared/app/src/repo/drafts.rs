//! Starting a unit's draft report, recorded in the audit trail: when the unit starts it
//! (`submissions::create`) and when an official document for it arrives first
//! (`documents::link`).

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use serde_json::json;

use crate::repo::audit::{self, Entry};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::submission::SubmissionStatus;
use cchc_domain::Result;

/// Starts the unit's draft for the period and records it; `None` when the unit already has a
/// report. The caller has checked that the unit takes part. Call inside a transaction.
pub(crate) async fn start(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    unit_id: i64,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    let Some(id) = cchc_db::submissions::insert_draft(conn, period_id, unit_id, now).await? else {
        return Ok(None);
    };
    let created =
        json!({"period_id": period_id, "unit_id": unit_id, "status": SubmissionStatus::Draft});
    audit::record(
        conn,
        actor,
        now,
        Entry::created(EntityType::Submission, id, &created)?,
    )
    .await?;
    Ok(Some(id))
}
