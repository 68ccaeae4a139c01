//! What an indicator's aggregation rule must satisfy on its own: the rule fits the kind (a
//! percentage is never summed) and a weight is named exactly for a weighted mean, and not the
//! indicator itself. Whether the weight names a count or decimal indicator is for the caller,
//! who can look it up.

use crate::error::FieldError;
use crate::model::indicator::{
    Aggregation, AggregationMismatch, IndicatorDefinition, IndicatorKind,
};

/// The problems of `def`'s rule and weight, each naming its field.
pub fn aggregation_problems(def: &IndicatorDefinition) -> Vec<FieldError> {
    let mut problems = Vec::new();
    if let Err(mismatch) = def
        .aggregation
        .fits(def.kind, def.unit_of_measure.as_deref())
    {
        let message = match mismatch {
            AggregationMismatch::PercentageNotSummable => format!(
                "a percentage ({}) is never summed: use mean, weighted_mean, min, max or none",
                def.unit_of_measure.as_deref().unwrap_or("%").trim()
            ),
            AggregationMismatch::NotAllowed => format!(
                "{} does not apply to a {} indicator; allowed: {}",
                def.aggregation,
                def.kind,
                allowed_for(def.kind, def.unit_of_measure.as_deref()).join(", ")
            ),
        };
        problems.push(FieldError::new("aggregation", mismatch.code(), message));
    }
    match (def.aggregation, def.aggregation_weight.as_deref()) {
        (Aggregation::WeightedMean, None) => problems.push(FieldError::new(
            "aggregation_weight",
            "required",
            "a weighted mean names the indicator that weighs each unit's figure",
        )),
        (Aggregation::WeightedMean, Some(weight)) if weight == def.code => {
            problems.push(FieldError::new(
                "aggregation_weight",
                "self_weight",
                "an indicator cannot weigh itself",
            ))
        }
        (Aggregation::WeightedMean, Some(_)) => {}
        (_, Some(_)) => problems.push(FieldError::new(
            "aggregation_weight",
            "not_allowed",
            "only a weighted mean has a weight",
        )),
        (_, None) => {}
    }
    problems
}

/// The rules an indicator of `kind` measured in `unit_of_measure` may have, as the API names
/// them.
pub fn allowed_for(kind: IndicatorKind, unit_of_measure: Option<&str>) -> Vec<&'static str> {
    Aggregation::ALL
        .iter()
        .filter(|rule| rule.fits(kind, unit_of_measure).is_ok())
        .map(|rule| rule.as_str())
        .collect()
}

