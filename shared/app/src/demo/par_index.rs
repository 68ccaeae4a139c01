//! The PAR Index of the demo department: a criteria set shaped like a province's set for its
//! departments (8 areas, 36 scored criteria, 100 points; some computed from the demo
//! indicators, the people's satisfaction from the SIPAS survey), the 2021 round as seed 001
//! tells it (evidence missing, explanations, 70 % of the restored points kept: "Khá"), and
//! the 2022 round in progress, its readiness board showing points at risk.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use diesel_async::AsyncPgConnection;
use rust_decimal::Decimal;

use crate::authz::Principal;
use crate::repo::assessments::ItemRef;
use crate::repo::submissions::BoardCaches;
use crate::repo::{assessments, criteria, documents};
use cchc_domain::error::{Error, Result};
use cchc_domain::model::assessment::{
    AppraisalItemInput, AssessmentEvidenceInput, CreateAssessment, ProposeScore, RecordAppraisal,
    SendAssessment,
};
use cchc_domain::model::audit::Actor;
use cchc_domain::model::criteria::{
    CreateCriteriaSet, CriterionInput, RankingClass, ScoreLevel, ScoreThreshold, Scoring,
};
use cchc_domain::model::document::{CreateDocument, DocumentDirection};
use cchc_domain::model::indicator::ContentArea;
use cchc_domain::rules::local_time::LOCAL_TZ;

pub(super) const ROUND_2022: &str = "TDG-CCHC-2022";

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    LOCAL_TZ
        .with_ymd_and_hms(y, m, d, 9, 0, 0)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn points(value: i64) -> Decimal {
    Decimal::from(value)
}

