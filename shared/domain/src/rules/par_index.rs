//! The PAR Index rules: a criteria set's tree checked, points by level or threshold, the final
//! points after appraisal and explanation, the ranking class.

use std::collections::HashMap;
use std::sync::LazyLock;

use rust_decimal::Decimal;

use crate::model::criteria::{CriterionInput, RankingClass, ScoreThreshold, Scoring};
use crate::validation::{Checker, FORBIDDEN_CLASS, SPACE_CLASS};

/// The most criteria a set holds.
pub const MAX_CRITERIA: usize = 1000;
/// The most levels or thresholds a criterion has.
const MAX_STEPS: usize = 20;

fn hundred() -> Decimal {
    Decimal::from(100)
}

/// Points are positive (or zero where allowed), at most 1000, with at most two decimals.
fn check_points(check: &mut Checker, field: &str, points: Decimal, allow_zero: bool) {
    let low_ok = if allow_zero {
        points >= Decimal::ZERO
    } else {
        points > Decimal::ZERO
    };
    if !low_ok || points > Decimal::from(1000) {
        let low = if allow_zero { "from 0" } else { "above 0" };
        check.push(
            field,
            "out_of_range",
            format!("must be {low} and at most 1000"),
        );
    } else if points.normalize().scale() > 2 {
        check.push(field, "too_precise", "at most two decimals (0,25 điểm)");
    }
}

/// Points given for a criterion (a proposal, an appraisal): from `low` to `max`, at most two
/// decimals. Whether they hold.
pub fn check_score(
    check: &mut Checker,
    field: &str,
    points: Decimal,
    low: Decimal,
    max: Decimal,
) -> bool {
    if points < low || points > max {
        check.push(
            field,
            "out_of_range",
            format!(
                "give points from {} to {}",
                low.normalize(),
                max.normalize()
            ),
        );
        false
    } else if points.normalize().scale() > 2 {
        check.push(field, "too_precise", "at most two decimals");
        false
    } else {
        true
    }
}

/// A criterion's number: `1`, `2.1`, `2.1.a`; letters, digits, `.`, `_`, `-`, at most 40.
fn check_code(check: &mut Checker, field: &str, code: &str) {
    let valid = code
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && code.len() <= 40
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    if code.is_empty() {
        check.push(field, "required", "must not be blank");
    } else if !valid {
        check.push(
            field,
            "invalid_code",
            "must be 1 to 40 characters: letters, digits, '.', '_', '-', starting with a letter or digit",
        );
    }
}

/// Each criterion's depth (1 for an area), by code, once the tree checks out.
pub fn depths(criteria: &[CriterionInput]) -> HashMap<String, i32> {
    let mut depth = HashMap::new();
    for criterion in criteria {
        let own = criterion
            .parent_code
            .as_deref()
            .and_then(|parent| depth.get(parent).copied())
            .map_or(1, |d: i32| d + 1);
        depth.insert(criterion.code.trim().to_owned(), own);
    }
    depth
}

