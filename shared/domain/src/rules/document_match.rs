//! Matching a document received from QLVB to a unit's report for a period, as a pure decision
//! over facts the caller looked up:
//!
//! - the sender is our unit, named by its code (`unit_code`) or its QLVB identifier code
//!   (`agency_code`, the unit's `qlvb_code`);
//! - the period is named by its code (`period_code`), or, without one, found through the
//!   request letter the document replies to (`in_reply_to`, a document linked to a period as
//!   `request_letter`);
//! - the unit takes part in the period, and the period has been opened.
//!
//! Anything short of that leaves the document unmatched, with the reason, for the Office to
//! link by hand.

use crate::model::period::PeriodStatus;

/// What the sender turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sender {
    /// The event names no sender.
    NotGiven,
    /// The named code is no unit of ours; `what` describes what was sent.
    Unknown {
        what: String,
    },
    /// Both codes were sent and they name different units.
    Conflicting {
        what: String,
    },
    Found {
        unit_id: i64,
        unit_code: String,
    },
}

/// A period that may be the one the document reports for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub period_id: i64,
    pub code: String,
    pub status: PeriodStatus,
    /// The units taking part.
    pub unit_ids: Vec<i64>,
}

/// What the period turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeriodLookup {
    /// Neither `period_code` nor `in_reply_to` was sent.
    NotGiven,
    /// `period_code` was sent.
    ByCode {
        code: String,
        found: Option<Candidate>,
    },
    /// `in_reply_to` was sent (and no `period_code`).
    ByReply {
        number: String,
        /// Why the number could not be read, if it could not.
        invalid: Option<String>,
        /// Whether a document with that number is registered.
        letter_registered: bool,
        /// The periods the letter is linked to as `request_letter`.
        periods: Vec<Candidate>,
    },
}

/// The decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    Matched {
        unit_id: i64,
        unit_code: String,
        period_id: i64,
        period_code: String,
    },
    Unmatched {
        reason: String,
    },
}

fn unmatched(reason: impl Into<String>) -> Match {
    Match::Unmatched {
        reason: reason.into(),
    }
}

