//! The breach register through the API and the pages: the 72-hour clock on the breach and in
//! the banner of every page of a DPO until the notification (or the decision not to notify),
//! the notification's content from the register, contacts counted for a selection.

use vigie_core::Role;
use vigie_store::DEFAULT_ORG;

use crate::common::*;

const DEMO: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../vigie/src/demo_registers.yaml"
));

both_stores! {
    async fn a_breach_clock_runs_in_every_page_until_notified(app) {
        let registers = serde_json::to_value(vigie_core::registers::from_yaml(DEMO).unwrap()).unwrap();
        assert_eq!(app.json(Method::PUT, "/api/v1/registers", &registers).await.status, StatusCode::OK);
        app.create(json!({"contact_ref": "C001", "email": "a@example.org", "audience": "consumer",
            "collected_at": "2026-03-02T10:00:00Z", "informed": true, "objection_offered": true})).await;
        // Became aware ten hours ago: the clock runs, 62 hours left.
        let aware = (jiff::Timestamp::now() - jiff::SignedDuration::from_hours(10)).to_string();
        let breach = json!({"aware_at": aware, "nature": ["confidentiality"], "description": "Export envoyé au mauvais destinataire",
            "categories_of_persons": ["Prospects"], "categories_of_data": ["E-mail"], "risk": "risk",
            "consequences": "Sollicitations non désirées", "measures": "Suppression demandée"});
        let a = app.json(Method::POST, "/api/v1/breaches", &breach).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        let out = a.json();
        assert_eq!(out["id"], 1);
        assert_eq!(out["clock"]["running"], true);
        assert_eq!(out["clock"]["assessment"]["code"], "NOTIFY_AUTHORITY");
        let draft = out["notification_draft"].as_str().unwrap();
        assert!(draft.contains("Optique Horizon SAS") && draft.contains("Julien Marchand"), "{draft}");
        // Half a record is refused with the field named.
        let mut bad = breach.clone();
        bad["measures"] = json!("");
        app.json(Method::POST, "/api/v1/breaches", &bad).await.field_error(400, "invalid_field", "measures");

        // Counted from the base: one of two references, then a period.
        let a = app.json(Method::POST, "/api/v1/breaches/1/count", &json!({"contact_refs": ["C001", "C404"]})).await;
        assert_eq!(a.json()["breach"]["persons_concerned"], 1, "{}", a.text);
        let a = app.json(Method::POST, "/api/v1/breaches/1/count", &json!({"collected_from": "2026-03-01T00:00:00Z", "collected_until": "2026-04-01T00:00:00Z"})).await;
        assert_eq!(a.json()["breach"]["persons_concerned"], 1, "{}", a.text);

        // The banner, on every page of a DPO; not for a marketer.
        let (cookie, csrf) = signed_in(&app.store, "dpo@example.org", Role::Dpo, &[DEFAULT_ORG]).await;
        let as_dpo = |path: &str| app.send(app.anonymous(Method::GET, path).header("cookie", cookie.clone()));
        for path in ["/", "/contacts", "/registers"] {
            let page = as_dpo(path).await.text;
            assert!(page.contains("breach-banner") && page.contains("Violation de données n° 1") && page.contains("reste 61 h"), "{path}: {page}");
        }
        let (m_cookie, _) = signed_in(&app.store, "marketer@example.org", Role::Marketer, &[DEFAULT_ORG]).await;
        let page = app.send(app.anonymous(Method::GET, "/contacts").header("cookie", m_cookie)).await.text;
        assert!(!page.contains("breach-banner"));
        let page = as_dpo("/registers/breaches/1").await.text;
        assert!(page.contains("Contenu de la notification") && page.contains("1 of 2 references given") || page.contains("contacts collected"), "{page}");

        // Notified from the page: the clock stops and the banner goes.
        let a = app.send(app.anonymous(Method::POST, "/registers/breaches/1/notified").header("cookie", cookie.clone()).form(&[("csrf", csrf.as_str())])).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        assert!(!a.text.contains("breach-banner"), "{}", a.text);
        let got = app.get("/api/v1/breaches/1").await.json();
        assert_eq!(got["clock"]["running"], false);
        assert!(got["breach"]["notified_at"].is_string());
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        let actions: Vec<String> = app.store.audit_entries(org.id, 0, 1000).await.unwrap().into_iter().map(|e| e.action).collect();
        for action in ["breach.record", "breach.count", "breach.notify"] {
            assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
        }

        // A second breach decided against notifying, with its reason, from the page.
        app.json(Method::POST, "/api/v1/breaches", &breach).await;
        let a = app.send(app.anonymous(Method::POST, "/registers/breaches/2/no-notification").header("cookie", cookie.clone())
            .form(&[("csrf", csrf.as_str()), ("reason", "Données chiffrées, clé non compromise")])).await;
        assert!(a.text.contains("Données chiffrées"), "{}", a.text);
        assert!(!as_dpo("/").await.text.contains("breach-banner"));
    }
}