/// Checks a set's tree: codes unique, parents written before their children, a parent's
/// maximum the sum of its children's, a leaf scored and an inner criterion not, levels and
/// thresholds within the leaf's maximum. Field paths are `criteria[i].…`.
pub fn check_criteria(check: &mut Checker, criteria: &[CriterionInput]) {
    if criteria.is_empty() {
        check.push("criteria", "required", "a set has at least one criterion");
    }
    if criteria.len() > MAX_CRITERIA {
        check.push(
            "criteria",
            "too_many",
            format!("at most {MAX_CRITERIA} criteria"),
        );
        return;
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut children: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, criterion) in criteria.iter().enumerate() {
        let field = |name: &str| format!("criteria[{i}].{name}");
        let code = criterion.code.trim();
        check_code(check, &field("code"), code);
        check.text(&field("title"), &criterion.title, 1000);
        check.optional_text(
            &field("evidence_hint"),
            criterion.evidence_hint.as_deref(),
            2000,
        );
        check_points(check, &field("max_points"), criterion.max_points, false);
        if seen.insert(code, i).is_some() {
            check.push(
                field("code"),
                "duplicate",
                format!("{code} is written twice"),
            );
        }
        if let Some(parent) = criterion.parent_code.as_deref().map(str::trim) {
            if parent == code {
                check.push(
                    field("parent_code"),
                    "invalid_value",
                    "a criterion is not its own parent",
                );
            } else if seen.contains_key(parent) {
                children.entry(parent).or_default().push(i);
            } else {
                check.push(
                    field("parent_code"),
                    "unknown_parent",
                    format!("no criterion {parent} is written before this one"),
                );
            }
        }
    }
    for (i, criterion) in criteria.iter().enumerate() {
        let field = |name: &str| format!("criteria[{i}].{name}");
        match children.get(criterion.code.trim()) {
            Some(kids) => {
                if criterion.scoring.is_some() {
                    check.push(
                        field("scoring"),
                        "not_a_leaf",
                        "only a criterion without sub-criteria is scored; its sub-criteria are",
                    );
                }
                let sum: Decimal = kids.iter().map(|&k| criteria[k].max_points).sum();
                if sum != criterion.max_points {
                    check.push(
                        field("max_points"),
                        "sum_mismatch",
                        format!(
                            "is {} but its sub-criteria add up to {sum}",
                            criterion.max_points.normalize()
                        ),
                    );
                }
            }
            None => match &criterion.scoring {
                None => check.push(
                    field("scoring"),
                    "required",
                    "a criterion without sub-criteria says how it is scored",
                ),
                Some(scoring) => check_scoring(check, i, criterion.max_points, scoring),
            },
        }
    }
}

/// A criterion's levels or thresholds: 1 to 20 steps, points from 0 up to the criterion's.
fn check_steps(check: &mut Checker, i: usize, max: Decimal, name: &str, points: &[Decimal]) {
    if points.is_empty() || points.len() > MAX_STEPS {
        check.push(
            format!("criteria[{i}].scoring.{name}"),
            "out_of_range",
            format!("give 1 to {MAX_STEPS}"),
        );
    }
    for (j, p) in points.iter().enumerate() {
        let path = format!("criteria[{i}].scoring.{name}[{j}].points");
        check_points(check, &path, *p, true);
        if *p > max {
            check.push(
                path,
                "above_max",
                format!("is more than the criterion's {}", max.normalize()),
            );
        }
    }
}

fn check_scoring(check: &mut Checker, i: usize, max: Decimal, scoring: &Scoring) {
    let field = |name: &str| format!("criteria[{i}].scoring.{name}");
    match scoring {
        Scoring::Entered | Scoring::Survey => {}
        Scoring::Levels { levels } => {
            let points: Vec<Decimal> = levels.iter().map(|l| l.points).collect();
            check_steps(check, i, max, "levels", &points);
            for (j, level) in levels.iter().enumerate() {
                check.text(
                    &format!("criteria[{i}].scoring.levels[{j}].label"),
                    &level.label,
                    500,
                );
            }
        }
        Scoring::Indicator {
            indicator_code,
            period_code,
            thresholds,
        } => {
            check.text(&field("indicator_code"), indicator_code, 40);
            check.text(&field("period_code"), period_code, 40);
            check_thresholds(check, i, max, thresholds);
        }
        Scoring::PlanOnTime {
            plan_code,
            thresholds,
        } => {
            check.text(&field("plan_code"), plan_code, 40);
            check_thresholds(check, i, max, thresholds);
        }
        Scoring::ReportTimeliness { year, thresholds } => {
            if !(2000..=2200).contains(year) {
                check.push(
                    field("year"),
                    "out_of_range",
                    "must be between 2000 and 2200",
                );
            }
            check_thresholds(check, i, max, thresholds);
        }
    }
}

/// A computed criterion's steps: points within the criterion's, values ascending.
fn check_thresholds(check: &mut Checker, i: usize, max: Decimal, thresholds: &[ScoreThreshold]) {
    let points: Vec<Decimal> = thresholds.iter().map(|t| t.points).collect();
    check_steps(check, i, max, "thresholds", &points);
    let bound = Decimal::from(1_000_000_000_000_i64);
    for (j, threshold) in thresholds.iter().enumerate() {
        if threshold.at_least.abs() > bound {
            check.push(
                format!("criteria[{i}].scoring.thresholds[{j}].at_least"),
                "out_of_range",
                "must be within ±10^12",
            );
        }
    }
    if thresholds
        .windows(2)
        .any(|w| w[0].at_least >= w[1].at_least)
    {
        check.push(
            format!("criteria[{i}].scoring.thresholds"),
            "not_ascending",
            "list the steps from the lowest value up, each higher than the one before",
        );
    }
}

