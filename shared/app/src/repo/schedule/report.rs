//! What a planning pass reports, and the one way a job key names its recipient: shared by the
//! periods' planning (`plan`), the tasks' (`tasks`), the self-assessment rounds'
//! (`assessments`) and the emulation campaigns' (`campaigns`).

use cchc_domain::model::job::Recipient;

/// What one planning pass recorded and enqueued. Escalations count what was recorded (a unit,
/// or a task, escalated to a level), whether or not anyone is there to mail; the mails about
/// them are counted apart (`*escalation_mails`): with no leadership mailbox configured, units
/// are still escalated to the leadership, and the log says so.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanReport {
    pub reminders: usize,
    /// Units escalated to their head.
    pub head_escalations: usize,
    /// Units escalated to the leadership.
    pub leadership_escalations: usize,
    /// Mails enqueued about the periods' escalations (to heads, the leadership and the Office).
    pub escalation_mails: usize,
    pub digests: usize,
    /// `task.overdue` events recorded.
    pub tasks_overdue: usize,
    pub task_reminders: usize,
    /// Overdue tasks escalated to their lead unit's head.
    pub task_head_escalations: usize,
    /// Overdue tasks escalated to the leadership.
    pub task_leadership_escalations: usize,
    /// Mails enqueued about the tasks' escalations.
    pub task_escalation_mails: usize,
    /// Plans' monthly and quarterly digests.
    pub plan_digests: usize,
    /// Self-assessment rounds: reminders to units that owe parts.
    pub assessment_reminders: usize,
    /// Units owing parts escalated to their head.
    pub assessment_head_escalations: usize,
    /// Units owing parts escalated to the leadership.
    pub assessment_leadership_escalations: usize,
    /// Mails enqueued about the rounds' escalations.
    pub assessment_escalation_mails: usize,
    /// Reminders to the Office of a round's deadline at the province.
    pub assessment_office_reminders: usize,
    /// Rounds' daily readiness digests.
    pub assessment_digests: usize,
    /// Reminders to the Office of a campaign round's review.
    pub campaign_office_reminders: usize,
    /// Reminders to competing units' focal persons before a campaign round ends.
    pub campaign_unit_reminders: usize,
}

impl PlanReport {
    pub fn total(&self) -> usize {
        self.reminders
            + self.head_escalations
            + self.leadership_escalations
            + self.escalation_mails
            + self.digests
            + self.tasks_overdue
            + self.task_reminders
            + self.task_head_escalations
            + self.task_leadership_escalations
            + self.task_escalation_mails
            + self.plan_digests
            + self.assessment_reminders
            + self.assessment_head_escalations
            + self.assessment_leadership_escalations
            + self.assessment_escalation_mails
            + self.assessment_office_reminders
            + self.assessment_digests
            + self.campaign_office_reminders
            + self.campaign_unit_reminders
    }
}

/// What one pass escalated: records made at each level, and the mails enqueued about them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Escalated {
    pub heads: usize,
    pub leadership: usize,
    pub mails: usize,
}

/// Addresses are compared case-insensitively, so keys are too.
pub(super) fn key_email(recipient: &Recipient) -> String {
    recipient.email.trim().to_lowercase()
}
