//! A new task: in a plan, or from a directive document of the registry.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::Value;

use super::read::load_detail;
use crate::authz::{self, Principal};
use crate::repo::audit::{self, Entry};
use crate::repo::events;
use crate::repo::map_unique;
use crate::repo::plans::resolve::{check_documents, unit_ids};
use cchc_db::calendar::load_calendar;
use cchc_db::plans;
use cchc_db::tasks::{self, TaskSource, TaskValues};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::audit::{Actor, EntityType};
use cchc_domain::model::indicator::ContentArea;
use cchc_domain::model::plan::PlanStatus;
use cchc_domain::model::policy::ReminderPolicy;
use cchc_domain::model::task::{CreateTask, TaskDetail};
use cchc_domain::model::webhook::EventType;
use cchc_domain::rules::task_due::{ReportEvery, TaskDue};
use cchc_domain::validation::{non_blank, Checker};

/// At most this many coordinating units on a task.
const MAX_COORDINATING: usize = 100;

/// What the Office writes of a task, before it is checked.
pub(super) struct Fields<'a> {
    pub title: &'a str,
    pub content_area: Option<ContentArea>,
    pub lead_unit_code: &'a str,
    pub coordinating_unit_codes: &'a [String],
    pub expected_output: Option<&'a str>,
    pub start_date: Option<NaiveDate>,
    pub due: TaskDue,
}

/// The fields checked and resolved: what the row holds.
pub(super) struct Prepared {
    pub title: String,
    pub content_area: Option<ContentArea>,
    pub lead_unit_id: i64,
    pub coordinating_unit_ids: Vec<i64>,
    pub expected_output: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub due: Value,
    pub deadline: Option<DateTime<Utc>>,
    pub reports_every: Option<ReportEvery>,
    pub working_day_ends: NaiveTime,
}

impl Prepared {
    pub(super) fn values(&self) -> TaskValues<'_> {
        TaskValues {
            title: &self.title,
            content_area: self.content_area,
            lead_unit_id: self.lead_unit_id,
            expected_output: self.expected_output.as_deref(),
            start_date: self.start_date,
            due: &self.due,
            deadline: self.deadline,
            reports_every: self.reports_every,
            working_day_ends: self.working_day_ends,
        }
    }
}

/// Checks `fields` (reporting every problem to `check`) and derives the deadline with the
/// calendar; `None` when something is wrong (the caller finishes `check`).
pub(super) async fn prepare(
    conn: &mut AsyncPgConnection,
    check: &mut Checker,
    fields: &Fields<'_>,
    policy: &ReminderPolicy,
) -> Result<Option<Prepared>> {
    check.text("title", fields.title, 2000);
    check.optional_text("expected_output", fields.expected_output, 500);
    if fields.coordinating_unit_codes.len() > MAX_COORDINATING {
        check.push(
            "coordinating_unit_codes",
            "too_many",
            format!("at most {MAX_COORDINATING} units"),
        );
    }
    let mut codes = vec![(
        "lead_unit_code".to_owned(),
        fields.lead_unit_code.to_owned(),
    )];
    for (i, code) in fields.coordinating_unit_codes.iter().enumerate() {
        let field = format!("coordinating_unit_codes[{i}]");
        if code.trim() == fields.lead_unit_code.trim() {
            check.push(
                field.as_str(),
                "lead_also_coordinating",
                "the lead unit is not also a coordinating unit",
            );
        }
        codes.push((field, code.clone()));
    }
    let units = unit_ids(conn, check, &codes).await?;
    let calendar = load_calendar(conn).await?;
    let end_of_day = policy.office_hours_end;
    let deadline = match fields.due.deadline(&calendar, end_of_day) {
        Ok(deadline) => deadline,
        Err(invalid) => {
            check.push("due", "invalid_due", invalid.0);
            None
        }
    };
    if let (Some(start), Some(deadline)) = (fields.start_date, deadline) {
        if start > cchc_domain::rules::local_time::local_date(deadline) {
            check.push(
                "start_date",
                "after_deadline",
                "must not be after the deadline",
            );
        }
    }
    if check.has_errors() {
        return Ok(None);
    }
    let id = |code: &str| units.get(code.trim()).copied().unwrap_or_default();
    let mut coordinating: Vec<i64> = fields
        .coordinating_unit_codes
        .iter()
        .map(|c| id(c))
        .collect();
    coordinating.sort_unstable();
    coordinating.dedup();
    Ok(Some(Prepared {
        title: fields.title.trim().to_owned(),
        content_area: fields.content_area,
        lead_unit_id: id(fields.lead_unit_code),
        coordinating_unit_ids: coordinating,
        expected_output: non_blank(fields.expected_output),
        start_date: fields.start_date,
        due: serde_json::to_value(fields.due)
            .map_err(|e| Error::Internal(format!("a due does not serialize: {e}")))?,
        deadline,
        reports_every: match fields.due {
            TaskDue::Recurring { every } => Some(every),
            _ => None,
        },
        working_day_ends: end_of_day,
    }))
}

