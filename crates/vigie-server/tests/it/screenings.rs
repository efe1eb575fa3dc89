//! Bulk screening over HTTP.

use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::common::*;

/// Screening requests.
impl TestApp {
    /// Uploads a multipart body made of `parts` (name, file name, content).
    async fn upload(&self, parts: &[(&str, Option<&str>, &[u8])]) -> Answer {
        self.send(
            self.req(Method::POST, "/api/v1/screenings")
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(multipart(parts)),
        )
        .await
    }

    /// Uploads a campaign and a targets file; returns the job (202).
    pub(crate) async fn screen(&self, campaign: &str, targets: &[u8]) -> Value {
        let a = self
            .upload(&[
                ("campaign", None, campaign.as_bytes()),
                ("targets", Some("targets.csv"), targets),
            ])
            .await;
        assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.text);
        let job = a.json();
        assert_eq!(
            a.header("location"),
            format!("/api/v1/screenings/{}", job["id"].as_str().unwrap())
        );
        job
    }

    /// Polls a job until it is done or failed.
    pub(crate) async fn wait(&self, job: &Value) -> Value {
        let url = job["links"]["self"].as_str().unwrap().to_owned();
        for _ in 0..600 {
            let a = self.get(&url).await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.text);
            let job = a.json();
            match job["status"].as_str().unwrap() {
                "queued" | "running" => tokio::time::sleep(Duration::from_millis(50)).await,
                "done" | "failed" => return job,
                other => panic!("unknown status {other:?}: {job}"),
            }
        }
        panic!("the screening did not finish in 30 s");
    }
}

pub(crate) const BOUNDARY: &str = "vigie-test-boundary-7MA4YWxkTrZu0gW";

pub(crate) fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file_name, content) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match file_name {
            Some(f) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\n\
                     Content-Type: text/csv\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"\r\n\
                     Content-Type: application/json\r\n\r\n"
                )
                .as_bytes(),
            ),
        }
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub(crate) const CAMPAIGN: &str = r#"{"jurisdiction": "FR", "purpose": "marketing", "product_category": "optics",
    "sender": "Optique Lumière SAS", "channel": "email", "at": "2026-11-24T10:30:00+01:00",
    "name": "Black Friday"}"#;

/// A consented contact, a contact without consent, an unknown one, an invalid identifier.
pub(crate) const TARGETS: &[u8] = b"email,first_name\n\
    \"  Marie.Martin@Orange.FR \",Marie\n\
    paul.durand@example.fr,Paul\n\
    nobody@example.com,Nobody\n\
    not-an-email,Bad\n";

