//! Bulk loads of several batches (PostgreSQL copies them into a staging table, issue 17):
//! a bad row late in a file leaves nothing behind, a second import of the same files changes
//! nothing and says so, and what is loaded is sealed and found by identifier and by name.

use std::fmt::Write as _;

use super::*;

/// More rows than two of the reader's batches (8192 rows), so that a late row arrives after
/// earlier batches were already sent to the store.
const ROWS: usize = 2 * 8192 + 100;
/// Entries of the lists (read whole, not in batches).
const LISTED: usize = 1000;

fn contacts_file() -> String {
    let mut s = String::from(
        "contact_ref,email,phone,audience,customer,customer_categories,collected_via,collected_at,informed,objection_offered,contract_active,restricted,first_name,last_name\n",
    );
    for i in 0..ROWS {
        writeln!(
            s,
            "B{i:06},person{i}@example.org,+336{i:08},consumer,false,,web_form,2024-03-01T10:00:00Z,true,true,false,false,Zoé,Bulkload{i}"
        )
        .unwrap();
    }
    s
}

fn consents_file() -> String {
    let mut s =
        String::from("contact_ref,channel,purpose,action,at,method,notice_version,source\n");
    for i in 0..ROWS {
        writeln!(
            s,
            "B{i:06},email,marketing,grant,2024-03-02T10:00:00Z,double_opt_in,v2,web_form"
        )
        .unwrap();
    }
    // A second event of the last contact at the same moment, last in the file: the ledger
    // keeps the file's order.
    writeln!(
        s,
        "B{:06},email,marketing,withdraw,2024-03-02T10:00:00Z,unsubscribe_link,v2,web_form",
        ROWS - 1
    )
    .unwrap();
    s
}

