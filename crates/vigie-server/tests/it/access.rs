//! Access control from the outside: every route of the route table with every role, with
//! tokens of every scope, and across organizations; signing in with a password and a TOTP code;
//! refusals of wrong codes, ended sessions, revoked, expired and under-scoped tokens; CSRF; rate
//! limits and sign-in throttling; the audit trail of reads.

use std::time::Duration;

use vigie_core::{Permission, Role};
use vigie_server::ROUTES;
use vigie_store::{DEFAULT_ORG, SessionPolicy, totp_code};

use crate::common::*;

/// A signed-in member of the default organization: the session cookie and its CSRF token.
struct Member {
    cookie: String,
    csrf: String,
}

async fn member(app: &TestApp, email: &str, role: Role) -> Member {
    let (cookie, csrf) = signed_in(&app.store, email, role, &[DEFAULT_ORG]).await;
    Member {
        cookie: cookie.trim_start_matches("vigie_session=").to_owned(),
        csrf,
    }
}

/// A concrete request for a route template: path parameters filled with things that exist (or
/// harmlessly do not), a JSON body for writes.
fn concrete(method: &str, template: &str) -> (Method, String, Option<Value>) {
    let path = template
        .replace("{contact_ref}", "C-M1")
        .replace("{secret}", "no-such-link")
        .replace("{id}", "999999")
        .replace("{step}", "verify")
        .replace("{org}", DEFAULT_ORG)
        .replace("{handle}", "no-such-handle")
        .replace("{token}", "no-such-token");
    let path = if path.ends_with("/decision") {
        format!("{path}?channel=email")
    } else {
        path
    };
    let method = Method::from_bytes(method.as_bytes()).unwrap();
    let body = matches!(method, Method::POST | Method::PUT | Method::PATCH).then(|| json!({}));
    (method, path, body)
}

fn with_body(req: reqwest::RequestBuilder, body: &Option<Value>) -> reqwest::RequestBuilder {
    match body {
        Some(b) => req.json(b),
        None => req,
    }
}

async fn seed_contact(app: &TestApp) {
    app.create(
        json!({"contact_ref": "C-M1", "email": "m1@example.org", "phone": "0612345678",
        "first_name": "Mia", "last_name": "Moreau", "audience": "consumer",
        "collected_at": "2026-01-05T10:00:00Z", "informed": true, "objection_offered": true}),
    )
    .await;
}

