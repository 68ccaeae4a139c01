//! Indicators (reference data): reading them and their versions (`read`), creating
//! (`create`) and changing them (`update`: a changed definition is a new version), with the
//! checks both share (`checks`). Only the Office changes indicators.

mod checks;
mod create;
mod read;
mod update;

use diesel_async::AsyncPgConnection;

use crate::authz;
use crate::authz::Principal;
use cchc_db::indicators::{self, IndicatorRow};
use cchc_domain::error::{Error, Result};

pub use create::create;
pub use read::{get, list, versions};
pub use update::update;

/// The first step of [`create`] and [`update`]: only the Office changes indicators. Exposed so
/// a handler refuses a caller before it reports what is wrong with the body.
pub fn authorize_change(principal: &Principal) -> Result<()> {
    authz::require_admin(principal)
}

async fn find_row(conn: &mut AsyncPgConnection, id: i64, lock: bool) -> Result<IndicatorRow> {
    indicators::find(conn, id, lock)
        .await?
        .ok_or(Error::not_found("indicator"))
}
