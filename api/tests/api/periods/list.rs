//! The list of periods: paging, filters and the order by latest deadline.

use super::*;

#[actix_web::test]
async fn the_list_pages_filters_and_orders_by_latest_deadline() {
    let app = TestApp::spawn().await;
    organisation(&app).await;
    let specs = [
        (
            "2023-Q1",
            "quarterly",
            Some(2023),
            Some(1),
            "Báo cáo CCHC quý I/2023",
            "2023-03-20T16:30:00+07:00",
        ),
        (
            "2024-M01",
            "monthly",
            Some(2024),
            Some(1),
            "Báo cáo CCHC tháng 1/2024",
            "2024-01-19T16:30:00+07:00",
        ),
        (
            "2023-Q2",
            "quarterly",
            Some(2023),
            Some(2),
            "Báo cáo CCHC quý II/2023",
            "2023-06-20T16:30:00+07:00",
        ),
        (
            "2025-NAM",
            "annual",
            Some(2025),
            None,
            "Báo cáo CCHC năm 2025",
            "2025-12-19T16:30:00+07:00",
        ),
    ];
    for (code, frequency, year, sequence, title, deadline) in specs {
        create(
            &app,
            with(
                period(code, frequency, year, sequence),
                json!({"title": title, "deadline": deadline}),
            ),
        )
        .await;
    }
    let q2 = app.get("/api/v1/periods?q=2023-Q2").await.expect(200)["items"][0]["id"]
        .as_i64()
        .expect("id");
    app.post(&format!("/api/v1/periods/{q2}/open"), json!({}))
        .await
        .expect(200);

    let all = app.get("/api/v1/periods").await.expect(200);
    assert_eq!(all["total"], 4);
    assert_eq!(all["page"], 1);
    assert_eq!(all["per_page"], 50);
    assert_eq!(
        codes(&all["items"], "code"),
        vec!["2025-NAM", "2024-M01", "2023-Q2", "2023-Q1"]
    );
    let summary = &all["items"][2];
    assert_eq!(summary["status"], "open");
    assert_eq!(summary["indicator_count"], 2);
    assert_eq!(summary["unit_count"], 2);
    assert_eq!(
        summary["data_window"],
        json!({"data_from": "2023-03-15", "data_to": "2023-06-14", "source": "decree_09"})
    );
    assert_eq!(
        summary["deadline"]["effective"],
        "2023-06-20T16:30:00+07:00"
    );
    assert!(
        summary.get("indicators").is_none(),
        "summaries carry counts only"
    );

    let page = app
        .get("/api/v1/periods?per_page=1&page=2")
        .await
        .expect(200);
    assert_eq!(codes(&page["items"], "code"), vec!["2024-M01"]);
    assert_eq!(page["total"], 4);
    assert_eq!(page["page"], 2);
    assert_eq!(page["per_page"], 1);
    let beyond = app
        .get("/api/v1/periods?per_page=3&page=2")
        .await
        .expect(200);
    assert_eq!(codes(&beyond["items"], "code"), vec!["2023-Q1"]);
    let past_end = app
        .get("/api/v1/periods?per_page=3&page=3")
        .await
        .expect(200);
    assert_eq!(past_end["items"], json!([]));
    assert_eq!(past_end["total"], 4);

    let filtered = |query: &'static str| {
        let app = &app;
        async move {
            let page = app
                .get(&format!("/api/v1/periods?{query}"))
                .await
                .expect(200);
            assert_eq!(
                page["total"].as_u64().unwrap() as usize,
                page["items"].as_array().unwrap().len(),
                "{query}"
            );
            codes(&page["items"], "code")
        }
    };
    assert_eq!(filtered("status=open").await, vec!["2023-Q2"]);
    assert_eq!(
        filtered("status=draft").await,
        vec!["2025-NAM", "2024-M01", "2023-Q1"]
    );
    assert_eq!(filtered("status=closed").await, Vec::<String>::new());
    assert_eq!(
        filtered("frequency=quarterly").await,
        vec!["2023-Q2", "2023-Q1"]
    );
    assert_eq!(filtered("year=2023").await, vec!["2023-Q2", "2023-Q1"]);
    assert_eq!(filtered("year=2023&status=draft").await, vec!["2023-Q1"]);
    assert_eq!(filtered("q=nam").await, vec!["2025-NAM"]);
    assert_eq!(filtered("q=m01").await, vec!["2024-M01"]);
    assert_eq!(filtered("q=th%C3%A1ng").await, vec!["2024-M01"]);
    // Case-insensitive beyond ASCII too: THÁNG.
    assert_eq!(filtered("q=TH%C3%81NG").await, vec!["2024-M01"]);
    assert_eq!(
        filtered("q=CCHC%20qu%C3%BD").await,
        vec!["2023-Q2", "2023-Q1"]
    );
    assert_eq!(filtered("q=%25").await, Vec::<String>::new());
    assert_eq!(filtered("report_type=ad_hoc").await, Vec::<String>::new());

    // Equal deadlines: the later created first, on every page.
    for code in ["SAME-A", "SAME-B"] {
        create(
            &app,
            with(
                period(code, "annual", Some(2024), None),
                json!({"deadline": "2025-01-10T16:30:00+07:00"}),
            ),
        )
        .await;
    }
    let first = app
        .get("/api/v1/periods?q=SAME&per_page=1&page=1")
        .await
        .expect(200);
    let second = app
        .get("/api/v1/periods?q=SAME&per_page=1&page=2")
        .await
        .expect(200);
    assert_eq!(codes(&first["items"], "code"), vec!["SAME-B"]);
    assert_eq!(codes(&second["items"], "code"), vec!["SAME-A"]);

    let problem = app
        .get("/api/v1/periods?per_page=500")
        .await
        .problem(422, "validation_failed");
    assert_eq!(Answer::fields(&problem), vec!["per_page"]);
    let problem = app
        .get("/api/v1/periods?page=0")
        .await
        .problem(422, "validation_failed");
    assert_eq!(Answer::fields(&problem), vec!["page"]);
    let problem = app
        .get("/api/v1/periods?per_page=0&page=-1")
        .await
        .problem(422, "validation_failed");
    assert_eq!(Answer::fields(&problem), vec!["page", "per_page"]);
    let problem = app
        .get("/api/v1/periods?status=archived")
        .await
        .problem(400, "invalid_query");
    assert_eq!(Answer::fields(&problem), vec!["status"]);
}
