//! The 2022 CCHC plan of the demo department (seed 002) with its eight content areas and lead
//! units, and the tasks of the meeting conclusion of 05/5/2022 (seed 001). The history is
//! replayed at the dates it happened in 2022 (progress, declarations, confirmations, an
//! extension), so statuses are derived from facts, as for real data.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use diesel_async::AsyncPgConnection;
use rust_decimal::Decimal;

use crate::authz::Principal;
use crate::repo::{documents, plans, tasks};
use cchc_domain::error::Result;
use cchc_domain::model::audit::Actor;
use cchc_domain::model::document::{CreateDocument, DocumentDirection};
use cchc_domain::model::indicator::{Comparator, ContentArea, Target};
use cchc_domain::model::job::Recipient;
use cchc_domain::model::plan::{CreatePlan, PlanAreaInput, PlanTargetInput};
use cchc_domain::model::policy::ReminderPolicy;
use cchc_domain::model::task::{
    CreateTask, DeclareDone, GrantTaskExtension, ReportProgress, TaskDetail,
};
use cchc_domain::rules::local_time::LOCAL_TZ;
use cchc_domain::rules::task_due::{ReportEvery, TaskDue};

pub(super) const PLAN_CODE: &str = "KH-CCHC-2022";

/// 09:00 local on `y-m-d`.
fn on(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    LOCAL_TZ
        .with_ymd_and_hms(y, m, d, 9, 0, 0)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// The context every step of the replay shares.
struct Replay<'a> {
    conn: &'a mut AsyncPgConnection,
    policy: &'a ReminderPolicy,
    principal: &'a Principal,
    actor: &'a Actor,
    /// Tasks created so far.
    tasks: usize,
}

impl Replay<'_> {
    async fn document(
        &mut self,
        number: &str,
        issued_on: NaiveDate,
        agency: &str,
        subject: &str,
        direction: DocumentDirection,
    ) -> Result<i64> {
        let input = CreateDocument {
            number: number.to_owned(),
            issued_on,
            issuing_agency: agency.to_owned(),
            subject: subject.to_owned(),
            signer: None,
            direction,
        };
        let at = on(issued_on.year(), issued_on.month(), issued_on.day());
        Ok(
            documents::create(self.conn, &input, self.principal, self.actor, at)
                .await?
                .id,
        )
    }

    #[allow(clippy::too_many_arguments)]
    async fn task(
        &mut self,
        plan: Option<i64>,
        source: Option<i64>,
        code: &str,
        title: &str,
        area: Option<ContentArea>,
        lead: &str,
        coordinating: &[&str],
        output: &str,
        due: TaskDue,
        at: DateTime<Utc>,
    ) -> Result<TaskDetail> {
        let input = CreateTask {
            code: code.to_owned(),
            title: title.to_owned(),
            source_document_id: source,
            content_area: area,
            lead_unit_code: lead.to_owned(),
            coordinating_unit_codes: coordinating.iter().map(|c| (*c).to_owned()).collect(),
            expected_output: Some(output.to_owned()),
            start_date: None,
            due,
        };
        self.tasks += 1;
        match plan {
            Some(plan) => {
                tasks::create_in_plan(
                    self.conn,
                    plan,
                    &input,
                    self.policy,
                    self.principal,
                    self.actor,
                    at,
                )
                .await
            }
            None => {
                tasks::create(
                    self.conn,
                    &input,
                    self.policy,
                    self.principal,
                    self.actor,
                    at,
                )
                .await
            }
        }
    }

    async fn progress(
        &mut self,
        task: i64,
        percent: i16,
        note: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let input = ReportProgress {
            unit_code: None,
            percent: Some(percent),
            note: note.to_owned(),
            evidence: Vec::new(),
        };
        tasks::report_progress(
            self.conn,
            task,
            &input,
            self.policy,
            self.principal,
            self.actor,
            at,
        )
        .await
        .map(|_| ())
    }

    /// Declared done on `declared`, confirmed by the Office on `confirmed` if given.
    async fn done(
        &mut self,
        task: i64,
        output: Option<i64>,
        note: &str,
        declared: DateTime<Utc>,
        confirmed: Option<DateTime<Utc>>,
    ) -> Result<()> {
        let input = DeclareDone {
            output_document_id: output,
            note: Some(note.to_owned()),
            evidence: Vec::new(),
        };
        tasks::declare_done(
            self.conn,
            task,
            &input,
            self.policy,
            self.principal,
            self.actor,
            declared,
        )
        .await?;
        if let Some(at) = confirmed {
            tasks::confirm(self.conn, task, self.policy, self.principal, self.actor, at).await?;
        }
        Ok(())
    }
}

