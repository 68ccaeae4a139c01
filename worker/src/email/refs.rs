//! What the report mails (`content`) and the task mails (`task_content`) both name.

use serde::{Deserialize, Serialize};

/// A unit as the mails name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRef {
    pub id: i64,
    /// E.g. `KHTC`.
    pub code: String,
    /// E.g. `Phòng Kế hoạch - Tài chính`.
    pub name: String,
    /// The unit is the Office (Văn phòng Sở) itself: its mails do not say "the Office has not
    /// received the Office's report" nor warn that the Office will escalate.
    #[serde(default)]
    pub office: bool,
}