/// Whether an indicator of `kind` can weigh another's figures.
pub fn can_weigh(kind: IndicatorKind) -> bool {
    matches!(kind, IndicatorKind::Count | IndicatorKind::Decimal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::indicator::{is_percentage, ContentArea};
    use rust_decimal::Decimal;
    use Aggregation::*;
    use IndicatorKind::{Boolean, Count, Decimal as Dec, Ratio, Text};

    fn definition(
        kind: IndicatorKind,
        unit: Option<&str>,
        rule: Aggregation,
    ) -> IndicatorDefinition {
        IndicatorDefinition {
            code: "SOHOA-KQ-TANG".to_owned(),
            name: "Mức tăng số hóa kết quả giải quyết TTHC".to_owned(),
            description: None,
            content_area: ContentArea::AdministrativeProcedureReform,
            kind,
            unit_of_measure: unit.map(str::to_owned),
            target: None,
            tolerance: Decimal::ZERO,
            evidence_required: false,
            aggregation: rule,
            aggregation_weight: None,
        }
    }

    fn codes(problems: &[FieldError]) -> Vec<(&str, &str)> {
        problems
            .iter()
            .map(|p| (p.field.as_str(), p.code.as_str()))
            .collect()
    }

    #[test]
    fn percent_is_read_in_any_case_and_spacing() {
        for unit in [
            "%",
            " % ",
            "phần trăm",
            "Phần trăm",
            "PHẦN TRĂM",
            "pha\u{0302}\u{0300}n trăm",
        ] {
            assert!(is_percentage(Some(unit)), "{unit:?}");
        }
        for unit in ["", "triệu đồng", "%/năm", "lượt", "phần"] {
            assert!(!is_percentage(Some(unit)), "{unit:?}");
        }
        assert!(!is_percentage(None));
    }

    #[test]
    fn defaults_follow_the_kind_and_a_percentage_is_averaged() {
        assert_eq!(Aggregation::default_for(Ratio, Some("%")), Pooled);
        assert_eq!(Aggregation::default_for(Ratio, None), Pooled);
        assert_eq!(Aggregation::default_for(Count, Some("hồ sơ")), Sum);
        assert_eq!(Aggregation::default_for(Dec, Some("triệu đồng")), Sum);
        assert_eq!(Aggregation::default_for(Dec, None), Sum);
        assert_eq!(Aggregation::default_for(Dec, Some("%")), Mean);
        assert_eq!(Aggregation::default_for(Dec, Some(" Phần trăm ")), Mean);
        assert_eq!(Aggregation::default_for(Boolean, None), Sum);
        assert_eq!(Aggregation::default_for(Text, None), NotAggregated);
        // Every default fits its own indicator.
        for kind in IndicatorKind::ALL {
            for unit in [None, Some("%"), Some("người")] {
                assert_eq!(
                    Aggregation::default_for(*kind, unit).fits(*kind, unit),
                    Ok(())
                );
            }
        }
    }

    #[test]
    fn each_kind_allows_its_rules() {
        assert_eq!(
            allowed_for(Ratio, Some("%")),
            ["pooled", "mean", "weighted_mean", "min", "max", "none"]
        );
        assert_eq!(
            allowed_for(Count, None),
            ["sum", "mean", "weighted_mean", "min", "max", "none"]
        );
        assert_eq!(
            allowed_for(Dec, Some("triệu đồng")),
            ["sum", "mean", "weighted_mean", "min", "max", "none"]
        );
        assert_eq!(
            allowed_for(Dec, Some("%")),
            ["mean", "weighted_mean", "min", "max", "none"]
        );
        assert_eq!(allowed_for(Boolean, None), ["sum", "none"]);
        assert_eq!(allowed_for(Text, None), ["none"]);
        assert_eq!(
            Sum.fits(Dec, Some("%")),
            Err(AggregationMismatch::PercentageNotSummable)
        );
        assert_eq!(
            Sum.fits(Ratio, Some("%")),
            Err(AggregationMismatch::NotAllowed)
        );
        assert_eq!(
            Pooled.fits(Count, None),
            Err(AggregationMismatch::NotAllowed)
        );
        assert_eq!(
            Mean.fits(Boolean, None),
            Err(AggregationMismatch::NotAllowed)
        );
    }

    #[test]
    fn summing_a_percentage_and_mismatched_weights_are_refused() {
        let summed = definition(Dec, Some("%"), Sum);
        let problems = aggregation_problems(&summed);
        assert_eq!(
            codes(&problems),
            [("aggregation", "percentage_not_summable")]
        );
        assert!(problems[0].message.contains("never summed"));

        let text_mean = definition(Text, None, Mean);
        let problems = aggregation_problems(&text_mean);
        assert_eq!(
            codes(&problems),
            [("aggregation", "aggregation_not_allowed")]
        );
        assert!(
            problems[0].message.ends_with("allowed: none"),
            "{}",
            problems[0].message
        );

        let unweighted = definition(Dec, Some("%"), WeightedMean);
        assert_eq!(
            codes(&aggregation_problems(&unweighted)),
            [("aggregation_weight", "required")]
        );
        let mut itself = unweighted.clone();
        itself.aggregation_weight = Some(itself.code.clone());
        assert_eq!(
            codes(&aggregation_problems(&itself)),
            [("aggregation_weight", "self_weight")]
        );
        let mut weighted = unweighted.clone();
        weighted.aggregation_weight = Some("CCVC-SOLUONG".to_owned());
        assert!(aggregation_problems(&weighted).is_empty());
        let mut stray = definition(Dec, Some("%"), Mean);
        stray.aggregation_weight = Some("CCVC-SOLUONG".to_owned());
        assert_eq!(
            codes(&aggregation_problems(&stray)),
            [("aggregation_weight", "not_allowed")]
        );
        assert!(can_weigh(Count) && can_weigh(Dec));
        assert!(!can_weigh(Ratio) && !can_weigh(Boolean) && !can_weigh(Text));
    }

    #[test]
    fn staff_read_each_rule_in_vietnamese() {
        assert_eq!(
            Pooled.label_vi(Ratio, None),
            "Tỷ lệ chung (Σ tử số / Σ mẫu số)"
        );
        assert_eq!(Sum.label_vi(Count, None), "Tổng");
        assert_eq!(Sum.label_vi(Boolean, None), "Số đơn vị trả lời Có");
        assert_eq!(Mean.label_vi(Dec, None), "Trung bình cộng");
        assert_eq!(
            WeightedMean.label_vi(Dec, Some("CCVC-SOLUONG")),
            "Trung bình có trọng số theo CCVC-SOLUONG"
        );
        assert_eq!(WeightedMean.label_vi(Dec, None), "Trung bình có trọng số");
        assert_eq!(Min.label_vi(Ratio, None), "Nhỏ nhất");
        assert_eq!(Max.label_vi(Count, None), "Lớn nhất");
        assert_eq!(NotAggregated.label_vi(Text, None), "Không tổng hợp");
        // Wire names, snake_case.
        assert_eq!(serde_json::to_value(WeightedMean).unwrap(), "weighted_mean");
        assert_eq!(serde_json::to_value(NotAggregated).unwrap(), "none");
        assert_eq!(
            serde_json::from_value::<Aggregation>(serde_json::json!("pooled")).unwrap(),
            Pooled
        );
    }
}
