//! Retention over the API and the page: the policies (a change is a new version, audited; a
//! stale or invalid change refused naming the field), the plan at a moment with the
//! three-year edge, the runs' proofs, and who may do what.

use vigie_core::Role;
use vigie_store::{AuditEvent, DEFAULT_ORG, NewScreeningRun, RunLimits};

use crate::common::*;

async fn prospect(app: &TestApp, contact_ref: &str, collected_at: &str) {
    app.create(json!({"contact_ref": contact_ref, "email": format!("{contact_ref}@example.org"),
        "audience": "consumer", "collected_at": collected_at, "informed": true, "objection_offered": true}))
        .await;
}

both_stores! {
    async fn policies_change_by_version_and_the_plan_counts_the_three_year_edge(app) {
        let p = app.get("/api/v1/retention/policies").await.json();
        assert_eq!(p["version"], 0, "{p}");
        assert_eq!(p["policies"].as_array().unwrap().len(), 6);
        assert!(p.to_string().contains("L123-22"), "{p}");
        // Out of range: refused, naming the change's field; nothing recorded.
        app.json(Method::PUT, "/api/v1/retention/policies",
            &json!({"version": 0, "changes": [{"category": "accounting_archive", "years": 5}]}))
            .await
            .field_error(400, "invalid_field", "changes[0].years");
        let a = app.json(Method::PUT, "/api/v1/retention/policies",
            &json!({"version": 0, "changes": [{"category": "prospects", "years": 2, "legal_reference": "Décision du DPO du 1er décembre 2026"}]}))
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        assert_eq!(a.json()["version"], 1);
        // Made on a version that is no longer the latest: 409.
        let stale = app.json(Method::PUT, "/api/v1/retention/policies",
            &json!({"version": 0, "changes": [{"category": "prospects", "years": 1}]}))
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text);
        let trail = app.get("/api/v1/audit?limit=1000").await.json();
        let changed: Vec<_> = trail["entries"].as_array().unwrap().iter()
            .filter(|e| e["action"] == "retention.policies").collect();
        assert_eq!(changed.len(), 1, "{trail}");
        assert_eq!(changed[0]["target"], "retention_policies:1");

        // The plan: 3 years and a day → expired, 3 years less a day → not (the contract's rule,
        // whatever the policy); the policy's two years erase both.
        prospect(&app, "R-OLD", "2023-12-04T09:00:00Z").await;
        prospect(&app, "R-NEW", "2023-12-06T09:00:00Z").await;
        let plan = app.get("/api/v1/retention/plan?at=2026-12-05T10:00:00%2B01:00").await;
        assert_eq!(plan.status, StatusCode::OK, "{}", plan.text);
        let plan = plan.json();
        assert_eq!(plan["expired_prospects"], 1, "{plan}");
        assert_eq!(plan["erase"]["count"], 2, "{plan}");
        assert_eq!(plan["policy_version"], 1);
        app.get("/api/v1/retention/plan?at=yesterday").await.field_error(400, "invalid_field", "at");
    }

    async fn runs_show_their_proof_and_roles_are_respected(app) {
        prospect(&app, "R-GONE", "2020-01-01T09:00:00Z").await;
        assert_eq!(app.get("/api/v1/retention/runs").await.json(), json!([]));
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        let run = app.store
            .run_retention(org.id, "2026-12-05T10:00:00+01:00", RunLimits::default(),
                AuditEvent { actor: "cli:test".into(), ..AuditEvent::default() })
            .await
            .unwrap();
        let runs = app.get("/api/v1/retention/runs").await.json();
        assert_eq!(runs[0]["erased"], 1, "{runs}");
        assert_eq!(runs[0]["status"], "done");
        let digest = run.refs_sha256.unwrap();
        assert_eq!(runs[0]["refs_sha256"], digest.as_str());
        // The page shows the policies and the run's proof.
        let page = app.get("/retention").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert!(page.text.contains(&digest), "{}", page.text);
        assert!(page.text.contains("L123-22"));
        // An auditor reads but does not change; an agent does neither.
        let (cookie, csrf) = signed_in(&app.store, "auditor@example.org", Role::Auditor, &[DEFAULT_ORG]).await;
        let read = app.send(app.anonymous(Method::GET, "/retention").header("cookie", &cookie)).await;
        assert_eq!(read.status, StatusCode::OK, "{}", read.text);
        assert!(!read.text.contains("name=\"years\""), "no change form for a reader");
        let change = app.send(app.anonymous(Method::POST, "/retention/policies")
            .header("cookie", &cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("csrf={csrf}&version=0&category=prospects&years=2"))).await;
        assert_eq!(change.status, StatusCode::FORBIDDEN, "{}", change.text);
        let (agent, _) = signed_in(&app.store, "agent@example.org", Role::Agent, &[DEFAULT_ORG]).await;
        let a = app.send(app.anonymous(Method::GET, "/api/v1/retention/policies").header("cookie", &agent)).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.text);
    }

    // A screening proof recorded more than five years ago: the page and the API's plan say a
    // run would purge it; the run does, and its counts are in the API's runs and on the page.
    async fn the_plan_and_the_page_say_what_a_run_purges(app) {
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        let finished: jiff::Timestamp = "2020-01-01T09:00:00Z".parse().unwrap();
        app.store.record_screening_run(org.id, &NewScreeningRun {
            actor: "alice".into(),
            started_at: finished,
            finished_at: finished,
            campaign: "{}".into(),
            rule_pack: "FR-2026-08-11".into(),
            data_version: 1,
            input_name: None,
            input_sha256: [1; 32],
            output_sha256: [2; 32],
            rows: 0,
            counts: Default::default(),
            opposition_override: None,
        }).await.unwrap();
        let plan = app.get("/api/v1/retention/plan?at=2026-12-05T10:00:00%2B01:00").await.json();
        assert_eq!(plan["purge"], json!({"closed_requests": 0, "screening_proofs": 1, "audit_entries": 0}), "{plan}");
        let page = app.get("/retention").await;
        assert!(page.text.contains("1 preuves de criblage"), "{}", page.text);
        app.store
            .run_retention(org.id, "2026-12-05T10:00:00+01:00", RunLimits::default(),
                AuditEvent { actor: "cli:test".into(), ..AuditEvent::default() })
            .await
            .unwrap();
        let runs = app.get("/api/v1/retention/runs").await.json();
        assert_eq!(runs[0]["purged"], plan["purge"], "{runs}");
        let page = app.get("/retention?lang=en").await;
        assert!(page.text.contains("0 screening proofs"), "nothing left to purge: {}", page.text);
        assert!(page.text.contains("1 screening proofs"), "the run's counts: {}", page.text);
    }

    // After a run purged a prefix of the trail, the audit page starts at the first entry kept
    // (not an empty page of purged numbers) and says why the earlier ones are gone.
    async fn the_audit_page_starts_after_the_purged_entries(app) {
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        for _ in 0..3 {
            app.store
                .audit(org.id, AuditEvent { actor: "alice".into(), action: "test.entry".into(), ..AuditEvent::default() })
                .await
                .unwrap();
        }
        let before = app.store.audit_count(org.id).await.unwrap();
        assert_eq!(app.store.audit_first_seq(org.id).await.unwrap(), 1);
        app.store
            .run_retention(org.id, "2040-01-01T00:00:00Z", RunLimits::default(),
                AuditEvent { actor: "cli:test".into(), ..AuditEvent::default() })
            .await
            .unwrap();
        let floor = app.store.audit_first_seq(org.id).await.unwrap();
        assert!(floor > before, "every entry before the run is past six years: {floor} vs {before}");
        let page = app.get("/audit").await;
        assert!(page.text.contains(&format!("Les entrées antérieures au n° {floor} ont été purgées")), "{}", page.text);
        assert!(page.text.contains("retention.run"), "the run's own entries are listed: {}", page.text);
        // An old link into purged numbers lands on the first entries kept.
        let old = app.get("/audit?after_id=2").await;
        assert!(old.text.contains("retention.run"), "{}", old.text);
    }

    async fn the_page_changes_a_period_and_names_a_wrong_one(app) {
        let (cookie, csrf) = signed_in(&app.store, "dpo@example.org", Role::Dpo, &[DEFAULT_ORG]).await;
        let post = |body: String| app.anonymous(Method::POST, "/retention/policies")
            .header("cookie", &cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        let wrong = app.send(post(format!("csrf={csrf}&version=0&category=prospects&years=7"))).await;
        assert_eq!(wrong.status, StatusCode::BAD_REQUEST, "{}", wrong.text);
        assert!(wrong.text.contains("changes[0].years"), "{}", wrong.text);
        let ok = app.send(post(format!("csrf={csrf}&version=0&category=customers&years=2&legal_reference="))).await;
        // Redirected (and followed) to the page, which says so.
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
        assert!(ok.text.contains("Nouvelle version des règles enregistrée"), "{}", ok.text);
        let p = app.get("/api/v1/retention/policies").await.json();
        assert_eq!(p["version"], 1);
        let customers = p["policies"].as_array().unwrap().iter().find(|p| p["category"] == "customers").unwrap();
        assert_eq!(customers["years"], 2);
        assert!(customers["legal_reference"].as_str().unwrap().contains("CNIL"), "an empty reference keeps the old one");
    }
}

