//! A day removed from the calendar.

use chrono::{DateTime, NaiveDate, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::{authorize_change, load};
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use crate::repo::periods;
use cchc_db::holidays;
use cchc_domain::error::Result;
use cchc_domain::model::audit::{Actor, EntityType};

pub async fn delete(
    conn: &mut AsyncPgConnection,
    day: NaiveDate,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    authorize_change(principal)?;
    conn.transaction(async |conn| -> Result<()> {
        let before = load(conn, day).await?;
        holidays::delete(conn, day).await?;
        audit::record(
            conn,
            actor,
            now,
            Entry::deleted(EntityType::Holiday, day, &before)?,
        )
        .await?;
        periods::rederive_deadlines(conn, actor, now).await?;
        crate::repo::tasks::rederive_deadlines(conn, actor, now).await?;
        Ok(())
    })
    .await
}