both_stores! {
    async fn nobody_grants_more_than_they_hold(app) {
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        let users_only = app
            .store
            .create_token(org.id, "hr", &[Permission::UsersManage], None, "test")
            .await
            .unwrap()
            .secret;
        let as_hr = |method, path: &str| app.anonymous(method, path).bearer_auth(&users_only);
        // The escalation of issue 18: a users:manage token making an admin (and a set-up link).
        let a = app
            .send(as_hr(Method::POST, "/api/v1/users").json(&json!({"email": "mole@example.org", "role": "admin"})))
            .await;
        a.error(403, "beyond_your_rights");
        assert!(a.text.contains("contacts:read"), "{}", a.text);
        assert!(app.store.user_by_email("mole@example.org").await.unwrap().is_none());
        // Nor any role granting something the token lacks.
        app.send(as_hr(Method::POST, "/api/v1/users").json(&json!({"email": "mole@example.org", "role": "agent"})))
            .await
            .error(403, "beyond_your_rights");
        // Nor demote or remove someone holding more.
        let (boss, _) = app.store.add_member(org.id, "boss@example.org", Role::Admin).await.unwrap();
        app.send(as_hr(Method::POST, "/api/v1/users").json(&json!({"email": "boss@example.org", "role": "auditor"})))
            .await
            .error(403, "beyond_your_rights");
        app.send(as_hr(Method::DELETE, &format!("/api/v1/users/{}", boss.id)))
            .await
            .error(403, "beyond_your_rights");
        assert_eq!(app.store.role_in(boss.id, org.id).await.unwrap(), Some(Role::Admin));

        // An admin holds everything, but cannot demote or remove the last admin.
        let m = member(&app, "root@example.org", Role::Admin).await;
        app.store.remove_member(org.id, boss.id).await.unwrap();
        let as_root = |method, path: &str| {
            app.anonymous(method, path)
                .header("cookie", format!("vigie_session={}", m.cookie))
                .header("x-csrf-token", &m.csrf)
        };
        app.send(as_root(Method::POST, "/api/v1/users").json(&json!({"email": "root@example.org", "role": "dpo"})))
            .await
            .field_error(409, "last_admin", "role");
        let root = app.store.user_by_email("root@example.org").await.unwrap().unwrap();
        app.send(as_root(Method::DELETE, &format!("/api/v1/users/{}", root.id)))
            .await
            .error(409, "last_admin");
        assert_eq!(app.store.role_in(root.id, org.id).await.unwrap(), Some(Role::Admin));
        let a = app
            .send(as_root(Method::POST, "/api/v1/users").json(&json!({"email": "mole@example.org", "role": "admin"})))
            .await;
        assert_eq!(a.status.as_u16(), 201, "{}", a.text);
    }

    async fn every_route_with_every_role(app) {
        seed_contact(&app).await;
        app.store.create_org("other", "Other SAS").await.unwrap();
        for role in Role::ALL {
            let m = member(&app, &format!("{role}@example.org"), role).await;
            for (method, template, permission) in ROUTES {
                if *permission == Permission::Public {
                    continue;
                }
                let (method, path, body) = concrete(method, template);
                let req = app
                    .anonymous(method.clone(), &path)
                    .header("cookie", format!("vigie_session={}", m.cookie))
                    .header("x-csrf-token", &m.csrf);
                // The UI's forms carry the session's token in a field.
                let req = if method == Method::POST && !template.starts_with("/api/") {
                    req.header("content-type", "application/x-www-form-urlencoded")
                        .body(format!("csrf={}", m.csrf))
                } else {
                    with_body(req, &body)
                };
                let a = app.send(req).await;
                let allowed = role.grants(*permission);
                if allowed {
                    assert!(
                        ![401, 403].contains(&a.status.as_u16()),
                        "{role} must be let through {method} {path} ({permission}): {} {}",
                        a.status,
                        a.text
                    );
                    assert!(
                        !a.text.contains("no such route"),
                        "{method} {template} is in the table but not served"
                    );
                } else {
                    assert_eq!(
                        a.status.as_u16(),
                        403,
                        "{role} must be refused {method} {path} ({permission}): {}",
                        a.text
                    );
                }

                // The same request for an organization the person is not a member of: 404,
                // whatever the role — the other organization's existence is not even confirmed.
                let req = app
                    .anonymous(method.clone(), &path)
                    .header("cookie", format!("vigie_session={}", m.cookie))
                    .header("x-csrf-token", &m.csrf)
                    .header("vigie-org", "other");
                let a = app.send(with_body(req, &body)).await;
                assert_eq!(a.status.as_u16(), 404, "{role} {method} {path} as other: {}", a.text);
                if template.starts_with("/api/") {
                    a.error(404, "unknown_organization");
                }
            }
        }
    }

    async fn tokens_are_held_to_their_scopes_and_organization(app) {
        seed_contact(&app).await;
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        app.store.create_org("other", "Other SAS").await.unwrap();
        for scope in Permission::scopes() {
            let token = app
                .store
                .create_token(org.id, "matrix", &[scope], None, "test")
                .await
                .unwrap()
                .secret;
            for (method, template, permission) in ROUTES {
                if template.starts_with('/') && !template.starts_with("/api/") {
                    continue; // pages are for people
                }
                let (method, path, body) = concrete(method, template);
                let a = app
                    .send(with_body(app.anonymous(method.clone(), &path).bearer_auth(&token), &body))
                    .await;
                let allowed = permission.allowed_by(&[scope]);
                if allowed {
                    assert!(
                        ![401, 403].contains(&a.status.as_u16()),
                        "a {scope} token must pass {method} {path}: {}",
                        a.text
                    );
                } else {
                    a.error(403, "forbidden");
                }
                if *permission != Permission::Public {
                    let a = app
                        .send(with_body(
                            app.anonymous(method.clone(), &path)
                                .bearer_auth(&token)
                                .header("vigie-org", "other"),
                            &body,
                        ))
                        .await;
                    a.error(404, "unknown_organization");
                }
            }
        }
    }

    async fn refusals_name_their_reason(app) {
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        // No credentials: 401 on the API, a redirect to sign in on pages.
        app.send(app.anonymous(Method::GET, "/api/v1/contacts")).await.error(401, "unauthenticated");
        let page = app.send(app.anonymous(Method::GET, "/contacts")).await;
        assert!(page.status.is_success() && page.text.contains("name=\"password\""), "{}", page.text);
        // A made-up token.
        app.send(app.anonymous(Method::GET, "/api/v1/me").bearer_auth("vigie_tok_0_nope"))
            .await
            .error(401, "invalid_token");
        // A token revoked behind the server's back (`vigie token revoke`, another server)
        // stops working at the next request, not after a cache's lifetime.
        let t = app.store.create_token(org.id, "cli", &[Permission::ContactsRead], None, "test").await.unwrap();
        let ok = app.send(app.anonymous(Method::GET, "/api/v1/contacts").bearer_auth(&t.secret)).await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
        assert!(app.store.revoke_token(org.id, &t.token.id).await.unwrap());
        app.send(app.anonymous(Method::GET, "/api/v1/contacts").bearer_auth(&t.secret))
            .await
            .error(401, "token_revoked");
        // A revoked token.
        let t = app.store.create_token(org.id, "t", &[Permission::ContactsRead], None, "test").await.unwrap();
        let ok = app.send(app.anonymous(Method::GET, "/api/v1/contacts").bearer_auth(&t.secret)).await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
        let revoked = app
            .send(app.req(Method::DELETE, &format!("/api/v1/tokens/{}", t.token.id)))
            .await;
        assert_eq!(revoked.status, StatusCode::NO_CONTENT, "{}", revoked.text);
        app.send(app.anonymous(Method::GET, "/api/v1/contacts").bearer_auth(&t.secret))
            .await
            .error(401, "token_revoked");
        // An expired token.
        let past = jiff::Timestamp::now() - jiff::SignedDuration::from_secs(1);
        let old = app.store.create_token(org.id, "old", &[Permission::ContactsRead], Some(past), "test").await.unwrap();
        app.send(app.anonymous(Method::GET, "/api/v1/contacts").bearer_auth(&old.secret))
            .await
            .error(401, "token_expired");
        // A token without the scope.
        let narrow = app.store.create_token(org.id, "n", &[Permission::Decide], None, "test").await.unwrap();
        app.send(app.anonymous(Method::GET, "/api/v1/contacts").bearer_auth(&narrow.secret))
            .await
            .error(403, "forbidden");
        // An ended session, and an idle one.
        let m = member(&app, "marketer@example.org", Role::Marketer).await;
        let with_cookie = |path: &str| {
            app.anonymous(Method::GET, path)
                .header("cookie", format!("vigie_session={}", m.cookie))
        };
        assert_eq!(app.send(with_cookie("/api/v1/me")).await.status, StatusCode::OK);
        app.store.age_session(&m.cookie, SessionPolicy::default().idle + Duration::from_secs(5)).await.unwrap();
        app.send(with_cookie("/api/v1/me")).await.error(401, "session_expired");
        // A session whose second factor was not given reaches nothing.
        let (user, _) = app.store.add_member(org.id, "half@example.org", Role::Admin).await.unwrap();
        let (half, _) = app.store.create_session(user.id, false, SessionPolicy::default()).await.unwrap();
        app.send(app.anonymous(Method::GET, "/api/v1/me").header("cookie", format!("vigie_session={half}")))
            .await
            .error(401, "second_factor_required");
        // A change made with a session cookie but without the CSRF token.
        let admin = member(&app, "admin@example.org", Role::Admin).await;
        app.send(
            app.anonymous(Method::POST, "/api/v1/contacts")
                .header("cookie", format!("vigie_session={}", admin.cookie))
                .json(&json!({"contact_ref": "X1"})),
        )
        .await
        .error(403, "csrf");
        // A token cannot be given a scope its creator lacks.
        let marketer_token = app
            .send(
                app.anonymous(Method::POST, "/api/v1/tokens")
                    .header("cookie", format!("vigie_session={}", admin.cookie))
                    .header("x-csrf-token", &admin.csrf)
                    .json(&json!({"name": "ok", "scopes": ["audit:read"], "expires_in_days": 1})),
            )
            .await;
        assert_eq!(marketer_token.status, StatusCode::CREATED, "{}", marketer_token.text);
        let secret = marketer_token.json()["secret"].as_str().unwrap().to_owned();
        let me = app.send(app.anonymous(Method::GET, "/api/v1/me").bearer_auth(&secret)).await.json();
        assert_eq!(me["permissions"], json!(["audit:read"]));
    }

    async fn sign_in_with_password_and_totp(app) {
        let s = &app.store;
        let org = s.require_org(DEFAULT_ORG).await.unwrap();
        let (user, _) = s.add_member(org.id, "dpo@example.org", Role::Dpo).await.unwrap();
        let link = s.create_setup_secret(user.id).await.unwrap();
        let client = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let url = |p: &str| format!("{}{p}", app.base);
        let set_cookie = |r: &reqwest::Response, name: &str| -> Option<String> {
            r.headers()
                .get_all("set-cookie")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find_map(|v| v.strip_prefix(&format!("{name}=")).map(|v| v.split(';').next().unwrap().to_owned()))
        };
        let field = |html: &str, name: &str| -> String {
            let at = html.find(&format!("name=\"{name}\" value=\"")).unwrap_or_else(|| panic!("no {name} in {html}"));
            let rest = &html[at + name.len() + 15..];
            rest[..rest.find('"').unwrap()].to_owned()
        };

        // The set-up link: choose a password (the form is protected by the pre-login cookie).
        let page = client.get(url(&format!("/setup/{link}"))).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let pre = set_cookie(&page, "vigie_prelogin").expect("pre-login cookie");
        let csrf = field(&page.text().await.unwrap(), "csrf");
        assert_eq!(csrf, pre);
        let forged = client.post(url(&format!("/setup/{link}")))
            .header("cookie", format!("vigie_prelogin={pre}"))
            .form(&[("csrf", "forged-value-000000"), ("password", "a long enough password"), ("password_again", "a long enough password")])
            .send().await.unwrap();
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);
        let done = client.post(url(&format!("/setup/{link}")))
            .header("cookie", format!("vigie_prelogin={pre}"))
            .form(&[("csrf", csrf.as_str()), ("password", "a long enough password"), ("password_again", "a long enough password")])
            .send().await.unwrap();
        assert_eq!(done.status(), StatusCode::SEE_OTHER);
        assert_eq!(done.headers()["location"], "/account/totp");
        let session = set_cookie(&done, "vigie_session").expect("session cookie");
        let cookie = format!("vigie_session={session}");
        // Not yet: the second factor is not set up.
        let a = client.get(url("/api/v1/me")).header("cookie", &cookie).send().await.unwrap();
        assert_eq!(a.status(), StatusCode::UNAUTHORIZED);

        // Enrolment: a QR code and the key; a wrong code is refused, the right one accepted.
        let page = client.get(url("/account/totp")).header("cookie", &cookie).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("<svg class=\"qr\""), "{page}");
        let key_at = page.find("<code>").unwrap() + 6;
        let key = page[key_at..key_at + page[key_at..].find('<').unwrap()].to_owned();
        let csrf = field(&page, "csrf");
        let now = jiff::Timestamp::now();
        let good = totp_code(&key, now).unwrap();
        let bad = format!("{:06}", (good.parse::<u32>().unwrap() + 500_000) % 1_000_000);
        let r = client.post(url("/account/totp")).header("cookie", &cookie)
            .form(&[("csrf", csrf.as_str()), ("code", bad.as_str())]).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let r = client.post(url("/account/totp")).header("cookie", &cookie)
            .form(&[("csrf", csrf.as_str()), ("code", good.as_str())]).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        // The second factor renews the session id (session fixation): the value from before
        // it opens nothing.
        let renewed = set_cookie(&r, "vigie_session").expect("a renewed session cookie");
        assert_ne!(renewed, session);
        let before = cookie;
        let cookie = format!("vigie_session={renewed}");
        let codes_page = r.text().await.unwrap();
        assert_eq!(codes_page.matches("<li><code>").count(), vigie_store::RECOVERY_CODES);
        let a = client.get(url("/api/v1/me")).header("cookie", &before).send().await.unwrap();
        assert_eq!(a.status(), StatusCode::UNAUTHORIZED);
        let me = client.get(url("/api/v1/me")).header("cookie", &cookie).send().await.unwrap();
        assert_eq!(me.status(), StatusCode::OK);
        let me: Value = me.json().await.unwrap();
        assert_eq!(me["role"], "dpo");

        // Sign out: the session ends.
        let r = client.post(url("/logout")).header("cookie", &cookie)
            .form(&[("csrf", me["csrf_token"].as_str().unwrap())]).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let a = client.get(url("/api/v1/me")).header("cookie", &cookie).send().await.unwrap();
        assert_eq!(a.status(), StatusCode::UNAUTHORIZED);

        // Sign in again: password, then a wrong code (refused), then the next right code.
        let page = client.get(url("/login")).send().await.unwrap();
        let pre = set_cookie(&page, "vigie_prelogin").unwrap();
        let login = |password: &'static str| {
            client.post(url("/login"))
                .header("cookie", format!("vigie_prelogin={pre}"))
                .form(&[("csrf", pre.as_str()), ("email", "DPO@example.org"), ("password", password)])
                .send()
        };
        assert_eq!(login("not the password!").await.unwrap().status(), StatusCode::UNAUTHORIZED);
        let r = login("a long enough password").await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert!(r.headers()["location"].to_str().unwrap().starts_with("/login/totp"));
        let cookie = format!("vigie_session={}", set_cookie(&r, "vigie_session").unwrap());
        let a = client.get(url("/api/v1/me")).header("cookie", &cookie).send().await.unwrap();
        assert_eq!(a.status(), StatusCode::UNAUTHORIZED, "no access before the second factor");
        let page = client.get(url("/login/totp")).header("cookie", &cookie).send().await.unwrap().text().await.unwrap();
        let csrf = field(&page, "csrf");
        let r = client.post(url("/login/totp")).header("cookie", &cookie)
            .form(&[("csrf", csrf.as_str()), ("code", bad.as_str())]).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        // The enrolment code was used: the next step's code is needed (a code works once).
        let next = totp_code(&key, now + jiff::SignedDuration::from_secs(30)).unwrap();
        let r = client.post(url("/login/totp")).header("cookie", &cookie)
            .form(&[("csrf", csrf.as_str()), ("code", next.as_str())]).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let renewed = set_cookie(&r, "vigie_session").expect("a renewed session cookie");
        let a = client.get(url("/api/v1/me")).header("cookie", &cookie).send().await.unwrap();
        assert_eq!(a.status(), StatusCode::UNAUTHORIZED, "the id from before the second factor");
        let cookie = format!("vigie_session={renewed}");
        let a = client.get(url("/api/v1/me")).header("cookie", &cookie).send().await.unwrap();
        assert_eq!(a.status(), StatusCode::OK);

        // Every step is in the trail, and the trail verifies.
        let trail = app.get("/api/v1/audit?limit=1000").await.json();
        let actions: Vec<&str> = trail["entries"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        for expected in ["user.setup", "totp.enrolled", "logout", "login.failed", "login.second_factor_failed", "login.succeeded"] {
            assert!(actions.contains(&expected), "{expected} missing from {actions:?}");
        }
        assert!(app.store.verify_audit().await.unwrap().intact());
    }

    async fn sign_in_failures_are_throttled(app) {
        let s = &app.store;
        let org = s.require_org(DEFAULT_ORG).await.unwrap();
        let (user, _) = s.add_member(org.id, "victim@example.org", Role::Admin).await.unwrap();
        s.set_password(user.id, "a long enough password").await.unwrap();
        let client = reqwest::Client::builder().no_proxy().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let pre = "0123456789abcdef0123";
        let mut statuses = Vec::new();
        for _ in 0..12 {
            let r = client.post(format!("{}/login", app.base))
                .header("cookie", format!("vigie_prelogin={pre}"))
                .form(&[("csrf", pre), ("email", "victim@example.org"), ("password", "guess guess guess")])
                .send().await.unwrap();
            // Every 429, the account's hold as the address's limit, says when to come back.
            if r.status() == StatusCode::TOO_MANY_REQUESTS {
                assert!(r.headers().contains_key("retry-after"), "429 #{} without Retry-After", statuses.len());
            }
            statuses.push(r.status().as_u16());
        }
        // Five wrong passwords, then the account is held back; past ten a minute, the address.
        assert_eq!(&statuses[..5], &[401; 5], "{statuses:?}");
        assert!(statuses[5..].iter().all(|s| *s == 429), "{statuses:?}");
        // Even the right password waits now.
        let r = client.post(format!("{}/login", app.base))
            .header("cookie", format!("vigie_prelogin={pre}"))
            .form(&[("csrf", pre), ("email", "victim@example.org"), ("password", "a long enough password")])
            .send().await.unwrap();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(r.headers().contains_key("retry-after"));
        // The hold is kept in the store: restarting the server does not lift it.
        assert!(s.sign_in_hold("victim@example.org").await.unwrap().is_some());
        // The failures are in the trail.
        let trail = app.get("/api/v1/audit?limit=1000").await.json();
        let failed = trail["entries"].as_array().unwrap().iter().filter(|e| e["action"] == "login.failed").count();
        assert_eq!(failed, 5);
    }

    async fn public_routes_are_rate_limited(app) {
        let mut limited = None;
        for i in 0..400 {
            let a = app.send(app.anonymous(Method::GET, "/healthz")).await;
            if a.status == StatusCode::TOO_MANY_REQUESTS {
                a.error(429, "rate_limited");
                assert!(!a.header("retry-after").is_empty());
                limited = Some(i);
                break;
            }
        }
        let at = limited.expect("a burst of public requests is limited");
        assert!(at >= 100, "the burst allows 100 requests, limited after {at}");
    }

    async fn reads_of_personal_data_are_in_the_audit_trail(app) {
        seed_contact(&app).await;
        let m = member(&app, "agent@example.org", Role::Agent).await;
        // An agent gets the name, the identifier for the channel and the decision, not the ledger.
        let a = app
            .send(
                app.anonymous(Method::GET, "/api/v1/contacts/C-M1/decision?channel=phone")
                    .header("cookie", format!("vigie_session={}", m.cookie))
                    .header("vigie-reason", "call campaign 42"),
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        let d = a.json();
        assert_eq!(d["reach"]["first_name"], "Mia");
        assert_eq!(d["reach"]["identifier"], "+33612345678");
        assert!(d.get("request").is_none(), "{d}");
        assert!(d["decision"].is_string());
        app.get("/api/v1/contacts/C-M1").await;
        // Reads of many records name what was read.
        app.get("/api/v1/contacts?limit=10").await;
        app.get("/api/v1/contacts?email=m1@example.org").await;
        app.get("/api/v1/contacts?email=nobody@example.org").await;
        app.get("/api/v1/users").await;
        app.get("/api/v1/audit?limit=2").await;
        let trail = app.get("/api/v1/audit?limit=1000").await.json();
        let entries = trail["entries"].as_array().unwrap();
        let targets = |action: &str| -> Vec<&str> {
            entries.iter().filter(|e| e["action"] == action).map(|e| e["target"].as_str().unwrap_or("(none)")).collect()
        };
        assert_eq!(targets("contact.list"), ["contacts:C-M1"]);
        assert_eq!(targets("contact.search"), ["contacts:C-M1", "contacts:"]);
        let agent = app.store.user_by_email("agent@example.org").await.unwrap().unwrap();
        assert!(targets("user.list")[0].split([':', ',']).any(|id| id == agent.id.to_string()), "{:?}", targets("user.list"));
        assert_eq!(targets("audit.read"), ["audit:1..2"]);
        let decide = entries.iter().find(|e| e["action"] == "contact.decide").expect("decision recorded");
        assert_eq!(decide["actor"], "user:agent@example.org");
        assert_eq!(decide["role"], "agent");
        assert_eq!(decide["target"], "contact:C-M1");
        assert_eq!(decide["reason"], "call campaign 42");
        assert_eq!(decide["origin"], "127.0.0.1");
        assert!(entries.iter().any(|e| e["action"] == "contact.read" && e["actor"].as_str().unwrap().starts_with("token:")));
        // No identifier in clear in the trail.
        assert!(!trail.to_string().contains("m1@example.org"));
        // The export holds the same entries, one a line, and the export itself.
        let export = app.get("/api/v1/audit/export").await;
        assert_eq!(export.header("content-type"), "application/x-ndjson");
        let lines: Vec<Value> = export.text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert!(lines.len() > entries.len());
        assert_eq!(lines.last().unwrap()["action"], "audit.export");
        // The audit page in the browser names the range it showed, as the API does.
        let auditor = member(&app, "auditor@example.org", Role::Auditor).await;
        let page = app
            .send(
                app.anonymous(Method::GET, "/audit")
                    .header("cookie", format!("vigie_session={}", auditor.cookie)),
            )
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        let trail = app.get("/api/v1/audit?limit=1000").await.json();
        let page_reads: Vec<&str> = trail["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "audit.read" && e["actor"] == "user:auditor@example.org")
            .map(|e| e["target"].as_str().unwrap_or("(none)"))
            .collect();
        assert_eq!(page_reads.len(), 1, "{page_reads:?}");
        assert!(page_reads[0].starts_with("audit:1.."), "{page_reads:?}");
        assert!(app.store.verify_audit().await.unwrap().intact());
    }

    async fn the_openapi_routes_all_declare_a_permission(app) {
        let doc = app.get("/api/openapi.json").await.json();
        let mut declared = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                let m = method.to_uppercase();
                let rule = ROUTES.iter().find(|(rm, rp, _)| *rm == m && *rp == path);
                let Some((_, _, permission)) = rule else {
                    panic!("{m} {path} has no permission in the route table");
                };
                // The document tells clients what the gate will ask.
                let op = &item[method.as_str()];
                if *permission == Permission::Public {
                    assert!(op.get("security").is_none(), "{m} {path}");
                } else {
                    assert_eq!(op["security"], json!([{"token": []}, {"session": []}]), "{m} {path}");
                    let description = op["description"].as_str().unwrap_or("");
                    assert!(
                        description.contains(&format!("Permission: `{permission}`")),
                        "{m} {path}: {description}"
                    );
                }
                declared += 1;
            }
        }
        assert!(declared >= 20, "{declared}");
        let schemes = &doc["components"]["securitySchemes"];
        assert_eq!(schemes["token"]["scheme"], "bearer");
        assert_eq!(schemes["session"]["in"], "cookie");
    }
}