// The public page of a requalification link: it names the organization; reading it changes
// nothing; an altered link is refused (404) and an expired one is gone (410); the submitted
// form — no session, no CSRF token: the signed link is the authority — records the grant with
// the client's address as proof; the first answer counts.
both_stores! {
    async fn a_requalification_link_page_records_the_answer_only_when_submitted(app) {
        prospect(&app, "RQ-1", "2025-06-01T09:00:00Z").await;
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        let campaign = app
            .store
            .create_requalification(
                org.id,
                &vigie_store::NewRequalification {
                    name: "Relance".into(),
                    channel: vigie_core::Channel::Email,
                    at: jiff::Timestamp::now().to_string(),
                    selection: vigie_store::RequalificationSelection::PeriodEnding { within_days: 3650 },
                    window_days: 30,
                },
                AuditEvent { actor: "cli:test".into(), ..AuditEvent::default() },
            )
            .await
            .unwrap();
        assert_eq!(campaign.progress.asked, 1);
        let link = |expires: jiff::Timestamp| {
            let store = app.store.clone();
            async move {
                store.requalification_links(org.id, campaign.id, expires).await.unwrap().remove(0).token
            }
        };
        let token = link(jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24)).await;
        let path = format!("/requalify/default/{token}");
        let page = app.send(app.anonymous(Method::GET, &path)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert!(page.text.contains(&format!("href=\"/\">{}</a>", org.name)), "{}", page.text);
        assert!(page.text.contains("value=\"yes\""), "{}", page.text);
        assert!(page.text.contains("Voulez-vous continuer"), "{}", page.text);
        let rq = vigie_core::ContactRef::parse("RQ-1").unwrap();
        assert!(app.store.ledger(org.id, &rq).await.unwrap().is_empty(), "a GET changes nothing");

        let flipped = if token.ends_with('0') { '1' } else { '0' };
        let altered = format!("/requalify/default/{}{flipped}", &token[..token.len() - 1]);
        for method in [Method::GET, Method::POST] {
            let refused = app
                .send(app.anonymous(method, &altered).header("content-type", "application/x-www-form-urlencoded").body("answer=yes"))
                .await;
            assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.text);
        }
        let expired = link(jiff::Timestamp::now() - jiff::SignedDuration::from_hours(1)).await;
        let gone = app.send(app.anonymous(Method::GET, &format!("/requalify/default/{expired}"))).await;
        assert_eq!(gone.status, StatusCode::GONE, "{}", gone.text);
        assert!(app.store.ledger(org.id, &rq).await.unwrap().is_empty());

        let yes = app
            .send(app.anonymous(Method::POST, &path)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("user-agent", "TestBrowser/1")
                .body("answer=yes&lang=fr"))
            .await;
        assert_eq!(yes.status, StatusCode::OK, "{}", yes.text);
        assert!(yes.text.contains("votre accord est enregistré"), "{}", yes.text);
        let ledger = app.store.ledger(org.id, &rq).await.unwrap();
        assert_eq!(ledger.len(), 1);
        assert_eq!(ledger[0].new.event.action, vigie_core::Action::Grant);
        assert!(ledger[0].new.ip.is_some());
        assert_eq!(ledger[0].new.user_agent.as_deref(), Some("TestBrowser/1"));
        let again = app
            .send(app.anonymous(Method::POST, &path)
                .header("content-type", "application/x-www-form-urlencoded")
                .body("answer=no"))
            .await;
        assert_eq!(again.status, StatusCode::OK, "{}", again.text);
        assert_eq!(app.store.ledger(org.id, &rq).await.unwrap().len(), 1, "the first answer counts");
        let progress = app.store.requalification(org.id, campaign.id).await.unwrap().unwrap().progress;
        assert_eq!((progress.confirmed, progress.refused, progress.silent), (1, 0, 0));
    }
}

