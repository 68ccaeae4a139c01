//! What a planning pass reports, and the one way a job key names its recipient: shared by the
//! periods' planning (`plan`), the tasks' (`tasks`), the self-assessment rounds'
//! (`assessments`) and the emulation campaigns' (`campaigns`).

use cchc_domain::model::job::Recipient;

/// What one planning pass enqueued.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanReport {
    pub reminders: usize,
    pub head_escalations: usize,
    pub leadership_escalations: usize,
    pub digests: usize,
    /// `task.overdue` events recorded.
    pub tasks_overdue: usize,
    pub task_reminders: usize,
    pub task_head_escalations: usize,
    pub task_leadership_escalations: usize,
    /// Plans' monthly and quarterly digests.
    pub plan_digests: usize,
    /// Self-assessment rounds: reminders to units that owe parts.
    pub assessment_reminders: usize,
    pub assessment_head_escalations: usize,
    pub assessment_leadership_escalations: usize,
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
            + self.digests
            + self.tasks_overdue
            + self.task_reminders
            + self.task_head_escalations
            + self.task_leadership_escalations
            + self.plan_digests
            + self.assessment_reminders
            + self.assessment_head_escalations
            + self.assessment_leadership_escalations
            + self.assessment_office_reminders
            + self.assessment_digests
            + self.campaign_office_reminders
            + self.campaign_unit_reminders
    }
}

/// Addresses are compared case-insensitively, so keys are too.
pub(super) fn key_email(recipient: &Recipient) -> String {
    recipient.email.trim().to_lowercase()
}
