//! The links of the task, self-assessment and campaign mails: a task's status for its lead
//! unit and the leadership, a self-assessment round's readiness for a unit or the Office, and
//! a campaign round's standing. Read-only Vietnamese pages, with the same error pages as the
//! report links.

use actix_web::http::StatusCode;
use actix_web::{get, web, HttpResponse};

use super::{answer, html, open, work_pages, PageError};
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
