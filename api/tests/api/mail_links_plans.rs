//! The pages of a plan's board and of the overdue tasks, opened from the leadership's task
//! mails without a token: the plan's counts per unit and its overdue tasks only, every
//! overdue task across plans and directives on the other, each task linking a page that
//! opens; a link for one plan opens no other, and neither opens at the other's route.

use cchc_domain::clock::Clock;
use cchc_domain::rules::signed_link::{self, LinkTarget};
use chrono::TimeDelta;
use serde_json::json;

use crate::common::TestApp;
use crate::mail_links::{follow, links_in, secret, text};
use crate::plans::{department, document, issued_plan, task};

/// A plan with an overdue task (QLTM, due October) and one in progress (KHTC, due
/// December), and a directive's overdue task (VP, due September); the clock is 20 November.
async fn fixture() -> (TestApp, i64, Vec<u8>) {
    let app = TestApp::spawn().await;
    department(&app).await;
    let plan = issued_plan(&app, "KH-2026").await;
    let october = json!({"kind": "month", "year": 2026, "month": 10});
    task(&app, plan, "1", "QLTM", october).await;
    let december = json!({"kind": "month", "year": 2026, "month": 12});
    task(&app, plan, "2", "KHTC", december).await;
    let directive = document(&app, "52/TB-SCT", "2026-08-15", "Thông báo kết luận").await;
    app.post(
        "/api/v1/tasks",
        json!({"code": "3", "title": "Rà soát quy chế tiếp nhận hồ sơ một cửa",
               "source_document_id": directive, "lead_unit_code": "VP",
               "due": {"kind": "month", "year": 2026, "month": 9}}),
    )
    .await
    .expect(201);
    let secret = secret(&app).await;
    (app, plan, secret)
}

fn link(app: &TestApp, secret: &[u8], target: LinkTarget) -> String {
    let expires = app.clock.now() + TimeDelta::days(30);
    format!(
        "{}/l/{}/{}",
        app.base_url,
        target.purpose().as_str(),
        signed_link::sign(secret, target, expires)
    )
}

/// Follows every task link on a page (made with the public base URL, served by the test's
/// API); each must open its task's page.
async fn task_links_open(page: &str, app: &TestApp) -> usize {
    let public = app.state.config.public_base_url.trim_end_matches('/');
    let links: Vec<String> = links_in(page, public)
        .into_iter()
        .filter(|l| l.contains("/l/task/"))
        .collect();
    for link in &links {
        let task = follow(&link.replace(public, &app.base_url)).await;
        assert_eq!(task.status, 200, "{link}: {}", text(&task));
        assert!(text(&task).contains("<h1>Nhiệm vụ "), "{}", text(&task));
    }
    links.len()
}

#[actix_web::test]
async fn a_plans_board_shows_its_counts_and_overdue_tasks_each_linking_its_page() {
    let (app, plan, secret) = fixture().await;
    let page = follow(&link(
        &app,
        &secret,
        LinkTarget::PlanBoard { plan_id: plan },
    ))
    .await;
    let html = text(&page);
    assert_eq!(page.status, 200, "{html}");
    assert!(page.content_type.starts_with("text/html"));
    assert!(
        html.contains("<h1>Tình hình thực hiện kế hoạch cải cách hành chính năm 2026</h1>"),
        "{html}"
    );
    assert!(html.contains("Toàn kế hoạch"), "{html}");
    // The plan's overdue task, not the plan's other task nor the directive's.
    assert!(html.contains("1. Nhiệm vụ 1</a>"), "{html}");
    assert!(!html.contains("2. Nhiệm vụ 2</a>"), "{html}");
    assert!(!html.contains("Rà soát quy chế"), "{html}");
    assert_eq!(task_links_open(&html, &app).await, 1);
    // Another plan's id under the same signature is refused; so is the link at another route.
    let forged = link(&app, &secret, LinkTarget::PlanBoard { plan_id: plan })
        .replace(&format!("plan.{plan}."), &format!("plan.{}.", plan + 1));
    assert_eq!(follow(&forged).await.status, 403);
    let elsewhere = link(&app, &secret, LinkTarget::PlanBoard { plan_id: plan })
        .replace("/l/plan/", "/l/overdue-tasks/");
    let refused = follow(&elsewhere).await;
    assert_eq!(refused.status, 403);
    assert!(text(&refused).contains("Đường dẫn không hợp lệ"));
}

#[actix_web::test]
async fn the_overdue_list_holds_every_overdue_task_of_plans_and_directives() {
    let (app, _, secret) = fixture().await;
    let page = follow(&link(&app, &secret, LinkTarget::OverdueTasks)).await;
    let html = text(&page);
    assert_eq!(page.status, 200, "{html}");
    assert!(
        html.contains("<h1>Nhiệm vụ quá hạn chưa hoàn thành</h1>"),
        "{html}"
    );
    assert!(html.contains("<dt>Số nhiệm vụ</dt><dd>2</dd>"), "{html}");
    assert!(html.contains("1. Nhiệm vụ 1</a>"), "{html}");
    assert!(html.contains("3. Rà soát quy chế"), "{html}");
    assert!(html.contains("Văn bản số 52/TB-SCT"), "{html}");
    assert!(!html.contains("2. Nhiệm vụ 2</a>"), "{html}");
    assert_eq!(task_links_open(&html, &app).await, 2);
    // An expired link gets the Vietnamese page that says so.
    let expired = signed_link::sign(
        &secret,
        LinkTarget::OverdueTasks,
        app.clock.now() - TimeDelta::seconds(1),
    );
    let gone = follow(&format!("{}/l/overdue-tasks/{expired}", app.base_url)).await;
    assert_eq!(gone.status, 410);
    assert!(text(&gone).contains("Đường dẫn đã hết hạn"));
}
