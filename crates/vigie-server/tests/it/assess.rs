//! `POST /api/v1/assess`: every case of the assessments contract and of Vigie's own cases
//! (vigie-core's fixtures) through the API, errors naming the field, and who may ask.

use crate::common::*;

const CASES: [&str; 2] = [
    include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../vigie-core/tests/fixtures/assessments.jsonl"
    )),
    include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../vigie-core/tests/fixtures/assessments_more.jsonl"
    )),
];

both_stores! {
    async fn assess_agrees_with_every_case(app) {
        let mut n = 0;
        for line in CASES.iter().flat_map(|f| f.lines()).filter(|l| !l.trim().is_empty()) {
            let case: Value = serde_json::from_str(line).unwrap();
            let a = app.json(Method::POST, "/api/v1/assess", &case["request"]).await;
            let expect = case["expect"].as_object().unwrap();
            if expect.contains_key("error") {
                let body = a.json();
                assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}: {}", case["name"], a.text);
                assert!(body["error"]["code"].is_string() && body["error"]["message"].is_string(), "{}", a.text);
            } else {
                assert_eq!(a.status, StatusCode::OK, "{}: {}", case["name"], a.text);
                let got = a.json();
                for (k, v) in expect {
                    assert_eq!(&got[k], v, "{}: {k}", case["name"]);
                }
            }
            n += 1;
        }
        assert!(n >= 60, "{n} cases read");
    }

    async fn assess_names_the_field_and_speaks_english_when_asked(app) {
        let bad = json!({"kind": "dpia", "criteria": ["large_scale", "profiling"]});
        app.json(Method::POST, "/api/v1/assess", &bad).await.field_error(400, "invalid_field", "criteria[1]");
        let bad = json!({"kind": "transfer", "at": "2026-12-04", "country": "UK"});
        app.json(Method::POST, "/api/v1/assess", &bad).await.field_error(400, "invalid_field", "country");
        let bad = json!({"kind": "dsar_deadline", "received_on": "2026-01-31", "extension_months": 3});
        app.json(Method::POST, "/api/v1/assess", &bad).await.field_error(400, "invalid_field", "extension_months");
        let bad = json!({"kind": "transfer", "at": "2026-12-04"});
        app.json(Method::POST, "/api/v1/assess", &bad).await.field_error(400, "missing_field", "country");
        app.raw(Method::POST, "/api/v1/assess", "{").await.error(400, "invalid_json");

        let request = json!({"kind": "transfer", "at": "2026-12-04", "country": "TN", "safeguard": null});
        let fr = app.json(Method::POST, "/api/v1/assess", &request).await.json();
        let en = app.send(app.req(Method::POST, "/api/v1/assess").header("accept-language", "en").json(&request)).await.json();
        assert_eq!(fr["code"], "NO_SAFEGUARD");
        assert_eq!(en["code"], "NO_SAFEGUARD");
        assert_ne!(fr["explanation"], en["explanation"]);
        // Signed-in callers only.
        let a = app.send(app.anonymous(Method::POST, "/api/v1/assess").json(&request)).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
        let doc = app.get("/api/openapi.json").await.json();
        assert!(doc["paths"]["/api/v1/assess"]["post"].is_object());
    }
}
