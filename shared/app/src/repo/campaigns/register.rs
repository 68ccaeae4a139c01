//! A unit registers for a campaign run by registration: a reporter its own unit, the Office
//! any active unit.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::json;

use super::find;
use super::read::load;
use crate::authz::{self, Principal};
use crate::repo::audit::{self, Entry};
use cchc_db::campaigns as db;
use cchc_db::units;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::campaign::{Campaign, Participation, Register};
use cchc_domain::model::token::Role;

/// Registers a unit; the campaign with its registered units. Registering twice is harmless.
pub async fn register(
    conn: &mut AsyncPgConnection,
    id: i64,
    input: &Register,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Campaign> {
    authz::read_plans(principal)?;
    conn.transaction(async |conn| -> Result<Campaign> {
        let row = find(conn, id).await?;
        let named = match input
            .unit_code
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            Some(code) => Some(units::find_id_by_code(conn, code).await?.ok_or_else(|| {
                Error::invalid(
                    "unit_code",
                    "unknown_unit",
                    format!("no unit has the code {code:?}"),
                )
            })?),
            None => None,
        };
        let unit = match principal.role {
            Role::Reporter => {
                let own = principal.unit_id.ok_or(Error::not_found("unit"))?;
                if named.is_some_and(|named| named != own) {
                    return Err(Error::invalid(
                        "unit_code",
                        "not_your_unit",
                        "a reporter registers its own unit",
                    ));
                }
                own
            }
            Role::Admin => named.ok_or_else(|| {
                Error::invalid("unit_code", "required", "name the unit that registers")
            })?,
            role => {
                return Err(Error::Forbidden(format!(
                    "the {role} role cannot register units"
                )))
            }
        };
        if row.participation == Participation::All {
            return Err(Error::conflict(
                "open_to_all",
                "every unit takes part in this campaign; there is nothing to register",
            ));
        }
        if db::register(conn, id, unit, &principal.name, now).await? {
            let entry = Entry {
                entity_type: EntityType::Campaign,
                entity_id: id.to_string(),
                action: "unit_registered",
                before: None,
                after: Some(json!({ "unit_id": unit })),
            };
            audit::record(conn, actor, now, entry).await?;
        }
        load(conn, id).await
    })
    .await
}