// A campaign over the API: created (201) with who it asks, audited; read back with its
// progress, also on the retention page; an unknown campaign 404; an invalid field refused
// naming it.
both_stores! {
    async fn a_requalification_campaign_over_the_api(app) {
        prospect(&app, "RQ-SOON", "2024-02-01T09:00:00Z").await;
        prospect(&app, "RQ-FRESH", "2025-06-01T09:00:00Z").await;
        app.json(Method::POST, "/api/v1/retention/requalifications",
            &json!({"name": "Relance", "channel": "pigeon", "within_days": 90}))
            .await
            .field_error(400, "invalid_field", "channel");
        app.json(Method::POST, "/api/v1/retention/requalifications",
            &json!({"name": "Relance", "within_days": 90, "at": "yesterday"}))
            .await
            .field_error(400, "invalid_field", "at");
        let created = app.json(Method::POST, "/api/v1/retention/requalifications",
            &json!({"name": "Relance 2026", "within_days": 90, "at": "2026-12-05T10:00:00+01:00"}))
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
        let created = created.json();
        assert_eq!(created["progress"]["asked"], 1, "{created}");
        assert_eq!(created["channel"], "email");
        assert_eq!(created["closes_at"], "2027-01-04T09:00:00Z", "{created}");
        let id = created["id"].as_i64().unwrap();
        let shown = app.get(&format!("/api/v1/retention/requalifications/{id}")).await;
        assert_eq!(shown.status, StatusCode::OK, "{}", shown.text);
        // Asked, not yet sent (no export of the links yet): not silent.
        let progress = &shown.json()["progress"];
        assert_eq!((progress["sent"].as_i64(), progress["silent"].as_i64(), progress["not_sent"].as_i64()),
            (Some(0), Some(0), Some(1)), "{progress}");
        let missing = app.get(&format!("/api/v1/retention/requalifications/{}", id + 100)).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.text);
        let trail = app.get("/api/v1/audit?limit=1000").await.json();
        let made: Vec<_> = trail["entries"].as_array().unwrap().iter()
            .filter(|e| e["action"] == "retention.requalification.create").collect();
        assert_eq!(made.len(), 1, "{trail}");
        // The retention page shows the campaign's progress.
        let page = app.get("/retention").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert!(page.text.contains("Campagnes de requalification"), "{}", page.text);
        assert!(page.text.contains("<td>Relance 2026</td>"), "{}", page.text);
    }
}