both_stores! {
    a_bad_row_late_in_a_bulk_load_leaves_nothing_and_a_second_load_changes_nothing => |t: TestStore| async move {
        let dir = tempfile::tempdir().unwrap();
        let s = &t.store;
        let o = org(s).await;
        let opts = ImportOptions::default();
        let version = s.data_version(o.id).await.unwrap();

        // A contacts file whose last row is bad: refused whole, nothing stored.
        let good = contacts_file();
        let bad = format!("{good}B999999,not-an-address,,consumer,false,,web_form,2024-03-01T10:00:00Z,true,true,false,false,,\n");
        let errors = invalid(import_file(s, &o, ImportKind::Contacts, &write(dir.path(), "bad.csv", &bad), &opts).await);
        assert_eq!((errors[0].line, errors[0].column.as_str()), (ROWS as u64 + 2, "email"), "{errors:?}");
        assert_eq!(s.count_contacts(o.id).await.unwrap(), 0);
        // The name index: its own table on PostgreSQL, the look-up table on SQLite.
        let names = if t.pg.is_some() { "contact_names" } else { "contact_lookup" };
        assert_eq!(t.raw_count(&format!("SELECT count(*) FROM {names}")).await.unwrap(), 0);
        assert_eq!(s.data_version(o.id).await.unwrap(), version);

        // The good file, twice: the second load changes nothing and says so.
        let file = write(dir.path(), "contacts.csv", &good);
        let first = import_file(s, &o, ImportKind::Contacts, &file, &opts).await.unwrap();
        assert_eq!((first.counts.inserted, first.counts.updated), (ROWS as u64, 0), "{first:?}");
        let loaded = s.data_version(o.id).await.unwrap();
        let second = import_file(s, &o, ImportKind::Contacts, &file, &opts).await.unwrap();
        assert_eq!(
            (second.counts.inserted, second.counts.updated, second.counts.unchanged),
            (0, 0, ROWS as u64),
            "{second:?}"
        );
        assert_eq!(s.data_version(o.id).await.unwrap(), loaded, "a load that changed nothing");

        // Sealed as ever: found by e-mail, phone and name, read back in clear.
        let late = format!("B{:06}", ROWS - 1);
        let by_email = ContactQuery { email: Some(vigie_core::Email::parse(&format!("person{}@example.org", ROWS - 1)).unwrap()), limit: 10, ..Default::default() };
        let found = s.contacts(o.id, &by_email).await.unwrap().contacts;
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].data.contact_ref.as_str(), late);
        let by_name = ContactQuery { name: Some(format!("bulkload{}", ROWS - 1)), limit: 10, ..Default::default() };
        let found = s.contacts(o.id, &by_name).await.unwrap().contacts;
        assert_eq!(found.len(), 1, "found by a word of the name");
        assert_eq!(found[0].data.last_name.as_deref(), Some(format!("Bulkload{}", ROWS - 1).as_str()));
        let by_phone = ContactQuery { phone: Some(vigie_core::PhoneE164::parse(&format!("+336{:08}", ROWS - 1), vigie_core::Region::FR).unwrap()), limit: 10, ..Default::default() };
        assert_eq!(s.contacts(o.id, &by_phone).await.unwrap().contacts.len(), 1);

        // A ledger file whose last row names no contact: refused whole.
        let events = consents_file();
        let bad = format!("{events}NOBODY,email,marketing,grant,2024-03-02T10:00:00Z,double_opt_in,v2,web_form\n");
        let errors = invalid(import_file(s, &o, ImportKind::Consents, &write(dir.path(), "bad-e.csv", &bad), &opts).await);
        assert_eq!(errors.last().unwrap().line, ROWS as u64 + 3, "{errors:?}");
        assert_eq!(t.raw_count("SELECT count(*) FROM consent_events").await.unwrap(), 0);
        assert_eq!(s.data_version(o.id).await.unwrap(), loaded);

        // The good ledger, twice.
        let file = write(dir.path(), "consents.csv", &events);
        let first = import_file(s, &o, ImportKind::Consents, &file, &opts).await.unwrap();
        assert_eq!(first.counts.inserted, ROWS as u64 + 1, "{first:?}");
        let with_ledger = s.data_version(o.id).await.unwrap();
        let second = import_file(s, &o, ImportKind::Consents, &file, &opts).await.unwrap();
        assert_eq!((second.counts.inserted, second.counts.unchanged), (0, ROWS as u64 + 1), "{second:?}");
        assert_eq!(s.data_version(o.id).await.unwrap(), with_ledger);
        // Each contact's ledger is in file order: the withdrawal after the grant.
        let ledger = s.ledger(o.id, &ContactRef::parse(&late).unwrap()).await.unwrap();
        let actions: Vec<_> = ledger.iter().map(|e| e.new.event.action).collect();
        assert_eq!(actions, [vigie_core::Action::Grant, vigie_core::Action::Withdraw]);

        // Lists: loaded once, then a second load is a no-op.
        let mut sup = String::from("email\n");
        for i in 0..LISTED {
            writeln!(sup, "gone{i}@example.org").unwrap();
        }
        let file = write(dir.path(), "suppression.csv", &sup);
        let first = import_file(s, &o, ImportKind::Suppression, &file, &opts).await.unwrap();
        assert_eq!(first.counts.inserted, LISTED as u64);
        let listed = s.data_version(o.id).await.unwrap();
        let second = import_file(s, &o, ImportKind::Suppression, &file, &opts).await.unwrap();
        assert_eq!((second.counts.inserted, second.counts.unchanged), (0, LISTED as u64));
        assert_eq!(s.data_version(o.id).await.unwrap(), listed);
        assert!(s.is_suppressed(o.id, &format!("gone{}@example.org", LISTED - 1)).await.unwrap());
        let mut opp = String::from("phone\n");
        for i in 0..LISTED {
            writeln!(opp, "+3373{i:07}").unwrap();
        }
        let file = write(dir.path(), "opposition.csv", &opp);
        let first = import_file(s, &o, ImportKind::Opposition, &file, &opts).await.unwrap();
        assert_eq!(first.counts.inserted, LISTED as u64);
        let second = import_file(s, &o, ImportKind::Opposition, &file, &opts).await.unwrap();
        assert_eq!((second.counts.inserted, second.counts.unchanged), (0, LISTED as u64));
        let on_list = vigie_core::PhoneE164::parse(&format!("+3373{:07}", LISTED - 1), vigie_core::Region::FR).unwrap();
        assert!(s.on_opposition_list(o.id, &on_list).await.unwrap());
    };
}