/// `--secure-cookies` marks every cookie Secure, the pre-sign-in one included; `--hsts` sends
/// Strict-Transport-Security; neither is sent without them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secure_cookies_mark_every_cookie_and_hsts_is_sent_when_asked() {
    let secure = vigie_server::AuthConfig {
        secure_cookies: true,
        hsts: Some(Duration::from_secs(31_536_000)),
        ..Default::default()
    };
    let app = TestApp::with("sqlite", |s| s.with_auth(secure)).await;
    let (cookie, csrf) =
        signed_in(&app.store, "admin@example.org", Role::Admin, &[DEFAULT_ORG]).await;
    let answers = [
        app.send(app.anonymous(Method::GET, "/login")).await,
        app.send(app.anonymous(Method::GET, "/privacy/default"))
            .await,
        app.send(
            app.anonymous(Method::POST, "/logout")
                .header("cookie", &cookie)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!("csrf={csrf}")),
        )
        .await,
    ];
    let mut cookies = 0;
    for a in &answers {
        assert_eq!(a.header("strict-transport-security"), "max-age=31536000");
        for set in a.headers.get_all("set-cookie") {
            let set = set.to_str().unwrap();
            assert!(
                set.split(';').any(|p| p.trim() == "Secure"),
                "not Secure: {set}"
            );
            cookies += 1;
        }
    }
    assert!(
        cookies >= 2,
        "the pre-sign-in and the session cookies were set"
    );

    let plain = TestApp::sqlite().await;
    let a = plain.send(plain.anonymous(Method::GET, "/login")).await;
    assert_eq!(a.header("strict-transport-security"), "");
    let set = a.header("set-cookie");
    assert!(
        set.starts_with("vigie_prelogin=") && !set.contains("Secure"),
        "{set}"
    );
}

