//! Inbound QLVB events through the HTTP API, sent by the fake QLVB with real signatures:
//! signature and clock skew, idempotent replays, matching to units' reports (by unit code, by
//! QLVB agency code, as a reply to the request letter), the unmatched inbox, files downloaded
//! or inline, and failures that leave nothing behind.
//!
//! Fixture: units QLCN (QLVB code 000.00.12.H56) and KHTC take part in the open period 2026-Q4,
//! whose request letter 3394/SCT-VP is registered; an integration token with its secret.

use base64::Engine;
use cchc_app::config::Config;
use cchc_domain::clock::Clock;
use cchc_domain::model::token::Role;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde_json::{json, Value};

use crate::common::{
    config_of, errors, loopback_config, pairs, pdf, Answer, TestApp, LOOPBACK_ALLOWED,
};
use crate::documents::period_scene;
use cchc_testkit::fake_qlvb::FakeQlvb;

const EVENTS: &str = "/api/v1/integrations/qlvb/events";

pub struct Scene {
    pub app: TestApp,
    pub qlvb: FakeQlvb,
    token: String,
    secret: String,
    pub period: i64,
}

/// The fixture on an app with `config`; the fake QLVB is on loopback, so its files are
/// downloaded only if the configuration allows loopback ([`LOOPBACK_ALLOWED`]).
pub async fn scene_with(config: Config) -> Scene {
    let app = TestApp::spawn_with(config).await;
    let qlvb = FakeQlvb::start();
    let period = period_scene(&app).await;
    let qlcn = app.get("/api/v1/units?q=QLCN").await.expect(200)["items"][0]["id"]
        .as_i64()
        .unwrap();
    app.patch(
        &format!("/api/v1/units/{qlcn}"),
        json!({"qlvb_code": "000.00.12.H56"}),
    )
    .await
    .expect(200);
    let letter = app
        .post(
            "/api/v1/documents",
            json!({
                "number": "3394/SCT-VP",
                "issued_on": "2026-11-02",
                "issuing_agency": "Sở Công Thương",
                "subject": "V/v báo cáo kết quả công tác cải cách hành chính Quý IV năm 2026",
                "direction": "outgoing",
            }),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    app.post(
        &format!("/api/v1/documents/{letter}/link"),
        json!({"period_id": period, "role": "request_letter"}),
    )
    .await
    .expect(200);
    let created = app
        .post(
            "/api/v1/tokens",
            json!({"name": "QLVB tỉnh Khánh Hòa", "role": "integration"}),
        )
        .await
        .expect(201);
    Scene {
        token: created["secret"].as_str().unwrap().to_owned(),
        secret: created["signing_secret"].as_str().unwrap().to_owned(),
        app,
        qlvb,
        period,
    }
}

async fn scene() -> Scene {
    scene_with(loopback_config()).await
}

impl Scene {
    fn now(&self) -> i64 {
        self.app.clock.now().timestamp()
    }

    async fn send_at(&self, body: &Value, timestamp: i64) -> Answer {
        TestApp::send(FakeQlvb::signed_event(
            &self.app.client,
            &format!("{}{EVENTS}", self.app.base_url),
            &self.token,
            &self.secret,
            timestamp,
            body,
        ))
        .await
    }

    pub async fn send(&self, body: &Value) -> Answer {
        self.send_at(body, self.now()).await
    }

    pub async fn count(&self, table: &str) -> i64 {
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut conn = self.app.state.pool.get().await.unwrap();
        diesel::sql_query(format!("SELECT count(*) AS n FROM {table}"))
            .get_result::<N>(&mut *conn)
            .await
            .unwrap()
            .n
    }

    pub fn stored_objects(&self) -> usize {
        let dir = self.app.files_dir().join("documents");
        std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
    }
}

/// A `document.received` event for the unit's report 12/BC-QLCN with these extra fields.
pub fn received(id: &str, extra: Value) -> Value {
    let mut document = json!({
        "number": "12/BC-QLCN",
        "issued_on": "2026-12-10",
        "issuing_agency": "Phòng Quản lý Công nghiệp",
        "subject": "Báo cáo kết quả công tác cải cách hành chính Quý IV năm 2026",
        "signer": "Nguyễn Văn Minh",
    });
    for (key, value) in extra.as_object().unwrap() {
        document[key] = value.clone();
    }
    json!({
        "id": id,
        "type": "document.received",
        "occurred_at": "2026-12-10T10:15:00+07:00",
        "data": {"document": document},
    })
}

#[actix_web::test]
async fn events_must_be_signed_recently_with_the_integrations_secret() {
    let s = scene().await;
    let body = received(
        "evt-sig",
        json!({"sender": {"unit_code": "QLCN"}, "period_code": "2026-Q4"}),
    );
    // Too old and too far ahead.
    let problem = s
        .send_at(&body, s.now() - 301)
        .await
        .problem(401, "signature_expired");
    assert!(problem["detail"].as_str().unwrap().contains("301 s"));
    s.send_at(&body, s.now() + 400)
        .await
        .problem(401, "signature_expired");
    // Signed with another secret.
    let forged = TestApp::send(FakeQlvb::signed_event(
        &s.app.client,
        &format!("{}{EVENTS}", s.app.base_url),
        &s.token,
        "whsec_not-the-secret",
        s.now(),
        &body,
    ))
    .await
    .problem(401, "invalid_signature");
    assert!(forged["detail"]
        .as_str()
        .unwrap()
        .contains("does not match"));
    // A body changed after signing.
    let bytes = serde_json::to_vec(&body).unwrap();
    let signature = cchc_domain::rules::signature::sign(s.secret.as_bytes(), s.now(), &bytes);
    let mut tampered = bytes.clone();
    tampered.extend_from_slice(b" ");
    let request = |sig: Option<&str>, ts: Option<String>, payload: Vec<u8>| {
        let mut r = s
            .app
            .client
            .post(format!("{}{EVENTS}", s.app.base_url))
            .bearer_auth(&s.token)
            .header("content-type", "application/json")
            .body(payload);
        if let Some(sig) = sig {
            r = r.header("X-CCHC-Signature", sig.to_owned());
        }
        if let Some(ts) = ts {
            r = r.header("X-CCHC-Timestamp", ts);
        }
        r
    };
    TestApp::send(request(
        Some(&signature),
        Some(s.now().to_string()),
        tampered,
    ))
    .await
    .problem(401, "invalid_signature");
    let missing = TestApp::send(request(None, Some(s.now().to_string()), bytes.clone()))
        .await
        .problem(401, "invalid_signature");
    assert!(missing["detail"]
        .as_str()
        .unwrap()
        .contains("X-CCHC-Signature"));
    TestApp::send(request(Some(&signature), None, bytes.clone()))
        .await
        .problem(401, "invalid_signature");
    // Other roles may not send events at all.
    let admin_try = TestApp::send(FakeQlvb::signed_event(
        &s.app.client,
        &format!("{}{EVENTS}", s.app.base_url),
        &s.app.admin,
        &s.secret,
        s.now(),
        &body,
    ))
    .await;
    admin_try.problem(403, "forbidden");
    assert_eq!(s.count("documents").await, 1, "only the request letter");
    assert_eq!(s.count("qlvb_events").await, 0);

    // Properly signed: accepted. After a rotation, the old secret no longer works.
    s.send(&body).await.expect(201);
    let id = s
        .app
        .get("/api/v1/tokens?role=integration")
        .await
        .expect(200)["items"][0]["id"]
        .as_i64()
        .unwrap();
    s.app
        .post(&format!("/api/v1/tokens/{id}/signing-secret"), json!({}))
        .await
        .expect(200);
    s.send(&received("evt-after-rotation", json!({})))
        .await
        .problem(401, "invalid_signature");
}

#[actix_web::test]
async fn the_same_event_twice_is_answered_as_before_with_no_second_effect() {
    let s = scene().await;
    let url = s.qlvb.serve("12-BC-QLCN.pdf", &pdf());
    let body = received(
        "evt-1",
        json!({
            "sender": {"unit_code": "QLCN"},
            "period_code": "2026-Q4",
            "files": [{"filename": "12-BC-QLCN.pdf", "url": url}],
        }),
    );
    let first = s.send(&body).await;
    assert!(first.headers.get("idempotent-replayed").is_none());
    let first = first.expect(201);
    assert_eq!(first["files_added"], 1);
    let audit_before = s.count("audit_events").await;
    let again = s.send(&body).await;
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(again.expect(201), first);
    assert_eq!(s.qlvb.file_downloads(), 1, "no second download");
    assert_eq!(s.count("documents").await, 2);
    assert_eq!(s.count("document_files").await, 1);
    assert_eq!(s.count("audit_events").await, audit_before);
    assert_eq!(s.stored_objects(), 1);

    // The same id with another body is a mistake or an attack.
    let mut changed = body.clone();
    changed["data"]["document"]["subject"] = json!("Báo cáo khác");
    let problem = s.send(&changed).await.problem(409, "event_id_reused");
    assert_eq!(errors(&problem), pairs(&[("id", "event_id_reused")]));

    // Two deliveries at the same moment: one document, both answered alike.
    let body = received(
        "evt-2",
        json!({"number": "13/BC-QLCN", "sender": {"unit_code": "KHTC"}, "period_code": "2026-Q4"}),
    );
    let (a, b) = futures_util::join!(s.send(&body), s.send(&body));
    let (a, b) = (a.expect(201), b.expect(201));
    assert_eq!(a, b);
    assert_eq!(s.count("documents").await, 3);
    assert_eq!(s.count("qlvb_events").await, 2);
}

#[actix_web::test]
async fn a_report_is_matched_by_unit_code_and_shown_as_delivered_through_qlvb() {
    let s = scene().await;
    let answer = s
        .send(&received(
            "evt-unit",
            json!({"sender": {"unit_code": "QLCN"}, "period_code": "2026-Q4"}),
        ))
        .await;
    let location = answer.headers["location"].to_str().unwrap().to_owned();
    let answer = answer.expect(201);
    assert_eq!(answer["type"], "document.received");
    assert_eq!(answer["document"]["number"], "12/BC-QLCN");
    assert_eq!(answer["document"]["status"], "linked");
    assert_eq!(answer["document"]["url"], location);
    assert_eq!(answer["already_registered"], false);
    assert_eq!(answer["match"]["matched"], true);
    assert_eq!(answer["match"]["unit_code"], "QLCN");
    assert_eq!(answer["match"]["period_code"], "2026-Q4");
    let submission = answer["match"]["submission_id"].as_i64().unwrap();
    let shown = s
        .app
        .get(&format!("/api/v1/submissions/{submission}"))
        .await
        .expect(200);
    assert_eq!(shown["unit_code"], "QLCN");
    assert_eq!(shown["status"], "draft", "created for the report");
    assert_eq!(shown["official_documents"][0]["number"], "12/BC-QLCN");
    assert_eq!(shown["official_documents"][0]["source"], "qlvb");
    assert_eq!(shown["delivered_via_qlvb_at"], "2026-11-20T09:00:00+07:00");
    let document = s.app.get(&location).await.expect(200);
    assert_eq!(document["direction"], "incoming");
    assert_eq!(document["source"], "qlvb");
    assert_eq!(document["links"][0]["unit_code"], "QLCN");
    // The unit's reporter sees it now.
    let reporter = s.app.token(Role::Reporter, Some("QLCN")).await;
    s.app.get_as(&reporter, &location).await.expect(200);
    // Audited as the integration.
    let trail = s
        .app
        .get(&format!(
            "/api/v1/audit?entity_type=document&entity_id={}",
            answer["document"]["id"]
        ))
        .await
        .expect(200);
    let actions: Vec<&str> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["linked", "created"]);
    assert_eq!(trail["items"][0]["actor"]["role"], "integration");
}

