//! Tasks (nhiệm vụ) of a plan or of a directive document: who leads and coordinates, when they
//! are due, their progress and completion. The status is derived, never typed in.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::model::indicator::ContentArea;
use crate::model::plan::{DocumentRef, TargetProgress, UnitRef};
use crate::model::{double_option, non_null, page_of};
use crate::rules::task_due::{ReportEvery, TaskDue};
use crate::rules::task_status::TaskStatus;
use crate::text_enum;

text_enum! {
    /// Where the task's completion stands.
    pub enum TaskCompletion {
        /// Not declared done (or returned by the Office).
        Open => "open",
        /// The lead unit declared it done; the Office has not confirmed it yet.
        Declared => "declared",
        /// The Office confirmed it done.
        Confirmed => "confirmed",
    }
}

text_enum! {
    /// What an entry of a task's history records.
    pub enum TaskEventKind {
        /// The lead unit reported progress.
        Progress => "progress",
        /// A coordinating unit reported its contribution.
        Contribution => "contribution",
        /// The lead unit declared the task done.
        DeclaredDone => "declared_done",
        /// The Office returned the declaration, with a reason.
        Returned => "returned",
        /// The Office confirmed the task done.
        Confirmed => "confirmed",
    }
}

/// The plan a task belongs to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanRef {
    pub id: i64,
    #[schema(example = "KH-CCHC-2022")]
    pub code: String,
    pub title: String,
}

/// A task.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Task {
    pub id: i64,
    /// The plan it belongs to; absent for a task of a directive document.
    pub plan: Option<PlanRef>,
    /// The directive document it comes from (e.g. a meeting conclusion); absent for a plan's
    /// task.
    pub source_document: Option<DocumentRef>,
    /// Its number in the source, e.g. `1`, `2.3`.
    #[schema(example = "2.3")]
    pub code: String,
    #[schema(example = "Rà soát các thủ tục hành chính mức độ 3, 4 không phát sinh hồ sơ")]
    pub title: String,
    pub content_area: Option<ContentArea>,
    /// The lead unit (đơn vị chủ trì).
    pub lead_unit: UnitRef,
    /// Coordinating units (đơn vị phối hợp).
    pub coordinating_units: Vec<UnitRef>,
    /// The expected product (sản phẩm): kế hoạch, báo cáo, quyết định…
    #[schema(example = "Báo cáo kết quả rà soát")]
    pub expected_output: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub due: TaskDue,
    /// The due as an office document writes it, e.g. `Tháng 5/2022`.
    #[schema(example = "Tháng 5/2022")]
    pub due_text: String,
    /// The instant `due` means with the working-day calendar; absent for ongoing work.
    #[schema(example = "2022-05-31T17:00:00+07:00")]
    pub deadline: Option<DateTime<FixedOffset>>,
    /// The deadline of the latest extension, if one was granted.
    pub extended_deadline: Option<DateTime<FixedOffset>>,
    /// The deadline that applies: the extended one, else `deadline`.
    pub effective_deadline: Option<DateTime<FixedOffset>>,
    /// For ongoing work: how often it reports progress.
    pub reports_every: Option<ReportEvery>,
    /// Derived from the dates, the completion and the calendar at the time of the answer.
    pub status: TaskStatus,
    /// The status as staff read it, e.g. `Quá hạn chưa hoàn thành`.
    #[schema(example = "Đang thực hiện trong hạn")]
    pub status_label: String,
    #[schema(minimum = 0, maximum = 100)]
    pub progress_percent: i16,
    pub last_progress_at: Option<DateTime<FixedOffset>>,
    pub completion: TaskCompletion,
    /// When the lead unit declared it done.
    pub declared_at: Option<DateTime<FixedOffset>>,
    /// The output document the declaration cites.
    pub output_document: Option<DocumentRef>,
    pub completion_note: Option<String>,
    pub confirmed_at: Option<DateTime<FixedOffset>>,
    /// When the Office last returned a declaration, and why.
    pub returned_at: Option<DateTime<FixedOffset>>,
    pub return_reason: Option<String>,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

/// An extension (gia hạn) of a task's deadline; the deadline it replaced is kept.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaskExtension {
    pub id: i64,
    pub previous_deadline: Option<DateTime<FixedOffset>>,
    pub due: TaskDue,
    pub deadline: DateTime<FixedOffset>,
    pub reason: String,
    pub granted_at: DateTime<FixedOffset>,
    pub granted_by: String,
}

/// Evidence cited by an entry of the history: a registry document or one of the task's files
/// (exactly one of `document` and `file`), with the section and page that show the work.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaskEvidence {
    pub document: Option<DocumentRef>,
    pub file: Option<crate::model::task_file::TaskFileRef>,
    #[schema(example = "Mục II.2")]
    pub section: Option<String>,
    #[schema(minimum = 1)]
    pub page: Option<i32>,
}

