use actix_web::{get, web};
use cchc_app::repo::notifications;
use cchc_domain::model::notification::{NotificationSchedule, TaskNotificationSchedule};

use crate::auth::Auth;
use crate::error::ApiError;
use crate::state::AppState;

/// A period's notification schedule
///
/// Who will be reminded or escalated, with what and when, and what was already sent. Recorded
/// mails come first (jobs of the outbox, oldest first: `queued`, `running`, `done` with the
/// `outcome` — `sent <Message-ID>` or `skipped: …` — or `failed`); then, while the period is
/// open, the `planned` ones for every unit still missing (no report, a draft or a returned
/// report), computed with the worker's own rules and the period's policy: each reminder step
/// still ahead (`d5`, `d2`, `d0`, `deadline_day`) to the unit's focal persons; the head's
/// escalation (`escalation_head`) once late, to the head (or the focal persons when no head is
/// on record); the leadership's (`escalation_leadership`) working days later, to the leadership
/// and the Office mailboxes. Every time is local, inside office hours on a working day: a step
/// falling on a weekend or a holiday goes out at the next working slot, and one already due goes
/// out at the next pass inside office hours. Authorized
/// as the compliance board is: for the Office and the leadership (viewers); reporters and
/// integrations get 403.
#[utoipa::path(
    operation_id = "get_period_notifications",
    tag = "periods",
    params(("id" = i64, Path, description = "The period")),
    responses(
        (status = 200, description = "The schedule", body = NotificationSchedule, example = json!({
            "period_id": 2,
            "period_code": "2026-Q4",
            "as_of": "2026-12-10T09:00:00+07:00",
            "office_hours": "07:30–17:00",
            "items": [
                {"unit_code": "QLCN", "unit_name": "Phòng Quản lý Công nghiệp", "kind": "reminder", "step": "d5",
                 "at": "2026-12-08T08:00:05+07:00", "status": "done",
                 "recipients": [{"name": "Trần Thị Bình", "email": "binh@example.vn"}],
                 "job_id": 41, "outcome": "sent <reminder.2.5.d5@cchc.example.vn>"},
                {"unit_code": "QLCN", "unit_name": "Phòng Quản lý Công nghiệp", "kind": "reminder", "step": "d2",
                 "at": "2026-12-11T08:00:00+07:00", "status": "planned",
                 "recipients": [{"name": "Trần Thị Bình", "email": "binh@example.vn"}],
                 "job_id": null, "outcome": null},
                {"unit_code": "QLCN", "unit_name": "Phòng Quản lý Công nghiệp", "kind": "escalation_head", "step": null,
                 "at": "2026-12-16T07:30:00+07:00", "status": "planned",
                 "recipients": [{"name": "Nguyễn Văn An", "email": "an@example.vn"}],
                 "job_id": null, "outcome": null}
            ]
        })),
        (status = 403, description = "A reporter (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such period", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/periods/{id}/notifications")]
pub async fn period_notifications(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<web::Json<NotificationSchedule>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        notifications::of_period(
            &mut conn,
            *id,
            &state.config.notifications,
            auth.principal(),
            state.clock.now(),
        )
        .await?,
    ))
}

/// A task's notification schedule
///
/// Who will be reminded or escalated about this task, with what and when, and what was already
/// sent. Recorded mails come first (jobs of the outbox, oldest first, with their status and
/// `outcome`): reminders (`task_reminder`), the head's escalation (`task_escalation_head`)
/// and the leadership's mails (`task_escalation_leadership`) that list this task among the
/// overdue ones. Then, while the task runs (not declared done, of a directive or of an issued
/// plan), the `planned` ones, computed with the worker's own rules and the task policy: each
/// reminder step still ahead before the deadline (`d5`, `d2`, `d0`, `deadline_day`), or before
/// an ongoing task's progress report (`progress:d2`…), to the lead unit's focal persons; the
/// head's escalation once overdue, to the head (or the focal persons when no head is on
/// record); the leadership's, working days later, to the leadership and the Office. Every time
/// is local, inside office hours on a working day. For the Office and the leadership
/// (viewers); reporters and integrations get 403.
#[utoipa::path(
    operation_id = "get_task_notifications",
    tag = "tasks",
    params(("id" = i64, Path, description = "The task")),
    responses(
        (status = 200, description = "The schedule", body = TaskNotificationSchedule, example = json!({
            "task_id": 17,
            "task_code": "2.3",
            "as_of": "2026-12-10T09:00:00+07:00",
            "office_hours": "07:30–17:00",
            "items": [
                {"unit_code": "KHTC", "unit_name": "Phòng Kế hoạch - Tài chính", "kind": "task_reminder", "step": "d5",
                 "at": "2026-12-24T08:00:04+07:00", "status": "done",
                 "recipients": [{"name": "Trần Thị Bình", "email": "binh@example.vn"}],
                 "job_id": 58, "outcome": "sent <task_reminder.17.d5@cchc.example.vn>"},
                {"unit_code": "KHTC", "unit_name": "Phòng Kế hoạch - Tài chính", "kind": "task_reminder", "step": "d2",
                 "at": "2026-12-29T08:00:00+07:00", "status": "planned",
                 "recipients": [{"name": "Trần Thị Bình", "email": "binh@example.vn"}],
                 "job_id": null, "outcome": null},
                {"unit_code": null, "unit_name": null, "kind": "task_escalation_leadership", "step": null,
                 "at": "2027-01-06T07:30:00+07:00", "status": "planned",
                 "recipients": [{"name": "Ban Giám đốc Sở", "email": "bgd@example.vn"}],
                 "job_id": null, "outcome": null}
            ]
        })),
        (status = 403, description = "A reporter (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such task", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tasks/{id}/notifications")]
pub async fn task_notifications(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<web::Json<TaskNotificationSchedule>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        cchc_app::repo::task_notifications::of_task(
            &mut conn,
            *id,
            &state.config.notifications,
            auth.principal(),
            state.clock.now(),
        )
        .await?,
    ))
}
