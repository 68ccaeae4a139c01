//! Setting a period up: the rules derive its window and deadline from its state; its codes, documents, indicators and units are resolved and replaced.

use super::*;
use cchc_domain::model::unit::UnitKind;

/// What the rules derive from a period's state.
#[derive(Debug, Clone)]
pub(super) struct Derived {
    pub(super) window: CutoffWindow,
    pub(super) source: WindowSource,
    pub(super) deadline: DeadlineResolution,
    pub(super) warning: Option<String>,
}

pub(super) fn cutoff_field_error(error: &CutoffError) -> FieldError {
    let field = match error {
        CutoffError::SequenceRequired { .. }
        | CutoffError::SequenceOutOfRange { .. }
        | CutoffError::SequenceNotAllowed { .. } => "sequence",
        CutoffError::YearOutOfRange { .. } => "year",
        CutoffError::NoDefaultWindow => "data_from",
        CutoffError::WindowInverted { .. } => "data_to",
    };
    let code = match error {
        CutoffError::SequenceRequired { .. } => "required",
        CutoffError::SequenceOutOfRange { .. } | CutoffError::YearOutOfRange { .. } => {
            "out_of_range"
        }
        CutoffError::SequenceNotAllowed { .. } => "not_allowed",
        CutoffError::NoDefaultWindow => "required",
        CutoffError::WindowInverted { .. } => "before_data_from",
    };
    FieldError::new(field, code, error.to_string())
}

/// A document number as Decree 30/2020 writes it: `733/SNV-TT`, `09/2019/NĐ-CP`.
pub(super) fn is_document_number(number: &str) -> bool {
    let Some((digits, symbol)) = number.split_once('/') else {
        return false;
    };
    !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit())
        && !symbol.is_empty()
        && symbol
            .chars()
            .all(|c| c.is_uppercase() || c.is_ascii_digit() || c == '-' || c == '/' || c == '.')
}

/// Checks the state and derives window and deadline; every problem goes to `check`.
pub(super) fn derive(
    state: &PeriodState,
    calendar: &WorkingCalendar,
    check: &mut Checker,
) -> Option<Derived> {
    check.code("code", &state.code.to_uppercase(), 40, "._-");
    check.text("title", &state.title, 300);
    check.optional_text("description", state.description.as_deref(), 4000);
    if state.legal_basis.len() > MAX_LEGAL_DOCUMENTS {
        check.push(
            "legal_basis",
            "too_many",
            format!("at most {MAX_LEGAL_DOCUMENTS} documents"),
        );
    }
    for (i, doc) in state.legal_basis.iter().enumerate() {
        if !is_document_number(doc.number.trim()) {
            check.push(
                format!("legal_basis[{i}].number"),
                "invalid_document_number",
                "must be number/symbol as in Decree 30/2020, e.g. 733/SNV-TT or 383/KH-SCT",
            );
        }
        check.text(&format!("legal_basis[{i}].title"), &doc.title, 500);
    }
    check.extend(state.policy.problems("policy"));

    let sequence = match state.sequence.map(u32::try_from) {
        Some(Ok(s)) => Some(s),
        Some(Err(_)) => {
            check.push("sequence", "out_of_range", "must not be negative");
            return None;
        }
        None => None,
    };
    let default_window = match (state.frequency, state.year) {
        (Frequency::AdHoc, _) => {
            if sequence.is_some() {
                check.push(
                    "sequence",
                    "not_allowed",
                    "an ad-hoc period has no sequence",
                );
            }
            None
        }
        (_, None) => {
            check.push(
                "year",
                "required",
                "required unless the frequency is ad_hoc",
            );
            None
        }
        (frequency, Some(year)) => match decree09_window(frequency, year, sequence) {
            Ok(window) => Some(window),
            Err(error) => {
                check.extend([cutoff_field_error(&error)]);
                None
            }
        },
    };
    let (window, source) = match state.custom_window {
        Some((from, to)) => {
            if from.is_none() {
                check.push(
                    "data_from",
                    "required",
                    "give both data_from and data_to for a custom window",
                );
            }
            if to.is_none() {
                check.push(
                    "data_to",
                    "required",
                    "give both data_from and data_to for a custom window",
                );
            }
            let (Some(data_from), Some(data_to)) = (from, to) else {
                return None;
            };
            let window = CutoffWindow { data_from, data_to };
            if let Err(error) = validate_window(&window) {
                check.extend([cutoff_field_error(&error)]);
                return None;
            }
            (window, WindowSource::Custom)
        }
        None => match default_window {
            Some(window) => (window, WindowSource::Decree09),
            None => {
                if state.frequency == Frequency::AdHoc {
                    check.push(
                        "data_from",
                        "required",
                        "an ad-hoc period needs data_from and data_to",
                    );
                }
                return None;
            }
        },
    };
    let deadline = resolve_deadline(
        state.deadline.with_timezone(&Utc),
        calendar,
        state.policy.office_hours_end,
        state.shift,
    );
    let warning = match check_deadline_after_cutoff(&window, deadline.effective, calendar) {
        Ok(()) => None,
        Err(too_early) if state.strict => {
            check.push("deadline", DEADLINE_TOO_CLOSE, too_early.message());
            None
        }
        Err(too_early) => Some(too_early.message()),
    };
    Some(Derived {
        window,
        source,
        deadline,
        warning,
    })
}

