use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use crate::authz;
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use crate::repo::{local, local_opt, units};
use crate::tokens::{generate_secret, generate_signing_secret, hash_secret};
use cchc_db::schema::{api_tokens, integration_secrets, units as units_table};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::document::SigningSecret;
use cchc_domain::model::token::{CreateToken, CreatedToken, Role, Token, TokenFilter, TokenPage};
use cchc_domain::model::PageParams;
use cchc_domain::validation::Checker;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
struct TokenRow {
    id: i64,
    name: String,
    role: Role,
    unit_id: Option<i64>,
    token_prefix: String,
    created_at: DateTime<Utc>,
    expires_at: Option<DateTime<Utc>>,
    last_used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
}

/// `last_used_at` is refreshed at most this often, so reads don't each cost a write.
const LAST_USED_GRANULARITY: Duration = Duration::seconds(60);

fn to_token(row: TokenRow, unit_code: Option<String>, now: DateTime<Utc>) -> Token {
    let active = row.revoked_at.is_none() && row.expires_at.is_none_or(|e| e > now);
    Token {
        id: row.id,
        name: row.name,
        role: row.role,
        unit_code,
        token_prefix: row.token_prefix,
        created_at: local(row.created_at),
        expires_at: local_opt(row.expires_at),
        last_used_at: local_opt(row.last_used_at),
        revoked_at: local_opt(row.revoked_at),
        active,
    }
}

#[diesel::dsl::auto_type(no_type_alias)]
fn select_with_unit() -> _ {
    let token: diesel::dsl::AsSelect<TokenRow, diesel::pg::Pg> = TokenRow::as_select();
    api_tokens::table
        .left_join(units_table::table)
        .select((token, units_table::code.nullable()))
}

/// A token: the Office only.
pub async fn get(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
    now: DateTime<Utc>,
) -> Result<Token> {
    authz::require_admin(principal)?;
    load(conn, id, now).await
}

/// The same without an access check (callers have done it).
pub(crate) async fn load(
    conn: &mut AsyncPgConnection,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Token> {
    let (row, unit_code) = select_with_unit()
        .filter(api_tokens::id.eq(id))
        .first::<(TokenRow, Option<String>)>(conn)
        .await
        .optional()?
        .ok_or(Error::not_found("token"))?;
    Ok(to_token(row, unit_code, now))
}

pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &TokenFilter,
    page: PageParams,
    principal: &Principal,
    now: DateTime<Utc>,
) -> Result<TokenPage> {
    authz::require_admin(principal)?;
    let (page, per_page) = page.validate()?;
    let unit_id = match &filter.unit_code {
        Some(code) => Some(units::find_id_by_code(conn, code).await?.ok_or_else(|| {
            Error::invalid(
                "unit_code",
                "unknown_code",
                format!("no unit has code {code:?}"),
            )
        })?),
        None => None,
    };
    let query = || {
        let mut query = api_tokens::table.into_boxed();
        if let Some(role) = filter.role {
            query = query.filter(api_tokens::role.eq(role));
        }
        if let Some(unit_id) = unit_id {
            query = query.filter(api_tokens::unit_id.eq(unit_id));
        }
        if !filter.include_revoked.unwrap_or(false) {
            query = query.filter(api_tokens::revoked_at.is_null());
        }
        query
    };
    let total: i64 = query().count().get_result(conn).await?;
    let ids: Vec<i64> = query()
        .order(api_tokens::id.desc())
        .limit(per_page)
        .offset(PageParams::offset(page, per_page))
        .select(api_tokens::id)
        .load(conn)
        .await?;
    let rows: Vec<(TokenRow, Option<String>)> = select_with_unit()
        .filter(api_tokens::id.eq_any(&ids))
        .order(api_tokens::id.desc())
        .load(conn)
        .await?;
    let items = rows
        .into_iter()
        .map(|(row, code)| to_token(row, code, now))
        .collect();
    Ok(TokenPage {
        items,
        page,
        per_page,
        total,
    })
}

