//! The life cycle through `Dsar`, with a fixed clock: merging, deadlines across a month end,
//! pauses, one extension, the queue's order.

use std::sync::{Arc, Mutex};

use jiff::Timestamp;
use vigie_core::Email;
use vigie_core::dsar::{RequestKind, RequestStatus, Urgency};
use vigie_dsar::{Actor, Dsar, DsarError};
use vigie_store::testing::TestStore;
use vigie_store::*;

fn dpo() -> Actor {
    Actor {
        name: "cli:dpo".into(),
        role: Some("dpo".into()),
        origin: Some("cli".into()),
    }
}

fn email(s: &str) -> Identifier {
    Identifier::Email(Email::parse(s).unwrap())
}

async fn deadlines_pauses_extension_and_the_queue(t: TestStore) {
    let org = t.store.require_org(DEFAULT_ORG).await.unwrap();
    let now: Arc<Mutex<Timestamp>> = Arc::new(Mutex::new("2026-01-31T10:00:00Z".parse().unwrap()));
    let clock = now.clone();
    let dsar = Dsar::new(t.store.clone()).with_clock(move || *clock.lock().unwrap());
    let set = |t: &str| *now.lock().unwrap() = t.parse().unwrap();

    let a = dsar
        .file(
            &org,
            RequestKind::Access,
            email("a@example.org"),
            false,
            None,
            &Actor::public(None),
        )
        .await
        .unwrap();
    let again = dsar
        .file(
            &org,
            RequestKind::Access,
            email("A@example.org"),
            false,
            None,
            &Actor::public(None),
        )
        .await
        .unwrap();
    assert!(again.merged);
    assert_eq!(again.request.id, a.request.id);
    let b = dsar
        .file(
            &org,
            RequestKind::Erasure,
            email("b@example.org"),
            true,
            None,
            &dpo(),
        )
        .await
        .unwrap();

    // b: received 31 January, due 28 February.
    let shown = dsar.show(&org, b.request.id).await.unwrap();
    assert_eq!(shown.item.due.date, jiff::civil::date(2026, 2, 28));
    assert_eq!(shown.item.urgency, Urgency::OnTrack);

    // a: verified 3 days later: due 3 March.
    set("2026-02-03T10:00:00Z");
    dsar.verify(&org, a.request.id, &Actor::public(None))
        .await
        .unwrap();
    assert_eq!(
        dsar.show(&org, a.request.id).await.unwrap().item.due.date,
        jiff::civil::date(2026, 3, 3)
    );
    // The DPO asks b for proof on 5 February; it comes on 9 February: due 4 March.
    set("2026-02-05T10:00:00Z");
    dsar.pause(&org, b.request.id, Some("ID requested".into()), &dpo())
        .await
        .unwrap();
    set("2026-02-09T10:00:00Z");
    dsar.resume(&org, b.request.id, &dpo()).await.unwrap();
    assert_eq!(
        dsar.show(&org, b.request.id).await.unwrap().item.due.date,
        jiff::civil::date(2026, 3, 4)
    );
    // a is extended by two months: due 3 May (three months from 31 January is 30 April, plus
    // the 3 days waiting for identity).
    dsar.extend(&org, a.request.id, 2, "twelve connected systems", &dpo())
        .await
        .unwrap();
    let err = dsar
        .extend(&org, a.request.id, 1, "again", &dpo())
        .await
        .unwrap_err();
    assert!(matches!(err, DsarError::Transition { .. }), "{err}");
    assert!(err.to_string().contains("extended once"), "{err}");
    assert_eq!(
        dsar.show(&org, a.request.id).await.unwrap().item.due.date,
        jiff::civil::date(2026, 5, 3)
    );

    // On 1 March, b is due soon, a on track; on 5 March b is overdue.
    set("2026-03-01T10:00:00Z");
    let q = dsar.queue(&org, true).await.unwrap();
    let order: Vec<(i64, Urgency)> = q.iter().map(|i| (i.request.id, i.urgency)).collect();
    assert_eq!(
        order,
        [
            (b.request.id, Urgency::DueSoon),
            (a.request.id, Urgency::OnTrack)
        ]
    );
    set("2026-03-05T10:00:00Z");
    let q = dsar.queue(&org, true).await.unwrap();
    assert_eq!(q[0].urgency, Urgency::Overdue);

    // Refused with a reason; a closed request leaves the open queue.
    let r = dsar
        .reject(&org, b.request.id, "manifestly unfounded", &dpo())
        .await
        .unwrap();
    assert_eq!(r.clock.status, RequestStatus::Rejected);
    assert_eq!(dsar.queue(&org, true).await.unwrap().len(), 1);
    assert_eq!(dsar.queue(&org, false).await.unwrap().len(), 2);

    let history: Vec<String> = dsar
        .show(&org, b.request.id)
        .await
        .unwrap()
        .history
        .into_iter()
        .map(|h| h.step)
        .collect();
    assert_eq!(history, ["filed", "paused", "resumed", "rejected"]);
    assert!(matches!(
        dsar.show(&org, 9999).await.unwrap_err(),
        DsarError::NotFound(9999)
    ));
    assert!(t.store.verify_audit().await.unwrap().intact());
}

vigie_store::both_stores! {
    lifecycle_deadlines_pauses_extension_queue => deadlines_pauses_extension_and_the_queue;
}
