//! The links a person receives (issue 15), from the outside: one-click unsubscribe (RFC 8058)
//! and the preference centre, without a session, on both stores.

use jiff::{SignedDuration, Timestamp};
use vigie_server::person_links::{ONE_CLICK, PersonLinks, PublicUrl};
use vigie_store::{DEFAULT_ORG, LinkedPerson};

use crate::common::*;

const ONE_CLICK_FORM: &str = "application/x-www-form-urlencoded";

/// A consumer who gave consent by e-mail for marketing (and the newsletter), with a phone.
async fn subscriber(app: &TestApp, contact_ref: &str) -> i64 {
    let c = app
        .create(
            json!({"contact_ref": contact_ref, "email": format!("{contact_ref}@example.org"),
            "phone": "+33612345678", "audience": "consumer", "collected_at": "2026-01-02T10:00:00Z",
            "informed": true, "objection_offered": true}),
        )
        .await;
    for purpose in ["marketing", "newsletter"] {
        let a = app
            .event(
                contact_ref,
                json!({"channel": "email", "purpose": purpose, "action": "grant",
                "at": "2026-01-02T10:00:00Z", "method": "double_opt_in"}),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    }
    c["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("a contact id: {c}"))
}

async fn links(app: &TestApp, expires: Timestamp) -> PersonLinks {
    let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
    let public: PublicUrl = app.base.parse().unwrap();
    PersonLinks::new(&app.store, &org, &public, expires)
        .await
        .unwrap()
}

fn tomorrow() -> Timestamp {
    Timestamp::now() + SignedDuration::from_hours(24)
}

async fn code(app: &TestApp, contact_ref: &str, query: &str) -> String {
    let a = app
        .get(&format!("/api/v1/contacts/{contact_ref}/decision?{query}"))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a.json()["code"].as_str().unwrap().to_owned()
}

async fn ledger_len(app: &TestApp, contact_ref: &str) -> usize {
    let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
    let r = vigie_core::ContactRef::parse(contact_ref).unwrap();
    app.store.ledger(org.id, &r).await.unwrap().len()
}

/// The path of a full URL of the test server.
fn path_of<'u>(app: &TestApp, url: &'u str) -> &'u str {
    url.strip_prefix(app.base.as_str())
        .unwrap_or_else(|| panic!("{url}"))
}