// The consent coverage over the API and the page: the counts at a moment, the CSV of one count
// (formula-safe, audited), a wrong word named, the page's numbers linking to their lists.
both_stores! {
    async fn the_coverage_report_counts_and_lists_over_the_api_and_the_page(app) {
        prospect(&app, "R-OLD", "2023-12-04T09:00:00Z").await;
        prospect(&app, "R-NEW", "2023-12-06T09:00:00Z").await;
        prospect(&app, "=R-FORMULA", "2026-01-06T09:00:00Z").await;
        let at = "at=2026-12-05T10:00:00%2B01:00";
        let r = app.get(&format!("/api/v1/retention/coverage?{at}")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let r = r.json();
        assert_eq!(r["contacts"], 3, "{r}");
        let cell = r["cells"].as_array().unwrap().iter()
            .find(|c| c["channel"] == "email" && c["purpose"] == "marketing").unwrap();
        assert_eq!(cell["counts"]["past_period"], 1, "{cell}");
        assert_eq!(cell["counts"]["no_basis"], 2, "{cell}");
        assert_eq!(cell["counts"]["consent"], 0, "{cell}");

        let list = app.get(&format!(
            "/api/v1/retention/coverage/list?{at}&category=no_basis&channel=email&purpose=marketing")).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.text);
        assert_eq!(list.text, "contact_ref\r\nR-NEW\r\n'=R-FORMULA\r\n");
        let trail = app.get("/api/v1/audit?limit=1000").await.json();
        assert!(trail["entries"].as_array().unwrap().iter().any(|e|
            e["action"] == "retention.coverage.list" && e["target"] == "contacts:R-NEW,=R-FORMULA"), "{trail}");
        app.get("/api/v1/retention/coverage/list?category=everyone&channel=email&purpose=marketing")
            .await
            .field_error(400, "invalid_field", "category");
        app.get("/api/v1/retention/coverage?at=yesterday").await.field_error(400, "invalid_field", "at");

        let page = app.get("/retention/coverage").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert!(page.text.contains("Consentement prouvé"), "{}", page.text);
        assert!(page.text.contains("/retention/coverage/list?at="), "{}", page.text);
        assert!(app.get("/retention").await.text.contains("href=\"/retention/coverage\""));
        let csv = app.get("/retention/coverage/list?category=no_basis&channel=email&purpose=marketing").await;
        assert_eq!(csv.status, StatusCode::OK, "{}", csv.text);
        assert!(csv.text.starts_with("contact_ref\r\n"), "{}", csv.text);
        let (agent, _) = signed_in(&app.store, "agent@example.org", Role::Agent, &[DEFAULT_ORG]).await;
        let a = app.send(app.anonymous(Method::GET, "/api/v1/retention/coverage").header("cookie", &agent)).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.text);
    }
}

// A campaign without proof of consent over the API: it asks the contact with no basis (not the
// one who consented), says its selection, refuses an unknown one naming the field; its public
// page names the organization's DPO from the registers.
both_stores! {
    async fn a_campaign_without_proof_of_consent_and_its_page_naming_the_dpo(app) {
        prospect(&app, "RQ-NOPROOF", "2026-01-06T09:00:00Z").await;
        prospect(&app, "RQ-CONSENT", "2026-01-06T09:00:00Z").await;
        let granted = app.event("RQ-CONSENT", json!({"channel": "email", "purpose": "marketing",
            "action": "grant", "at": "2026-01-06T09:00:00Z", "method": "double_opt_in"})).await;
        assert!(granted.status.is_success(), "{}", granted.text);
        app.json(Method::POST, "/api/v1/retention/requalifications",
            &json!({"name": "Sans preuve", "selection": "everyone"}))
            .await
            .field_error(400, "invalid_field", "selection");
        app.json(Method::POST, "/api/v1/retention/requalifications",
            &json!({"name": "Relance"}))
            .await
            .field_error(400, "invalid_field", "within_days");
        let created = app.json(Method::POST, "/api/v1/retention/requalifications",
            &json!({"name": "Sans preuve", "selection": "without_consent_proof"})).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
        let created = created.json();
        assert_eq!(created["selection"], "without_consent_proof", "{created}");
        assert_eq!(created["progress"]["asked"], 1, "{created}");

        let registers = serde_json::to_value(vigie_core::registers::from_yaml(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"), "/../vigie/src/demo_registers.yaml"))).unwrap()).unwrap();
        assert_eq!(app.json(Method::PUT, "/api/v1/registers", &registers).await.status, StatusCode::OK);
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        let id = created["id"].as_i64().unwrap();
        let links = app.store
            .requalification_links(org.id, id, jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24))
            .await
            .unwrap();
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].contact_ref, "RQ-NOPROOF");
        let page = app.send(app.anonymous(Method::GET, &format!("/requalify/default/{}", links[0].token))).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert!(page.text.contains("Délégué à la protection des données : Julien Marchand — dpo@optique-horizon.example"), "{}", page.text);
    }
}