#[actix_web::test]
async fn a_report_is_matched_by_agency_code_or_as_a_reply_to_the_request_letter() {
    let s = scene().await;
    let by_agency = s
        .send(&received(
            "evt-agency",
            json!({"sender": {"agency_code": "000.00.12.H56"}, "period_code": "2026-Q4"}),
        ))
        .await
        .expect(201);
    assert_eq!(by_agency["match"]["matched"], true);
    assert_eq!(by_agency["match"]["unit_code"], "QLCN");

    let by_reply = s
        .send(&received(
            "evt-reply",
            json!({"number": "45/BC-KHTC", "issuing_agency": "Phòng Kế hoạch – Tài chính", "sender": {"unit_code": "KHTC"}, "in_reply_to": "3394/SCT-VP"}),
        ))
        .await
        .expect(201);
    assert_eq!(by_reply["match"]["matched"], true);
    assert_eq!(by_reply["match"]["unit_code"], "KHTC");
    assert_eq!(by_reply["match"]["period_code"], "2026-Q4");
    let listed = s
        .app
        .get(&format!("/api/v1/documents?period_id={}", s.period))
        .await
        .expect(200);
    assert_eq!(listed["total"], 3, "the letter and both reports");
}

#[actix_web::test]
async fn an_unmatched_document_waits_in_the_inbox_until_the_office_links_it() {
    let s = scene().await;
    let cases = [
        (json!({}), "names no sender"),
        (
            json!({"sender": {"unit_code": "QLTM"}, "period_code": "2026-Q4"}),
            "does not take part",
        ),
        (
            json!({"sender": {"agency_code": "000.00.99.H56"}, "period_code": "2026-Q4"}),
            "no unit has agency_code",
        ),
        (
            json!({"sender": {"unit_code": "QLCN"}, "in_reply_to": "9999/SCT-VP"}),
            "not a registered document",
        ),
        (
            json!({"sender": {"unit_code": "QLCN"}, "period_code": "2027-Q1"}),
            "no period has code",
        ),
    ];
    let mut ids = Vec::new();
    for (i, (extra, why)) in cases.into_iter().enumerate() {
        let mut body = received(&format!("evt-u{i}"), extra);
        body["data"]["document"]["number"] = json!(format!("{}/BC-QLCN", 20 + i));
        let answer = s.send(&body).await.expect(201);
        assert_eq!(answer["match"]["matched"], false);
        assert_eq!(answer["document"]["status"], "unmatched");
        let reason = answer["match"]["reason"].as_str().unwrap();
        assert!(reason.contains(why), "{reason:?} should say {why:?}");
        ids.push(answer["document"]["id"].as_i64().unwrap());
    }
    let inbox = s
        .app
        .get("/api/v1/documents?status=unmatched")
        .await
        .expect(200);
    assert_eq!(inbox["total"], 5);
    let linked = s
        .app
        .post(
            &format!("/api/v1/documents/{}/link", ids[0]),
            json!({"unit_code": "QLCN", "period_code": "2026-Q4"}),
        )
        .await
        .expect(200);
    assert_eq!(linked["status"], "linked");
    let inbox = s
        .app
        .get("/api/v1/documents?status=unmatched")
        .await
        .expect(200);
    assert_eq!(inbox["total"], 4);
    let submission = linked["links"][0]["submission_id"].as_i64().unwrap();
    let shown = s
        .app
        .get(&format!("/api/v1/submissions/{submission}"))
        .await
        .expect(200);
    assert_eq!(shown["delivered_via_qlvb_at"], "2026-11-20T09:00:00+07:00");
}

