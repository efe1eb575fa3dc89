//! Privacy notices: generated from the registers in both languages, published at a stable
//! public address per version, frozen once published or named by a consent event.

use vigie_store::DEFAULT_ORG;

use crate::common::*;

const DEMO: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../vigie/src/demo_registers.yaml"
));

both_stores! {
    async fn notices_are_generated_published_and_frozen(app) {
        app.json(Method::POST, "/api/v1/notices", &json!({"version": "v4"})).await.error(404, "not_found");
        let registers = serde_json::to_value(vigie_core::registers::from_yaml(DEMO).unwrap()).unwrap();
        assert_eq!(app.json(Method::PUT, "/api/v1/registers", &registers).await.status, StatusCode::OK);
        let a = app.json(Method::POST, "/api/v1/notices", &json!({"version": "v4"})).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        let n = a.json();
        assert!(n["text_fr"].as_str().unwrap().contains("Délégué à la protection des données : Julien Marchand"), "{}", n["text_fr"]);
        assert!(n["text_en"].as_str().unwrap().contains("Data protection officer: Julien Marchand"));
        assert_eq!(n["address"], "/privacy/default/notice/v4");
        // Not public until published.
        assert_eq!(app.send(app.anonymous(Method::GET, "/privacy/default/notice/v4")).await.status, StatusCode::NOT_FOUND);
        // A contact who consented under v3.
        app.create(json!({"contact_ref": "C001", "email": "a@example.org", "audience": "consumer",
            "collected_at": "2026-03-02T10:00:00Z", "informed": true, "objection_offered": true})).await;
        let e = app.event("C001", json!({"channel": "email", "purpose": "marketing", "action": "grant",
            "at": "2026-01-10T08:00:00Z", "method": "double_opt_in", "notice_version": "v3"})).await;
        assert_eq!(e.status, StatusCode::CREATED, "{}", e.text);
        // A version named by a consent event cannot be written.
        app.json(Method::POST, "/api/v1/notices", &json!({"version": "v3"})).await.error(409, "conflict");
        let a = app.json(Method::POST, "/api/v1/notices/v4/publish", &json!({})).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        assert_eq!(a.json()["contacts_to_inform"], 1);
        // Published: public at its address and as the current notice; frozen.
        for path in ["/privacy/default/notice/v4", "/privacy/default/notice"] {
            let page = app.send(app.anonymous(Method::GET, path).header("accept-language", "en")).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            assert!(page.text.contains("Julien Marchand") && page.text.contains("Privacy notice (v4)"), "{}", page.text);
        }
        app.json(Method::POST, "/api/v1/notices", &json!({"version": "v4"})).await.error(409, "conflict");
        app.json(Method::POST, "/api/v1/notices/v4/publish", &json!({})).await.error(409, "conflict");
        app.json(Method::POST, "/api/v1/notices", &json!({"version": "v 5"})).await.field_error(400, "invalid_field", "version");
        assert_eq!(app.get("/api/v1/notices").await.json().as_array().unwrap().len(), 1);
    }
}

both_stores! {
    async fn the_privacy_centre_names_the_dpo_from_the_registers(app) {
        let centre = |lang: &'static str| app.anonymous(Method::GET, "/privacy/default").header("accept-language", lang);
        // No registers: the organization's name only, no controller or DPO line.
        let page = app.send(centre("fr")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert!(!page.text.contains("Délégué à la protection des données"), "{}", page.text);
        assert!(!page.text.contains("Responsable du traitement"), "{}", page.text);
        let registers = serde_json::to_value(vigie_core::registers::from_yaml(DEMO).unwrap()).unwrap();
        assert_eq!(app.json(Method::PUT, "/api/v1/registers", &registers).await.status, StatusCode::OK);
        let page = app.send(centre("fr")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text.contains("Responsable du traitement : Optique Horizon SAS"), "{}", page.text);
        assert!(page.text.contains("Délégué à la protection des données : Julien Marchand — dpo@optique-horizon.example"), "{}", page.text);
        let page = app.send(centre("en")).await;
        assert!(page.text.contains("Data protection officer: Julien Marchand — dpo@optique-horizon.example"), "{}", page.text);
    }
}

both_stores! {
    async fn publishing_gives_the_list_of_people_to_inform(app) {
        let registers = serde_json::to_value(vigie_core::registers::from_yaml(DEMO).unwrap()).unwrap();
        assert_eq!(app.json(Method::PUT, "/api/v1/registers", &registers).await.status, StatusCode::OK);
        app.get("/api/v1/notices/v4/recipients").await.error(404, "not_found");
        assert_eq!(app.json(Method::POST, "/api/v1/notices", &json!({"version": "v4"})).await.status, StatusCode::CREATED);
        let consent = |v: &str| json!({"channel": "email", "purpose": "marketing", "action": "grant",
            "at": "2026-01-10T08:00:00Z", "method": "double_opt_in", "notice_version": v});
        // C001 and C002 consented under v3; C003 under no version; C004 under v3 but erased.
        for (r, email, first) in [("C001", "a@example.org", "=Anne"), ("C002", "b@example.org", "Bruno"),
                                  ("C003", "c@example.org", "Chloé"), ("C004", "d@example.org", "Denis")] {
            app.create(json!({"contact_ref": r, "email": email, "first_name": first, "audience": "consumer",
                "collected_at": "2026-03-02T10:00:00Z", "informed": true, "objection_offered": true})).await;
        }
        for r in ["C001", "C002", "C004"] {
            assert_eq!(app.event(r, consent("v3")).await.status, StatusCode::CREATED);
        }
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        let c4 = vigie_core::ContactRef::parse("C004").unwrap();
        let email = vigie_store::Identifier::Email(vigie_core::Email::parse("d@example.org").unwrap());
        app.store.erase_person(org.id, Some(&c4), &[email], 7, &json!({})).await.unwrap();
        let a = app.json(Method::POST, "/api/v1/notices/v4/publish", &json!({})).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        assert_eq!(a.json()["contacts_to_inform"], 2);
        let list = app.get("/api/v1/notices/v4/recipients").await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.text);
        assert!(list.header("content-type").starts_with("text/csv"));
        assert_eq!(list.text, "contact_ref,email,first_name,last_name\nC001,a@example.org,'=Anne,\nC002,b@example.org,Bruno,\n");
        let audit = app.store.audit_entries(org.id, 0, 1000).await.unwrap();
        let export = audit.iter().rev().find(|e| e.action == "notice.recipients.export").expect("the export is audited");
        assert_eq!(export.target.as_deref(), Some("contacts:C001,C002"));
        let (cookie, csrf) = signed_in(&app.store, "auditor@example.org", vigie_core::Role::Auditor, &[DEFAULT_ORG]).await;
        app.send(app.anonymous(Method::GET, "/api/v1/notices/v4/recipients")
            .header("cookie", cookie).header("x-csrf-token", csrf)).await.error(403, "forbidden");
    }
}
