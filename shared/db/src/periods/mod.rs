//! A reporting period (`periods`) and the documents it rests on (`period_documents`): the
//! row and what it says in the domain's terms, the columns a set-up writes, and the reads
//! several use cases and jobs share (`reads`), and the writes of a set-up and of a status
//! change (`writes`).

mod list;
mod reads;
mod writes;

pub use list::*;
pub use reads::*;
pub use writes::*;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::schema::{period_documents, periods};
use cchc_domain::model::period::{
    DataWindow, Deadline, LegalDocument, PeriodStatus, Warning, WindowSource,
};
use cchc_domain::model::policy::ReminderPolicy;
use cchc_domain::rules::cutoff::{Frequency, ReportType};
use cchc_domain::rules::local_time::to_local;
use cchc_domain::rules::period_setup::{Derived, PeriodState, DEADLINE_TOO_CLOSE};
use cchc_domain::{Error, Result};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = periods)]
pub struct PeriodRow {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub description: Option<String>,
    pub report_type: ReportType,
    pub frequency: Frequency,
    pub year: Option<i32>,
    pub sequence: Option<i32>,
    pub data_from: NaiveDate,
    pub data_to: NaiveDate,
    pub window_source: WindowSource,
    pub requested_deadline: DateTime<Utc>,
    pub deadline: DateTime<Utc>,
    pub deadline_shifted: bool,
    pub shift_deadline_off_non_working_day: bool,
    pub strict_deadline_check: bool,
    pub deadline_warning: Option<String>,
    pub status: PeriodStatus,
    pub policy: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub opened_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// A unit's report arriving through QLVB is its submission.
    pub qlvb_arrival_submits: bool,
}

impl PeriodRow {
    pub fn policy(&self) -> Result<ReminderPolicy> {
        ReminderPolicy::from_stored(self.policy.clone())
    }

    pub fn data_window(&self) -> DataWindow {
        DataWindow {
            data_from: self.data_from,
            data_to: self.data_to,
            source: self.window_source,
        }
    }

    pub fn deadline(&self) -> Deadline {
        Deadline {
            requested: to_local(self.requested_deadline),
            effective: to_local(self.deadline),
            shifted: self.deadline_shifted,
            shift_off_non_working_day: self.shift_deadline_off_non_working_day,
            strict_check: self.strict_deadline_check,
        }
    }

    pub fn warnings(&self) -> Vec<Warning> {
        self.deadline_warning
            .iter()
            .map(|message| Warning {
                code: DEADLINE_TOO_CLOSE.to_owned(),
                message: message.clone(),
            })
            .collect()
    }

    pub fn state(&self) -> Result<PeriodState> {
        Ok(PeriodState {
            code: self.code.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
            report_type: self.report_type,
            frequency: self.frequency,
            year: self.year,
            sequence: self.sequence,
            custom_window: (self.window_source == WindowSource::Custom)
                .then_some((Some(self.data_from), Some(self.data_to))),
            deadline: to_local(self.requested_deadline),
            shift: self.shift_deadline_off_non_working_day,
            strict: self.strict_deadline_check,
            legal_basis: Vec::new(),
            policy: self.policy()?,
        })
    }
}

/// Period `id`, locked for the rest of the transaction when `lock`.
pub async fn find(conn: &mut AsyncPgConnection, id: i64, lock: bool) -> Result<Option<PeriodRow>> {
    let query = periods::table.find(id).select(PeriodRow::as_select());
    Ok(if lock {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    })
}

/// The documents a period rests on, in their order.
pub async fn legal_basis(
    conn: &mut AsyncPgConnection,
    period_id: i64,
) -> Result<Vec<LegalDocument>> {
    Ok(period_documents::table
        .filter(period_documents::period_id.eq(period_id))
        .order((period_documents::sort_order, period_documents::id))
        .select((
            period_documents::number,
            period_documents::issued_on,
            period_documents::title,
        ))
        .load::<(String, NaiveDate, String)>(conn)
        .await?
        .into_iter()
        .map(|(number, issued_on, title)| LegalDocument {
            number,
            issued_on,
            title,
        })
        .collect())
}

/// The columns a period's state and derivation determine; written on create and on every change.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = periods, treat_none_as_null = true)]
pub struct PeriodValues<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub report_type: ReportType,
    pub frequency: Frequency,
    pub year: Option<i32>,
    pub sequence: Option<i32>,
    pub data_from: NaiveDate,
    pub data_to: NaiveDate,
    pub window_source: WindowSource,
    pub requested_deadline: DateTime<Utc>,
    pub deadline: DateTime<Utc>,
    pub deadline_shifted: bool,
    pub shift_deadline_off_non_working_day: bool,
    pub strict_deadline_check: bool,
    pub deadline_warning: Option<&'a str>,
    pub policy: serde_json::Value,
    pub updated_at: DateTime<Utc>,
}

impl<'a> PeriodValues<'a> {
    pub fn new(state: &'a PeriodState, derived: &'a Derived, now: DateTime<Utc>) -> Result<Self> {
        Ok(Self {
            title: &state.title,
            description: state.description.as_deref(),
            report_type: state.report_type,
            frequency: state.frequency,
            year: state.year,
            sequence: state.sequence,
            data_from: derived.window.data_from,
            data_to: derived.window.data_to,
            window_source: derived.source,
            requested_deadline: derived.deadline.requested,
            deadline: derived.deadline.effective,
            deadline_shifted: derived.deadline.shifted,
            shift_deadline_off_non_working_day: state.shift,
            strict_deadline_check: state.strict,
            deadline_warning: derived.warning.as_deref(),
            policy: serde_json::to_value(&state.policy)
                .map_err(|e| Error::Internal(format!("policy serialization: {e}")))?,
            updated_at: now,
        })
    }
}

/// What a report, a reminder or a receipt needs of its period.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = periods)]
pub struct PeriodFacts {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub status: PeriodStatus,
    pub deadline: DateTime<Utc>,
    /// The reminder policy as stored (JSONB, written from a checked policy).
    pub policy: serde_json::Value,
}
