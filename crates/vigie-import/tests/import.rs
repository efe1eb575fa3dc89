//! CSV imports on both stores: all or nothing, precise errors, idempotent re-imports.

use std::path::{Path, PathBuf};

use vigie_core::ContactRef;
use vigie_import::{ImportError, ImportKind, ImportOptions, import_file};
use vigie_store::testing::TestStore;
use vigie_store::{ContactQuery, DEFAULT_ORG, Organization, Store, both_stores};

#[path = "import/bulk_load.rs"]
mod bulk_load;
#[path = "import/first_load.rs"]
mod first_load;
#[path = "import/fuzz.rs"]
mod fuzz;
#[path = "import/malformed.rs"]
mod malformed;
#[path = "import/relationship_end.rs"]
mod relationship_end;
#[path = "import/retention_reimport.rs"]
mod retention_reimport;
#[path = "import/time_zone.rs"]
mod time_zone;

const CONTACTS: &str = "\
contact_ref,email,phone,audience,customer,customer_categories,collected_via,collected_at,informed,objection_offered,contract_active,restricted
C00000001, Marie.Martin1@GMAIL.com ,06 12 34 56 78,consumer,true,optics|audio,web_form,2024-03-01T10:00:00Z,true,true,false,false
C00000002,contact@company2.fr,+33 (0)7 31 22 33 44,generic,false,,trade_show,2023-05-02T11:00:00Z,true,true,false,false
C00000003,jean.petit@company3.fr,0033612121212,professional,false,,public_directory,2025-01-02T11:00:00Z,false,false,false,true
";

const CONSENTS: &str = "\
contact_ref,channel,purpose,action,at,method,notice_version,source
C00000001,email,marketing,grant,2024-03-02T10:00:00Z,double_opt_in,v2,web_form
C00000001,email,marketing,withdraw,2024-09-02T10:00:00Z,unsubscribe_link,v2,web_form
C00000003,any,marketing,object,2025-02-02T10:00:00Z,email_reply,v3,public_directory
";

fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

async fn org(s: &Store) -> Organization {
    s.require_org(DEFAULT_ORG).await.unwrap()
}

