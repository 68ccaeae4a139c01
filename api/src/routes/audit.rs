use actix_web::{get, web};
use cchc_app::repo::audit;
use cchc_domain::model::audit::{AuditFilter, AuditPage};
use cchc_domain::model::PageParams;

use crate::auth::Auth;
use crate::error::ApiError;
use crate::extract::Query;
use crate::state::AppState;

/// Read the audit trail (admin)
///
/// Every state and value change, newest first: who (token name, id and role, or `cli`/`worker`),
/// when, the request id, and only the fields that changed, before and after. Submission values
/// are keyed by indicator code. The trail is append-only: no operation changes or deletes it.
#[utoipa::path(
    operation_id = "list_audit_events",
    tag = "audit",
    params(AuditFilter, PageParams),
    responses((status = 200, description = "A page of audit events", body = AuditPage))
)]
#[get("/audit")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    filter: Query<AuditFilter>,
    page: Query<PageParams>,
) -> Result<web::Json<AuditPage>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        audit::list(&mut conn, &filter, *page, auth.principal()).await?,
    ))
}
