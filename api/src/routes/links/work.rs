//! The links of the task, self-assessment and campaign mails: a task's status for its lead
//! unit and the leadership, a self-assessment round's readiness for a unit or the Office, and
//! a campaign round's standing, a plan's board and the overdue tasks for the leadership.
//! Read-only Vietnamese pages, with the same error pages as the report links.

use actix_web::http::StatusCode;
use actix_web::{get, web, HttpResponse};

use super::{answer, html, link, open, plan_pages, work_pages, PageError};
use crate::state::AppState;
use cchc_app::signed_links;
use cchc_domain::rules::signed_link::{LinkError, LinkPurpose, LinkTarget};

/// A task, opened from a mail
///
/// A read-only Vietnamese page of one task: its title and source (plan or directive), the
/// lead and coordinating units, the due date as the source writes it and the deadline that
/// applies (extensions included), its status, the latest progress report and what it is
/// waiting for. The token is a signed link from a task reminder, escalation or digest; no API
/// token. 403 for an altered or wrong-purpose link, 410 for an expired one, each as a
/// Vietnamese HTML page.
#[utoipa::path(
    tag = "links",
    operation_id = "open_task_link",
    params(("token" = String, Path, description = "The signed link's token")),
    responses(
        (status = 200, description = "The task's page", content_type = "text/html", body = String),
        (status = 403, description = "An altered, incomplete or wrong-purpose link", content_type = "text/html", body = String),
        (status = 410, description = "An expired link", content_type = "text/html", body = String),
    )
)]
#[get("/l/task/{token}")]
pub async fn task(state: web::Data<AppState>, token: web::Path<String>) -> HttpResponse {
    answer(
        async {
            let (_, target, now) = open(&state, LinkPurpose::Task, &token).await?;
            let LinkTarget::Task { task_id } = target else {
                return Err(PageError::Link(LinkError::WrongPurpose));
            };
            let mut conn = state.conn().await?;
            let detail =
                signed_links::task(&mut conn, &state.config.default_policy, task_id, now).await?;
            Ok(html(StatusCode::OK, work_pages::task(&detail)))
        }
        .await,
    )
}

/// A self-assessment round, opened from a mail
///
/// A read-only Vietnamese page of a PAR Index self-assessment round. A unit's link (its
/// reminders and its head's escalation) shows that unit's parts only: pending or scored,
/// evidence missing, returned with the reason, and the units' deadline. The Office's and the
/// leadership's link shows every part with the readiness board (per unit, points at risk)
/// and the province's send-by date.
#[utoipa::path(
    tag = "links",
    operation_id = "open_assessment_link",
    params(("token" = String, Path, description = "The signed link's token")),
    responses(
        (status = 200, description = "The round's page", content_type = "text/html", body = String),
        (status = 403, description = "An altered, incomplete or wrong-purpose link", content_type = "text/html", body = String),
        (status = 410, description = "An expired link", content_type = "text/html", body = String),
    )
)]
#[get("/l/assessment/{token}")]
pub async fn assessment(state: web::Data<AppState>, token: web::Path<String>) -> HttpResponse {
    answer(
        async {
            let (_, target, _) = open(&state, LinkPurpose::Assessment, &token).await?;
            let LinkTarget::Assessment {
                assessment_id,
                unit_id,
            } = target
            else {
                return Err(PageError::Link(LinkError::WrongPurpose));
            };
            let mut conn = state.conn().await?;
            let page =
                signed_links::assessment(&mut conn, &state.boards, assessment_id, unit_id).await?;
            Ok(html(StatusCode::OK, work_pages::assessment(&page)))
        }
        .await,
    )
}

