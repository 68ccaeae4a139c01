//! What the worker's schedule enqueues: reminders to units that have not submitted,
//! escalations of late units, and the Office's daily digest (`plan`); the same for tasks, with
//! the plans' digests for their working groups (`tasks`); the same for PAR Index
//! self-assessment rounds, with the Office's reminder and readiness digest (`assessments`);
//! reminders of emulation campaign rounds to the Office before each review and to the
//! competing units before each round ends (`campaigns`); and the reads of who is late and escalated that the mail jobs, the board and the Office's
//! list share (`read`).

mod assessments;
mod campaigns;
mod plan;
mod read;
mod report;
mod tasks;

pub use plan::plan;
pub use read::{contacts_of, escalations_of, levels, UnitContacts};
pub use report::PlanReport;
pub(crate) use tasks::reminder_target;
