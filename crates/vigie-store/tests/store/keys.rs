//! Master key rotation on both stores: every wrapped key moves to the new master key, the data
//! reads the same with the new key alone, and the old key alone opens nothing any more.

use vigie_core::ContactRef;
use vigie_store::both_stores;
use vigie_store::testing::{TestStore, test_vault};
use vigie_store::*;

use super::{contact, event};

fn old_key() -> SecretKey {
    SecretKey::from_bytes([42u8; 32]) // the test stores' key
}

fn new_key() -> SecretKey {
    SecretKey::from_bytes([9u8; 32])
}

both_stores! {
    rotation_rewraps_every_key_and_the_old_key_opens_nothing => |t: TestStore| async move {
        let s = &t.store;
        let org = s.require_org(DEFAULT_ORG).await.unwrap();
        let other = s.create_org("other", "Other").await.unwrap();
        for (o, r) in [(org.id, "C1"), (org.id, "C2"), (other.id, "C3")] {
            s.upsert_contact(o, &contact(r, &format!("{}@example.org", r.to_lowercase()), "0612345678"))
                .await
                .unwrap();
        }
        let c1 = ContactRef::parse("C1").unwrap();
        let mut e = event(vigie_core::ChannelScope::Email, vigie_core::Action::Grant, "2026-01-10T08:00:00Z");
        e.ip = Some("198.51.100.7".into());
        s.append_event(org.id, &c1, &e).await.unwrap();
        s.audit(org.id, AuditEvent { actor: "cli:test".into(), action: "contact.read".into(), ..Default::default() })
            .await
            .unwrap();
        let before = s.contact(org.id, &c1).await.unwrap().unwrap();
        // A user with a TOTP second factor: its secret is wrapped by the master key too.
        let (user, _) = s.add_member(org.id, "dpo@example.org", vigie_core::Role::Dpo).await.unwrap();
        let enrolment = s.begin_totp(user.id).await.unwrap();
        let now = jiff::Timestamp::now();
        let code = totp_code(&enrolment.secret_base32, now).unwrap();
        assert!(s.confirm_totp(user.id, &code, now).await.unwrap().is_some());

        // A process holding both keys, the new one first, re-wraps everything.
        let both = t.reopen_with(Vault::with_keys(vec![new_key(), old_key()])).await.unwrap();
        let report = both.rewrap_keys(&|_| {}).await.unwrap();
        assert_eq!(report.contact_keys_rewrapped, 3, "{report:?}");
        assert_eq!(report.org_keys_rewrapped, 2, "{report:?}");
        assert_eq!(report.totp_secrets_rewrapped, 1, "{report:?}");
        assert_eq!(report.contact_keys_current, 0, "{report:?}");
        // Nothing left: a second rotation is a no-op.
        let again = both.rewrap_keys(&|_| {}).await.unwrap();
        assert_eq!(
            (again.contact_keys_rewrapped, again.org_keys_rewrapped, again.totp_secrets_rewrapped),
            (0, 0, 0),
            "{again:?}"
        );
        assert_eq!(again.contact_keys_current, 3);

        // The new key alone reads everything as before; the audit chain still verifies.
        let new_only = t.reopen_with(Vault::new(new_key())).await.unwrap();
        let after = new_only.contact(org.id, &c1).await.unwrap().unwrap();
        assert_eq!(after.data, before.data);
        let ledger = new_only.ledger(org.id, &c1).await.unwrap();
        assert_eq!(ledger[0].new.ip.as_deref(), Some("198.51.100.7"));
        let c3 = new_only.contact(other.id, &ContactRef::parse("C3").unwrap()).await.unwrap().unwrap();
        assert_eq!(c3.data.email.unwrap().as_str(), "c3@example.org");
        assert!(new_only.verify_audit().await.unwrap().intact());
        // The second factor still works with the new key alone.
        let later = now + jiff::SignedDuration::from_secs(30);
        let next = totp_code(&enrolment.secret_base32, later).unwrap();
        assert!(new_only.check_second_factor(user.id, &next, later).await.unwrap());

        // The old key alone opens nothing.
        let old_only = t.reopen_with(test_vault()).await.unwrap();
        let err = old_only.contact(org.id, &c1).await.unwrap_err();
        assert!(err.to_string().contains("master key"), "{err}");
    };

    upgrading_moves_each_data_key_into_its_contact_row => |t: TestStore| async move {
        // A store as migration 8 found it: data keys in a table of their own.
        let s = &t.store;
        let org = s.require_org(DEFAULT_ORG).await.unwrap();
        for r in ["C1", "C2"] {
            s.upsert_contact(org.id, &contact(r, &format!("{}@example.org", r.to_lowercase()), "0612345678"))
                .await
                .unwrap();
        }
        let before = s.contact(org.id, &ContactRef::parse("C2").unwrap()).await.unwrap().unwrap();
        let blob = if t.sqlite_file.is_some() { "BLOB" } else { "BYTEA" };
        t.raw_sql(&format!(
            "CREATE TABLE contact_keys (org_id BIGINT NOT NULL, contact_id BIGINT NOT NULL,
                 wrapped_dek {blob} NOT NULL, PRIMARY KEY (org_id, contact_id));
             INSERT INTO contact_keys SELECT org_id, id, wrapped_dek FROM contacts;
             ALTER TABLE contacts DROP COLUMN wrapped_dek;
             DELETE FROM vigie_migrations WHERE version = 8;"
        ))
        .await
        .unwrap();

        // Opening the store applies migration 8: every contact reads as before.
        let upgraded = t.reopen_with(test_vault()).await.unwrap();
        let after = upgraded.contact(org.id, &ContactRef::parse("C2").unwrap()).await.unwrap().unwrap();
        assert_eq!(after.data, before.data);
        assert_eq!(upgraded.count_all_contact_keys().await.unwrap(), 2);
        let gone = t.raw_sql("SELECT count(*) FROM contact_keys").await.unwrap_err();
        assert!(gone.contains("contact_keys"), "{gone}");
    };
}
