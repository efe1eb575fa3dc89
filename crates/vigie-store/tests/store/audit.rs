//! The audit trail's chain, on both stores: an untouched trail verifies; any entry changed,
//! removed, inserted or swapped directly in the database, or a removed tail, is named.

use vigie_store::both_stores;
use vigie_store::testing::TestStore;
use vigie_store::*;

fn event(i: usize) -> AuditEvent {
    AuditEvent {
        actor: "user:dpo@example.org".into(),
        role: Some("dpo".into()),
        action: if i.is_multiple_of(2) {
            "contact.read"
        } else {
            "contact.update"
        }
        .into(),
        target: Some(format!("contact:C{i}")),
        origin: Some("203.0.113.9".into()),
        reason: (i == 3).then(|| "request 12".into()),
    }
}

/// A trail of five entries in the default organization and two in another, verified intact.
async fn trail(t: &TestStore) -> (Organization, Organization) {
    let s = &t.store;
    let org = s.require_org(DEFAULT_ORG).await.unwrap();
    let other = s.create_org("other", "Other").await.unwrap();
    for i in 1..=5 {
        assert_eq!(s.audit(org.id, event(i)).await.unwrap(), i as i64);
    }
    for i in 1..=2 {
        assert_eq!(s.audit(other.id, event(i)).await.unwrap(), i as i64);
    }
    let report = s.verify_audit().await.unwrap();
    assert!(report.intact(), "{report:?}");
    assert_eq!(report.entries, 7);
    (org, other)
}

/// Lifts the append-only guard, as someone with direct database access could.
async fn drop_guards(t: &TestStore) {
    let sql = if t.sqlite_file.is_some() {
        "DROP TRIGGER audit_log_append_only_update; DROP TRIGGER audit_log_append_only_delete;"
    } else {
        "DROP TRIGGER audit_log_append_only ON audit_log;"
    };
    t.raw_sql(sql).await.unwrap();
}

async fn first_fault(t: &TestStore) -> AuditFault {
    let report = t.store.verify_audit().await.unwrap();
    assert_eq!(report.faults.len(), 1, "{report:?}");
    report.faults[0].clone()
}

