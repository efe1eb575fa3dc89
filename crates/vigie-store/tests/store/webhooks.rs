//! Outbound webhooks' outbox and inbound e-mail events, on both stores.

use vigie_core::webhooks::{EndpointUrl, InboundKind, WebhookEvent};

use super::*;

fn by_admin(action: &str) -> AuditEvent {
    AuditEvent {
        actor: "user:admin@example.org".into(),
        role: Some("admin".into()),
        action: action.into(),
        target: None,
        origin: Some("test".into()),
        reason: None,
    }
}

async fn subscribe(s: &Store, org: OrgId, name: &str, events: &[WebhookEvent]) -> CreatedWebhook {
    s.create_webhook(
        org,
        &NewWebhook {
            name: name.into(),
            url: EndpointUrl::parse("http://127.0.0.1:9/hook").unwrap(),
            events: events.to_vec(),
        },
        by_admin("webhook.create"),
    )
    .await
    .unwrap()
}

fn plain(scope: ChannelScope, action: Action, at: &str) -> NewConsentEvent {
    let mut e = event(scope, action, at);
    e.ip = None;
    e.user_agent = None;
    e
}

async fn types(s: &Store, org: OrgId) -> Vec<(String, String)> {
    let mut rows = s
        .outbox(
            org,
            &OutboxQuery {
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    rows.reverse();
    rows.into_iter()
        .map(|r| (r.payload.contact_ref, r.payload.event_type))
        .collect()
}

fn soon() -> jiff::Timestamp {
    jiff::Timestamp::now() + jiff::SignedDuration::from_secs(60)
}

both_stores! {
    outbox_rows_are_written_with_the_change_only_for_subscribed_types => |t: TestStore| async move {
        let s = &t.store;
        let org = default_org(s).await;
        let c = contact("C1", "a@example.org", "0612345678");
        s.upsert_contact(org.id, &c).await.unwrap();
        s.append_event(org.id, &c.contact_ref, &plain(ChannelScope::Email, Action::Grant, "2026-01-10T08:00:00Z")).await.unwrap();
        assert!(types(s, org.id).await.is_empty(), "no subscription, no row");

        let created = subscribe(s, org.id, "crm", &[WebhookEvent::ConsentWithdraw, WebhookEvent::ConsentObject,
            WebhookEvent::ContactRestricted, WebhookEvent::ContactRestrictionLifted, WebhookEvent::ContactErased]).await;
        assert_eq!(created.secret.len(), 64);
        let twice = s.create_webhook(org.id, &NewWebhook { name: "crm".into(), url: EndpointUrl::parse("https://x.example/").unwrap(), events: vec![WebhookEvent::ConsentGrant] }, by_admin("webhook.create")).await;
        assert!(matches!(twice, Err(StoreError::Conflict(_))), "{twice:?}");
        // Another organization's subscription sees nothing of this one.
        let other = s.create_org("other", "Other").await.unwrap();
        subscribe(s, other.id, "crm", WebhookEvent::ALL).await;

        s.append_event(org.id, &c.contact_ref, &plain(ChannelScope::Email, Action::Grant, "2026-01-11T08:00:00Z")).await.unwrap();
        s.append_event(org.id, &c.contact_ref, &plain(ChannelScope::Email, Action::Withdraw, "2026-01-12T08:00:00Z")).await.unwrap();
        // The same event again is not a change.
        s.append_event(org.id, &c.contact_ref, &plain(ChannelScope::Email, Action::Withdraw, "2026-01-12T08:00:00Z")).await.unwrap();
        s.append_event(org.id, &c.contact_ref, &plain(ChannelScope::Any, Action::Object, "2026-01-13T08:00:00Z")).await.unwrap();
        s.set_contact_restricted(org.id, &c.contact_ref, true).await.unwrap();
        s.set_contact_restricted(org.id, &c.contact_ref, true).await.unwrap();
        s.set_contact_restricted(org.id, &c.contact_ref, false).await.unwrap();
        // A refused import (an unknown contact) rolls back: its events send nothing.
        let crypto = s.org_crypto(org.id).await.unwrap();
        let e = plain(ChannelScope::Sms, Action::Withdraw, "2026-01-14T08:00:00Z");
        let rows = vec![crypto.seal_event(2, "C1", &e, None), crypto.seal_event(3, "GHOST", &e, None)];
        assert!(s.import_events(org.id, stream(rows.clone(), true).await, false).await.is_err());
        // The same import accepted: one row, in the import's transaction.
        s.import_events(org.id, stream(rows, true).await, true).await.unwrap();
        s.erase_person(org.id, Some(&c.contact_ref), &[], 0, &serde_json::json!({})).await.unwrap();

        let got = types(s, org.id).await;
        let expected: Vec<(String, String)> = ["consent.withdraw", "consent.object", "contact.restricted",
            "contact.restriction_lifted", "consent.withdraw", "contact.erased"]
            .iter().map(|t| ("C1".to_string(), t.to_string())).collect();
        assert_eq!(got, expected);
        let rows = s.outbox(org.id, &OutboxQuery { limit: 100, ..Default::default() }).await.unwrap();
        let object = rows.iter().find(|r| r.payload.event_type == "consent.object").unwrap();
        assert_eq!(object.payload.channel.as_deref(), Some("any"));
        assert_eq!(object.payload.method.as_deref(), Some("double_opt_in"));
        assert_eq!(object.payload.at.to_string(), "2026-01-13T08:00:00Z");
        assert_eq!(object.payload.organization, "default");
        assert_eq!(object.status, DeliveryStatus::Pending);
        let counts = s.outbox_counts(org.id).await.unwrap();
        assert_eq!((counts.pending, counts.delivered, counts.failed), (6, 0, 0));
        assert!(types(s, other.id).await.is_empty());
        // Past the subscription, nothing more queues.
        let id = s.webhooks(org.id).await.unwrap()[0].id;
        s.delete_webhook(org.id, id, by_admin("webhook.delete")).await.unwrap();
        assert_eq!(s.outbox_counts(org.id).await.unwrap().pending, 0);
    };

    deliveries_are_claimed_in_order_per_contact_under_a_lease => |t: TestStore| async move {
        let s = &t.store;
        let org = default_org(s).await;
        let hook = subscribe(s, org.id, "crm", &[WebhookEvent::ConsentGrant, WebhookEvent::ConsentWithdraw]).await;
        for r in ["A", "B"] {
            s.upsert_contact(org.id, &contact(r, &format!("{r}@example.org"), "0612345678")).await.unwrap();
        }
        let a = ContactRef::parse("A").unwrap();
        let b = ContactRef::parse("B").unwrap();
        s.append_event(org.id, &a, &plain(ChannelScope::Email, Action::Grant, "2026-01-10T08:00:00Z")).await.unwrap();
        s.append_event(org.id, &a, &plain(ChannelScope::Email, Action::Withdraw, "2026-01-11T08:00:00Z")).await.unwrap();
        s.append_event(org.id, &b, &plain(ChannelScope::Email, Action::Grant, "2026-01-10T08:00:00Z")).await.unwrap();

        let first = s.claim_deliveries(org.id, "w1", soon(), 10).await.unwrap();
        let seen: Vec<_> = first.iter().map(|d| (d.payload.contact_ref.as_str(), d.payload.event_type.as_str())).collect();
        assert_eq!(seen, [("A", "consent.grant"), ("B", "consent.grant")], "one row per stream, the earliest");
        assert_eq!(first[0].secret, hook.secret.as_bytes());
        assert_eq!(first[0].attempts, 1);
        assert!(s.claim_deliveries(org.id, "w2", soon(), 10).await.unwrap().is_empty(), "leased rows are not claimed twice");

        // A's first row fails: A's second waits for it; a row due later is not claimed now.
        let (a1, b1) = (first[0].payload.id, first[1].payload.id);
        s.delivery_failed(org.id, a1, "w1", Some(503), "HTTP 503", Some(jiff::Timestamp::now())).await.unwrap();
        s.delivery_succeeded(org.id, b1, "w1", 200).await.unwrap();
        // Another worker's late answer changes nothing.
        s.delivery_succeeded(org.id, a1, "w2", 200).await.unwrap();
        let again = s.claim_deliveries(org.id, "w2", soon(), 10).await.unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!((again[0].payload.id, again[0].attempts), (a1, 2));
        s.delivery_failed(org.id, a1, "w2", None, "connection refused", None).await.unwrap();
        assert!(s.claim_deliveries(org.id, "w2", soon(), 10).await.unwrap().is_empty(), "a failed row holds its stream");
        let failed = s.outbox(org.id, &OutboxQuery { status: Some(DeliveryStatus::Failed), limit: 10, ..Default::default() }).await.unwrap();
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].last_error.as_deref(), Some("connection refused"));
        let counts = s.outbox_counts(org.id).await.unwrap();
        assert_eq!((counts.pending, counts.delivered, counts.failed), (1, 1, 1));

        // Paused: nothing is claimed; retried and resumed: the stream goes on in order.
        s.set_webhook_active(org.id, hook.webhook.id, false, by_admin("webhook.pause")).await.unwrap();
        assert_eq!(s.retry_outbox(org.id, hook.webhook.id, None, by_admin("webhook.retry")).await.unwrap(), 1);
        assert!(s.claim_deliveries(org.id, "w3", soon(), 10).await.unwrap().is_empty());
        s.set_webhook_active(org.id, hook.webhook.id, true, by_admin("webhook.resume")).await.unwrap();
        let retried = s.claim_deliveries(org.id, "w3", soon(), 10).await.unwrap();
        assert_eq!(retried.iter().map(|d| d.payload.id).collect::<Vec<_>>(), [a1]);
        s.delivery_succeeded(org.id, a1, "w3", 204).await.unwrap();
        let last = s.claim_deliveries(org.id, "w3", soon(), 10).await.unwrap();
        assert_eq!(last.len(), 1);
        assert_eq!(last[0].payload.event_type, "consent.withdraw");
        // An expired lease (a worker that stopped) lets another worker take the row.
        let expired = s.claim_deliveries(org.id, "w4", jiff::Timestamp::now(), 10).await.unwrap();
        assert!(expired.is_empty(), "still leased by w3");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        let w3_row = last[0].payload.id;
        s.delivery_failed(org.id, w3_row, "w3", None, "timeout", Some(jiff::Timestamp::now())).await.unwrap();
        let taken = s.claim_deliveries(org.id, "w4", jiff::Timestamp::now(), 10).await.unwrap();
        assert_eq!(taken.len(), 1);
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        let taken_over = s.claim_deliveries(org.id, "w5", soon(), 10).await.unwrap();
        assert_eq!(taken_over.iter().map(|d| d.payload.id).collect::<Vec<_>>(), [w3_row], "w4's lease ran out");
    };

    delivered_rows_are_purged_in_bounded_batches_failed_ones_later_and_never_while_they_hold => |t: TestStore| async move {
        let s = &t.store;
        let org = default_org(s).await;
        let other = s.create_org("purge-other", "Other").await.unwrap();
        subscribe(s, org.id, "crm", &[WebhookEvent::ConsentGrant, WebhookEvent::ConsentWithdraw]).await;
        subscribe(s, other.id, "crm", &[WebhookEvent::ConsentGrant]).await;
        for r in ["A", "B", "C", "D"] {
            s.upsert_contact(org.id, &contact(r, &format!("{r}@example.org"), "0612345678")).await.unwrap();
        }
        s.upsert_contact(other.id, &contact("A", "a@example.org", "0612345678")).await.unwrap();
        let r = |x: &str| ContactRef::parse(x).unwrap();
        // A and B: delivered. C: failed for good, nothing after it. D: failed for good, holding
        // a later row. The other organization: delivered.
        for x in ["A", "B", "C", "D"] {
            s.append_event(org.id, &r(x), &plain(ChannelScope::Email, Action::Grant, "2026-01-10T08:00:00Z")).await.unwrap();
        }
        s.append_event(org.id, &r("D"), &plain(ChannelScope::Email, Action::Withdraw, "2026-01-11T08:00:00Z")).await.unwrap();
        s.append_event(other.id, &r("A"), &plain(ChannelScope::Email, Action::Grant, "2026-01-10T08:00:00Z")).await.unwrap();
        for d in s.claim_deliveries(org.id, "w", soon(), 10).await.unwrap() {
            match d.payload.contact_ref.as_str() {
                "A" | "B" => s.delivery_succeeded(org.id, d.payload.id, "w", 200).await.unwrap(),
                _ => s.delivery_failed(org.id, d.payload.id, "w", Some(410), "HTTP 410", None).await.unwrap(),
            }
        }
        for d in s.claim_deliveries(other.id, "w", soon(), 10).await.unwrap() {
            s.delivery_succeeded(other.id, d.payload.id, "w", 200).await.unwrap();
        }
        let counts = s.outbox_counts(org.id).await.unwrap();
        assert_eq!((counts.pending, counts.delivered, counts.failed), (1, 2, 2));
        let (past, future) = (jiff::Timestamp::now() - jiff::SignedDuration::from_hours(1), soon());

        // Nothing has served its time yet.
        assert_eq!(s.purge_outbox(org.id, past, past, 100).await.unwrap(), 0);
        // Delivered rows past their period go, a batch at a time; failed ones stay longer.
        assert_eq!(s.purge_outbox(org.id, future, past, 1).await.unwrap(), 1);
        assert_eq!(s.purge_outbox(org.id, future, past, 100).await.unwrap(), 1);
        let counts = s.outbox_counts(org.id).await.unwrap();
        assert_eq!((counts.pending, counts.delivered, counts.failed), (1, 0, 2));
        // Failed rows past theirs go too, except the one holding D's later change.
        assert_eq!(s.purge_outbox(org.id, future, future, 100).await.unwrap(), 1);
        let failed = s.outbox(org.id, &OutboxQuery { status: Some(DeliveryStatus::Failed), limit: 10, ..Default::default() }).await.unwrap();
        assert_eq!(failed.iter().map(|f| f.payload.contact_ref.as_str()).collect::<Vec<_>>(), ["D"]);
        assert_eq!(s.outbox_counts(org.id).await.unwrap().pending, 1);
        // Another organization's rows are its own.
        assert_eq!(s.outbox_counts(other.id).await.unwrap().delivered, 1);
    };

    inbound_events_write_the_ledger_or_the_suppression_list_once => |t: TestStore| async move {
        let s = &t.store;
        let org = default_org(s).await;
        let c = contact("C1", "a@example.org", "0612345678");
        s.upsert_contact(org.id, &c).await.unwrap();
        let secret = s.create_inbound_source(org.id, "brevo", by_admin("inbound.create")).await.unwrap();
        assert_eq!(s.inbound_secret(org.id, "brevo").await.unwrap().unwrap(), secret.as_bytes());
        assert!(s.inbound_secret(org.id, "other").await.unwrap().is_none());
        assert!(matches!(s.create_inbound_source(org.id, "Bad Name", by_admin("inbound.create")).await, Err(StoreError::Invalid(_))));
        let unsubscribe = InboundEvent {
            id: "evt-1".into(),
            kind: InboundKind::Unsubscribe,
            email: Email::parse("A@example.org").unwrap(),
            at: "2026-02-01T10:00:00Z".parse().unwrap(),
            purpose: Some(Purpose::Newsletter),
        };
        assert_eq!(s.apply_inbound(org.id, "brevo", &unsubscribe).await.unwrap(), InboundOutcome::Recorded { contacts: 1 });
        assert_eq!(s.apply_inbound(org.id, "brevo", &unsubscribe).await.unwrap(), InboundOutcome::Duplicate);
        let ledger = s.ledger(org.id, &c.contact_ref).await.unwrap();
        assert_eq!(ledger.len(), 1);
        assert_eq!(ledger[0].new.event.action, Action::Withdraw);
        assert_eq!(ledger[0].new.event.method, Method::UnsubscribeLink);
        assert_eq!(ledger[0].new.event.scope, ChannelScope::Email);
        assert_eq!(ledger[0].new.source.as_deref(), Some("inbound:brevo:evt-1"));

        let complaint = InboundEvent { id: "evt-2".into(), kind: InboundKind::Complaint, purpose: None, ..unsubscribe.clone() };
        s.apply_inbound(org.id, "brevo", &complaint).await.unwrap();
        let ledger = s.ledger(org.id, &c.contact_ref).await.unwrap();
        let objections = ledger.iter().filter(|e| e.new.event.action == Action::Object).count();
        assert_eq!(objections, Purpose::ALL.len());

        let nobody = InboundEvent { id: "evt-3".into(), email: Email::parse("nobody@example.org").unwrap(), ..unsubscribe.clone() };
        assert_eq!(s.apply_inbound(org.id, "brevo", &nobody).await.unwrap(), InboundOutcome::NoContact);
        let bounce = InboundEvent { id: "evt-4".into(), kind: InboundKind::HardBounce, ..nobody.clone() };
        assert!(!s.is_suppressed(org.id, "nobody@example.org").await.unwrap());
        assert_eq!(s.apply_inbound(org.id, "brevo", &bounce).await.unwrap(), InboundOutcome::Suppressed);
        assert!(s.is_suppressed(org.id, "nobody@example.org").await.unwrap());
        assert_eq!(s.inbound_sources(org.id).await.unwrap().len(), 1);
        s.delete_inbound_source(org.id, "brevo", by_admin("inbound.delete")).await.unwrap();
        assert!(s.inbound_secret(org.id, "brevo").await.unwrap().is_none());
    };
}