/// How a leaf of the demo set is scored.
#[derive(Clone, Copy)]
enum Kind {
    /// By level: the full points, half, none.
    Levels,
    Entered,
    /// From an indicator of the demo period: full points from `full` %, half from `half` %.
    Computed(&'static str, i64, i64),
    Survey,
}

use ContentArea::*;
use Kind::*;

/// The areas: code, title, content area of their criteria.
const AREAS: [(&str, &str, ContentArea); 8] = [
    (
        "1",
        "Công tác chỉ đạo, điều hành cải cách hành chính",
        Inspection,
    ),
    ("2", "Cải cách thể chế", InstitutionalReform),
    (
        "3",
        "Cải cách thủ tục hành chính",
        AdministrativeProcedureReform,
    ),
    (
        "4",
        "Cải cách tổ chức bộ máy hành chính",
        OrganizationalReform,
    ),
    (
        "5",
        "Xây dựng, nâng cao chất lượng đội ngũ cán bộ, công chức, viên chức",
        CivilServiceQuality,
    ),
    ("6", "Cải cách tài chính công", PublicFinanceReform),
    (
        "7",
        "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số",
        DigitalGovernment,
    ),
    (
        "8",
        "Tác động của cải cách hành chính đến người dân, tổ chức",
        AdministrativeProcedureReform,
    ),
];

/// The scored criteria: code, title, points, scoring.
#[rustfmt::skip]
const LEAVES: [(&str, &str, i64, Kind); 36] = [
    ("1.1", "Ban hành kế hoạch cải cách hành chính năm đúng thời hạn", 2, Levels),
    ("1.2", "Thực hiện chế độ báo cáo cải cách hành chính định kỳ", 2, Levels),
    ("1.3", "Kiểm tra công tác cải cách hành chính tại các đơn vị trực thuộc", 2, Entered),
    ("1.4", "Tuyên truyền cải cách hành chính", 2, Entered),
    ("1.5", "Sáng kiến, giải pháp mới trong cải cách hành chính", 2, Entered),
    ("1.6", "Thực hiện các nhiệm vụ được Ủy ban nhân dân tỉnh giao", 2, Levels),
    ("2.1", "Tham mưu ban hành văn bản quy phạm pháp luật theo kế hoạch", 2, Levels),
    ("2.2", "Rà soát, hệ thống hóa văn bản quy phạm pháp luật", 2, Entered),
    ("2.3", "Kiểm tra, xử lý văn bản quy phạm pháp luật", 2, Entered),
    ("2.4", "Theo dõi thi hành pháp luật", 2, Levels),
    ("3.1", "Công bố, cập nhật thủ tục hành chính kịp thời", 2, Levels),
    ("3.2", "Công khai thủ tục hành chính đầy đủ, kịp thời", 3, Computed("TTHC-CONGKHAI", 90, 70)),
    ("3.3", "Giải quyết hồ sơ thủ tục hành chính đúng hạn", 4, Computed("TTHC-DUNGHAN", 95, 85)),
    ("3.4", "Rà soát, đơn giản hóa thủ tục hành chính", 2, Entered),
    ("3.5", "Tiếp nhận, xử lý phản ánh, kiến nghị về thủ tục hành chính", 3, Entered),
    ("3.6", "Luân chuyển hồ sơ nội bộ bằng phương thức điện tử", 2, Computed("HS-LUANCHUYEN-DT", 80, 50)),
    ("4.1", "Quy định chức năng, nhiệm vụ, cơ cấu tổ chức của các đơn vị", 2, Levels),
    ("4.2", "Thực hiện tinh giản biên chế", 3, Entered),
    ("4.3", "Thực hiện phân cấp, ủy quyền quản lý", 3, Entered),
    ("5.1", "Xác định, điều chỉnh vị trí việc làm", 2, Levels),
    ("5.2", "Tuyển dụng, bổ nhiệm theo quy định", 2, Entered),
    ("5.3", "Đào tạo lý luận chính trị, quản lý nhà nước cho lãnh đạo, quản lý", 3, Computed("LDQL-LLCT-QLNN", 90, 70)),
    ("5.4", "Đánh giá, xếp loại công chức, viên chức", 2, Entered),
    ("5.5", "Chấp hành kỷ luật, kỷ cương hành chính", 3, Levels),
    ("6.1", "Lập, giao dự toán ngân sách đúng thời hạn", 2, Levels),
    ("6.2", "Thực hiện cơ chế tự chủ tài chính", 3, Entered),
    ("6.3", "Quản lý, sử dụng tài sản công", 3, Entered),
    ("7.1", "Kế hoạch chuyển đổi số năm", 2, Levels),
    ("7.2", "Văn bản điện tử được trao đổi, liên thông trên môi trường mạng", 3, Computed("VBDT-LIENTHONG", 90, 70)),
    ("7.3", "Hồ sơ thủ tục hành chính giải quyết trực tuyến", 4, Computed("HS-TRUCTUYEN", 50, 30)),
    ("7.4", "Dịch vụ công trực tuyến tích hợp lên Cổng Dịch vụ công quốc gia", 3, Computed("DVCTT-DVCQG", 90, 50)),
    ("7.5", "Áp dụng hệ thống quản lý chất lượng TCVN ISO 9001:2015", 2, Entered),
    ("7.6", "Bảo đảm an toàn thông tin mạng", 2, Entered),
    ("8.1", "Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)", 10, Survey),
    ("8.2", "Mức độ hài lòng về giải quyết thủ tục hành chính", 6, Computed("HAILONG-TTHC", 90, 80)),
    ("8.3", "Kết quả nổi bật trong cải cách hành chính", 4, Entered),
];

/// The demo period the computed criteria read.
const DEMO_PERIOD: &str = "2023-Q1";

fn scoring(max: i64, kind: Kind) -> Scoring {
    let half = Decimal::from(max) / Decimal::from(2);
    match kind {
        Levels => Scoring::Levels {
            levels: vec![
                ScoreLevel {
                    label: "Thực hiện đầy đủ, đúng thời hạn".into(),
                    points: points(max),
                },
                ScoreLevel {
                    label: "Thực hiện chậm hoặc chưa đầy đủ".into(),
                    points: half,
                },
                ScoreLevel {
                    label: "Không thực hiện".into(),
                    points: Decimal::ZERO,
                },
            ],
        },
        Entered => Scoring::Entered,
        Survey => Scoring::Survey,
        Computed(indicator, full, partial) => Scoring::Indicator {
            indicator_code: indicator.into(),
            period_code: DEMO_PERIOD.into(),
            thresholds: vec![
                ScoreThreshold {
                    at_least: points(partial),
                    points: half,
                },
                ScoreThreshold {
                    at_least: points(full),
                    points: points(max),
                },
            ],
        },
    }
}

fn demo_set(year: i32) -> CreateCriteriaSet {
    let mut list = Vec::new();
    for (code, title, area) in AREAS {
        let leaves: Vec<_> = LEAVES
            .iter()
            .filter(|(c, ..)| c.split('.').next() == Some(code))
            .collect();
        list.push(CriterionInput {
            code: code.into(),
            parent_code: None,
            title: title.into(),
            max_points: points(leaves.iter().map(|(_, _, max, _)| max).sum()),
            content_area: None,
            scoring: None,
            evidence_hint: None,
        });
        for (leaf, leaf_title, max, kind) in leaves {
            list.push(CriterionInput {
                code: (*leaf).into(),
                parent_code: Some(code.into()),
                title: (*leaf_title).into(),
                max_points: points(*max),
                content_area: Some(area),
                scoring: Some(scoring(*max, *kind)),
                evidence_hint: None,
            });
        }
    }
    let class = |label: &str, min: i64| RankingClass {
        label: label.into(),
        min_points: points(min),
    };
    CreateCriteriaSet {
        code: format!("PAR-SO-{year}"),
        year,
        title: format!(
            "Bộ tiêu chí xác định Chỉ số cải cách hành chính các sở, ban, ngành tỉnh năm {year}"
        ),
        document_id: None,
        restored_share_percent: points(70),
        ranking_classes: vec![
            class("Tốt", 90),
            class("Khá", 80),
            class("Trung bình", 65),
            class("Yếu", 0),
        ],
        criteria: list,
    }
}

/// What the loader shares.
struct Loader<'a> {
    conn: &'a mut AsyncPgConnection,
    /// No cache: the loader reads each consolidation once.
    caches: BoardCaches,
    principal: &'a Principal,
    actor: &'a Actor,
}

