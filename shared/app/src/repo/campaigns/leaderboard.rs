//! A round's leaderboard, computed from the records inside the round while it is open and
//! read from its snapshot once reviewed; the whole campaign's is each unit's mean over its
//! rounds. Every line shows how each criterion's points were reached.

use std::collections::HashMap;

use chrono::{Days, NaiveTime};
use diesel_async::AsyncPgConnection;
use rust_decimal::Decimal;

use super::find;
use super::read::criterion;
use crate::authz::{self, Principal};
use crate::repo::local;
use crate::repo::submissions::BoardCaches;
use cchc_db::campaigns::{self as db, CampaignRow, RoundRow};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::campaign::{
    CampaignCriterion, CampaignSource, CriterionKind, CriterionScore, Leaderboard, LeaderboardRow,
    Participation,
};
use cchc_domain::rules::emulation::{rank, ratio_points, share_points, total, TIE_RULE};
use cchc_domain::rules::local_time::local_instant;

fn scale(criteria: &[CampaignCriterion]) -> Decimal {
    criteria
        .iter()
        .filter(|c| c.kind == CriterionKind::Scored)
        .map(|c| c.max_points)
        .sum::<Decimal>()
        .normalize()
}

/// The units that compete: every unit, or those registered.
async fn competitors(
    conn: &mut AsyncPgConnection,
    campaign: &CampaignRow,
) -> Result<Vec<(i64, String, String)>> {
    match campaign.participation {
        Participation::All => db::all_competing_units(conn).await,
        Participation::Registered => db::registered(conn, campaign.id).await,
    }
}

/// By (round code, unit): the unit's parts of each self-assessment round the criteria read,
/// and how many of them are ready, as the rounds stand now.
async fn readiness_by_unit(
    conn: &mut AsyncPgConnection,
    criteria: &[CampaignCriterion],
) -> Result<HashMap<(String, i64), (i64, i64)>> {
    let mut found = HashMap::new();
    let caches = BoardCaches::new(1);
    let system = authz::system("campaign leaderboard");
    for criterion in criteria {
        let CampaignSource::AssessmentReadiness { assessment_code } = &criterion.source else {
            continue;
        };
        let Some(round) = cchc_db::assessments::id_by_code(conn, assessment_code).await? else {
            continue;
        };
        let board = crate::repo::assessments::readiness(conn, &caches, round, &system).await?;
        for unit in board.units {
            if let Some(unit_ref) = unit.unit {
                found.insert(
                    (assessment_code.clone(), unit_ref.id),
                    (unit.figures.resolved, unit.figures.criteria),
                );
            }
        }
    }
    Ok(found)
}

/// Round `round`'s leaderboard computed now from the records.
pub(super) async fn compute(
    conn: &mut AsyncPgConnection,
    campaign: &CampaignRow,
    round: &RoundRow,
    criteria: &[CampaignCriterion],
) -> Result<Leaderboard> {
    let from = local_instant(round.starts_on, NaiveTime::MIN);
    let after_end = round
        .ends_on
        .checked_add_days(Days::new(1))
        .ok_or_else(|| Error::Internal("a round ends at the end of time".into()))?;
    let to = local_instant(after_end, NaiveTime::MIN);
    let reports = db::report_counts(conn, from, to).await?;
    let tasks = db::task_counts(conn, from, to).await?;
    let entered = db::entered_points(conn, campaign.id, round.number).await?;
    let readiness = readiness_by_unit(conn, criteria).await?;
    let mut ratios: HashMap<String, HashMap<i64, (Decimal, Decimal)>> = HashMap::new();
    for c in criteria {
        if let CampaignSource::Indicator { indicator_code } = &c.source {
            if !ratios.contains_key(indicator_code) {
                let sums = db::indicator_sums(conn, indicator_code, from, to).await?;
                ratios.insert(indicator_code.clone(), sums);
            }
        }
    }
    let mut rows = Vec::new();
    for (unit_id, unit_code, unit_name) in competitors(conn, campaign).await? {
        let reports = reports.get(&unit_id).copied().unwrap_or_default();
        let tasks = tasks.get(&unit_id).copied().unwrap_or_default();
        let scores: Vec<CriterionScore> = criteria
            .iter()
            .map(|c| {
                let counts = match &c.source {
                    CampaignSource::ReportsOnTime => Some((reports.on_time, reports.due)),
                    CampaignSource::AcceptedFirstTime => {
                        Some((reports.accepted_first_time, reports.due))
                    }
                    CampaignSource::TasksOnTime => Some(tasks),
                    CampaignSource::AssessmentReadiness { assessment_code } => Some(
                        readiness
                            .get(&(assessment_code.clone(), unit_id))
                            .copied()
                            .unwrap_or_default(),
                    ),
                    CampaignSource::Indicator { .. } | CampaignSource::Entered => None,
                };
                let mut score = CriterionScore {
                    code: c.code.clone(),
                    kind: c.kind,
                    max_points: c.max_points,
                    counted: None,
                    out_of: None,
                    share_percent: None,
                    points: Decimal::ZERO,
                    note: None,
                };
                match counts {
                    Some((counted, out_of)) => {
                        let (share, points) = share_points(counted, out_of, c.max_points);
                        score.counted = Some(counted);
                        score.out_of = Some(out_of);
                        score.share_percent = share;
                        score.points = points;
                    }
                    None if matches!(c.source, CampaignSource::Indicator { .. }) => {
                        let sums = match &c.source {
                            CampaignSource::Indicator { indicator_code } => ratios
                                .get(indicator_code)
                                .and_then(|sums| sums.get(&unit_id))
                                .copied(),
                            _ => None,
                        };
                        // No accepted figure yet: nothing to score the unit on.
                        if let Some((numerator, denominator)) = sums {
                            let (share, points) =
                                ratio_points(numerator, denominator, c.max_points);
                            score.share_percent = share;
                            score.points = points;
                        }
                    }
                    None => {
                        if let Some((points, note)) = entered.get(&(unit_id, c.code.clone())) {
                            score.points = match c.kind {
                                CriterionKind::Penalty => -*points,
                                _ => *points,
                            }
                            .normalize();
                            score.note = Some(note.clone());
                        }
                    }
                }
                score
            })
            .collect();
        rows.push(LeaderboardRow {
            rank: 0,
            unit_id,
            unit_code,
            unit_name,
            points: total(&scores),
            criteria: scores,
        });
    }
    rank(&mut rows);
    Ok(Leaderboard {
        campaign_id: campaign.id,
        round: Some(round.number),
        state: "live".into(),
        reviewed_at: None,
        scale: scale(criteria),
        tie_rule: TIE_RULE.into(),
        rows,
    })
}

