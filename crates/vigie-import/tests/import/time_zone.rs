//! The optional `time_zone` column (issue 12): a contact's recorded zone, which wins over the
//! one its number implies for calling hours.

use super::*;

/// [`CONTACTS`] with a `time_zone` column: Marie records Europe/Paris, the others none.
fn with_zones(marie_zone: &str) -> String {
    let mut lines = CONTACTS.lines();
    let mut out = format!("{},time_zone\n", lines.next().unwrap());
    for (i, line) in lines.enumerate() {
        let zone = if i == 0 { marie_zone } else { "" };
        out.push_str(&format!("{line},{zone}\n"));
    }
    out
}

both_stores! {
    a_recorded_zone_is_stored_and_a_zone_only_change_is_an_update => |t: TestStore| async move {
        let dir = tempfile::tempdir().unwrap();
        let s = &t.store;
        let o = org(s).await;
        let opts = ImportOptions::default();
        let marie = ContactRef::parse("C00000001").unwrap();
        // Without the column, nothing is recorded.
        import_file(s, &o, ImportKind::Contacts, &write(dir.path(), "a.csv", CONTACTS), &opts).await.unwrap();
        assert_eq!(s.contact(o.id, &marie).await.unwrap().unwrap().data.time_zone, None);
        // The same rows with the column left empty change nothing.
        let r = import_file(s, &o, ImportKind::Contacts, &write(dir.path(), "b.csv", &with_zones("")), &opts)
            .await
            .unwrap();
        assert_eq!((r.counts.updated, r.counts.unchanged), (0, 3), "{r:?}");
        // Only Marie's zone differs: one update, and the zone is read back.
        let r = import_file(s, &o, ImportKind::Contacts, &write(dir.path(), "c.csv", &with_zones("Europe/Paris")), &opts)
            .await
            .unwrap();
        assert_eq!((r.counts.updated, r.counts.unchanged), (1, 2), "{r:?}");
        let zone = s.contact(o.id, &marie).await.unwrap().unwrap().data.time_zone;
        assert_eq!(zone.map(vigie_core::Zone::name), Some("Europe/Paris"));
        // Another zone is another change.
        let r = import_file(s, &o, ImportKind::Contacts, &write(dir.path(), "d.csv", &with_zones("Indian/Reunion")), &opts)
            .await
            .unwrap();
        assert_eq!(r.counts.updated, 1, "{r:?}");
        let zone = s.contact(o.id, &marie).await.unwrap().unwrap().data.time_zone;
        assert_eq!(zone.map(vigie_core::Zone::name), Some("Indian/Reunion"));
    };

    an_unknown_zone_refuses_the_file_naming_line_and_column => |t: TestStore| async move {
        let dir = tempfile::tempdir().unwrap();
        let s = &t.store;
        let o = org(s).await;
        let file = write(dir.path(), "z.csv", &with_zones("Europe/Lutece"));
        let errors = invalid(import_file(s, &o, ImportKind::Contacts, &file, &ImportOptions::default()).await);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!((errors[0].line, errors[0].column.as_str()), (2, "time_zone"), "{errors:?}");
        assert!(errors[0].reason.to_string().contains("Europe/Lutece"), "{}", errors[0].reason);
        assert_eq!(contact_count(s, &o).await, 0, "nothing of a rejected file is stored");
    };
}
