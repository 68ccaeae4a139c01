//! Emulation campaigns: the Office launches a campaign with its rounds and criteria
//! (`create`); units register where participation is by registration (`register`); the
//! Office enters the points of entered, bonus and penalty criteria (`points`); each round's
//! leaderboard is computed from the records inside the round (`leaderboard`) until the Office
//! reviews it, which freezes it (`review`; re-opening needs a reason, audited).

mod commendations;
mod create;
mod leaderboard;
mod points;
mod read;
mod register;
mod review;

use diesel_async::AsyncPgConnection;

use crate::authz::{self, Principal};
use cchc_db::campaigns::{self as db, CampaignRow};
use cchc_domain::error::{Error, Result};

pub use commendations::commendations;
pub use create::create;
pub use leaderboard::{campaign_leaderboard, round_leaderboard};
pub use points::enter_points;
pub use read::{get, list};
pub use register::register;
pub use review::{reopen, review};

/// Launching campaigns, entering points, reviewing: the Office.
pub fn authorize_office(principal: &Principal) -> Result<()> {
    authz::require_office_for_plans(principal, "run emulation campaigns")
}

/// Campaign `id`, or "not found".
async fn find(conn: &mut AsyncPgConnection, id: i64) -> Result<CampaignRow> {
    db::find(conn, id)
        .await?
        .ok_or(Error::not_found("campaign"))
}
