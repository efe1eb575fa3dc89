//! An import brings the snapshot current: the snapshot of the version just before the import's
//! commit, plus what that one import can have changed, written under the version the import
//! committed. No whole rebuild at the next screening. A contacts import reads its contacts
//! again from the store and builds the tables anew, keeping the old file's events, calls and
//! lists; the other imports patch the file (`patch.rs`).
//!
//! What each import changes (nothing else; a store that bumps the data version for a change
//! also bumps it for every other): a contacts import, contacts (never an event, a call or a
//! list entry); a ledger import, events appended (the ledger is append-only: the events after
//! the last one the snapshot holds); a suppression import, the suppression list; an opposition
//! import, the opposition list (and so the contacts' opposition flag, recomputed from it).
//!
//! Never a wrong snapshot: the update is made only when the snapshot is at version `v` and the
//! store, read in one transaction with the changed part, at `v + 1`, i.e. when the import's
//! commit is the only change in between (every change bumps the version). For the ledger, the
//! events read must be exactly as many as the import appended (on PostgreSQL, ids come from a
//! sequence and a concurrent writer's could interleave). Anything else leaves the snapshot as
//! it was, stale, rebuilt whole by the next screening, as after a crash between the import's
//! commit and this update.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use vigie_store::{OrgCrypto, ScanParts, Store, StoreError, WrittenEvents};

use super::patch::{ListOrLedger, patch_after_import};
use super::{
    BuildReport, Builder, CALL_LEN, CONTACT_LEN, EVENT_LEN, Expected, Freshness, Section, Sections,
    SnapshotError, le_u32, read_info,
};
use crate::table::{EMPTY, KeyTable};

/// What one import changed in the base, for the snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportChange {
    /// Contacts inserted or updated.
    Contacts,
    /// This many ledger events appended; `written`, the events themselves with their contacts'
    /// ids in the order of their ids, when the import knows them (else they are read from the
    /// store).
    Ledger {
        appended: u64,
        written: Option<Arc<WrittenEvents>>,
    },
    /// The suppression list.
    Suppression,
    /// An opposition list.
    Opposition,
}

/// Why an update was not made (the snapshot is left as it was).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skipped {
    /// No snapshot, or one of another key, vocabulary or format.
    NoUsableSnapshot,
    /// The store is not at the snapshot's version + 1: other changes came in.
    OtherChanges { snapshot: i64, store: i64 },
    /// The ledger holds another number of new events than the import appended.
    LedgerMismatch { expected: u64, read: u64 },
}

