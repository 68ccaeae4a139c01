//! Emulation campaigns (`campaigns`) with their rounds, criteria, registrations, the points
//! the Office enters and each reviewed round's snapshot; and the counts their computed
//! criteria read: each unit's reports and led tasks due in a span of time.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;

use crate::schema::{
    campaign_criteria, campaign_points, campaign_registrations, campaign_rounds, campaigns,
    indicators, period_extensions, period_units, periods, plans, submission_values, submissions,
    tasks, units,
};
use cchc_domain::model::campaign::{CriterionKind, Participation};
use cchc_domain::model::period::PeriodStatus;
use cchc_domain::model::plan::PlanStatus;
use cchc_domain::model::unit::UnitKind;
use cchc_domain::Result;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = campaigns)]
pub struct CampaignRow {
    pub id: i64,
    pub code: String,
    pub year: i32,
    pub title: String,
    pub document_id: Option<i64>,
    pub participation: Participation,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = campaign_rounds)]
pub struct RoundRow {
    pub campaign_id: i64,
    pub number: i32,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub review_on: NaiveDate,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub reviewed_by: Option<String>,
    pub snapshot: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = campaign_criteria)]
pub struct CriterionRow {
    pub campaign_id: i64,
    pub position: i32,
    pub code: String,
    pub title: String,
    pub kind: CriterionKind,
    pub max_points: Decimal,
    pub source: serde_json::Value,
}

/// A campaign as written, with its rounds (start, end, review) and criteria (code, title,
/// kind, points, source).
pub struct NewCampaign<'a> {
    pub code: &'a str,
    pub year: i32,
    pub title: &'a str,
    pub document_id: Option<i64>,
    pub participation: Participation,
    pub rounds: Vec<(NaiveDate, NaiveDate, NaiveDate)>,
    pub criteria: Vec<(&'a str, &'a str, CriterionKind, Decimal, serde_json::Value)>,
}

/// Records `new`; its id. A taken code is the raw unique violation.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    new: &NewCampaign<'_>,
    now: DateTime<Utc>,
) -> QueryResult<i64> {
    let id: i64 = diesel::insert_into(campaigns::table)
        .values((
            campaigns::code.eq(new.code),
            campaigns::year.eq(new.year),
            campaigns::title.eq(new.title),
            campaigns::document_id.eq(new.document_id),
            campaigns::participation.eq(new.participation),
            campaigns::created_at.eq(now),
            campaigns::updated_at.eq(now),
        ))
        .returning(campaigns::id)
        .get_result(conn)
        .await?;
    let rounds: Vec<_> = (1..)
        .zip(&new.rounds)
        .map(|(number, (starts, ends, review))| {
            (
                campaign_rounds::campaign_id.eq(id),
                campaign_rounds::number.eq(number),
                campaign_rounds::starts_on.eq(*starts),
                campaign_rounds::ends_on.eq(*ends),
                campaign_rounds::review_on.eq(*review),
            )
        })
        .collect();
    diesel::insert_into(campaign_rounds::table)
        .values(rounds)
        .execute(conn)
        .await?;
    let criteria: Vec<_> = (1..)
        .zip(&new.criteria)
        .map(|(position, (code, title, kind, max, source))| {
            (
                campaign_criteria::campaign_id.eq(id),
                campaign_criteria::position.eq(position),
                campaign_criteria::code.eq(*code),
                campaign_criteria::title.eq(*title),
                campaign_criteria::kind.eq(*kind),
                campaign_criteria::max_points.eq(*max),
                campaign_criteria::source.eq(source),
            )
        })
        .collect();
    diesel::insert_into(campaign_criteria::table)
        .values(criteria)
        .execute(conn)
        .await?;
    Ok(id)
}

/// The id of the campaign with code `code`.
pub async fn id_by_code(conn: &mut AsyncPgConnection, code: &str) -> Result<Option<i64>> {
    Ok(campaigns::table
        .filter(campaigns::code.eq(code))
        .select(campaigns::id)
        .first(conn)
        .await
        .optional()?)
}

