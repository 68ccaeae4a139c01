//! What the emulation campaign mails say: the Office's reminder of a round's review with the
//! top of the live leaderboard, and a competing unit's reminder of a round's end with its own
//! points, rank and per-criterion breakdown. Plain data, like the other contexts.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::refs::UnitRef;
use cchc_domain::model::campaign::CriterionKind;
use cchc_domain::rules::reminders::ReminderStep;

/// A campaign as the mails name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignLabel {
    pub id: i64,
    /// E.g. `TD-TTHC-2026`.
    pub code: String,
    pub title: String,
    pub year: i32,
}

/// A round's local dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundDates {
    pub number: i32,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// The review date as written.
    pub review_on: NaiveDate,
    /// The working day the review effectively falls on.
    pub review_effective_on: NaiveDate,
}

/// A line of the top of the leaderboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardLine {
    pub rank: i32,
    pub unit: UnitRef,
    pub points: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignOfficeReminderContext {
    pub campaign: CampaignLabel,
    pub round: RoundDates,
    /// The end of the working day the review falls on.
    pub due: DateTime<Utc>,
    pub step: ReminderStep,
    /// The sum of the scored criteria's points.
    pub scale: Decimal,
    /// How many units compete.
    pub competing: u32,
    /// The first lines of the live leaderboard (at most [`TOP_LINES`]).
    pub top: Vec<BoardLine>,
}

/// How many lines of the leaderboard the Office's reminder shows.
pub const TOP_LINES: usize = 5;

/// A unit's points for one criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionLine {
    pub code: String,
    pub title: String,
    pub kind: CriterionKind,
    pub max_points: Decimal,
    /// A penalty's are negative.
    pub points: Decimal,
    /// For a computed criterion: what it counted out of how many.
    pub counted: Option<i64>,
    pub out_of: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignUnitReminderContext {
    pub campaign: CampaignLabel,
    pub round: RoundDates,
    pub unit: UnitRef,
    /// The end of the round's last day's office hours.
    pub due: DateTime<Utc>,
    pub step: ReminderStep,
    pub scale: Decimal,
    pub competing: u32,
    pub rank: i32,
    pub points: Decimal,
    pub criteria: Vec<CriterionLine>,
}
