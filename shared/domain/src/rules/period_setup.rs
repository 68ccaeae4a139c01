//! Setting a period up: the checks on what defines a period (code, title, legal basis, policy,
//! frequency and sequence, data window) and what the rules derive from it (the Decree 09
//! cut-off window or a custom one, the deadline shifted off non-working days, the warning
//! about a deadline that leaves no working day after the cut-off). Pure: the use cases that
//! create, change and open a period load the calendar and call [`derive`].

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

use crate::error::FieldError;
use crate::model::period::{LegalDocument, WindowSource};
use crate::model::policy::ReminderPolicy;
use crate::rules::calendar::WorkingCalendar;
use crate::rules::cutoff::{
    decree09_window, validate_window, CutoffError, CutoffWindow, Frequency, ReportType,
    SUPPORTED_YEARS,
};
use crate::rules::deadline::{check_deadline_after_cutoff, resolve_deadline, DeadlineResolution};
use crate::rules::document_number;
use crate::validation::Checker;

/// Stable code of the warning about a deadline that leaves no working day after the cut-off.
pub const DEADLINE_TOO_CLOSE: &str = "deadline_too_close_to_cutoff";
/// Most documents a period may cite as its legal basis.
pub const MAX_LEGAL_DOCUMENTS: usize = 20;

/// Everything that defines a period, before it is checked and derived.
#[derive(Debug, Clone)]
pub struct PeriodState {
    pub code: String,
    pub title: String,
    pub description: Option<String>,
    pub report_type: ReportType,
    pub frequency: Frequency,
    pub year: Option<i32>,
    pub sequence: Option<i32>,
    /// `None`: the Decree 09 default window.
    pub custom_window: Option<(Option<NaiveDate>, Option<NaiveDate>)>,
    pub deadline: DateTime<FixedOffset>,
    pub shift: bool,
    pub strict: bool,
    pub legal_basis: Vec<LegalDocument>,
    pub policy: ReminderPolicy,
}

/// What the rules derive from a period's state.
#[derive(Debug, Clone)]
pub struct Derived {
    pub window: CutoffWindow,
    pub source: WindowSource,
    pub deadline: DeadlineResolution,
    pub warning: Option<String>,
}