/// A round's board: its snapshot once reviewed, else computed now.
async fn board_of(
    conn: &mut AsyncPgConnection,
    campaign: &CampaignRow,
    round: &RoundRow,
    criteria: &[CampaignCriterion],
) -> Result<Leaderboard> {
    match (&round.snapshot, round.reviewed_at) {
        (Some(snapshot), Some(at)) => {
            let mut board: Leaderboard = serde_json::from_value(snapshot.clone())
                .map_err(|e| Error::Internal(format!("a round's snapshot does not read: {e}")))?;
            board.state = "frozen".into();
            board.reviewed_at = Some(local(at));
            Ok(board)
        }
        _ => compute(conn, campaign, round, criteria).await,
    }
}

async fn parts(
    conn: &mut AsyncPgConnection,
    id: i64,
) -> Result<(CampaignRow, Vec<RoundRow>, Vec<CampaignCriterion>)> {
    let campaign = find(conn, id).await?;
    let (rounds, criteria) = db::parts_of(conn, id).await?;
    let criteria = criteria
        .into_iter()
        .map(criterion)
        .collect::<Result<Vec<_>>>()?;
    Ok((campaign, rounds, criteria))
}

/// Round `number`'s leaderboard, for everyone who reads plans.
pub async fn round_leaderboard(
    conn: &mut AsyncPgConnection,
    id: i64,
    number: i32,
    principal: &Principal,
) -> Result<Leaderboard> {
    authz::read_plans(principal)?;
    let (campaign, rounds, criteria) = parts(conn, id).await?;
    let round = rounds
        .iter()
        .find(|r| r.number == number)
        .ok_or(Error::not_found("round"))?;
    board_of(conn, &campaign, round, &criteria).await
}

/// The whole campaign's leaderboard: each unit's mean over the rounds, per criterion and in
/// total (two decimals), ranked by the same rule; `frozen` once every round is reviewed.
pub async fn campaign_leaderboard(
    conn: &mut AsyncPgConnection,
    id: i64,
    principal: &Principal,
) -> Result<Leaderboard> {
    authz::read_plans(principal)?;
    let (campaign, rounds, criteria) = parts(conn, id).await?;
    let mut boards = Vec::new();
    for round in &rounds {
        boards.push(board_of(conn, &campaign, round, &criteria).await?);
    }
    let count = Decimal::from(boards.len().max(1));
    let mut sums: HashMap<i64, LeaderboardRow> = HashMap::new();
    for board in &boards {
        for row in &board.rows {
            let entry = sums.entry(row.unit_id).or_insert_with(|| LeaderboardRow {
                rank: 0,
                points: Decimal::ZERO,
                criteria: row
                    .criteria
                    .iter()
                    .map(|c| CriterionScore {
                        counted: None,
                        out_of: None,
                        share_percent: None,
                        points: Decimal::ZERO,
                        note: None,
                        ..c.clone()
                    })
                    .collect(),
                ..row.clone()
            });
            for (sum, score) in entry.criteria.iter_mut().zip(&row.criteria) {
                sum.points += score.points;
            }
        }
    }
    let mut rows: Vec<LeaderboardRow> = sums
        .into_values()
        .map(|mut row| {
            for score in &mut row.criteria {
                score.points = (score.points / count).round_dp(2).normalize();
            }
            row.points = total(&row.criteria);
            row
        })
        .collect();
    rank(&mut rows);
    let frozen = !boards.is_empty() && boards.iter().all(|b| b.state == "frozen");
    Ok(Leaderboard {
        campaign_id: campaign.id,
        round: None,
        state: if frozen { "frozen" } else { "live" }.into(),
        reviewed_at: boards
            .iter()
            .filter_map(|b| b.reviewed_at)
            .max()
            .filter(|_| frozen),
        scale: scale(&criteria),
        tie_rule: TIE_RULE.into(),
        rows,
    })
}