/// A share in percent with two decimals (`12` of `15` is 80); `None` out of nothing.
pub fn share_percent(counted: i64, out_of: i64) -> Option<Decimal> {
    if out_of <= 0 {
        return None;
    }
    let share = Decimal::from(counted) * Decimal::from(100) / Decimal::from(out_of);
    Some(share.round_dp(2).normalize())
}

/// The points a value earns: the highest step it reaches, 0 below every step.
pub fn points_by_thresholds(value: Decimal, thresholds: &[ScoreThreshold]) -> Decimal {
    thresholds
        .iter()
        .filter(|step| value >= step.at_least)
        .map(|step| step.points)
        .max()
        .unwrap_or(Decimal::ZERO)
}

/// The final points of a criterion: the appraised points, plus `restored_share_percent` of
/// the points the council gave back after an explanation (seed 001: the department kept only
/// 70 % of the points it explained at the second scoring). Never above the self-score's ceiling
/// `max_points`, never below 0.
pub fn final_points(
    appraised: Decimal,
    after_explanation: Option<Decimal>,
    restored_share_percent: Decimal,
    max_points: Decimal,
) -> Decimal {
    let restored = after_explanation
        .map(|after| (after - appraised).max(Decimal::ZERO))
        .unwrap_or(Decimal::ZERO);
    let kept = (restored * restored_share_percent / hundred()).round_dp(2);
    (appraised + kept).clamp(Decimal::ZERO, max_points)
}

/// The class a total earns: the first (highest) whose minimum it reaches.
pub fn ranking_class(total: Decimal, classes: &[RankingClass]) -> Option<&RankingClass> {
    let mut sorted: Vec<&RankingClass> = classes.iter().collect();
    sorted.sort_by_key(|class| std::cmp::Reverse(class.min_points));
    sorted.into_iter().find(|class| total >= class.min_points)
}

/// Checks the classes: labels given and distinct, minimums from 0 to 1000 and distinct.
pub fn check_classes(check: &mut Checker, classes: &[RankingClass]) {
    if classes.len() > 10 {
        check.push("ranking_classes", "too_many", "at most 10 classes");
    }
    for (i, class) in classes.iter().enumerate() {
        check.text(&format!("ranking_classes[{i}].label"), &class.label, 100);
        check_points(
            check,
            &format!("ranking_classes[{i}].min_points"),
            class.min_points,
            true,
        );
        if classes[..i]
            .iter()
            .any(|c| c.min_points == class.min_points)
        {
            check.push(
                format!("ranking_classes[{i}].min_points"),
                "duplicate",
                "two classes start at the same points",
            );
        }
    }
}

/// The ranking classes of one line as a regular expression, without anchors: up to 10
/// `label: points` separated by `;` (blank ones skipped), a label of 1–100 characters after
/// trimming with no `:` or `;`, points from 0 to 1000 with at most two decimals after `.` or
/// `,`.
fn classes_pattern_body() -> String {
    let space = "[ \\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]*";
    let label_char = format!("[^{FORBIDDEN_CLASS}\\t\\n\\r;:]");
    let label_edge = format!("[^{FORBIDDEN_CLASS}{SPACE_CLASS};:]");
    let points = "(?:1000(?:[.,]0{1,2})?|[0-9]{1,3}(?:[.,][0-9]{1,2})?)";
    let class = format!(
        "{space}{label_edge}(?:{label_char}{{0,98}}{label_edge})?{space}:{space}{points}{space}"
    );
    format!("(?:{space};)*(?:{space}|{class}(?:(?:;{space})*;{class}){{0,9}}(?:;{space})*)")
}

static CLASSES_PATTERN: LazyLock<String> =
    LazyLock::new(|| format!("^{}$", classes_pattern_body()));
