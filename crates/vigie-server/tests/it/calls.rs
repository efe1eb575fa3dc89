//! The call log over the API: an agent asks whether a number may be called and hears only the
//! answer, its code and sentence and the name; calls logged by an agent or a dialler feed the
//! limits of four attempts in 30 days and 60 days of quiet after a refusal, in the agent's check
//! and in stored decisions alike.

use vigie_core::Role;
use vigie_store::DEFAULT_ORG;

use crate::common::*;

/// A Tuesday, 11:00 in Paris, in the Bloctel era: calling hours.
const AT: &str = "2026-03-10T11:00:00%2B01:00";

async fn seed(app: &TestApp, contact_ref: &str, phone: &str) {
    app.create(
        json!({"contact_ref": contact_ref, "email": format!("{contact_ref}@example.org"),
        "phone": phone, "first_name": "Mia", "last_name": "Moreau", "audience": "consumer",
        "collected_at": "2026-01-05T10:00:00Z", "informed": true, "objection_offered": true}),
    )
    .await;
}

/// An agent's session: (cookie header, CSRF token), in an organization whose Bloctel extract is
/// current at [`AT`].
async fn agent(app: &TestApp) -> (String, String) {
    bloctel_extract(app, "2026-03-01").await;
    signed_in(&app.store, "agent@example.org", Role::Agent, &[DEFAULT_ORG]).await
}

async fn bloctel_extract(app: &TestApp, date: &str) {
    let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
    app.store
        .replace_opposition_list(org.id, "bloctel", Some(date.parse().unwrap()), Vec::new())
        .await
        .unwrap();
}

async fn check(app: &TestApp, (cookie, _): &(String, String), phone: &str) -> Answer {
    app.send(
        app.anonymous(
            Method::GET,
            &format!("/api/v1/calls/check?phone={phone}&at={AT}"),
        )
        .header("cookie", cookie),
    )
    .await
}

async fn log(app: &TestApp, (cookie, csrf): &(String, String), calls: Value) -> Answer {
    app.send(
        app.anonymous(Method::POST, "/api/v1/calls")
            .header("cookie", cookie)
            .header("x-csrf-token", csrf)
            .json(&json!({ "calls": calls })),
    )
    .await
}

/// The stored decision about a contact, by phone, at [`AT`].
async fn stored_code(app: &TestApp, contact_ref: &str) -> String {
    let a = app
        .get(&format!(
            "/api/v1/contacts/{contact_ref}/decision?channel=phone&at={AT}"
        ))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a.json()["code"].as_str().unwrap().to_owned()
}

