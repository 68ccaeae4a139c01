//! A draft plan removed, with its tasks (nothing was reported on them).

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::{authorize_change, load};
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use cchc_db::plans;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::plan::PlanStatus;

pub async fn delete(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    authorize_change(principal)?;
    conn.transaction(async |conn| -> Result<()> {
        let row = plans::find(conn, id, true)
            .await?
            .ok_or(Error::not_found("plan"))?;
        if row.status != PlanStatus::Draft {
            return Err(Error::conflict(
                "plan_not_draft",
                format!(
                    "only a draft plan can be deleted; this one is {}",
                    row.status
                ),
            ));
        }
        let before = load(conn, id).await?;
        plans::delete(conn, id).await?;
        audit::record(
            conn,
            actor,
            now,
            Entry::deleted(EntityType::Plan, id, &before)?,
        )
        .await?;
        Ok(())
    })
    .await
}
