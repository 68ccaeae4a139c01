//! The web app's links in the mails, from the public base URL: the only place that knows the
//! app's paths (report, task, self-assessment and campaign mails alike).

/// Web-app links, from the public base URL. The only place that knows the app's paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Links {
    base: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the public base URL must be an absolute http(s) URL, e.g. https://cchc.example.gov.vn; got {0:?}")]
pub struct InvalidBaseUrl(pub String);

impl Links {
    pub fn new(public_base_url: &str) -> Result<Self, InvalidBaseUrl> {
        let base = public_base_url.trim().trim_end_matches('/');
        let host = base
            .strip_prefix("https://")
            .or_else(|| base.strip_prefix("http://"));
        let plausible = host.is_some_and(|host| {
            !host.is_empty()
                && !host.starts_with('/')
                && !host
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>'))
        });
        if !plausible {
            return Err(InvalidBaseUrl(public_base_url.to_owned()));
        }
        Ok(Self {
            base: base.to_owned(),
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn periods(&self) -> String {
        format!("{}/periods", self.base)
    }

    pub fn period(&self, period_id: i64) -> String {
        format!("{}/periods/{period_id}", self.base)
    }

    pub fn submission(&self, submission_id: i64) -> String {
        format!("{}/submissions/{submission_id}", self.base)
    }

    /// The compliance board of a period: who reported, on time, late, missing.
    pub fn compliance(&self, period_id: i64) -> String {
        format!("{}/periods/{period_id}/compliance", self.base)
    }

    pub fn task(&self, task_id: i64) -> String {
        format!("{}/tasks/{task_id}", self.base)
    }

    /// A plan's board: its tasks by status, unit and content area.
    pub fn plan_board(&self, plan_id: i64) -> String {
        format!("{}/plans/{plan_id}/board", self.base)
    }

    /// Every overdue task, whatever its source.
    pub fn overdue_tasks(&self) -> String {
        format!("{}/tasks?status=overdue", self.base)
    }

    /// A self-assessment round through the API: a unit's reporter sees its own unit's parts,
    /// the Office every part. The API has no page of one unit's parts.
    pub fn assessment(&self, assessment_id: i64) -> String {
        format!("{}/api/v1/assessments/{assessment_id}", self.base)
    }

    /// A round's readiness board: what is unresolved and the points at risk, per area and unit.
    pub fn assessment_readiness(&self, assessment_id: i64) -> String {
        format!("{}/api/v1/assessments/{assessment_id}/readiness", self.base)
    }

    /// A campaign round's leaderboard through the API: live while the round is open.
    pub fn campaign_round_leaderboard(&self, campaign_id: i64, round: i32) -> String {
        format!(
            "{}/api/v1/campaigns/{campaign_id}/rounds/{round}/leaderboard",
            self.base
        )
    }

    /// Where the Office reviews a campaign round (`POST`), freezing its leaderboard.
    pub fn campaign_round_review(&self, campaign_id: i64, round: i32) -> String {
        format!(
            "{}/api/v1/campaigns/{campaign_id}/rounds/{round}/review",
            self.base
        )
    }

    pub(super) fn submission_or_period(
        &self,
        submission_id: Option<i64>,
        period_id: i64,
    ) -> String {
        match submission_id {
            Some(id) => self.submission(id),
            None => self.period(period_id),
        }
    }
}
