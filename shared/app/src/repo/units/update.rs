//! A change to a unit: its fields, its place in the tree (never under itself), its contacts.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::authorize_change;
use super::checks::{check_contacts, check_qlvb_code, resolve_code};
use super::read::load;
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use crate::repo::map_unique;
use cchc_db::units::{self, UnitValues};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::unit::{Contact, ContactRole, Unit, UpdateUnit};
use cchc_domain::validation::Checker;

pub async fn update(
    conn: &mut AsyncPgConnection,
    id: i64,
    input: &UpdateUnit,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Unit> {
    authorize_change(principal)?;
    let mut check = Checker::new();
    if let Some(name) = &input.name {
        check.text("name", name, 300);
    }
    if let Some(Some(code)) = &input.qlvb_code {
        check_qlvb_code(&mut check, code);
    }
    check_contacts(
        &mut check,
        input.head.as_ref().and_then(Option::as_ref),
        input.focal_persons.as_deref(),
    );
    check.finish()?;

    conn.transaction(async |conn| -> Result<Unit> {
        let current = units::find(conn, id, true)
            .await?
            .ok_or(Error::not_found("unit"))?;
        let before = load(conn, id).await?;
        let parent_id = match &input.parent_code {
            None => current.parent_id,
            Some(None) => None,
            Some(Some(code)) => {
                // Moves are serialised so two concurrent moves cannot together form a cycle
                // that each alone would not.
                units::lock_moves(conn).await?;
                let parent = resolve_code(conn, "parent_code", code).await?;
                // The new parent must not be the unit itself or one of its descendants.
                if units::subtree_ids(conn, id).await?.contains(&parent) {
                    return Err(Error::invalid(
                        "parent_code",
                        "parent_cycle",
                        format!("{code:?} is this unit or one of its sub-units; a unit cannot be its own ancestor"),
                    ));
                }
                Some(parent)
            }
        };
        let values = UnitValues {
            name: input.name.as_deref().map(str::trim).unwrap_or(&current.name),
            kind: input.kind.unwrap_or(current.kind),
            parent_id,
            active: input.active.unwrap_or(current.active),
            qlvb_code: match &input.qlvb_code {
                None => current.qlvb_code.as_deref(),
                Some(code) => code.as_deref(),
            },
            updated_at: now,
        };
        units::update(conn, id, &values)
            .await
            .map_err(|e| match &input.qlvb_code {
                Some(Some(code)) => map_unique(
                    e,
                    "duplicate_qlvb_code",
                    "qlvb_code",
                    format!("another unit already has the QLVB code {code:?}"),
                ),
                _ => Error::from(e),
            })?;
        if let Some(head) = &input.head {
            let heads: Vec<Contact> = head.iter().cloned().collect();
            units::replace_contacts(conn, id, ContactRole::Head, &heads).await?;
        }
        if let Some(focal_persons) = &input.focal_persons {
            units::replace_contacts(conn, id, ContactRole::FocalPerson, focal_persons).await?;
        }
        let after = load(conn, id).await?;
        let entry = Entry::changed(EntityType::Unit, id, "updated", &before, &after)?;
        audit::record_opt(conn, actor, now, entry).await?;
        Ok(after)
    })
    .await
}
