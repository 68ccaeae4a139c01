//! The database side of the Excel files: whose statistics form a caller may download, and
//! importing a filled form through the same update path as `PATCH /submissions/{id}`, so every
//! rule, the revision bump and the caller's scoping apply unchanged.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;

use crate::authz::Principal;
use crate::authz::{self, PeopleOnly, UnitScope};
use crate::config::LetterheadConfig;
use crate::repo::pinned_versions::PinnedVersions;
use crate::repo::{local, periods, submissions, units};
use cchc_domain::error::{Error, FieldError, Result};
use cchc_domain::model::audit::Actor;
use cchc_domain::model::indicator::IndicatorKind;
use cchc_domain::model::letterhead::Letterhead;
use cchc_domain::model::period::Warning;
use cchc_domain::model::submission::{
    IfMatch, IndicatorValue, Submission, SystemValueSource, UpdateSubmission, ValueInput,
};
use cchc_excel::form::{FormHeader, FormRow, StatisticsForm};
use cchc_excel::guard::{WorkbookRefusal, TIME_LIMIT};
use cchc_excel::import::{parse_form, ExpectedForm, FormError, ParsedForm};

/// The warning of an imported form that lacks an indicator's row.
pub const MISSING_ROW: &str = "missing_row";

fn unit_problem(code: &'static str, message: impl Into<String>) -> Error {
    Error::invalid("unit", code, message)
}

/// The unit whose form is asked for: a reporter's own (naming another is "not found", as for
/// its reports); anyone else names a participating unit.
async fn form_unit(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    unit: Option<&str>,
    principal: &Principal,
) -> Result<i64> {
    let unit_id = match (authz::unit_scope(principal), unit) {
        (UnitScope::Own(own), named) => {
            let own = own.ok_or(Error::not_found("unit"))?;
            if let Some(code) = named {
                if units::find_id_by_code(conn, code).await? != Some(own) {
                    return Err(Error::not_found("unit"));
                }
            }
            own
        }
        (_, None) => {
            return Err(unit_problem(
                "required",
                "name the unit whose form you want (?unit=CODE)",
            ))
        }
        (_, Some(code)) => units::find_id_by_code(conn, code)
            .await?
            .ok_or_else(|| unit_problem("unknown_code", format!("no unit has code {code:?}")))?,
    };
    if !periods::participates(conn, period_id, unit_id).await? {
        return Err(unit_problem(
            "not_participating",
            periods::NOT_PARTICIPATING,
        ));
    }
    Ok(unit_id)
}

fn value_input(value: &IndicatorValue) -> ValueInput {
    ValueInput {
        numerator: value.numerator,
        denominator: value.denominator,
        number: value.number,
        flag: value.flag,
        text: value.text.clone(),
        not_applicable: value.not_applicable.then_some(true),
        system_value: value.system_value,
        explanation: value.explanation.clone(),
        note: value.note.clone(),
    }
}

/// The header block of a unit's documents: its parent unit above it (the department above
/// one of its offices), or the deployment's governing body above a top-level unit.
pub(crate) async fn letterhead_of(
    conn: &mut AsyncPgConnection,
    unit_id: i64,
    config: &LetterheadConfig,
) -> Result<Letterhead> {
    let unit = cchc_db::units::find(conn, unit_id, false)
        .await?
        .ok_or(Error::not_found("unit"))?;
    let parent = match unit.parent_id {
        Some(parent_id) => cchc_db::units::find(conn, parent_id, false).await?,
        None => None,
    };
    Ok(match parent {
        Some(parent) => Letterhead {
            governing_body: Some(parent.name),
            agency: unit.name,
            place: config.place.clone(),
        },
        None => config.for_agency(&unit.name),
    })
}