pub fn cutoff_field_error(error: &CutoffError) -> FieldError {
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

/// Checks the state and derives window and deadline; every problem goes to `check`.
pub fn derive(
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
        if document_number::check(&doc.number).is_err() {
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
        (Frequency::AdHoc, year) => {
            // The year of an ad-hoc period only labels it, but it takes the same years.
            if let Some(year) = year.filter(|y| !SUPPORTED_YEARS.contains(y)) {
                check.extend([cutoff_field_error(&CutoffError::YearOutOfRange {
                    min: *SUPPORTED_YEARS.start(),
                    max: *SUPPORTED_YEARS.end(),
                    given: year,
                })]);
            }
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

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn local(y: i32, m: u32, d: u32, h: u32) -> DateTime<FixedOffset> {
        FixedOffset::east_opt(7 * 3600)
            .unwrap()
            .with_ymd_and_hms(y, m, d, h, 0, 0)
            .unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// The second quarter of 2026, due Saturday 20 June at 17:00.
    fn quarter() -> PeriodState {
        PeriodState {
            code: "Q2-2026".into(),
            title: "Báo cáo CCHC quý II năm 2026".into(),
            description: None,
            report_type: ReportType::Periodic,
            frequency: Frequency::Quarterly,
            year: Some(2026),
            sequence: Some(2),
            custom_window: None,
            deadline: local(2026, 6, 20, 17),
            shift: true,
            strict: true,
            legal_basis: vec![LegalDocument {
                number: "4289/KH-UBND".into(),
                issued_on: date(2025, 12, 20),
                title: "Kế hoạch cải cách hành chính năm 2026".into(),
            }],
            policy: ReminderPolicy::default(),
        }
    }

    /// What `derive` answers and every problem it found, as (field, code).
    fn run(state: &PeriodState) -> (Option<Derived>, Vec<(String, String)>) {
        let mut check = Checker::new();
        let derived = derive(state, &WorkingCalendar::new([]), &mut check);
        let problems = match check.finish() {
            Ok(()) => Vec::new(),
            Err(invalid) => invalid
                .errors
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect(),
        };
        (derived, problems)
    }

    fn problem(field: &str, code: &str) -> (String, String) {
        (field.to_owned(), code.to_owned())
    }

    #[test]
    fn a_quarter_gets_the_decree_09_window_and_a_deadline_off_the_weekend() {
        let (derived, problems) = run(&quarter());
        assert_eq!(problems, []);
        let derived = derived.unwrap();
        assert_eq!(derived.window.data_from, date(2026, 3, 15));
        assert_eq!(derived.window.data_to, date(2026, 6, 14));
        assert_eq!(derived.source, WindowSource::Decree09);
        assert!(derived.deadline.shifted);
        assert_eq!(
            derived
                .deadline
                .effective
                .with_timezone(&FixedOffset::east_opt(7 * 3600).unwrap()),
            local(2026, 6, 22, 17)
        );
        assert_eq!(derived.warning, None);
    }

    #[test]
    fn a_custom_window_needs_both_ends_in_order() {
        let mut state = quarter();
        state.custom_window = Some((Some(date(2026, 4, 1)), None));
        let (derived, problems) = run(&state);
        assert!(derived.is_none());
        assert_eq!(problems, [problem("data_to", "required")]);

        state.custom_window = Some((Some(date(2026, 6, 1)), Some(date(2026, 4, 1))));
        let (derived, problems) = run(&state);
        assert!(derived.is_none());
        assert_eq!(problems, [problem("data_to", "before_data_from")]);

        state.custom_window = Some((Some(date(2026, 4, 1)), Some(date(2026, 6, 1))));
        let (derived, problems) = run(&state);
        assert_eq!(problems, []);
        assert_eq!(derived.unwrap().source, WindowSource::Custom);
    }

    #[test]
    fn frequency_year_and_sequence_must_fit_together() {
        let mut state = quarter();
        state.year = None;
        assert_eq!(run(&state).1, [problem("year", "required")]);

        let mut state = quarter();
        state.sequence = Some(5);
        assert_eq!(run(&state).1, [problem("sequence", "out_of_range")]);

        let mut state = quarter();
        state.sequence = Some(-1);
        assert_eq!(run(&state).1, [problem("sequence", "out_of_range")]);

        let mut state = quarter();
        state.frequency = Frequency::AdHoc;
        let (derived, problems) = run(&state);
        assert!(derived.is_none());
        assert_eq!(
            problems,
            [
                problem("sequence", "not_allowed"),
                problem("data_from", "required")
            ]
        );
    }

    #[test]
    fn a_deadline_without_a_working_day_after_the_cutoff_is_refused_or_warned() {
        let mut state = quarter();
        // The window ends Sunday 14 June; Monday 15 June is the first day allowed, and a
        // deadline on the 14th is not moved there when shifting is off.
        state.deadline = local(2026, 6, 14, 17);
        state.shift = false;
        let (derived, problems) = run(&state);
        assert_eq!(problems, [problem("deadline", DEADLINE_TOO_CLOSE)]);
        assert!(derived.unwrap().warning.is_none());

        state.strict = false;
        let (derived, problems) = run(&state);
        assert_eq!(problems, []);
        assert!(derived.unwrap().warning.unwrap().contains("2026-06-15"));
    }

    #[test]
    fn legal_basis_numbers_follow_decree_30() {
        let mut state = quarter();
        for number in ["383/KH-SCT", "09/2019/NĐ-CP", "3394/SCT-VP", "12/CTr-UBND"] {
            state.legal_basis[0].number = number.into();
            assert_eq!(run(&state).1, [], "{number}");
        }
        for number in ["", "383", "KH-SCT", "383/", "abc/KH-SCT"] {
            state.legal_basis[0].number = number.into();
            assert_eq!(
                run(&state).1,
                [problem("legal_basis[0].number", "invalid_document_number")],
                "{number:?}"
            );
        }
    }

    #[test]
    fn at_most_twenty_legal_documents() {
        let mut state = quarter();
        state.legal_basis = vec![state.legal_basis[0].clone(); MAX_LEGAL_DOCUMENTS + 1];
        assert_eq!(run(&state).1, [problem("legal_basis", "too_many")]);
    }
}
