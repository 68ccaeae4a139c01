//! API tokens (`api_tokens`, only the hash of each secret) and the secrets integrations sign
//! their events with (`integration_secrets`).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::{api_tokens, integration_secrets, units};
use cchc_domain::model::token::Role;
use cchc_domain::Result;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub unit_id: Option<i64>,
    pub token_prefix: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A token with the code of the unit it is bound to, if any.
pub type TokenWithUnit = (TokenRow, Option<String>);

#[diesel::dsl::auto_type(no_type_alias)]
fn select_with_unit() -> _ {
    let token: diesel::dsl::AsSelect<TokenRow, diesel::pg::Pg> = TokenRow::as_select();
    api_tokens::table
        .left_join(units::table)
        .select((token, units::code.nullable()))
}

/// Token `id` with its unit's code, if it exists.
pub async fn find(conn: &mut AsyncPgConnection, id: i64) -> Result<Option<TokenWithUnit>> {
    Ok(select_with_unit()
        .filter(api_tokens::id.eq(id))
        .first(conn)
        .await
        .optional()?)
}

/// Which tokens to list; every condition given must hold.
#[derive(Debug, Clone, Copy, Default)]
pub struct ListFilter {
    pub role: Option<Role>,
    pub unit_id: Option<i64>,
    pub include_revoked: bool,
}

/// How many tokens `filter` keeps, and a page of them with their units' codes, newest first.
pub async fn page(
    conn: &mut AsyncPgConnection,
    filter: ListFilter,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<TokenWithUnit>)> {
    let query = || {
        let mut query = api_tokens::table.into_boxed();
        if let Some(role) = filter.role {
            query = query.filter(api_tokens::role.eq(role));
        }
        if let Some(unit_id) = filter.unit_id {
            query = query.filter(api_tokens::unit_id.eq(unit_id));
        }
        if !filter.include_revoked {
            query = query.filter(api_tokens::revoked_at.is_null());
        }
        query
    };
    let total: i64 = query().count().get_result(conn).await?;
    let ids: Vec<i64> = query()
        .order(api_tokens::id.desc())
        .limit(limit)
        .offset(offset)
        .select(api_tokens::id)
        .load(conn)
        .await?;
    let rows = select_with_unit()
        .filter(api_tokens::id.eq_any(&ids))
        .order(api_tokens::id.desc())
        .load(conn)
        .await?;
    Ok((total, rows))
}

/// A token about to be issued: the hash of its secret, never the secret.
#[derive(Debug, Clone)]
pub struct NewToken<'a> {
    pub name: &'a str,
    pub role: Role,
    pub unit_id: Option<i64>,
    pub token_hash: &'a [u8],
    pub token_prefix: &'a str,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Records `token`; its id.
pub async fn insert(conn: &mut AsyncPgConnection, token: &NewToken<'_>) -> Result<i64> {
    Ok(diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::name.eq(token.name),
            api_tokens::role.eq(token.role),
            api_tokens::unit_id.eq(token.unit_id),
            api_tokens::token_hash.eq(token.token_hash),
            api_tokens::token_prefix.eq(token.token_prefix),
            api_tokens::created_at.eq(token.created_at),
            api_tokens::expires_at.eq(token.expires_at),
        ))
        .returning(api_tokens::id)
        .get_result(conn)
        .await?)
}

/// Revokes token `id`; `false` when it was revoked already (nothing changes then).
pub async fn revoke(conn: &mut AsyncPgConnection, id: i64, now: DateTime<Utc>) -> Result<bool> {
    let revoked = diesel::update(
        api_tokens::table
            .find(id)
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(now))
    .execute(conn)
    .await?;
    Ok(revoked > 0)
}

/// The unrevoked token whose secret hashes to `hash`, with its unit's code.
pub async fn unrevoked_by_hash(
    conn: &mut AsyncPgConnection,
    hash: &[u8],
) -> Result<Option<TokenWithUnit>> {
    Ok(select_with_unit()
        .filter(api_tokens::token_hash.eq(hash))
        .filter(api_tokens::revoked_at.is_null())
        .first(conn)
        .await
        .optional()?)
}

/// Records that token `id` was used at `now`.
pub async fn set_last_used(
    conn: &mut AsyncPgConnection,
    id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    diesel::update(api_tokens::table.find(id))
        .set(api_tokens::last_used_at.eq(now))
        .execute(conn)
        .await?;
    Ok(())
}

/// Sets integration token `token_id`'s signing secret, replacing the one it had.
pub async fn store_signing_secret(
    conn: &mut AsyncPgConnection,
    token_id: i64,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    diesel::insert_into(integration_secrets::table)
        .values((
            integration_secrets::token_id.eq(token_id),
            integration_secrets::secret.eq(secret),
            integration_secrets::created_at.eq(now),
        ))
        .on_conflict(integration_secrets::token_id)
        .do_update()
        .set((
            integration_secrets::secret.eq(secret),
            integration_secrets::created_at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// The secret integration token `token_id` signs its events with, if it has one.
pub async fn signing_secret(conn: &mut AsyncPgConnection, token_id: i64) -> Result<Option<String>> {
    Ok(integration_secrets::table
        .find(token_id)
        .select(integration_secrets::secret)
        .first(conn)
        .await
        .optional()?)
}

/// The channel every change of what a token grants is notified on (a trigger, on commit):
/// the token's id, or `*` when every token must be forgotten.
pub const CHANGE_CHANNEL: &str = "cchc_token_changes";

/// Starts listening, on `conn`, to [`CHANGE_CHANNEL`].
pub async fn listen_changes(conn: &mut AsyncPgConnection) -> Result<()> {
    diesel::sql_query(format!("LISTEN {CHANGE_CHANNEL}"))
        .execute(conn)
        .await?;
    Ok(())
}
