//! The Office enters a unit's points for an entered, bonus or penalty criterion in a round
//! that is not reviewed, with a note.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::json;

use super::read::criterion;
use super::{authorize_office, find};
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use cchc_db::campaigns::{self as db, EnteredPoints};
use cchc_db::units;
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::campaign::{CampaignSource, EnterPoints};
use cchc_domain::rules::emulation::check_entered;
use cchc_domain::validation::Checker;

/// Records the points; replaces what was entered before for the same unit and criterion.
pub async fn enter_points(
    conn: &mut AsyncPgConnection,
    id: i64,
    round: i32,
    input: &EnterPoints,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    authorize_office(principal)?;
    conn.transaction(async |conn| -> Result<()> {
        find(conn, id).await?;
        let row = db::lock_round(conn, id, round)
            .await?
            .ok_or(Error::not_found("round"))?;
        super::review::refuse_reviewed(&row)?;
        let (_, criteria) = db::parts_of(conn, id).await?;
        let mut check = Checker::new();
        let code = input.criterion_code.trim();
        let found = criteria
            .into_iter()
            .find(|c| c.code.eq_ignore_ascii_case(code))
            .map(criterion)
            .transpose()?;
        match &found {
            None => check.push(
                "criterion_code",
                "unknown_criterion",
                format!("the campaign has no criterion {code:?}"),
            ),
            Some(c) if c.source != CampaignSource::Entered => check.push(
                "criterion_code",
                "computed_criterion",
                "this criterion is computed from the records; nobody enters it",
            ),
            Some(c) => check_entered(&mut check, input.points, c.max_points),
        }
        check.text("note", &input.note, 2000);
        let unit_code = input.unit_code.trim();
        let unit = units::find_id_by_code(conn, unit_code).await?;
        if unit.is_none() {
            check.push(
                "unit_code",
                "unknown_unit",
                format!("no unit has the code {unit_code:?}"),
            );
        }
        check.finish()?;
        let (Some(criterion), Some(unit)) = (found, unit) else {
            return Err(Error::Internal("checked points without their parts".into()));
        };
        let entered = EnteredPoints {
            campaign_id: id,
            round,
            unit_id: unit,
            criterion_code: &criterion.code,
            points: input.points,
            note: input.note.trim(),
            by: &principal.name,
        };
        db::enter_points(conn, &entered, now).await?;
        let entry = Entry {
            entity_type: EntityType::Campaign,
            entity_id: id.to_string(),
            action: "points_entered",
            before: None,
            after: Some(json!({
                "round": round,
                "unit_id": unit,
                "criterion": criterion.code,
                "points": input.points,
                "note": input.note.trim(),
            })),
        };
        audit::record(conn, actor, now, entry).await
    })
    .await
}