/// Resolves codes to ids in the given order, reporting unknown, inactive and repeated codes.
pub(super) fn resolve_codes<T: Copy>(
    check: &mut Checker,
    field: &str,
    codes: &[String],
    found: &HashMap<String, (T, bool)>,
    what: &str,
) -> Vec<T> {
    let mut seen = HashSet::new();
    let mut resolved = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        let path = format!("{field}[{i}]");
        if !seen.insert(code) {
            check.push(path, "duplicate", format!("{code:?} is listed twice"));
            continue;
        }
        match found.get(code) {
            None => check.push(path, "unknown_code", format!("no {what} has code {code:?}")),
            Some((_, false)) => {
                check.push(path, "inactive", format!("{what} {code:?} is inactive"))
            }
            Some((id, true)) => resolved.push(*id),
        }
    }
    resolved
}

pub(super) async fn resolve_indicators(
    conn: &mut AsyncPgConnection,
    check: &mut Checker,
    codes: Option<&[String]>,
) -> Result<Vec<(i64, i64)>> {
    let codes = match codes {
        Some(codes) => codes.to_vec(),
        None => indicators::active_codes(conn).await?,
    };
    let found: HashMap<String, ((i64, i64), bool)> =
        indicators::current_versions_by_code(conn, &codes)
            .await?
            .into_iter()
            .map(|(code, id, version_id, active)| (code, ((id, version_id), active)))
            .collect();
    Ok(resolve_codes(
        check,
        "indicator_codes",
        &codes,
        &found,
        "indicator",
    ))
}

pub(super) async fn resolve_units(
    conn: &mut AsyncPgConnection,
    check: &mut Checker,
    codes: Option<&[String]>,
) -> Result<Vec<i64>> {
    let codes: Vec<String> = match codes {
        Some(codes) => codes.to_vec(),
        // The department consolidates; its units report.
        None => {
            units::table
                .filter(units::active.eq(true))
                .filter(units::kind.ne(UnitKind::Department))
                .order(units::code.asc())
                .select(units::code)
                .load(conn)
                .await?
        }
    };
    let found: HashMap<String, (i64, bool)> = units::table
        .filter(units::code.eq_any(&codes))
        .select((units::code, units::id, units::active))
        .load::<(String, i64, bool)>(conn)
        .await?
        .into_iter()
        .map(|(code, id, active)| (code, (id, active)))
        .collect();
    Ok(resolve_codes(check, "unit_codes", &codes, &found, "unit"))
}

