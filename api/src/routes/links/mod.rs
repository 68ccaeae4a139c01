//! What the links in the mails open in a browser, without an API token (`/l/{purpose}/{token}`):
//! read-only Vietnamese pages of one unit's report, a period's compliance board, the open
//! periods, the unit's prefilled statistics form, a task, a self-assessment round, a
//! campaign round, a plan's board and the overdue tasks (`work`). The token is a signed, expiring,
//! single-purpose link (`cchc_domain::rules::signed_link`); a tampered or wrong-purpose link
//! gets a Vietnamese page with 403, an expired one 410, never JSON, and nothing about any unit.

mod pages;
mod plan_pages;
mod work;
mod work_pages;

pub use work::{assessment, campaign, overdue_tasks, plan_board, task};

use actix_web::http::StatusCode;
use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Utc};

use crate::routes::excel::attachment;
use crate::state::AppState;
use cchc_app::signed_links;
use cchc_domain::error::Error as CoreError;
use cchc_domain::rules::signed_link::{self, LinkError, LinkPurpose, LinkTarget};
use cchc_excel::form::build_form;
use cchc_excel::XLSX_MIME;

/// How long a link a page hands on (the form from a report page, a board from the periods
/// page) works.
const HANDED_ON_VALIDITY: chrono::TimeDelta = chrono::TimeDelta::days(1);

/// Why a page could not be shown, as the error page says it.
#[derive(Debug)]
enum PageError {
    Link(LinkError),
    NotFound,
    Unavailable,
}

impl From<CoreError> for PageError {
    fn from(error: CoreError) -> Self {
        match error {
            CoreError::NotFound { .. } => Self::NotFound,
            other => {
                tracing::error!(error = %other, "a signed link's page failed");
                Self::Unavailable
            }
        }
    }
}

impl From<crate::error::ApiError> for PageError {
    fn from(error: crate::error::ApiError) -> Self {
        tracing::error!(%error, "no database connection for a signed link");
        Self::Unavailable
    }
}

impl PageError {
    fn response(&self) -> HttpResponse {
        let (status, title, message) = match self {
            Self::Link(LinkError::Expired { expired_at }) => (
                StatusCode::GONE,
                "Đường dẫn đã hết hạn",
                format!(
                    "Đường dẫn này chỉ dùng được đến {}. Thư nhắc hoặc thông báo mới sẽ có đường dẫn mới.",
                    cchc_domain::rules::local_time::vietnamese_date_time(*expired_at)
                ),
            ),
            Self::Link(LinkError::Invalid | LinkError::WrongPurpose) => (
                StatusCode::FORBIDDEN,
                "Đường dẫn không hợp lệ",
                "Đường dẫn đã bị thay đổi, không đầy đủ hoặc không dùng cho trang này. \
                 Vui lòng mở lại đúng đường dẫn trong thư."
                    .to_owned(),
            ),
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                "Không tìm thấy",
                "Nội dung mà đường dẫn trỏ tới không còn trong hệ thống.".to_owned(),
            ),
            Self::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "Hệ thống đang bận",
                "Chưa mở được trang này; vui lòng thử lại sau ít phút.".to_owned(),
            ),
        };
        html(status, pages::error(title, &message))
    }
}

/// An HTML answer; inline styles allowed (nothing else loads), nothing cached.
fn html(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        ))
        .insert_header(("Cache-Control", "no-store"))
        .body(body)
}

/// The link secret and the verified target, or the error page.
async fn open(
    state: &AppState,
    purpose: LinkPurpose,
    token: &str,
) -> Result<(Vec<u8>, LinkTarget, DateTime<Utc>), PageError> {
    let mut conn = state.conn().await?;
    let secret = signed_links::link_secret(&mut conn, state.config.link_secret.as_deref()).await?;
    let now = state.clock.now();
    let target = signed_link::verify(&secret, purpose, token, now).map_err(PageError::Link)?;
    Ok((secret, target, now))
}

fn link(state: &AppState, secret: &[u8], target: LinkTarget, now: DateTime<Utc>) -> String {
    format!(
        "{}/l/{}/{}",
        state.config.public_base_url.trim_end_matches('/'),
        target.purpose().as_str(),
        signed_link::sign(secret, target, now + HANDED_ON_VALIDITY)
    )
}

fn answer(result: Result<HttpResponse, PageError>) -> HttpResponse {
    result.unwrap_or_else(|e| e.response())
}