fn area(
    content_area: ContentArea,
    lead: &str,
    coordinating: &[&str],
    note: Option<&str>,
) -> PlanAreaInput {
    PlanAreaInput {
        content_area,
        lead_unit_code: lead.to_owned(),
        coordinating_unit_codes: coordinating.iter().map(|c| (*c).to_owned()).collect(),
        note: note.map(str::to_owned),
    }
}

fn target(
    description: &str,
    indicator: &str,
    comparator: Comparator,
    threshold: Decimal,
) -> PlanTargetInput {
    PlanTargetInput {
        description: description.to_owned(),
        content_area: Some(ContentArea::AdministrativeProcedureReform),
        indicator_code: Some(indicator.to_owned()),
        target: Some(Target {
            comparator,
            threshold,
        }),
        period_code: None,
    }
}

/// Loads the plan, its tasks and the meeting conclusion's tasks; answers how many tasks.
pub(super) async fn load(
    conn: &mut AsyncPgConnection,
    policy: &ReminderPolicy,
    principal: &Principal,
    actor: &Actor,
) -> Result<usize> {
    use ContentArea::*;
    let mut r = Replay {
        conn,
        policy,
        principal,
        actor,
        tasks: 0,
    };
    let basis = r
        .document(
            "4289/KH-UBND",
            date(2021, 12, 21),
            "Ủy ban nhân dân tỉnh",
            "Kế hoạch cải cách hành chính Nhà nước năm 2022 trên địa bàn tỉnh",
            DocumentDirection::Incoming,
        )
        .await?;
    let own = r
        .document(
            "383/KH-SCT",
            date(2022, 2, 21),
            "Sở Công Thương",
            "Kế hoạch cải cách hành chính năm 2022",
            DocumentDirection::Outgoing,
        )
        .await?;
    let others = ["QLTM", "QLCNMT", "QLNL", "KHTC", "TTRA", "TTKC"];
    let all_but =
        |lead: &str| -> Vec<&str> { others.iter().copied().filter(|u| *u != lead).collect() };
    let input = CreatePlan {
        code: PLAN_CODE.to_owned(),
        year: 2022,
        title: "Kế hoạch cải cách hành chính năm 2022 của Sở Công Thương".to_owned(),
        description: Some("Phụ lục chi tiết kèm theo Kế hoạch số 383/KH-SCT.".to_owned()),
        document_id: Some(own),
        legal_basis_document_ids: vec![basis],
        // Seed 002 §IV: the Inspectorate leads content 1, the Planning–Finance division content
        // 5, the Office contents 2, 3, 4, 6, 7 and is the plan's focal point (so content 8).
        areas: vec![
            area(InstitutionalReform, "TTRA", &["VP"], None),
            area(AdministrativeProcedureReform, "VP", &all_but("VP"), None),
            area(OrganizationalReform, "VP", &all_but("VP"), None),
            area(CivilServiceQuality, "VP", &all_but("VP"), None),
            area(PublicFinanceReform, "KHTC", &all_but("KHTC"), None),
            area(DigitalGovernment, "VP", &all_but("VP"), None),
            area(Communication, "VP", &["TTRA"], Some("Thanh tra Sở chủ trì nhiệm vụ tuyên truyền về CCHC")),
            area(Inspection, "VP", &["TTRA"], None),
        ],
        targets: vec![
            target("Trên 50% hồ sơ giải quyết TTHC được luân chuyển trong nội bộ bằng phương thức điện tử",
                "HS-LUANCHUYEN-DT", Comparator::Gt, Decimal::from(50)),
            target("Số hóa kết quả giải quyết TTHC còn hiệu lực tăng tối thiểu 20%",
                "SOHOA-KQ-TANG", Comparator::Gte, Decimal::from(20)),
            target("Mức độ hài lòng của người dân, doanh nghiệp về giải quyết TTHC đạt tối thiểu 90%",
                "HAILONG-TTHC", Comparator::Gte, Decimal::from(90)),
            target("Ít nhất 80% TTHC trực tuyến được tích hợp, cung cấp trên Cổng Dịch vụ công quốc gia",
                "TTHC-TICHHOP-DVCQG", Comparator::Gte, Decimal::from(80)),
            target("Mức độ hài lòng đối với sự phục vụ của cơ quan hành chính nhà nước đạt tối thiểu 86,6%",
                "HAILONG-CQHC", Comparator::Gte, Decimal::new(866, 1)),
        ],
        // Seed 001: the working group (Tổ công tác) follows the plan monthly and quarterly.
        working_group: vec![
            Recipient::new("Tổ công tác CCHC Sở Công Thương", "tocongtac.cchc@sct-khanhhoa.example"),
            Recipient::new("Phó Giám đốc Sở (Tổ trưởng)", "pgd.cchc@sct-khanhhoa.example"),
        ],
    };
    let issued = on(2022, 2, 21);
    let plan = plans::create(r.conn, &input, principal, actor, issued)
        .await?
        .id;
    plans::issue(r.conn, plan, principal, actor, issued).await?;
    let p = Some(plan);

    // Done on time.
    let t = r.task(p, None, "1.1", "Ban hành và tổ chức thực hiện Kế hoạch rà soát, kiểm tra văn bản chuyên ngành Công Thương năm 2022",
        Some(InstitutionalReform), "TTRA", &["VP"], "Kế hoạch", TaskDue::Quarter { year: 2022, quarter: 1 }, issued).await?;
    r.done(
        t.task.id,
        None,
        "Đã ban hành kế hoạch rà soát",
        on(2022, 3, 25),
        Some(on(2022, 3, 28)),
    )
    .await?;
    // Done late: declared after the end of March.
    let t = r
        .task(
            p,
            None,
            "1.2",
            "Xây dựng và phê duyệt Kế hoạch theo dõi tình hình thi hành pháp luật năm 2022",
            Some(InstitutionalReform),
            "TTRA",
            &["VP"],
            "Kế hoạch",
            TaskDue::Month {
                year: 2022,
                month: 3,
            },
            issued,
        )
        .await?;
    r.done(
        t.task.id,
        None,
        "Đã phê duyệt kế hoạch",
        on(2022, 4, 12),
        Some(on(2022, 4, 13)),
    )
    .await?;
    let t = r
        .task(
            p,
            None,
            "2.1",
            "Xây dựng kế hoạch kiểm soát TTHC; kế hoạch rà soát, đánh giá TTHC năm 2022",
            Some(AdministrativeProcedureReform),
            "VP",
            &["QLTM", "QLCNMT", "QLNL"],
            "Kế hoạch",
            TaskDue::Date {
                date: date(2022, 3, 15),
            },
            issued,
        )
        .await?;
    r.done(
        t.task.id,
        None,
        "Đã ban hành các kế hoạch",
        on(2022, 3, 14),
        Some(on(2022, 3, 15)),
    )
    .await?;
    // Overdue with progress reported.
    let t = r
        .task(
            p,
            None,
            "2.6",
            "Điều tra đo lường sự hài lòng của người dân, tổ chức đối với sự phục vụ của Sở",
            Some(AdministrativeProcedureReform),
            "VP",
            &["QLTM"],
            "Báo cáo kết quả khảo sát",
            TaskDue::Quarter {
                year: 2022,
                quarter: 4,
            },
            issued,
        )
        .await?;
    r.progress(
        t.task.id,
        60,
        "Đã phát 120/200 phiếu khảo sát",
        on(2022, 10, 20),
    )
    .await?;
    let t = r
        .task(
            p,
            None,
            "4.3",
            "Xây dựng kế hoạch đào tạo, bồi dưỡng công chức, viên chức năm 2022",
            Some(CivilServiceQuality),
            "VP",
            &[],
            "Kế hoạch",
            TaskDue::Quarter {
                year: 2022,
                quarter: 1,
            },
            issued,
        )
        .await?;
    r.done(
        t.task.id,
        None,
        "Đã ban hành kế hoạch",
        on(2022, 4, 5),
        Some(on(2022, 4, 6)),
    )
    .await?;
    let t = r
        .task(
            p,
            None,
            "5.2",
            "Chỉ đạo các đơn vị sự nghiệp thực hiện cơ chế tự chủ theo Nghị định số 60/2021/NĐ-CP",
            Some(PublicFinanceReform),
            "KHTC",
            &["TTKC"],
            "Báo cáo",
            TaskDue::Year { year: 2022 },
            issued,
        )
        .await?;
    r.done(
        t.task.id,
        None,
        "Đã báo cáo kết quả thực hiện tự chủ",
        on(2022, 12, 20),
        Some(on(2022, 12, 22)),
    )
    .await?;
    // Ongoing, reported every quarter.
    r.task(
        p,
        None,
        "6.5",
        "Duy trì, cải tiến hệ thống quản lý chất lượng theo TCVN ISO 9001:2015",
        Some(DigitalGovernment),
        "VP",
        &all_but("VP"),
        "Báo cáo",
        TaskDue::Recurring {
            every: ReportEvery::Quarter,
        },
        issued,
    )
    .await?;
    // Extended by the Office, then done within the extension.
    let t = r
        .task(
            p,
            None,
            "7.3",
            "Xây dựng và tổ chức thực hiện Kế hoạch tuyên truyền về cải cách hành chính năm 2022",
            Some(Communication),
            "TTRA",
            &["VP"],
            "Kế hoạch",
            TaskDue::Month {
                year: 2022,
                month: 3,
            },
            issued,
        )
        .await?;
    let extension = GrantTaskExtension {
        due: TaskDue::Date {
            date: date(2022, 4, 15),
        },
        reason: "Chờ kế hoạch tuyên truyền CCHC của tỉnh".to_owned(),
    };
    tasks::grant_extension(
        r.conn,
        t.task.id,
        &extension,
        policy,
        principal,
        actor,
        on(2022, 3, 28),
    )
    .await?;
    r.done(
        t.task.id,
        None,
        "Đã ban hành kế hoạch tuyên truyền",
        on(2022, 4, 14),
        Some(on(2022, 4, 15)),
    )
    .await?;
    // Declared done, waiting for the Office.
    let t = r
        .task(
            p,
            None,
            "8.3",
            "Kiểm tra công tác giải quyết TTHC của các phòng, đơn vị",
            Some(Inspection),
            "VP",
            &["TTRA"],
            "Báo cáo kết quả kiểm tra",
            TaskDue::Quarter {
                year: 2022,
                quarter: 3,
            },
            issued,
        )
        .await?;
    r.done(
        t.task.id,
        None,
        "Đã kiểm tra 6/6 phòng, đơn vị",
        on(2022, 9, 28),
        None,
    )
    .await?;
    // Seed 002: units report their results before 10/11/2022.
    let t = r
        .task(
            p,
            None,
            "9",
            "Báo cáo kết quả thực hiện công tác cải cách hành chính năm 2022",
            None,
            "VP",
            &all_but("VP"),
            "Báo cáo",
            TaskDue::Date {
                date: date(2022, 11, 9),
            },
            issued,
        )
        .await?;
    r.progress(
        t.task.id,
        80,
        "Đã tổng hợp báo cáo của 5/6 phòng, đơn vị",
        on(2022, 11, 8),
    )
    .await?;

    // Seed 001: the meeting conclusion of 05/5/2022 (its number is left blank in the source).
    let conclusion = r
        .document(
            "52/TB-SCT",
            date(2022, 5, 6),
            "Sở Công Thương",
            "Thông báo kết luận cuộc họp về công tác cải cách hành chính năm 2022",
            DocumentDirection::Outgoing,
        )
        .await?;
    let at = on(2022, 5, 6);
    let c = Some(conclusion);
    let t = r
        .task(
            None,
            c,
            "4",
            "Rà soát các TTHC mức độ 3, 4 không phát sinh hồ sơ để tham mưu đề nghị bãi bỏ",
            Some(AdministrativeProcedureReform),
            "VP",
            &["QLTM", "QLCNMT", "QLNL"],
            "Tờ trình đề nghị bãi bỏ",
            TaskDue::Month {
                year: 2022,
                month: 5,
            },
            at,
        )
        .await?;
    r.done(
        t.task.id,
        None,
        "Đã trình đề nghị bãi bỏ 12 TTHC",
        on(2022, 6, 3),
        Some(on(2022, 6, 6)),
    )
    .await?;
    let t = r
        .task(
            None,
            c,
            "9",
            "Tổ công tác theo dõi thực hiện kế hoạch CCHC năm 2022 hằng tháng, quý",
            None,
            "VP",
            &["QLCNMT"],
            "Báo cáo của Tổ công tác",
            TaskDue::Recurring {
                every: ReportEvery::Month,
            },
            at,
        )
        .await?;
    // The working group's latest monthly report is the one made when the demo is loaded.
    r.progress(
        t.task.id,
        50,
        "Tổ công tác đã rà soát tiến độ các nhiệm vụ trong tháng",
        Utc::now(),
    )
    .await?;
    Ok(r.tasks)
}
