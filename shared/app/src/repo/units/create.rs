//! A new unit, with its head and focal persons.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::authorize_change;
use super::checks::{check_contacts, check_qlvb_code, duplicate_qlvb_code, resolve_code};
use super::read::load;
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use crate::repo::map_unique;
use cchc_db::units::{self, UnitValues};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::unit::{ContactRole, CreateUnit, Unit};
use cchc_domain::validation::Checker;

pub async fn create(
    conn: &mut AsyncPgConnection,
    input: &CreateUnit,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Unit> {
    authorize_change(principal)?;
    let mut check = Checker::new();
    check.code("code", &input.code, 32, "_-");
    check.text("name", &input.name, 300);
    if let Some(code) = &input.qlvb_code {
        check_qlvb_code(&mut check, code);
    }
    check_contacts(&mut check, input.head.as_ref(), Some(&input.focal_persons));
    check.finish()?;

    conn.transaction(async |conn| -> Result<Unit> {
        if units::find_id_by_code(conn, &input.code).await?.is_some() {
            return Err(Error::conflict_on(
                "duplicate_code",
                "code",
                format!("a unit with code {:?} already exists", input.code),
            ));
        }
        if let Some(code) = &input.qlvb_code {
            if units::find_id_by_qlvb_code(conn, code).await?.is_some() {
                return Err(duplicate_qlvb_code(code));
            }
        }
        let parent_id = match &input.parent_code {
            Some(code) => Some(resolve_code(conn, "parent_code", code).await?),
            None => None,
        };
        let values = UnitValues {
            name: input.name.trim(),
            kind: input.kind,
            parent_id,
            active: input.active.unwrap_or(true),
            qlvb_code: input.qlvb_code.as_deref(),
            updated_at: now,
        };
        let id = units::insert(conn, &input.code, &values)
            .await
            .map_err(|e| {
                map_unique(
                    e,
                    "duplicate_code",
                    "code",
                    format!("a unit with code {:?} already exists", input.code),
                )
            })?;
        if let Some(head) = &input.head {
            units::replace_contacts(conn, id, ContactRole::Head, std::slice::from_ref(head))
                .await?;
        }
        units::replace_contacts(conn, id, ContactRole::FocalPerson, &input.focal_persons).await?;
        let unit = load(conn, id).await?;
        audit::record(
            conn,
            actor,
            now,
            Entry::created(EntityType::Unit, id, &unit)?,
        )
        .await?;
        Ok(unit)
    })
    .await
}
