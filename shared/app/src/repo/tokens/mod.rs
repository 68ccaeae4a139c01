//! API tokens (the Office only): reading them (`read`), issuing (`create`), revoking
//! (`revoke`), integrations' signing secrets (`signing`), and turning a presented secret into
//! the caller's principal (`authenticate`).

mod authenticate;
mod create;
mod read;
mod revoke;
mod signing;

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;

use crate::authz;
use crate::authz::Principal;
use crate::repo::{local, local_opt};
use cchc_db::tokens::{self, TokenRow};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::token::Token;

pub use authenticate::{authenticate, LAST_USED_GRANULARITY};
pub use create::create;
pub use read::{get, list};
pub use revoke::revoke;
pub use signing::rotate_signing_secret;

/// The first step of every change to tokens: only the Office issues, revokes and rotates them.
/// Exposed so a handler refuses a caller before it reports what is wrong with the body.
pub fn authorize_change(principal: &Principal) -> Result<()> {
    authz::require_admin(principal)
}

/// The token as the API shows it, active unless revoked or expired at `now`.
pub(super) fn to_token(row: TokenRow, unit_code: Option<String>, now: DateTime<Utc>) -> Token {
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

/// The same without an access check (callers have done it).
pub(crate) async fn load(
    conn: &mut AsyncPgConnection,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Token> {
    let (row, unit_code) = tokens::find(conn, id)
        .await?
        .ok_or(Error::not_found("token"))?;
    Ok(to_token(row, unit_code, now))
}
