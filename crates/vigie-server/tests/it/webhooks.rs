//! Outbound webhooks end to end: a receiver that is down for a while, a restart of Vigie, and
//! every event arriving once, in order per contact, signed.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode as AxumStatus};
use vigie_core::webhooks::{EndpointUrl, RetryPolicy, WebhookEvent};
use vigie_core::{Action, Audience, ChannelScope, ConsentEvent, ContactRef, Method, Purpose};
use vigie_server::{DeliveryConfig, DeliveryWorker};
use vigie_store::testing::{TestStore, test_vault};
use vigie_store::{AuditEvent, ContactData, NewConsentEvent, NewWebhook, Store};

/// What the receiver got: each body and its signature header.
type Received = Arc<Mutex<Vec<(String, String)>>>;

/// A receiver on `addr` that answers 500 to its first request (a receiver coming back still
/// unwell), then 200.
async fn receiver(addr: SocketAddr, received: Received) -> tokio::task::JoinHandle<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .expect("the port is free again");
    let first = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let received = received.clone();
            let first = first.clone();
            async move {
                if first.swap(false, std::sync::atomic::Ordering::SeqCst) {
                    return AxumStatus::INTERNAL_SERVER_ERROR;
                }
                let sig = headers
                    .get("vigie-signature")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                received.lock().unwrap().push((body, sig));
                AxumStatus::OK
            }
        }),
    );
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    })
}

fn quick() -> DeliveryConfig {
    DeliveryConfig {
        retry: RetryPolicy {
            base: Duration::from_millis(40),
            cap: Duration::from_millis(200),
            max_attempts: 1000,
        },
        lease: Duration::from_secs(30),
        poll: Duration::from_millis(20),
        batch: 100,
        timeout: Duration::from_secs(5),
        ..DeliveryConfig::default()
    }
}

fn person(r: &str) -> ContactData {
    ContactData {
        contact_ref: ContactRef::parse(r).unwrap(),
        email: Some(vigie_core::Email::parse(&format!("{r}@example.org")).unwrap()),
        phone: None,
        first_name: None,
        last_name: None,
        audience: Audience::Consumer,
        customer: false,
        customer_categories: vec![],
        collected_via: None,
        collected_at: None,
        informed: true,
        objection_offered: true,
        contract_active: false,
        restricted: false,
        time_zone: None,
        relationship_ended_at: None,
    }
}

fn change(action: Action, purpose: Purpose, minute: u32) -> NewConsentEvent {
    NewConsentEvent {
        event: ConsentEvent {
            scope: ChannelScope::Email,
            purpose,
            action,
            at: format!("2026-03-01T10:{minute:02}:00Z").parse().unwrap(),
            method: Method::Api,
        },
        notice_version: None,
        source: None,
        ip: None,
        user_agent: None,
    }
}

/// Runs a worker on `store` until `done` says so (or panics after 30 s).
async fn deliver_until(store: &Store, done: impl Fn(u64) -> bool) {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(DeliveryWorker::new(store.clone(), quick()).run(async {
        let _ = stopped.await;
    }));
    let org = store.require_org("default").await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let delivered = store.outbox_counts(org.id).await.unwrap().delivered;
        if done(delivered) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "deliveries did not finish: {delivered} delivered"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.send(()).unwrap();
    worker.await.unwrap();
}

