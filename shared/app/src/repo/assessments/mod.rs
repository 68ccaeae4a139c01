//! PAR Index self-assessment rounds: the Office opens a round against a published criteria
//! set (`create`), gives criteria to units (`items`); the responsible unit proposes a score
//! with evidence or an explanation, the Office accepts or returns it (`items`); the readiness
//! board shows what is unresolved and the points at risk (`readiness`); the Office sends the
//! round to the province (`send`), refused while criteria are unresolved unless it overrides.
//!
//! Computed criteria read the indicator's consolidation (accepted reports) of their period
//! when the round is read; survey criteria are the Office's to enter.

mod appraisal;
mod assemble;
mod computed;
mod create;
mod evidence;
pub mod files;
mod follow_up;
mod items;
mod notify;
mod readiness;
mod results;
mod send;
mod workbook;

use diesel_async::AsyncPgConnection;

use crate::authz::{self, Principal};
use cchc_db::assessments::{self as db, AssessmentRow};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::assessment::AssessmentStatus;

pub use appraisal::record_appraisal;
pub use assemble::{get, list};
pub use create::create;
pub(crate) use create::default_unit;
pub use follow_up::task_for_lost_criterion;
pub use items::{accept_item, assign_item, propose_score, return_item, ItemRef};
pub use notify::{owed_parts, OwedParts};
pub use readiness::readiness;
pub use results::results;
pub use send::send;
pub use workbook::workbook;

/// Opening rounds, assigning, judging and sending: the Office.
pub fn authorize_office(principal: &Principal) -> Result<()> {
    authz::require_office_for_plans(principal, "run PAR Index self-assessments")
}

/// Round `id`, or "not found".
async fn find(conn: &mut AsyncPgConnection, id: i64, lock: bool) -> Result<AssessmentRow> {
    db::find(conn, id, lock)
        .await?
        .ok_or(Error::not_found("assessment"))
}

/// A sent round changes no more.
fn refuse_sent(row: &AssessmentRow) -> Result<()> {
    if row.status != AssessmentStatus::Open {
        return Err(Error::conflict(
            "assessment_sent",
            "the self-assessment was sent to the province; it changes no more",
        ));
    }
    Ok(())
}
