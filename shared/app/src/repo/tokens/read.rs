//! A token, and the list.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;

use super::{load, to_token};
use crate::authz;
use crate::authz::Principal;
use crate::repo::units;
use cchc_db::tokens;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::token::{Token, TokenFilter, TokenPage};
use cchc_domain::model::PageParams;

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
    let list_filter = tokens::ListFilter {
        role: filter.role,
        unit_id,
        include_revoked: filter.include_revoked.unwrap_or(false),
    };
    let offset = PageParams::offset(page, per_page);
    let (total, rows) = tokens::page(conn, list_filter, per_page, offset).await?;
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
