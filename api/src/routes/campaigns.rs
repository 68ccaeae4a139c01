//! Emulation campaigns: launch, read, register, enter points, leaderboards, review.

use actix_web::{get, post, put, web, HttpResponse};
use cchc_app::repo::campaigns;
use cchc_domain::model::campaign::{
    Campaign, CampaignFilter, CampaignPage, CreateCampaign, EnterPoints, Leaderboard, Register,
    ReopenRound,
};
use cchc_domain::model::PageParams;

use cchc_excel::XLSX_MIME;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::Auth;
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::routes::created;
use crate::routes::excel::{attachment, XlsxWorkbook};
use crate::state::AppState;

/// List campaigns
///
/// Newest year first. Every person's token reads them.
#[utoipa::path(
    operation_id = "list_campaigns",
    tag = "campaigns",
    params(CampaignFilter, PageParams),
    responses((status = 200, description = "A page of campaigns", body = CampaignPage))
)]
#[get("/campaigns")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    filter: Query<CampaignFilter>,
    page: Query<PageParams>,
) -> Result<web::Json<CampaignPage>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        campaigns::list(&mut conn, filter.year, *page, auth.principal()).await?,
    ))
}

/// Launch a campaign
///
/// Its rounds (in order, not overlapping, within the campaign's year give or take one; each
/// review on or after the round's last day; a
/// review on a weekend day or holiday is kept and shown with `review_effective_on`, the
/// working day it falls on) and its criteria: `scored` ones make up the scale (computed from
/// the records inside each round: `reports_on_time`, `accepted_first_time`, `tasks_on_time`,
/// a ratio `indicator`'s value over the unit's accepted reports, `assessment_readiness` (the
/// unit's ready parts of a self-assessment round),
/// earning their share of their points, all of them when nothing was due; or `entered` by the
/// Office), `bonus` and `penalty`
/// ones are entered and come on top. Every problem is answered at once. The Office only.
#[utoipa::path(
    operation_id = "create_campaign",
    tag = "campaigns",
    request_body = CreateCampaign,
    responses(
        (status = 201, description = "Launched", body = Campaign, headers(("Location" = String, description = "The campaign"))),
        (status = 409, description = "The code is taken (`duplicate_code`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field (`rounds[i].review_on`: `before_end`; `rounds[i].starts_on`: `overlaps`; a round's date outside the year ± 1: `out_of_range`; `criteria[i].source`: `entered_only`; `criteria[i].source.indicator_code`: `unknown_indicator`, `not_a_ratio`; `criteria[i].source.assessment_code`: `unknown_assessment`; `criteria`: `no_scored_criterion`; `document_id`: `unknown_document` …)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/campaigns")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<CreateCampaign>,
) -> Result<HttpResponse, ApiError> {
    campaigns::authorize_office(auth.principal())?;
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    let campaign = campaigns::create(
        &mut conn,
        &body,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(created(
        format!("/api/v1/campaigns/{}", campaign.id),
        &campaign,
    ))
}

/// Get a campaign
#[utoipa::path(
    operation_id = "get_campaign",
    tag = "campaigns",
    responses(
        (status = 200, description = "The campaign", body = Campaign),
        (status = 404, description = "No such campaign", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/campaigns/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<web::Json<Campaign>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        campaigns::get(&mut conn, *id, auth.principal()).await?,
    ))
}