#[actix_web::test]
async fn files_come_by_url_or_inline_within_the_limits() {
    let config = config_of(&[LOOPBACK_ALLOWED, ("CCHC_QLVB_MAX_INLINE_BYTES", "4096")]);
    let s = scene_with(config).await;
    let base64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let url = s.qlvb.serve("bao-cao.pdf", &pdf());
    let mut scanned = pdf();
    scanned.extend_from_slice(b"% scanned copy\n");
    let answer = s
        .send(&received(
            "evt-files",
            json!({"files": [
                {"filename": "bao-cao.pdf", "url": url},
                {"filename": "ban-chup.pdf", "content_base64": base64(&scanned)},
            ]}),
        ))
        .await
        .expect(201);
    assert_eq!(answer["files_added"], 2);
    let document = s
        .app
        .get(answer["document"]["url"].as_str().unwrap())
        .await
        .expect(200);
    let files = document["files"].as_array().unwrap();
    assert_eq!(files[0]["filename"], "bao-cao.pdf");
    assert_eq!(files[1]["filename"], "ban-chup.pdf");
    let bytes = s
        .app
        .client
        .get(format!(
            "{}{}",
            s.app.base_url,
            files[1]["download_url"].as_str().unwrap()
        ))
        .bearer_auth(&s.app.admin)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(bytes.to_vec(), scanned);

    // Over the inline limit: refused naming the file, nothing recorded.
    let big = vec![b'%'; 5000];
    let problem = s
        .send(&received(
            "evt-big",
            json!({"number": "30/BC-QLCN", "files": [{"filename": "lon.pdf", "content_base64": base64(&big)}]}),
        ))
        .await
        .problem(413, "file_too_large");
    assert_eq!(
        errors(&problem),
        pairs(&[("data.document.files[0].content_base64", "too_large")])
    );
    // Not a document's type, or neither or both sources.
    let problem = s
        .send(&received(
            "evt-txt",
            json!({"number": "31/BC-QLCN", "files": [{"filename": "a.txt", "content_base64": base64(b"plain text")}]}),
        ))
        .await
        .problem(415, "unsupported_file_type");
    assert_eq!(
        errors(&problem),
        pairs(&[(
            "data.document.files[0].content_base64",
            "unsupported_file_type"
        )])
    );
    let problem = s
        .send(&received(
            "evt-none",
            json!({"number": "32/BC-QLCN", "files": [{"filename": "a.pdf"}, {"filename": "b.pdf", "url": "ftp://x/b.pdf"}]}),
        ))
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[
            ("data.document.files[0]", "one_source"),
            ("data.document.files[1].url", "invalid_url")
        ])
    );
    // An invalid number says why.
    let problem = s
        .send(&received("evt-num", json!({"number": "BC-QLCN"})))
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[("data.document.number", "invalid_document_number")])
    );
    assert_eq!(s.count("documents").await, 2);
    assert_eq!(s.count("qlvb_events").await, 1);
}

