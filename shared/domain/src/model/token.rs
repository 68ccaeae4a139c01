use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::model::page_of;
use crate::text_enum;

text_enum! {
    /// What a token may do.
    pub enum Role {
        /// The Office coordinator: everything.
        Admin => "admin",
        /// A unit's focal person: bound to one unit, sees and writes only that unit's submissions.
        Reporter => "reporter",
        /// Leadership and the monitoring group: read-only, everywhere.
        Viewer => "viewer",
        /// Machine clients such as the document-management system (QLVB).
        Integration => "integration",
    }
}

/// An API token as listed (never the secret).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Token {
    pub id: i64,
    #[schema(example = "Chuyên viên CCHC – Phòng KHTC")]
    pub name: String,
    pub role: Role,
    /// Unit a reporter token is bound to.
    #[schema(example = "KHTC")]
    pub unit_code: Option<String>,
    /// First characters of the secret, to tell tokens apart.
    #[schema(example = "cchc_Xb3k9Q")]
    pub token_prefix: String,
    pub created_at: DateTime<FixedOffset>,
    pub expires_at: Option<DateTime<FixedOffset>>,
    pub last_used_at: Option<DateTime<FixedOffset>>,
    pub revoked_at: Option<DateTime<FixedOffset>>,
    /// Not revoked and not expired.
    pub active: bool,
}

/// A newly created token with its secret, shown only this once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedToken {
    pub token: Token,
    /// Send as `Authorization: Bearer <secret>`. Stored only as a hash: it cannot be shown again.
    pub secret: String,
    /// For `integration` tokens only: the key QLVB signs its events with (HMAC-SHA256, see
    /// `POST /api/v1/integrations/qlvb/events`). Shown only now; rotate it with
    /// `POST /api/v1/tokens/{id}/signing-secret`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signing_secret: Option<String>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Chuyên viên CCHC – Phòng KHTC",
    "role": "reporter",
    "unit_code": "KHTC",
    "expires_at": "2027-12-31T17:00:00+07:00"
}))]
pub struct CreateToken {
    #[schema(
        example = "Chuyên viên CCHC – Phòng KHTC",
        min_length = 1,
        max_length = 200
    )]
    pub name: String,
    pub role: Role,
    /// Required for `reporter`, not allowed for other roles.
    #[serde(default)]
    #[schema(example = "KHTC")]
    pub unit_code: Option<String>,
    /// Optional expiry (RFC 3339 with offset).
    #[serde(
        default,
        deserialize_with = "crate::model::time_input::optional_instant"
    )]
    pub expires_at: Option<DateTime<FixedOffset>>,
}

/// Filters of the token list, newest first.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TokenFilter {
    pub role: Option<Role>,
    pub unit_code: Option<String>,
    /// Include revoked tokens (default false).
    pub include_revoked: Option<bool>,
}

page_of!(TokenPage, Token, "A page of tokens.");

/// Who the caller is.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Me {
    /// The API token's id; 0 for a person's OpenID Connect access token.
    pub token_id: i64,
    pub name: String,
    pub role: Role,
    pub unit_code: Option<String>,
    /// The person, when the caller signed in through the identity provider.
    pub person: Option<crate::model::person::Person>,
}