/// A unit's report, opened from a mail
///
/// A read-only Vietnamese page of one unit's report in a period: the deadline (local time),
/// its status and standing, the return reason, what is still missing (indicators without a
/// figure, evidence to cite, explanations), and a link to download the unit's prefilled
/// statistics form. The token is a signed link from a mail (reminders, escalations,
/// receipts); no API token. 403 for an altered or wrong-purpose link, 410 for an expired
/// one, each as a Vietnamese HTML page.
#[utoipa::path(
    tag = "links",
    operation_id = "open_report_link",
    params(("token" = String, Path, description = "The signed link's token")),
    responses(
        (status = 200, description = "The report's status page", content_type = "text/html", body = String),
        (status = 403, description = "An altered, incomplete or wrong-purpose link", content_type = "text/html", body = String),
        (status = 410, description = "An expired link", content_type = "text/html", body = String),
    )
)]
#[get("/l/report/{token}")]
pub async fn report(state: web::Data<AppState>, token: web::Path<String>) -> HttpResponse {
    answer(
        async {
            let (secret, target, now) = open(&state, LinkPurpose::Report, &token).await?;
            let LinkTarget::Report { period_id, unit_id } = target else {
                return Err(PageError::Link(LinkError::WrongPurpose));
            };
            let mut conn = state.conn().await?;
            let status =
                signed_links::report_status(&mut conn, &state.versions, period_id, unit_id, now)
                    .await?;
            let form_link = link(
                &state,
                &secret,
                LinkTarget::Form { period_id, unit_id },
                now,
            );
            Ok(html(StatusCode::OK, pages::report(&status, &form_link)))
        }
        .await,
    )
}

/// A unit's prefilled statistics form, opened from a mail
///
/// The same `.xlsx` form as `GET /api/v1/periods/{id}/template.xlsx` gives the unit's focal
/// person, prefilled with its current report. The token is a signed link; no API token.
#[utoipa::path(
    tag = "links",
    operation_id = "open_form_link",
    params(("token" = String, Path, description = "The signed link's token")),
    responses(
        (status = 200, description = "The form", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = crate::routes::excel::XlsxWorkbook),
        (status = 403, description = "An altered, incomplete or wrong-purpose link", content_type = "text/html", body = String),
        (status = 410, description = "An expired link", content_type = "text/html", body = String),
    )
)]
#[get("/l/form/{token}")]
pub async fn form(state: web::Data<AppState>, token: web::Path<String>) -> HttpResponse {
    answer(
        async {
            let (_, target, _) = open(&state, LinkPurpose::Form, &token).await?;
            let LinkTarget::Form { period_id, unit_id } = target else {
                return Err(PageError::Link(LinkError::WrongPurpose));
            };
            let mut conn = state.conn().await?;
            let form = signed_links::statistics_form(
                &mut conn,
                &state.versions,
                period_id,
                unit_id,
                &state.config.letterhead,
            )
            .await?;
            let bytes = build_form(&form).map_err(|e| {
                tracing::error!(error = %e, "the form of a signed link failed");
                PageError::Unavailable
            })?;
            let (period, unit) = (&form.header.period_code, &form.header.unit_code);
            Ok(attachment(
                bytes,
                XLSX_MIME,
                &format!("bieu-mau-{period}-{unit}.xlsx"),
                &format!("Biểu mẫu thống kê {period} {unit}.xlsx"),
            ))
        }
        .await,
    )
}

/// A period's compliance board, opened from a mail
///
/// A read-only Vietnamese page for the leadership and the Office: who reported early, on
/// time, late, who has not yet and who is missing past the deadline, with the counts. The
/// token is a signed link from the leadership's escalation or the Office's digest.
#[utoipa::path(
    tag = "links",
    operation_id = "open_board_link",
    params(("token" = String, Path, description = "The signed link's token")),
    responses(
        (status = 200, description = "The board's page", content_type = "text/html", body = String),
        (status = 403, description = "An altered, incomplete or wrong-purpose link", content_type = "text/html", body = String),
        (status = 410, description = "An expired link", content_type = "text/html", body = String),
    )
)]
#[get("/l/board/{token}")]
pub async fn board(state: web::Data<AppState>, token: web::Path<String>) -> HttpResponse {
    answer(
        async {
            let (_, target, now) = open(&state, LinkPurpose::Board, &token).await?;
            let LinkTarget::Board { period_id } = target else {
                return Err(PageError::Link(LinkError::WrongPurpose));
            };
            let mut conn = state.conn().await?;
            let board = signed_links::board(&mut conn, period_id, now).await?;
            Ok(html(StatusCode::OK, pages::board(&board)))
        }
        .await,
    )
}

/// The open periods, opened from the Office's digest
///
/// A read-only Vietnamese page listing every open period with its deadline and counts, each
/// linking to its board (a signed link valid for a day).
#[utoipa::path(
    tag = "links",
    operation_id = "open_periods_link",
    params(("token" = String, Path, description = "The signed link's token")),
    responses(
        (status = 200, description = "The open periods' page", content_type = "text/html", body = String),
        (status = 403, description = "An altered, incomplete or wrong-purpose link", content_type = "text/html", body = String),
        (status = 410, description = "An expired link", content_type = "text/html", body = String),
    )
)]
#[get("/l/periods/{token}")]
pub async fn periods(state: web::Data<AppState>, token: web::Path<String>) -> HttpResponse {
    answer(
        async {
            let (secret, _, now) = open(&state, LinkPurpose::OpenPeriods, &token).await?;
            let mut conn = state.conn().await?;
            let boards = signed_links::open_boards(&mut conn, now).await?;
            let links: Vec<String> = boards
                .iter()
                .map(|b| {
                    let target = LinkTarget::Board {
                        period_id: b.period_id,
                    };
                    link(&state, &secret, target, now)
                })
                .collect();
            Ok(html(StatusCode::OK, pages::periods(&boards, &links, now)))
        }
        .await,
    )
}