/// Register a unit for a campaign
///
/// For a campaign run by registration: a reporter registers its own unit; the Office names
/// the unit. Registering twice changes nothing. Answers the campaign with its registered units.
#[utoipa::path(
    operation_id = "register_for_campaign",
    tag = "campaigns",
    request_body = Register,
    responses(
        (status = 200, description = "The campaign with its registered units", body = Campaign),
        (status = 403, description = "The role cannot register units (leadership, viewer)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such campaign", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Every unit takes part already (`open_to_all`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`unit_code`: `required` (the Office), `unknown_unit`, `not_your_unit`", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/campaigns/{id}/registrations")]
pub async fn register(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    body: Json<Register>,
) -> Result<web::Json<Campaign>, ApiError> {
    let body = body.into_inner()?;
    let mut conn = state.conn().await?;
    Ok(web::Json(
        campaigns::register(
            &mut conn,
            *id,
            &body,
            auth.principal(),
            &auth.actor(),
            state.clock.now(),
        )
        .await?,
    ))
}

/// Enter a unit's points in a round
///
/// For an `entered`, `bonus` or `penalty` criterion: from 0 to the criterion's points (a
/// penalty's are taken off), with a note; replaces what was entered before for the same unit
/// and criterion. Not in a reviewed round. The Office only.
#[utoipa::path(
    operation_id = "enter_campaign_points",
    tag = "campaigns",
    request_body = EnterPoints,
    responses(
        (status = 204, description = "Recorded"),
        (status = 404, description = "No such campaign or round", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The round was reviewed (`round_reviewed`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`criterion_code` (`unknown_criterion`, `computed_criterion`), `points` (`out_of_range`, `too_precise`), `note`, `unit_code` (`unknown_unit`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[put("/campaigns/{id}/rounds/{round}/points")]
pub async fn enter_points(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i32)>,
    body: Json<EnterPoints>,
) -> Result<HttpResponse, ApiError> {
    campaigns::authorize_office(auth.principal())?;
    let body = body.into_inner()?;
    let (id, round) = *path;
    let mut conn = state.conn().await?;
    campaigns::enter_points(
        &mut conn,
        id,
        round,
        &body,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A round's leaderboard
///
/// Every competing unit (every unit but the department itself, or the registered ones) with
/// its rank, points and, per criterion, how they were reached: for a computed criterion what
/// it counted out of how many among the unit's reports or tasks due between the round's start
/// and end (local days), the share and the points (its share of the criterion's; all of
/// them when nothing was due, `out_of` 0 and no share); for an
/// entered one the points and the Office's note. `live` while the round is open; `frozen` once
/// reviewed. `tie_rule` states how ties are broken.
#[utoipa::path(
    operation_id = "get_round_leaderboard",
    tag = "campaigns",
    responses(
        (status = 200, description = "The leaderboard", body = Leaderboard),
        (status = 404, description = "No such campaign or round", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/campaigns/{id}/rounds/{round}/leaderboard")]
pub async fn round_leaderboard(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i32)>,
) -> Result<web::Json<Leaderboard>, ApiError> {
    let (id, round) = *path;
    let mut conn = state.conn().await?;
    Ok(web::Json(
        campaigns::round_leaderboard(&mut conn, id, round, auth.principal()).await?,
    ))
}

/// The whole campaign's leaderboard
///
/// Each unit's mean over the rounds (per criterion and in total, two decimals), ranked by the
/// same rule; `frozen` once every round is reviewed.
#[utoipa::path(
    operation_id = "get_campaign_leaderboard",
    tag = "campaigns",
    responses(
        (status = 200, description = "The leaderboard", body = Leaderboard),
        (status = 404, description = "No such campaign", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/campaigns/{id}/leaderboard")]
pub async fn campaign_leaderboard(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
) -> Result<web::Json<Leaderboard>, ApiError> {
    let mut conn = state.conn().await?;
    Ok(web::Json(
        campaigns::campaign_leaderboard(&mut conn, *id, auth.principal()).await?,
    ))
}

/// Review a round
///
/// The review (sơ kết): the round's leaderboard as it stands now is kept and answered; later
/// changes to reports, tasks or points do not rewrite it. Sends `campaign.round_reviewed`. The
/// Office only.
#[utoipa::path(
    operation_id = "review_campaign_round",
    tag = "campaigns",
    responses(
        (status = 200, description = "The frozen leaderboard", body = Leaderboard),
        (status = 404, description = "No such campaign or round", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Reviewed already (`round_reviewed`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/campaigns/{id}/rounds/{round}/review")]
pub async fn review(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i32)>,
) -> Result<web::Json<Leaderboard>, ApiError> {
    let (id, round) = *path;
    let mut conn = state.conn().await?;
    Ok(web::Json(
        campaigns::review(
            &mut conn,
            id,
            round,
            auth.principal(),
            &auth.actor(),
            state.clock.now(),
        )
        .await?,
    ))
}

/// Re-open a reviewed round
///
/// With a reason (recorded in the audit trail with the snapshot it drops): the round's
/// leaderboard is computed live again until the next review. The Office only.
#[utoipa::path(
    operation_id = "reopen_campaign_round",
    tag = "campaigns",
    request_body = ReopenRound,
    responses(
        (status = 204, description = "Re-opened"),
        (status = 404, description = "No such campaign or round", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The round is open (`round_not_reviewed`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`reason` is blank or over 2000 characters", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/campaigns/{id}/rounds/{round}/reopen")]
pub async fn reopen(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i32)>,
    body: Json<ReopenRound>,
) -> Result<HttpResponse, ApiError> {
    campaigns::authorize_office(auth.principal())?;
    let body = body.into_inner()?;
    let (id, round) = *path;
    let mut conn = state.conn().await?;
    campaigns::reopen(
        &mut conn,
        id,
        round,
        &body,
        auth.principal(),
        &auth.actor(),
        state.clock.now(),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The cut of a commendation list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommendationCut {
    /// The units ranked at most this, ties at the cut included; 3 when absent.
    #[param(minimum = 1, maximum = 100, example = 3)]
    pub top: Option<i32>,
}

const COMMENDATIONS: &str = "Title rows (\"DANH SÁCH ĐƠN VỊ ĐỀ NGHỊ KHEN THƯỞNG\", the campaign, the round and its dates), then STT, Tên đơn vị, Tổng điểm, Xếp hạng, Thành tích (each criterion's points, with what a computed one counted and an entered one's note) and a blank Hình thức khen thưởng đề nghị for the Office to fill; the scale and the signature block. Sheet \"Đề nghị khen thưởng\", A4 landscape, Times New Roman. The Office and the leadership.";

/// A round's commendation list as Excel
///
/// The units ranked within the cut, as offices attach the list to their proposal for
/// commendation.
#[utoipa::path(
    operation_id = "get_round_commendations",
    tag = "campaigns",
    description = COMMENDATIONS,
    params(CommendationCut),
    responses(
        (status = 200, description = "The list", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = XlsxWorkbook,
            headers(("Content-Disposition" = String, description = "`attachment` with an ASCII `filename` and a UTF-8 `filename*`"))),
        (status = 403, description = "A reporter", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such campaign or round", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`top` out of 1–100", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/campaigns/{id}/rounds/{round}/commendations.xlsx")]
pub async fn round_commendations(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, i32)>,
    cut: Query<CommendationCut>,
) -> Result<HttpResponse, ApiError> {
    let (id, round) = *path;
    commendations(&state, &auth, id, Some(round), cut.top).await
}

/// The whole campaign's commendation list as Excel
///
/// As a round's, from the campaign's leaderboard (each unit's mean over the rounds).
#[utoipa::path(
    operation_id = "get_campaign_commendations",
    tag = "campaigns",
    description = COMMENDATIONS,
    params(CommendationCut),
    responses(
        (status = 200, description = "The list", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = XlsxWorkbook,
            headers(("Content-Disposition" = String, description = "`attachment` with an ASCII `filename` and a UTF-8 `filename*`"))),
        (status = 403, description = "A reporter", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such campaign", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`top` out of 1–100", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/campaigns/{id}/commendations.xlsx")]
pub async fn campaign_commendations(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<i64>,
    cut: Query<CommendationCut>,
) -> Result<HttpResponse, ApiError> {
    commendations(&state, &auth, *id, None, cut.top).await
}

async fn commendations(
    state: &AppState,
    auth: &Auth,
    id: i64,
    round: Option<i32>,
    top: Option<i32>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.conn().await?;
    let top = top.unwrap_or(cchc_excel::commendations::DEFAULT_TOP);
    let (bytes, ascii) =
        campaigns::commendations(&mut conn, id, round, top, auth.principal()).await?;
    let utf8 = ascii.replace("khen-thuong-", "Khen thưởng ");
    Ok(attachment(bytes, XLSX_MIME, &ascii, &utf8))
}
