//! Emulation campaigns (phong trào thi đua): a launching document, rounds each with its start,
//! end and review date (sơ kết), the participating units (all, or those that registered), and
//! criteria the units are ranked by: computed from the system's own records inside the round
//! (reports on time, reports accepted without being returned, the unit's tasks done on time)
//! or entered by the Office with a note, bonus and penalty points included. Seed 004: the
//! department's "fast resolution of administrative procedures" campaign, two rounds in 2017.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::model::page_of;
use crate::model::plan::{DocumentRef, UnitRef};
use crate::text_enum;

text_enum! {
    /// Who competes.
    pub enum Participation {
        /// Every unit of the department (the department itself aside).
        All => "all",
        /// The units that registered (`POST /campaigns/{id}/registrations`).
        Registered => "registered",
    }
}

text_enum! {
    /// How a criterion's points count.
    pub enum CriterionKind {
        /// Part of the campaign's scale: earns from 0 to its maximum.
        Scored => "scored",
        /// Added on top (khen thưởng đột xuất, sáng kiến), entered by the Office.
        Bonus => "bonus",
        /// Taken off (vi phạm, chậm trễ), entered by the Office.
        Penalty => "penalty",
    }
}

/// Where a criterion's points come from. A computed criterion earns its share of its points;
/// a unit with nothing due in the round ("không phát sinh") earns them all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum CampaignSource {
    /// The share of the unit's reports due in the round (their deadline, an extension's where
    /// granted, falls between its start and end) first submitted early or on time.
    ReportsOnTime,
    /// The share of the unit's reports due in the round accepted at their first submission,
    /// never returned.
    AcceptedFirstTime,
    /// The share of the tasks the unit leads, due in the round, that the Office confirmed done
    /// no later than their deadline.
    TasksOnTime,
    /// The share of the unit's parts of a PAR Index self-assessment round that are ready
    /// (scored, with evidence or an explanation, accepted by the Office) as the round stands.
    AssessmentReadiness {
        #[schema(example = "TDG-CCHC-2026")]
        assessment_code: String,
    },
    /// A ratio indicator's value for the unit (e.g. the share of dossiers resolved early or on
    /// time) over its accepted reports due in the round: Σ numerators / Σ denominators, at most
    /// 100 %. No accepted figure earns nothing; accepted figures with nothing to count (a
    /// denominator of 0) earn the criterion's points.
    Indicator {
        #[schema(example = "TL-DUNGHAN")]
        indicator_code: String,
    },
    /// Points the Office enters for each unit, with a note.
    Entered,
}

impl CampaignSource {
    pub fn is_computed(&self) -> bool {
        !matches!(self, Self::Entered)
    }
}

/// A round as written.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoundInput {
    #[schema(example = "2017-03-01")]
    pub starts_on: NaiveDate,
    #[schema(example = "2017-06-29")]
    pub ends_on: NaiveDate,
    /// The review (sơ kết): on or after the end. A non-working day is kept as written and
    /// shown with the working day it effectively falls on.
    #[schema(example = "2017-06-30")]
    pub review_on: NaiveDate,
}

/// A criterion as written.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignCriterionInput {
    /// Unique in the campaign; letters, digits, `.`, `_`, `-`, at most 40 characters.
    #[schema(example = "TC1", pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
    pub code: String,
    #[schema(example = "Nộp báo cáo đúng hạn", min_length = 1, max_length = 1000)]
    pub title: String,
    #[serde(default = "scored")]
    pub kind: CriterionKind,
    /// Its weight: a scored criterion earns from 0 to this (a computed one its share of it);
    /// a bonus adds, a penalty takes off, at most this. Greater than 0, at most 1000, two
    /// decimals.
    #[schema(value_type = f64, example = 40, exclusive_minimum = 0, maximum = 1000, multiple_of = 0.01)]
    pub max_points: Decimal,
    /// Bonus and penalty criteria are entered.
    pub source: CampaignSource,
}

fn scored() -> CriterionKind {
    CriterionKind::Scored
}

/// A new campaign (the Office).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "code": "TD-TTHC-2027",
    "year": 2027,
    "title": "Phong trào thi đua \"Giải quyết nhanh thủ tục hành chính cho cá nhân, tổ chức và doanh nghiệp\"",
    "participation": "all",
    "rounds": [
        {
            "starts_on": "2027-01-01",
            "ends_on": "2027-06-29",
            "review_on": "2027-06-30"
        }
    ],
    "criteria": [
        {
            "code": "TC1",
            "title": "Nộp báo cáo đúng hạn",
            "kind": "scored",
            "max_points": 40,
            "source": {
                "method": "reports_on_time"
            }
        },
        {
            "code": "TC2",
            "title": "Sáng kiến cải cách hành chính",
            "kind": "bonus",
            "max_points": 10,
            "source": {
                "method": "entered"
            }
        }
    ]
}))]
pub struct CreateCampaign {
    /// Unique; letters, digits, `.`, `_`, `-`, at most 40 characters.
    #[schema(
        example = "TD-TTHC-2017",
        pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"
    )]
    pub code: String,
    #[schema(minimum = 2000, maximum = 2200, example = 2017)]
    pub year: i32,
    #[schema(
        example = "Phong trào thi đua \"Giải quyết nhanh thủ tục hành chính cho cá nhân, tổ chức và doanh nghiệp\""
    )]
    #[schema(min_length = 1, max_length = 1000)]
    pub title: String,
    /// The launching document (kế hoạch, quyết định) in the registry.
    #[serde(default)]
    pub document_id: Option<i64>,
    pub participation: Participation,
    /// In order, not overlapping, within the campaign's year give or take one; 1 to 12.
    #[schema(min_items = 1, max_items = 12)]
    pub rounds: Vec<RoundInput>,
    /// 1 to 50; at least one scored.
    #[schema(min_items = 1, max_items = 50)]
    pub criteria: Vec<CampaignCriterionInput>,
}