/// The statistics form of `unit` (a reporter's own by default) for a period, prefilled with
/// the unit's current submission when it has one.
pub async fn statistics_form(
    conn: &mut AsyncPgConnection,
    versions: &PinnedVersions,
    period_id: i64,
    unit: Option<&str>,
    principal: &Principal,
    letterhead: &LetterheadConfig,
) -> Result<StatisticsForm> {
    authz::refuse_integrations(principal, PeopleOnly::Reports)?;
    let period = periods::load(conn, period_id).await?;
    let unit_id = form_unit(conn, period_id, unit, principal).await?;
    let unit = period
        .units
        .iter()
        .find(|u| u.unit_id == unit_id)
        .ok_or(Error::not_found("unit"))?;
    let submission_id = cchc_db::submissions::id_of(conn, period_id, unit_id).await?;
    let submission = match submission_id {
        Some(id) => Some(submissions::get(conn, versions, id, principal).await?),
        None => None,
    };
    let deadline = match &submission {
        Some(submission) => submission.deadline,
        None => cchc_db::extensions::deadline_of(conn, period_id, unit_id)
            .await?
            .map_or(period.deadline.effective, local),
    };
    let scope = authz::unit_scope(principal);
    let descriptions: HashMap<i64, Option<String>> =
        cchc_db::indicators::pinned_by_period(conn, period_id)
            .await?
            .into_iter()
            .map(|(indicator_id, row)| (indicator_id, row.definition().description))
            .collect();
    let letterhead = letterhead_of(conn, unit_id, letterhead).await?;
    let rows = period
        .indicators
        .iter()
        .map(|indicator| {
            let current = submission
                .as_ref()
                .and_then(|s| s.values.iter().find(|v| v.code == indicator.code));
            FormRow {
                code: indicator.code.clone(),
                name: indicator.name.clone(),
                description: descriptions.get(&indicator.indicator_id).cloned().flatten(),
                kind: indicator.kind,
                unit_of_measure: indicator.unit_of_measure.clone(),
                target: indicator.target,
                evidence_required: indicator.evidence_required,
                value: current.map(value_input).unwrap_or_default(),
                // The unit cannot change the Office's figure; show it, locked.
                system_value_locked: matches!(scope, UnitScope::Own(_))
                    && current
                        .is_some_and(|v| v.system_value_source == Some(SystemValueSource::Office)),
            }
        })
        .collect();
    Ok(StatisticsForm {
        header: FormHeader {
            period_code: period.code.clone(),
            period_title: period.title.clone(),
            data_from: period.data_window.data_from,
            data_to: period.data_window.data_to,
            unit_code: unit.code.clone(),
            unit_name: unit.name.clone(),
            letterhead,
            deadline,
        },
        rows,
    })
}

/// Vietnamese for the problems the submission rules find in an imported value; the rules'
/// own English message otherwise.
fn message_vi(error: &FieldError) -> String {
    match error.code.as_str() {
        "negative" => "không được là số âm".into(),
        "not_whole" => "phải là số nguyên".into(),
        "not_for_kind" => "ô này không dùng cho loại chỉ tiêu của dòng; hãy để trống".into(),
        "too_long" => "nội dung quá dài".into(),
        "set_by_office" => "số liệu hệ thống do Văn phòng nhập; giữ nguyên hoặc để trống".into(),
        _ => error.message.clone(),
    }
}

pub(crate) fn cell_list(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| e.field.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads the form on the blocking pool: parsing is CPU-bound and must not stall the async
/// worker thread (and every request queued on it). The guard stops itself at its time limit;
/// the outer timeout only covers a stall it cannot see.
async fn parse_off_thread(
    workbook: bytes::Bytes,
    period_code: String,
    unit_code: String,
    indicators: Vec<(String, IndicatorKind)>,
) -> Result<ParsedForm, FormError> {
    let task = tokio::task::spawn_blocking(move || {
        let expected = ExpectedForm {
            period_code: &period_code,
            unit_code: &unit_code,
            indicators: &indicators,
        };
        parse_form(&workbook, &expected)
    });
    let timed_out = || FormError::Refused(WorkbookRefusal::TimedOut { limit: TIME_LIMIT });
    match tokio::time::timeout(TIME_LIMIT + Duration::from_secs(5), task).await {
        Ok(Ok(parsed)) => parsed,
        // A panic in the workbook reader on hostile input: the file is unreadable.
        Ok(Err(error)) => {
            tracing::error!(%error, "reading an imported workbook failed");
            Err(FormError::from(WorkbookRefusal::Unreadable))
        }
        Err(_) => Err(timed_out()),
    }
}

/// Applies a filled statistics form to a submission, as `PATCH` would apply the values it
/// gives (see `excel::import` for how rows are read). Problems are 422 with every cell named;
/// a workbook past the limits of `excel::guard` is 413 `workbook_too_large` or 422
/// `sheet_too_large` / `workbook_timeout`.
// The connection, the versions cache, the request's parts, its caller and the clock.
#[allow(clippy::too_many_arguments)]
pub async fn import_form(
    conn: &mut AsyncPgConnection,
    versions: &PinnedVersions,
    id: i64,
    workbook: bytes::Bytes,
    if_match: &IfMatch,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Submission> {
    let current = submissions::check_update(conn, versions, id, if_match, principal).await?;
    let parsed = read_form(workbook, &current)
        .await
        .map_err(|error| form_problem(error, &current.period_code, &current.unit_code))?;
    apply_form(conn, versions, &parsed, if_match, principal, actor, now, id).await
}

/// Reads `workbook` as the statistics form of `current`'s unit and period (off the async
/// threads). [`FormError::Mismatch`] means it is another workbook.
pub(crate) async fn read_form(
    workbook: bytes::Bytes,
    current: &Submission,
) -> Result<ParsedForm, FormError> {
    let indicators: Vec<_> = current
        .values
        .iter()
        .map(|v| (v.code.clone(), v.kind))
        .collect();
    parse_off_thread(
        workbook,
        current.period_code.clone(),
        current.unit_code.clone(),
        indicators,
    )
    .await
}

/// The one path a read form's values take into submission `id`, whoever brings it (the import
/// endpoint, a report received through QLVB): the update of `PATCH` with its rules, revision
/// and audit; the rules' problems named by cell, in Vietnamese (422 `validation_failed`); the
/// rows missing from the form as `import_warnings`.
// The connection, the versions cache, the form, the caller's parts and the clock.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn apply_form(
    conn: &mut AsyncPgConnection,
    versions: &PinnedVersions,
    parsed: &ParsedForm,
    if_match: &IfMatch,
    principal: &Principal,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
) -> Result<Submission> {
    let changes = UpdateSubmission {
        values: Some(parsed.values.clone()),
        ..UpdateSubmission::default()
    };
    let mut submission = submissions::update(
        conn, versions, id, &changes, if_match, principal, actor, now,
    )
    .await
    .map_err(|error| match error {
        // Problems the submission rules found: name the cell where the form has one.
        Error::Validation { errors } => {
            let errors: Vec<FieldError> = errors
                .into_iter()
                .map(|e| match parsed.cell_of(&e.field) {
                    Some(cell) => FieldError::new(cell, e.code.clone(), message_vi(&e)),
                    None => e,
                })
                .collect();
            invalid_cells("biểu mẫu thống kê", errors)
        }
        other => other,
    })?;
    submission.import_warnings = parsed
        .missing
        .iter()
        .map(|code| Warning {
            code: MISSING_ROW.into(),
            message: format!(
                "biểu mẫu gửi lên không có dòng của chỉ tiêu {code} (dòng đã bị xóa?); số liệu \
                 hiện có của chỉ tiêu này được giữ nguyên"
            ),
        })
        .collect();
    Ok(submission)
}

/// What an imported workbook should have been, for the problems a person reads.
pub(crate) struct ImportedWorkbook<'a> {
    /// What it is, in Vietnamese: `biểu mẫu thống kê`, `phụ lục kế hoạch`.
    pub name: &'a str,
    /// The code when the workbook is another one (`form_mismatch`, `not_an_appendix`).
    pub mismatch_code: &'static str,
    /// What to do then, in Vietnamese.
    pub mismatch_hint: String,
}