/// Decides whether a received document is a unit's report for a period.
pub fn decide(sender: &Sender, period: &PeriodLookup) -> Match {
    let (unit_id, unit_code) = match sender {
        Sender::NotGiven => {
            return unmatched(
                "the event names no sender: send data.document.sender.unit_code or agency_code",
            )
        }
        Sender::Unknown { what } => return unmatched(format!("no unit has {what}")),
        Sender::Conflicting { what } => {
            return unmatched(format!("{what} name different units"));
        }
        Sender::Found { unit_id, unit_code } => (*unit_id, unit_code),
    };
    let candidate = match period {
        PeriodLookup::NotGiven => {
            return unmatched(
                "the event names no period: send data.document.period_code or in_reply_to",
            )
        }
        PeriodLookup::ByCode { code, found: None } => {
            return unmatched(format!("no period has code {code:?}"))
        }
        PeriodLookup::ByCode {
            found: Some(candidate),
            ..
        } => candidate,
        PeriodLookup::ByReply {
            number,
            invalid: Some(why),
            ..
        } => {
            return unmatched(format!(
                "in_reply_to {number:?} is not a document number: {why}"
            ))
        }
        PeriodLookup::ByReply {
            number,
            letter_registered: false,
            ..
        } => {
            return unmatched(format!(
                "in_reply_to {number:?} is not a registered document"
            ))
        }
        PeriodLookup::ByReply {
            number, periods, ..
        } => match periods.as_slice() {
            [] => {
                return unmatched(format!(
                    "the document {number} is not the request letter of any period"
                ))
            }
            [candidate] => candidate,
            several => {
                let codes: Vec<&str> = several.iter().map(|c| c.code.as_str()).collect();
                return unmatched(format!(
                    "the document {number} is the request letter of several periods ({}); send period_code",
                    codes.join(", ")
                ));
            }
        },
    };
    if candidate.status == PeriodStatus::Draft {
        return unmatched(format!("the period {} is not open yet", candidate.code));
    }
    if !candidate.unit_ids.contains(&unit_id) {
        return unmatched(format!(
            "the unit {unit_code} does not take part in the period {}",
            candidate.code
        ));
    }
    Match::Matched {
        unit_id,
        unit_code: unit_code.clone(),
        period_id: candidate.period_id,
        period_code: candidate.code.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit() -> Sender {
        Sender::Found {
            unit_id: 7,
            unit_code: "QLCN".into(),
        }
    }

    fn period(status: PeriodStatus, units: &[i64]) -> Candidate {
        Candidate {
            period_id: 3,
            code: "2026-Q4".into(),
            status,
            unit_ids: units.to_vec(),
        }
    }

    fn by_code(found: Option<Candidate>) -> PeriodLookup {
        PeriodLookup::ByCode {
            code: "2026-Q4".into(),
            found,
        }
    }

    fn by_reply(periods: Vec<Candidate>) -> PeriodLookup {
        PeriodLookup::ByReply {
            number: "3394/SCT-VP".into(),
            invalid: None,
            letter_registered: true,
            periods,
        }
    }

    fn reason(m: Match) -> String {
        match m {
            Match::Unmatched { reason } => reason,
            other => panic!("expected unmatched, got {other:?}"),
        }
    }

    #[test]
    fn a_participating_unit_and_an_open_period_match() {
        let matched = Match::Matched {
            unit_id: 7,
            unit_code: "QLCN".into(),
            period_id: 3,
            period_code: "2026-Q4".into(),
        };
        let open = period(PeriodStatus::Open, &[5, 7]);
        assert_eq!(decide(&unit(), &by_code(Some(open.clone()))), matched);
        assert_eq!(decide(&unit(), &by_reply(vec![open])), matched);
        // A report arriving after the period closed still belongs to it.
        let closed = period(PeriodStatus::Closed, &[7]);
        assert!(matches!(
            decide(&unit(), &by_code(Some(closed))),
            Match::Matched { .. }
        ));
    }

    #[test]
    fn the_sender_must_be_known() {
        let open = by_code(Some(period(PeriodStatus::Open, &[7])));
        assert!(reason(decide(&Sender::NotGiven, &open)).contains("no sender"));
        let unknown = Sender::Unknown {
            what: "agency_code \"000.00.99.H56\"".into(),
        };
        assert_eq!(
            reason(decide(&unknown, &open)),
            "no unit has agency_code \"000.00.99.H56\""
        );
        let conflicting = Sender::Conflicting {
            what: "unit_code \"QLCN\" and agency_code \"X\"".into(),
        };
        assert!(reason(decide(&conflicting, &open)).contains("different units"));
    }

    #[test]
    fn the_period_must_be_found_open_and_include_the_unit() {
        assert!(reason(decide(&unit(), &PeriodLookup::NotGiven)).contains("no period"));
        assert_eq!(
            reason(decide(&unit(), &by_code(None))),
            "no period has code \"2026-Q4\""
        );
        assert_eq!(
            reason(decide(
                &unit(),
                &by_code(Some(period(PeriodStatus::Draft, &[7])))
            )),
            "the period 2026-Q4 is not open yet"
        );
        assert_eq!(
            reason(decide(
                &unit(),
                &by_code(Some(period(PeriodStatus::Open, &[5])))
            )),
            "the unit QLCN does not take part in the period 2026-Q4"
        );
    }

    #[test]
    fn a_reply_needs_exactly_one_period_of_a_registered_letter() {
        assert!(reason(decide(&unit(), &by_reply(vec![]))).contains("not the request letter"));
        let mut other = period(PeriodStatus::Open, &[7]);
        other.code = "2026-Y".into();
        let several = by_reply(vec![period(PeriodStatus::Open, &[7]), other]);
        assert!(reason(decide(&unit(), &several)).contains("several periods (2026-Q4, 2026-Y)"));
        let unregistered = PeriodLookup::ByReply {
            number: "3394/SCT-VP".into(),
            invalid: None,
            letter_registered: false,
            periods: vec![],
        };
        assert!(reason(decide(&unit(), &unregistered)).contains("not a registered document"));
        let invalid = PeriodLookup::ByReply {
            number: "3394".into(),
            invalid: Some("expected number/symbol".into()),
            letter_registered: false,
            periods: vec![],
        };
        assert!(reason(decide(&unit(), &invalid)).contains("not a document number"));
    }
}
