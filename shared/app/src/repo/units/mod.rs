//! Units and their contacts (reference data): reading them (`read`), creating (`create`) and
//! changing them (`update`), with the checks both share (`checks`). Only the Office changes
//! units.

mod checks;
mod create;
mod read;
mod update;

use crate::authz;
use crate::authz::Principal;
use cchc_domain::error::Result;

pub use cchc_db::units::{find_id_by_code, find_id_by_qlvb_code, subtree_ids};
pub use create::create;
pub use read::{get, list};
pub use update::update;

/// The agency that signs the department's documents: the only active top-level unit's name,
/// or empty when there is none or several.
pub async fn signing_agency(
    conn: &mut diesel_async::AsyncPgConnection,
) -> cchc_domain::Result<String> {
    let roots = cchc_db::units::active_roots(conn, 2).await?;
    Ok(match roots.as_slice() {
        [(_, name)] => name.clone(),
        _ => String::new(),
    })
}

/// The first step of [`create`] and [`update`]: only the Office changes units. Exposed so a
/// handler refuses a caller before it reports what is wrong with the body.
pub fn authorize_change(principal: &Principal) -> Result<()> {
    authz::require_admin(principal)
}