both_stores! {
    an_untouched_trail_verifies_and_reads_back_in_order => |t: TestStore| async move {
        let (org, other) = trail(&t).await;
        let entries = t.store.audit_entries(org.id, 0, 100).await.unwrap();
        assert_eq!(entries.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
        assert_eq!(entries[2].reason.as_deref(), Some("request 12"));
        assert_eq!(entries[1].target.as_deref(), Some("contact:C2"));
        assert_eq!(t.store.audit_entries(org.id, 3, 1).await.unwrap()[0].seq, 4);
        // Organizations do not see each other's entries.
        assert_eq!(t.store.audit_entries(other.id, 0, 100).await.unwrap().len(), 2);
    };

    concurrent_appends_keep_one_unbroken_chain => |t: TestStore| async move {
        let org = t.store.require_org(DEFAULT_ORG).await.unwrap();
        let tasks: Vec<_> = (0..24)
            .map(|i| {
                let s = t.store.clone();
                tokio::spawn(async move { s.audit(org.id, event(i)).await.unwrap() })
            })
            .collect();
        let mut seqs = Vec::new();
        for task in tasks {
            seqs.push(task.await.unwrap());
        }
        seqs.sort_unstable();
        assert_eq!(seqs, (1..=24).collect::<Vec<i64>>());
        let report = t.store.verify_audit().await.unwrap();
        assert!(report.intact(), "{report:?}");
        assert_eq!(report.entries, 24);
    };

    the_trail_is_append_only => |t: TestStore| async move {
        trail(&t).await;
        let update = t.raw_sql("UPDATE audit_log SET actor = 'x' WHERE seq = 2").await.unwrap_err();
        assert!(update.contains("append-only"), "{update}");
        let delete = t.raw_sql("DELETE FROM audit_log WHERE seq = 2").await.unwrap_err();
        assert!(delete.contains("append-only"), "{delete}");
        assert!(t.store.verify_audit().await.unwrap().intact());
    };

    an_edited_entry_is_named => |t: TestStore| async move {
        trail(&t).await;
        drop_guards(&t).await;
        t.raw_sql("UPDATE audit_log SET target = 'contact:C9' WHERE org_id = 1 AND seq = 3").await.unwrap();
        let fault = first_fault(&t).await;
        assert_eq!((fault.org.as_str(), fault.seq), ("default", 3), "{fault}");
        assert!(fault.problem.contains("changed"), "{fault}");
    };

    a_deleted_entry_is_named => |t: TestStore| async move {
        trail(&t).await;
        drop_guards(&t).await;
        t.raw_sql("DELETE FROM audit_log WHERE org_id = 1 AND seq = 2").await.unwrap();
        let fault = first_fault(&t).await;
        assert_eq!(fault.seq, 2, "{fault}");
        assert!(fault.problem.contains("missing"), "{fault}");
    };

    swapped_entries_are_named => |t: TestStore| async move {
        trail(&t).await;
        drop_guards(&t).await;
        // Entries 2 and 4 exchange their places in the sequence.
        t.raw_sql(
            "UPDATE audit_log SET seq = 100 WHERE org_id = 1 AND seq = 2;
             UPDATE audit_log SET seq = 2 WHERE org_id = 1 AND seq = 4;
             UPDATE audit_log SET seq = 4 WHERE org_id = 1 AND seq = 100;",
        )
        .await
        .unwrap();
        let fault = first_fault(&t).await;
        assert_eq!(fault.seq, 2, "{fault}");
    };

    an_inserted_entry_is_named => |t: TestStore| async move {
        trail(&t).await;
        drop_guards(&t).await;
        // A copy of entry 2 placed after the end, with the head moved to it.
        t.raw_sql(
            "INSERT INTO audit_log (org_id, seq, at, actor, role, action, target, origin, reason, prev_link, link)
                 SELECT org_id, 6, at, actor, role, action, target, origin, reason, prev_link, link
                 FROM audit_log WHERE org_id = 1 AND seq = 2;
             UPDATE audit_heads SET seq = 6 WHERE org_id = 1;",
        )
        .await
        .unwrap();
        let fault = first_fault(&t).await;
        assert_eq!(fault.seq, 6, "{fault}");
    };

    a_removed_tail_is_named => |t: TestStore| async move {
        trail(&t).await;
        drop_guards(&t).await;
        t.raw_sql("DELETE FROM audit_log WHERE org_id = 1 AND seq >= 4").await.unwrap();
        let fault = first_fault(&t).await;
        assert_eq!(fault.seq, 4, "{fault}");
        assert!(fault.problem.contains("removed"), "{fault}");
    };

    a_rewritten_entry_with_a_recomputed_plain_hash_still_fails => |t: TestStore| async move {
        // Without the master key, copying another entry's links onto a changed entry does not
        // help: the link covers the sequence number and the organization.
        trail(&t).await;
        drop_guards(&t).await;
        t.raw_sql(
            "UPDATE audit_log SET actor = (SELECT actor FROM audit_log WHERE org_id = 2 AND seq = 1),
                 link = (SELECT link FROM audit_log WHERE org_id = 2 AND seq = 1)
             WHERE org_id = 1 AND seq = 1",
        )
        .await
        .unwrap();
        let fault = first_fault(&t).await;
        assert_eq!(fault.seq, 1, "{fault}");
    };

    a_cut_tail_with_the_head_moved_back_is_caught_by_the_checkpoint => |t: TestStore| async move {
        let (org, _) = trail(&t).await;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vigie-master.key.audit-checkpoint.json");
        assert!(t.store.write_audit_checkpoint(&path).await.unwrap().is_empty());
        let checkpoint = AuditCheckpoint::read_file(&path).unwrap().unwrap();
        assert!(t.store.verify_audit_against(Some(&checkpoint)).await.unwrap().intact());
        // The trail grows: the checkpoint still holds, and a newer one replaces it.
        t.store.audit(org.id, event(6)).await.unwrap();
        assert!(t.store.verify_audit_against(Some(&checkpoint)).await.unwrap().intact());
        assert!(t.store.write_audit_checkpoint(&path).await.unwrap().is_empty());
        let checkpoint = AuditCheckpoint::read_file(&path).unwrap().unwrap();

        // The attack: delete the newest entries and move the head back to entry 4.
        drop_guards(&t).await;
        t.raw_sql(
            "DELETE FROM audit_log WHERE org_id = 1 AND seq >= 5;
             UPDATE audit_heads SET seq = 4, link = (SELECT link FROM audit_log WHERE org_id = 1 AND seq = 4)
             WHERE org_id = 1;",
        )
        .await
        .unwrap();
        // The chain alone looks whole …
        assert!(t.store.verify_audit().await.unwrap().intact());
        // … the checkpoint says otherwise, and is not replaced by the cut trail's heads.
        let report = t.store.verify_audit_against(Some(&checkpoint)).await.unwrap();
        assert_eq!(report.faults.len(), 1, "{report:?}");
        assert_eq!((report.faults[0].org.as_str(), report.faults[0].seq), (DEFAULT_ORG, 6));
        assert!(report.faults[0].problem.contains("truncated"), "{report:?}");
        assert_eq!(t.store.write_audit_checkpoint(&path).await.unwrap().len(), 1);
        assert_eq!(AuditCheckpoint::read_file(&path).unwrap().unwrap(), checkpoint);

        // Appending again up to the anchored length gives other links: a rollback.
        for i in 5..=6 {
            t.store.audit(org.id, event(i + 10)).await.unwrap();
        }
        assert!(t.store.verify_audit().await.unwrap().intact());
        let report = t.store.verify_audit_against(Some(&checkpoint)).await.unwrap();
        assert_eq!(report.faults.len(), 1, "{report:?}");
        assert!(report.faults[0].problem.contains("rolled back"), "{report:?}");

        // An edited checkpoint (the anchored length lowered) does not verify.
        let mut forged = checkpoint.clone();
        forged.heads[0].seq = 4;
        let report = t.store.verify_audit_against(Some(&forged)).await.unwrap();
        assert!(report.faults.iter().any(|f| f.problem.contains("does not verify")), "{report:?}");
    };
}
