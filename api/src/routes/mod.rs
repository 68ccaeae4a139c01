//! HTTP handlers: authenticate, call the use case, shape the answer. No rules live here, and no
//! role checks: each use case in `cchc_app::repo` authorizes its caller first (the rules are in
//! `cchc_app::authz`). Where a body must not be read or reported before that (uploads, QLVB
//! events, bodies with problems), the handler calls the use case's own `authorize_*` step first.

pub mod assessment_files;
pub mod assessments;
pub mod attachments;
pub mod audit;
pub mod campaigns;
pub mod criteria_sets;
pub mod criteria_workbook;
pub mod documents;
pub mod excel;
pub mod health;
pub mod holidays;
pub mod index;
pub mod indicators;
pub mod integrations;
pub mod jobs;
pub mod links;
pub mod me;
pub mod notifications;
pub mod periods;
pub mod plan_appendix;
pub mod plans;
pub mod submissions;
pub mod task_files;
pub mod task_reports;
pub mod tasks;
pub mod tokens;
pub mod units;
pub mod webhooks;
pub mod word;

use actix_web::http::header::{
    self, Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue,
};
use actix_web::{HttpResponse, HttpResponseBuilder};
use serde::Serialize;
use utoipa_actix_web::service_config::ServiceConfig;

/// Everything under `/api/v1`.
pub fn configure_v1(cfg: &mut ServiceConfig) {
    cfg.service(index::api_index)
        .route("/", actix_web::web::get().to(index::api_index_slash))
        .service(me::me)
        .service(units::list)
        .service(units::create)
        .service(units::get)
        .service(units::update)
        .service(tokens::list)
        .service(tokens::create)
        .service(tokens::get)
        .service(tokens::revoke)
        .service(tokens::rotate_signing_secret)
        .service(indicators::list)
        .service(indicators::create)
        .service(indicators::get)
        .service(indicators::update)
        .service(indicators::versions)
        .service(periods::list)
        .service(periods::create)
        .service(periods::get)
        .service(periods::update)
        .service(periods::delete)
        .service(periods::open)
        .service(periods::close)
        .service(submissions::create)
        .service(submissions::list)
        .service(submissions::get)
        .service(submissions::update)
        .service(submissions::submit)
        .service(submissions::return_for_changes)
        .service(submissions::accept)
        .service(submissions::versions)
        .service(submissions::grant_extension)
        .service(submissions::extensions)
        .service(submissions::compliance)
        .service(notifications::period_notifications)
        .service(submissions::consolidation)
        .service(attachments::upload)
        .service(attachments::list)
        .service(attachments::get)
        .service(attachments::content)
        .service(attachments::delete)
        .service(excel::template)
        .service(excel::import)
        .service(excel::consolidation)
        .service(excel::filing_archive)
        .service(word::consolidation_report)
        .service(holidays::list)
        .service(holidays::create)
        .service(holidays::get)
        .service(holidays::update)
        .service(holidays::delete)
        .service(audit::list)
        .service(jobs::list)
        .service(jobs::stats)
        .service(jobs::get)
        .service(jobs::retry)
        .service(jobs::escalations)
        .service(documents::create)
        .service(documents::list)
        .service(documents::get)
        .service(documents::link)
        .service(documents::add_file)
        .service(documents::file_content)
        .service(integrations::receive_qlvb_event)
        .service(webhooks::list)
        .service(webhooks::create)
        .service(webhooks::get)
        .service(webhooks::update)
        .service(webhooks::delete)
        .service(webhooks::rotate_secret)
        .service(webhooks::ping)
        .service(webhooks::deliveries)
        .service(webhooks::redeliver)
        .service(plans::list)
        .service(plans::create)
        .service(plans::get)
        .service(plans::update)
        .service(plans::delete)
        .service(plans::issue)
        .service(plans::close)
        .service(plans::board)
        .service(plans::tasks_of)
        .service(plans::add_task)
        .service(plan_appendix::export)
        .service(plan_appendix::import)
        .service(task_reports::of_submission)
        .service(task_reports::of_period)
        .service(tasks::list)
        .service(tasks::create)
        .service(tasks::get)
        .service(notifications::task_notifications)
        .service(tasks::update)
        .service(tasks::delete)
        .service(tasks::report_progress)
        .service(tasks::declare_done)
        .service(tasks::confirm)
        .service(tasks::return_declaration)
        .service(tasks::extend)
        .service(task_files::upload)
        .service(task_files::list)
        .service(task_files::get)
        .service(task_files::content)
        .service(task_files::delete)
        .service(campaigns::list)
        .service(campaigns::create)
        .service(campaigns::get)
        .service(campaigns::register)
        .service(campaigns::enter_points)
        .service(campaigns::round_leaderboard)
        .service(campaigns::campaign_leaderboard)
        .service(campaigns::review)
        .service(campaigns::reopen)
        .service(campaigns::round_commendations)
        .service(campaigns::campaign_commendations)
        .service(criteria_sets::list)
        .service(criteria_sets::create)
        .service(criteria_sets::get)
        .service(criteria_sets::replace)
        .service(criteria_sets::publish)
        .service(criteria_sets::delete)
        .service(criteria_workbook::export)
        .service(criteria_workbook::import_new)
        .service(criteria_workbook::import_into)
        .service(assessment_files::upload)
        .service(assessment_files::list)
        .service(assessment_files::get)
        .service(assessment_files::content)
        .service(assessment_files::delete)
        .service(assessments::list)
        .service(assessments::create)
        .service(assessments::get)
        .service(assessments::assign)
        .service(assessments::propose)
        .service(assessments::accept)
        .service(assessments::return_item)
        .service(assessments::readiness)
        .service(assessments::send)
        .service(assessments::appraisal)
        .service(assessments::results)
        .service(assessments::workbook)
        .service(assessments::lost_criterion_task);
}

/// `201 Created` with the new resource's location.
pub(crate) fn created<T: Serialize>(location: String, body: &T) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(body)
}

/// `200 OK` with a file to save: its type, and `Content-Disposition: attachment` with a plain
/// ASCII `filename` for old clients and the real (Vietnamese) name as a UTF-8 `filename*`
/// (RFC 6266). The caller adds caching headers and the body.
pub(crate) fn file_download(
    content_type: &str,
    ascii_name: String,
    name: &str,
) -> HttpResponseBuilder {
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(ascii_name),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: Charset::Ext("UTF-8".to_owned()),
                language_tag: None,
                value: name.as_bytes().to_vec(),
            }),
        ],
    };
    let mut response = HttpResponse::Ok();
    response
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header(disposition);
    response
}
