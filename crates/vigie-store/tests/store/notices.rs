//! Privacy notices on both stores: drafts change, a published version or one named by a consent
//! event never does.

use vigie_core::{Action, ChannelScope};
use vigie_store::both_stores;
use vigie_store::testing::TestStore;
use vigie_store::*;

fn by(action: &str) -> AuditEvent {
    AuditEvent {
        actor: "user:dpo@example.org".into(),
        action: action.into(),
        ..Default::default()
    }
}

both_stores! {
    a_published_or_referenced_notice_cannot_change => |t: TestStore| async move {
        let s = &t.store;
        let org = s.require_org(DEFAULT_ORG).await.unwrap();
        s.write_notice(org.id, "v1", "Texte", "Text", by("notice.write")).await.unwrap();
        s.write_notice(org.id, "v1", "Texte revu", "Text reviewed", by("notice.write")).await.unwrap();
        assert_eq!(s.notice(org.id, "v1").await.unwrap().unwrap().text_fr, "Texte revu");
        assert!(s.published_notice(org.id).await.unwrap().is_none());
        s.publish_notice(org.id, "v1", by("notice.publish")).await.unwrap();
        assert_eq!(s.published_notice(org.id).await.unwrap().unwrap().version, "v1");
        let e = s.write_notice(org.id, "v1", "Autre", "Other", by("notice.write")).await.unwrap_err();
        assert!(matches!(e, StoreError::Conflict(_)), "{e}");
        assert_eq!(s.notice(org.id, "v1").await.unwrap().unwrap().text_fr, "Texte revu");
        assert!(matches!(s.publish_notice(org.id, "v1", by("notice.publish")).await, Err(StoreError::Conflict(_))));
        assert!(matches!(s.publish_notice(org.id, "v9", by("notice.publish")).await, Err(StoreError::NotFound(_))));
        assert!(matches!(s.write_notice(org.id, "v 2", "x", "x", by("notice.write")).await, Err(StoreError::Invalid(_))));

        // A draft that a consent event already names (v3 in the events of these tests) is frozen too.
        let c = crate::contact("C1", "a@example.org", "0612345678");
        s.upsert_contact(org.id, &c).await.unwrap();
        let grant = crate::event(ChannelScope::Email, Action::Grant, "2026-01-10T08:00:00Z");
        assert_eq!(grant.notice_version.as_deref(), Some("v3"));
        s.append_event(org.id, &c.contact_ref, &grant).await.unwrap();
        assert!(s.notice_referenced(org.id, "v3").await.unwrap());
        let e = s.write_notice(org.id, "v3", "x", "x", by("notice.write")).await.unwrap_err();
        assert!(matches!(e, StoreError::Conflict(ref m) if m.contains("consent events")), "{e}");
        // Another organization's versions are its own.
        let other = s.create_org("other", "Other").await.unwrap();
        s.write_notice(other.id, "v1", "Autre", "Other", by("notice.write")).await.unwrap();
        assert_eq!(s.notice(org.id, "v1").await.unwrap().unwrap().text_fr, "Texte revu");
    };
}