#[actix_web::test]
async fn a_failed_download_leaves_nothing_behind_and_the_event_can_be_sent_again() {
    let s = scene().await;
    let good = s.qlvb.serve("phu-luc.pdf", &pdf());
    let missing = format!("{}/files/chua-co.pdf", s.qlvb.base_url);
    let body = received(
        "evt-dl",
        json!({"sender": {"unit_code": "QLCN"}, "period_code": "2026-Q4", "files": [
            {"filename": "phu-luc.pdf", "url": good},
            {"filename": "bao-cao.pdf", "url": missing},
        ]}),
    );
    let problem = s.send(&body).await.problem(502, "file_download_failed");
    assert_eq!(
        errors(&problem),
        pairs(&[("data.document.files[1].url", "download_failed")])
    );
    // The same words as for any other failure (the 404 is in the server's log).
    assert_eq!(
        problem["detail"],
        "data.document.files[1].url: the file could not be downloaded; nothing was recorded, send the event again"
    );
    assert_eq!(s.count("documents").await, 1, "only the request letter");
    assert_eq!(s.count("document_files").await, 0);
    assert_eq!(s.count("qlvb_events").await, 0);
    assert_eq!(s.count("submissions").await, 0);
    assert_eq!(s.stored_objects(), 0);
    // An unreachable server too.
    let mut unreachable = body.clone();
    unreachable["id"] = json!("evt-dl-2");
    unreachable["data"]["document"]["files"][1]["url"] = json!("http://127.0.0.1:9/none.pdf");
    s.send(&unreachable)
        .await
        .problem(502, "file_download_failed");

    // Once QLVB has the file, the same event goes through.
    s.qlvb.serve("chua-co.pdf", &pdf_variant());
    let answer = s.send(&body).await.expect(201);
    assert_eq!(answer["files_added"], 2);
    assert_eq!(s.stored_objects(), 2);
}

