//! What the PAR Index criteria computed from the system's own work read: a plan's tasks with
//! their deadlines and confirmations, and the units' reports of a year's periods with their
//! first submission's timeliness.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::{period_units, periods, plans, submissions, tasks};
use cchc_domain::model::period::PeriodStatus;
use cchc_domain::Result;

/// How many of something were on time, out of how many.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OnTime {
    pub counted: i64,
    pub out_of: i64,
}

/// A plan's code and, for each of its tasks (none for a plan without tasks), its id,
/// deadline, extended deadline and confirmation.
type PlanTaskDates = (
    String,
    Option<i64>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
);

/// By plan code: the tasks with a deadline (the extended one where extended), and how many
/// of them the Office confirmed done no later than it. A code that names no plan is absent.
pub async fn plans_on_time(
    conn: &mut AsyncPgConnection,
    codes: &[String],
) -> Result<HashMap<String, OnTime>> {
    let rows: Vec<PlanTaskDates> = plans::table
        .left_join(tasks::table.on(tasks::plan_id.eq(plans::id.nullable())))
        .filter(plans::code.eq_any(codes))
        .select((
            plans::code,
            tasks::id.nullable(),
            tasks::deadline.nullable(),
            tasks::extended_deadline.nullable(),
            tasks::confirmed_at.nullable(),
        ))
        .load(conn)
        .await?;
    let mut found: HashMap<String, OnTime> = HashMap::new();
    for (code, task, deadline, extended, confirmed) in rows {
        let entry = found.entry(code).or_default();
        let (Some(_), Some(deadline)) = (task, extended.or(deadline)) else {
            continue;
        };
        entry.out_of += 1;
        if confirmed.is_some_and(|at| at <= deadline) {
            entry.counted += 1;
        }
    }
    Ok(found)
}

/// By year: the participating units' reports of the year's periods (drafts aside), and how
/// many were first submitted early or on time.
pub async fn reports_on_time(
    conn: &mut AsyncPgConnection,
    years: &[i32],
) -> Result<HashMap<i32, OnTime>> {
    let rows: Vec<(Option<i32>, Option<String>)> = period_units::table
        .inner_join(periods::table)
        .left_join(
            submissions::table.on(submissions::period_id
                .eq(period_units::period_id)
                .and(submissions::unit_id.eq(period_units::unit_id))),
        )
        .filter(periods::year.eq_any(years))
        .filter(periods::status.ne(PeriodStatus::Draft))
        .select((periods::year, submissions::first_timeliness.nullable()))
        .load(conn)
        .await?;
    let mut found: HashMap<i32, OnTime> = HashMap::new();
    for (year, timeliness) in rows {
        let Some(year) = year else { continue };
        let entry = found.entry(year).or_default();
        entry.out_of += 1;
        if matches!(timeliness.as_deref(), Some("early" | "on_time")) {
            entry.counted += 1;
        }
    }
    Ok(found)
}