async fn contact_count(s: &Store, org: &Organization) -> usize {
    s.contacts(
        org.id,
        &ContactQuery {
            limit: 1000,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .contacts
    .len()
}

fn invalid(result: Result<vigie_import::ImportReport, ImportError>) -> Vec<vigie_import::RowError> {
    match result {
        Err(ImportError::Invalid { errors, .. }) => errors,
        other => panic!("expected the file to be rejected, got {other:?}"),
    }
}

both_stores! {
    a_french_excel_export_with_semicolons_imports_like_the_comma_file => |t: TestStore| async move {
        let dir = tempfile::tempdir().unwrap();
        let s = &t.store;
        let o = org(s).await;
        // Excel's "CSV (séparateur : point-virgule)": `;`, a byte order mark, CRLF.
        let semicolons = format!("\u{feff}{}", CONTACTS.replace(',', ";").replace('\n', "\r\n"));
        let report = import_file(s, &o, ImportKind::Contacts, &write(dir.path(), "c.csv", &semicolons), &ImportOptions::default())
            .await
            .unwrap();
        assert_eq!((report.rows, report.counts.inserted), (3, 3));
        let consents = CONSENTS.replace(',', ";");
        let report = import_file(s, &o, ImportKind::Consents, &write(dir.path(), "e.csv", &consents), &ImportOptions::default())
            .await
            .unwrap();
        assert_eq!(report.rows, 3);
        // The same rows as commas change nothing.
        let again = import_file(s, &o, ImportKind::Contacts, &write(dir.path(), "c2.csv", CONTACTS), &ImportOptions::default())
            .await
            .unwrap();
        assert_eq!((again.counts.inserted, again.counts.unchanged), (0, 3));
        // A bad row of a semicolon file is named by its line and column.
        let bad = semicolons.replace("jean.petit@company3.fr", "jean.petit@");
        let errors = invalid(import_file(s, &o, ImportKind::Contacts, &write(dir.path(), "b.csv", &bad), &ImportOptions::default()).await);
        assert_eq!((errors[0].line, errors[0].column.as_str()), (4, "email"), "{errors:?}");
    };

    reimporting_a_changed_contact_keeps_its_ledger_proofs_readable => |t: TestStore| async move {
        let dir = tempfile::tempdir().unwrap();
        let s = &t.store;
        let o = org(s).await;
        let opts = ImportOptions::default();
        import_file(s, &o, ImportKind::Contacts, &write(dir.path(), "c.csv", CONTACTS), &opts)
            .await
            .unwrap();
        // A proof sealed with the contact's key, through the API's path.
        let r = ContactRef::parse("C00000001").unwrap();
        let event = vigie_store::NewConsentEvent {
            event: vigie_core::ConsentEvent {
                scope: vigie_core::ChannelScope::Sms,
                purpose: vigie_core::Purpose::Marketing,
                action: vigie_core::Action::Grant,
                at: "2024-04-01T10:00:00Z".parse().unwrap(),
                method: vigie_core::Method::DoubleOptIn,
            },
            notice_version: Some("v2".into()),
            source: Some("web_form".into()),
            ip: Some("198.51.100.23".into()),
            user_agent: Some("Mozilla/5.0".into()),
        };
        s.append_event(o.id, &r, &event).await.unwrap();
        // The same file with Marie's e-mail changed: an update.
        let changed = CONTACTS.replace("Marie.Martin1@GMAIL.com", "marie.martin@laposte.net");
        let report = import_file(s, &o, ImportKind::Contacts, &write(dir.path(), "c2.csv", &changed), &opts)
            .await
            .unwrap();
        assert_eq!(report.counts.updated, 1, "{report:?}");
        let contact = s.contact(o.id, &r).await.unwrap().unwrap();
        assert_eq!(contact.data.email.unwrap().as_str(), "marie.martin@laposte.net");
        let ledger = s.ledger(o.id, &r).await.expect("the ledger still opens");
        assert_eq!(ledger[0].new.ip.as_deref(), Some("198.51.100.23"));
        assert_eq!(ledger[0].new.user_agent.as_deref(), Some("Mozilla/5.0"));
    };

    a_good_base_imports_and_reimporting_changes_nothing => |t: TestStore| async move {
        let dir = tempfile::tempdir().unwrap();
        let s = &t.store;
        let o = org(s).await;
        let opts = ImportOptions::default();
        let contacts = write(dir.path(), "contacts.csv", CONTACTS);
        let consents = write(dir.path(), "consents.csv", CONSENTS);
        let supp = write(dir.path(), "suppression.csv", "sha256\nba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n");
        let opp = write(dir.path(), "opposition.csv", "phone\n+33612345678\n+33731223344\n");
        for (kind, file, inserted) in [
            (ImportKind::Contacts, &contacts, 3),
            (ImportKind::Consents, &consents, 3),
            (ImportKind::Suppression, &supp, 1),
            (ImportKind::Opposition, &opp, 2),
        ] {
            let r = import_file(s, &o, kind, file, &opts).await.unwrap();
            assert_eq!(r.counts.inserted, inserted, "{kind:?}");
            let again = import_file(s, &o, kind, file, &opts).await.unwrap();
            assert_eq!((again.counts.inserted, again.counts.updated), (0, 0), "{kind:?} re-import");
            assert_eq!(again.counts.unchanged, inserted, "{kind:?} re-import");
        }
        let marie = s.contact(o.id, &ContactRef::parse("C00000001").unwrap()).await.unwrap().unwrap();
        assert_eq!(marie.data.email.unwrap().as_str(), "marie.martin1@gmail.com");
        assert_eq!(marie.data.phone.unwrap().as_str(), "+33612345678");
        assert_eq!(marie.data.customer_categories, ["optics", "audio"]);
        let generic = s.contact(o.id, &ContactRef::parse("C00000002").unwrap()).await.unwrap().unwrap();
        assert_eq!(generic.data.phone.unwrap().as_str(), "+33731223344");
        let ledger = s.ledger(o.id, &ContactRef::parse("C00000001").unwrap()).await.unwrap();
        assert_eq!(ledger.len(), 2);
        assert_eq!(ledger[1].new.notice_version.as_deref(), Some("v2"));
        assert!(s.is_suppressed(o.id, "abc").await.unwrap());
        assert!(s.on_opposition_list(o.id, &vigie_core::PhoneE164::parse_e164("+33731223344").unwrap()).await.unwrap());
        // A changed row is an update, the others stay unchanged.
        let changed = CONTACTS.replace("trade_show,2023-05-02T11:00:00Z,true", "trade_show,2023-05-02T11:00:00Z,false");
        let r = import_file(s, &o, ImportKind::Contacts, &write(dir.path(), "c2.csv", &changed), &opts).await.unwrap();
        assert_eq!((r.counts.inserted, r.counts.updated, r.counts.unchanged), (0, 1, 2));
    };

    one_bad_row_rejects_the_whole_file => |t: TestStore| async move {
        let dir = tempfile::tempdir().unwrap();
        let s = &t.store;
        let o = org(s).await;
        let opts = ImportOptions::default();
        let bad_phone = CONTACTS.replace("0033612121212", "06 12");
        let errors = invalid(import_file(s, &o, ImportKind::Contacts, &write(dir.path(), "a.csv", &bad_phone), &opts).await);
        assert_eq!(errors.len(), 1);
        assert_eq!((errors[0].line, errors[0].column.as_str()), (4, "phone"));
        assert!(errors[0].reason.to_string().contains("not a valid phone number"), "{}", errors[0].reason);
        assert_eq!(contact_count(s, &o).await, 0, "nothing of a rejected file is stored");

        let bad_audience = CONTACTS.replace(",generic,", ",robot,");
        let errors = invalid(import_file(s, &o, ImportKind::Contacts, &write(dir.path(), "b.csv", &bad_audience), &opts).await);
        assert_eq!((errors[0].line, errors[0].column.as_str()), (3, "audience"));
        assert!(errors[0].reason.to_string().contains("unknown audience \"robot\""));

        let missing_column = CONTACTS.replace("contract_active,", "");
        let errors = invalid(import_file(s, &o, ImportKind::Contacts, &write(dir.path(), "c.csv", &missing_column), &opts).await);
        assert_eq!(errors[0].line, 1);
        assert!(errors[0].reason.to_string().contains("missing column(s): contract_active"), "{}", errors[0].reason);

        let short_row = format!("{CONTACTS}C9,a@b.fr,0612345678,consumer\n");
        let errors = invalid(import_file(s, &o, ImportKind::Contacts, &write(dir.path(), "d.csv", &short_row), &opts).await);
        assert_eq!(errors[0].line, 5);
        assert!(errors[0].reason.to_string().contains("4 fields where the header has 12"), "{}", errors[0].reason);
        assert_eq!(contact_count(s, &o).await, 0);

        import_file(s, &o, ImportKind::Contacts, &write(dir.path(), "good.csv", CONTACTS), &opts).await.unwrap();
        let bad_date = CONSENTS.replace("2024-09-02T10:00:00Z", "02/09/2024");
        let errors = invalid(import_file(s, &o, ImportKind::Consents, &write(dir.path(), "e.csv", &bad_date), &opts).await);
        assert_eq!((errors[0].line, errors[0].column.as_str()), (3, "at"));
        let bad_channel = CONSENTS.replace("any,marketing", "pigeon,marketing");
        let errors = invalid(import_file(s, &o, ImportKind::Consents, &write(dir.path(), "f.csv", &bad_channel), &opts).await);
        assert_eq!((errors[0].line, errors[0].column.as_str()), (4, "channel"));
        let unknown_contact = format!("{CONSENTS}C99999999,sms,marketing,grant,2025-01-01T00:00:00Z,double_opt_in,v1,web_form\n");
        let errors = invalid(import_file(s, &o, ImportKind::Consents, &write(dir.path(), "g.csv", &unknown_contact), &opts).await);
        assert_eq!((errors[0].line, errors[0].column.as_str()), (5, "contact_ref"));
        for r in ["C00000001", "C00000003"] {
            assert!(s.ledger(o.id, &ContactRef::parse(r).unwrap()).await.unwrap().is_empty(), "no event of a rejected file is stored");
        }

        let errors = invalid(import_file(s, &o, ImportKind::Suppression, &write(dir.path(), "h.csv", "sha256\nabc\n"), &opts).await);
        assert_eq!((errors[0].line, errors[0].column.as_str()), (2, "sha256"));
        let errors = invalid(import_file(s, &o, ImportKind::Opposition, &write(dir.path(), "i.csv", "phone\n+33612345678\n+33 0 00\n"), &opts).await);
        assert_eq!(errors[0].line, 3);
        assert!(!s.on_opposition_list(o.id, &vigie_core::PhoneE164::parse_e164("+33612345678").unwrap()).await.unwrap());
    };

    skip_invalid_imports_the_good_rows_and_writes_the_bad_ones => |t: TestStore| async move {
        let dir = tempfile::tempdir().unwrap();
        let s = &t.store;
        let o = org(s).await;
        let opts = ImportOptions { skip_invalid: true, ..Default::default() };
        let bad = CONTACTS.replace("0033612121212", "06 12");
        let file = write(dir.path(), "contacts.csv", &bad);
        let r = import_file(s, &o, ImportKind::Contacts, &file, &opts).await.unwrap();
        assert_eq!((r.counts.inserted, r.rejected), (2, 1));
        let rejects = std::fs::read_to_string(r.rejects_file.unwrap()).unwrap();
        let lines: Vec<_> = rejects.lines().collect();
        assert_eq!(lines.len(), 2, "{rejects}");
        assert!(lines[0].starts_with("line,column,code,reason,contact_ref,email"));
        assert!(lines[1].starts_with("4,phone,bad_phone,"), "{}", lines[1]);
        assert!(lines[1].contains("C00000003"));

        let consents = format!("{CONSENTS}C99999999,sms,marketing,grant,2025-01-01T00:00:00Z,double_opt_in,v1,web_form\n");
        let out = dir.path().join("my-rejects.csv");
        let opts = ImportOptions { skip_invalid: true, rejects_path: Some(out.clone()), ..Default::default() };
        let r = import_file(s, &o, ImportKind::Consents, &write(dir.path(), "consents.csv", &consents), &opts).await.unwrap();
        assert_eq!((r.counts.inserted, r.rejected), (2, 2), "C00000003 was rejected with its contact, and C99999999 is unknown");
        let rejects = std::fs::read_to_string(out).unwrap();
        assert!(rejects.contains("5,contact_ref,unknown_contact,\"no contact \"\"C99999999\"\""), "{rejects}");
    };
}

mod calls {
    use super::*;
    use vigie_core::{CallWindow, Jurisdiction, Timestamp};

    /// C00000001's attempts counted on 2024-03-20: the three calls of March.
    async fn attempts(s: &Store, o: &Organization) -> u32 {
        let at: Timestamp = "2024-03-20T12:00:00Z".parse().unwrap();
        let c = s
            .contact(o.id, &ContactRef::parse("C00000001").unwrap())
            .await
            .unwrap()
            .unwrap();
        s.call_count(
            o.id,
            c.id,
            CallWindow::before(at, Jurisdiction::Fr.time_zone()),
        )
        .await
        .unwrap()
        .attempts
    }

    both_stores! {
        a_calls_file_imports_by_reference_or_number => |t: TestStore| async move {
            let dir = tempfile::tempdir().unwrap();
            let s = &t.store;
            let o = org(s).await;
            let opts = ImportOptions::default();
            import_file(s, &o, ImportKind::Contacts, &write(dir.path(), "c.csv", CONTACTS), &opts).await.unwrap();
            let calls = "\
contact_ref,phone,at,outcome,campaign,agent
C00000001,,2024-03-10T10:00:00Z,no_answer,spring,a7
,06 12 34 56 78,2024-03-11T10:00:00Z,busy,,
C00000001,+33612345678,2024-03-12T10:00:00Z,consent_given,spring,a7
";
            let report = import_file(s, &o, ImportKind::Calls, &write(dir.path(), "calls.csv", calls), &opts).await.unwrap();
            assert_eq!((report.rows, report.counts.inserted), (3, 3));
            assert_eq!(attempts(s, &o).await, 3);
            let ledger = s.ledger(o.id, &ContactRef::parse("C00000001").unwrap()).await.unwrap();
            assert!(ledger.iter().any(|e| e.new.source.as_deref().is_some_and(|src| src.starts_with("call:"))));
        };

        a_calls_file_with_a_bad_row_stores_nothing_and_names_line_and_column => |t: TestStore| async move {
            let dir = tempfile::tempdir().unwrap();
            let s = &t.store;
            let o = org(s).await;
            let opts = ImportOptions::default();
            import_file(s, &o, ImportKind::Contacts, &write(dir.path(), "c.csv", CONTACTS), &opts).await.unwrap();
            let bad_outcome = "\
contact_ref,at,outcome
C00000001,2024-03-10T10:00:00Z,no_answer
C00000001,2024-03-11T10:00:00Z,hung_up
";
            let errors = invalid(import_file(s, &o, ImportKind::Calls, &write(dir.path(), "a.csv", bad_outcome), &opts).await);
            assert_eq!((errors[0].line, errors[0].column.as_str()), (3, "outcome"), "{errors:?}");
            assert!(errors[0].reason.to_string().contains("hung_up"), "{errors:?}");
            let unknown_contact = "\
contact_ref,at,outcome
C00000001,2024-03-10T10:00:00Z,consent_given
C99999999,2024-03-11T10:00:00Z,busy
";
            let result = import_file(s, &o, ImportKind::Calls, &write(dir.path(), "b.csv", unknown_contact), &opts).await;
            let message = result.as_ref().map(|_| String::new()).unwrap_or_else(|e| e.to_string());
            assert!(message.contains("b.csv") && message.contains("line 3"), "{message}");
            let errors = invalid(result);
            assert_eq!((errors[0].line, errors[0].column.as_str()), (3, "contact_ref"), "{errors:?}");
            assert_eq!(attempts(s, &o).await, 0, "nothing of either file is stored");
            assert!(s.ledger(o.id, &ContactRef::parse("C00000001").unwrap()).await.unwrap().is_empty());
            let no_contact_column = "at,outcome\n2024-03-10T10:00:00Z,busy\n";
            let errors = invalid(import_file(s, &o, ImportKind::Calls, &write(dir.path(), "h.csv", no_contact_column), &opts).await);
            assert_eq!((errors[0].line, errors[0].column.as_str()), (1, "contact_ref"), "{errors:?}");
        };
    }
}

mod opposition_lists {
    use super::*;
    use vigie_core::PhoneE164;

    both_stores! {
        a_new_extract_replaces_its_list_and_numbers_that_left_are_callable_again => |t: TestStore| async move {
            let dir = tempfile::tempdir().unwrap();
            let s = &t.store;
            let o = org(s).await;
            let on_list = |p: &'static str| async move {
                s.on_opposition_list(o.id, &PhoneE164::parse_e164(p).unwrap()).await.unwrap()
            };
            let march = ImportOptions { extract_date: Some("2026-03-01".parse().unwrap()), ..Default::default() };
            let first = write(dir.path(), "bloctel-03.csv", "phone\n+33612345678\n+33731223344\n");
            let r = import_file(s, &o, ImportKind::Opposition, &first, &march).await.unwrap();
            assert_eq!((r.counts.inserted, r.counts.removed), (2, 0));
            // Another list holds one of the numbers too.
            let tps = ImportOptions { list: "tps".into(), ..Default::default() };
            import_file(s, &o, ImportKind::Opposition, &write(dir.path(), "tps.csv", "phone\n+33731223344\n"), &tps).await.unwrap();
            assert!(on_list("+33612345678").await && on_list("+33731223344").await);

            let april = ImportOptions { extract_date: Some("2026-04-01".parse().unwrap()), ..Default::default() };
            let second = write(dir.path(), "bloctel-04.csv", "phone\n+33731223344\n+33699999999\n");
            let before = s.data_version(o.id).await.unwrap();
            let r = import_file(s, &o, ImportKind::Opposition, &second, &april).await.unwrap();
            assert_eq!((r.counts.inserted, r.counts.unchanged, r.counts.removed), (1, 1, 1));
            assert!(s.data_version(o.id).await.unwrap() > before, "screening snapshots see the change");
            assert!(!on_list("+33612345678").await, "a number that left Bloctel is callable again");
            assert!(on_list("+33699999999").await && on_list("+33731223344").await);

            let lists = s.opposition_lists(o.id).await.unwrap();
            let names: Vec<_> = lists.iter().map(|l| (l.name.as_str(), l.extract_date.map(|d| d.to_string()), l.entries)).collect();
            assert_eq!(names, [("bloctel", Some("2026-04-01".to_owned()), 2), ("tps", None, 1)]);

            // A bad row leaves the list as it was.
            let bad = write(dir.path(), "bloctel-05.csv", "phone\n+33612345678\nnot a number\n");
            let errors = invalid(import_file(s, &o, ImportKind::Opposition, &bad, &april).await);
            assert_eq!((errors[0].line, errors[0].column.as_str()), (3, "phone"), "{errors:?}");
            assert!(!on_list("+33612345678").await);
            let bad_name = ImportOptions { list: "Bloctel FR".into(), ..Default::default() };
            assert!(import_file(s, &o, ImportKind::Opposition, &second, &bad_name).await.is_err());
        };
    }
}