/// An entry of a task's history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaskEvent {
    pub id: i64,
    pub kind: TaskEventKind,
    /// The unit that reported (progress, contribution, declaration).
    pub unit: Option<UnitRef>,
    #[schema(minimum = 0, maximum = 100)]
    pub percent: Option<i16>,
    pub note: Option<String>,
    pub output_document: Option<DocumentRef>,
    pub evidence: Vec<TaskEvidence>,
    pub at: DateTime<FixedOffset>,
    /// Name of the token that made it.
    pub actor: String,
}

/// A task with its extensions and history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaskDetail {
    #[serde(flatten)]
    pub task: Task,
    pub extensions: Vec<TaskExtension>,
    /// Oldest first.
    pub history: Vec<TaskEvent>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "code": "2.3",
    "title": "Rà soát các thủ tục hành chính mức độ 3, 4 không phát sinh hồ sơ",
    "content_area": "administrative_procedure_reform",
    "lead_unit_code": "VP",
    "coordinating_unit_codes": [
        "QLTM"
    ],
    "expected_output": "Báo cáo kết quả rà soát",
    "due": {
        "kind": "date",
        "date": "2027-05-10"
    }
}))]
pub struct CreateTask {
    /// Its number in the source: letters, digits, `.`, `_`, `-`; at most 40 characters;
    /// unique within the plan or the source document.
    #[schema(example = "2.3", pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
    pub code: String,
    #[schema(
        example = "Rà soát các thủ tục hành chính mức độ 3, 4 không phát sinh hồ sơ",
        min_length = 1,
        max_length = 2000
    )]
    pub title: String,
    /// For `POST /api/v1/tasks` only (a plan's tasks come from the plan): the directive
    /// document of the registry the task comes from.
    #[serde(default)]
    pub source_document_id: Option<i64>,
    #[serde(default)]
    pub content_area: Option<ContentArea>,
    #[schema(example = "VP")]
    pub lead_unit_code: String,
    #[serde(default)]
    #[schema(example = json!(["QLTM"]))]
    pub coordinating_unit_codes: Vec<String>,
    #[serde(default)]
    #[schema(example = "Báo cáo kết quả rà soát", min_length = 1, max_length = 500)]
    pub expected_output: Option<String>,
    #[serde(default, deserialize_with = "crate::model::time_input::optional_date")]
    pub start_date: Option<NaiveDate>,
    pub due: TaskDue,
}

/// Changes to a task (the Office). Lists given replace the task's list.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTask {
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false, min_length = 1, max_length = 2000)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<ContentArea>, nullable)]
    pub content_area: Option<Option<ContentArea>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub lead_unit_code: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub coordinating_unit_codes: Option<Vec<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, nullable, min_length = 1, max_length = 500)]
    pub expected_output: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "crate::model::time_input::optional_present_date"
    )]
    #[schema(value_type = Option<NaiveDate>, nullable)]
    pub start_date: Option<Option<NaiveDate>>,
    /// A new due as the source words it (a correction; an extension is granted with
    /// `POST /api/v1/tasks/{id}/extensions`).
    #[serde(default, deserialize_with = "non_null")]
    #[schema(nullable = false)]
    pub due: Option<TaskDue>,
}

/// Evidence cited by a progress report or a declaration: give exactly one of `document_id`
/// and `file_id`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceInput {
    /// A document of the registry.
    #[serde(default)]
    pub document_id: Option<i64>,
    /// A file uploaded to this task (`POST /api/v1/tasks/{id}/files`).
    #[serde(default)]
    pub file_id: Option<i64>,
    #[serde(default)]
    #[schema(example = "Mục II.2", min_length = 1, max_length = 200)]
    pub section: Option<String>,
    #[serde(default)]
    #[schema(minimum = 1, maximum = 100000)]
    pub page: Option<i32>,
}

/// A progress report: the lead unit's progress, or a coordinating unit's contribution.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportProgress {
    /// The Office reporting for a unit names it; a reporter reports for its own unit.
    #[serde(default)]
    pub unit_code: Option<String>,
    /// The lead unit's estimate of how far the task is (0–99; 100 is declared with
    /// `POST /api/v1/tasks/{id}/completion`). Not given by coordinating units.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 99)]
    pub percent: Option<i16>,
    #[schema(
        example = "Đã rà soát 45/60 thủ tục; dự kiến hoàn thành trong tháng.",
        min_length = 1,
        max_length = 4000
    )]
    pub note: String,
    #[serde(default)]
    pub evidence: Vec<EvidenceInput>,
}

