//! The rules of an emulation campaign: what a campaign may say (rounds in order, criteria with
//! their weights), a computed criterion's points (its share of the criterion's maximum), and
//! the ranking with its tie rule. Pure: the use case brings the counts and entered points.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::model::campaign::{CampaignSource, CreateCampaign, CriterionKind, LeaderboardRow};
use crate::rules::par_index::share_percent;
use crate::validation::Checker;

/// The tie rule, as the leaderboard states it.
pub const TIE_RULE: &str = "Higher total points first; on equal totals, the higher points of \
the criteria in their listed order decide (the first that differs); units equal on every \
criterion share the rank, and the next rank is skipped (1, 2, 2, 4). Bằng tổng điểm thì xét lần \
lượt điểm từng tiêu chí theo thứ tự; bằng nhau ở mọi tiêu chí thì đồng hạng.";

/// The most rounds and criteria a campaign has.
pub const MAX_ROUNDS: usize = 12;
pub const MAX_CRITERIA: usize = 50;

fn hundred() -> Decimal {
    Decimal::from(100)
}

/// Every problem of a campaign as written.
pub fn check_campaign(check: &mut Checker, input: &CreateCampaign) {
    check.code("code", &input.code.trim().to_uppercase(), 40, "._-");
    if !(2000..=2200).contains(&input.year) {
        check.push("year", "out_of_range", "must be between 2000 and 2200");
    }
    check.text("title", &input.title, 1000);
    check_rounds(check, input);
    check_criteria(check, input);
}

fn check_rounds(check: &mut Checker, input: &CreateCampaign) {
    if input.rounds.is_empty() || input.rounds.len() > MAX_ROUNDS {
        check.push(
            "rounds",
            "count",
            format!("a campaign has 1 to {MAX_ROUNDS} rounds"),
        );
    }
    let mut previous_end: Option<NaiveDate> = None;
    // A campaign's rounds lie in its year (a review may fall early in the next).
    let years = (input.year - 1)..=(input.year + 1);
    for (i, round) in input.rounds.iter().enumerate() {
        for (name, date) in [
            ("starts_on", round.starts_on),
            ("ends_on", round.ends_on),
            ("review_on", round.review_on),
        ] {
            if !years.contains(&date.year()) {
                check.push(
                    format!("rounds[{i}].{name}"),
                    "out_of_range",
                    format!(
                        "a {} campaign's rounds lie between {} and {}",
                        input.year,
                        input.year - 1,
                        input.year + 1
                    ),
                );
            }
        }
        if round.ends_on < round.starts_on {
            check.push(
                format!("rounds[{i}].ends_on"),
                "before_start",
                "a round cannot end before it starts",
            );
        }
        if round.review_on < round.ends_on {
            check.push(
                format!("rounds[{i}].review_on"),
                "before_end",
                "the review comes on or after the round's last day",
            );
        }
        if previous_end.is_some_and(|end| round.starts_on <= end) {
            check.push(
                format!("rounds[{i}].starts_on"),
                "overlaps",
                "rounds come in order and do not overlap: start after the previous round ends",
            );
        }
        previous_end = Some(round.ends_on);
    }
}

fn check_criteria(check: &mut Checker, input: &CreateCampaign) {
    if input.criteria.is_empty() || input.criteria.len() > MAX_CRITERIA {
        check.push(
            "criteria",
            "count",
            format!("a campaign has 1 to {MAX_CRITERIA} criteria"),
        );
    }
    if !input
        .criteria
        .iter()
        .any(|c| c.kind == CriterionKind::Scored)
    {
        check.push(
            "criteria",
            "no_scored_criterion",
            "at least one criterion is scored (bonus and penalty points come on top)",
        );
    }
    for (i, criterion) in input.criteria.iter().enumerate() {
        let field = |name: &str| format!("criteria[{i}].{name}");
        let code = criterion.code.trim();
        check.code(&field("code"), &code.to_uppercase(), 40, "._-");
        if input.criteria[..i]
            .iter()
            .any(|c| c.code.trim().eq_ignore_ascii_case(code))
        {
            check.push(
                field("code"),
                "duplicate",
                format!("{code} is written twice"),
            );
        }
        check.text(&field("title"), &criterion.title, 1000);
        let max = criterion.max_points;
        if max <= Decimal::ZERO || max > Decimal::from(1000) || max.normalize().scale() > 2 {
            check.push(
                field("max_points"),
                "out_of_range",
                "greater than 0, at most 1000, with at most two decimals",
            );
        }
        if criterion.kind != CriterionKind::Scored && criterion.source != CampaignSource::Entered {
            check.push(
                field("source"),
                "entered_only",
                "bonus and penalty points are entered by the Office",
            );
        }
    }
}