fn pdf_variant() -> Vec<u8> {
    let mut bytes = pdf();
    bytes.extend_from_slice(b"% signed copy\n");
    bytes
}

#[actix_web::test]
async fn issued_documents_are_registered_and_a_number_sent_again_adds_files() {
    let s = scene().await;
    let issued = json!({
        "id": "evt-issued",
        "type": "document.issued",
        "occurred_at": "2026-11-20T08:00:00+07:00",
        "data": {"document": {
            "number": "3500/SCT-VP",
            "issued_on": "2026-11-19",
            "issuing_agency": "Sở Công Thương",
            "subject": "V/v đôn đốc báo cáo kết quả công tác cải cách hành chính",
            "signer": "Lê Thu Hải",
        }},
    });
    let answer = s.send(&issued).await.expect(201);
    assert_eq!(answer["match"], Value::Null);
    assert_eq!(answer["document"]["status"], "registered");
    let id = answer["document"]["id"].as_i64().unwrap();
    let document = s
        .app
        .get(&format!("/api/v1/documents/{id}"))
        .await
        .expect(200);
    assert_eq!(document["direction"], "outgoing");

    // The same number again under another event id, now with the signed copy.
    let mut again = issued.clone();
    again["id"] = json!("evt-issued-signed");
    again["data"]["document"]["files"] = json!([{"filename": "3500-SCT-VP.pdf", "content_base64": base64::engine::general_purpose::STANDARD.encode(pdf())}]);
    let answer = s.send(&again).await.expect(200);
    assert_eq!(answer["already_registered"], true);
    assert_eq!(answer["document"]["id"], id);
    assert_eq!(answer["files_added"], 1);
    // And once more with the same file under a third id: nothing new is stored.
    again["id"] = json!("evt-issued-signed-2");
    let answer = s.send(&again).await.expect(200);
    assert_eq!(answer["files_added"], 0);
    assert_eq!(s.count("document_files").await, 1);
    assert_eq!(s.stored_objects(), 1);

    // The header's event id must agree with the body's.
    let mut other = issued.clone();
    other["id"] = json!("evt-x");
    let bytes = serde_json::to_vec(&other).unwrap();
    let request = s
        .app
        .client
        .post(format!("{}{EVENTS}", s.app.base_url))
        .bearer_auth(&s.token)
        .header("content-type", "application/json")
        .header("X-CCHC-Timestamp", s.now().to_string())
        .header(
            "X-CCHC-Signature",
            cchc_domain::rules::signature::sign(s.secret.as_bytes(), s.now(), &bytes),
        )
        .header("X-CCHC-Event-Id", "evt-y")
        .body(bytes);
    let problem = TestApp::send(request)
        .await
        .problem(422, "validation_failed");
    assert_eq!(errors(&problem), pairs(&[("id", "event_id_mismatch")]));
}