impl Loader<'_> {
    async fn document(&mut self, number: &str, on: NaiveDate, subject: &str) -> Result<i64> {
        if let Some(id) = cchc_db::documents::ids_by_number(self.conn, number)
            .await?
            .first()
        {
            return Ok(*id);
        }
        let input = CreateDocument {
            number: number.into(),
            issued_on: on,
            issuing_agency: "Sở Công Thương".into(),
            subject: subject.into(),
            signer: None,
            direction: DocumentDirection::Outgoing,
        };
        let now = at(on.year(), on.month(), on.day());
        Ok(
            documents::create(self.conn, &input, self.principal, self.actor, now)
                .await?
                .id,
        )
    }

    async fn published_set(&mut self, year: i32) -> Result<i64> {
        let now = at(year, 1, 10);
        let set =
            criteria::create(self.conn, &demo_set(year), self.principal, self.actor, now).await?;
        criteria::publish(self.conn, set.id, self.principal, self.actor, now).await?;
        Ok(set.id)
    }

    async fn round(&mut self, code: &str, year: i32, set: i64) -> Result<i64> {
        let due = |m, d| {
            LOCAL_TZ
                .with_ymd_and_hms(year, m, d, 17, 0, 0)
                .single()
                .map(|t| t.fixed_offset())
                .ok_or_else(|| Error::Internal("demo date".into()))
        };
        let input = CreateAssessment {
            code: code.into(),
            title: format!("Tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm {year}"),
            criteria_set_id: set,
            units_due_at: due(12, 5)?,
            send_due_at: due(12, 15)?,
        };
        Ok(assessments::create(
            self.conn,
            &self.caches,
            &input,
            self.principal,
            self.actor,
            at(year, 11, 20),
        )
        .await?
        .id)
    }

    /// The Office proposes `code`'s full points, with `evidence` (page 1) or an explanation.
    async fn propose(
        &mut self,
        round: i64,
        code: &str,
        evidence: Option<i64>,
        on: DateTime<Utc>,
    ) -> Result<()> {
        let (_, _, max, kind) = LEAVES
            .iter()
            .find(|(c, ..)| *c == code)
            .ok_or_else(|| Error::Internal(format!("no demo criterion {code}")))?;
        let input = ProposeScore {
            points: (!matches!(kind, Levels)).then(|| points(*max)),
            level: matches!(kind, Levels).then_some(0),
            evidence: evidence
                .map(|document_id| AssessmentEvidenceInput {
                    document_id: Some(document_id),
                    file_id: None,
                    section: None,
                    page: Some(1),
                })
                .into_iter()
                .collect(),
            explanation: evidence
                .is_none()
                .then(|| "Đã thực hiện; văn bản lưu tại đơn vị, chưa số hóa.".to_owned()),
        };
        assessments::propose_score(
            self.conn,
            &self.caches,
            ItemRef {
                assessment_id: round,
                code,
            },
            &input,
            self.principal,
            self.actor,
            on,
        )
        .await?;
        Ok(())
    }
}

fn proposed_kinds() -> impl Iterator<Item = &'static str> {
    LEAVES
        .iter()
        .filter(|(_, _, _, kind)| matches!(kind, Levels | Entered))
        .map(|(code, ..)| *code)
}