/// A round of a campaign.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CampaignRound {
    /// 1, 2, … in order.
    #[schema(example = 1)]
    pub number: i32,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// As written.
    pub review_on: NaiveDate,
    /// The working day the review effectively falls on: `review_on`, or the next working day
    /// when `review_on` is a weekend day or a holiday.
    pub review_effective_on: NaiveDate,
    /// When the Office reviewed it and froze its leaderboard; absent while open.
    pub reviewed_at: Option<DateTime<FixedOffset>>,
}

/// A criterion of a campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CampaignCriterion {
    #[schema(example = "TC1")]
    pub code: String,
    pub title: String,
    pub kind: CriterionKind,
    #[schema(value_type = f64, example = 40)]
    pub max_points: Decimal,
    pub source: CampaignSource,
}

/// A campaign with its rounds, criteria and registered units.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Campaign {
    pub id: i64,
    pub code: String,
    pub year: i32,
    pub title: String,
    pub document: Option<DocumentRef>,
    pub participation: Participation,
    /// The sum of the scored criteria's points (usually 100).
    #[schema(value_type = f64, example = 100)]
    pub scale: Decimal,
    pub rounds: Vec<CampaignRound>,
    pub criteria: Vec<CampaignCriterion>,
    /// The units that registered (for `registered` participation).
    pub registered_units: Vec<UnitRef>,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

/// A campaign in a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CampaignSummary {
    pub id: i64,
    pub code: String,
    pub year: i32,
    pub title: String,
    pub participation: Participation,
    pub rounds: i64,
    pub updated_at: DateTime<FixedOffset>,
}

page_of!(
    CampaignPage,
    CampaignSummary,
    "A page of campaigns, newest year first."
);

/// Filters of the list of campaigns.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CampaignFilter {
    #[param(minimum = 2000, maximum = 2200)]
    pub year: Option<i32>,
}

/// A unit registers for a campaign: a reporter its own unit, the Office any.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Register {
    /// The Office names the unit; a reporter registers its own (it may name it).
    #[serde(default)]
    #[schema(example = "VP")]
    pub unit_code: Option<String>,
}

/// The Office enters a unit's points for an entered criterion in a round.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnterPoints {
    #[schema(example = "VP")]
    pub unit_code: String,
    #[schema(example = "TC4")]
    pub criterion_code: String,
    /// From 0 to the criterion's maximum, two decimals (a penalty's are taken off).
    #[schema(value_type = f64, example = 5, minimum = 0, maximum = 1000, multiple_of = 0.01)]
    pub points: Decimal,
    /// Why (the decision, the initiative, the breach); at most 2000 characters.
    #[schema(
        example = "Sáng kiến rút ngắn thời gian cấp giấy phép bán lẻ rượu",
        min_length = 1,
        max_length = 2000
    )]
    pub note: String,
}

/// The Office re-opens a reviewed round.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReopenRound {
    #[schema(
        example = "Bổ sung điểm thưởng theo Quyết định 45/QĐ-SCT",
        min_length = 1,
        max_length = 2000
    )]
    pub reason: String,
}

/// A unit's points for one criterion, with how they were computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CriterionScore {
    pub code: String,
    pub kind: CriterionKind,
    #[schema(value_type = f64)]
    pub max_points: Decimal,
    /// For a computed criterion: what it counted out of how many, and the share (%).
    pub counted: Option<i64>,
    pub out_of: Option<i64>,
    #[schema(value_type = Option<f64>, example = 87.5)]
    pub share_percent: Option<Decimal>,
    /// The points earned (a penalty's shown negative).
    #[schema(value_type = f64, example = 35)]
    pub points: Decimal,
    /// For an entered criterion: the Office's note.
    pub note: Option<String>,
}

/// A unit's line of a leaderboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LeaderboardRow {
    /// 1 for the first; units tied (see `tie_rule`) share a rank and the next rank is skipped.
    #[schema(example = 1)]
    pub rank: i32,
    pub unit_id: i64,
    #[schema(example = "VP")]
    pub unit_code: String,
    pub unit_name: String,
    #[schema(value_type = f64, example = 92.5)]
    pub points: Decimal,
    pub criteria: Vec<CriterionScore>,
}

/// A round's leaderboard (or the whole campaign's: each unit's mean over the rounds).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Leaderboard {
    pub campaign_id: i64,
    /// The round; absent for the whole campaign.
    pub round: Option<i32>,
    /// `live` while the round is open (computed now), `frozen` once reviewed (the snapshot
    /// taken at the review; later changes to the records do not rewrite it).
    #[schema(example = "live")]
    pub state: String,
    pub reviewed_at: Option<DateTime<FixedOffset>>,
    #[schema(value_type = f64, example = 100)]
    pub scale: Decimal,
    /// How ties are broken.
    pub tie_rule: String,
    pub rows: Vec<LeaderboardRow>,
}