both_stores! {
    async fn the_agent_sees_only_the_answer_and_the_name_and_four_attempts_cap_calls(app) {
        seed(&app, "C-A1", "0612345678").await;
        let agent = agent(&app).await;
        let a = check(&app, &agent, "06%2012%2034%2056%2078").await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        let answer = a.json();
        let mut keys: Vec<&str> = answer.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["code", "decision", "first_name", "last_name", "sentence"], "{answer}");
        assert_eq!(answer["decision"], "allow", "{answer}");
        assert_eq!(answer["first_name"], "Mia");
        assert!(!a.text.contains("+33612345678") && !a.text.contains("example.org"), "{}", a.text);
        let calls: Vec<Value> = (2..=5)
            .map(|d| json!({"phone": "+33612345678", "at": format!("2026-03-0{d}T10:00:00Z"), "outcome": "no_answer"}))
            .collect();
        let logged = log(&app, &agent, Value::Array(calls)).await;
        assert_eq!(logged.status, StatusCode::CREATED, "{}", logged.text);
        assert_eq!(logged.json()["calls"].as_array().unwrap().len(), 4);
        assert!(!logged.text.contains("C-A1"), "the log's answer names no contact: {}", logged.text);
        let capped = check(&app, &agent, "%2B33612345678").await.json();
        assert_eq!(capped["decision"], "deny", "{capped}");
        assert_eq!(capped["code"], "CALL_FREQUENCY_CAP", "{capped}");
        assert_eq!(stored_code(&app, "C-A1").await, "CALL_FREQUENCY_CAP");
        // The agent reads nothing else: not the contact, not its ledger.
        for path in ["/api/v1/contacts/C-A1", "/api/v1/contacts/C-A1/events", "/api/v1/contacts?phone=0612345678"] {
            let a = app.send(app.anonymous(Method::GET, path).header("cookie", &agent.0)).await;
            assert_eq!(a.status, StatusCode::FORBIDDEN, "{path}: {}", a.text);
        }
    }

    async fn a_refusal_20_days_ago_blocks_70_days_ago_does_not(app) {
        seed(&app, "C-R20", "0611111111").await;
        seed(&app, "C-R70", "0622222222").await;
        let agent = agent(&app).await;
        let logged = log(&app, &agent, json!([
            {"contact_ref": "C-R20", "at": "2026-02-18T10:00:00Z", "outcome": "refused", "campaign": "spring"},
            {"contact_ref": "C-R70", "at": "2025-12-30T10:00:00Z", "outcome": "refused"},
        ])).await;
        assert_eq!(logged.status, StatusCode::CREATED, "{}", logged.text);
        assert_eq!(check(&app, &agent, "0611111111").await.json()["code"], "RECENT_REFUSAL");
        assert_eq!(stored_code(&app, "C-R20").await, "RECENT_REFUSAL");
        assert_eq!(check(&app, &agent, "0622222222").await.json()["decision"], "allow");
        let code = stored_code(&app, "C-R70").await;
        assert!(code != "RECENT_REFUSAL" && code != "CALL_FREQUENCY_CAP", "{code}");
    }

    async fn a_batch_naming_an_unknown_contact_records_nothing(app) {
        seed(&app, "C-B1", "0633333333").await;
        let agent = agent(&app).await;
        let a = log(&app, &agent, json!([
            {"contact_ref": "C-B1", "at": "2026-03-02T10:00:00Z", "outcome": "consent_given"},
            {"phone": "0699999999", "at": "2026-03-02T10:05:00Z", "outcome": "busy"},
        ])).await;
        a.field_error(422, "unknown_contact", "calls[1].phone");
        let events = app.get("/api/v1/contacts/C-B1/events").await.json();
        assert_eq!(events["events"].as_array().unwrap().len(), 0, "{events}");
        let a = log(&app, &agent, json!([{"contact_ref": "C-B1", "at": "2026-03-02T10:00:00Z", "outcome": "hung_up"}])).await;
        a.field_error(400, "invalid_field", "calls[0].outcome");
        // A marketer does not log calls.
        let marketer = signed_in(&app.store, "marketer@example.org", Role::Marketer, &[DEFAULT_ORG]).await;
        let a = log(&app, &marketer, json!([{"contact_ref": "C-B1", "at": "2026-03-02T10:00:00Z", "outcome": "busy"}])).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.text);
    }

    async fn admins_set_the_region_and_the_agent_check_reads_national_numbers_in_it(app) {
        let settings = app.get("/api/v1/org/settings").await.json();
        assert_eq!((settings["region"].as_str(), settings["time_zone"].as_str(), settings["lang"].as_str()),
            (Some("FR"), Some("Europe/Paris"), Some("fr")), "{settings}");
        let a = app.json(Method::PUT, "/api/v1/org/settings", &json!({"region": "BE", "time_zone": "Europe/Brussels"})).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        assert_eq!(a.json()["region"], "BE");
        assert_eq!(a.json()["lang"], "fr", "a setting left out is kept");
        app.json(Method::PUT, "/api/v1/org/settings", &json!({"time_zone": "Europe/Lutece"}))
            .await
            .field_error(400, "invalid_field", "time_zone");
        assert_eq!(app.get("/api/v1/org/settings").await.json()["time_zone"], "Europe/Brussels");
        // Contacts written through the API read national numbers in the region too, and so
        // does a search by phone.
        seed(&app, "C-BE", "0470 12 34 56").await;
        let c = app.get("/api/v1/contacts/C-BE").await.json();
        assert_eq!(c["phone"], "+32470123456", "{c}");
        let found = app.get("/api/v1/contacts?phone=0470123456").await.json();
        assert_eq!(found["contacts"][0]["contact_ref"], "C-BE", "{found}");
        let agent = agent(&app).await;
        let a = check(&app, &agent, "0470%2012%2034%2056").await;
        assert_eq!(a.status, StatusCode::OK, "a national number is read in the organization's region: {}", a.text);
        assert_eq!(a.json()["first_name"], "Mia");
        let refused = app
            .send(
                app.anonymous(Method::PUT, "/api/v1/org/settings")
                    .header("cookie", &agent.0)
                    .header("x-csrf-token", &agent.1)
                    .json(&json!({"region": "FR"})),
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
    }

    async fn a_stale_bloctel_extract_refuses_the_check_unless_overridden_and_audited(app) {
        seed(&app, "C-S1", "0644444444").await;
        let agent = agent(&app).await;
        bloctel_extract(&app, "2026-01-15").await;
        let a = check(&app, &agent, "0644444444").await;
        let body = a.field_error(409, "stale_opposition_list", "allow_stale_opposition_list");
        assert!(body.to_string().contains("2026-01-15"), "{body}");
        let a = app
            .send(
                app.anonymous(Method::GET, &format!("/api/v1/calls/check?phone=0644444444&at={AT}&allow_stale_opposition_list=true"))
                    .header("cookie", &agent.0),
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        let trail = app.get("/api/v1/audit?limit=1000").await.json();
        let overridden = trail["entries"].as_array().unwrap().iter()
            .find(|e| e["action"] == "call.check.stale_opposition_list_overridden")
            .expect("the override is in the audit trail");
        assert_eq!(overridden["target"], "contact:C-S1");
    }
}
