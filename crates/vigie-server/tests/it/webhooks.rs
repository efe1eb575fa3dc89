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
        tokio::time::sleep(Duration::from_millis(600)).await;
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