/// The base: Marie (consent to e-mail marketing, double opt-in) and Paul (no consent).
pub(crate) async fn small_base(app: &TestApp) {
    app.create(json!({
        "contact_ref": "C001", "email": "marie.martin@orange.fr", "phone": "06 12 34 56 78",
        "audience": "consumer", "customer": true, "customer_categories": ["optics"],
        "collected_at": "2025-06-01T09:00:00Z", "informed": true, "objection_offered": true
    }))
    .await;
    let a = app
        .event(
            "C001",
            json!({"channel": "email", "purpose": "marketing", "action": "grant",
                   "at": "2026-01-10T08:00:00Z", "method": "double_opt_in"}),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    app.create(json!({
        "contact_ref": "C002", "email": "paul.durand@example.fr", "audience": "consumer",
        "collected_at": "2025-06-01T09:00:00Z", "informed": true, "objection_offered": true
    }))
    .await;
}

/// The single-contact decision of the API, for the campaign.
async fn single_decision(app: &TestApp, contact_ref: &str) -> (String, String) {
    let a = app
        .get(&format!(
            "/api/v1/contacts/{contact_ref}/decision?channel=email&purpose=marketing\
             &at=2026-11-24T10:30:00%2B01:00&product_category=optics"
        ))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let d = a.json();
    (
        d["decision"].as_str().unwrap().to_owned(),
        d["code"].as_str().unwrap().to_owned(),
    )
}

// ------------------------------------------------------------------------------- the tests

both_stores! {
    async fn a_list_is_screened_downloaded_and_recorded(app) {
        small_base(&app).await;
        let job = app.screen(CAMPAIGN, TARGETS).await;
        assert!(["queued", "running"].contains(&job["status"].as_str().unwrap()), "{job}");
        assert_eq!(job["progress"]["total_bytes"], TARGETS.len());
        assert_eq!(job["input_name"], "targets.csv");
        assert_eq!(job["campaign_name"], "Black Friday");
        assert_eq!(job["channel"], "email");

        let done = app.wait(&job).await;
        assert_eq!(done["status"], "done", "{done}");
        assert_eq!(done["progress"]["rows"], 4, "{done}");
        assert_eq!(done["progress"]["bytes"], TARGETS.len(), "{done}");
        assert!(done["finished_at"].is_string() && done["started_at"].is_string(), "{done}");

        // The decisions: one line per data row, in order, the same as the one-contact decisions.
        let (marie, paul) = (single_decision(&app, "C001").await, single_decision(&app, "C002").await);
        assert_eq!(marie, ("allow".to_owned(), "CONSENT".to_owned()));
        assert_eq!(paul.0, "deny");
        let a = app.get(done["links"]["decisions"].as_str().unwrap()).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        assert!(a.header("content-type").starts_with("text/csv"), "{:?}", a.headers);
        assert!(a.header("content-disposition").contains("attachment"), "{:?}", a.headers);
        let expected = format!(
            "row,decision,code\n1,allow,CONSENT\n2,deny,{}\n3,deny,UNKNOWN_CONTACT\n4,deny,INVALID_IDENTIFIER\n",
            paul.1
        );
        assert_eq!(a.text, expected);

        // The summary, in the job and on its own.
        let summary = &done["summary"];
        let a = app.get(done["links"]["summary"].as_str().unwrap()).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        assert_eq!(&a.json(), summary);
        let trail = app.get("/api/v1/audit?limit=1000").await.json();
        let id = done["id"].as_str().unwrap();
        assert!(
            trail["entries"].as_array().unwrap().iter().any(|e| e["action"] == "screening.summary"
                && e["target"] == format!("screening:{id}")),
            "the summary read is in the trail: {trail}"
        );
        assert_eq!(summary["rows"], 4);
        assert_eq!(summary["allowed"], 1);
        assert_eq!(summary["denied"], 3);
        let mut counts = json!({"CONSENT": 1, "UNKNOWN_CONTACT": 1, "INVALID_IDENTIFIER": 1});
        counts[paul.1.as_str()] = json!(1);
        assert_eq!(summary["counts"], counts);
        assert_eq!(summary["rule_pack"], "FR-2026-08-11");
        assert_eq!(summary["input_sha256"], sha256_hex(TARGETS));
        assert_eq!(summary["output_sha256"], sha256_hex(expected.as_bytes()));
        assert_eq!(summary["input_bytes"], TARGETS.len());
        assert_eq!(summary["output_bytes"], expected.len());
        assert_eq!(summary["job_id"], done["id"]);

        // The proof record.
        let a = app.get("/api/v1/screenings").await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        let runs = a.json()["runs"].as_array().unwrap().clone();
        assert_eq!(runs.len(), 1, "{runs:?}");
        let run = &runs[0];
        assert_eq!(run["id"], summary["run_id"]);
        assert!(run["actor"].as_str().unwrap().starts_with("token:tok_"), "{run}");
        assert_eq!(run["campaign"], CAMPAIGN);
        assert_eq!(run["input_name"], "targets.csv");
        assert_eq!(run["input_sha256"], sha256_hex(TARGETS));
        assert_eq!(run["output_sha256"], sha256_hex(expected.as_bytes()));
        assert_eq!(run["rule_pack"], "FR-2026-08-11");
        assert_eq!((run["rows"].clone(), run["allowed"].clone(), run["denied"].clone()), (json!(4), json!(1), json!(3)));
        assert_eq!(run["counts"], counts);

        // A second run comes first in the list; the upload itself is gone from disk.
        let again = app.wait(&app.screen(CAMPAIGN, b"email\nmarie.martin@orange.fr\n").await).await;
        assert_eq!(again["status"], "done", "{again}");
        let runs = app.get("/api/v1/screenings").await.json()["runs"].as_array().unwrap().clone();
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0]["id"], again["summary"]["run_id"]);
        assert_eq!(app.get("/api/v1/screenings?limit=1").await.json()["runs"].as_array().unwrap().len(), 1);
        app.get("/api/v1/screenings?limit=0").await.field_error(400, "invalid_parameter", "limit");
        let leftovers: Vec<String> = std::fs::read_dir(&app.jobs_dir).unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.ends_with(".decisions.csv"))
            .collect();
        assert!(leftovers.is_empty(), "only decisions files stay: {leftovers:?}");
    }

    async fn another_organization_never_sees_a_job(app) {
        small_base(&app).await;
        app.store.create_org("other", "Other SARL").await.unwrap();
        let job = app.wait(&app.screen(CAMPAIGN, TARGETS).await).await;
        assert_eq!(job["status"], "done", "{job}");
        let id = job["id"].as_str().unwrap();
        for path in [
            format!("/api/v1/screenings/{id}"),
            format!("/api/v1/screenings/{id}/decisions"),
            format!("/api/v1/screenings/{id}/summary"),
        ] {
            app.get_as("other", &path).await.error(404, "not_found");
            assert_eq!(app.get_as("default", &path).await.status, StatusCode::OK, "{path}");
        }
        let a = app.get_as("other", "/api/v1/screenings").await;
        assert_eq!(a.json(), json!({"runs": []}));
        app.get_as("nope", "/api/v1/screenings").await.error(404, "unknown_organization");
    }

    async fn bad_uploads_are_refused_naming_the_field(app) {
        let targets = ("targets", Some("t.csv"), TARGETS);
        let with_campaign = |c: &'static str| [("campaign", None, c.as_bytes()), targets];

        let bad = CAMPAIGN.replace("\"email\"", "\"pigeon\"").leak();
        let body = app.upload(&with_campaign(bad)).await.field_error(400, "invalid_field", "campaign.channel");
        assert!(body["error"]["message"].as_str().unwrap().contains("pigeon"), "{body}");
        let bad = CAMPAIGN.replace("\"at\": \"2026-11-24T10:30:00+01:00\",", "").leak();
        app.upload(&with_campaign(bad)).await.field_error(400, "missing_field", "campaign.at");
        let bad = CAMPAIGN.replace("\"sender\"", "\"sendr\"").leak();
        app.upload(&with_campaign(bad)).await.field_error(400, "unknown_field", "campaign.sendr");
        let bad = CAMPAIGN.replace("\"2026-11-24T10:30:00+01:00\"", "\"tomorrow\"").leak();
        app.upload(&with_campaign(bad)).await.field_error(400, "invalid_field", "campaign.at");
        app.upload(&with_campaign("{")).await.field_error(400, "invalid_json", "campaign");

        // Missing, repeated, unknown parts.
        app.upload(&[targets]).await.field_error(400, "missing_part", "campaign");
        app.upload(&[("campaign", None, CAMPAIGN.as_bytes())]).await
            .field_error(400, "missing_part", "targets");
        app.upload(&[("campaign", None, CAMPAIGN.as_bytes()), targets, targets]).await
            .field_error(400, "duplicate_part", "targets");
        app.upload(&[("campaign", None, CAMPAIGN.as_bytes()), targets, ("extra", None, b"1")]).await
            .field_error(400, "unknown_part", "extra");
        app.upload(&[("campaign", None, CAMPAIGN.as_bytes()), ("targets", Some("t.csv"), b"")]).await
            .field_error(400, "invalid_targets", "targets");

        // Not multipart at all; a broken multipart body.
        let a = app.send(app.req(Method::POST, "/api/v1/screenings").json(&json!({"campaign": {}}))).await;
        a.error(415, "unsupported_media_type");
        let a = app.send(app.req(Method::POST, "/api/v1/screenings")
            .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
            .body(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"campaign\"\r\n\r\n{{}}"))).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text);
        assert!(a.header("content-type").starts_with("application/json"), "{}", a.text);

        // Unknown jobs.
        for path in ["/api/v1/screenings/0123456789abcdef0123456789abcdef",
                     "/api/v1/screenings/0123456789abcdef0123456789abcdef/decisions",
                     "/api/v1/screenings/nope/summary"] {
            app.get(path).await.error(404, "not_found");
        }
        // Nothing was screened, nothing recorded, no upload left behind.
        assert_eq!(app.get("/api/v1/screenings").await.json(), json!({"runs": []}));
        let files = std::fs::read_dir(&app.jobs_dir).map(|d| d.count()).unwrap_or(0);
        assert_eq!(files, 0);
    }

    async fn an_unreadable_list_fails_the_job(app) {
        let job = app.wait(&app.screen(CAMPAIGN, b"phone,name\n0612345678,Marie\n").await).await;
        assert_eq!(job["status"], "failed", "{job}");
        assert_eq!(job["error"]["code"], "invalid_targets", "{job}");
        let message = job["error"]["message"].as_str().unwrap();
        assert!(message.contains("email"), "{message}");
        assert!(job["summary"].is_null(), "{job}");
        let id = job["id"].as_str().unwrap();
        app.get(&format!("/api/v1/screenings/{id}/decisions")).await.error(409, "screening_failed");
        app.get(&format!("/api/v1/screenings/{id}/summary")).await.error(409, "screening_failed");
        assert_eq!(app.get("/api/v1/screenings").await.json(), json!({"runs": []}));
    }

    async fn large_lists_pass_the_upload_limit_of_this_route_only(app) {
        small_base(&app).await;
        // About 3 MiB, three times the limit of the JSON routes.
        let mut targets = b"email\n".to_vec();
        let mut rows = 0u64;
        while targets.len() < 3 << 20 {
            rows += 1;
            targets.extend_from_slice(format!("person.{rows}@example.com\n").as_bytes());
        }
        targets.extend_from_slice(b"marie.martin@orange.fr\n");
        rows += 1;
        let job = app.wait(&app.screen(CAMPAIGN, &targets).await).await;
        assert_eq!(job["status"], "done", "{job}");
        let summary = &job["summary"];
        assert_eq!(summary["rows"], rows);
        assert_eq!(summary["allowed"], 1);
        assert_eq!(summary["counts"]["UNKNOWN_CONTACT"], rows - 1);
        assert_eq!(summary["input_sha256"], sha256_hex(&targets));
        let a = app.get(job["links"]["decisions"].as_str().unwrap()).await;
        assert_eq!(a.status, StatusCode::OK);
        assert_eq!(a.text.lines().count() as u64, rows + 1);
        assert_eq!(a.header("content-length"), a.text.len().to_string());
        assert!(a.text.ends_with(&format!("\n{rows},allow,CONSENT\n")), "…{}", &a.text[a.text.len() - 80..]);
        assert_eq!(sha256_hex(a.text.as_bytes()), summary["output_sha256"].as_str().unwrap());

        // The JSON routes keep their 1 MiB limit.
        app.oversized_json_post("/api/v1/contacts").await.error(413, "payload_too_large");
    }

    async fn the_openapi_document_describes_screening(app) {
        let doc = app.get("/api/openapi.json").await.json();
        let paths = &doc["paths"];
        for (path, methods) in [
            ("/api/v1/screenings", &["get", "post"][..]),
            ("/api/v1/screenings/{id}", &["get"]),
            ("/api/v1/screenings/{id}/decisions", &["get"]),
            ("/api/v1/screenings/{id}/summary", &["get"]),
        ] {
            for m in methods {
                assert!(paths[path][m].is_object(), "{m} {path} missing from the OpenAPI document");
            }
        }
        let upload = &paths["/api/v1/screenings"]["post"]["requestBody"]["content"]["multipart/form-data"];
        assert!(upload["schema"]["properties"]["campaign"].is_object(), "{upload}");
        assert!(upload["schema"]["properties"]["targets"].is_object(), "{upload}");
        assert!(paths["/api/v1/screenings/{id}/decisions"]["get"]["responses"]["200"]["content"]["text/csv"].is_object());
        for s in ["ScreeningJobOut", "ScreeningSummaryOut", "ScreeningRunsOut", "ScreeningRunOut"] {
            assert!(doc["components"]["schemas"][s].is_object(), "schema {s} missing");
        }
    }
}
