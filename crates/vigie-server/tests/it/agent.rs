//! The call-centre agent's page: a number as people type it, a big answer with the name and
//! nothing else, one click to log how the call ended (a refusal then reads « N'appelez pas »),
//! the agent's landing page, and what the other roles see.

use vigie_core::Role;
use vigie_store::DEFAULT_ORG;

use crate::common::*;

/// A Tuesday, 11:00 in Paris, in the Bloctel era: calling hours (the page asks at `?at=`).
const AT: &str = "2026-03-10T11:00:00%2B01:00";

async fn seed(app: &TestApp) {
    app.create(
        json!({"contact_ref": "C-AG1", "email": "mia.moreau@example.org",
        "phone": "0612345678", "first_name": "Mia", "last_name": "Moreau", "audience": "consumer",
        "collected_at": "2026-01-05T10:00:00Z", "informed": true, "objection_offered": true}),
    )
    .await;
    let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
    app.store
        .replace_opposition_list(
            org.id,
            "bloctel",
            Some("2026-03-01".parse().unwrap()),
            Vec::new(),
        )
        .await
        .unwrap();
}

async fn page_as(app: &TestApp, cookie: &str, path: &str) -> Answer {
    app.send(app.anonymous(Method::GET, path).header("cookie", cookie))
        .await
}

async fn post_outcome(app: &TestApp, cookie: &str, body: String) -> Answer {
    app.send(
        app.anonymous(Method::POST, "/agent/calls")
            .header("cookie", cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body),
    )
    .await
}

both_stores! {
    async fn the_agent_checks_a_typed_number_logs_a_refusal_and_then_reads_do_not_call(app) {
        seed(&app).await;
        let (cookie, csrf) = signed_in(&app.store, "agent@example.org", Role::Agent, &[DEFAULT_ORG]).await;
        let a = page_as(&app, &cookie, &format!("/agent?q=06.12.34.56.78&at={AT}")).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        assert!(a.text.contains("Vous pouvez appeler maintenant"), "{}", a.text);
        assert!(a.text.contains("Mia Moreau"), "{}", a.text);
        // The name and nothing else: no e-mail, no reference, no stored number.
        for secret in ["mia.moreau@example.org", "C-AG1", "+33612345678"] {
            assert!(!a.text.contains(secret), "{secret}: {}", a.text);
        }
        assert!(a.text.contains("value=\"refused\""), "one button per outcome: {}", a.text);

        // Without the session's token the gate refuses the click, and nothing is logged.
        let forged = post_outcome(&app, &cookie, format!("phone=0612345678&outcome=refused&at={AT}")).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.text);
        let still = page_as(&app, &cookie, &format!("/agent?q=0612345678&at={AT}")).await;
        assert!(still.text.contains("Vous pouvez appeler maintenant"), "{}", still.text);

        // The click: logged at the moment asked about, then the page answers again.
        let logged = post_outcome(&app, &cookie, format!("csrf={csrf}&phone=06.12.34.56.78&outcome=refused&at={AT}")).await;
        assert_eq!(logged.status, StatusCode::OK, "{}", logged.text);
        assert!(logged.text.contains("Appel enregistré"), "{}", logged.text);
        assert!(logged.text.contains("N'appelez pas"), "{}", logged.text);
        assert!(!logged.text.contains("Vous pouvez appeler maintenant"), "{}", logged.text);
        // The why is the core's sentence for a recent refusal, as the API gives it.
        let api = app.send(app.anonymous(Method::GET, &format!("/api/v1/calls/check?phone=0612345678&at={AT}")).header("cookie", &cookie)).await;
        assert_eq!(api.json()["code"], "RECENT_REFUSAL", "{}", api.text);
        let sentence = api.json()["sentence"].as_str().unwrap().to_owned();
        let escaped = sentence.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
        assert!(logged.text.contains(&escaped), "{sentence}: {}", logged.text);
        // In the audit trail like any call logged through the API.
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        let n = app.store.audit_count(org.id).await.unwrap();
        let trail = app.store.audit_entries(org.id, 0, n as u32).await.unwrap();
        assert!(trail.iter().any(|e| e.action == "calls.log" && e.actor == "user:agent@example.org"), "{:?}", trail.iter().map(|e| &e.action).collect::<Vec<_>>());
    }

    async fn the_agent_lands_on_the_call_page_and_sees_only_what_the_role_opens(app) {
        let (cookie, _) = signed_in(&app.store, "agent@example.org", Role::Agent, &[DEFAULT_ORG]).await;
        let home = app
            .send(app.anonymous(Method::GET, "/").header("cookie", &cookie))
            .await;
        assert_eq!(home.status, StatusCode::OK, "{}", home.text);
        assert!(home.text.contains("Puis-je appeler ?"), "the landing page is the call check: {}", home.text);
        assert!(home.text.contains("autofocus"), "keyboard first: {}", home.text);
        assert!(!home.text.contains("href=\"/contacts\"") && !home.text.contains("href=\"/requests\""), "{}", home.text);
        assert!(home.text.contains("href=\"/agent\" aria-current=\"page\""), "{}", home.text);
    }

    async fn an_unknown_or_unreadable_number_says_not_to_call_and_why(app) {
        seed(&app).await;
        let (cookie, csrf) = signed_in(&app.store, "agent@example.org", Role::Agent, &[DEFAULT_ORG]).await;
        let unknown = page_as(&app, &cookie, &format!("/agent?q=%2B33%207%2099%2099%2099%2099&at={AT}")).await;
        assert_eq!(unknown.status, StatusCode::OK, "{}", unknown.text);
        assert!(unknown.text.contains("N'appelez pas") && unknown.text.contains("Aucun contact"), "{}", unknown.text);
        assert!(!unknown.text.contains("value=\"refused\""), "nothing to log for no one: {}", unknown.text);
        let bad = page_as(&app, &cookie, "/agent?q=12&lang=en").await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.text);
        assert!(bad.text.contains("This phone number is not valid"), "{}", bad.text);
        let nobody = post_outcome(&app, &cookie, format!("csrf={csrf}&phone=0799999999&outcome=refused&at={AT}")).await;
        assert_eq!(nobody.status, StatusCode::BAD_REQUEST, "{}", nobody.text);
        assert!(nobody.text.contains("Aucun contact"), "{}", nobody.text);
    }

    async fn a_marketer_reads_the_answer_but_logs_no_call(app) {
        seed(&app).await;
        let (cookie, csrf) = signed_in(&app.store, "m@example.org", Role::Marketer, &[DEFAULT_ORG]).await;
        let a = page_as(&app, &cookie, &format!("/agent?q=0612345678&at={AT}")).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        assert!(a.text.contains("Vous pouvez appeler maintenant"), "{}", a.text);
        assert!(!a.text.contains("value=\"refused\""), "{}", a.text);
        assert!(!a.text.contains("href=\"/agent\""), "not in the marketer's navigation: {}", a.text);
        let refused = post_outcome(&app, &cookie, format!("csrf={csrf}&phone=0612345678&outcome=refused&at={AT}")).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
    }
}