/// Points entered for a criterion of at most `max`: from 0 to `max`, two decimals.
pub fn check_entered(check: &mut Checker, points: Decimal, max: Decimal) {
    if points < Decimal::ZERO || points > max {
        check.push(
            "points",
            "out_of_range",
            format!("from 0 to the criterion's {}", max.normalize()),
        );
    } else if points.normalize().scale() > 2 {
        check.push("points", "too_precise", "at most two decimals");
    }
}

/// A computed criterion's share (%) and points: `counted` of `out_of` is its share of `max`
/// (two decimals). With nothing due in the round ("không phát sinh") nothing was late: the
/// unit earns the criterion's points, and the share is absent.
pub fn share_points(counted: i64, out_of: i64, max: Decimal) -> (Option<Decimal>, Decimal) {
    match share_percent(counted, out_of) {
        Some(share) => (
            Some(share),
            (max * share / hundred()).round_dp(2).normalize(),
        ),
        None => (None, max.normalize()),
    }
}

/// A ratio indicator's share (%) and points: Σ numerators of Σ denominators, at most 100 %, is
/// its share of `max` (two decimals); with no denominator ("không phát sinh") the unit earns
/// the criterion's points and the share is absent.
pub fn ratio_points(
    numerator: Decimal,
    denominator: Decimal,
    max: Decimal,
) -> (Option<Decimal>, Decimal) {
    if denominator <= Decimal::ZERO {
        return (None, max.normalize());
    }
    let share = (numerator * hundred() / denominator)
        .min(hundred())
        .max(Decimal::ZERO)
        .round_dp(2)
        .normalize();
    (
        Some(share),
        (max * share / hundred()).round_dp(2).normalize(),
    )
}

/// Ranks `rows` in place (sorted, `rank` set) by [`TIE_RULE`]; ties on every criterion are
/// listed by unit code.
pub fn rank(rows: &mut [LeaderboardRow]) {
    let key = |row: &LeaderboardRow| -> Vec<Decimal> {
        std::iter::once(row.points)
            .chain(row.criteria.iter().map(|c| c.points))
            .collect()
    };
    rows.sort_by(|a, b| {
        key(b)
            .cmp(&key(a))
            .then_with(|| a.unit_code.cmp(&b.unit_code))
    });
    let mut previous: Option<(Vec<Decimal>, i32)> = None;
    for (position, row) in rows.iter_mut().enumerate() {
        let this = key(row);
        let at = i32::try_from(position + 1).unwrap_or(i32::MAX);
        row.rank = match &previous {
            Some((key, rank)) if *key == this => *rank,
            _ => at,
        };
        previous = Some((this, row.rank));
    }
}

