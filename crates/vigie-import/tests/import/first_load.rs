//! A first load (the organization holds no contact yet: PostgreSQL copies the rows straight
//! into `contacts`, issue 17) and a merge (rows staged and upserted) store the same contacts:
//! the same columns, blind indexes that find each contact by e-mail, phone and name, the same
//! sealed values read back, the same name index. Likewise for the ledger: a first load (no
//! event yet) and a merge append the same events in file order, a repeated one once.

use super::*;

const HEADER: &str = "contact_ref,email,phone,audience,customer,customer_categories,collected_via,collected_at,informed,objection_offered,contract_active,restricted,first_name,last_name\n";

/// Contacts with and without each identifier and name, one name that is a single word (its
/// whole-name and word hashes are the same: one entry).
const ROWS: &str = "\
F001,anne.roux@example.org,+33612345001,consumer,true,optics|audio,web_form,2024-03-01T10:00:00Z,true,true,false,false,Anne,Roux
F002,,+33612345002,professional,false,,trade_show,2023-05-02T11:00:00Z,true,false,false,true,Léa,
F003,contact@firm3.example,,generic,false,,public_directory,2025-01-02T11:00:00Z,false,false,true,false,,
F004,paul.martin@example.org,+33612345004,consumer,false,,web_form,2024-07-01T09:00:00Z,true,true,false,false,Paul Émile,Martin
F005,zoe@example.org,+33612345005,consumer,true,audio,referral,2022-02-03T08:00:00Z,true,true,true,false,Zoé,Dupont
";

/// What the merging organization holds before the load: F001 in an older version (the load
/// updates it) and F005 as the load has it (unchanged).
const SEED: &str = "\
F001,anne.roux@example.org,+33612345009,generic,false,,trade_show,2023-03-01T10:00:00Z,true,true,false,false,Anne,Rousseau
F005,zoe@example.org,+33612345005,consumer,true,audio,referral,2022-02-03T08:00:00Z,true,true,true,false,Zoé,Dupont
";

/// The columns a load writes that do not depend on the organization's keys, with the length
/// of those that do: rows of one organization that the other does not have, counted.
fn rows_missing_from(from: i64, other: i64) -> String {
    let cols = "contact_ref, audience, customer, customer_categories, collected_via, collected_at,
        informed, objection_offered, contract_active, restricted, time_zone, relationship_ended_at,
        erased_at, restriction_held, length(email_bidx), length(phone_bidx), length(name_bidx)";
    format!(
        "SELECT count(*) FROM (SELECT {cols} FROM contacts WHERE org_id = {from}
         EXCEPT SELECT {cols} FROM contacts WHERE org_id = {other}) AS d"
    )
}

const LEDGER: &str = "\
contact_ref,channel,purpose,action,at,method,notice_version,source
F001,email,marketing,grant,2024-03-02T10:00:00Z,double_opt_in,v2,web_form
F004,sms,marketing,grant,2024-07-02T10:00:00Z,unticked_checkbox,v2,web_form
F001,email,marketing,withdraw,2024-09-02T10:00:00Z,unsubscribe_link,v2,web_form
F004,sms,marketing,grant,2024-07-02T10:00:00Z,unticked_checkbox,v2,web_form
F001,email,marketing,grant,2024-09-02T10:00:00Z,double_opt_in,v3,
";

/// The merging organization's ledger before the load: one of the file's events.
const LEDGER_SEED: &str = "\
contact_ref,channel,purpose,action,at,method,notice_version,source
F004,sms,marketing,grant,2024-07-02T10:00:00Z,unticked_checkbox,v2,web_form
";

async fn one(s: &Store, o: &Organization, q: ContactQuery) -> Vec<vigie_store::Contact> {
    s.contacts(o.id, &ContactQuery { limit: 10, ..q })
        .await
        .unwrap()
        .contacts
}

