//! Where a task stood at a past instant (a reporting period's cut-off), from its history: the
//! deadline that applied then (extensions granted after it do not count), the progress
//! reported by then, and whether it had been declared done (and was confirmed). The status is
//! then derived as for today, with that instant as "now".

use chrono::{DateTime, NaiveDate, Utc};

use super::task_due::ReportEvery;
use super::task_status::TaskFacts;
use crate::model::task::TaskEventKind;

/// What a task's history holds, as read from its row, extensions and events.
#[derive(Debug, Clone, Copy)]
pub struct TaskHistory<'a> {
    pub created_at: DateTime<Utc>,
    pub start: Option<NaiveDate>,
    /// The deadline as first set (before any extension); `None` for ongoing work.
    pub original_deadline: Option<DateTime<Utc>>,
    pub reports_every: Option<ReportEvery>,
    /// Each extension: when it was granted and the deadline it set, in any order.
    pub extensions: &'a [(DateTime<Utc>, DateTime<Utc>)],
    /// Each event: when, what and the percent it reported, in any order.
    pub events: &'a [(DateTime<Utc>, TaskEventKind, Option<i16>)],
    /// The latest declaration of completion, when the Office confirmed it.
    pub confirmed_declaration: Option<DateTime<Utc>>,
}

/// A task at an instant: the facts its status is derived from, and its progress then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub facts: TaskFacts,
    pub progress_percent: i16,
}

/// Where the task of `history` stood at `at`; `None` when it did not exist yet.
pub fn standing_at(history: &TaskHistory<'_>, at: DateTime<Utc>) -> Option<Standing> {
    if history.created_at > at {
        return None;
    }
    let deadline = history
        .extensions
        .iter()
        .filter(|(granted, _)| *granted <= at)
        .max_by_key(|(granted, _)| *granted)
        .map(|(_, deadline)| *deadline)
        .or(history.original_deadline);
    let mut events: Vec<_> = history.events.iter().filter(|(t, ..)| *t <= at).collect();
    events.sort_by_key(|(t, ..)| *t);
    let (mut percent, mut reported, mut last_progress_at) = (0_i16, 0_i16, None);
    for (time, kind, event_percent) in events {
        match kind {
            TaskEventKind::Progress => {
                reported = event_percent.unwrap_or(reported);
                percent = reported;
                last_progress_at = Some(*time);
            }
            TaskEventKind::DeclaredDone => {
                percent = event_percent.unwrap_or(100);
                last_progress_at = Some(*time);
            }
            // A returned declaration goes back to the last progress reported before it.
            TaskEventKind::Returned => percent = reported,
            TaskEventKind::Contribution | TaskEventKind::Confirmed => {}
        }
    }
    let completed_at = history
        .confirmed_declaration
        .filter(|declared| *declared <= at);
    Some(Standing {
        facts: TaskFacts {
            start: history.start,
            deadline,
            reports_every: history.reports_every,
            last_progress_at,
            completed_at,
        },
        progress_percent: if completed_at.is_some() { 100 } else { percent },
    })
}

#[cfg(test)]
mod tests {
    use chrono::FixedOffset;

    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::<FixedOffset>::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn history<'a>(
        extensions: &'a [(DateTime<Utc>, DateTime<Utc>)],
        events: &'a [(DateTime<Utc>, TaskEventKind, Option<i16>)],
        confirmed: Option<DateTime<Utc>>,
    ) -> TaskHistory<'a> {
        TaskHistory {
            created_at: at("2022-02-21T09:00:00+07:00"),
            start: None,
            original_deadline: Some(at("2022-05-31T17:00:00+07:00")),
            reports_every: None,
            extensions,
            events,
            confirmed_declaration: confirmed,
        }
    }

    #[test]
    fn an_extension_granted_after_the_cut_off_does_not_move_the_deadline_then() {
        let extensions = [(
            at("2022-06-20T10:00:00+07:00"),
            at("2022-07-29T17:00:00+07:00"),
        )];
        let h = history(&extensions, &[], None);
        // Q2's cut-off (Decree 09: data to 14/06): the original deadline applied.
        let q2 = standing_at(&h, at("2022-06-15T00:00:00+07:00")).unwrap();
        assert_eq!(q2.facts.deadline, Some(at("2022-05-31T17:00:00+07:00")));
        let later = standing_at(&h, at("2022-07-01T00:00:00+07:00")).unwrap();
        assert_eq!(later.facts.deadline, Some(at("2022-07-29T17:00:00+07:00")));
    }

    #[test]
    fn progress_counts_what_was_reported_by_then_and_a_return_goes_back() {
        let events = [
            (
                at("2022-04-10T09:00:00+07:00"),
                TaskEventKind::Progress,
                Some(40),
            ),
            (
                at("2022-05-20T09:00:00+07:00"),
                TaskEventKind::Contribution,
                None,
            ),
            (
                at("2022-05-25T09:00:00+07:00"),
                TaskEventKind::DeclaredDone,
                Some(100),
            ),
            (
                at("2022-05-27T09:00:00+07:00"),
                TaskEventKind::Returned,
                None,
            ),
            (
                at("2022-06-02T09:00:00+07:00"),
                TaskEventKind::Progress,
                Some(90),
            ),
        ];
        let h = history(&[], &events, None);
        let percent = |text: &str| standing_at(&h, at(text)).unwrap().progress_percent;
        assert_eq!(percent("2022-03-31T00:00:00+07:00"), 0);
        assert_eq!(percent("2022-04-30T00:00:00+07:00"), 40);
        assert_eq!(
            percent("2022-05-26T00:00:00+07:00"),
            100,
            "declared, not yet returned"
        );
        assert_eq!(percent("2022-05-31T00:00:00+07:00"), 40, "returned");
        assert_eq!(percent("2022-06-15T00:00:00+07:00"), 90);
        let may = standing_at(&h, at("2022-05-31T00:00:00+07:00")).unwrap();
        assert_eq!(
            may.facts.last_progress_at,
            Some(at("2022-05-25T09:00:00+07:00"))
        );
        assert_eq!(may.facts.completed_at, None);
    }

    #[test]
    fn a_confirmed_task_is_done_from_its_declaration_and_a_later_task_did_not_exist() {
        let declared = at("2022-06-10T15:00:00+07:00");
        let events = [(declared, TaskEventKind::DeclaredDone, Some(100))];
        let h = history(&[], &events, Some(declared));
        assert_eq!(
            standing_at(&h, at("2022-06-15T00:00:00+07:00"))
                .unwrap()
                .facts
                .completed_at,
            Some(declared)
        );
        let before = standing_at(&h, at("2022-06-01T00:00:00+07:00")).unwrap();
        assert_eq!(
            (before.facts.completed_at, before.progress_percent),
            (None, 0)
        );
        assert_eq!(standing_at(&h, at("2022-01-01T00:00:00+07:00")), None);
    }
}
