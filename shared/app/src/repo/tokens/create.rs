//! A new token: its secret answered once, only its hash kept; an integration token gets its
//! signing secret too.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::signing::store_signing_secret;
use super::{authorize_change, load};
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use crate::repo::units;
use crate::tokens::generate_secret;
use cchc_db::tokens::{self, NewToken};
use cchc_domain::error::Result;
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::token::{CreateToken, CreatedToken, Role};
use cchc_domain::validation::Checker;

pub async fn create(
    conn: &mut AsyncPgConnection,
    input: &CreateToken,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<CreatedToken> {
    authorize_change(principal)?;
    let mut check = Checker::new();
    check.text("name", &input.name, 200);
    match (input.role, &input.unit_code) {
        (Role::Reporter, None) => check.push(
            "unit_code",
            "required",
            "a reporter token is bound to one unit",
        ),
        (role, Some(_)) if role != Role::Reporter => check.push(
            "unit_code",
            "not_allowed",
            format!("only reporter tokens are bound to a unit, not {role}"),
        ),
        _ => {}
    }
    if input
        .expires_at
        .is_some_and(|at| at.with_timezone(&Utc) <= now)
    {
        check.push("expires_at", "in_the_past", "must be in the future");
    }
    let mut unit_id = None;
    if let (Role::Reporter, Some(code)) = (input.role, &input.unit_code) {
        match units::find_id_by_code(conn, code).await? {
            Some(id) => unit_id = Some(id),
            None => check.push(
                "unit_code",
                "unknown_code",
                format!("no unit has code {code:?}"),
            ),
        }
    }
    check.finish()?;

    let secret = generate_secret();
    conn.transaction(async |conn| -> Result<CreatedToken> {
        let row = NewToken {
            name: input.name.trim(),
            role: input.role,
            unit_id,
            token_hash: &secret.hash,
            token_prefix: &secret.display_prefix,
            created_at: now,
            expires_at: input.expires_at.map(|at| at.with_timezone(&Utc)),
        };
        let id = tokens::insert(conn, &row).await?;
        let token = load(conn, id, now).await?;
        // The snapshot is the token's public view: the secret and its hash never reach the trail.
        audit::record(
            conn,
            actor,
            now,
            Entry::created(EntityType::Token, id, &token)?,
        )
        .await?;
        let signing_secret = if input.role == Role::Integration {
            Some(
                store_signing_secret(conn, id, actor, now)
                    .await?
                    .signing_secret,
            )
        } else {
            None
        };
        Ok(CreatedToken {
            token,
            secret: secret.secret.clone(),
            signing_secret,
        })
    })
    .await
}