/// An https endpoint is reached over TLS: one whose certificate no trusted authority signed
/// (the test CA is not among the system's) is refused at the handshake, so nothing is sent in
/// clear, and the row stays pending with the reason.
#[tokio::test]
async fn https_endpoints_are_reached_over_tls_and_their_certificate_checked() {
    let t = vigie_store::testing::sqlite_store().await;
    let s = &t.store;
    let org = s.require_org("default").await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let acceptor = crate::smtp::acceptor();
    let handshakes = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = handshakes.clone();
    let server = tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            // The client refuses the certificate: the handshake fails on its side.
            let _ = acceptor.accept(tcp).await;
        }
    });
    s.create_webhook(
        org.id,
        &NewWebhook {
            name: "crm".into(),
            url: EndpointUrl::parse(&format!("https://127.0.0.1:{}/hook", addr.port())).unwrap(),
            events: WebhookEvent::ALL.to_vec(),
        },
        AuditEvent {
            actor: "test".into(),
            role: None,
            action: "webhook.create".into(),
            target: None,
            origin: None,
            reason: None,
        },
    )
    .await
    .unwrap();
    s.upsert_contact(org.id, &person("ana")).await.unwrap();
    s.append_event(
        org.id,
        &ContactRef::parse("ana").unwrap(),
        &change(Action::Grant, Purpose::Marketing, 0),
    )
    .await
    .unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(DeliveryWorker::new(s.clone(), quick()).run(async {
        let _ = stopped.await;
    }));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let row = loop {
        let rows = s
            .outbox(
                org.id,
                &vigie_store::OutboxQuery {
                    limit: 10,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        if let Some(r) = rows
            .into_iter()
            .find(|r| r.attempts >= 1 && r.last_error.is_some())
        {
            break r;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the worker never tried"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    stop.send(()).unwrap();
    worker.await.unwrap();
    server.abort();
    let error = row.last_error.unwrap_or_default();
    assert!(
        handshakes.load(std::sync::atomic::Ordering::SeqCst) >= 1,
        "no connection: {error}"
    );
    assert!(
        error.contains("certificate") || error.contains("UnknownIssuer"),
        "{error}"
    );
    assert_eq!(s.outbox_counts(org.id).await.unwrap().delivered, 0);
}

/// The worker purges delivered rows once their period is over: here at once, so the outbox
/// empties as the receiver acknowledges; without a purge, the rows would stay `delivered`.
#[tokio::test]
async fn the_worker_purges_delivered_rows_past_their_period() {
    let t = vigie_store::testing::sqlite_store().await;
    let s = &t.store;
    let org = s.require_org("default").await.unwrap();
    let addr = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap();
    let received: Received = Arc::default();
    let server = receiver(addr, received.clone()).await;
    let hook = NewWebhook {
        name: "crm".into(),
        url: EndpointUrl::parse(&format!("http://{addr}/hook")).unwrap(),
        events: WebhookEvent::ALL.to_vec(),
    };
    let audit = AuditEvent {
        actor: "test".into(),
        action: "webhook.create".into(),
        ..AuditEvent::default()
    };
    s.create_webhook(org.id, &hook, audit).await.unwrap();
    s.upsert_contact(org.id, &person("ana")).await.unwrap();
    for (minute, purpose) in [Purpose::Marketing, Purpose::Newsletter]
        .into_iter()
        .enumerate()
    {
        let e = change(Action::Grant, purpose, minute as u32);
        s.append_event(org.id, &ContactRef::parse("ana").unwrap(), &e)
            .await
            .unwrap();
    }
    let config = DeliveryConfig {
        keep_delivered: Duration::ZERO,
        purge_every: Duration::from_millis(20),
        ..quick()
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(DeliveryWorker::new(s.clone(), config).run(async {
        let _ = stopped.await;
    }));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let counts = s.outbox_counts(org.id).await.unwrap();
        if received.lock().unwrap().len() == 2 && (counts.pending, counts.delivered) == (0, 0) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not purged: {counts:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.send(()).unwrap();
    worker.await.unwrap();
    server.abort();
}

vigie_store::both_stores! {
    a_receiver_down_then_back_gets_every_event_once_in_order_across_a_restart => |t: TestStore| async move {
        let s = &t.store;
        let org = s.require_org("default").await.unwrap();
        // A port nobody listens on (yet).
        let addr = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap();
        let created = s.create_webhook(org.id, &NewWebhook {
            name: "crm".into(),
            url: EndpointUrl::parse(&format!("http://{addr}/hook")).unwrap(),
            events: WebhookEvent::ALL.to_vec(),
        }, AuditEvent { actor: "test".into(), role: None, action: "webhook.create".into(), target: None, origin: None, reason: None }).await.unwrap();
        let mut expected: Vec<(String, String, String)> = Vec::new();
        for r in ["ana", "ben", "cleo"] {
            s.upsert_contact(org.id, &person(r)).await.unwrap();
        }
        // Interleaved changes of three people.
        let plan = [
            ("ana", Action::Grant, Purpose::Marketing), ("ben", Action::Grant, Purpose::Newsletter),
            ("ana", Action::Withdraw, Purpose::Marketing), ("cleo", Action::Grant, Purpose::Marketing),
            ("ana", Action::Grant, Purpose::Newsletter), ("ben", Action::Object, Purpose::Marketing),
            ("cleo", Action::Withdraw, Purpose::Marketing), ("ana", Action::Withdraw, Purpose::Newsletter),
        ];
        for (minute, (r, action, purpose)) in plan.iter().enumerate() {
            let e = change(*action, *purpose, minute as u32);
            s.append_event(org.id, &ContactRef::parse(r).unwrap(), &e).await.unwrap();
            expected.push((r.to_string(), format!("consent.{action}"), e.event.at.to_string()));
        }

        // The receiver is down: the first server tries, fails, backs off, and stops.
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let first = tokio::spawn(DeliveryWorker::new(s.clone(), quick()).run(async { let _ = stopped.await; }));
        // Until it has tried twice (polled, not slept: a loaded machine may be slow to try).
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let rows = s.outbox(org.id, &vigie_store::OutboxQuery { limit: 100, ..Default::default() }).await.unwrap();
            if rows.iter().any(|r| r.attempts >= 2) {
                break;
            }
            assert!(tokio::time::Instant::now() < deadline, "the worker never retried: {rows:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        stop.send(()).unwrap();
        first.await.unwrap();
        let counts = s.outbox_counts(org.id).await.unwrap();
        assert_eq!((counts.pending, counts.delivered), (8, 0), "nothing is lost while the receiver is down");
        let tried = s.outbox(org.id, &vigie_store::OutboxQuery { limit: 100, ..Default::default() }).await.unwrap();
        assert!(tried.iter().any(|r| r.attempts >= 2 && r.last_error.as_deref().is_some_and(|e| !e.is_empty())), "{tried:?}");

        // Vigie restarts on the same database; the receiver comes back.
        let restarted = t.reopen_with(test_vault()).await.unwrap();
        let received: Received = Arc::default();
        let server = receiver(addr, received.clone()).await;
        deliver_until(&restarted, |n| n == 8).await;
        server.abort();

        let got = received.lock().unwrap().clone();
        assert_eq!(got.len(), 8, "every event once: {got:?}");
        let mut ids = std::collections::HashSet::new();
        let mut per_contact: std::collections::BTreeMap<String, Vec<(String, String)>> = Default::default();
        for (body, sig) in &got {
            assert!(vigie_dsar::notify::verify(created.secret.as_bytes(), sig, body.as_bytes()), "signature of {body}");
            assert!(!vigie_dsar::notify::verify(b"another secret", sig, body.as_bytes()));
            let v: serde_json::Value = serde_json::from_str(body).unwrap();
            assert!(ids.insert(v["id"].as_i64().unwrap()), "delivered twice: {body}");
            assert_eq!(v["organization"], "default");
            assert!(!body.contains("@example.org"), "no address in the payload: {body}");
            per_contact.entry(v["contact_ref"].as_str().unwrap().to_owned()).or_default()
                .push((v["type"].as_str().unwrap().to_owned(), v["at"].as_str().unwrap().to_owned()));
        }
        for r in ["ana", "ben", "cleo"] {
            let want: Vec<(String, String)> = expected.iter().filter(|e| e.0 == r).map(|e| (e.1.clone(), e.2.clone())).collect();
            assert_eq!(per_contact[r], want, "in order for {r}");
        }
        let counts = restarted.outbox_counts(org.id).await.unwrap();
        assert_eq!((counts.pending, counts.delivered, counts.failed), (0, 8, 0));
    };
}

mod api {
    use crate::common::*;

    fn signed(secret: &str, t: i64, body: &str) -> String {
        vigie_dsar::notify::sign(secret.as_bytes(), t, body.as_bytes())
    }

    async fn post_inbound(app: &TestApp, path: &str, signature: &str, body: &str) -> Answer {
        app.send(
            app.anonymous(Method::POST, path)
                .header("content-type", "application/json")
                .header("vigie-signature", signature)
                .body(body.to_owned()),
        )
        .await
    }

    fn audit_actions(trail: &Value) -> Vec<String> {
        trail["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_owned())
            .collect()
    }

    crate::common::both_stores! {
        async fn endpoints_are_created_checked_paused_and_their_outbox_listed(app) {
            let created = app.json(Method::POST, "/api/v1/webhooks", &json!({
                "name": "crm", "url": "https://crm.example/hooks", "events": ["consent.withdraw", "contact.erased"]})).await;
            assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
            let body = created.json();
            assert_eq!(body["secret"].as_str().unwrap().len(), 64);
            assert_eq!(body["webhook"]["events"], json!(["consent.withdraw", "contact.erased"]));
            let id = body["webhook"]["id"].as_i64().unwrap();
            app.json(Method::POST, "/api/v1/webhooks", &json!({"name": "x", "url": "http://crm.example/", "events": ["consent.grant"]}))
                .await.field_error(400, "invalid_field", "url");
            app.json(Method::POST, "/api/v1/webhooks", &json!({"name": "x", "url": "https://crm.example/", "events": ["consent.grant", "consent.maybe"]}))
                .await.field_error(400, "invalid_field", "events[1]");
            app.json(Method::POST, "/api/v1/webhooks", &json!({"name": "Bad Name", "url": "https://crm.example/", "events": ["consent.grant"]}))
                .await.field_error(400, "invalid_field", "name");
            app.json(Method::POST, "/api/v1/webhooks", &json!({"name": "crm", "url": "https://crm.example/", "events": ["consent.grant"]}))
                .await.error(409, "conflict");
            let listed = app.get("/api/v1/webhooks").await.json();
            assert_eq!(listed.as_array().unwrap().len(), 1);
            assert!(!listed.to_string().contains(body["secret"].as_str().unwrap()), "the secret is shown once");

            app.create(json!({"contact_ref": "C1", "email": "marie@example.org", "audience": "consumer"})).await;
            for action in ["grant", "withdraw"] {
                let a = app.event("C1", json!({"channel": "email", "purpose": "marketing", "action": action,
                    "at": "2026-01-10T08:00:00Z", "method": "api"})).await;
                assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
            }
            let outbox = app.get("/api/v1/webhooks/outbox").await.json();
            assert_eq!(outbox["counts"]["pending"], 1, "{outbox}");
            let row = &outbox["rows"][0];
            assert_eq!(row["status"], "pending");
            assert_eq!(row["webhook"], "crm");
            assert_eq!(row["payload"]["type"], "consent.withdraw");
            assert_eq!(row["payload"]["contact_ref"], "C1");
            assert!(!outbox.to_string().contains("marie@example.org"));
            let scrape = app.get("/metrics").await.text;
            assert!(scrape.contains("\nvigie_webhook_outbox_pending 1\n"), "{scrape}");
            assert!(scrape.contains("\nvigie_webhook_outbox_oldest_pending_seconds "), "{scrape}");
            assert!(!scrape.contains("crm"), "no endpoint named in the scrape");
            let none = app.get("/api/v1/webhooks/outbox?status=failed").await.json();
            assert_eq!(none["rows"], json!([]));
            app.get("/api/v1/webhooks/outbox?status=lost").await.field_error(400, "invalid_field", "status");

            let paused = app.json(Method::PATCH, &format!("/api/v1/webhooks/{id}"), &json!({"active": false})).await;
            assert_eq!(paused.status, StatusCode::NO_CONTENT, "{}", paused.text);
            assert_eq!(app.get("/api/v1/webhooks").await.json()[0]["active"], false);
            let retried = app.json(Method::POST, &format!("/api/v1/webhooks/{id}/retry"), &json!({})).await;
            assert_eq!(retried.json()["requeued"], 0);
            app.json(Method::POST, "/api/v1/webhooks/999/retry", &json!({})).await.error(404, "not_found");
            let deleted = app.send(app.req(Method::DELETE, &format!("/api/v1/webhooks/{id}"))).await;
            assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
            app.send(app.req(Method::DELETE, &format!("/api/v1/webhooks/{id}"))).await.error(404, "not_found");

            let trail = app.get("/api/v1/audit?limit=1000").await.json();
            let actions = audit_actions(&trail);
            for a in ["webhook.create", "webhook.pause", "webhook.retry", "webhook.delete"] {
                assert!(actions.iter().any(|x| x == a), "{a} audited: {actions:?}");
            }

            // Not for a marketer's token.
            let org = app.store.require_org("default").await.unwrap();
            let marketer = app.store.create_token(org.id, "m", &[vigie_core::Permission::ContactsRead], None, "test").await.unwrap().secret;
            let refused = app.send(app.anonymous(Method::GET, "/api/v1/webhooks").bearer_auth(marketer)).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
        }

        async fn inbound_events_are_signed_fresh_applied_once_and_all_or_nothing(app) {
            app.create(json!({"contact_ref": "C1", "email": "marie@example.org", "audience": "consumer"})).await;
            let created = app.json(Method::POST, "/api/v1/inbound-sources", &json!({"name": "emailing"})).await;
            assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
            let created = created.json();
            assert_eq!(created["path"], "/inbound/default/emailing");
            let secret = created["secret"].as_str().unwrap().to_owned();
            let path = "/inbound/default/emailing";
            let now = jiff::Timestamp::now().as_second();
            let body = json!({"events": [
                {"id": "e1", "type": "unsubscribe", "email": "Marie@Example.org", "at": "2026-03-01T10:00:00Z", "purpose": "marketing"},
                {"id": "e2", "type": "hard_bounce", "email": "gone@example.org", "at": "2026-03-01T10:05:00Z"}
            ]}).to_string();

            // Forged, stale, unknown source: refused, nothing applied.
            post_inbound(&app, path, &signed("not the secret", now, &body), &body).await.error(401, "bad_signature");
            post_inbound(&app, path, &signed(&secret, now - 600, &body), &body).await.error(401, "stale_signature");
            post_inbound(&app, "/inbound/default/other", &signed(&secret, now, &body), &body).await.error(401, "bad_signature");
            post_inbound(&app, "/inbound/nowhere/emailing", &signed(&secret, now, &body), &body).await.error(401, "bad_signature");
            assert!(app.get("/api/v1/contacts/C1/events").await.json()["events"].as_array().unwrap().is_empty());

            // One bad event: nothing applied, the field named.
            let bad = json!({"events": [
                {"id": "e1", "type": "unsubscribe", "email": "marie@example.org", "at": "2026-03-01T10:00:00Z"},
                {"id": "e3", "type": "complaint", "email": "not an address", "at": "2026-03-01T10:00:00Z"}
            ]}).to_string();
            post_inbound(&app, path, &signed(&secret, now, &bad), &bad).await.field_error(400, "invalid_field", "events[1].email");
            assert!(app.get("/api/v1/contacts/C1/events").await.json()["events"].as_array().unwrap().is_empty());

            let ok = post_inbound(&app, path, &signed(&secret, now, &body), &body).await;
            assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
            assert_eq!(ok.json()["results"], json!([{"id": "e1", "outcome": "recorded"}, {"id": "e2", "outcome": "suppressed"}]));
            let ledger = app.get("/api/v1/contacts/C1/events").await.json();
            let events = ledger["events"].as_array().unwrap();
            assert_eq!(events.len(), 1, "{events:?}");
            assert_eq!(events[0]["action"], "withdraw");
            assert_eq!(events[0]["channel"], "email");
            assert_eq!(events[0]["method"], "unsubscribe_link");
            assert_eq!(events[0]["source"], "inbound:emailing:e1");
            // The same delivery again (the service retries): nothing new.
            let again = post_inbound(&app, path, &signed(&secret, now, &body), &body).await;
            assert_eq!(again.json()["results"], json!([{"id": "e1", "outcome": "duplicate"}, {"id": "e2", "outcome": "duplicate"}]));
            assert_eq!(app.get("/api/v1/contacts/C1/events").await.json()["events"].as_array().unwrap().len(), 1);
            let org = app.store.require_org("default").await.unwrap();
            assert!(app.store.is_suppressed(org.id, "gone@example.org").await.unwrap());

            let trail = app.get("/api/v1/audit?limit=1000").await.json();
            let actions = audit_actions(&trail);
            assert!(actions.iter().any(|a| a == "inbound.create"), "{actions:?}");
            assert_eq!(actions.iter().filter(|a| *a == "inbound.events").count(), 1, "{actions:?}");
            let removed = app.send(app.req(Method::DELETE, "/api/v1/inbound-sources/emailing")).await;
            assert_eq!(removed.status, StatusCode::NO_CONTENT);
            post_inbound(&app, path, &signed(&secret, now, &body), &body).await.error(401, "bad_signature");
        }
    }
}

mod page {
    use crate::common::*;
    use vigie_store::DEFAULT_ORG;

    crate::common::both_stores! {
        async fn the_admin_adds_pauses_and_retries_endpoints_and_sources_from_the_page(app) {
            let (cookie, csrf) = signed_in(&app.store, "admin@example.org", vigie_core::Role::Admin, &[DEFAULT_ORG]).await;
            let get = |path: &str| app.send(app.anonymous(Method::GET, path).header("cookie", cookie.clone()));
            let post = |path: &str, form: Vec<(&str, &str)>| {
                let mut form = form;
                form.push(("csrf", csrf.as_str()));
                app.send(app.anonymous(Method::POST, path).header("cookie", cookie.clone()).form(&form))
            };
            let page = get("/admin/webhooks").await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.text);
            assert!(page.text.contains("Aucune adresse pour l&#39;instant.") || page.text.contains("Aucune adresse pour l'instant."), "{}", page.text);
            assert!(page.text.contains("href=\"/admin/webhooks\""), "the administration pages lead to it");

            let bad = post("/admin/webhooks", vec![("name", "crm"), ("url", "http://crm.example/h"), ("event", "consent.withdraw")]).await;
            assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.text);
            assert!(bad.text.contains("Une adresse https://"), "{}", bad.text);
            assert!(bad.text.contains("value=\"http://crm.example/h\""), "the form keeps what was typed");
            let none = post("/admin/webhooks", vec![("name", "crm"), ("url", "https://crm.example/h")]).await;
            assert!(none.text.contains("Cochez au moins un événement."), "{}", none.text);
            let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
            assert!(app.store.webhooks(org.id).await.unwrap().is_empty());

            let created = post("/admin/webhooks", vec![("name", "crm"), ("url", "https://crm.example/h"),
                ("event", "consent.withdraw"), ("event", "contact.erased")]).await;
            assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
            let secret = created.text.split("id=\"webhook-secret\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
            assert_eq!(secret.len(), 64, "{}", created.text);
            let hooks = app.store.webhooks(org.id).await.unwrap();
            assert_eq!(hooks[0].events.len(), 2);
            let again = get("/admin/webhooks").await;
            assert!(!again.text.contains(&secret), "shown once");
            assert!(again.text.contains("consent.withdraw, contact.erased"), "{}", again.text);

            let id = hooks[0].id;
            let paused = post(&format!("/admin/webhooks/{id}/pause"), vec![]).await;
            assert!(paused.text.contains("Adresse mise en pause"), "{}", paused.text);
            assert!(!app.store.webhooks(org.id).await.unwrap()[0].active);
            let retried = post(&format!("/admin/webhooks/{id}/retry"), vec![]).await;
            assert!(retried.text.contains("remis en file"), "{}", retried.text);

            let source = post("/admin/inbound-sources", vec![("source", "emailing")]).await;
            assert_eq!(source.status, StatusCode::CREATED, "{}", source.text);
            assert!(source.text.contains("/inbound/default/emailing"), "{}", source.text);
            let taken = post("/admin/inbound-sources", vec![("source", "emailing")]).await;
            assert_eq!(taken.status, StatusCode::CONFLICT, "{}", taken.text);
            let removed = post("/admin/inbound-sources/emailing/remove", vec![]).await;
            assert!(removed.text.contains("Source retirée."), "{}", removed.text);
            let deleted = post(&format!("/admin/webhooks/{id}/delete"), vec![]).await;
            assert!(deleted.text.contains("Adresse supprimée."), "{}", deleted.text);

            let trail = app.get("/api/v1/audit?limit=1000").await.json();
            let actions: Vec<&str> = trail["entries"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
            for a in ["webhook.create", "webhook.pause", "webhook.retry", "webhook.delete", "inbound.create", "inbound.delete"] {
                assert!(actions.contains(&a), "{a} missing from {actions:?}");
            }

            // A marketer does not see the page.
            let (cookie, _) = signed_in(&app.store, "marketer@example.org", vigie_core::Role::Marketer, &[DEFAULT_ORG]).await;
            let refused = app.send(app.anonymous(Method::GET, "/admin/webhooks").header("cookie", cookie)).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN);
        }
    }
}
