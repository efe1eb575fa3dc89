//! The breach register on both stores: numbered per organization, the breaches awaiting a
//! notification found until it is made or decided against, every change audited; contacts
//! counted for a selection (references, or a period of collection).

use vigie_core::ContactRef;
use vigie_core::assess::BreachRisk;
use vigie_core::registers::breach::{Breach, BreachNature};
use vigie_store::both_stores;
use vigie_store::testing::TestStore;
use vigie_store::*;

fn breach() -> Breach {
    Breach {
        aware_at: "2026-03-27T15:00:00+01:00".parse().unwrap(),
        occurred_at: None,
        nature: vec![BreachNature::Confidentiality],
        description: "Fichier de prospects envoyé au mauvais destinataire".into(),
        categories_of_persons: vec!["Prospects".into()],
        categories_of_data: vec!["E-mail".into()],
        persons_concerned: None,
        persons_counted_from: None,
        risk: BreachRisk::Risk,
        consequences: "Sollicitations non désirées".into(),
        measures: "Suppression demandée au destinataire".into(),
        notified_at: None,
        not_notified_reason: None,
        persons: None,
    }
}

fn by(action: &str) -> AuditEvent {
    AuditEvent {
        actor: "user:dpo@example.org".into(),
        action: action.into(),
        ..Default::default()
    }
}

both_stores! {
    breaches_are_numbered_awaited_until_notified_and_audited => |t: TestStore| async move {
        let s = &t.store;
        let org = s.require_org(DEFAULT_ORG).await.unwrap();
        let other = s.create_org("other", "Other").await.unwrap();
        let before = s.audit_count(org.id).await.unwrap();
        let first = s.record_breach(org.id, &breach(), by("breach.record")).await.unwrap();
        let mut unlikely = breach();
        unlikely.risk = BreachRisk::Unlikely;
        let second = s.record_breach(org.id, &unlikely, by("breach.record")).await.unwrap();
        assert_eq!((first, second), (1, 2));
        assert_eq!(s.record_breach(other.id, &breach(), by("breach.record")).await.unwrap(), 1);
        let awaiting: Vec<i64> = s.breaches_awaiting(org.id).await.unwrap().into_iter().map(|(id, _)| id).collect();
        assert_eq!(awaiting, [1], "an unlikely risk is documented only");
        let mut notified = breach();
        notified.notified_at = Some("2026-03-29T10:00:00Z".parse().unwrap());
        s.update_breach(org.id, 1, &notified, by("breach.notify")).await.unwrap();
        assert!(s.breaches_awaiting(org.id).await.unwrap().is_empty());
        assert_eq!(s.breach(org.id, 1).await.unwrap().unwrap(), notified);
        assert_eq!(s.breaches(org.id).await.unwrap().len(), 2);
        assert_eq!(s.audit_count(org.id).await.unwrap(), before + 3);
        assert!(matches!(s.update_breach(org.id, 9, &notified, by("breach.notify")).await, Err(StoreError::NotFound(_))));
        // Half a record is refused.
        let mut bad = breach();
        bad.measures = " ".into();
        assert!(matches!(s.record_breach(org.id, &bad, by("breach.record")).await, Err(StoreError::Invalid(_))));
        assert_eq!(s.breaches(org.id).await.unwrap().len(), 2);
    };

    contacts_are_counted_for_a_selection => |t: TestStore| async move {
        let s = &t.store;
        let org = s.require_org(DEFAULT_ORG).await.unwrap();
        for (i, day) in [(1, "2026-03-01"), (2, "2026-03-10"), (3, "2026-04-02")] {
            let mut c = crate::contact(&format!("C{i}"), &format!("p{i}@example.org"), &format!("061234567{i}"));
            c.collected_at = Some(format!("{day}T10:00:00Z").parse().unwrap());
            s.upsert_contact(org.id, &c).await.unwrap();
        }
        let refs: Vec<ContactRef> = ["C1", "C3", "C3", "C9"].iter().map(|r| ContactRef::parse(r).unwrap()).collect();
        assert_eq!(s.count_contacts_by_refs(org.id, &refs).await.unwrap(), 2);
        let n = s.count_contacts_collected(org.id, "2026-03-01T00:00:00Z".parse().unwrap(), "2026-04-01T00:00:00Z".parse().unwrap()).await.unwrap();
        assert_eq!(n, 2);
        // Thousands of references, looked up in chunks: the contacts are found past the first ones.
        let mut many: Vec<ContactRef> = (0..1200).map(|i| ContactRef::parse(&format!("A{i:04}")).unwrap()).collect();
        many.extend(refs.iter().cloned());
        assert_eq!(s.count_contacts_by_refs(org.id, &many).await.unwrap(), 2);
        let other = s.create_org("other", "Other").await.unwrap();
        assert_eq!(s.count_contacts_by_refs(other.id, &refs).await.unwrap(), 0);
    };
}