both_stores! {
    a_first_load_and_a_merge_store_the_same_contacts => |t: TestStore| async move {
        let dir = tempfile::tempdir().unwrap();
        let s = &t.store;
        let opts = ImportOptions::default();
        let first = org(s).await;
        let merged = s.create_org("merged", "Merged").await.unwrap();
        let file = write(dir.path(), "contacts.csv", &format!("{HEADER}{ROWS}"));
        let seed = write(dir.path(), "seed.csv", &format!("{HEADER}{SEED}"));
        import_file(s, &merged, ImportKind::Contacts, &seed, &opts).await.unwrap();

        let loaded = import_file(s, &first, ImportKind::Contacts, &file, &opts).await.unwrap();
        assert_eq!((loaded.counts.inserted, loaded.counts.updated, loaded.counts.unchanged), (5, 0, 0), "{loaded:?}");
        let merge = import_file(s, &merged, ImportKind::Contacts, &file, &opts).await.unwrap();
        assert_eq!((merge.counts.inserted, merge.counts.updated, merge.counts.unchanged), (3, 1, 1), "{merge:?}");

        // The same rows, column for column.
        for (from, other) in [(first.id, merged.id), (merged.id, first.id)] {
            assert_eq!(t.raw_count(&rows_missing_from(from, other)).await.unwrap(), 0, "rows of {from} missing from {other}");
        }
        // The same name index: as many entries in each organization.
        let names = if t.pg.is_some() { "contact_names" } else { "contact_lookup" };
        let entries = |o: i64| format!("SELECT count(*) FROM {names} WHERE org_id = {o}");
        let in_first = t.raw_count(&entries(first.id)).await.unwrap();
        assert!(in_first > 0);
        assert_eq!(t.raw_count(&entries(merged.id)).await.unwrap(), in_first);

        // Sealed values read back the same, and each contact is found by what identifies it,
        // in both organizations.
        let region = vigie_core::Region::FR;
        for (r, email, phone, name) in [
            ("F001", Some("anne.roux@example.org"), Some("+33612345001"), Some("roux")),
            ("F002", None, Some("+33612345002"), Some("léa")),
            ("F003", Some("contact@firm3.example"), None, None),
            ("F004", Some("paul.martin@example.org"), Some("+33612345004"), Some("Paul Émile Martin")),
            ("F005", Some("zoe@example.org"), Some("+33612345005"), Some("zoe")),
        ] {
            let contact_ref = ContactRef::parse(r).unwrap();
            let a = s.contact(first.id, &contact_ref).await.unwrap().unwrap();
            let b = s.contact(merged.id, &contact_ref).await.unwrap().unwrap();
            assert_eq!(a.data, b.data, "{r}");
            assert_eq!(a.data.email.as_ref().map(|e| e.as_str().to_owned()).as_deref(), email, "{r}");
            for (o, id) in [(&first, a.id), (&merged, b.id)] {
                let found = |v: Vec<vigie_store::Contact>| v.iter().map(|c| c.id).collect::<Vec<_>>();
                if let Some(e) = email {
                    let q = ContactQuery { email: Some(vigie_core::Email::parse(e).unwrap()), ..Default::default() };
                    assert_eq!(found(one(s, o, q).await), [id], "{r} by e-mail");
                }
                if let Some(p) = phone {
                    let q = ContactQuery { phone: Some(vigie_core::PhoneE164::parse(p, region).unwrap()), ..Default::default() };
                    assert_eq!(found(one(s, o, q).await), [id], "{r} by phone");
                }
                if let Some(n) = name {
                    let q = ContactQuery { name: Some(n.to_owned()), ..Default::default() };
                    assert_eq!(found(one(s, o, q).await), [id], "{r} by name");
                }
            }
        }
        // The merging organization's older phone and name no longer find F001.
        let old_phone = ContactQuery { phone: Some(vigie_core::PhoneE164::parse("+33612345009", region).unwrap()), ..Default::default() };
        assert!(one(s, &merged, old_phone).await.is_empty());
        let old_name = ContactQuery { name: Some("rousseau".into()), ..Default::default() };
        assert!(one(s, &merged, old_name).await.is_empty());
    };

    a_first_ledger_load_and_a_merge_append_the_same_events => |t: TestStore| async move {
        let dir = tempfile::tempdir().unwrap();
        let s = &t.store;
        let opts = ImportOptions::default();
        let first = org(s).await;
        let merged = s.create_org("merged", "Merged").await.unwrap();
        let contacts = write(dir.path(), "contacts.csv", &format!("{HEADER}{ROWS}"));
        for o in [&first, &merged] {
            import_file(s, o, ImportKind::Contacts, &contacts, &opts).await.unwrap();
        }
        let seed = write(dir.path(), "seed.csv", LEDGER_SEED);
        import_file(s, &merged, ImportKind::Consents, &seed, &opts).await.unwrap();
        let file = write(dir.path(), "consents.csv", LEDGER);

        // Five rows, one repeated: four events; the merging organization had one already.
        let loaded = import_file(s, &first, ImportKind::Consents, &file, &opts).await.unwrap();
        assert_eq!((loaded.counts.inserted, loaded.counts.unchanged), (4, 1), "{loaded:?}");
        let merge = import_file(s, &merged, ImportKind::Consents, &file, &opts).await.unwrap();
        assert_eq!((merge.counts.inserted, merge.counts.unchanged), (3, 2), "{merge:?}");
        // Loaded again: nothing new, and said so.
        let again = import_file(s, &first, ImportKind::Consents, &file, &opts).await.unwrap();
        assert_eq!((again.counts.inserted, again.counts.unchanged), (0, 5), "{again:?}");

        for r in ["F001", "F004"] {
            let contact_ref = ContactRef::parse(r).unwrap();
            let a: Vec<_> = s.ledger(first.id, &contact_ref).await.unwrap().into_iter().map(|e| e.new).collect();
            let b: Vec<_> = s.ledger(merged.id, &contact_ref).await.unwrap().into_iter().map(|e| e.new).collect();
            assert_eq!(a, b, "{r}");
        }
        // File order within a contact's ledger: grant, withdrawal, grant again.
        let f001 = s.ledger(first.id, &ContactRef::parse("F001").unwrap()).await.unwrap();
        let actions: Vec<_> = f001.iter().map(|e| e.new.event.action).collect();
        assert_eq!(actions, [vigie_core::Action::Grant, vigie_core::Action::Withdraw, vigie_core::Action::Grant]);
    };
    // A ledger batch's contacts are found whatever their places in the reference index: close
    // together (one range of the index on PostgreSQL, an unknown reference inside it named), far
    // apart (a range holding many more contacts than the batch names), in any order.
    a_ledger_batch_finds_its_contacts_close_together_or_far_apart => |t: TestStore| async move {
        let dir = tempfile::tempdir().unwrap();
        let s = &t.store;
        let o = org(s).await;
        let rows: String = (0..300)
            .map(|i| format!("R{i:03},r{i}@example.org,,consumer,false,,web_form,2024-03-01T10:00:00Z,true,true,false,false,,\n"))
            .collect();
        let contacts = write(dir.path(), "contacts.csv", &format!("{HEADER}{rows}"));
        import_file(s, &o, ImportKind::Contacts, &contacts, &ImportOptions::default()).await.unwrap();
        let event = |r: &str, at: &str| format!("{r},email,marketing,grant,{at},double_opt_in,v2,web_form\n");
        let head = "contact_ref,channel,purpose,action,at,method,notice_version,source\n";

        let close = format!("{head}{}{}{}{}", event("R010", "2024-03-02T10:00:00Z"), event("R011A", "2024-03-02T10:00:00Z"),
            event("R011", "2024-03-02T10:00:00Z"), event("R012", "2024-03-02T10:00:00Z"));
        let opts = ImportOptions { skip_invalid: true, ..Default::default() };
        let r = import_file(s, &o, ImportKind::Consents, &write(dir.path(), "close.csv", &close), &opts).await.unwrap();
        assert_eq!((r.counts.inserted, r.rejected), (3, 1), "{r:?}");
        let rejects = std::fs::read_to_string(r.rejects_file.unwrap()).unwrap();
        assert!(rejects.contains("3,contact_ref,unknown_contact,\"no contact \"\"R011A\"\""), "{rejects}");

        let far = format!("{head}{}{}{}{}", event("R299", "2024-04-02T10:00:00Z"), event("R000", "2024-04-02T10:00:00Z"),
            event("R150", "2024-04-02T10:00:00Z"), event("R299", "2024-05-02T10:00:00Z"));
        let r = import_file(s, &o, ImportKind::Consents, &write(dir.path(), "far.csv", &far), &ImportOptions::default()).await.unwrap();
        assert_eq!((r.counts.inserted, r.rejected), (4, 0), "{r:?}");
        for (contact, events) in [("R000", 1), ("R010", 1), ("R011", 1), ("R150", 1), ("R299", 2), ("R298", 0)] {
            let ledger = s.ledger(o.id, &ContactRef::parse(contact).unwrap()).await.unwrap();
            assert_eq!(ledger.len(), events, "{contact}");
        }
    };
    // A file not in reference order: its first batch names three contacts spread over the whole
    // reference index (PostgreSQL then looks the later batches up by key only); every event of
    // the three batches (8,192 rows each) reaches its contact, in file order.
    a_ledger_file_out_of_reference_order_finds_its_contacts_in_every_batch => |t: TestStore| async move {
        let dir = tempfile::tempdir().unwrap();
        let s = &t.store;
        let o = org(s).await;
        let rows: String = (0..3000)
            .map(|i| format!("S{i:04},s{i}@example.org,,consumer,false,,web_form,2024-03-01T10:00:00Z,true,true,false,false,,\n"))
            .collect();
        let contacts = write(dir.path(), "contacts.csv", &format!("{HEADER}{rows}"));
        import_file(s, &o, ImportKind::Contacts, &contacts, &ImportOptions::default()).await.unwrap();
        let mut ledger = String::from("contact_ref,channel,purpose,action,at,method,notice_version,source\n");
        let start = jiff::Timestamp::from_second(1_700_000_000).unwrap();
        for i in 0..20_000i64 {
            let contact = ["S2999", "S0000", "S1500"][(i % 3) as usize];
            let at = start + jiff::SignedDuration::from_secs(i);
            ledger.push_str(&format!("{contact},email,marketing,grant,{at},double_opt_in,v2,web_form\n"));
        }
        let r = import_file(s, &o, ImportKind::Consents, &write(dir.path(), "ledger.csv", &ledger), &ImportOptions::default())
            .await
            .unwrap();
        assert_eq!((r.counts.inserted, r.rejected), (20_000, 0), "{r:?}");
        for (contact, events) in [("S0000", 6667), ("S1500", 6666), ("S2999", 6667), ("S0001", 0)] {
            let found = s.ledger(o.id, &ContactRef::parse(contact).unwrap()).await.unwrap();
            assert_eq!(found.len(), events, "{contact}");
            assert!(found.windows(2).all(|w| w[0].new.event.at < w[1].new.event.at), "{contact}: file order");
        }
    };
}