static CLASSES_MATCHER: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(&CLASSES_PATTERN).expect("the ranking classes pattern compiles")
});

/// The longest line of ranking classes taken.
pub const MAX_CLASSES_CHARS: usize = 1200;

/// What [`parse_classes`] takes, as the OpenAPI document's `pattern`.
pub fn classes_pattern() -> &'static str {
    &CLASSES_PATTERN
}

/// Ranking classes as staff type them in one line: `Tốt: 90; Khá: 80; Trung bình: 65; Yếu: 0`
/// (label, colon, the fewest points; `;` between classes; `0,5` with a comma), checked as
/// [`classes_pattern`] says. The problem names the class it cannot read.
pub fn parse_classes(text: &str) -> std::result::Result<Vec<RankingClass>, String> {
    if text.chars().count() > MAX_CLASSES_CHARS {
        return Err(format!("at most {MAX_CLASSES_CHARS} characters"));
    }
    let classes = text
        .split(';')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (label, points) = part
                .rsplit_once(':')
                .ok_or_else(|| format!("\"{part}\": write the label, a colon and the points"))?;
            let points = points.trim().replace(',', ".");
            let min_points = points
                .parse::<Decimal>()
                .map_err(|_| format!("\"{part}\": the points are not a number"))?;
            Ok(RankingClass {
                label: label.trim().to_owned(),
                min_points,
            })
        })
        .collect::<std::result::Result<Vec<_>, String>>()?;
    if CLASSES_MATCHER.is_match(text) {
        Ok(classes)
    } else {
        Err(
            "write at most 10 classes on one line as `label: points`, separated by `;`: \
             a label of 1–100 characters without `:`, points from 0 to 1000 with at most two \
             decimals"
                .to_owned(),
        )
    }
}

