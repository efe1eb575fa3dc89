//! The pages for people: a contact's page and its actions (record a consent, a withdrawal or an
//! objection; correct a field; restrict), each checked as the role allows, with errors beside
//! the field, the gate's CSRF check, and the audit trail.

use vigie_core::Role;
use vigie_store::DEFAULT_ORG;

use crate::common::*;

fn marie() -> Value {
    json!({"contact_ref": "C001", "email": "marie.martin@orange.fr", "phone": "06 12 34 56 78",
        "first_name": "Marie", "last_name": "Martin", "audience": "consumer", "customer": false,
        "collected_via": "web_form", "collected_at": "2025-06-01T09:00:00Z", "informed": true,
        "objection_offered": true})
}

fn grant_email() -> Value {
    json!({"channel": "email", "purpose": "marketing", "action": "grant", "at": "2026-01-10T08:00:00Z",
        "method": "double_opt_in", "notice_version": "v3", "source": "newsletter_form",
        "ip": "203.0.113.7", "user_agent": "Mozilla/5.0"})
}

/// A signed-in person of the default organization: cookie and CSRF token.
async fn person(app: &TestApp, email: &str, role: Role) -> (String, String) {
    signed_in(&app.store, email, role, &[DEFAULT_ORG]).await
}

async fn page_as(app: &TestApp, cookie: &str, path: &str) -> Answer {
    app.send(app.anonymous(Method::GET, path).header("cookie", cookie))
        .await
}

/// Posts a page's form as a browser does (the redirect after a change is followed).
async fn post_as(app: &TestApp, cookie: &str, path: &str, pairs: &[(&str, &str)]) -> Answer {
    app.send(
        app.anonymous(Method::POST, path)
            .header("cookie", cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(pairs)),
    )
    .await
}

/// The opening tag of the decisions table's row for `channel`.
fn decision_row<'a>(page: &'a str, channel: &str) -> &'a str {
    let key = format!("data-channel=\"{channel}\"");
    let at = page
        .find(&key)
        .unwrap_or_else(|| panic!("no row for {channel}: {page}"));
    let start = page[..at].rfind("<tr").unwrap();
    &page[start..at + page[at..].find('>').unwrap()]
}

fn objection<'a>(csrf: &'a str, source: &'a str, at: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("action", "object"),
        ("channel", "any"),
        ("purpose", "marketing"),
        ("method", "paper_form"),
        ("source", source),
        ("wording", "courrier du 2 décembre"),
        ("at", at),
    ]
}