/// The sum of a unit's criterion points (penalties count negative), two decimals.
pub fn total(criteria: &[crate::model::campaign::CriterionScore]) -> Decimal {
    criteria
        .iter()
        .map(|c| c.points)
        .sum::<Decimal>()
        .round_dp(2)
        .normalize()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::campaign::{
        CampaignCriterionInput, CriterionScore, Participation, RoundInput,
    };

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn campaign() -> CreateCampaign {
        CreateCampaign {
            code: "TD-2017".into(),
            year: 2017,
            title: "Giải quyết nhanh thủ tục hành chính".into(),
            document_id: None,
            participation: Participation::All,
            rounds: vec![
                RoundInput {
                    starts_on: date("2017-03-01"),
                    ends_on: date("2017-06-29"),
                    review_on: date("2017-06-30"),
                },
                RoundInput {
                    starts_on: date("2017-07-01"),
                    ends_on: date("2017-12-30"),
                    review_on: date("2017-12-31"),
                },
            ],
            criteria: vec![
                CampaignCriterionInput {
                    code: "TC1".into(),
                    title: "Báo cáo đúng hạn".into(),
                    kind: CriterionKind::Scored,
                    max_points: d("60"),
                    source: CampaignSource::ReportsOnTime,
                },
                CampaignCriterionInput {
                    code: "TC2".into(),
                    title: "Sáng kiến".into(),
                    kind: CriterionKind::Bonus,
                    max_points: d("5"),
                    source: CampaignSource::Entered,
                },
            ],
        }
    }

    fn problems(input: &CreateCampaign) -> Vec<(String, String)> {
        let mut check = Checker::new();
        check_campaign(&mut check, input);
        match check.finish() {
            Ok(()) => Vec::new(),
            Err(invalid) => invalid
                .errors
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect(),
        }
    }

    #[test]
    fn seed_004s_campaign_checks_out_and_faults_are_named() {
        assert!(problems(&campaign()).is_empty());
        let mut bad = campaign();
        bad.rounds[1].starts_on = date("2017-06-01");
        bad.rounds[0].review_on = date("2017-06-01");
        bad.criteria[1].source = CampaignSource::TasksOnTime;
        bad.criteria[0].kind = CriterionKind::Penalty;
        bad.rounds[0].starts_on = date("2015-12-31");
        bad.criteria.push(CampaignCriterionInput {
            code: "tc1".into(),
            title: "Trùng".into(),
            kind: CriterionKind::Penalty,
            max_points: d("0.125"),
            source: CampaignSource::Entered,
        });
        let found = problems(&bad);
        for expected in [
            ("rounds[0].review_on", "before_end"),
            ("rounds[0].starts_on", "out_of_range"),
            ("rounds[1].starts_on", "overlaps"),
            ("criteria", "no_scored_criterion"),
            ("criteria[0].source", "entered_only"),
            ("criteria[1].source", "entered_only"),
            ("criteria[2].code", "duplicate"),
            ("criteria[2].max_points", "out_of_range"),
        ] {
            assert!(
                found.contains(&(expected.0.to_owned(), expected.1.to_owned())),
                "{expected:?} in {found:?}"
            );
        }
    }

    #[test]
    fn a_ratio_earns_its_share_capped_at_the_whole() {
        assert_eq!(
            ratio_points(d("95"), d("100"), d("40")),
            (Some(d("95")), d("38"))
        );
        assert_eq!(
            ratio_points(d("7"), d("6"), d("40")),
            (Some(d("100")), d("40"))
        );
        assert_eq!(ratio_points(d("0"), d("0"), d("40")), (None, d("40")));
    }

    #[test]
    fn a_computed_criterion_earns_its_share_of_its_points() {
        assert_eq!(share_points(7, 8, d("60")), (Some(d("87.5")), d("52.5")));
        assert_eq!(share_points(2, 3, d("40")), (Some(d("66.67")), d("26.67")));
        assert_eq!(share_points(0, 4, d("40")), (Some(d("0")), d("0")));
        // Nothing due, nothing late.
        assert_eq!(share_points(0, 0, d("40")), (None, d("40")));
    }

    fn row(code: &str, criteria: &[&str]) -> LeaderboardRow {
        let criteria: Vec<CriterionScore> = criteria
            .iter()
            .map(|points| CriterionScore {
                code: "x".into(),
                kind: CriterionKind::Scored,
                max_points: d("100"),
                counted: None,
                out_of: None,
                share_percent: None,
                points: d(points),
                note: None,
            })
            .collect();
        LeaderboardRow {
            rank: 0,
            unit_id: 0,
            unit_code: code.into(),
            unit_name: code.into(),
            points: total(&criteria),
            criteria,
        }
    }

    #[test]
    fn ties_are_broken_by_the_criteria_in_order_then_shared() {
        let mut rows = vec![
            row("QLTM", &["50", "40"]),
            row("VP", &["60", "30"]),
            row("KHTC", &["50", "40"]),
            row("TTRA", &["80", "0"]),
            row("QLNL", &["70", "-5"]),
        ];
        rank(&mut rows);
        let ranked: Vec<(i32, &str)> = rows
            .iter()
            .map(|r| (r.rank, r.unit_code.as_str()))
            .collect();
        // 90: VP wins on the first criterion; KHTC and QLTM tie on all and share 2nd; TTRA 4th.
        assert_eq!(
            ranked,
            [
                (1, "VP"),
                (2, "KHTC"),
                (2, "QLTM"),
                (4, "TTRA"),
                (5, "QLNL")
            ]
        );
        assert_eq!(rows[4].points, d("65"));
    }
}
