//! Writing a criteria set: a new draft, a draft replaced, published, or removed.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::input::{check_input, criterion_values, set_values, taken_code, Replaced};
use super::{authorize_change, find, load};
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use cchc_db::criteria as db;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::criteria::{CreateCriteriaSet, CriteriaSet, CriteriaSetStatus};

/// Writes `input`'s values and criteria to draft `id` (new when `None`); its id.
async fn write(
    conn: &mut AsyncPgConnection,
    id: Option<i64>,
    input: &CreateCriteriaSet,
    now: DateTime<Utc>,
) -> Result<i64> {
    let values = set_values(input)?;
    let id = match id {
        None => db::insert_set(conn, &values, now).await,
        Some(id) => db::update_set(conn, id, &values, now).await.map(|()| id),
    }
    .map_err(|e| taken_code(e, values.code))?;
    db::replace_criteria(conn, id, &criterion_values(input)?).await?;
    Ok(id)
}

pub async fn create(
    conn: &mut AsyncPgConnection,
    input: &CreateCriteriaSet,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<CriteriaSet> {
    authorize_change(principal)?;
    conn.transaction(async |conn| -> Result<CriteriaSet> {
        check_input(conn, input).await?;
        let id = write(conn, None, input, now).await?;
        let set = load(conn, id).await?;
        audit::record(
            conn,
            actor,
            now,
            Entry::created(EntityType::CriteriaSet, id, &set)?,
        )
        .await?;
        Ok(set)
    })
    .await
}

fn refuse_published(status: CriteriaSetStatus) -> Result<()> {
    if status == CriteriaSetStatus::Published {
        return Err(Error::conflict(
            "criteria_set_published",
            "the set is published and assessments score against it",
        ));
    }
    Ok(())
}

/// Replaces set `id` with `input` whole. A draft, or a published set no round was sent
/// against, is rewritten (its open rounds' parts follow); a published set a round was sent
/// against gets its next version instead (see `versions`).
pub async fn replace(
    conn: &mut AsyncPgConnection,
    id: i64,
    input: &CreateCriteriaSet,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Replaced> {
    authorize_change(principal)?;
    conn.transaction(async |conn| -> Result<Replaced> {
        let row = find(conn, id, true).await?;
        if row.status == CriteriaSetStatus::Published {
            return super::versions::edit_published(conn, row, input, actor, now).await;
        }
        let before = load(conn, id).await?;
        check_input(conn, input).await?;
        write(conn, Some(id), input, now).await?;
        let after = load(conn, id).await?;
        if let Some(entry) =
            Entry::changed(EntityType::CriteriaSet, id, "updated", &before, &after)?
        {
            audit::record(conn, actor, now, entry).await?;
        }
        Ok(Replaced::Rewritten(after))
    })
    .await
}

/// Publishes draft `id`: from now on it changes no more.
pub async fn publish(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<CriteriaSet> {
    authorize_change(principal)?;
    conn.transaction(async |conn| -> Result<CriteriaSet> {
        let row = find(conn, id, true).await?;
        refuse_published(row.status)?;
        let before = load(conn, id).await?;
        db::publish(conn, id, now).await?;
        let after = load(conn, id).await?;
        let entry = Entry {
            entity_type: EntityType::CriteriaSet,
            entity_id: id.to_string(),
            action: "published",
            before: Some(audit::snapshot(&before.status)?),
            after: Some(audit::snapshot(&after.status)?),
        };
        audit::record(conn, actor, now, entry).await?;
        Ok(after)
    })
    .await
}

/// Removes draft `id`.
pub async fn delete(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    authorize_change(principal)?;
    conn.transaction(async |conn| -> Result<()> {
        let row = find(conn, id, true).await?;
        refuse_published(row.status)?;
        let before = load(conn, id).await?;
        db::delete_set(conn, id).await?;
        audit::record(
            conn,
            actor,
            now,
            Entry::deleted(EntityType::CriteriaSet, id, &before)?,
        )
        .await
    })
    .await
}
