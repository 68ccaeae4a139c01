//! A person signed in through the province's identity provider: who the audit trail and
//! `GET /api/v1/me` name for a change or a request made with their access token.

use serde::Serialize;
use utoipa::ToSchema;

/// A person signed in through the province's identity provider (OpenID Connect), as their
/// access token names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Person {
    /// The token's `name` claim, else the unit contact's name, else the e-mail.
    #[schema(example = "Nguyễn Thị Lan")]
    pub name: String,
    #[schema(example = "lannt@sct.khanhhoa.gov.vn")]
    pub email: Option<String>,
    /// The token's `sub`: the person's stable identifier at the issuer.
    #[schema(example = "f3b1c7de-5a0e-4c59-9d1e-0c2f8b7a6e11")]
    pub subject: String,
    /// The token's `iss`.
    #[schema(example = "https://sso.khanhhoa.gov.vn/realms/can-bo")]
    pub issuer: String,
}
