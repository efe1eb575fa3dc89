//! The dashboard and the administration pages from the outside: the figures are computed in
//! the background and then read; members, tokens, settings and the audit verification change
//! through forms, as the API would.

use vigie_core::Role;
use vigie_store::DEFAULT_ORG;

use crate::common::*;

/// A form POST with a session cookie (and its CSRF token in the form).
async fn post_form(app: &TestApp, cookie: &str, path: &str, body: &str) -> Answer {
    app.send(
        app.anonymous(Method::POST, path)
            .header("cookie", cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_owned()),
    )
    .await
}

async fn page(app: &TestApp, cookie: &str, path: &str) -> Answer {
    app.send(app.anonymous(Method::GET, path).header("cookie", cookie))
        .await
}

fn days_ago(days: i64) -> String {
    (jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24 * days)).to_string()
}

both_stores! {
    async fn every_answer_says_how_long_the_server_took(app) {
        for path in ["/healthz", "/api/v1/contacts", "/nope"] {
            let a = app.get(path).await;
            let timing = a.header("server-timing");
            let ms: f64 = timing.strip_prefix("app;dur=").and_then(|d| d.parse().ok())
                .unwrap_or_else(|| panic!("{path}: Server-Timing {timing:?}"));
            assert!((0.0..10_000.0).contains(&ms), "{path}: {timing}");
        }
    }

    async fn the_dashboard_reads_figures_computed_in_the_background(app) {
        let (cookie, _) = signed_in(&app.store, "dpo@example.org", Role::Dpo, &[DEFAULT_ORG]).await;
        // Three contacts with an e-mail: one granted then kept, one granted then withdrew,
        // one without consent; one contact with a phone only.
        for (r, email) in [("D1", "a@example.org"), ("D2", "b@example.org"), ("D3", "c@example.org")] {
            app.create(json!({"contact_ref": r, "email": email, "audience": "consumer"})).await;
        }
        app.create(json!({"contact_ref": "D4", "phone": "+33612345678", "audience": "consumer"})).await;
        let grant = |at: String| json!({"channel": "email", "purpose": "marketing", "action": "grant", "at": at,
            "method": "double_opt_in", "source": "form"});
        for r in ["D1", "D2"] {
            assert_eq!(app.event(r, grant(days_ago(10))).await.status, StatusCode::CREATED);
        }
        let withdraw = json!({"channel": "email", "purpose": "marketing", "action": "withdraw", "at": days_ago(3),
            "method": "unsubscribe_link", "source": "mail"});
        assert_eq!(app.event("D2", withdraw).await.status, StatusCode::CREATED);

        // The first view starts the computation; a later one reads it.
        let mut text = String::new();
        for _ in 0..100 {
            let a = page(&app, &cookie, "/").await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.text);
            text = a.text;
            if text.contains("Chiffres calculés le") && !text.contains("mise à jour en cours") {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        assert!(text.contains("Qui peut-on joindre, par canal ?"), "{text}");
        // E-mail: one of four contacts reachable, two blocked, one without an address.
        assert!(text.contains("<th scope=\"row\">e-mail</th><td>1</td><td>2</td><td>1</td>"), "{text}");
        assert!(text.contains("e-mail : 25 % joignables (1 / 4)"), "{text}");
        // The codes that block, in words, with their code.
        assert!(text.contains("<code>NO_CONSENT</code>") || text.contains("<code>WITHDRAWN</code>"), "{text}");
        // The trend: two grants and one withdrawal in the last weeks.
        let weeks = text.split_once("Consentements par semaine").expect("the trend").1;
        let grants: u64 = weeks.matches("<td>2</td><td>0</td><td>0</td>").count() as u64;
        assert_eq!(grants, 1, "{weeks}");
        assert!(weeks.contains("<td>0</td><td>1</td><td>0</td>"), "{weeks}");
        // Open requests and the audit chain.
        assert!(text.contains("à rendre sous 7 jours"), "{text}");
        assert!(text.contains("jamais vérifié"), "{text}");

        // A change moves the data version: the figures say they are behind, then catch up.
        app.create(json!({"contact_ref": "D5", "email": "d@example.org", "audience": "consumer"})).await;
        let behind = page(&app, &cookie, "/").await.text;
        assert!(behind.contains("(1 / 4)") || behind.contains("(1 / 5)"), "{behind}");
        for _ in 0..100 {
            text = page(&app, &cookie, "/").await.text;
            if text.contains("(1 / 5)") && !text.contains("mise à jour en cours") {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        assert!(text.contains("e-mail : 20 % joignables (1 / 5)"), "{text}");
    }

    async fn an_invitation_names_the_address_the_browser_reached(app) {
        let (cookie, csrf) = signed_in(&app.store, "admin@example.org", Role::Admin, &[DEFAULT_ORG]).await;
        let invite = app
            .send(
                app.anonymous(Method::POST, "/admin/members")
                    .header("cookie", &cookie)
                    .header("host", "vigie.example.org:8443")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(format!("csrf={csrf}&email=new%40example.org&role=marketer")),
            )
            .await;
        assert_eq!(invite.status, StatusCode::OK, "{}", invite.text);
        let start = invite.text.find("http://vigie.example.org:8443/setup/").expect("a set-up link on the address reached");
        let link = &invite.text[start..];
        let path = &link["http://vigie.example.org:8443".len()..link.find('"').unwrap()];
        assert!(!invite.text.contains("127.0.0.1:8080"), "{}", invite.text);
        // The link opens the set-up page.
        let setup = app.send(app.anonymous(Method::GET, path)).await;
        assert_eq!(setup.status, StatusCode::OK, "{}", setup.text);
        // The member is listed; the audit trail has the change.
        let list = page(&app, &cookie, "/admin").await;
        assert!(list.text.contains("new@example.org"), "{}", list.text);
        let audit = app.get("/api/v1/audit?limit=1000").await.json();
        assert!(audit["entries"].as_array().unwrap().iter().any(|e| e["action"] == "user.add"), "{audit}");

        // The last admin cannot demote themselves: said in words, nothing changed.
        let me = app.store.user_by_email("admin@example.org").await.unwrap().unwrap();
        let demote = post_form(&app, &cookie, "/admin/members",
            &format!("csrf={csrf}&email=admin%40example.org&role-{}=dpo", me.id)).await;
        assert_eq!(demote.status, StatusCode::CONFLICT, "{}", demote.text);
        assert!(demote.text.contains("Le dernier administrateur de l'organisation ne peut être ni retiré ni rétrogradé"), "{}", demote.text);
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        assert_eq!(app.store.role_in(me.id, org.id).await.unwrap(), Some(Role::Admin));
        // A bad address is refused beside its field.
        let bad = post_form(&app, &cookie, "/admin/members", &format!("csrf={csrf}&email=nope&role=agent")).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.text);
        assert!(bad.text.contains("aria-describedby=\"f-email-error\""), "{}", bad.text);
        // Removing the new member.
        let new = app.store.user_by_email("new@example.org").await.unwrap().unwrap();
        let removed = post_form(&app, &cookie, &format!("/admin/members/{}/remove", new.id), &format!("csrf={csrf}")).await;
        // Back to the list (the client follows the redirect), which says so.
        assert_eq!(removed.status, StatusCode::OK, "{}", removed.text);
        assert!(removed.text.contains("Membre retiré."), "{}", removed.text);
        assert_eq!(app.store.role_in(new.id, org.id).await.unwrap(), None);
    }

    async fn a_token_is_shown_once_then_revoked(app) {
        let (cookie, csrf) = signed_in(&app.store, "admin@example.org", Role::Admin, &[DEFAULT_ORG]).await;
        let none = post_form(&app, &cookie, "/admin/tokens", &format!("csrf={csrf}&name=CRM&days=30")).await;
        assert_eq!(none.status, StatusCode::BAD_REQUEST, "{}", none.text);
        assert!(none.text.contains("Cochez au moins un droit"), "{}", none.text);
        let made = post_form(&app, &cookie, "/admin/tokens",
            &format!("csrf={csrf}&name=CRM&days=30&scope=contacts%3Aread&scope=decide")).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
        let at = made.text.find("id=\"token-secret\">").expect("the secret") + "id=\"token-secret\">".len();
        let secret = &made.text[at..at + made.text[at..].find('<').unwrap()];
        let ok = app.send(app.anonymous(Method::GET, "/api/v1/contacts").bearer_auth(secret)).await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
        // Listed without its secret.
        let list = page(&app, &cookie, "/admin/tokens").await;
        assert!(list.text.contains("contacts:read, decide"), "{}", list.text);
        assert!(!list.text.contains(secret), "the secret is shown once");
        let id = app.store.tokens(app.store.require_org(DEFAULT_ORG).await.unwrap().id).await.unwrap()
            .into_iter().find(|t| t.name == "CRM").unwrap().id;
        let revoked = post_form(&app, &cookie, &format!("/admin/tokens/{id}/revoke"), &format!("csrf={csrf}")).await;
        assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.text);
        assert!(revoked.text.contains("Jeton révoqué"), "{}", revoked.text);
        app.send(app.anonymous(Method::GET, "/api/v1/contacts").bearer_auth(secret)).await.error(401, "token_revoked");
    }

    async fn settings_are_changed_through_a_form_with_errors_beside_the_field(app) {
        let (cookie, csrf) = signed_in(&app.store, "admin@example.org", Role::Admin, &[DEFAULT_ORG]).await;
        let shown = page(&app, &cookie, "/admin/settings").await;
        assert!(shown.text.contains("value=\"Europe/Paris\""), "{}", shown.text);
        let bad = post_form(&app, &cookie, "/admin/settings",
            &format!("csrf={csrf}&region=BE&time_zone=Mars%2FOlympus&lang=fr")).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.text);
        assert!(bad.text.contains("<p class=\"field-error\" id=\"f-time_zone-error\">Un fuseau horaire IANA"), "{}", bad.text);
        assert!(bad.text.contains("value=\"Mars/Olympus\""), "what was typed stays: {}", bad.text);
        assert_eq!(app.get("/api/v1/org/settings").await.json()["region"], "FR", "nothing half-done");
        let good = post_form(&app, &cookie, "/admin/settings",
            &format!("csrf={csrf}&region=BE&time_zone=Europe%2FBrussels&lang=en")).await;
        assert_eq!(good.status, StatusCode::OK, "{}", good.text);
        assert!(good.text.contains("Réglages enregistrés."), "{}", good.text);
        let now = app.get("/api/v1/org/settings").await.json();
        assert_eq!((now["region"].as_str(), now["time_zone"].as_str(), now["lang"].as_str()),
            (Some("BE"), Some("Europe/Brussels"), Some("en")));
    }

    async fn the_audit_verification_button_says_the_result_and_the_dashboard_remembers_it(app) {
        let (cookie, csrf) = signed_in(&app.store, "auditor@example.org", Role::Auditor, &[DEFAULT_ORG]).await;
        let result = post_form(&app, &cookie, "/admin/audit/verify", &format!("csrf={csrf}")).await;
        assert_eq!(result.status, StatusCode::OK, "{}", result.text);
        assert!(result.text.contains("Le journal d'audit est intact"), "{}", result.text);
        let dash = page(&app, &cookie, "/").await;
        assert!(dash.text.contains("Dernière vérification"), "{}", dash.text);
        assert!(dash.text.contains("<strong class=\"allow\">intact</strong>"), "{}", dash.text);
        // An auditor manages neither members nor tokens.
        assert_eq!(page(&app, &cookie, "/admin").await.status, StatusCode::FORBIDDEN);
        assert_eq!(page(&app, &cookie, "/admin/tokens").await.status, StatusCode::FORBIDDEN);
    }

    async fn the_dashboard_lists_the_latest_imports_to_who_may_import(app) {
        let at = jiff::Timestamp::now();
        let run = |file: &str, outcome: &str, inserted: u64, rejected: u64| vigie_store::NewImportRun {
            kind: "contacts".into(),
            file_name: Some(file.into()),
            actor: "user:marketer@example.org".into(),
            started_at: at,
            finished_at: at,
            outcome: outcome.into(),
            rows: inserted + rejected,
            inserted,
            updated: 0,
            unchanged: 0,
            removed: 0,
            rejected,
            message: None,
        };
        let org = app.store.org(DEFAULT_ORG).await.unwrap().unwrap().id;
        let first = app.store.record_import_run(org, &run("clients-janvier.csv", "done", 41, 0)).await.unwrap();
        let second = app.store.record_import_run(org, &run("clients-fevrier.csv", "refused", 0, 3)).await.unwrap();

        let (cookie, _) = signed_in(&app.store, "marketer@example.org", Role::Marketer, &[DEFAULT_ORG]).await;
        let dash = page(&app, &cookie, "/").await;
        assert_eq!(dash.status, StatusCode::OK, "{}", dash.text);
        let part = dash.text.split_once("<h2>Derniers imports</h2>").expect("the imports part").1;
        let part = part.split_once("</table>").expect("their table").0;
        // Most recent first, each with its kind, file, who, outcome and counts, linked to the
        // imports page's row.
        let (newer, older) = part.split_once("clients-janvier.csv").expect("the first import");
        assert!(newer.contains("clients-fevrier.csv"), "{part}");
        assert!(newer.contains(&format!("href=\"/imports#run-{second}\"")), "{part}");
        assert!(newer.contains("user:marketer@example.org"), "{part}");
        assert!(newer.contains("<td>0</td><td>0</td><td>0</td><td>3</td>"), "{part}");
        assert!(part.contains(&format!("href=\"/imports#run-{first}\"")), "{part}");
        assert!(older.contains("<td>41</td><td>41</td><td>0</td><td>0</td><td>0</td>"), "{part}");
        // The row the link points to exists on the imports page.
        let imports = page(&app, &cookie, "/imports").await;
        assert!(imports.text.contains(&format!("id=\"run-{first}\"")), "{}", imports.text);

        // An auditor may not import: the dashboard does not list the imports.
        let (cookie, _) = signed_in(&app.store, "auditor@example.org", Role::Auditor, &[DEFAULT_ORG]).await;
        let dash = page(&app, &cookie, "/").await;
        assert_eq!(dash.status, StatusCode::OK, "{}", dash.text);
        assert!(!dash.text.contains("Derniers imports"), "{}", dash.text);
        assert!(!dash.text.contains("clients-janvier.csv"), "{}", dash.text);
    }
}
