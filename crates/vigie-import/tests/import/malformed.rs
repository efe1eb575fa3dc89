//! Malformed files (issue 18, defects 3 and 6): a quote left open, a repeated reference. The
//! file is refused with the line at fault, and nothing of it is stored.

use super::*;

/// The reason given for a quote left open.
const UNCLOSED: &str = "quoted field opened on this line is not closed";

both_stores! {
    an_unclosed_quote_refuses_the_file_at_the_line_it_opened => |t: TestStore| async move {
        let dir = tempfile::tempdir().unwrap();
        let s = &t.store;
        let o = org(s).await;
        let opts = ImportOptions::default();
        // The quote opened on line 3 closes on line 4: the csv reader used to glue line 4 into
        // one field of line 3 (same field count, exit 0, one contact fewer).
        let contacts = CONTACTS
            .replace(",trade_show,", ",\"trade_show,")
            .replace(",public_directory,", ",public_directory\",");
        let errors = invalid(import_file(s, &o, ImportKind::Contacts, &write(dir.path(), "c.csv", &contacts), &opts).await);
        assert_eq!((errors[0].line, errors[0].column.as_str()), (3, "collected_via"), "{errors:?}");
        assert!(errors[0].reason.to_string().contains(UNCLOSED), "{}", errors[0].reason);
        assert_eq!(contact_count(s, &o).await, 0, "nothing of the file is stored");
        // Not even with --skip-invalid: no row after an open quote can be trusted.
        let skip = ImportOptions { skip_invalid: true, ..Default::default() };
        let errors = invalid(import_file(s, &o, ImportKind::Contacts, &write(dir.path(), "c2.csv", &contacts), &skip).await);
        assert_eq!(errors[0].line, 3);
        assert_eq!(contact_count(s, &o).await, 0);

        import_file(s, &o, ImportKind::Contacts, &write(dir.path(), "good.csv", CONTACTS), &opts).await.unwrap();
        let consents = CONSENTS
            .replace(",unsubscribe_link,", ",\"unsubscribe_link,")
            .replace(",email_reply,", ",email_reply\",");
        let errors = invalid(import_file(s, &o, ImportKind::Consents, &write(dir.path(), "e.csv", &consents), &opts).await);
        assert_eq!((errors[0].line, errors[0].column.as_str()), (3, "method"), "{errors:?}");
        assert!(errors[0].reason.to_string().contains(UNCLOSED));
        assert!(s.ledger(o.id, &ContactRef::parse("C00000001").unwrap()).await.unwrap().is_empty());

        for (kind, file) in [
            (ImportKind::Suppression, "email\nz@example.org\n\"a@example.org\nb@example.org\"\n"),
            (ImportKind::Opposition, "phone\n+33612345678\n\"+33612345679\n+33612345670\"\n"),
        ] {
            let errors = invalid(import_file(s, &o, kind, &write(dir.path(), "l.csv", file), &opts).await);
            assert_eq!(errors[0].line, 3, "{kind:?}");
            assert!(errors[0].reason.to_string().contains(UNCLOSED), "{kind:?}: {}", errors[0].reason);
        }
        assert!(!s.on_opposition_list(o.id, &vigie_core::PhoneE164::parse_e164("+33612345678").unwrap()).await.unwrap());
    };

    free_text_and_lists_are_bounded => |t: TestStore| async move {
        let dir = tempfile::tempdir().unwrap();
        let s = &t.store;
        let o = org(s).await;
        let opts = ImportOptions::default();
        let many: Vec<String> = (0..=vigie_core::MAX_CUSTOMER_CATEGORIES).map(|i| format!("c{i}")).collect();
        for (bad, column) in [
            (CONTACTS.replace(",false,,trade_show,", &format!(",false,{},trade_show,", many.join("|"))), "customer_categories"),
            // A NUL used to pass the reader and fail in PostgreSQL's text column.
            (CONTACTS.replace(",trade_show,", ",trade\0show,"), "collected_via"),
            (CONTACTS.replace(",trade_show,", &format!(",{},", "x".repeat(257))), "collected_via"),
            (CONTACTS.replace("C00000002", "C/2"), "contact_ref"),
            (CONTACTS.replace("C00000002", "C\u{202e}2"), "contact_ref"),
        ] {
            let errors = invalid(import_file(s, &o, ImportKind::Contacts, &write(dir.path(), "b.csv", &bad), &opts).await);
            assert_eq!((errors[0].line, errors[0].column.as_str()), (3, column), "{errors:?}");
        }
        assert_eq!(contact_count(s, &o).await, 0);
    };

    a_repeated_contact_ref_names_both_lines => |t: TestStore| async move {
        let dir = tempfile::tempdir().unwrap();
        let s = &t.store;
        let o = org(s).await;
        let repeated = format!("{CONTACTS}C00000001,other@example.org,,consumer,false,,web_form,,true,true,false,false\n");
        let errors = invalid(import_file(s, &o, ImportKind::Contacts, &write(dir.path(), "r.csv", &repeated), &ImportOptions::default()).await);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!((errors[0].line, errors[0].column.as_str()), (5, "contact_ref"));
        assert!(errors[0].reason.to_string().contains("already on line 2"), "{}", errors[0].reason);
        assert_eq!(contact_count(s, &o).await, 0);
    };

    the_rejects_file_never_runs_a_cell_as_a_formula => |t: TestStore| async move {
        let dir = tempfile::tempdir().unwrap();
        let s = &t.store;
        let o = org(s).await;
        // A rejected row (its phone is impossible) whose cells a spreadsheet would run.
        let bad = CONTACTS
            .replace("0033612121212", "06 12")
            .replace(",public_directory,", ",=HYPERLINK(\"http://x\"),")
            .replace("C00000003,", "@C3,");
        let opts = ImportOptions { skip_invalid: true, ..Default::default() };
        let r = import_file(s, &o, ImportKind::Contacts, &write(dir.path(), "f.csv", &bad), &opts).await.unwrap();
        assert_eq!(r.rejected, 1);
        let rejects = std::fs::read_to_string(r.rejects_file.unwrap()).unwrap();
        let row = rejects.lines().nth(1).unwrap();
        assert!(row.starts_with("4,phone,"), "{row}");
        assert!(row.contains(",'@C3,"), "{row}");
        assert!(row.contains(",\"'=HYPERLINK(\"\"http://x\"\")\","), "{row}");
        assert!(row.ends_with(",2025-01-02T11:00:00Z,false,false,false,true"), "machine columns unchanged: {row}");
    };
}