/// Criteria the 2021 self-assessment claimed without evidence (seed 001).
const WITHOUT_EVIDENCE_2021: [&str; 7] = ["1.3", "1.5", "2.3", "3.5", "4.3", "6.3", "8.3"];

/// Loads the sets, the 2021 round (appraised) and the 2022 round (in progress).
pub(super) async fn load(
    conn: &mut AsyncPgConnection,
    principal: &Principal,
    actor: &Actor,
) -> Result<()> {
    let mut l = Loader {
        conn,
        caches: BoardCaches::new(0),
        principal,
        actor,
    };
    // 2021: every criterion claimed in full; seven without evidence, explained.
    let plan_2021 = l
        .document(
            "215/KH-SCT",
            NaiveDate::from_ymd_opt(2021, 1, 25).unwrap_or_default(),
            "Kế hoạch cải cách hành chính năm 2021",
        )
        .await?;
    let set_2021 = l.published_set(2021).await?;
    let round_2021 = l.round("TDG-CCHC-2021", 2021, set_2021).await?;
    for code in proposed_kinds() {
        let evidence = (!WITHOUT_EVIDENCE_2021.contains(&code)).then_some(plan_2021);
        l.propose(round_2021, code, evidence, at(2021, 12, 3))
            .await?;
    }
    let send = SendAssessment {
        override_reason: Some("Gửi đúng hạn theo yêu cầu của Sở Nội vụ.".into()),
    };
    assessments::send(
        l.conn,
        &l.caches,
        round_2021,
        &send,
        principal,
        actor,
        at(2021, 12, 15),
    )
    .await?;
    // The council gave nothing for the claims without evidence and gave them back after the
    // explanations; 70 % of those is kept. Computed criteria as appraised, SIPAS 8 of 10.
    let mut items = Vec::new();
    for (code, _, max, kind) in LEAVES {
        let (appraised, restored) = match kind {
            Survey => (points(8), None),
            Computed(..) => (points(max) - Decimal::from(max) / Decimal::from(4), None),
            _ if WITHOUT_EVIDENCE_2021.contains(&code) => (Decimal::ZERO, Some(points(max))),
            _ => (points(max), None),
        };
        items.push(AppraisalItemInput {
            code: code.into(),
            appraised_points: appraised.round_dp(2),
            comment: restored.map(|_| "Không có tài liệu kiểm chứng".into()),
            restored_points: restored,
        });
    }
    let appraisal = RecordAppraisal {
        items,
        rank_position: Some(14),
        rank_among: Some(20),
    };
    assessments::record_appraisal(
        l.conn,
        &l.caches,
        round_2021,
        &appraisal,
        principal,
        actor,
        at(2022, 3, 30),
    )
    .await?;

    // 2022, in progress: parts given by the 2022 plan's lead units; area 3 and 7 backed by
    // the plan, two claims bare (points at risk), one explained, the rest not yet scored.
    let plan_2022 = l
        .document(
            "383/KH-SCT",
            NaiveDate::from_ymd_opt(2022, 2, 21).unwrap_or_default(),
            "Kế hoạch cải cách hành chính năm 2022",
        )
        .await?;
    let set_2022 = l.published_set(2022).await?;
    let round_2022 = l.round(ROUND_2022, 2022, set_2022).await?;
    for code in ["1.1", "3.1", "3.4", "7.1", "7.5"] {
        l.propose(round_2022, code, Some(plan_2022), at(2022, 11, 28))
            .await?;
        assessments::accept_item(
            l.conn,
            &l.caches,
            ItemRef {
                assessment_id: round_2022,
                code,
            },
            principal,
            actor,
            at(2022, 11, 29),
        )
        .await?;
    }
    for code in ["1.2", "5.4"] {
        let (_, _, max, _) = LEAVES
            .iter()
            .find(|(c, ..)| *c == code)
            .copied()
            .unwrap_or(("", "", 0, Entered));
        let input = ProposeScore {
            points: (code != "1.2").then(|| points(max)),
            level: (code == "1.2").then_some(0),
            evidence: Vec::new(),
            explanation: None,
        };
        assessments::propose_score(
            l.conn,
            &l.caches,
            ItemRef {
                assessment_id: round_2022,
                code,
            },
            &input,
            principal,
            actor,
            at(2022, 11, 30),
        )
        .await?;
    }
    l.propose(round_2022, "2.2", None, at(2022, 11, 30)).await?;
    Ok(())
}