/// The lead unit's declaration that the task is done.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclareDone {
    /// The output document (sản phẩm) in the registry, e.g. the report or decision issued.
    #[serde(default)]
    pub output_document_id: Option<i64>,
    #[serde(default)]
    #[schema(
        example = "Đã ban hành Báo cáo số 12/BC-VP ngày 30/5/2022.",
        min_length = 1,
        max_length = 4000
    )]
    pub note: Option<String>,
    #[serde(default)]
    pub evidence: Vec<EvidenceInput>,
}

/// The Office returns a declaration of completion.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnTask {
    #[schema(
        example = "Chưa có quyết định công bố kèm theo; đề nghị bổ sung.",
        min_length = 1,
        max_length = 2000
    )]
    pub reason: String,
}

/// An extension of a task's deadline (the Office).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantTaskExtension {
    /// The new due; its deadline must be later than the one that applies now.
    pub due: TaskDue,
    #[schema(
        example = "Chờ ý kiến của Sở Tư pháp.",
        min_length = 1,
        max_length = 2000
    )]
    pub reason: String,
}

/// Filters of the task list, in the order of plan, then code.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskFilter {
    pub plan_id: Option<i64>,
    /// Tasks from this directive document.
    pub source_document_id: Option<i64>,
    /// Tasks this unit leads or coordinates.
    pub unit_code: Option<String>,
    pub content_area: Option<ContentArea>,
    pub status: Option<TaskStatus>,
    /// Case-insensitive search in code and title.
    pub q: Option<String>,
}

page_of!(TaskPage, Task, "A page of tasks.");

/// Tasks of a plan by status, for one unit or content area, or the whole plan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct StatusCounts {
    pub total: i64,
    pub not_due: i64,
    pub in_progress: i64,
    pub due_soon: i64,
    pub overdue: i64,
    pub done_on_time: i64,
    pub done_late: i64,
    /// Done on time among the tasks done or overdue, in percent (one decimal); absent when
    /// none is.
    #[schema(example = 87.5)]
    pub on_time_rate: Option<f64>,
}

impl StatusCounts {
    /// Counts one task of `status`.
    pub fn add(&mut self, status: TaskStatus) {
        self.total += 1;
        *match status {
            TaskStatus::NotDue => &mut self.not_due,
            TaskStatus::InProgress => &mut self.in_progress,
            TaskStatus::DueSoon => &mut self.due_soon,
            TaskStatus::Overdue => &mut self.overdue,
            TaskStatus::DoneOnTime => &mut self.done_on_time,
            TaskStatus::DoneLate => &mut self.done_late,
        } += 1;
    }

    /// The counts with the on-time rate: done on time among the tasks whose deadline has
    /// been judged (done, on time or late, and overdue), to one decimal.
    pub fn with_rate(mut self) -> Self {
        let judged = self.done_on_time + self.done_late + self.overdue;
        self.on_time_rate = (judged > 0).then(|| {
            let rate = self.done_on_time as f64 * 100.0 / judged as f64;
            (rate * 10.0).round() / 10.0
        });
        self
    }
}

/// A unit's line of the board: the tasks it leads.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitBoardRow {
    pub unit: UnitRef,
    pub counts: StatusCounts,
}

/// A content area's line of the board.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AreaBoardRow {
    pub content_area: ContentArea,
    #[schema(example = "Cải cách thủ tục hành chính")]
    pub label: String,
    pub counts: StatusCounts,
}

/// Where a plan stands: its tasks by status per lead unit and per content area.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanBoard {
    pub plan_id: i64,
    /// When the statuses were derived.
    pub as_of: DateTime<FixedOffset>,
    pub totals: StatusCounts,
    pub units: Vec<UnitBoardRow>,
    pub areas: Vec<AreaBoardRow>,
    /// The plan's targets with their latest measured values, in the plan's order.
    pub targets: Vec<TargetProgress>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_on_time_rate_counts_done_and_overdue_tasks_only() {
        let mut counts = StatusCounts::default();
        for status in [
            TaskStatus::DoneOnTime,
            TaskStatus::DoneOnTime,
            TaskStatus::DoneLate,
            TaskStatus::Overdue,
            TaskStatus::InProgress,
            TaskStatus::NotDue,
            TaskStatus::DueSoon,
        ] {
            counts.add(status);
        }
        let counts = counts.with_rate();
        assert_eq!(counts.total, 7);
        assert_eq!(
            (counts.done_on_time, counts.done_late, counts.overdue),
            (2, 1, 1)
        );
        // 2 of the 4 judged tasks: not due, in progress and due soon are not judged yet.
        assert_eq!(counts.on_time_rate, Some(50.0));
        let mut two_of_three = StatusCounts::default();
        for status in [
            TaskStatus::DoneOnTime,
            TaskStatus::DoneOnTime,
            TaskStatus::DoneLate,
        ] {
            two_of_three.add(status);
        }
        assert_eq!(two_of_three.with_rate().on_time_rate, Some(66.7));
        assert_eq!(StatusCounts::default().with_rate().on_time_rate, None);
    }
}