both_stores! {
    async fn one_click_unsubscribe_withdraws_once_and_a_get_changes_nothing(app) {
        let id = subscriber(&app, "U-1").await;
        let email = "channel=email&purpose=marketing";
        assert_eq!(code(&app, "U-1", email).await, "CONSENT");
        let links = links(&app, tomorrow()).await;
        let url = links.unsubscribe(LinkedPerson::Contact(id), vigie_core::Purpose::Marketing, Some("Soldes d'hiver")).unwrap();
        assert!(url.starts_with(&format!("{}/unsubscribe/default/", app.base)), "{url}");
        let path = path_of(&app, &url).to_owned();

        // A GET (a mail scanner) shows the choice and changes nothing.
        let page = app.send(app.anonymous(Method::GET, &path)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert!(page.text.contains("Soldes d'hiver") || page.text.contains("Soldes d&#39;hiver"), "{}", page.text);
        assert!(page.text.contains("name=\"List-Unsubscribe\" value=\"One-Click\""), "{}", page.text);
        assert_eq!(ledger_len(&app, "U-1").await, 2);
        assert_eq!(code(&app, "U-1", email).await, "CONSENT");

        // The mail system's POST: no cookie, no CSRF token, no confirmation.
        let post = || {
            app.anonymous(Method::POST, &path)
                .header("content-type", ONE_CLICK_FORM)
                .header("user-agent", "MailProvider/2")
                .body(ONE_CLICK)
        };
        let done = app.send(post()).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text);
        assert!(done.text.contains("vous êtes désinscrit"), "{}", done.text);
        assert_eq!(code(&app, "U-1", email).await, "WITHDRAWN");
        // Only the link's purpose: the newsletter still stands.
        assert_eq!(code(&app, "U-1", "channel=email&purpose=newsletter").await, "CONSENT");
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        let r = vigie_core::ContactRef::parse("U-1").unwrap();
        let ledger = app.store.ledger(org.id, &r).await.unwrap();
        assert_eq!(ledger.len(), 3);
        let w = &ledger[2].new;
        assert_eq!(w.event.action, vigie_core::Action::Withdraw);
        assert_eq!(w.event.method, vigie_core::Method::UnsubscribeLink);
        assert_eq!(w.event.scope, vigie_core::ChannelScope::Email);
        assert_eq!(w.source.as_deref(), Some("unsubscribe:Soldes d'hiver"));
        assert!(w.ip.is_some());
        assert_eq!(w.user_agent.as_deref(), Some("MailProvider/2"));

        // Twice is harmless: the same answer, nothing new.
        let again = app.send(post()).await;
        assert_eq!(again.status, StatusCode::OK, "{}", again.text);
        assert!(again.text.contains("vous êtes désinscrit"), "{}", again.text);
        assert_eq!(ledger_len(&app, "U-1").await, 3);

        // Audited once, as the person's change.
        let trail = app.get("/api/v1/audit?limit=1000").await.json();
        let entries: Vec<_> = trail["entries"].as_array().unwrap().iter()
            .filter(|e| e["action"] == "ledger.unsubscribe").collect();
        assert_eq!(entries.len(), 1, "{trail}");
        assert_eq!(entries[0]["actor"], "public");
        assert_eq!(entries[0]["target"], "contact:U-1");

        // A POST without the one-click body unsubscribes nobody.
        let other = subscriber(&app, "U-2").await;
        let url2 = links.unsubscribe(LinkedPerson::Contact(other), vigie_core::Purpose::Marketing, None).unwrap();
        let path2 = path_of(&app, &url2).to_owned();
        let empty = app.send(app.anonymous(Method::POST, &path2).header("content-type", ONE_CLICK_FORM).body("")).await;
        assert_eq!(empty.status, StatusCode::BAD_REQUEST, "{}", empty.text);
        assert_eq!(ledger_len(&app, "U-2").await, 2);
    }

    async fn forged_and_expired_unsubscribe_links_are_refused(app) {
        let id = subscriber(&app, "U-3").await;
        let good = links(&app, tomorrow()).await
            .unsubscribe(LinkedPerson::Contact(id), vigie_core::Purpose::Marketing, None).unwrap();
        let good = path_of(&app, &good).to_owned();
        // Another contact named in the token, the MAC left as it was: forged.
        let forged = good.replacen(&format!("/{id}."), &format!("/{}.", id + 1), 1);
        assert_ne!(forged, good);
        let flipped = if good.ends_with('0') { '1' } else { '0' };
        let altered = format!("{}{flipped}", &good[..good.len() - 1]);
        for path in [forged.as_str(), altered.as_str()] {
            for method in [Method::GET, Method::POST] {
                let a = app.send(app.anonymous(method, path).header("content-type", ONE_CLICK_FORM).body(ONE_CLICK)).await;
                assert_eq!(a.status, StatusCode::NOT_FOUND, "{path}: {}", a.text);
                assert!(a.text.contains("pas valide"), "{}", a.text);
            }
        }
        let expired = links(&app, Timestamp::now() - SignedDuration::from_hours(1)).await

            .unsubscribe(LinkedPerson::Contact(id), vigie_core::Purpose::Marketing, None).unwrap();
        let expired = path_of(&app, &expired).to_owned();
        let gone = app.send(app.anonymous(Method::POST, &expired).header("content-type", ONE_CLICK_FORM).body(ONE_CLICK)).await;
        assert_eq!(gone.status, StatusCode::GONE, "{}", gone.text);
        assert!(gone.text.contains("expiré"), "{}", gone.text);
        // A preference centre token is not an unsubscribe token.
        let prefs = links(&app, tomorrow()).await.preferences(LinkedPerson::Contact(id));
        let token = prefs.rsplit('/').next().unwrap();
        let moved = app.send(app.anonymous(Method::POST, &format!("/unsubscribe/default/{token}"))
            .header("content-type", ONE_CLICK_FORM).body(ONE_CLICK)).await;
        assert_eq!(moved.status, StatusCode::NOT_FOUND, "{}", moved.text);
        assert_eq!(ledger_len(&app, "U-3").await, 2, "nothing written");
        assert_eq!(code(&app, "U-3", "channel=email&purpose=marketing").await, "CONSENT");
    }

    async fn the_preference_centre_changes_decisions_as_the_person_asks(app) {
        let id = subscriber(&app, "P-1").await;
        let url = links(&app, tomorrow()).await.preferences(LinkedPerson::Contact(id));
        let path = path_of(&app, &url).to_owned();
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();

        let page = app.send(app.anonymous(Method::GET, &path)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert!(page.text.contains(&format!("href=\"/\">{}</a>", org.name)), "{}", page.text);
        assert!(!page.text.contains("Vigie"), "the organization's page, not Vigie's: {}", page.text);
        assert!(page.text.contains("name=\"c-email-marketing\" value=\"on\" checked"), "{}", page.text);
        assert!(page.text.contains("name=\"c-sms-marketing\" value=\"on\">"), "{}", page.text);
        let form_token = page.text.split("name=\"form\" value=\"").nth(1).unwrap()
            .split('"').next().unwrap().to_owned();
        assert_eq!(ledger_len(&app, "P-1").await, 2, "a GET changes nothing");

        let post = |body: String| {
            app.anonymous(Method::POST, &path)
                .header("content-type", ONE_CLICK_FORM)
                .header("user-agent", "TestBrowser/1")
                .body(body)
        };
        // A form without the link's token is refused, and writes nothing.
        let stale = app.send(post(form_body(&[("form", "00"), ("step", "object")]))).await;
        assert_eq!(stale.status, StatusCode::FORBIDDEN, "{}", stale.text);
        assert_eq!(ledger_len(&app, "P-1").await, 2);

        // Keep marketing by e-mail, drop the newsletter, add SMS for marketing.
        let chosen = app.send(post(form_body(&[("form", &form_token), ("lang", "fr"), ("step", "choose"),
            ("c-email-marketing", "on"), ("c-sms-marketing", "on")]))).await;
        assert_eq!(chosen.status, StatusCode::OK, "{}", chosen.text);
        assert!(chosen.text.contains("Vos choix sont enregistrés"), "{}", chosen.text);
        assert_eq!(ledger_len(&app, "P-1").await, 4, "one event per changed box");
        assert_eq!(code(&app, "P-1", "channel=email&purpose=newsletter").await, "WITHDRAWN");
        assert_eq!(code(&app, "P-1", "channel=email&purpose=marketing").await, "CONSENT");
        assert_eq!(code(&app, "P-1", "channel=sms&purpose=marketing").await, "CONSENT");
        let r = vigie_core::ContactRef::parse("P-1").unwrap();
        let ledger = app.store.ledger(org.id, &r).await.unwrap();
        let grant = ledger.iter().find(|e| e.new.event.scope == vigie_core::ChannelScope::Sms).unwrap();
        assert_eq!(grant.new.event.method, vigie_core::Method::PrivacyCentre);
        assert_eq!(grant.new.user_agent.as_deref(), Some("TestBrowser/1"));
        assert!(grant.new.ip.is_some());
        assert!(chosen.text.contains("name=\"c-sms-marketing\" value=\"on\" checked"), "{}", chosen.text);

        // Object (art. 21): every channel refused.
        let objected = app.send(post(form_body(&[("form", &form_token), ("step", "object")]))).await;
        assert_eq!(objected.status, StatusCode::OK, "{}", objected.text);
        for channel in ["email", "sms", "phone"] {
            assert_eq!(code(&app, "P-1", &format!("channel={channel}&purpose=marketing")).await, "OBJECTED", "{channel}");
        }
        // Withdraw everything: the latest word, on every channel and purpose.
        let withdrawn = app.send(post(form_body(&[("form", &form_token), ("step", "withdraw_all")]))).await;
        assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.text);
        assert_eq!(code(&app, "P-1", "channel=sms&purpose=marketing").await, "WITHDRAWN");

        // Each change audited as the person's.
        let trail = app.get("/api/v1/audit?limit=1000").await.json();
        let changes = trail["entries"].as_array().unwrap().iter()
            .filter(|e| e["action"] == "ledger.preferences" && e["actor"] == "public").count();
        assert_eq!(changes, 3, "{trail}");

        // Forged and expired links.
        let flipped = if path.ends_with('0') { '1' } else { '0' };
        let altered = format!("{}{flipped}", &path[..path.len() - 1]);
        assert_eq!(app.send(app.anonymous(Method::GET, &altered)).await.status, StatusCode::NOT_FOUND);
        let expired = links(&app, Timestamp::now() - SignedDuration::from_hours(1)).await.preferences(LinkedPerson::Contact(id));
        let gone = app.send(app.anonymous(Method::GET, path_of(&app, &expired))).await;
        assert_eq!(gone.status, StatusCode::GONE, "{}", gone.text);
    }
}