/// An instant `days` before now, as the API reads it: campaigns that export links need their
/// window open, so these tests count from now.
fn days_ago(days: i64) -> String {
    (jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24 * days))
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// A page's text, for the session `cookie`.
async fn page_at(app: &TestApp, path: &str, cookie: &str) -> String {
    app.send(app.anonymous(Method::GET, path).header("cookie", cookie))
        .await
        .text
}

/// The rows of a CSV answer, each split into its cells (no cell of these files holds a comma).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

// The links file over the API: one row per person the channel reaches, formula-safe, each link
// on this server's address and verified by the person's page; downloading it marks them sent
// (the progress says so), records the export and audits it; another organization's campaign is
// not found; reading the campaign is not enough to download its links.
both_stores! {
    async fn the_api_exports_a_campaigns_links_and_marks_them_sent(app) {
        prospect(&app, "RQ-A", &days_ago(10)).await;
        prospect(&app, "=RQ-F", &days_ago(10)).await;
        app.create(json!({"contact_ref": "RQ-PHONE", "phone": "+33612345678", "audience": "consumer",
            "collected_at": days_ago(10), "informed": true, "objection_offered": true})).await;
        let created = app.json(Method::POST, "/api/v1/retention/requalifications",
            &json!({"name": "Relance", "within_days": 3650})).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
        let created = created.json();
        assert_eq!(created["progress"]["asked"], 3, "{created}");
        assert_eq!((created["progress"]["sent"].as_i64(), created["progress"]["not_sent"].as_i64()), (Some(0), Some(3)));
        let id = created["id"].as_i64().unwrap();

        let file = app.get(&format!("/api/v1/retention/requalifications/{id}/links")).await;
        assert_eq!(file.status, StatusCode::OK, "{}", file.text);
        assert!(file.header("content-type").starts_with("text/csv"), "{:?}", file.headers);
        let rows = csv_rows(&file.text);
        assert_eq!(rows[0], ["contact_ref", "email", "link", "token", "expires"]);
        let mut refs: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
        refs.sort_unstable();
        assert_eq!(refs, ["'=RQ-F", "RQ-A"], "no e-mail address, no row in an e-mail file: {}", file.text);
        let a = rows.iter().find(|r| r[0] == "RQ-A").unwrap();
        assert_eq!(a[1], "rq-a@example.org");
        assert_eq!(a[4], created["closes_at"].as_str().unwrap(), "valid until the window closes");
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        for row in &rows[1..] {
            let token = &row[3];
            assert_eq!(row[2], format!("{}/requalify/default/{token}", app.base));
            let target = app.store.requalification_target(org.id, token, jiff::Timestamp::now()).await.unwrap();
            assert_eq!(target.campaign_id, id);
            assert_eq!(target.contact_ref, row[0].trim_start_matches('\''));
            // The link itself opens the person's page.
            let page = app.send(app.anonymous(Method::GET, row[2].strip_prefix(&app.base).unwrap())).await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.text);
            assert!(page.text.contains("name=\"answer\""), "{}", page.text);
        }

        let shown = app.get(&format!("/api/v1/retention/requalifications/{id}")).await.json();
        let p = &shown["progress"];
        assert_eq!((p["sent"].as_i64(), p["silent"].as_i64(), p["not_sent"].as_i64()), (Some(2), Some(2), Some(1)), "{shown}");
        let trail = app.get("/api/v1/audit?limit=1000").await.json();
        let exported: Vec<_> = trail["entries"].as_array().unwrap().iter()
            .filter(|e| e["action"] == "retention.requalification.export").collect();
        assert_eq!(exported.len(), 1, "{trail}");
        assert_eq!(exported[0]["target"], format!("requalification:{id}"));

        // Another organization's campaign does not exist for this one.
        app.store.create_org("other", "Other").await.unwrap();
        let foreign = app.get_as("other", &format!("/api/v1/retention/requalifications/{id}/links")).await;
        foreign.error(404, "not_found");
        assert_eq!(app.store.requalification_exports(org.id, id).await.unwrap().len(), 1);
        // An auditor reads the campaign, not its links.
        let (auditor, _) = signed_in(&app.store, "auditor@example.org", Role::Auditor, &[DEFAULT_ORG]).await;
        let read = app.send(app.anonymous(Method::GET, &format!("/api/v1/retention/requalifications/{id}")).header("cookie", &auditor)).await;
        assert_eq!(read.status, StatusCode::OK, "{}", read.text);
        let links = app.send(app.anonymous(Method::GET, &format!("/api/v1/retention/requalifications/{id}/links")).header("cookie", &auditor)).await;
        assert_eq!(links.status, StatusCode::FORBIDDEN, "{}", links.text);
        // An SMS campaign's file carries the number.
        let sms = app.json(Method::POST, "/api/v1/retention/requalifications",
            &json!({"name": "Relance SMS", "channel": "sms", "within_days": 3650})).await.json();
        let file = app.get(&format!("/api/v1/retention/requalifications/{}/links", sms["id"])).await;
        let rows = csv_rows(&file.text);
        assert_eq!(rows[0], ["contact_ref", "phone", "link", "token", "expires"], "{}", file.text);
        assert_eq!(rows.len(), 2, "{}", file.text);
        assert_eq!(rows[1][..2], ["RQ-PHONE", "+33612345678"]);
    }
}