pub(super) async fn replace_documents(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    docs: &[LegalDocument],
) -> Result<()> {
    diesel::delete(period_documents::table.filter(period_documents::period_id.eq(period_id)))
        .execute(conn)
        .await?;
    let rows: Vec<_> = docs
        .iter()
        .enumerate()
        .map(|(i, doc)| {
            (
                period_documents::period_id.eq(period_id),
                period_documents::number.eq(doc.number.trim()),
                period_documents::issued_on.eq(doc.issued_on),
                period_documents::title.eq(doc.title.trim()),
                period_documents::sort_order.eq(i16::try_from(i).unwrap_or(i16::MAX)),
            )
        })
        .collect();
    if !rows.is_empty() {
        diesel::insert_into(period_documents::table)
            .values(rows)
            .execute(conn)
            .await?;
    }
    Ok(())
}

pub(super) async fn replace_indicators(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    set: &[(i64, i64)],
) -> Result<()> {
    diesel::delete(period_indicators::table.filter(period_indicators::period_id.eq(period_id)))
        .execute(conn)
        .await?;
    let rows: Vec<_> = set
        .iter()
        .enumerate()
        .map(|(i, (indicator_id, version_id))| {
            (
                period_indicators::period_id.eq(period_id),
                period_indicators::indicator_id.eq(indicator_id),
                period_indicators::indicator_version_id.eq(version_id),
                period_indicators::sort_order.eq(i16::try_from(i).unwrap_or(i16::MAX)),
            )
        })
        .collect();
    if !rows.is_empty() {
        diesel::insert_into(period_indicators::table)
            .values(rows)
            .execute(conn)
            .await?;
    }
    Ok(())
}

pub(super) async fn replace_units(
    conn: &mut AsyncPgConnection,
    period_id: i64,
    unit_ids: &[i64],
) -> Result<()> {
    diesel::delete(period_units::table.filter(period_units::period_id.eq(period_id)))
        .execute(conn)
        .await?;
    let rows: Vec<_> = unit_ids
        .iter()
        .map(|unit_id| {
            (
                period_units::period_id.eq(period_id),
                period_units::unit_id.eq(unit_id),
            )
        })
        .collect();
    if !rows.is_empty() {
        diesel::insert_into(period_units::table)
            .values(rows)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// The columns a period's state and derivation determine; written on create and on every change.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = periods, treat_none_as_null = true)]
pub(super) struct PeriodValues<'a> {
    pub(super) title: &'a str,
    pub(super) description: Option<&'a str>,
    pub(super) report_type: ReportType,
    pub(super) frequency: Frequency,
    pub(super) year: Option<i32>,
    pub(super) sequence: Option<i32>,
    pub(super) data_from: NaiveDate,
    pub(super) data_to: NaiveDate,
    pub(super) window_source: WindowSource,
    pub(super) requested_deadline: DateTime<Utc>,
    pub(super) deadline: DateTime<Utc>,
    pub(super) deadline_shifted: bool,
    pub(super) shift_deadline_off_non_working_day: bool,
    pub(super) strict_deadline_check: bool,
    pub(super) deadline_warning: Option<&'a str>,
    pub(super) policy: serde_json::Value,
    pub(super) updated_at: DateTime<Utc>,
}

impl<'a> PeriodValues<'a> {
    pub(super) fn new(
        state: &'a PeriodState,
        derived: &'a Derived,
        now: DateTime<Utc>,
    ) -> Result<Self> {
        Ok(Self {
            title: &state.title,
            description: state.description.as_deref(),
            report_type: state.report_type,
            frequency: state.frequency,
            year: state.year,
            sequence: state.sequence,
            data_from: derived.window.data_from,
            data_to: derived.window.data_to,
            window_source: derived.source,
            requested_deadline: derived.deadline.requested,
            deadline: derived.deadline.effective,
            deadline_shifted: derived.deadline.shifted,
            shift_deadline_off_non_working_day: state.shift,
            strict_deadline_check: state.strict,
            deadline_warning: derived.warning.as_deref(),
            policy: serde_json::to_value(&state.policy)
                .map_err(|e| Error::Internal(format!("policy serialization: {e}")))?,
            updated_at: now,
        })
    }
}
