//! Readiness of a self-assessment before it goes to the province: what keeps each criterion
//! from being sent, and the points at risk — proposed points that no evidence backs. Seed 001:
//! the department was ranked "Khá" because its self-assessment lacked the evidence for its
//! scores, and kept only 70 % of those points after explaining.

use rust_decimal::Decimal;

use crate::model::assessment::{ItemStatus, ReadinessFigures, ReadinessProblem};

/// How a criterion is scored, as readiness sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// A unit proposes points (entered or by level).
    Proposed,
    /// Computed from the system's data; `has_value` once the indicator has one.
    Computed { has_value: bool },
    /// Survey points the province publishes later; not the department's to prepare.
    Survey,
}

/// What readiness reads of a criterion's part.
#[derive(Debug, Clone)]
pub struct ItemFacts {
    pub method: Method,
    pub has_unit: bool,
    pub status: ItemStatus,
    pub self_points: Option<Decimal>,
    /// Evidence cited; of which without section or page.
    pub evidence: usize,
    pub unlocated_evidence: usize,
    pub has_explanation: bool,
    pub max_points: Decimal,
}

/// What keeps the part from being sent, in a stable order.
pub fn problems(item: &ItemFacts) -> Vec<ReadinessProblem> {
    let mut found = Vec::new();
    match item.method {
        Method::Survey => {}
        Method::Computed { has_value } => {
            if !has_value {
                found.push(ReadinessProblem::NoData);
            }
        }
        Method::Proposed => {
            if !item.has_unit {
                found.push(ReadinessProblem::Unassigned);
            }
            match item.self_points {
                None => found.push(ReadinessProblem::NotScored),
                Some(points) => {
                    if points > Decimal::ZERO && item.evidence == 0 && !item.has_explanation {
                        found.push(ReadinessProblem::NoEvidence);
                    }
                    if item.unlocated_evidence > 0 {
                        found.push(ReadinessProblem::EvidenceUnlocated);
                    }
                    if item.status != ItemStatus::Accepted {
                        found.push(ReadinessProblem::NotAccepted);
                    }
                }
            }
        }
    }
    found
}

/// Proposed points no evidence backs (an explanation alone does not).
pub fn points_at_risk(item: &ItemFacts) -> Decimal {
    match (item.method, item.self_points) {
        (Method::Proposed, Some(points)) if item.evidence == 0 => points,
        _ => Decimal::ZERO,
    }
}

/// Adds `item` (with its `points` and `problems`) to a group's figures.
pub fn add(
    figures: &mut ReadinessFigures,
    item: &ItemFacts,
    points: Option<Decimal>,
    problems: &[ReadinessProblem],
) {
    figures.criteria += 1;
    if problems.is_empty() {
        figures.resolved += 1;
    }
    figures.max_points += item.max_points;
    figures.self_points += points.unwrap_or(Decimal::ZERO);
    figures.points_at_risk += points_at_risk(item);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    fn proposed(points: Option<&str>, evidence: usize, explained: bool) -> ItemFacts {
        ItemFacts {
            method: Method::Proposed,
            has_unit: true,
            status: ItemStatus::Accepted,
            self_points: points.map(d),
            evidence,
            unlocated_evidence: 0,
            has_explanation: explained,
            max_points: d("2"),
        }
    }

    /// Seed 001's failure: points claimed without evidence are unresolved and at risk.
    #[test]
    fn points_without_evidence_are_unresolved_and_at_risk() {
        let bare = proposed(Some("2"), 0, false);
        assert_eq!(problems(&bare), [ReadinessProblem::NoEvidence]);
        assert_eq!(points_at_risk(&bare), d("2"));
        // Explained: resolved for sending, but the points stay at risk.
        let explained = proposed(Some("2"), 0, true);
        assert!(problems(&explained).is_empty());
        assert_eq!(points_at_risk(&explained), d("2"));
        // Backed by evidence: resolved and safe.
        let backed = proposed(Some("2"), 1, false);
        assert!(problems(&backed).is_empty());
        assert_eq!(points_at_risk(&backed), Decimal::ZERO);
        // Zero points need no evidence.
        assert!(problems(&proposed(Some("0"), 0, false)).is_empty());
    }

    #[test]
    fn every_reason_is_named_in_order() {
        let mut item = proposed(Some("1"), 2, false);
        item.has_unit = false;
        item.unlocated_evidence = 1;
        item.status = ItemStatus::Returned;
        assert_eq!(
            problems(&item),
            [
                ReadinessProblem::Unassigned,
                ReadinessProblem::EvidenceUnlocated,
                ReadinessProblem::NotAccepted
            ]
        );
        let mut pending = proposed(None, 0, false);
        pending.status = ItemStatus::Pending;
        assert_eq!(problems(&pending), [ReadinessProblem::NotScored]);
    }

    #[test]
    fn computed_and_survey_criteria_need_no_unit() {
        let mut computed = proposed(None, 0, false);
        computed.method = Method::Computed { has_value: false };
        computed.has_unit = false;
        assert_eq!(problems(&computed), [ReadinessProblem::NoData]);
        computed.method = Method::Computed { has_value: true };
        computed.self_points = Some(d("1"));
        assert!(problems(&computed).is_empty());
        assert_eq!(points_at_risk(&computed), Decimal::ZERO);
        let mut survey = proposed(None, 0, false);
        survey.method = Method::Survey;
        assert!(problems(&survey).is_empty());
    }

    #[test]
    fn figures_add_up() {
        let mut figures = ReadinessFigures::default();
        let bare = proposed(Some("2"), 0, false);
        add(&mut figures, &bare, bare.self_points, &problems(&bare));
        let backed = proposed(Some("1.5"), 1, false);
        add(
            &mut figures,
            &backed,
            backed.self_points,
            &problems(&backed),
        );
        assert_eq!(
            figures,
            ReadinessFigures {
                criteria: 2,
                resolved: 1,
                max_points: d("4"),
                self_points: d("3.5"),
                points_at_risk: d("2"),
            }
        );
    }
}
