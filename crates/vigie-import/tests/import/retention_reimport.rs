//! A re-import does not revive a contact erased by retention (issue 16): the row is reported
//! and left erased, unless it was collected again after the erasure, which brings the person
//! back. (A contact erased at the person's request stays erased whatever the row says: see the
//! store's erasure tests.)

use vigie_store::{AuditEvent, RunLimits};

use super::*;

both_stores! {
    a_reimport_does_not_revive_an_expired_and_erased_prospect => |t: TestStore| async move {
        let dir = tempfile::tempdir().unwrap();
        let s = &t.store;
        let o = org(s).await;
        let opts = ImportOptions::default();
        let file = write(dir.path(), "crm.csv", CONTACTS);
        import_file(s, &o, ImportKind::Contacts, &file, &opts).await.unwrap();
        // In 2030 the professional collected in January 2025 is past three years.
        let run = s
            .run_retention(o.id, "2030-01-03T12:00:00Z", RunLimits::default(),
                AuditEvent { actor: "cli:test".into(), ..AuditEvent::default() })
            .await
            .unwrap();
        assert_eq!(run.erased, 1, "{run:?}");
        let jean = ContactRef::parse("C00000003").unwrap();
        let erased = |s: &Store, o: i64| {
            let jean = jean.clone();
            let s = s.clone();
            async move { s.contact(o, &jean).await.unwrap().unwrap().data.email.is_none() }
        };
        assert!(erased(s, o.id).await);
        // The same CRM file again: the row is reported and skipped.
        let r = import_file(s, &o, ImportKind::Contacts, &file, &opts).await.unwrap();
        assert_eq!((r.counts.left_erased, r.counts.updated, r.counts.inserted), (1, 0, 0), "{r:?}");
        assert!(erased(s, o.id).await, "not revived");
        // A row collected after the erasure (a new sign of life) brings the person back.
        let again = CONTACTS.replace("2025-01-02T11:00:00Z", "2099-01-02T11:00:00Z");
        let r = import_file(s, &o, ImportKind::Contacts, &write(dir.path(), "new.csv", &again), &opts)
            .await
            .unwrap();
        assert_eq!((r.counts.left_erased, r.counts.updated), (0, 1), "{r:?}");
        let back = s.contact(o.id, &jean).await.unwrap().unwrap();
        assert_eq!(back.data.email.map(|e| e.as_str().to_owned()).as_deref(), Some("jean.petit@company3.fr"));
        // Retention never put the person on the suppression list.
        assert!(!s.is_suppressed(o.id, "jean.petit@company3.fr").await.unwrap());
    };
}
