//! The review (sơ kết) of a round: the Office freezes its leaderboard as it stands, so later
//! changes to reports, tasks or entered points do not rewrite a reviewed round; re-opening
//! takes a reason, recorded in the audit trail.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::json;

use super::leaderboard::compute;
use super::read::criterion;
use super::{authorize_office, find};
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use crate::repo::events;
use cchc_db::campaigns::{self as db, RoundRow};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::campaign::{Leaderboard, ReopenRound};
use cchc_domain::model::webhook::CampaignRoundEventData;
use cchc_domain::validation::Checker;

/// A reviewed round changes no more until it is re-opened.
pub(super) fn refuse_reviewed(round: &RoundRow) -> Result<()> {
    if round.reviewed_at.is_some() {
        return Err(Error::conflict(
            "round_reviewed",
            "the round was reviewed and its leaderboard frozen; re-open it with a reason first",
        ));
    }
    Ok(())
}

/// Reviews round `number`: its leaderboard computed now and kept; `campaign.round_reviewed`
/// goes to the webhooks.
pub async fn review(
    conn: &mut AsyncPgConnection,
    id: i64,
    number: i32,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Leaderboard> {
    authorize_office(principal)?;
    conn.transaction(async |conn| -> Result<Leaderboard> {
        let campaign = find(conn, id).await?;
        let round = db::lock_round(conn, id, number)
            .await?
            .ok_or(Error::not_found("round"))?;
        refuse_reviewed(&round)?;
        let (_, criteria) = db::parts_of(conn, id).await?;
        let criteria = criteria
            .into_iter()
            .map(criterion)
            .collect::<Result<Vec<_>>>()?;
        let mut board = compute(conn, &campaign, &round, &criteria).await?;
        board.state = "frozen".into();
        board.reviewed_at = Some(crate::repo::local(now));
        let snapshot = serde_json::to_value(&board)
            .map_err(|e| Error::Internal(format!("a leaderboard snapshot: {e}")))?;
        db::set_review(conn, id, number, Some((snapshot, &principal.name, now))).await?;
        let top: Vec<_> = board
            .rows
            .iter()
            .take(3)
            .map(|r| json!({"rank": r.rank, "unit": r.unit_code, "points": r.points}))
            .collect();
        let entry = Entry {
            entity_type: EntityType::Campaign,
            entity_id: id.to_string(),
            action: "round_reviewed",
            before: None,
            after: Some(json!({ "round": number, "top": top })),
        };
        audit::record(conn, actor, now, entry).await?;
        let data = CampaignRoundEventData {
            campaign_id: id,
            campaign_code: campaign.code.clone(),
            round: number,
            first: board
                .rows
                .iter()
                .filter(|r| r.rank == 1)
                .map(|r| r.unit_code.clone())
                .collect(),
        };
        events::campaign_round_reviewed(conn, &data, now).await?;
        Ok(board)
    })
    .await
}

/// Re-opens reviewed round `number` with `input.reason`: its leaderboard is computed live
/// again until the next review.
pub async fn reopen(
    conn: &mut AsyncPgConnection,
    id: i64,
    number: i32,
    input: &ReopenRound,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    authorize_office(principal)?;
    let mut check = Checker::new();
    check.text("reason", &input.reason, 2000);
    check.finish()?;
    conn.transaction(async |conn| -> Result<()> {
        find(conn, id).await?;
        let round = db::lock_round(conn, id, number)
            .await?
            .ok_or(Error::not_found("round"))?;
        let Some(reviewed_at) = round.reviewed_at else {
            return Err(Error::conflict(
                "round_not_reviewed",
                "the round is open; there is nothing to re-open",
            ));
        };
        db::set_review(conn, id, number, None).await?;
        let entry = Entry {
            entity_type: EntityType::Campaign,
            entity_id: id.to_string(),
            action: "round_reopened",
            before: Some(
                json!({ "round": number, "reviewed_at": reviewed_at, "snapshot": round.snapshot }),
            ),
            after: Some(json!({ "round": number, "reason": input.reason.trim() })),
        };
        audit::record(conn, actor, now, entry).await
    })
    .await
}
