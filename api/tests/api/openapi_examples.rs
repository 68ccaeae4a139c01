//! The request bodies the document shows are ones the service takes: each create operation's
//! example (what Swagger UI prefills for "Try it out") is sent, as it is, to an API with the
//! demo data, and must not be refused as malformed (400) or invalid (422). They are sent in
//! the document's order, so the document that `POST /api/v1/documents` registers (id 1) is
//! there for the task of `POST /api/v1/tasks` that cites it.

use serde_json::Value;

use crate::common::TestApp;

/// The example of a JSON request body: the media type's own, else its schema's.
fn request_example<'a>(doc: &'a Value, operation: &'a Value) -> Option<&'a Value> {
    let content = operation.pointer("/requestBody/content/application~1json")?;
    if let Some(example) = content.get("example") {
        return Some(example);
    }
    let schema = &content["schema"];
    let schema = match schema["$ref"].as_str() {
        Some(reference) => doc.pointer(reference.strip_prefix('#')?)?,
        None => schema,
    };
    schema.get("example")
}

#[actix_web::test]
async fn the_create_operations_take_their_documented_examples() {
    let app = TestApp::spawn().await;
    {
        let mut conn = app.state.pool.get().await.expect("a connection");
        cchc_app::demo::load(&mut conn, &app.state.config.default_policy)
            .await
            .expect("the demo data");
    }
    let doc: Value = serde_json::from_str(&cchc_api::app::openapi_json()).expect("JSON");
    let mut sent = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        // The create operations: a POST on a collection with a JSON body.
        let Some(operation) = item.get("post") else {
            continue;
        };
        if path.contains('{')
            || operation
                .pointer("/requestBody/content/application~1json")
                .is_none()
        {
            continue;
        }
        let id = operation["operationId"].as_str().unwrap_or_default();
        let example = request_example(&doc, operation)
            .unwrap_or_else(|| panic!("{id} (POST {path}) shows no request example"));
        let answer = app.post(path, example.clone()).await;
        let status = answer.status.as_u16();
        assert!(
            status != 400 && status != 422,
            "{id} (POST {path}) refuses its own example {example:#} with {status}: {:#}",
            answer.body
        );
        sent.push(id.to_owned());
    }
    assert!(sent.len() >= 10, "only {sent:?}");
}