/// A campaign round, opened from a mail
///
/// A read-only Vietnamese page of an emulation campaign's round: its dates and review day,
/// the criteria the units are scored on (what they must report), and the leaderboard with
/// each unit's points per criterion, live until the Office reviews the round.
#[utoipa::path(
    tag = "links",
    operation_id = "open_campaign_link",
    params(("token" = String, Path, description = "The signed link's token")),
    responses(
        (status = 200, description = "The round's page", content_type = "text/html", body = String),
        (status = 403, description = "An altered, incomplete or wrong-purpose link", content_type = "text/html", body = String),
        (status = 410, description = "An expired link", content_type = "text/html", body = String),
    )
)]
#[get("/l/campaign/{token}")]
pub async fn campaign(state: web::Data<AppState>, token: web::Path<String>) -> HttpResponse {
    answer(
        async {
            let (_, target, _) = open(&state, LinkPurpose::CampaignRound, &token).await?;
            let LinkTarget::CampaignRound { campaign_id, round } = target else {
                return Err(PageError::Link(LinkError::WrongPurpose));
            };
            let mut conn = state.conn().await?;
            let (campaign, board) =
                signed_links::campaign_round(&mut conn, campaign_id, round).await?;
            Ok(html(
                StatusCode::OK,
                work_pages::campaign(&campaign, &board, round),
            ))
        }
        .await,
    )
}

/// A plan's board, opened from a mail
///
/// A read-only Vietnamese page of a CCHC plan for the leadership and the Office: its tasks by
/// status per lead unit and per content area with the on-time rate, its targets with the
/// latest measured values, and its overdue tasks, each linking its own page. The token is a
/// signed link from a plan's digest or the leadership's task escalation; no API token.
#[utoipa::path(
    tag = "links",
    operation_id = "open_plan_board_link",
    params(("token" = String, Path, description = "The signed link's token")),
    responses(
        (status = 200, description = "The plan's board", content_type = "text/html", body = String),
        (status = 403, description = "An altered, incomplete or wrong-purpose link", content_type = "text/html", body = String),
        (status = 410, description = "An expired link", content_type = "text/html", body = String),
    )
)]
#[get("/l/plan/{token}")]
pub async fn plan_board(state: web::Data<AppState>, token: web::Path<String>) -> HttpResponse {
    answer(
        async {
            let (secret, target, now) = open(&state, LinkPurpose::PlanBoard, &token).await?;
            let LinkTarget::PlanBoard { plan_id } = target else {
                return Err(PageError::Link(LinkError::WrongPurpose));
            };
            let mut conn = state.conn().await?;
            let page = signed_links::plan_board(
                &mut conn,
                &state.boards,
                &state.config.default_policy,
                plan_id,
                now,
            )
            .await?;
            let task_link = |task_id| link(&state, &secret, LinkTarget::Task { task_id }, now);
            Ok(html(
                StatusCode::OK,
                plan_pages::plan_board(&page, task_link),
            ))
        }
        .await,
    )
}

/// The overdue tasks, opened from a mail
///
/// A read-only Vietnamese page for the leadership: every task past its deadline and not done,
/// across plans and directive documents, with its lead unit, deadline and progress, each
/// linking its own page. The token is a signed link from the leadership's task escalation;
/// no API token.
#[utoipa::path(
    tag = "links",
    operation_id = "open_overdue_tasks_link",
    params(("token" = String, Path, description = "The signed link's token")),
    responses(
        (status = 200, description = "The overdue tasks", content_type = "text/html", body = String),
        (status = 403, description = "An altered, incomplete or wrong-purpose link", content_type = "text/html", body = String),
        (status = 410, description = "An expired link", content_type = "text/html", body = String),
    )
)]
#[get("/l/overdue-tasks/{token}")]
pub async fn overdue_tasks(state: web::Data<AppState>, token: web::Path<String>) -> HttpResponse {
    answer(
        async {
            let (secret, _, now) = open(&state, LinkPurpose::OverdueTasks, &token).await?;
            let mut conn = state.conn().await?;
            let overdue =
                signed_links::overdue_tasks(&mut conn, &state.config.default_policy, now).await?;
            let task_link = |task_id| link(&state, &secret, LinkTarget::Task { task_id }, now);
            Ok(html(
                StatusCode::OK,
                plan_pages::overdue_tasks(
                    &overdue,
                    cchc_domain::rules::local_time::vietnamese_date_time(now),
                    task_link,
                ),
            ))
        }
        .await,
    )
}
