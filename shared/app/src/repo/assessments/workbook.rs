//! The self-assessment as the province's workbook (A4), for the Office and the leadership.

use diesel_async::AsyncPgConnection;

use super::assemble::get;
use crate::authz::{self, Principal};
use crate::repo::submissions::BoardCaches;
use cchc_domain::error::Result;
use cchc_excel::self_assessment::build_self_assessment;

/// The workbook's bytes and a file name (`tu-danh-gia-<code>.xlsx`).
pub async fn workbook(
    conn: &mut AsyncPgConnection,
    caches: &BoardCaches,
    id: i64,
    principal: &Principal,
) -> Result<(Vec<u8>, String)> {
    authz::read_plans(principal)?;
    authz::refuse_reporters(principal, "the self-assessment workbook")?;
    let round = get(conn, caches, id, principal).await?;
    let set = crate::repo::criteria::load(conn, round.criteria_set_id).await?;
    // Signed by the department: the only top-level unit, when there is one.
    let agency = crate::repo::units::signing_agency(conn).await?;
    let bytes = build_self_assessment(&set, &round, &agency)?;
    Ok((bytes, format!("tu-danh-gia-{}.xlsx", round.code)))
}