both_stores! {
    async fn an_objection_recorded_on_the_page_changes_the_decision(app) {
        app.create(marie()).await;
        app.event("C001", grant_email()).await;
        let (cookie, csrf) = person(&app, "marketer@example.org", Role::Marketer).await;
        let before = page_as(&app, &cookie, "/contacts/C001").await;
        assert_eq!(before.status, StatusCode::OK, "{}", before.text);
        assert!(decision_row(&before.text, "email").contains("allow"), "{}", before.text);
        // The timeline in words, the proof behind a disclosure, no raw code in the text.
        assert!(before.text.contains("consentement — prospection, canal e-mail ; recueilli par double confirmation (double opt-in)"), "{}", before.text);
        assert!(before.text.contains("<details class=\"proof\"><summary>Preuve</summary>"), "{}", before.text);
        assert!(before.text.contains("newsletter_form") && !before.text.contains(">double_opt_in<"));
        assert!(before.text.contains("action=\"/contacts/C001/ledger\""), "a marketer may record");

        let after = post_as(&app, &cookie, "/contacts/C001/ledger", &objection(&csrf, "courrier reçu", "2026-12-01T10:00")).await;
        assert_eq!(after.status, StatusCode::OK, "{}", after.text);
        assert!(after.text.contains("Événement ajouté au registre."), "{}", after.text);
        assert!(decision_row(&after.text, "email").contains("deny"), "{}", after.text);
        assert!(after.text.contains("opposition — prospection, canal tous canaux ; recueilli par formulaire papier"), "{}", after.text);
        let ledger = app.get("/api/v1/contacts/C001/events").await.json();
        let last = &ledger["events"][1];
        assert_eq!((last["action"].as_str(), last["source"].as_str(), last["notice_version"].as_str()),
            (Some("object"), Some("courrier reçu"), Some("courrier du 2 décembre")));
        assert_eq!(last["at"], "2026-12-01T09:00:00Z", "typed in Paris time");
        let audit = app.get("/api/v1/audit").await.text;
        assert!(audit.contains("\"ledger.append\"") && audit.contains("user:marketer@example.org"), "{audit}");
    }

    async fn a_refused_form_shows_each_error_beside_its_field_and_records_nothing(app) {
        app.create(marie()).await;
        let (cookie, csrf) = person(&app, "marketer@example.org", Role::Marketer).await;
        let mut pairs = objection(&csrf, "  ", "2099-01-01T10:00");
        pairs[2] = ("channel", "pigeon");
        let a = post_as(&app, &cookie, "/contacts/C001/ledger", &pairs).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text);
        for (id, text) in [("f-source-error", "Ce champ est obligatoire."), ("f-at-error", "Cette date est dans le futur."),
            ("f-channel-error", "Choisissez une valeur de la liste.")] {
            assert!(a.text.contains(&format!("id=\"{id}\">{text}</p>")), "{id}: {}", a.text);
        }
        assert!(a.text.contains("value=\"2099-01-01T10:00\""), "the values typed are kept: {}", a.text);
        assert!(a.text.contains("Le formulaire contient des erreurs"), "{}", a.text);
        let ledger = app.get("/api/v1/contacts/C001/events").await.json();
        assert_eq!(ledger["events"].as_array().unwrap().len(), 0);

        let bad = post_as(&app, &cookie, "/contacts/C001/correction?lang=en",
            &[("csrf", &csrf), ("field", "email"), ("value", "not-an-address")]).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.text);
        assert!(bad.text.contains("id=\"f-value-error\">This e-mail address is not valid.</p>"), "{}", bad.text);
        assert_eq!(app.get("/api/v1/contacts/C001").await.json()["email"], "marie.martin@orange.fr");
    }

    async fn a_correction_is_kept_as_a_version_and_shown(app) {
        app.create(marie()).await;
        let (cookie, csrf) = person(&app, "marketer@example.org", Role::Marketer).await;
        let a = post_as(&app, &cookie, "/contacts/C001/correction",
            &[("csrf", &csrf), ("field", "phone"), ("value", "07 81 23 45 67")]).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        assert!(a.text.contains("+33781234567") && a.text.contains("Versions antérieures"), "{}", a.text);
        assert!(a.text.contains("<td>+33612345678</td>"), "the replaced number is in the history: {}", a.text);
        let r = vigie_core::ContactRef::parse("C001").unwrap();
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        let versions = app.store.contact_versions(org.id, &r).await.unwrap();
        assert_eq!(versions.len(), 1);
        assert_eq!(versions[0].previous.as_ref().unwrap().phone.as_ref().unwrap().as_str(), "+33612345678");
        let audit = app.get("/api/v1/audit").await.text;
        assert!(audit.contains("correction: phone") && !audit.contains("+33781234567"), "names, never values: {audit}");
    }

    async fn each_role_sees_the_actions_it_may_take_and_no_other(app) {
        app.create(marie()).await;
        let (auditor, auditor_csrf) = person(&app, "auditor@example.org", Role::Auditor).await;
        let page = page_as(&app, &auditor, "/contacts/C001").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.text.contains("id=\"actions\"") && !page.text.contains("/ledger\""), "an auditor sees no action: {}", page.text);
        let refused = post_as(&app, &auditor, "/contacts/C001/ledger", &objection(&auditor_csrf, "x", "2026-12-01T10:00")).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);

        let (dpo, dpo_csrf) = person(&app, "dpo@example.org", Role::Dpo).await;
        let page = page_as(&app, &dpo, "/contacts/C001").await;
        assert!(page.text.contains("/contacts/C001/restriction") && page.text.contains("/requests/new?contact=C001"), "{}", page.text);
        assert!(!page.text.contains("/contacts/C001/ledger") && !page.text.contains("/contacts/C001/correction"),
            "the DPO's role does not write the ledger nor the record: {}", page.text);
        assert_eq!(post_as(&app, &dpo, "/contacts/C001/ledger", &objection(&dpo_csrf, "x", "2026-12-01T10:00")).await.status,
            StatusCode::FORBIDDEN);

        let (marketer, marketer_csrf) = person(&app, "marketer@example.org", Role::Marketer).await;
        let page = page_as(&app, &marketer, "/contacts/C001").await;
        assert!(page.text.contains("/contacts/C001/ledger") && page.text.contains("/contacts/C001/correction"));
        assert!(!page.text.contains("/contacts/C001/restriction"), "{}", page.text);
        let refused = post_as(&app, &marketer, "/contacts/C001/restriction",
            &[("csrf", &marketer_csrf), ("restricted", "1"), ("reason", "x")]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);

        let (agent, _) = person(&app, "agent@example.org", Role::Agent).await;
        assert_eq!(page_as(&app, &agent, "/contacts/C001").await.status, StatusCode::FORBIDDEN);
    }

    async fn changes_without_the_csrf_token_are_refused(app) {
        app.create(marie()).await;
        let (cookie, _) = person(&app, "admin@example.org", Role::Admin).await;
        for path in ["/contacts/C001/ledger", "/contacts/C001/correction", "/contacts/C001/restriction"] {
            let a = post_as(&app, &cookie, path, &[("field", "email"), ("value", "x@example.org"), ("reason", "x"), ("restricted", "1")]).await;
            assert_eq!(a.status, StatusCode::FORBIDDEN, "{path}");
        }
        let c = app.get("/api/v1/contacts/C001").await.json();
        assert_eq!((c["email"].as_str(), c["restricted"].as_bool()), (Some("marie.martin@orange.fr"), Some(false)));
    }

    async fn the_dpo_restricts_then_lifts_with_a_reason(app) {
        app.create(marie()).await;
        app.event("C001", grant_email()).await;
        let (cookie, csrf) = person(&app, "dpo@example.org", Role::Dpo).await;
        let missing = post_as(&app, &cookie, "/contacts/C001/restriction", &[("csrf", &csrf), ("restricted", "1"), ("reason", " ")]).await;
        assert_eq!(missing.status, StatusCode::BAD_REQUEST);
        assert!(missing.text.contains("id=\"f-reason-error\""), "{}", missing.text);
        let set = post_as(&app, &cookie, "/contacts/C001/restriction", &[("csrf", &csrf), ("restricted", "1"), ("reason", "contestation de l'exactitude")]).await;
        assert_eq!(set.status, StatusCode::OK, "{}", set.text);
        assert!(set.text.contains("Traitement limité.") && decision_row(&set.text, "email").contains("deny"), "{}", set.text);
        assert!(set.text.contains("Lever la limitation"), "{}", set.text);
        let lifted = post_as(&app, &cookie, "/contacts/C001/restriction", &[("csrf", &csrf), ("restricted", "0"), ("reason", "exactitude vérifiée")]).await;
        assert!(lifted.text.contains("Limitation levée.") && decision_row(&lifted.text, "email").contains("allow"), "{}", lifted.text);
        let audit = app.get("/api/v1/audit").await.text;
        assert!(audit.contains("contact.restrict") && audit.contains("contestation de l'exactitude") && audit.contains("contact.unrestrict"), "{audit}");
    }

    async fn an_erased_contact_says_so_and_takes_no_change(app) {
        app.create(marie()).await;
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        let r = vigie_core::ContactRef::parse("C001").unwrap();
        let email = vigie_store::Identifier::Email(vigie_core::Email::parse("marie.martin@orange.fr").unwrap());
        app.store.erase_person(org.id, Some(&r), &[email], 7, &json!({})).await.unwrap();
        let (cookie, csrf) = person(&app, "admin@example.org", Role::Admin).await;
        let page = page_as(&app, &cookie, "/contacts/C001").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert!(page.text.contains("Ce contact a été effacé le") && page.text.contains("demande n° 7"), "{}", page.text);
        assert!(!page.text.contains("id=\"actions\""), "{}", page.text);
        let a = post_as(&app, &cookie, "/contacts/C001/ledger", &objection(&csrf, "x", "2026-12-01T10:00")).await;
        assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.text);
    }
}
