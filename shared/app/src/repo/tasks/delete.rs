//! A task removed by the Office, while nothing has been reported on it.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::read::load_detail;
use super::{find, refuse_when_closed};
use crate::authz::{self, Principal};
use crate::repo::audit::{self, Entry};
use cchc_db::tasks;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::policy::ReminderPolicy;

pub async fn delete(
    conn: &mut AsyncPgConnection,
    id: i64,
    policy: &ReminderPolicy,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    authz::require_office_for_plans(principal, "remove tasks")?;
    conn.transaction(async |conn| -> Result<()> {
        let (row, _) = find(conn, id, true).await?;
        refuse_when_closed(conn, row.plan_id).await?;
        let before = load_detail(conn, id, policy, now).await?;
        if !before.history.is_empty()
            || !before.extensions.is_empty()
            || tasks::count_files(conn, id).await? > 0
        {
            return Err(Error::conflict(
                "task_has_history",
                "units have reported on this task, uploaded files to it, or it was extended; it stays on record",
            ));
        }
        tasks::delete(conn, id).await?;
        audit::record(
            conn,
            actor,
            now,
            Entry::deleted(EntityType::Task, id, &before.task)?,
        )
        .await?;
        Ok(())
    })
    .await
}