/// A task of plan `plan_id` (a draft or an issued plan).
pub async fn create_in_plan(
    conn: &mut AsyncPgConnection,
    plan_id: i64,
    input: &CreateTask,
    policy: &ReminderPolicy,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<TaskDetail> {
    authz::require_office_for_plans(principal, "assign tasks")?;
    conn.transaction(async |conn| -> Result<TaskDetail> {
        let plan = plans::find(conn, plan_id, true)
            .await?
            .ok_or(Error::not_found("plan"))?;
        if plan.status == PlanStatus::Closed {
            return Err(Error::conflict("plan_closed", "the plan is closed; it takes no new tasks"));
        }
        let mut check = Checker::new();
        if input.source_document_id.is_some() {
            check.push(
                "source_document_id",
                "not_for_plan_tasks",
                "a plan's task comes from the plan; name a directive's document with POST /api/v1/tasks",
            );
        }
        let source = TaskSource {
            plan_id: Some(plan_id),
            source_document_id: None,
            code: input.code.trim(),
        };
        let task = insert(conn, check, source, input, policy, actor, now).await?;
        // A draft plan's tasks are given to their units when the plan is issued.
        if plan.status == PlanStatus::Issued {
            events::task_changed(conn, EventType::TaskAssigned, task.task.id, now).await?;
        }
        Ok(task)
    })
    .await
}

/// A task of a directive document (e.g. a meeting conclusion) of the registry.
pub async fn create(
    conn: &mut AsyncPgConnection,
    input: &CreateTask,
    policy: &ReminderPolicy,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<TaskDetail> {
    authz::require_office_for_plans(principal, "assign tasks")?;
    conn.transaction(async |conn| -> Result<TaskDetail> {
        let mut check = Checker::new();
        match input.source_document_id {
            Some(id) => {
                check_documents(conn, &mut check, &[("source_document_id".to_owned(), id)])
                    .await?
            }
            None => check.push(
                "source_document_id",
                "required",
                "the directive document the task comes from; a plan's task is created with POST /api/v1/plans/{id}/tasks",
            ),
        }
        let source = TaskSource {
            plan_id: None,
            source_document_id: input.source_document_id,
            code: input.code.trim(),
        };
        let task = insert(conn, check, source, input, policy, actor, now).await?;
        events::task_changed(conn, EventType::TaskAssigned, task.task.id, now).await?;
        Ok(task)
    })
    .await
}

async fn insert(
    conn: &mut AsyncPgConnection,
    mut check: Checker,
    source: TaskSource<'_>,
    input: &CreateTask,
    policy: &ReminderPolicy,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<TaskDetail> {
    check.code("code", &source.code.to_uppercase(), 40, "._-");
    let fields = Fields {
        title: &input.title,
        content_area: input.content_area,
        lead_unit_code: &input.lead_unit_code,
        coordinating_unit_codes: &input.coordinating_unit_codes,
        expected_output: input.expected_output.as_deref(),
        start_date: input.start_date,
        due: input.due,
    };
    let prepared = prepare(conn, &mut check, &fields, policy).await?;
    check.finish()?;
    let prepared =
        prepared.ok_or_else(|| Error::Internal("a checked task has no values".into()))?;
    let duplicate = || format!("the source already has a task numbered {}", source.code);
    let id = tasks::insert(conn, source, &prepared.values(), now)
        .await
        .map_err(|e| map_unique(e, "duplicate_code", "code", duplicate()))?;
    tasks::replace_coordinating_units(conn, id, &prepared.coordinating_unit_ids).await?;
    let task = load_detail(conn, id, policy, now).await?;
    audit::record(
        conn,
        actor,
        now,
        Entry::created(EntityType::Task, id, &task.task)?,
    )
    .await?;
    Ok(task)
}