/// The first step of every change to tokens: only the Office issues, revokes and rotates them.
/// Exposed so a handler refuses a caller before it reports what is wrong with the body.
pub fn authorize_change(principal: &Principal) -> Result<()> {
    authz::require_admin(principal)
}

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
        let id: i64 = diesel::insert_into(api_tokens::table)
            .values((
                api_tokens::name.eq(input.name.trim()),
                api_tokens::role.eq(input.role),
                api_tokens::unit_id.eq(unit_id),
                api_tokens::token_hash.eq(&secret.hash),
                api_tokens::token_prefix.eq(&secret.display_prefix),
                api_tokens::created_at.eq(now),
                api_tokens::expires_at.eq(input.expires_at.map(|at| at.with_timezone(&Utc))),
            ))
            .returning(api_tokens::id)
            .get_result(conn)
            .await?;
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

/// Creates or replaces the token's signing secret and records that it changed (never the
/// secret itself). Call inside a transaction.
async fn store_signing_secret(
    conn: &mut AsyncPgConnection,
    token_id: i64,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<SigningSecret> {
    // Kept in clear, unlike the bearer secret: verifying an HMAC needs the key itself.
    let secret = generate_signing_secret();
    let replaced = diesel::insert_into(integration_secrets::table)
        .values((
            integration_secrets::token_id.eq(token_id),
            integration_secrets::secret.eq(&secret),
            integration_secrets::created_at.eq(now),
        ))
        .on_conflict(integration_secrets::token_id)
        .do_update()
        .set((
            integration_secrets::secret.eq(&secret),
            integration_secrets::created_at.eq(now),
        ))
        .execute(conn)
        .await?;
    debug_assert_eq!(replaced, 1);
    audit::record(
        conn,
        actor,
        now,
        Entry {
            entity_type: EntityType::Integration,
            entity_id: token_id.to_string(),
            action: "signing_secret_set",
            before: None,
            after: Some(
                serde_json::json!({ "token_id": token_id, "created_at": crate::repo::local(now) }),
            ),
        },
    )
    .await?;
    Ok(SigningSecret {
        token_id,
        signing_secret: secret,
        created_at: local(now),
    })
}

/// Replaces an integration token's signing secret; the old one stops working at once. The
/// new secret is in the answer only.
pub async fn rotate_signing_secret(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<SigningSecret> {
    authorize_change(principal)?;
    conn.transaction(async |conn| -> Result<SigningSecret> {
        let token = load(conn, id, now).await?;
        if token.role != Role::Integration {
            return Err(Error::conflict(
                "not_an_integration",
                format!(
                    "only integration tokens sign events; this token has the {} role",
                    token.role
                ),
            ));
        }
        if !token.active {
            return Err(Error::conflict(
                "token_inactive",
                "the token is revoked or expired; create a new integration token",
            ));
        }
        store_signing_secret(conn, id, actor, now).await
    })
    .await
}

/// Revokes a token; revoking a revoked token changes nothing (and records nothing).
pub async fn revoke(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Token> {
    authorize_change(principal)?;
    conn.transaction(async |conn| -> Result<Token> {
        let before = load(conn, id, now).await?;
        let revoked = diesel::update(
            api_tokens::table
                .find(id)
                .filter(api_tokens::revoked_at.is_null()),
        )
        .set(api_tokens::revoked_at.eq(now))
        .execute(conn)
        .await?;
        let after = load(conn, id, now).await?;
        if revoked > 0 {
            let entry = Entry::changed(EntityType::Token, id, "revoked", &before, &after)?;
            audit::record_opt(conn, actor, now, entry).await?;
        }
        Ok(after)
    })
    .await
}

/// The principal of a presented secret, if it is a live token; records its use.
pub async fn authenticate(
    conn: &mut AsyncPgConnection,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<Option<Principal>> {
    let found: Option<(TokenRow, Option<String>)> = select_with_unit()
        .filter(api_tokens::token_hash.eq(hash_secret(secret)))
        .filter(api_tokens::revoked_at.is_null())
        .first(conn)
        .await
        .optional()?;
    let Some((row, unit_code)) = found else {
        return Ok(None);
    };
    if row.expires_at.is_some_and(|at| at <= now) {
        return Ok(None);
    }
    if row
        .last_used_at
        .is_none_or(|at| now - at >= LAST_USED_GRANULARITY)
    {
        diesel::update(api_tokens::table.find(row.id))
            .set(api_tokens::last_used_at.eq(now))
            .execute(conn)
            .await?;
    }
    Ok(Some(Principal {
        token_id: row.id,
        name: row.name,
        role: row.role,
        unit_id: row.unit_id,
        unit_code,
    }))
}
