//! The dashboard's stored figures and the audit chain's verifications on both stores: one row
//! per organization, replaced; the latest verification read back; organizations kept apart.

use vigie_core::Timestamp;
use vigie_store::both_stores;
use vigie_store::testing::TestStore;
use vigie_store::*;

use super::default_org;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

both_stores! {
    dashboard_figures_are_replaced_per_organization => |t: TestStore| async move {
        let s = &t.store;
        let org = default_org(s).await;
        let other = s.create_org("other", "Other").await.unwrap();
        assert_eq!(s.dashboard_figures(org.id).await.unwrap(), None);
        let first = DashboardFigures {
            data_version: 3,
            computed_at: ts("2026-12-01T10:00:00Z"),
            figures: "{\"a\":1}".into(),
        };
        s.save_dashboard_figures(org.id, &first).await.unwrap();
        let second = DashboardFigures {
            data_version: 5,
            computed_at: ts("2026-12-02T10:00:00Z"),
            figures: "{\"a\":2}".into(),
        };
        s.save_dashboard_figures(org.id, &second).await.unwrap();
        assert_eq!(s.dashboard_figures(org.id).await.unwrap(), Some(second));
        assert_eq!(s.dashboard_figures(other.id).await.unwrap(), None);
    };

    the_latest_audit_verification_is_read_back => |t: TestStore| async move {
        let s = &t.store;
        let org = default_org(s).await;
        let other = s.create_org("other", "Other").await.unwrap();
        assert_eq!(s.last_audit_verification(org.id).await.unwrap(), None);
        let old = AuditVerification {
            at: ts("2026-12-01T10:00:00Z"),
            actor: "user:a@example.org".into(),
            intact: true,
            faults: 0,
            checkpoint_at: None,
        };
        let new = AuditVerification {
            at: ts("2026-12-03T10:00:00Z"),
            actor: "user:b@example.org".into(),
            intact: false,
            faults: 2,
            checkpoint_at: Some(ts("2026-12-03T09:59:00Z")),
        };
        s.record_audit_verification(org.id, &new).await.unwrap();
        s.record_audit_verification(org.id, &old).await.unwrap();
        assert_eq!(s.last_audit_verification(org.id).await.unwrap(), Some(new));
        assert_eq!(s.last_audit_verification(other.id).await.unwrap(), None);
    };
}
