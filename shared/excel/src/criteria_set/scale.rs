//! How a leaf's scoring is written in its two cells, "Cách chấm điểm" and "Thang điểm", both
//! ways: `Tự chấm`; `Chọn mức` with one level a line (`Ban hành đúng thời hạn: 1`);
//! `Chỉ tiêu TTHC-TRUCTUYEN, kỳ 2026-Q4` with one threshold a line (`Từ 50 trở lên: 1`);
//! `Điều tra xã hội học`. Points are written the Vietnamese way (`0,5`).

use rust_decimal::Decimal;

use super::{ENTERED, LEVELS, SURVEY};
use crate::cells::{number_vi, parse_number_text};
use crate::plan_appendix::fold;
use cchc_domain::model::criteria::{ScoreLevel, ScoreThreshold, Scoring};

/// "Thang điểm" of a leaf: its levels or thresholds, one a line; empty for the others.
pub fn scale_text(scoring: &Scoring) -> String {
    match scoring {
        Scoring::Levels { levels } => levels
            .iter()
            .map(|l| format!("{}: {}", l.label, number_vi(l.points)))
            .collect::<Vec<_>>()
            .join("\n"),
        Scoring::Indicator { thresholds, .. }
        | Scoring::PlanOnTime { thresholds, .. }
        | Scoring::ReportTimeliness { thresholds, .. } => thresholds
            .iter()
            .map(|t| {
                format!(
                    "Từ {} trở lên: {}",
                    number_vi(t.at_least),
                    number_vi(t.points)
                )
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Scoring::Entered | Scoring::Survey => String::new(),
    }
}

/// Which cell a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    Method,
    Scale,
}

/// A problem with a leaf's scoring cells, in Vietnamese for the person fixing the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaleProblem {
    pub cell: Cell,
    pub code: &'static str,
    pub message: String,
}

fn problem(cell: Cell, code: &'static str, message: impl Into<String>) -> ScaleProblem {
    ScaleProblem {
        cell,
        code,
        message: message.into(),
    }
}

/// Points as written: `0,5`, `1`, `0,5 điểm`.
fn points(text: &str, line: &str) -> Result<Decimal, ScaleProblem> {
    let folded = fold(text);
    let bare = match folded.strip_suffix("diem") {
        Some(_) => text.trim().trim_end_matches(|c: char| !c.is_ascii_digit()),
        None => text.trim(),
    };
    parse_number_text(bare).map_err(|_| {
        problem(
            Cell::Scale,
            "invalid_scale",
            format!(
                "không đọc được số điểm ở dòng \"{line}\" (ví dụ \"Ban hành đúng thời hạn: 0,5\")"
            ),
        )
    })
}

/// The lines of a scale, each split at its last colon.
fn lines(text: &str) -> Result<Vec<(&str, &str, &str)>, ScaleProblem> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| {
            line.rsplit_once(':')
                .map(|(left, right)| (line, left.trim(), right.trim()))
                .ok_or_else(|| {
                    problem(
                        Cell::Scale,
                        "invalid_scale",
                        format!("dòng \"{line}\" thiếu dấu hai chấm trước số điểm"),
                    )
                })
        })
        .collect()
}

fn levels(scale: &str) -> Result<Vec<ScoreLevel>, ScaleProblem> {
    lines(scale)?
        .into_iter()
        .map(|(line, label, value)| {
            Ok(ScoreLevel {
                label: label.to_owned(),
                points: points(value, line)?,
            })
        })
        .collect()
}

fn thresholds(scale: &str) -> Result<Vec<ScoreThreshold>, ScaleProblem> {
    lines(scale)?
        .into_iter()
        .map(|(line, bound, value)| {
            let folded = fold(bound);
            let bare = folded
                .trim_start_matches("tu")
                .trim_start_matches(">=")
                .trim_start_matches('≥')
                .trim_end_matches("tro len")
                .trim()
                .trim_end_matches('%')
                .trim();
            let at_least = parse_number_text(bare).map_err(|_| {
                problem(
                    Cell::Scale,
                    "invalid_scale",
                    format!(
                        "không đọc được ngưỡng ở dòng \"{line}\" (ví dụ \"Từ 80 trở lên: 0,5\")"
                    ),
                )
            })?;
            Ok(ScoreThreshold {
                at_least,
                points: points(value, line)?,
            })
        })
        .collect()
}