/// Brings the snapshot at `path` current after one import (see the module documentation).
pub async fn update_after_import(
    store: &Store,
    crypto: &OrgCrypto,
    path: &Path,
    change: ImportChange,
) -> Result<Result<BuildReport, Skipped>, SnapshotError> {
    let started = Instant::now();
    let info = match read_info(path) {
        Ok(Some(info)) => info,
        Ok(None) | Err(SnapshotError::Corrupt(..)) => return Ok(Err(Skipped::NoUsableSnapshot)),
        Err(e) => return Err(e),
    };
    let before = Expected::new(crypto, info.data_version);
    if info.freshness(&before) != Freshness::Fresh {
        return Ok(Err(Skipped::NoUsableSnapshot));
    }
    let list_or_ledger = match change {
        ImportChange::Contacts => None,
        ImportChange::Ledger { appended, written } => {
            Some(ListOrLedger::Ledger { appended, written })
        }
        ImportChange::Suppression => Some(ListOrLedger::Suppression),
        ImportChange::Opposition => Some(ListOrLedger::Opposition),
    };
    if let Some(change) = list_or_ledger {
        return patch_after_import(store, crypto, path, &info, change, started).await;
    }
    // A contacts import: the old file read as checked bytes for what such an import does not
    // change (events, calls, lists), the contacts read again from the store, the tables built
    // anew.
    let p = path.to_owned();
    let read = tokio::task::spawn_blocking(move || {
        let sections = Sections::read(&p, &before)?;
        let (ids, _) = sections.contacts(&p)?;
        Ok::<_, SnapshotError>((sections, ids))
    })
    .await
    .map_err(|e| StoreError::Other(e.to_string()))?;
    let (old, old_ids) = match read {
        Ok(read) => read,
        // Damaged, or replaced meanwhile by another process: built whole instead.
        Err(SnapshotError::Corrupt(..)) => return Ok(Err(Skipped::NoUsableSnapshot)),
        Err(e) => return Err(e),
    };
    let parts = ScanParts {
        contacts: true,
        ..ScanParts::NONE
    };
    let (mut builder, marks) = store
        .scan_screening_parts(crypto.org_id, parts, Builder::with_lists_of(&old))
        .await?;
    if marks.data_version != info.data_version + 1 {
        return Ok(Err(Skipped::OtherChanges {
            snapshot: info.data_version,
            store: marks.data_version,
        }));
    }
    if let Err(why) = builder.adopt_events_and_calls(&old, &old_ids) {
        // Only a damaged file can say so (the version shows nothing else came in): built whole.
        tracing::warn!(path = %path.display(), why, "screening snapshot not updated");
        return Ok(Err(Skipped::NoUsableSnapshot));
    }
    let scan = started.elapsed();
    let expected = Expected::new(crypto, marks.data_version);
    Ok(Ok(builder
        .write_blocking(path, expected, started, scan)
        .await?))
}

impl Builder {
    /// An empty builder holding the lists and the ledger mark of `old`, which a contacts import
    /// does not change.
    fn with_lists_of(old: &Sections) -> Builder {
        let mut b = Builder::new();
        b.suppression = old
            .body(Section::Suppression)
            .chunks_exact(KeyTable::<32, 4>::SLOT)
            .filter(|s| le_u32(s, 32) != EMPTY)
            .map(|s| (s[..32].try_into().expect("32 bytes"), [0; 4]))
            .collect();
        b.opposition_keys = old
            .body(Section::Opposition)
            .chunks_exact(16)
            .map(|k| (k.try_into().expect("16 bytes"), [0; 4]))
            .collect();
        b.last_event_id = old.info.last_event_id;
        b
    }

    /// Takes the events and calls of `old`'s contacts (store ids `old_ids`, in order), each to
    /// the contact of the same store id in this one (a contacts import adds and changes
    /// contacts, never removes one), in their order. An error says what in `old` is damaged.
    fn adopt_events_and_calls(
        &mut self,
        old: &Sections,
        old_ids: &[i64],
    ) -> Result<(), &'static str> {
        let (events, calls) = (old.body(Section::Events), old.body(Section::Calls));
        let contacts = old.body(Section::Contacts).chunks_exact(CONTACT_LEN);
        for (c, id) in contacts.zip(old_ids) {
            let index = self
                .contact_index(*id, "a contact of the snapshot")
                .map_err(|_| "a contact the store no longer has")?;
            let (start, len) = (le_u32(c, 0) as usize, le_u32(c, 4) as usize);
            let (calls_start, calls_len) = (le_u32(c, 24) as usize, le_u32(c, 28) as usize);
            let own_events = events
                .get(start * EVENT_LEN..(start + len) * EVENT_LEN)
                .ok_or("an event range beyond the events")?;
            let own_calls = calls
                .get(calls_start * CALL_LEN..(calls_start + calls_len) * CALL_LEN)
                .ok_or("a call range beyond the calls")?;
            self.events.extend(
                own_events
                    .chunks_exact(EVENT_LEN)
                    .map(|e| (index, e.try_into().expect("EVENT_LEN bytes"))),
            );
            self.calls.extend(
                own_calls
                    .chunks_exact(CALL_LEN)
                    .map(|c| (index, c.try_into().expect("CALL_LEN bytes"))),
            );
        }
        Ok(())
    }
}
