//! The list of units proposed for commendation after a round (or the whole campaign): the
//! units ranked within the cut the Office picks, as a workbook offices attach to their
//! proposal. For the Office and the leadership.

use diesel_async::AsyncPgConnection;

use super::leaderboard::{campaign_leaderboard, round_leaderboard};
use super::read::load;
use crate::authz::{self, Principal};
use cchc_domain::error::{Error, Result};
use cchc_excel::commendations::{build_commendations, CommendationScope};

/// The workbook and its file name (`khen-thuong-<code>-dot-<n>.xlsx`, or `-ca-nam`), listing
/// the units ranked at most `top` (1–100; ties at the cut included).
pub async fn commendations(
    conn: &mut AsyncPgConnection,
    id: i64,
    round: Option<i32>,
    top: i32,
    principal: &Principal,
) -> Result<(Vec<u8>, String)> {
    authz::read_plans(principal)?;
    authz::refuse_reporters(principal, "the commendation list")?;
    if !(1..=100).contains(&top) {
        return Err(Error::invalid(
            "top",
            "out_of_range",
            "list the units ranked 1 to at most 100",
        ));
    }
    let board = match round {
        Some(number) => round_leaderboard(conn, id, number, principal).await?,
        None => campaign_leaderboard(conn, id, principal).await?,
    };
    let campaign = load(conn, id).await?;
    // Signed by the department: the only top-level unit, when there is one.
    let agency = crate::repo::units::signing_agency(conn).await?;
    let scope = CommendationScope {
        campaign: &campaign,
        board: &board,
        top,
        agency: &agency,
    };
    let bytes = build_commendations(&scope)?;
    let which = match round {
        Some(number) => format!("dot-{number}"),
        None => "ca-nam".to_owned(),
    };
    Ok((bytes, format!("khen-thuong-{}-{which}.xlsx", campaign.code)))
}