/// The token of `method` after the word that folds to `word` (`kế hoạch KH-2026` → `KH-2026`).
fn token_after(method: &str, word: &str) -> Option<String> {
    let tokens: Vec<&str> = method
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == ':')
        .filter(|t| !t.is_empty())
        .collect();
    let at = tokens.iter().position(|t| fold(t) == word)?;
    tokens.get(at + 1).map(|t| (*t).to_owned())
}

/// `Chỉ tiêu TTHC-TRUCTUYEN, kỳ 2026-Q4`: the indicator's and the period's codes.
fn indicator_and_period(method: &str) -> Option<(String, String)> {
    let tokens: Vec<&str> = method
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == ':')
        .filter(|t| !t.is_empty())
        .collect();
    let indicator = tokens.get(2)?;
    Some(((*indicator).to_owned(), token_after(method, "ky")?))
}

/// The scoring written in `method` and `scale` (`method` not blank).
pub fn parse_scoring(method: &str, scale: Option<&str>) -> Result<Scoring, ScaleProblem> {
    let folded = fold(method);
    let scale = scale.unwrap_or_default();
    let needs_scale = |what: &str| {
        problem(
            Cell::Scale,
            "required",
            format!("cần ghi {what} ở cột Thang điểm, mỗi dòng một mục"),
        )
    };
    if folded.starts_with("tu cham") || folded.starts_with("nhap diem") {
        Ok(Scoring::Entered)
    } else if folded.starts_with("chon muc") || folded.starts_with("theo muc") {
        if scale.trim().is_empty() {
            return Err(needs_scale(
                "các mức điểm (ví dụ \"Ban hành đúng thời hạn: 1\")",
            ));
        }
        Ok(Scoring::Levels {
            levels: levels(scale)?,
        })
    } else if folded.starts_with("chi tieu") {
        let (indicator_code, period_code) = indicator_and_period(method).ok_or_else(|| {
            problem(
                Cell::Method,
                "invalid_method",
                format!("ghi mã chỉ tiêu và mã kỳ báo cáo, ví dụ \"Chỉ tiêu TTHC-TRUCTUYEN, kỳ 2026-Q4\" (đang ghi \"{method}\")"),
            )
        })?;
        if scale.trim().is_empty() {
            return Err(needs_scale("các ngưỡng (ví dụ \"Từ 80 trở lên: 0,5\")"));
        }
        Ok(Scoring::Indicator {
            indicator_code,
            period_code,
            thresholds: thresholds(scale)?,
        })
    } else if folded.starts_with("ty le nhiem vu") {
        let plan_code = token_after(method, "hoach").ok_or_else(|| {
            problem(
                Cell::Method,
                "invalid_method",
                format!("ghi mã kế hoạch, ví dụ \"Tỷ lệ nhiệm vụ đúng hạn, kế hoạch KH-2026\" (đang ghi \"{method}\")"),
            )
        })?;
        if scale.trim().is_empty() {
            return Err(needs_scale("các ngưỡng (ví dụ \"Từ 80 trở lên: 0,5\")"));
        }
        Ok(Scoring::PlanOnTime {
            plan_code,
            thresholds: thresholds(scale)?,
        })
    } else if folded.starts_with("ty le bao cao") {
        let year = token_after(method, "nam")
            .and_then(|y| y.parse::<i32>().ok())
            .ok_or_else(|| {
                problem(
                    Cell::Method,
                    "invalid_method",
                    format!("ghi năm của các kỳ báo cáo, ví dụ \"Tỷ lệ báo cáo đúng hạn, năm 2026\" (đang ghi \"{method}\")"),
                )
            })?;
        if scale.trim().is_empty() {
            return Err(needs_scale("các ngưỡng (ví dụ \"Từ 80 trở lên: 0,5\")"));
        }
        Ok(Scoring::ReportTimeliness {
            year,
            thresholds: thresholds(scale)?,
        })
    } else if ["dieu tra", "khao sat", "sipas", "papi"]
        .iter()
        .any(|w| folded.contains(w))
    {
        Ok(Scoring::Survey)
    } else {
        Err(problem(
            Cell::Method,
            "unknown_method",
            format!(
                "\"{method}\" không phải cách chấm điểm: ghi \"{ENTERED}\", \"{LEVELS}\", \
                 \"Chỉ tiêu <mã chỉ tiêu>, kỳ <mã kỳ>\" hoặc \"{SURVEY}\""
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn every_scoring_reads_back_as_written() {
        let written = [
            Scoring::Entered,
            Scoring::Survey,
            Scoring::Levels {
                levels: vec![
                    ScoreLevel {
                        label: "Từ 80% đến dưới 100%: đạt".into(),
                        points: d("0.5"),
                    },
                    ScoreLevel {
                        label: "Dưới 80%".into(),
                        points: d("0"),
                    },
                ],
            },
            Scoring::PlanOnTime {
                plan_code: "KH-2026".into(),
                thresholds: vec![ScoreThreshold {
                    at_least: d("80"),
                    points: d("1"),
                }],
            },
            Scoring::ReportTimeliness {
                year: 2026,
                thresholds: vec![ScoreThreshold {
                    at_least: d("90,5".replace(',', ".").as_str()),
                    points: d("0.5"),
                }],
            },
            Scoring::Indicator {
                indicator_code: "TTHC-TRUCTUYEN".into(),
                period_code: "2026-Q4".into(),
                thresholds: vec![
                    ScoreThreshold {
                        at_least: d("30"),
                        points: d("0.25"),
                    },
                    ScoreThreshold {
                        at_least: d("1234.5"),
                        points: d("1"),
                    },
                ],
            },
        ];
        for scoring in written {
            let method = super::super::method_text(&scoring);
            let scale = scale_text(&scoring);
            assert_eq!(parse_scoring(&method, Some(&scale)), Ok(scoring));
        }
    }

    #[test]
    fn offices_ways_of_writing_are_read() {
        assert_eq!(
            parse_scoring("chọn mức", Some("Đúng hạn: 1 điểm\nChậm: 0,5")),
            Ok(Scoring::Levels {
                levels: vec![
                    ScoreLevel {
                        label: "Đúng hạn".into(),
                        points: d("1")
                    },
                    ScoreLevel {
                        label: "Chậm".into(),
                        points: d("0.5")
                    },
                ]
            })
        );
        let Ok(Scoring::Indicator { thresholds, .. }) =
            parse_scoring("Chỉ tiêu: TT-1; Kỳ: 2026", Some("≥ 95%: 1\n>= 80: 0,5"))
        else {
            panic!("thresholds");
        };
        assert_eq!(thresholds[0].at_least, d("95"));
        assert_eq!(thresholds[1].points, d("0.5"));
        assert_eq!(parse_scoring("Chấm theo PAPI", None), Ok(Scoring::Survey));
    }

    #[test]
    fn faults_name_their_cell() {
        let cell = |method: &str, scale: Option<&str>| {
            let p = parse_scoring(method, scale).unwrap_err();
            (p.cell, p.code)
        };
        assert_eq!(
            cell("Theo cảm tính", None),
            (Cell::Method, "unknown_method")
        );
        assert_eq!(cell("Chọn mức", None), (Cell::Scale, "required"));
        assert_eq!(
            cell("Chọn mức", Some("Đúng hạn 1")),
            (Cell::Scale, "invalid_scale")
        );
        assert_eq!(
            cell("Chọn mức", Some("Đúng hạn: một")),
            (Cell::Scale, "invalid_scale")
        );
        assert_eq!(
            cell("Chỉ tiêu TT-1", Some("Từ 1: 1")),
            (Cell::Method, "invalid_method")
        );
        assert_eq!(
            cell("Chỉ tiêu TT-1, kỳ 2026", Some("Từ nhiều: 1")),
            (Cell::Scale, "invalid_scale")
        );
    }
}