/// 422 naming every invalid cell, in Vietnamese as the cells' messages are.
pub(crate) fn invalid_cells(name: &str, errors: Vec<FieldError>) -> Error {
    Error::Unprocessable {
        code: "validation_failed",
        detail: format!(
            "{name} có {} ô không hợp lệ: {}",
            errors.len(),
            cell_list(&errors)
        ),
        errors,
    }
}

/// Why an imported workbook was not read, as a problem whose `detail` a person reads:
/// Vietnamese, saying what to do.
pub(crate) fn workbook_problem(error: FormError, workbook: &ImportedWorkbook) -> Error {
    match error {
        FormError::InvalidWorkbook(reason) => Error::Unprocessable {
            code: "invalid_workbook",
            detail: format!("tệp gửi lên không đọc được như {}: {reason}", workbook.name),
            errors: Vec::new(),
        },
        FormError::Refused(refusal) => refused(&refusal),
        FormError::Mismatch(errors) => Error::Unprocessable {
            code: workbook.mismatch_code,
            detail: format!("{} ({})", workbook.mismatch_hint, cell_list(&errors)),
            errors,
        },
        FormError::Cells(errors) => invalid_cells(workbook.name, errors),
    }
}

fn form_problem(error: FormError, period_code: &str, unit_code: &str) -> Error {
    workbook_problem(
        error,
        &ImportedWorkbook {
            name: "biểu mẫu thống kê",
            mismatch_code: "form_mismatch",
            mismatch_hint: format!(
                "tệp không phải biểu mẫu thống kê của kỳ {period_code} cho đơn vị {unit_code}; \
                 hãy tải biểu mẫu đó và điền vào"
            ),
        },
    )
}

/// A workbook past the guard's limits: 413 when it is the package's size, else 422; the
/// offending cell is named when there is one.
pub(crate) fn refused(refusal: &WorkbookRefusal) -> Error {
    let code = refusal.code();
    let message = refusal.message();
    let detail = format!("tệp không được đọc: {message}");
    let errors = refusal
        .cell()
        .map(|cell| vec![FieldError::new(cell, code, message.clone())])
        .unwrap_or_default();
    if refusal.is_too_large() {
        Error::TooLarge {
            code,
            detail,
            errors,
        }
    } else {
        Error::Unprocessable {
            code,
            detail,
            errors,
        }
    }
}
