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

both_stores! {
    async fn the_dpo_writes_publishes_and_downloads_from_the_notices_page(app) {
        let registers = serde_json::to_value(vigie_core::registers::from_yaml(DEMO).unwrap()).unwrap();
        assert_eq!(app.json(Method::PUT, "/api/v1/registers", &registers).await.status, StatusCode::OK);
        // C001 and C002 consented under v3: the people to inform once v4 is published.
        for (r, email) in [("C001", "a@example.org"), ("C002", "b@example.org")] {
            app.create(json!({"contact_ref": r, "email": email, "audience": "consumer",
                "collected_at": "2026-03-02T10:00:00Z", "informed": true, "objection_offered": true})).await;
            let e = app.event(r, json!({"channel": "email", "purpose": "marketing", "action": "grant",
                "at": "2026-01-10T08:00:00Z", "method": "double_opt_in", "notice_version": "v3"})).await;
            assert_eq!(e.status, StatusCode::CREATED, "{}", e.text);
        }
        let (cookie, csrf) = signed_in(&app.store, "dpo@example.org", vigie_core::Role::Dpo, &[DEFAULT_ORG]).await;
        let get = |path: &str| app.send(app.anonymous(Method::GET, path).header("cookie", cookie.clone()));
        let post = |path: &str, form: Vec<(&str, &str)>| {
            let mut form = form;
            form.push(("csrf", csrf.as_str()));
            app.send(app.anonymous(Method::POST, path).header("cookie", cookie.clone()).form(&form))
        };
        // The registers' overview leads to the page; no version yet, the form is there.
        assert!(get("/registers").await.text.contains("href=\"/registers/notices\""));
        let list = get("/registers/notices").await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.text);
        assert!(list.text.contains("Aucune notice pour l&#39;instant.") || list.text.contains("Aucune notice pour l'instant."), "{}", list.text);
        assert!(list.text.contains("name=\"version\""), "{}", list.text);
        // A bad version name is refused, the field named, nothing written.
        let bad = post("/registers/notices", vec![("version", "v 5")]).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.text);
        assert!(bad.text.contains("1-32 of letters"), "{}", bad.text);
        assert!(app.store.notices(app.store.require_org(DEFAULT_ORG).await.unwrap().id).await.unwrap().is_empty());
        // A draft from the register: both texts shown, « Publier » behind its confirmation.
        let draft = post("/registers/notices", vec![("version", "v4")]).await;
        assert_eq!(draft.status, StatusCode::OK, "{}", draft.text);
        assert!(draft.text.contains("Brouillon enregistré."), "{}", draft.text);
        assert!(draft.text.contains("Délégué à la protection des données : Julien Marchand"), "{}", draft.text);
        assert!(draft.text.contains("Data protection officer: Julien Marchand"), "{}", draft.text);
        assert!(draft.text.contains("<details class=\"confirm\"><summary>Publier</summary>"), "{}", draft.text);
        assert!(draft.text.contains("action=\"/registers/notices/v4/publish\""), "{}", draft.text);
        assert!(!draft.text.contains("/registers/notices/v4/recipients"), "{}", draft.text);
        let list = get("/registers/notices").await.text;
        assert!(list.contains("href=\"/registers/notices/v4\"") && list.contains("Brouillon"), "{list}");
        // Published after confirming: the count and the download link; no publish button any more.
        let published = post("/registers/notices/v4/publish", vec![]).await;
        assert_eq!(published.status, StatusCode::OK, "{}", published.text);
        assert!(published.text.contains("Notice publiée."), "{}", published.text);
        assert!(published.text.contains("<strong class=\"np-count\">2</strong>"), "{}", published.text);
        assert!(published.text.contains("href=\"/registers/notices/v4/recipients\""), "{}", published.text);
        assert!(!published.text.contains("/registers/notices/v4/publish"), "{}", published.text);
        assert!(published.text.contains("href=\"/privacy/default/notice/v4\""), "{}", published.text);
        assert!(get("/registers/notices").await.text.contains("Publiée le"));
        // The list of people to inform: the API's CSV, audited the same way.
        let csv = get("/registers/notices/v4/recipients").await;
        assert_eq!(csv.status, StatusCode::OK, "{}", csv.text);
        assert!(csv.header("content-type").starts_with("text/csv"));
        assert_eq!(csv.text, "contact_ref,email,first_name,last_name\nC001,a@example.org,,\nC002,b@example.org,,\n");
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        let audit = app.store.audit_entries(org.id, 0, 1000).await.unwrap();
        let export = audit.iter().rev().find(|e| e.action == "notice.recipients.export").expect("the export is audited");
        assert_eq!(export.target.as_deref(), Some("contacts:C001,C002"));
        assert!(export.actor.contains("dpo@example.org"), "{}", export.actor);
        assert!(audit.iter().any(|e| e.action == "notice.publish" && e.actor.contains("dpo@example.org")));
        // Publishing again is refused.
        assert_eq!(post("/registers/notices/v4/publish", vec![]).await.status, StatusCode::CONFLICT);
    }

    async fn an_auditor_reads_the_notices_without_forms(app) {
        let registers = serde_json::to_value(vigie_core::registers::from_yaml(DEMO).unwrap()).unwrap();
        assert_eq!(app.json(Method::PUT, "/api/v1/registers", &registers).await.status, StatusCode::OK);
        assert_eq!(app.json(Method::POST, "/api/v1/notices", &json!({"version": "v4"})).await.status, StatusCode::CREATED);
        assert_eq!(app.json(Method::POST, "/api/v1/notices/v4/publish", &json!({})).await.status, StatusCode::OK);
        assert_eq!(app.json(Method::POST, "/api/v1/notices", &json!({"version": "v5"})).await.status, StatusCode::CREATED);
        let (cookie, csrf) = signed_in(&app.store, "auditor@example.org", vigie_core::Role::Auditor, &[DEFAULT_ORG]).await;
        let get = |path: &str| app.send(app.anonymous(Method::GET, path).header("cookie", cookie.clone()));
        let list = get("/registers/notices").await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.text);
        assert!(list.text.contains("href=\"/registers/notices/v4\"") && list.text.contains("href=\"/registers/notices/v5\""), "{}", list.text);
        // The page's only form is the header's « Se déconnecter ».
        assert!(!list.text.contains("action=\"/registers/notices") && !list.text.contains("name=\"version\""), "{}", list.text);
        for v in ["v4", "v5"] {
            let page = get(&format!("/registers/notices/{v}")).await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.text);
            assert!(page.text.contains("Julien Marchand"), "{}", page.text);
            assert!(!page.text.contains("action=\"/registers/notices") && !page.text.contains("/recipients"), "{}", page.text);
            assert!(!page.text.contains("<details class=\"confirm\">"), "{}", page.text);
        }
        for path in ["/registers/notices", "/registers/notices/v5/publish"] {
            let a = app.send(app.anonymous(Method::POST, path).header("cookie", cookie.clone())
                .form(&[("version", "v6"), ("csrf", csrf.as_str())])).await;
            assert_eq!(a.status, StatusCode::FORBIDDEN, "{path}: {}", a.text);
        }
        assert_eq!(get("/registers/notices/v4/recipients").await.status, StatusCode::FORBIDDEN);
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        assert!(app.store.notice(org.id, "v5").await.unwrap().unwrap().published_at.is_none());
        assert!(app.store.notice(org.id, "v6").await.unwrap().is_none());
    }
}
