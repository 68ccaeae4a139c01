//! People signing in through the province's identity provider: OpenID Connect access tokens
//! (JWTs) of the issuer in `CCHC_OIDC_ISSUER`, accepted beside the service's own API tokens.
//!
//! [`verify`] checks a token (signature against the issuer's published keys, `iss`, `aud`,
//! `exp`, `nbf`); [`people`] maps its holder to a role and unit from the claims and the
//! units' contacts, read on every request; [`settings`] reads the `CCHC_OIDC_*` variables.
//! The audit trail names such a person (`cchc_domain::model::audit::Person`).

pub mod people;
pub mod settings;
pub mod verify;

pub use people::{identify, Identified, PersonRefused};
pub use settings::{OidcSettings, RoleRule};
pub use verify::{Verified, Verifier, VerifyError};
