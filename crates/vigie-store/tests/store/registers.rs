//! The registers on both stores: versioned per organization, idempotent saves with one audit
//! entry per change, conflicts instead of lost updates, invalid registers refused.

use vigie_core::registers::{Registers, from_yaml};
use vigie_store::both_stores;
use vigie_store::testing::TestStore;
use vigie_store::*;

fn demo() -> Registers {
    from_yaml(include_str!("../../../vigie/src/demo_registers.yaml")).unwrap()
}

fn by(action: &str) -> AuditEvent {
    AuditEvent {
        actor: "user:dpo@example.org".into(),
        role: Some("dpo".into()),
        action: action.into(),
        target: Some("registers".into()),
        origin: None,
        reason: None,
    }
}

both_stores! {
    registers_are_versioned_and_saving_the_same_twice_changes_nothing => |t: TestStore| async move {
        let s = &t.store;
        let org = s.require_org(DEFAULT_ORG).await.unwrap();
        let other = s.create_org("other", "Other").await.unwrap();
        assert!(s.registers(org.id).await.unwrap().is_none());
        let before = s.audit_count(org.id).await.unwrap();
        let mut r = demo();
        let saved = s.save_registers(org.id, &r, None, by("registers.apply")).await.unwrap();
        assert_eq!(saved, RegistersSaved::Changed { version: 1 });
        let again = s.save_registers(org.id, &r, None, by("registers.apply")).await.unwrap();
        assert_eq!(again, RegistersSaved::Unchanged { version: 1 });
        assert_eq!(s.audit_count(org.id).await.unwrap(), before + 1, "one audit entry for two saves");
        let stored = s.registers(org.id).await.unwrap().unwrap();
        assert_eq!(stored.registers, r);
        assert_eq!(stored.version, 1);
        assert_eq!(stored.written_by, "user:dpo@example.org");
        // Keyed by organization.
        assert!(s.registers(other.id).await.unwrap().is_none());

        // A change based on the version read.
        r.processors[2].clauses.push(vigie_core::registers::Art28Clause::AssistanceWithObligations);
        let saved = s.save_registers(org.id, &r, Some(1), by("registers.processor.update")).await.unwrap();
        assert_eq!(saved, RegistersSaved::Changed { version: 2 });
        // A writer who read version 1 is refused; nothing is written.
        r.profile.legal_name = "Optique Horizon".into();
        let e = s.save_registers(org.id, &r, Some(1), by("registers.profile.update")).await.unwrap_err();
        assert!(matches!(e, StoreError::Conflict(_)), "{e}");
        assert_eq!(s.registers(org.id).await.unwrap().unwrap().version, 2);
        // The earlier version stays readable as it was.
        let v1 = s.registers_version(org.id, 1).await.unwrap().unwrap();
        assert_eq!(v1.registers, demo());
        assert_eq!(s.audit_count(org.id).await.unwrap(), before + 2);

        // Registers that do not hold together are refused whole.
        let mut bad = demo();
        bad.activities[0].processors.push("ghost".into());
        let e = s.save_registers(org.id, &bad, None, by("registers.apply")).await.unwrap_err();
        assert!(matches!(e, StoreError::Invalid(ref m) if m.contains("activities[0].processors[2]")), "{e}");
        assert_eq!(s.registers(org.id).await.unwrap().unwrap().version, 2);
    };
}