/// Sums leaf values up the tree. `parents[i]` is the position of criterion `i`'s parent
/// (parents come before their children) and `values[i]` a leaf's own value; an inner
/// criterion gets the sum of its children's, or `None` when none of them has one.
pub fn roll_up(parents: &[Option<usize>], values: &[Option<Decimal>]) -> Vec<Option<Decimal>> {
    let mut rolled = values.to_vec();
    for i in (0..rolled.len()).rev() {
        if let (Some(parent), Some(value)) = (parents.get(i).copied().flatten(), rolled[i]) {
            if parent < i {
                rolled[parent] = Some(rolled[parent].unwrap_or(Decimal::ZERO) + value);
            }
        }
    }
    rolled
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::criteria::ScoreLevel;

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    fn criterion(
        code: &str,
        parent: Option<&str>,
        max: Decimal,
        scoring: Option<Scoring>,
    ) -> CriterionInput {
        CriterionInput {
            code: code.into(),
            parent_code: parent.map(Into::into),
            title: format!("Tiêu chí {code}"),
            max_points: max,
            content_area: None,
            scoring,
            evidence_hint: None,
        }
    }

    fn problems(criteria: &[CriterionInput]) -> Vec<(String, String)> {
        let mut check = Checker::new();
        check_criteria(&mut check, criteria);
        match check.finish() {
            Ok(()) => Vec::new(),
            Err(invalid) => invalid
                .errors
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect(),
        }
    }

    /// An area of a department-level set as provinces write it: "Công tác chỉ đạo, điều hành
    /// CCHC" (the plan, reports, inspection), its points the sum of its criteria's.
    #[test]
    fn a_well_formed_tree_checks_out_and_has_depths() {
        let levels = Scoring::Levels {
            levels: vec![
                ScoreLevel {
                    label: "Ban hành kịp thời".into(),
                    points: d("1"),
                },
                ScoreLevel {
                    label: "Ban hành chậm".into(),
                    points: d("0.5"),
                },
                ScoreLevel {
                    label: "Không ban hành".into(),
                    points: d("0"),
                },
            ],
        };
        let tree = [
            criterion("1", None, d("3"), None),
            criterion("1.1", Some("1"), d("1"), Some(levels)),
            criterion("1.2", Some("1"), d("2"), None),
            criterion("1.2.1", Some("1.2"), d("1.5"), Some(Scoring::Entered)),
            criterion("1.2.2", Some("1.2"), d("0.5"), Some(Scoring::Survey)),
        ];
        assert_eq!(problems(&tree), Vec::<(String, String)>::new());
        let depth = depths(&tree);
        assert_eq!((depth["1"], depth["1.2"], depth["1.2.1"]), (1, 2, 3));
    }

    #[test]
    fn every_fault_of_a_tree_is_named() {
        let tree = [
            criterion("1", None, d("3"), Some(Scoring::Entered)),
            criterion("1.1", Some("1"), d("1"), None),
            criterion("1.1", Some("1"), d("1.255"), Some(Scoring::Entered)),
            criterion("2.1", Some("2"), d("1"), Some(Scoring::Entered)),
            criterion(
                "3",
                None,
                d("1"),
                Some(Scoring::Levels {
                    levels: vec![ScoreLevel {
                        label: "Đạt".into(),
                        points: d("2"),
                    }],
                }),
            ),
        ];
        let found = problems(&tree);
        let has = |field: &str, code: &str| found.contains(&(field.to_owned(), code.to_owned()));
        assert!(has("criteria[0].scoring", "not_a_leaf"), "{found:?}");
        assert!(has("criteria[0].max_points", "sum_mismatch"), "{found:?}");
        assert!(has("criteria[1].scoring", "required"), "{found:?}");
        assert!(has("criteria[2].code", "duplicate"), "{found:?}");
        assert!(has("criteria[2].max_points", "too_precise"), "{found:?}");
        assert!(
            has("criteria[3].parent_code", "unknown_parent"),
            "{found:?}"
        );
        assert!(
            has("criteria[4].scoring.levels[0].points", "above_max"),
            "{found:?}"
        );
    }

    /// "Tỷ lệ hồ sơ trực tuyến: từ 50 % trở lên: 1 điểm; từ 30 % đến dưới 50 %: 0,5 điểm;
    /// dưới 30 %: 0 điểm" — the way provincial sets word computed criteria.
    #[test]
    fn a_value_earns_the_highest_step_it_reaches() {
        let steps = [
            ScoreThreshold {
                at_least: d("30"),
                points: d("0.5"),
            },
            ScoreThreshold {
                at_least: d("50"),
                points: d("1"),
            },
        ];
        assert_eq!(points_by_thresholds(d("29.99"), &steps), d("0"));
        assert_eq!(points_by_thresholds(d("30"), &steps), d("0.5"));
        assert_eq!(points_by_thresholds(d("49.9"), &steps), d("0.5"));
        assert_eq!(points_by_thresholds(d("50"), &steps), d("1"));
        assert_eq!(points_by_thresholds(d("97"), &steps), d("1"));
        let mut check = Checker::new();
        let descending = Scoring::Indicator {
            indicator_code: "TTHC-TRUCTUYEN".into(),
            period_code: "2026-Q4".into(),
            thresholds: steps.iter().rev().cloned().collect(),
        };
        check_criteria(
            &mut check,
            &[criterion("1", None, d("1"), Some(descending))],
        );
        let errors = check.finish().unwrap_err().errors;
        assert_eq!(errors[0].code, "not_ascending");
    }

    /// Seed 001: the department's first self-assessment lacked evidence; at the second scoring,
    /// after its explanations, it kept only 70 % of those points.
    #[test]
    fn an_explanation_restores_the_provinces_share_of_the_points() {
        // Self-scored 2, appraised 0 for want of evidence, the council restores 2 after the
        // explanation: 70 % of 2 is kept.
        assert_eq!(
            final_points(d("0"), Some(d("2")), d("70"), d("2")),
            d("1.4")
        );
        // No explanation: the appraised points stand.
        assert_eq!(final_points(d("0.5"), None, d("70"), d("2")), d("0.5"));
        // An explanation that restores nothing (or less) changes nothing.
        assert_eq!(
            final_points(d("1"), Some(d("0.5")), d("70"), d("2")),
            d("1")
        );
        // A province that restores everything.
        assert_eq!(
            final_points(d("0.25"), Some(d("1")), d("100"), d("1")),
            d("1")
        );
        // Rounded to two decimals: 70 % of 0.25 is 0.175 → 0.18 (banker's rounding keeps .18).
        assert_eq!(
            final_points(d("0"), Some(d("0.25")), d("70"), d("1")),
            d("0.18")
        );
    }

    /// Seed 001: 2021 ranked "Khá"; classes as a province sets them.
    #[test]
    fn the_total_earns_the_highest_class_it_reaches() {
        let classes = [
            RankingClass {
                label: "Khá".into(),
                min_points: d("80"),
            },
            RankingClass {
                label: "Tốt".into(),
                min_points: d("90"),
            },
            RankingClass {
                label: "Trung bình".into(),
                min_points: d("65"),
            },
            RankingClass {
                label: "Yếu".into(),
                min_points: d("0"),
            },
        ];
        let label = |total| ranking_class(total, &classes).map(|c| c.label.as_str());
        assert_eq!(label(d("84.5")), Some("Khá"));
        assert_eq!(label(d("90")), Some("Tốt"));
        assert_eq!(label(d("64.99")), Some("Yếu"));
        assert_eq!(ranking_class(d("50"), &classes[..2]), None);
    }

    #[test]
    fn classes_read_as_staff_type_them() {
        let classes = parse_classes("Tốt: 90; Khá: 80;Trung bình: 65,5;").unwrap();
        let read: Vec<(&str, Decimal)> = classes
            .iter()
            .map(|c| (c.label.as_str(), c.min_points))
            .collect();
        assert_eq!(
            read,
            [
                ("Tốt", d("90")),
                ("Khá", d("80")),
                ("Trung bình", d("65.5"))
            ]
        );
        assert!(parse_classes("Tốt 90").unwrap_err().contains("Tốt 90"));
        assert!(parse_classes("Tốt: chín mươi").is_err());
        assert!(parse_classes("").unwrap().is_empty());
        for refused in [
            "Tốt: 90\nKhá: 80",
            "Loại: A: 90",
            "Tốt: 1000,5",
            "Tốt: 90,125",
        ] {
            assert!(parse_classes(refused).is_err(), "{refused}");
        }
    }

    /// Every line the pattern allows is read into classes that pass their check, so a client
    /// checking the pattern is never refused (but for two classes at the same points).
    #[test]
    fn every_line_the_pattern_allows_is_taken() {
        use proptest::test_runner::{Config, TestRunner};
        let strategy = proptest::string::string_regex(&classes_pattern_body()).expect("a strategy");
        let mut runner = TestRunner::new(Config {
            cases: 3000,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&strategy, |text| {
                if text.chars().count() > MAX_CLASSES_CHARS {
                    return Ok(());
                }
                let classes = parse_classes(&text);
                proptest::prop_assert!(classes.is_ok(), "{text:?}: {classes:?}");
                let mut check = Checker::new();
                check_classes(&mut check, &classes.unwrap_or_default());
                let codes: Vec<String> = check
                    .finish()
                    .err()
                    .map(|invalid| invalid.errors.into_iter().map(|e| e.code).collect())
                    .unwrap_or_default();
                proptest::prop_assert!(
                    codes.iter().all(|code| code == "duplicate"),
                    "{text:?}: {codes:?}"
                );
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn a_share_is_in_percent_with_two_decimals_and_none_out_of_nothing() {
        assert_eq!(share_percent(12, 15), Some(d("80")));
        assert_eq!(share_percent(2, 3), Some(d("66.67")));
        assert_eq!(share_percent(0, 4), Some(d("0")));
        assert_eq!(share_percent(0, 0), None);
    }

    #[test]
    fn leaf_values_add_up_the_tree() {
        // 1 → 1.1, 1.2 → 1.2.1, 1.2.2; 2 → 2.1 (no value yet).
        let parents = [None, Some(0), Some(0), Some(2), Some(2), None, Some(5)];
        let values = [
            None,
            Some(d("1")),
            None,
            Some(d("0.5")),
            Some(d("0.25")),
            None,
            None,
        ];
        let rolled = roll_up(&parents, &values);
        assert_eq!(rolled[0], Some(d("1.75")));
        assert_eq!(rolled[2], Some(d("0.75")));
        assert_eq!(rolled[5], None);
    }
}