/// Campaign `id`.
pub async fn find(conn: &mut AsyncPgConnection, id: i64) -> Result<Option<CampaignRow>> {
    Ok(campaigns::table
        .find(id)
        .select(CampaignRow::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// Campaign `id`'s rounds in order and criteria in order.
pub async fn parts_of(
    conn: &mut AsyncPgConnection,
    id: i64,
) -> Result<(Vec<RoundRow>, Vec<CriterionRow>)> {
    let rounds = campaign_rounds::table
        .filter(campaign_rounds::campaign_id.eq(id))
        .order(campaign_rounds::number)
        .select(RoundRow::as_select())
        .load(conn)
        .await?;
    let criteria = campaign_criteria::table
        .filter(campaign_criteria::campaign_id.eq(id))
        .order(campaign_criteria::position)
        .select(CriterionRow::as_select())
        .load(conn)
        .await?;
    Ok((rounds, criteria))
}

/// A round not yet reviewed, with what the worker's planning needs of its campaign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreviewedRound {
    pub campaign_id: i64,
    pub participation: Participation,
    pub number: i32,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub review_on: NaiveDate,
}

/// The rounds not yet reviewed whose review date is on or after `since`, by campaign and
/// number.
pub async fn unreviewed_rounds(
    conn: &mut AsyncPgConnection,
    since: NaiveDate,
) -> Result<Vec<UnreviewedRound>> {
    let rows: Vec<(i64, Participation, i32, NaiveDate, NaiveDate, NaiveDate)> =
        campaign_rounds::table
            .inner_join(campaigns::table)
            .filter(campaign_rounds::reviewed_at.is_null())
            .filter(campaign_rounds::review_on.ge(since))
            .order((campaign_rounds::campaign_id, campaign_rounds::number))
            .select((
                campaign_rounds::campaign_id,
                campaigns::participation,
                campaign_rounds::number,
                campaign_rounds::starts_on,
                campaign_rounds::ends_on,
                campaign_rounds::review_on,
            ))
            .load(conn)
            .await?;
    Ok(rows
        .into_iter()
        .map(
            |(campaign_id, participation, number, starts_on, ends_on, review_on)| UnreviewedRound {
                campaign_id,
                participation,
                number,
                starts_on,
                ends_on,
                review_on,
            },
        )
        .collect())
}

/// Round `number` of campaign `id`, locked.
pub async fn lock_round(
    conn: &mut AsyncPgConnection,
    id: i64,
    number: i32,
) -> Result<Option<RoundRow>> {
    Ok(campaign_rounds::table
        .find((id, number))
        .select(RoundRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()?)
}

/// How many campaigns there are (of `year` when given), and a page of them with their numbers
/// of rounds, newest year first.
pub async fn page(
    conn: &mut AsyncPgConnection,
    year: Option<i32>,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<(CampaignRow, i64)>)> {
    let query = || {
        let mut query = campaigns::table.into_boxed();
        if let Some(year) = year {
            query = query.filter(campaigns::year.eq(year));
        }
        query
    };
    let total: i64 = query().count().get_result(conn).await?;
    let rows: Vec<CampaignRow> = query()
        .order((campaigns::year.desc(), campaigns::id.desc()))
        .limit(limit)
        .offset(offset)
        .select(CampaignRow::as_select())
        .load(conn)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let counts: Vec<(i64, i64)> = campaign_rounds::table
        .filter(campaign_rounds::campaign_id.eq_any(&ids))
        .group_by(campaign_rounds::campaign_id)
        .select((campaign_rounds::campaign_id, diesel::dsl::count_star()))
        .load(conn)
        .await?;
    let counts: HashMap<i64, i64> = counts.into_iter().collect();
    Ok((
        total,
        rows.into_iter()
            .map(|row| {
                let rounds = counts.get(&row.id).copied().unwrap_or(0);
                (row, rounds)
            })
            .collect(),
    ))
}

/// Registers unit `unit_id`; whether it was new.
pub async fn register(
    conn: &mut AsyncPgConnection,
    id: i64,
    unit_id: i64,
    by: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let added = diesel::insert_into(campaign_registrations::table)
        .values((
            campaign_registrations::campaign_id.eq(id),
            campaign_registrations::unit_id.eq(unit_id),
            campaign_registrations::registered_at.eq(now),
            campaign_registrations::registered_by.eq(by),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(added == 1)
}

/// The units registered for campaign `id`: id, code, name, by code.
pub async fn registered(
    conn: &mut AsyncPgConnection,
    id: i64,
) -> Result<Vec<(i64, String, String)>> {
    Ok(campaign_registrations::table
        .inner_join(units::table)
        .filter(campaign_registrations::campaign_id.eq(id))
        .order(units::code)
        .select((units::id, units::code, units::name))
        .load(conn)
        .await?)
}

/// The active units of the department that compete when every unit does (the department
/// itself aside): id, code, name, by code.
pub async fn all_competing_units(
    conn: &mut AsyncPgConnection,
) -> Result<Vec<(i64, String, String)>> {
    Ok(units::table
        .filter(units::active.eq(true))
        .filter(units::kind.ne(UnitKind::Department))
        .order(units::code)
        .select((units::id, units::code, units::name))
        .load(conn)
        .await?)
}

/// Records (or replaces) the points of unit `unit_id` for criterion `code` in a round.
pub struct EnteredPoints<'a> {
    pub campaign_id: i64,
    pub round: i32,
    pub unit_id: i64,
    pub criterion_code: &'a str,
    pub points: Decimal,
    pub note: &'a str,
    pub by: &'a str,
}

pub async fn enter_points(
    conn: &mut AsyncPgConnection,
    entered: &EnteredPoints<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    diesel::insert_into(campaign_points::table)
        .values((
            campaign_points::campaign_id.eq(entered.campaign_id),
            campaign_points::round_number.eq(entered.round),
            campaign_points::unit_id.eq(entered.unit_id),
            campaign_points::criterion_code.eq(entered.criterion_code),
            campaign_points::points.eq(entered.points),
            campaign_points::note.eq(entered.note),
            campaign_points::entered_at.eq(now),
            campaign_points::entered_by.eq(entered.by),
        ))
        .on_conflict((
            campaign_points::campaign_id,
            campaign_points::round_number,
            campaign_points::unit_id,
            campaign_points::criterion_code,
        ))
        .do_update()
        .set((
            campaign_points::points.eq(entered.points),
            campaign_points::note.eq(entered.note),
            campaign_points::entered_at.eq(now),
            campaign_points::entered_by.eq(entered.by),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// The points entered in round `round`: by (unit, criterion code), the points and the note.
pub async fn entered_points(
    conn: &mut AsyncPgConnection,
    id: i64,
    round: i32,
) -> Result<HashMap<(i64, String), (Decimal, String)>> {
    let rows: Vec<(i64, String, Decimal, String)> = campaign_points::table
        .filter(campaign_points::campaign_id.eq(id))
        .filter(campaign_points::round_number.eq(round))
        .select((
            campaign_points::unit_id,
            campaign_points::criterion_code,
            campaign_points::points,
            campaign_points::note,
        ))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(unit, code, points, note)| ((unit, code), (points, note)))
        .collect())
}

/// Freezes round `round` with `snapshot` (or, with `None`, opens it again).
pub async fn set_review(
    conn: &mut AsyncPgConnection,
    id: i64,
    round: i32,
    review: Option<(serde_json::Value, &str, DateTime<Utc>)>,
) -> Result<()> {
    let (snapshot, by, at) = match review {
        Some((snapshot, by, at)) => (Some(snapshot), Some(by), Some(at)),
        None => (None, None, None),
    };
    diesel::update(campaign_rounds::table.find((id, round)))
        .set((
            campaign_rounds::snapshot.eq(snapshot),
            campaign_rounds::reviewed_by.eq(by),
            campaign_rounds::reviewed_at.eq(at),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// A unit's reports due in a span: how many, how many first submitted early or on time, how
/// many accepted at their first submission.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReportCounts {
    pub due: i64,
    pub on_time: i64,
    pub accepted_first_time: i64,
}

/// By unit: the reports of non-draft periods whose deadline (an extension's where granted)
/// falls in `[from, to)`.
pub async fn report_counts(
    conn: &mut AsyncPgConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<HashMap<i64, ReportCounts>> {
    // Extensions move a deadline by days or weeks; a quarter either side covers them.
    let margin = chrono::Duration::days(92);
    type Row = (
        i64,
        DateTime<Utc>,
        Option<DateTime<Utc>>,
        Option<String>,
        Option<String>,
        Option<i32>,
    );
    let rows: Vec<Row> = period_units::table
        .inner_join(periods::table)
        .left_join(
            period_extensions::table.on(period_extensions::period_id
                .eq(period_units::period_id)
                .and(period_extensions::unit_id.eq(period_units::unit_id))),
        )
        .left_join(
            submissions::table.on(submissions::period_id
                .eq(period_units::period_id)
                .and(submissions::unit_id.eq(period_units::unit_id))),
        )
        .filter(periods::status.ne(PeriodStatus::Draft))
        .filter(periods::deadline.ge(from - margin))
        .filter(periods::deadline.lt(to + margin))
        .select((
            period_units::unit_id,
            periods::deadline,
            period_extensions::deadline.nullable(),
            submissions::first_timeliness.nullable(),
            submissions::status.nullable(),
            submissions::submit_count.nullable(),
        ))
        .load(conn)
        .await?;
    let mut counts: HashMap<i64, ReportCounts> = HashMap::new();
    for (unit, deadline, extended, timeliness, status, submits) in rows {
        let deadline = extended.unwrap_or(deadline);
        if deadline < from || deadline >= to {
            continue;
        }
        let entry = counts.entry(unit).or_default();
        entry.due += 1;
        if matches!(timeliness.as_deref(), Some("early" | "on_time")) {
            entry.on_time += 1;
        }
        if status.as_deref() == Some("accepted") && submits == Some(1) {
            entry.accepted_first_time += 1;
        }
    }
    Ok(counts)
}

/// By lead unit: the tasks (of issued or closed plans, or of a directive) whose deadline (the
/// extended one where extended) falls in `[from, to)`, and how many of them the Office
/// confirmed no later than it.
pub async fn task_counts(
    conn: &mut AsyncPgConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<HashMap<i64, (i64, i64)>> {
    type Row = (
        i64,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
        Option<PlanStatus>,
    );
    let rows: Vec<Row> = tasks::table
        .left_join(plans::table)
        .filter(
            tasks::deadline
                .is_not_null()
                .or(tasks::extended_deadline.is_not_null()),
        )
        .select((
            tasks::lead_unit_id,
            tasks::deadline,
            tasks::extended_deadline,
            tasks::confirmed_at,
            plans::status.nullable(),
        ))
        .load(conn)
        .await?;
    let mut counts: HashMap<i64, (i64, i64)> = HashMap::new();
    for (unit, deadline, extended, confirmed, plan) in rows {
        if plan == Some(PlanStatus::Draft) {
            continue;
        }
        let Some(deadline) = extended.or(deadline) else {
            continue;
        };
        if deadline < from || deadline >= to {
            continue;
        }
        let entry = counts.entry(unit).or_default();
        entry.1 += 1;
        if confirmed.is_some_and(|at| at <= deadline) {
            entry.0 += 1;
        }
    }
    Ok(counts)
}

/// By unit: Σ numerators and Σ denominators of indicator `code` in the unit's accepted reports
/// of non-draft periods whose deadline (an extension's where granted) falls in `[from, to)`
/// (values marked not applicable aside).
pub async fn indicator_sums(
    conn: &mut AsyncPgConnection,
    code: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<HashMap<i64, (Decimal, Decimal)>> {
    let margin = chrono::Duration::days(92);
    type Row = (
        i64,
        DateTime<Utc>,
        Option<DateTime<Utc>>,
        Option<Decimal>,
        Option<Decimal>,
    );
    let rows: Vec<Row> = submissions::table
        .inner_join(periods::table)
        .inner_join(submission_values::table.inner_join(indicators::table))
        .left_join(
            period_extensions::table.on(period_extensions::period_id
                .eq(submissions::period_id)
                .and(period_extensions::unit_id.eq(submissions::unit_id))),
        )
        .filter(indicators::code.eq(code))
        .filter(submissions::status.eq("accepted"))
        .filter(submission_values::not_applicable.eq(false))
        .filter(periods::status.ne(PeriodStatus::Draft))
        .filter(periods::deadline.ge(from - margin))
        .filter(periods::deadline.lt(to + margin))
        .select((
            submissions::unit_id,
            periods::deadline,
            period_extensions::deadline.nullable(),
            submission_values::numerator,
            submission_values::denominator,
        ))
        .load(conn)
        .await?;
    let mut sums: HashMap<i64, (Decimal, Decimal)> = HashMap::new();
    for (unit, deadline, extended, numerator, denominator) in rows {
        let deadline = extended.unwrap_or(deadline);
        if deadline < from || deadline >= to {
            continue;
        }
        let (Some(numerator), Some(denominator)) = (numerator, denominator) else {
            continue;
        };
        let entry = sums.entry(unit).or_default();
        entry.0 += numerator;
        entry.1 += denominator;
    }
    Ok(sums)
}

/// Which of indicators `codes` exist, by code, and whether each is a ratio.
pub async fn indicator_ratios(
    conn: &mut AsyncPgConnection,
    codes: &[String],
) -> Result<HashMap<String, bool>> {
    let rows: Vec<(String, cchc_domain::model::indicator::IndicatorKind)> = indicators::table
        .filter(indicators::code.eq_any(codes))
        .select((indicators::code, indicators::kind))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(code, kind)| {
            (
                code,
                kind == cchc_domain::model::indicator::IndicatorKind::Ratio,
            )
        })
        .collect())
}