/// `GET /api/v1/audit/verify` holds the trail against the checkpoint: the newest entries
/// deleted and the head moved back are reported, on both stores.
async fn the_api_verifies_the_trail_against_the_checkpoint(kind: &'static str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("checkpoint.json");
    let app = TestApp::with(kind, |s| s.with_audit_checkpoint(path.clone())).await;
    seed_contact(&app).await;
    app.get("/api/v1/contacts/C-M1").await;
    app.get("/api/v1/contacts/C-M1").await;
    assert!(
        app.store
            .write_audit_checkpoint(&path)
            .await
            .unwrap()
            .is_empty()
    );
    let ok = app.get("/api/v1/audit/verify").await.json();
    assert_eq!(ok["intact"], true, "{ok}");
    assert!(ok["checkpoint_at"].is_string(), "{ok}");

    let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
    let last = app.store.audit_count(org.id).await.unwrap();
    let drop_guard = if kind == "sqlite" {
        "DROP TRIGGER audit_log_append_only_delete;"
    } else {
        "DROP TRIGGER audit_log_append_only ON audit_log;"
    };
    app.raw_sql(&format!(
        "{drop_guard}
         DELETE FROM audit_log WHERE org_id = {id} AND seq >= {cut};
         UPDATE audit_heads SET seq = {keep}, link = (SELECT link FROM audit_log WHERE org_id = {id} AND seq = {keep})
         WHERE org_id = {id};",
        id = org.id,
        cut = last - 1,
        keep = last - 2,
    ))
    .await;
    assert!(
        app.store.verify_audit().await.unwrap().intact(),
        "the chain alone looks whole"
    );
    let cut = app.get("/api/v1/audit/verify").await.json();
    assert_eq!(cut["intact"], false, "{cut}");
    // The verification is itself recorded, so the trail may have regrown past the cut: either
    // way the entry the checkpoint anchored is named.
    let anchored = vigie_store::AuditCheckpoint::read_file(&path)
        .unwrap()
        .unwrap()
        .heads[0]
        .seq;
    assert_eq!(cut["faults"][0]["seq"], anchored, "{cut}");
    let problem = cut["faults"][0]["problem"].as_str().unwrap();
    assert!(
        problem.contains("truncated") || problem.contains("rolled back"),
        "{cut}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_verifies_the_trail_against_the_checkpoint_sqlite() {
    the_api_verifies_the_trail_against_the_checkpoint("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_verifies_the_trail_against_the_checkpoint_postgres() {
    the_api_verifies_the_trail_against_the_checkpoint("postgres").await;
}
