//! The registers through the API: replace whole, change one record, read with the gaps, export;
//! roles (auditors and marketers read, only admins and DPOs change); every change audited once.

use vigie_core::Role;
use vigie_store::DEFAULT_ORG;

use crate::common::*;

const DEMO: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../vigie/src/demo_registers.yaml"
));

fn demo_json() -> Value {
    serde_json::to_value(vigie_core::registers::from_yaml(DEMO).unwrap()).unwrap()
}

async fn as_role(
    app: &TestApp,
    role: Role,
) -> impl Fn(Method, &str) -> reqwest::RequestBuilder + '_ {
    let (cookie, csrf) = signed_in(
        &app.store,
        &format!("{role}@example.org"),
        role,
        &[DEFAULT_ORG],
    )
    .await;
    move |method, path: &str| {
        app.anonymous(method, path)
            .header("cookie", cookie.clone())
            .header("x-csrf-token", csrf.clone())
    }
}

both_stores! {
    async fn registers_are_replaced_changed_read_and_exported(app) {
        app.get("/api/v1/registers").await.error(404, "not_found");
        let a = app.json(Method::PUT, "/api/v1/registers", &demo_json()).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        let body = a.json();
        assert_eq!(body["version"], 1);
        assert_eq!(body["registers"]["profile"]["legal_name"], "Optique Horizon SAS");
        let codes: Vec<String> = body["flags"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap().to_owned()).collect();
        assert!(codes.contains(&"MISSING_CLAUSE".to_owned()) && codes.contains(&"DPIA_UNSIGNED".to_owned()), "{codes:?}");
        // The same again: unchanged, no new version, no second audit entry.
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        let audited = app.store.audit_count(org.id).await.unwrap();
        assert_eq!(app.json(Method::PUT, "/api/v1/registers", &demo_json()).await.json()["version"], 1);
        assert_eq!(app.store.audit_count(org.id).await.unwrap(), audited);

        // Invalid registers: refused whole with the field named.
        let mut bad = demo_json();
        bad["activities"][0]["legal_basis"] = json!("whim");
        app.json(Method::PUT, "/api/v1/registers", &bad).await.field_error(400, "invalid_field", "activities[0].legal_basis");
        let mut bad = demo_json();
        bad["activities"][1]["processors"] = json!(["ghost"]);
        app.json(Method::PUT, "/api/v1/registers", &bad).await.field_error(400, "invalid_field", "activities[1].processors[0]");

        // The call centre loses its clauses, then gets them back: the flag comes and goes.
        let mut cc = demo_json()["processors"][2].clone();
        cc["safeguard"] = Value::Null;
        let a = app.json(Method::PUT, "/api/v1/registers/processors/callcentre?version=1", &cc).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        let flagged = |b: &Value| b["flags"].as_array().unwrap().iter()
            .any(|f| f["code"] == "TRANSFER_WITHOUT_BASIS" && f["record_id"] == "callcentre");
        assert!(flagged(&a.json()));
        assert_eq!(a.json()["version"], 2);
        // Based on a stale version: 409, nothing written.
        cc["safeguard"] = json!("scc");
        app.json(Method::PUT, "/api/v1/registers/processors/callcentre?version=1", &cc).await.error(409, "conflict");
        let a = app.json(Method::PUT, "/api/v1/registers/processors/callcentre?version=2", &cc).await;
        assert!(!flagged(&a.json()), "{}", a.text);
        // The id in the body must be the path's.
        app.json(Method::PUT, "/api/v1/registers/processors/other", &cc).await.field_error(400, "invalid_field", "id");

        // A new activity.
        let mut activity = demo_json()["activities"][2].clone();
        activity["id"] = json!("newsletter");
        activity["name"] = json!("Lettre d'information");
        let a = app.json(Method::PUT, "/api/v1/registers/activities/newsletter", &activity).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        assert_eq!(a.json()["registers"]["activities"].as_array().unwrap().len(), 4);

        // Exports.
        let csv = app.get("/api/v1/registers/export?format=csv").await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(csv.header("content-type").starts_with("text/csv"));
        let header = csv.text.lines().next().unwrap();
        for column in ["purpose", "legal_basis", "categories_of_persons", "categories_of_data", "recipients", "transfers", "retention", "security_measures"] {
            assert!(header.split(',').any(|c| c == column), "{column}: {header}");
        }
        let yaml = app.get("/api/v1/registers/export").await;
        assert_eq!(vigie_core::registers::from_yaml(&yaml.text).unwrap().activities.len(), 4);
        app.get("/api/v1/registers/export?format=doc").await.field_error(400, "invalid_field", "format");
    }

    async fn the_evidence_pack_holds_every_proof_an_auditor_asks_for_and_no_person(app) {
        assert_eq!(app.json(Method::PUT, "/api/v1/registers", &demo_json()).await.status, StatusCode::OK);
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        // One request answered, one still open: counted, the person never named.
        let dsar = vigie_dsar::Dsar::new(app.store.clone());
        for email in ["marie.curie@example.org", "paul.langevin@example.org"] {
            dsar.file(&org, vigie_core::dsar::RequestKind::Access,
                vigie_store::Identifier::Email(vigie_core::Email::parse(email).unwrap()),
                true, None, &vigie_dsar::Actor::public(None)).await.unwrap();
        }
        let resp = reqwest::Client::new().get(format!("{}/api/v1/registers/evidence", app.base))
            .bearer_auth(&app.token).header("accept-language", "en").send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(resp.headers()["content-type"], "application/zip");
        assert!(resp.headers()["content-disposition"].to_str().unwrap().contains("evidence-default-"));
        let bytes = resp.bytes().await.unwrap().to_vec();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut read = |name: &str| {
            let mut out = Vec::new();
            std::io::Read::read_to_end(&mut zip.by_name(name).unwrap_or_else(|e| panic!("{name}: {e}")), &mut out).unwrap();
            out
        };
        let manifest: Value = serde_json::from_slice(&read("manifest.json")).unwrap();
        let files = manifest["files"].as_array().unwrap();
        let names: Vec<&str> = files.iter().map(|f| f["name"].as_str().unwrap()).collect();
        for name in ["registers/registers.yaml", "registers/registers.json", "registers/registers.csv", "registers/registers.pdf",
            "breaches.json", "notices.json", "screenings.json", "requests.json", "audit-chain.json"] {
            assert!(names.contains(&name), "{name} in {names:?}");
        }
        // Every digest is the file's.
        for f in files {
            let body = read(f["name"].as_str().unwrap());
            assert_eq!(f["sha256"], hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&body)), "{f}");
            assert!(f["what"].as_str().is_some_and(|w| !w.is_empty()));
            let text = String::from_utf8_lossy(&body);
            assert!(!text.contains("marie.curie") && !text.contains("paul.langevin"), "{}: names a person", f["name"]);
        }
        assert!(read("registers/registers.pdf").starts_with(b"%PDF"));
        assert!(String::from_utf8(read("README.txt")).unwrap().contains("No file identifies a person"));
        let requests: Value = serde_json::from_slice(&read("requests.json")).unwrap();
        assert_eq!(requests["total"]["received"], 2, "{requests}");
        assert_eq!(requests["by_kind"]["access"]["open_in_time"], 2, "{requests}");
        assert_eq!(requests["requests"].as_array().unwrap().len(), 2);
        let chain: Value = serde_json::from_slice(&read("audit-chain.json")).unwrap();
        assert_eq!(chain["intact"], true, "{chain}");
        // The download is in the audit trail, and the verification is the organization's latest.
        let audit = app.get("/api/v1/audit").await.text;
        assert!(audit.contains("registers.evidence"), "{audit}");
        assert!(app.store.last_audit_verification(org.id).await.unwrap().is_some_and(|v| v.intact));
        // The registers' page leads to it.
        let (cookie, _) = signed_in(&app.store, "auditor@example.org", Role::Auditor, &[DEFAULT_ORG]).await;
        let page = app.send(app.anonymous(Method::GET, "/registers").header("cookie", cookie)).await.text;
        assert!(page.contains("/api/v1/registers/evidence") && page.contains("format=pdf"), "{page}");
    }

    async fn registers_are_read_by_auditors_and_marketers_changed_by_dpos(app) {
        assert_eq!(app.json(Method::PUT, "/api/v1/registers", &demo_json()).await.status, StatusCode::OK);
        for role in [Role::Auditor, Role::Marketer] {
            let req = as_role(&app, role).await;
            assert_eq!(app.send(req(Method::GET, "/api/v1/registers")).await.status, StatusCode::OK, "{role}");
            app.send(req(Method::PUT, "/api/v1/registers").json(&demo_json())).await.error(403, "forbidden");
        }
        let agent = as_role(&app, Role::Agent).await;
        app.send(agent(Method::GET, "/api/v1/registers")).await.error(403, "forbidden");
        let dpo = as_role(&app, Role::Dpo).await;
        let mut changed = demo_json();
        changed["profile"]["legal_name"] = json!("Optique Horizon");
        let a = app.send(dpo(Method::PUT, "/api/v1/registers").json(&changed)).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        let entries = app.store.audit_entries(org.id, 0, 1000).await.unwrap();
        let last = entries.iter().rev().find(|e| e.action == "registers.update").unwrap();
        assert_eq!(last.actor, "user:dpo@example.org");
    }
}