// The campaigns in the web application: the form on /retention creates one (CSRF checked by the
// gate), a refused one comes back with the typed values and the refusal beside its field; the
// campaign's page shows its settings, what the window's end does, and its progress once the
// links are downloaded (which marks them sent) and two people answered on their page, one yes
// and one no; a reader sees the page but neither the form nor the download.
both_stores! {
    async fn a_campaign_is_created_and_followed_from_the_web_application(app) {
        for r in ["W-YES", "W-NO", "W-SILENT"] {
            prospect(&app, r, &days_ago(10)).await;
        }
        let (cookie, csrf) = signed_in(&app.store, "dpo@example.org", Role::Dpo, &[DEFAULT_ORG]).await;
        let post = |body: String| app.anonymous(Method::POST, "/retention/requalifications")
            .header("cookie", &cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        let fields = |csrf: &str, window: &str, within: &str| form_body(&[("csrf", csrf), ("name", "Relance d'hiver"),
            ("channel", "sms"), ("selection", "period_ending"), ("within_days", within), ("window_days", window)]);

        // Without the session's CSRF token: refused by the gate, nothing created.
        let forged = app.send(post(fields("nope", "30", "3650"))).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.text);
        // A wrong window: the form again, as typed, the refusal beside the field.
        let wrong = app.send(post(fields(&csrf, "0", "3650"))).await;
        assert_eq!(wrong.status, StatusCode::BAD_REQUEST, "{}", wrong.text);
        assert!(wrong.text.contains("value=\"Relance d&#39;hiver\"") || wrong.text.contains("value=\"Relance d'hiver\""), "{}", wrong.text);
        assert!(wrong.text.contains("<option value=\"sms\" selected>"), "{}", wrong.text);
        assert!(wrong.text.contains("value=\"3650\""), "{}", wrong.text);
        assert!(wrong.text.contains("<p class=\"field-error\" id=\"f-window_days-error\">Indiquez un délai de réponse entre 1 et 365 jours.</p>"), "{}", wrong.text);
        let not_a_number = app.send(post(fields(&csrf, "30", "bientôt"))).await;
        assert_eq!(not_a_number.status, StatusCode::BAD_REQUEST, "{}", not_a_number.text);
        assert!(not_a_number.text.contains("id=\"f-within_days-error\""), "{}", not_a_number.text);
        assert!(not_a_number.text.contains("value=\"bientôt\""), "{}", not_a_number.text);
        assert!(app.store.requalifications(org.id, 10).await.unwrap().is_empty(), "nothing created");

        // Created: the campaign's page, which says so.
        let made = app.send(post(form_body(&[("csrf", &csrf), ("name", "Relance d'hiver"), ("channel", "email"),
            ("selection", "period_ending"), ("within_days", "3650"), ("window_days", "30")]))).await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.text);
        assert!(made.text.contains("Campagne créée"), "{}", made.text);
        let campaigns = app.store.requalifications(org.id, 10).await.unwrap();
        assert_eq!(campaigns.len(), 1);
        let c = &campaigns[0];
        assert_eq!((c.progress.asked, c.progress.not_sent), (3, 3));
        let trail = app.get("/api/v1/audit?limit=1000").await.json();
        assert!(trail["entries"].as_array().unwrap().iter().any(|e|
            e["action"] == "retention.requalification.create" && e["actor"] == "user:dpo@example.org"), "{trail}");
        let path = format!("/retention/requalifications/{}", c.id);
        let page = |cookie: String| app.send(app.anonymous(Method::GET, &path).header("cookie", cookie));
        let before = page(cookie.clone()).await;
        assert!(before.text.contains("Prospects dont la durée de conservation se termine dans les 3650\u{a0}jours"), "{}", before.text);
        assert!(before.text.contains("La fenêtre de réponse se ferme le"), "{}", before.text);
        assert!(before.text.contains("efface les personnes qui n'ont pas répondu « oui »"), "{}", before.text);
        assert!(before.text.contains("<td>3</td><td>0</td><td>0</td><td>0</td><td>0</td><td>3</td>"), "{}", before.text);
        assert!(before.text.contains("Télécharger les liens (CSV)"), "{}", before.text);
        assert!(app.get("/retention").await.text.contains(&format!("href=\"{path}\"")));

        // The download marks the three sent.
        let file = app.send(app.anonymous(Method::GET, &format!("{path}/links")).header("cookie", &cookie)).await;
        assert_eq!(file.status, StatusCode::OK, "{}", file.text);
        let rows = csv_rows(&file.text);
        assert_eq!(rows.len(), 4, "{}", file.text);
        let token = |r: &str| rows.iter().find(|row| row[0] == r).unwrap()[3].clone();
        for (r, answer) in [("W-YES", "yes"), ("W-NO", "no")] {
            let answered = app.send(app.anonymous(Method::POST, &format!("/requalify/default/{}", token(r)))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!("answer={answer}&lang=fr"))).await;
            assert_eq!(answered.status, StatusCode::OK, "{}", answered.text);
        }
        let after = page(cookie.clone()).await;
        // Asked, sent, confirmed, refused, silent, not yet sent.
        assert!(after.text.contains("<td>3</td><td>3</td><td>1</td><td>1</td><td>1</td><td>0</td>"), "{}", after.text);
        assert!(after.text.contains("user:dpo@example.org"), "the export and who made it: {}", after.text);
        let list = app.get("/retention").await.text;
        assert!(list.contains("<td>3</td><td>1</td><td>1</td><td>1</td><td>0</td>"), "{list}");

        // A reader: the page, not the form nor the download.
        let (auditor, _) = signed_in(&app.store, "auditor@example.org", Role::Auditor, &[DEFAULT_ORG]).await;
        let read = page(auditor.clone()).await;
        assert_eq!(read.status, StatusCode::OK, "{}", read.text);
        assert!(!read.text.contains("Télécharger les liens"), "{}", read.text);
        let retention = app.send(app.anonymous(Method::GET, "/retention").header("cookie", &auditor)).await;
        assert!(!retention.text.contains("name=\"window_days\""), "{}", retention.text);
        let download = app.send(app.anonymous(Method::GET, &format!("{path}/links")).header("cookie", &auditor)).await;
        assert_eq!(download.status, StatusCode::FORBIDDEN, "{}", download.text);
        assert_eq!(app.store.requalification_exports(org.id, c.id).await.unwrap().len(), 1);

        // Whether the run after the window has happened: an open window says neither; a closed
        // one with no run since says the next run erases; the first run deciding for the
        // window's end or later is named on both pages once it has finished.
        assert!(!after.text.contains("data-handled-by") && !after.text.contains("Aucun passage de conservation"), "{}", after.text);
        let old = app.json(Method::POST, "/api/v1/retention/requalifications",
            &json!({"name": "Relance 2020", "within_days": 90, "at": "2020-01-01T10:00:00Z"})).await;
        assert_eq!(old.status, StatusCode::CREATED, "{}", old.text);
        let old_path = format!("/retention/requalifications/{}", old.json()["id"]);
        let waiting = page_at(&app, &old_path, &cookie).await;
        assert!(waiting.contains("Aucun passage de conservation n'a encore eu lieu depuis la fermeture de la fenêtre"), "{waiting}");
        assert!(!waiting.contains("data-handled-by"), "{waiting}");
        // A run for a moment before this campaign's window closes does not count.
        let before_close = (c.closes_at - jiff::SignedDuration::from_hours(24)).to_string();
        let early = app.store.run_retention(org.id, &before_close, RunLimits::default(),
            AuditEvent { actor: "cli:test".into(), ..AuditEvent::default() }).await.unwrap();
        assert!(!page(cookie.clone()).await.text.contains("data-handled-by"));
        assert!(page_at(&app, &old_path, &cookie).await.contains(&format!("data-handled-by=\"{}\"", early.id)));
        let after_close = (c.closes_at + jiff::SignedDuration::from_hours(24)).to_string();
        let run = app.store.run_retention(org.id, &after_close, RunLimits::default(),
            AuditEvent { actor: "cli:test".into(), ..AuditEvent::default() }).await.unwrap();
        let handled = page(cookie.clone()).await.text;
        assert!(handled.contains(&format!("data-handled-by=\"{}\"", run.id)), "{handled}");
        assert!(handled.contains(&format!("Le passage de conservation n°\u{a0}{}, terminé le", run.id)), "{handled}");
        assert!(handled.contains("a traité cette campagne : les personnes sans réponse « oui » à ce moment ont été effacées."), "{handled}");
        // The silent and the refusing were erased by it, the yes kept.
        assert_eq!(run.erased, 2, "{run:?}");
    }
}

