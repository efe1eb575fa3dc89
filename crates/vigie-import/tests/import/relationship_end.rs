//! The optional `relationship_ended_at` column (issue 16): the end of a customer relationship or
//! the last purchase, from which the customer's retention period and the accounting archive
//! are counted.

use super::*;

/// [`CONTACTS`] with a `relationship_ended_at` column: Marie's given, the others empty.
fn with_end(marie_end: &str) -> String {
    let mut lines = CONTACTS.lines();
    let mut out = format!("{},relationship_ended_at\n", lines.next().unwrap());
    for (i, line) in lines.enumerate() {
        let end = if i == 0 { marie_end } else { "" };
        out.push_str(&format!("{line},{end}\n"));
    }
    out
}

both_stores! {
    an_end_of_relationship_is_stored_and_a_change_of_it_is_an_update => |t: TestStore| async move {
        let dir = tempfile::tempdir().unwrap();
        let s = &t.store;
        let o = org(s).await;
        let opts = ImportOptions::default();
        import_file(s, &o, ImportKind::Contacts, &write(dir.path(), "a.csv", CONTACTS), &opts).await.unwrap();
        let marie = ContactRef::parse("C00000001").unwrap();
        assert_eq!(s.contact(o.id, &marie).await.unwrap().unwrap().data.relationship_ended_at, None);
        // The column left empty changes nothing.
        let r = import_file(s, &o, ImportKind::Contacts, &write(dir.path(), "b.csv", &with_end("")), &opts)
            .await
            .unwrap();
        assert_eq!((r.counts.updated, r.counts.unchanged), (0, 3), "{r:?}");
        let r = import_file(s, &o, ImportKind::Contacts, &write(dir.path(), "c.csv", &with_end("2023-03-01T10:00:00Z")), &opts)
            .await
            .unwrap();
        assert_eq!((r.counts.updated, r.counts.unchanged), (1, 2), "{r:?}");
        let got = s.contact(o.id, &marie).await.unwrap().unwrap().data.relationship_ended_at;
        assert_eq!(got, Some("2023-03-01T10:00:00Z".parse().unwrap()));
        let r = import_file(s, &o, ImportKind::Contacts, &write(dir.path(), "d.csv", &with_end("2024-03-01T10:00:00Z")), &opts)
            .await
            .unwrap();
        assert_eq!(r.counts.updated, 1, "{r:?}");
    };

    a_malformed_end_of_relationship_refuses_the_file_naming_line_and_column => |t: TestStore| async move {
        let dir = tempfile::tempdir().unwrap();
        let s = &t.store;
        let o = org(s).await;
        let file = write(dir.path(), "z.csv", &with_end("last spring"));
        let errors = invalid(import_file(s, &o, ImportKind::Contacts, &file, &ImportOptions::default()).await);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!((errors[0].line, errors[0].column.as_str()), (2, "relationship_ended_at"), "{errors:?}");
        assert_eq!(contact_count(s, &o).await, 0, "nothing of a rejected file is stored");
    };
}
