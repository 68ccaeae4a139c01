//! The province's appraisal of a sent round, recorded by the Office: per criterion the
//! council's points and comment and the points restored after explanation; the rank.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use rust_decimal::Decimal;
use serde_json::json;

use super::results::results;
use super::{authorize_office, find};
use crate::authz::Principal;
use crate::repo::audit::{self, Entry};
use crate::repo::events;
use crate::repo::submissions::BoardCaches;
use cchc_db::assessments::{self as db, ItemAppraisal};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::assessment::{AssessmentResults, AssessmentStatus, RecordAppraisal};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::webhook::{AssessmentEventData, EventType};
use cchc_domain::rules::par_index::check_score;
use cchc_domain::validation::{non_blank, Checker};

pub async fn record_appraisal(
    conn: &mut AsyncPgConnection,
    caches: &BoardCaches,
    id: i64,
    input: &RecordAppraisal,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<AssessmentResults> {
    authorize_office(principal)?;
    conn.transaction(async |conn| -> Result<AssessmentResults> {
        let row = find(conn, id, true).await?;
        if row.status == AssessmentStatus::Open {
            return Err(Error::conflict(
                "assessment_not_sent",
                "the province appraises a self-assessment once it is sent",
            ));
        }
        let set = crate::repo::criteria::load(conn, row.criteria_set_id).await?;
        let (items, _) = db::items(conn, id).await?;
        let item_of: HashMap<i64, i64> = items.iter().map(|i| (i.criterion_id, i.id)).collect();
        let mut check = Checker::new();
        if input.items.is_empty() {
            check.push("items", "required", "name at least one criterion");
        }
        let mut seen = Vec::new();
        let mut comments = Vec::new();
        let mut resolved = Vec::new();
        for (i, entry) in input.items.iter().enumerate() {
            let code = entry.code.trim();
            let criterion = set
                .criteria
                .iter()
                .find(|c| c.code == code && c.scoring.is_some());
            let Some(criterion) = criterion else {
                check.push(
                    format!("items[{i}].code"),
                    "unknown_criterion",
                    format!("{code:?} is not a scored criterion of the set"),
                );
                comments.push(None);
                continue;
            };
            if seen.contains(&code) {
                check.push(
                    format!("items[{i}].code"),
                    "duplicate",
                    "name each criterion once",
                );
            }
            seen.push(code);
            check.optional_text(
                &format!("items[{i}].comment"),
                entry.comment.as_deref(),
                2000,
            );
            let max = criterion.max_points;
            check_score(
                &mut check,
                &format!("items[{i}].appraised_points"),
                entry.appraised_points,
                Decimal::ZERO,
                max,
            );
            if let Some(restored) = entry.restored_points {
                check_score(
                    &mut check,
                    &format!("items[{i}].restored_points"),
                    restored,
                    entry.appraised_points.max(Decimal::ZERO),
                    max,
                );
            }
            comments.push(non_blank(entry.comment.as_deref()));
            if let Some(&item_id) = item_of.get(&criterion.id) {
                resolved.push((i, item_id));
            }
        }
        let rank = match (input.rank_position, input.rank_among) {
            (None, None) => None,
            (Some(position), Some(among)) if position >= 1 && among >= position => {
                Some((position, among))
            }
            _ => {
                check.push(
                    "rank_position",
                    "out_of_range",
                    "give both rank_position and rank_among, 1 ≤ position ≤ among",
                );
                None
            }
        };
        check.finish()?;
        let appraisals: Vec<ItemAppraisal> = resolved
            .iter()
            .map(|&(i, item_id)| ItemAppraisal {
                item_id,
                appraised_points: input.items[i].appraised_points,
                comment: comments[i].as_deref(),
                restored_points: input.items[i].restored_points,
            })
            .collect();
        db::record_appraisal(conn, id, &appraisals, rank, now).await?;
        let outcome = results(conn, caches, id, principal).await?;
        let recorded = json!({
            "criteria": input.items.iter().map(|e| e.code.trim()).collect::<Vec<_>>(),
            "final_points": outcome.final_points,
            "ranking_class": outcome.ranking_class,
            "rank_position": input.rank_position,
            "rank_among": input.rank_among,
        });
        let entry = Entry {
            entity_type: EntityType::Assessment,
            entity_id: id.to_string(),
            action: "appraised",
            before: None,
            after: Some(recorded),
        };
        audit::record(conn, actor, now, entry).await?;
        let data = AssessmentEventData {
            assessment_id: id,
            assessment_code: row.code.clone(),
            year: row.year,
            self_points: outcome.self_points,
            points_at_risk: None,
            override_reason: None,
            final_points: outcome.final_points,
            ranking_class: outcome.ranking_class.clone(),
        };
        events::assessment_changed(conn, EventType::AssessmentAppraised, &data, now).await?;
        Ok(outcome)
    })
    .await
}
