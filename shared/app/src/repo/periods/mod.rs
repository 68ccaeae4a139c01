//! Reporting periods: reading them (`read`), setting them up (`create`, `update`, with the
//! codes resolved in `setup`), their status (`status`: open, close, delete) and their
//! deadlines re-derived after a calendar change (`rederive`).

use diesel_async::AsyncPgConnection;

use crate::authz;
use crate::authz::Principal;
use cchc_db::periods::{self, PeriodRow};
use cchc_domain::error::{Error, Result};
pub use cchc_domain::rules::period_setup::DEADLINE_TOO_CLOSE;

mod create;
mod read;
mod rederive;
mod setup;
mod status;
mod update;

pub use create::create;
pub(crate) use read::load;
pub use read::{get, list};
pub use rederive::rederive_deadlines;
pub use status::*;
pub use update::update;

async fn find_row(conn: &mut AsyncPgConnection, id: i64, lock: bool) -> Result<PeriodRow> {
    periods::find(conn, id, lock)
        .await?
        .ok_or(Error::not_found("period"))
}

/// The first step of every change to periods (set-up, status, deletion): only the Office
/// changes them. Exposed so a handler refuses a caller before it reports what is wrong with the
/// body.
pub fn authorize_change(principal: &Principal) -> Result<()> {
    authz::require_admin(principal)
}

/// What a unit that does not take part in a period is told when named for it.
pub(crate) const NOT_PARTICIPATING: &str = "this unit does not take part in the period";

/// Whether a unit takes part in a period: the one question every use case that names a unit
/// for a period (filing, extensions, forms, linking documents) asks, asked here only.
pub(crate) async fn participates(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    unit_id: i64,
) -> Result<bool> {
    periods::participates(conn, period_id, unit_id).await
}

/// Finds a period id by code (used by the demo loader and integrations).
pub async fn id_by_code(conn: &mut AsyncPgConnection, code: &str) -> Result<Option<i64>> {
    periods::id_by_code(conn, code).await
}
