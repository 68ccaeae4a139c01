//! Step 1: only integrations send events, and each signs its body.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;

use crate::authz;
use crate::authz::Principal;
use cchc_db::tokens;
use cchc_domain::error::{Error, Result};
use cchc_domain::rules::signature::{self, SignatureError};

/// What the sender's signature headers said.
#[derive(Debug, Clone, Copy)]
pub struct Signed<'a> {
    pub timestamp: Option<&'a str>,
    pub signature: Option<&'a str>,
    pub body: &'a [u8],
}

/// The first step of receiving an event ([`verify`] starts with it): only integration tokens
/// send QLVB events. Exposed so a handler refuses a caller before it reads a body of megabytes.
pub fn authorize_event(principal: &Principal) -> Result<()> {
    authz::require_integration(principal)
}

/// Checks that the caller is an integration and that its signature holds.
pub async fn verify(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    signed: Signed<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    authorize_event(principal)?;
    let Some(secret) = tokens::signing_secret(conn, principal.token_id).await? else {
        return Err(Error::Unauthorized {
            code: "invalid_signature",
            detail: format!(
                "this integration has no signing secret; the Office creates one with POST /api/v1/tokens/{}/signing-secret",
                principal.token_id
            ),
        });
    };
    signature::verify(
        secret.as_bytes(),
        signed.timestamp,
        signed.signature,
        signed.body,
        now,
    )
    .map(|_| ())
    .map_err(|error| Error::Unauthorized {
        code: match error {
            SignatureError::Skew { .. } => "signature_expired",
            _ => "invalid_signature",
        },
        detail: error.to_string(),
    })
}