// The accounting archive over the API and the page (branch s5-archive): a customer archived by
// a run keeps its names, no e-mail nor phone (a search by e-mail finds nothing), and says until
// when it is kept; a 30 June financial year end (29 February refused, naming the field; the
// change audited old -> new) moves that date; the coverage counts a suppressed e-mail and a
// number on Bloctel apart.
both_stores! {
    async fn an_archived_customer_shows_its_accounting_hold_and_the_year_end_moves_it(app) {
        app.json(Method::PUT, "/api/v1/org/settings", &json!({"financial_year_end": "02-29"}))
            .await
            .field_error(400, "invalid_field", "financial_year_end");
        let set = app.json(Method::PUT, "/api/v1/org/settings", &json!({"financial_year_end": "06-30"})).await;
        assert_eq!(set.status, StatusCode::OK, "{}", set.text);
        assert_eq!(set.json()["financial_year_end"], "06-30");
        assert_eq!(app.get("/api/v1/org/settings").await.json()["financial_year_end"], "06-30");
        let trail = app.get("/api/v1/audit?limit=1000").await.json();
        assert!(trail["entries"].as_array().unwrap().iter().any(|e|
            e["action"] == "organization.settings"
                && e["reason"] == "financial_year_end: 12-31 -> 06-30"), "{trail}");
        let page = app.get("/admin/settings").await;
        assert!(page.text.contains("name=\"financial_year_end\""), "{}", page.text);
        assert!(page.text.contains("value=\"06-30\""), "{}", page.text);

        app.create(json!({"contact_ref": "R-BUYER", "email": "buyer@example.org",
            "phone": "+33612345678", "first_name": "Marie", "last_name": "Curie",
            "audience": "consumer", "customer": true, "customer_categories": ["optics"],
            "collected_at": "2020-01-01T09:00:00Z", "relationship_ended_at": "2023-12-04T09:00:00Z"}))
            .await;
        let before = app.get("/api/v1/contacts/R-BUYER").await.json();
        assert_eq!(before["accounting_archive"], Value::Null, "{before}");
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        let run = app.store
            .run_retention(org.id, "2026-12-05T10:00:00+01:00", RunLimits::default(),
                AuditEvent { actor: "cli:test".into(), ..AuditEvent::default() })
            .await
            .unwrap();
        assert_eq!(run.archived, 1);
        let c = app.get("/api/v1/contacts/R-BUYER").await.json();
        assert_eq!((c["first_name"].as_str(), c["last_name"].as_str()), (Some("Marie"), Some("Curie")), "{c}");
        assert_eq!((&c["email"], &c["phone"]), (&Value::Null, &Value::Null), "{c}");
        assert_eq!(c["customer_categories"], json!([]), "{c}");
        // The year closed on 30 June 2024 holds the end of the relationship: ten years from it.
        assert_eq!(c["accounting_archive"]["last_day"], "2034-06-30", "{c}");
        assert_eq!(c["accounting_archive"]["until"], "2034-06-30T22:00:00Z", "{c}");
        assert!(c["accounting_archive"]["reduced_at"].is_string(), "{c}");
        let found = app.get("/api/v1/contacts?email=buyer%40example.org").await.json();
        assert_eq!(found["contacts"], json!([]), "{found}");
        let page = app.get("/contacts/R-BUYER").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert!(page.text.contains("Archivé pour obligation comptable jusqu&#39;au 2034-06-30")
            || page.text.contains("Archivé pour obligation comptable jusqu'au 2034-06-30"), "{}", page.text);
        assert!(page.text.contains("L123-22"), "{}", page.text);
        // The archive keeps its restriction and gets no channel back: the page offers neither.
        assert!(page.text.contains("ne peut pas être levée"), "{}", page.text);
        assert!(!page.text.contains("Lever la limitation"), "{}", page.text);
        let corrections = page.text.split("id=\"f-field\"").nth(1).and_then(|s| s.split("</select>").next())
            .unwrap_or_else(|| panic!("no correction form: {}", page.text));
        assert!(!corrections.contains("value=\"email\""), "{corrections}");
        assert!(!corrections.contains("value=\"phone\""), "{corrections}");
        assert!(corrections.contains("value=\"last_name\""), "{corrections}");
    }

    async fn the_coverage_counts_the_suppression_list_and_bloctel_apart(app) {
        app.create(json!({"contact_ref": "R-CONSENT", "email": "consent@example.org",
            "audience": "consumer", "collected_at": "2026-01-06T09:00:00Z"})).await;
        let granted = app.event("R-CONSENT", json!({"channel": "email", "purpose": "marketing",
            "action": "grant", "at": "2026-01-06T09:00:00Z", "method": "double_opt_in"})).await;
        assert!(granted.status.is_success(), "{}", granted.text);
        app.create(json!({"contact_ref": "R-CALLED", "phone": "+33698765432", "audience": "consumer",
            "collected_at": "2026-01-06T09:00:00Z", "informed": true, "objection_offered": true})).await;
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        app.store.import_suppression(org.id, vec![vigie_core::suppression_hash("consent@example.org")])
            .await
            .unwrap();
        let crypto = app.store.org_crypto(org.id).await.unwrap();
        let number = vigie_core::PhoneE164::parse_e164("+33698765432").unwrap();
        app.store.import_opposition(org.id, vec![crypto.index.phone_index(&number)]).await.unwrap();
        let at = "at=2026-03-02T10:00:00%2B01:00";
        let r = app.get(&format!("/api/v1/retention/coverage?{at}")).await.json();
        let cell = |channel: &str| r["cells"].as_array().unwrap().iter()
            .find(|c| c["channel"] == channel && c["purpose"] == "marketing").unwrap()["counts"].clone();
        assert_eq!(cell("email")["consent"], 0, "{r}");
        assert_eq!(cell("email")["suppressed"], 1, "{r}");
        assert_eq!(cell("phone")["opposition_list"], 1, "{r}");
        let list = app.get(&format!(
            "/api/v1/retention/coverage/list?{at}&category=opposition_list&channel=phone&purpose=marketing")).await;
        assert_eq!(list.text, "contact_ref\r\nR-CALLED\r\n");
        let page = app.get("/retention/coverage").await;
        assert!(page.text.contains("Liste de suppression"), "{}", page.text);
        assert!(page.text.contains("Liste d&#39;opposition (Bloctel)")
            || page.text.contains("Liste d'opposition (Bloctel)"), "{}", page.text);
    }
}
