use actix_web::{get, web};
use cchc_domain::model::token::Me;

use crate::auth::Auth;
use crate::error::ApiError;

/// Who am I
///
/// The caller's token: name, role and, for reporters, the unit it is bound to; for a person
/// signed in through the identity provider, also who they are (name, e-mail, subject, issuer).
#[utoipa::path(
    operation_id = "get_me",
    tag = "tokens", responses((status = 200, description = "The caller", body = Me)))]
#[get("/me")]
pub async fn me(auth: Auth) -> Result<web::Json<Me>, ApiError> {
    let principal = auth.principal();
    Ok(web::Json(Me {
        token_id: principal.token_id,
        name: principal.name.clone(),
        role: principal.role,
        unit_code: principal.unit_code.clone(),
        person: auth.person().cloned(),
    }))
}
