//! Contacts found by name through the name index (migration 0024): by whole name or one word,
//! whatever the case, accents and spaces; never stored in clear; kept in step by every write
//! (single writes, bulk import, rectification, erasure) and by the backfill of earlier rows.

use super::*;
use vigie_core::dsar::RequestKind;

fn named(r: &str, first: Option<&str>, last: Option<&str>) -> ContactData {
    let mut c = contact(
        r,
        &format!("{}@example.org", r.to_lowercase()),
        "0612345678",
    );
    c.phone = None;
    c.first_name = first.map(Into::into);
    c.last_name = last.map(Into::into);
    c
}

async fn refs_named(s: &Store, org: OrgId, name: &str) -> Vec<String> {
    let page = s
        .contacts(
            org,
            &ContactQuery {
                name: Some(name.into()),
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    page.contacts
        .into_iter()
        .map(|c| c.data.contact_ref.as_str().to_owned())
        .collect()
}

/// Entries of the name index for contact `r` (SQLite `contact_lookup` kind 3, PostgreSQL
/// `contact_names`).
async fn name_entries(t: &TestStore, org: OrgId, r: &str) -> i64 {
    let table = if t.sqlite_file.is_some() {
        "contact_lookup l WHERE l.kind = 3 AND"
    } else {
        "contact_names l WHERE"
    };
    t.raw_count(&format!(
        "SELECT count(*) FROM {table} l.org_id = {org} AND l.contact_id =
             (SELECT id FROM contacts WHERE org_id = {org} AND contact_ref = '{r}')"
    ))
    .await
    .unwrap()
}

async fn page_refs(
    s: &Store,
    org: OrgId,
    q: ContactQuery,
) -> (Vec<String>, Option<i64>, Option<i64>) {
    let page = s.contacts(org, &q).await.unwrap();
    let refs = page
        .contacts
        .iter()
        .map(|c| c.data.contact_ref.as_str().to_owned())
        .collect();
    (refs, page.prev_before_id, page.next_after_id)
}

both_stores! {
    a_contact_is_found_by_its_name_folded => |t: TestStore| async move {
        let s = &t.store;
        let org = default_org(s).await.id;
        s.create_contact(org, &named("N1", Some("Élodie"), Some("Durand-Noël"))).await.unwrap();
        s.create_contact(org, &named("N2", Some("Elodie"), Some("Martin"))).await.unwrap();
        s.create_contact(org, &named("N3", None, None)).await.unwrap();
        assert_eq!(refs_named(s, org, "Élodie Durand-Noël").await, ["N1"]);
        assert_eq!(refs_named(s, org, "  ELODIE   durand-noel ").await, ["N1"]);
        assert_eq!(refs_named(s, org, "noël").await, ["N1"]);
        assert_eq!(refs_named(s, org, "élodie").await, ["N1", "N2"]);
        assert_eq!(refs_named(s, org, "elodie martin").await, ["N2"]);
        assert!(refs_named(s, org, "elo").await.is_empty(), "a word, not a prefix");
        assert!(refs_named(s, org, "durand martin").await.is_empty());
        assert!(refs_named(s, org, "   ").await.is_empty(), "nothing typed finds nothing");
        // Another organization has other keys: the same name finds nothing there.
        let other = s.create_org("other", "Other").await.unwrap();
        assert!(refs_named(s, other.id, "elodie").await.is_empty());

        // No name in clear in the tables, in any form (the folded keys included).
        for needle in ["Élodie", "Elodie", "elodie", "Durand", "durand", "durand-noel"] {
            if let Some(file) = &t.sqlite_file {
                let mut bytes = Vec::new();
                for suffix in ["", "-wal"] {
                    if let Ok(b) = std::fs::read(format!("{}{suffix}", file.display())) {
                        bytes.extend_from_slice(&b);
                    }
                }
                assert!(!bytes.windows(needle.len()).any(|w| w == needle.as_bytes()), "{needle} in clear");
            } else {
                for table in ["contacts", "contact_names"] {
                    let n = t.raw_count(&format!(
                        "SELECT count(*) FROM {table} x
                         WHERE position(lower('{needle}') IN lower(x::text)) > 0
                            OR position(encode(convert_to('{needle}', 'UTF8'), 'hex') IN x::text) > 0"
                    )).await.unwrap();
                    assert_eq!(n, 0, "{needle} in clear in {table}");
                }
            }
        }
        // N1 has 5 keys: the whole name, « elodie », « durand-noel », « durand », « noel ».
        assert_eq!(name_entries(&t, org, "N1").await, 5);
        assert_eq!(name_entries(&t, org, "N3").await, 0);
    };

    a_renamed_contact_is_found_by_its_new_name_only => |t: TestStore| async move {
        let s = &t.store;
        let org = default_org(s).await.id;
        // By an upsert (API PUT, a re-import)…
        s.upsert_contact(org, &named("R1", Some("Jean"), Some("Dupont"))).await.unwrap();
        s.upsert_contact(org, &named("R1", Some("Jean"), Some("Lefèvre"))).await.unwrap();
        assert_eq!(refs_named(s, org, "lefevre").await, ["R1"]);
        assert_eq!(refs_named(s, org, "jean").await, ["R1"]);
        assert!(refs_named(s, org, "dupont").await.is_empty());
        assert!(refs_named(s, org, "jean dupont").await.is_empty());
        assert_eq!(name_entries(&t, org, "R1").await, 3);
        // …and by a rectification.
        let r = ContactRef::parse("R1").unwrap();
        let corrections = Corrections { last_name: Some("Moreau".into()), ..Default::default() };
        s.rectify_contact(org, &r, &corrections, None).await.unwrap();
        assert_eq!(refs_named(s, org, "Jean MOREAU").await, ["R1"]);
        assert!(refs_named(s, org, "lefevre").await.is_empty());
        assert_eq!(name_entries(&t, org, "R1").await, 3);
    };

    an_erased_contact_is_not_found_by_name_and_leaves_no_entry => |t: TestStore| async move {
        let s = &t.store;
        let org = default_org(s).await.id;
        let c = named("E1", Some("Zoé"), Some("Quenardel"));
        s.create_contact(org, &c).await.unwrap();
        s.create_contact(org, &named("E2", Some("Zoe"), Some("Autre"))).await.unwrap();
        assert_eq!(refs_named(s, org, "zoe").await, ["E1", "E2"]);
        let filed = s
            .file_request(
                org,
                &NewRequest {
                    kind: RequestKind::Erasure,
                    identifier: Identifier::Email(c.email.clone().unwrap()),
                    verified: true,
                    received_at: "2026-01-31T10:00:00Z".parse().unwrap(),
                    corrections: None,
                },
                "cli:dpo",
            )
            .await
            .unwrap();
        s.erase_person(org, Some(&c.contact_ref), &[], filed.request.id, &serde_json::json!({}))
            .await
            .unwrap();
        assert!(refs_named(s, org, "quenardel").await.is_empty());
        assert_eq!(refs_named(s, org, "zoe").await, ["E2"]);
        assert_eq!(name_entries(&t, org, "E1").await, 0);
        // Reopening the store (its backfill) does not index the erased contact again.
        let again = t.reopen_with(vigie_store::testing::test_vault()).await.unwrap();
        assert!(refs_named(&again, org, "quenardel").await.is_empty());
        assert_eq!(name_entries(&t, org, "E1").await, 0);
    };

    a_bulk_import_makes_names_searchable => |t: TestStore| async move {
        let s = &t.store;
        let org = default_org(s).await.id;
        let crypto = s.org_crypto(org).await.unwrap();
        let mut rows: Vec<SealedContact> = (0..300)
            .map(|i| crypto.seal_contact(&named(&format!("B{i:03}"), Some("Camille"), Some(&format!("Nom{i}")))))
            .collect();
        // On SQLite, a contact imported twice in one load keeps the names of its last row only
        // (its entries wait for the end of the load). PostgreSQL's load takes a reference once
        // per batch, which vigie-import guarantees: the rename comes in a second import below.
        let sqlite = t.sqlite_file.is_some();
        if sqlite {
            rows.push(crypto.seal_contact(&named("B000", Some("Camille"), Some("Renommée"))));
        }
        s.import_contacts(org, stream(rows, true).await).await.unwrap();
        assert_eq!(refs_named(s, org, "nom7").await, ["B007"]);
        assert_eq!(refs_named(s, org, "camille nom299").await, ["B299"]);
        assert_eq!(refs_named(s, org, "camille").await.len(), 100, "one page of 100");
        if sqlite {
            assert_eq!(refs_named(s, org, "renommee").await, ["B000"]);
            assert!(refs_named(s, org, "nom0").await.is_empty());
        }
        assert_eq!(name_entries(&t, org, "B000").await, 3);
        // A second import renames some contacts: their old names go.
        let renamed: Vec<SealedContact> = (0..10)
            .map(|i| crypto.seal_contact(&named(&format!("B{i:03}"), Some("Camille"), Some("Bis"))))
            .collect();
        s.import_contacts(org, stream(renamed, true).await).await.unwrap();
        assert_eq!(refs_named(s, org, "bis").await.len(), 10);
        assert!(refs_named(s, org, "nom7").await.is_empty());
        assert_eq!(refs_named(s, org, "nom17").await, ["B017"]);
    };

    the_backfill_indexes_contacts_written_before_the_name_index => |t: TestStore| async move {
        let s = &t.store;
        let org = default_org(s).await.id;
        s.create_contact(org, &named("O1", Some("Anaïs"), Some("Ancien"))).await.unwrap();
        s.create_contact(org, &named("O2", None, None)).await.unwrap();
        // As the migration leaves rows written before it: no entry, name_bidx NULL.
        let entries = if t.sqlite_file.is_some() {
            "DELETE FROM contact_lookup WHERE kind = 3"
        } else {
            "DELETE FROM contact_names"
        };
        t.raw_sql(&format!("{entries}; UPDATE contacts SET name_bidx = NULL")).await.unwrap();
        assert!(refs_named(s, org, "ancien").await.is_empty());
        // Opening the store indexes them.
        let reopened = t.reopen_with(vigie_store::testing::test_vault()).await.unwrap();
        assert_eq!(refs_named(&reopened, org, "anais ancien").await, ["O1"]);
        assert_eq!(name_entries(&t, org, "O1").await, 3);
        assert_eq!(
            t.raw_count("SELECT count(*) FROM contacts WHERE name_bidx IS NULL").await.unwrap(),
            0
        );
        // Done once: nothing left to index.
        assert_eq!(reopened.index_contact_names(org).await.unwrap(), 0);
    };

    the_list_filters_by_audience_with_its_total_and_pages_both_ways => |t: TestStore| async move {
        let s = &t.store;
        let org = default_org(s).await.id;
        for i in 0..7 {
            let mut c = named(&format!("A{i}"), Some("Prénom"), Some("Nom"));
            c.audience = if i % 2 == 0 { Audience::Professional } else { Audience::Consumer };
            s.create_contact(org, &c).await.unwrap();
        }
        assert_eq!(s.count_contacts_of(org, Audience::Professional).await.unwrap(), 4);
        assert_eq!(s.count_contacts_of(org, Audience::Consumer).await.unwrap(), 3);
        assert_eq!(s.count_contacts_of(org, Audience::Generic).await.unwrap(), 0);
        let pro = |after_id, before_id| ContactQuery {
            audience: Some(Audience::Professional),
            after_id,
            before_id,
            limit: 2,
            ..Default::default()
        };
        let (first, prev, next) = page_refs(s, org, pro(None, None)).await;
        assert_eq!((first, prev), (vec!["A0".to_owned(), "A2".to_owned()], None));
        let (second, prev, next2) = page_refs(s, org, pro(next, None)).await;
        assert_eq!(second, ["A4", "A6"]);
        assert!(next2.is_none(), "the last page has no next");
        // Back from the second page: the first page again, which has no previous but a next.
        let (back, prev2, next3) = page_refs(s, org, pro(None, prev)).await;
        assert_eq!(back, ["A0", "A2"]);
        assert_eq!(prev2, None);
        assert_eq!(next3, next);
        // Filters combine with a name search.
        let by_name = ContactQuery {
            name: Some("nom".into()),
            audience: Some(Audience::Consumer),
            limit: 10,
            ..Default::default()
        };
        assert_eq!(page_refs(s, org, by_name).await.0, ["A1", "A3", "A5"]);
    };
}
