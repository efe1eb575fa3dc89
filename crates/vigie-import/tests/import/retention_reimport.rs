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
        // The skipped row is named: its line, its reference, the day of the erasure (the
        // organization's calendar), in the report and in the rejects file.
        let today = jiff::Timestamp::now()
            .to_zoned(jiff::tz::TimeZone::get("Europe/Paris").unwrap())
            .date();
        assert_eq!(r.skipped.len(), 1, "{r:?}");
        assert_eq!((r.skipped[0].line, r.skipped[0].column.as_str()), (4, "contact_ref"));
        match &r.skipped[0].reason {
            vigie_import::Reason::ErasedByRetention { reference, erased_on } => {
                assert_eq!(reference, "C00000003");
                assert!((*erased_on - today).get_days().abs() <= 1, "{erased_on} {today}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(r.rejected, 0, "a skipped row is not an invalid one");
        let rejects = std::fs::read_to_string(r.rejects_file.as_ref().expect("a rejects file")).unwrap();
        let lines: Vec<&str> = rejects.lines().collect();
        assert_eq!(lines.len(), 2, "{rejects}");
        assert!(lines[1].starts_with("4,contact_ref,erased_by_retention,"), "{rejects}");
        assert!(lines[1].contains("under the retention period"), "{rejects}");
        assert!(lines[1].contains("C00000003"), "{rejects}");
        // A row collected after the erasure (a new sign of life) brings the person back.
        let again = CONTACTS.replace("2025-01-02T11:00:00Z", "2099-01-02T11:00:00Z");
        let r = import_file(s, &o, ImportKind::Contacts, &write(dir.path(), "new.csv", &again), &opts)
            .await
            .unwrap();
        assert_eq!((r.counts.left_erased, r.counts.updated), (0, 1), "{r:?}");
        assert!(r.skipped.is_empty(), "brought back, not skipped: {r:?}");
        let back = s.contact(o.id, &jean).await.unwrap().unwrap();
        assert_eq!(back.data.email.map(|e| e.as_str().to_owned()).as_deref(), Some("jean.petit@company3.fr"));
        // Retention never put the person on the suppression list.
        assert!(!s.is_suppressed(o.id, "jean.petit@company3.fr").await.unwrap());
    };
    // A CRM file that still names a customer archived for the accounting obligation writes its
    // e-mail and phone back; the archive's reduction follows the import at once (audited on
    // the import), so that the contact holds them for no longer than the import itself.
    a_reimport_of_an_archived_customer_is_reduced_again_at_once => |t: TestStore| async move {
        let dir = tempfile::tempdir().unwrap();
        let s = &t.store;
        let o = org(s).await;
        let opts = ImportOptions::default();
        let crm = "contact_ref,email,phone,audience,customer,customer_categories,collected_via,collected_at,informed,objection_offered,contract_active,restricted,last_name,relationship_ended_at
K1,anne.client@example.org,0612345678,consumer,true,optics,web_form,2020-01-01T09:00:00Z,true,true,false,false,Client,2023-12-04T09:00:00Z
";
        let file = write(dir.path(), "crm.csv", crm);
        import_file(s, &o, ImportKind::Contacts, &file, &opts).await.unwrap();
        let run = s
            .run_retention(o.id, "2026-12-05T10:00:00+01:00", RunLimits::default(),
                AuditEvent { actor: "cli:test".into(), ..AuditEvent::default() })
            .await
            .unwrap();
        assert_eq!(run.archived, 1, "{run:?}");
        let k1 = ContactRef::parse("K1").unwrap();
        let held = s.contact(o.id, &k1).await.unwrap().unwrap();
        assert_eq!((held.data.email.as_ref(), held.data.phone.as_ref()), (None, None));

        let r = import_file(s, &o, ImportKind::Contacts, &file, &opts).await.unwrap();
        assert_eq!(r.counts.updated, 1, "{r:?}");
        let after = s.contact(o.id, &k1).await.unwrap().unwrap();
        assert_eq!((after.data.email.as_ref(), after.data.phone.as_ref()), (None, None), "{after:?}");
        assert_eq!(after.data.last_name.as_deref(), Some("Client"));
        assert!(after.data.customer_categories.is_empty(), "{after:?}");
        let email = vigie_core::Email::parse("anne.client@example.org").unwrap();
        assert!(s.contact_by_identifier(o.id, &vigie_store::Identifier::Email(email)).await.unwrap().is_none());
        let audit = s.audit_entries(o.id, 0, 1000).await.unwrap();
        assert!(audit.iter().any(|e| e.action == "retention.archive_reduced"
            && e.target.as_deref() == Some("import:contacts")), "{audit:?}");
    };
}
