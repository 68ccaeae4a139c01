//! Pure domain rules for reporting periods: local time, working days, Decree
//! 09/2019/NĐ-CP cut-off windows and deadline checks.
//!
//! Nothing here touches the database or the clock: callers load the holiday
//! calendar and pass instants in, so every rule can be unit-tested with fixed
//! dates and reused by both the API and the worker.

pub mod aggregation;
pub mod assessment_reminders;
pub mod attachments;
pub mod calendar;
pub mod campaign_reminders;
pub mod completeness;
pub mod compliance;
pub mod consolidation;
pub mod cutoff;
pub mod deadline;
pub mod document_match;
pub mod document_number;
pub mod emulation;
pub mod evidence;
pub mod figures;
pub mod lateness;
pub mod local_time;
pub mod monitoring;
pub mod numerals;
pub mod par_index;
pub mod par_readiness;
pub mod period_setup;
pub mod reminders;
pub mod signature;
pub mod signed_link;
pub mod system_figure;
pub mod task_due;
pub mod task_history;
pub mod task_status;
pub mod timeliness;
pub mod webhooks;
