//! Tasks as reports see them: where a unit's tasks stood at a period's cut-off (the end of its
//! data window), so the quarterly report covers "tiến độ thực hiện các mục tiêu, nhiệm vụ"
//! without retyping.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;

use crate::model::plan::{DocumentRef, UnitRef};
use crate::model::task::{PlanRef, StatusCounts};
use crate::rules::task_status::TaskStatus;
use crate::text_enum;

text_enum! {
    /// How a unit takes part in a task.
    pub enum TaskRole {
        /// It leads the task (đơn vị chủ trì).
        Lead => "lead",
        /// It coordinates (đơn vị phối hợp).
        Coordinating => "coordinating",
    }
}

/// A task as it stood at the cut-off.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaskAtCutoff {
    pub id: i64,
    #[schema(example = "2.3")]
    pub code: String,
    pub title: String,
    pub plan: Option<PlanRef>,
    pub source_document: Option<DocumentRef>,
    pub role: TaskRole,
    pub lead_unit: UnitRef,
    /// The due as the source words it, e.g. `Tháng 5/2022`.
    #[schema(example = "Tháng 5/2022")]
    pub due_text: String,
    /// The deadline that applied at the cut-off (extensions granted later do not count).
    pub deadline: Option<DateTime<FixedOffset>>,
    /// Derived at the cut-off instant.
    pub status: TaskStatus,
    #[schema(example = "Hoàn thành đúng hạn")]
    pub status_label: String,
    /// The progress reported by the cut-off.
    #[schema(minimum = 0, maximum = 100)]
    pub progress_percent: i16,
    /// When it was declared done, if that was by the cut-off and the Office confirmed it.
    pub completed_at: Option<DateTime<FixedOffset>>,
}

/// One unit's tasks at a period's cut-off.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitTasks {
    pub period_id: i64,
    pub unit: UnitRef,
    /// The cut-off instant: the end of the period's data window, or now if that is later.
    pub as_of: DateTime<FixedOffset>,
    /// The tasks it leads, by status.
    pub lead_counts: StatusCounts,
    /// Every task it leads or coordinates (from issued or closed plans, and directive
    /// documents), in plan order.
    pub tasks: Vec<TaskAtCutoff>,
}

/// A unit's line of a period's task completion.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitTaskCompletion {
    pub unit: UnitRef,
    /// The tasks it leads, by status at the cut-off.
    pub counts: StatusCounts,
    /// Tasks it coordinates.
    pub coordinating: i64,
}

/// Task completion per participating unit at a period's cut-off.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PeriodTaskCompletion {
    pub period_id: i64,
    #[schema(example = "2026-Q4")]
    pub period_code: String,
    pub as_of: DateTime<FixedOffset>,
    /// Every participating unit's led tasks together.
    pub totals: StatusCounts,
    /// The participating units, by code.
    pub units: Vec<UnitTaskCompletion>,
}
