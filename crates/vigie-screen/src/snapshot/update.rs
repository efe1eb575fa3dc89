//! An import brings the snapshot current: the snapshot of the version just before the import's
//! commit, read back whole, plus what that one import can have changed, read from the store,
//! written under the version the import committed. No whole rebuild at the next screening.
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

use std::fs::File;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use vigie_core::{Action, Audience, ChannelScope, Method, Purpose, Zone};
use vigie_store::{OrgCrypto, ScanParts, Store, StoreError, WrittenEvents};

use super::patch::{ListOrLedger, patch_after_import};
use super::{
    BuildReport, Builder, CALL_LEN, CONTACT_LEN, EVENT_LEN, Expected, Freshness, HAS_EMAIL,
    HAS_PHONE, ON_OPPOSITION_LIST, Pending, RECORD_LEN, Section, SnapshotError, decode_names,
    decode_sets, le_i64, le_u16, le_u32, read_header, read_info, read_sections,
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
    // A contacts import: the contacts read again from the store, the tables built anew.
    let p = path.to_owned();
    let old = match tokio::task::spawn_blocking(move || Builder::read_back(&p, &before))
        .await
        .map_err(|e| StoreError::Other(e.to_string()))?
    {
        Ok(old) => old,
        // Damaged, or replaced meanwhile by another process: built whole instead.
        Err(SnapshotError::Corrupt(..)) => return Ok(Err(Skipped::NoUsableSnapshot)),
        Err(e) => return Err(e),
    };
    let parts = ScanParts {
        contacts: true,
        ..ScanParts::NONE
    };
    let (fresh, old) = old.lists_only();
    let (mut builder, marks) = store
        .scan_screening_parts(crypto.org_id, parts, fresh)
        .await?;
    builder.adopt_events_and_calls(old)?;
    if marks.data_version != info.data_version + 1 {
        return Ok(Err(Skipped::OtherChanges {
            snapshot: info.data_version,
            store: marks.data_version,
        }));
    }
    let scan = started.elapsed();
    let expected = Expected::new(crypto, marks.data_version);
    Ok(Ok(builder
        .write_blocking(path, expected, started, scan)
        .await?))
}

impl Builder {
    /// The builder a snapshot file was written from, read back: every contact (with its
    /// identifiers' blind indexes), event, call, category set, zone, and both lists. Every value
    /// is checked as [`super::Snapshot::load`] checks those it uses.
    fn read_back(path: &Path, expected: &Expected) -> Result<Builder, SnapshotError> {
        let corrupt = |why: &str| SnapshotError::Corrupt(path.to_owned(), why.to_owned());
        let mut file = File::open(path).map_err(|e| SnapshotError::Io(path.to_owned(), e))?;
        let info = read_header(&mut file, path)?;
        if info.freshness(expected) != Freshness::Fresh {
            return Err(corrupt("changed while being read back"));
        }
        let kinds = [
            Section::Contacts,
            Section::Events,
            Section::Calls,
            Section::Categories,
            Section::Sets,
            Section::Zones,
            Section::Suppression,
            Section::Opposition,
        ];
        let mut bodies = read_sections(&file, path, &info, &kinds)?.into_iter();
        let mut next = || bodies.next().expect("one body per section");
        let (contacts, events, calls, categories, sets, zones, suppression, opposition) = (
            next(),
            next(),
            next(),
            next(),
            next(),
            next(),
            next(),
            next(),
        );
        let n = usize::try_from(info.contacts).map_err(|_| corrupt("contact count"))?;
        if contacts.len() != n.saturating_mul(CONTACT_LEN)
            || events.len() as u64 != info.events.saturating_mul(EVENT_LEN as u64)
            || calls.len() as u64 != info.calls.saturating_mul(CALL_LEN as u64)
            || !opposition.len().is_multiple_of(16)
        {
            return Err(corrupt("a section of the wrong size"));
        }
        let mut b = Builder::new();
        b.categories = decode_names(&categories).ok_or_else(|| corrupt("bad category table"))?;
        b.category_ids = b
            .categories
            .iter()
            .enumerate()
            .map(|(i, c)| (c.clone(), i as u32))
            .collect();
        let (offsets, members) =
            decode_sets(&sets, b.categories.len()).ok_or_else(|| corrupt("bad category sets"))?;
        b.sets = offsets
            .windows(2)
            .map(|w| members[w[0] as usize..w[1] as usize].to_vec())
            .collect();
        if b.sets.first().is_none_or(|s| !s.is_empty()) {
            return Err(corrupt("the first category set is not the empty one"));
        }
        b.set_by_members = b
            .sets
            .iter()
            .enumerate()
            .map(|(i, s)| (s.clone(), i as u32))
            .collect();
        b.zones = decode_names(&zones)
            .ok_or_else(|| corrupt("bad zone table"))?
            .iter()
            .map(|name| Zone::parse(name))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| corrupt(&format!("zone table: {e}")))?;

        b.ids.reserve(n);
        b.records.reserve(n);
        b.events.reserve(info.events as usize);
        b.calls.reserve(info.calls as usize);
        // Events and calls are grouped per contact in contact order: each contact's start is
        // where the previous one ended.
        let (mut next_event, mut next_call) = (0u32, 0u32);
        for (i, c) in contacts.chunks_exact(CONTACT_LEN).enumerate() {
            let r = &c[..RECORD_LEN];
            let (start, len) = (le_u32(r, 0), le_u32(r, 4));
            let (calls_start, calls_len) = (le_u32(r, 24), le_u32(r, 28));
            let id = le_i64(r, 32);
            if start != next_event
                || calls_start != next_call
                || le_u32(r, 8) as usize >= b.sets.len()
                || usize::from(r[12]) >= Audience::ALL.len()
                || usize::from(le_u16(r, 14)) > b.zones.len()
                || b.ids.last().is_some_and(|last| *last >= id)
            {
                return Err(corrupt("a contact is out of range or out of order"));
            }
            next_event = start
                .checked_add(len)
                .ok_or_else(|| corrupt("event range"))?;
            next_call = calls_start
                .checked_add(calls_len)
                .ok_or_else(|| corrupt("call range"))?;
            let index = i as u32;
            b.ids.push(id);
            b.records.push(Pending {
                collected_at: le_i64(r, 16),
                set: le_u32(r, 8),
                audience: r[12],
                // Recomputed from the opposition list by `write`.
                flags: r[13] & !ON_OPPOSITION_LIST,
                zone: le_u16(r, 14),
            });
            if c[72] & HAS_EMAIL != 0 {
                b.email
                    .push((c[40..56].try_into().expect("16 bytes"), index));
            }
            if c[72] & HAS_PHONE != 0 {
                b.phone
                    .push((c[56..72].try_into().expect("16 bytes"), index));
            }
            let event_bytes = events
                .get(start as usize * EVENT_LEN..next_event as usize * EVENT_LEN)
                .ok_or_else(|| corrupt("event range"))?;
            for e in event_bytes.chunks_exact(EVENT_LEN) {
                if usize::from(e[8]) >= ChannelScope::ALL.len()
                    || usize::from(e[9]) >= Purpose::ALL.len()
                    || usize::from(e[10]) >= Action::ALL.len()
                    || usize::from(e[11]) >= Method::ALL.len()
                {
                    return Err(corrupt("a ledger event is out of range"));
                }
                b.events
                    .push((index, e.try_into().expect("EVENT_LEN bytes")));
            }
            let call_bytes = calls
                .get(calls_start as usize * CALL_LEN..next_call as usize * CALL_LEN)
                .ok_or_else(|| corrupt("call range"))?;
            for call in call_bytes.chunks_exact(CALL_LEN) {
                b.calls
                    .push((index, call.try_into().expect("CALL_LEN bytes")));
            }
        }
        if u64::from(next_event) != info.events || u64::from(next_call) != info.calls {
            return Err(corrupt("events or calls that belong to no contact"));
        }
        let slot = KeyTable::<32, 4>::SLOT;
        b.suppression = suppression
            .chunks_exact(slot)
            .filter(|s| le_u32(s, 32) != EMPTY)
            .map(|s| (s[..32].try_into().expect("32 bytes"), [0; 4]))
            .collect();
        b.opposition_keys = opposition
            .chunks_exact(16)
            .map(|k| (k.try_into().expect("16 bytes"), [0; 4]))
            .collect();
        b.last_event_id = info.last_event_id;
        Ok(b)
    }

    /// A new builder holding only this one's lists and ledger mark (for contacts read again
    /// from the store), and this one, left with its contacts, events and calls.
    fn lists_only(mut self) -> (Builder, Builder) {
        let mut fresh = Builder::new();
        fresh.suppression = std::mem::take(&mut self.suppression);
        fresh.opposition_keys = std::mem::take(&mut self.opposition_keys);
        fresh.last_event_id = self.last_event_id;
        (fresh, self)
    }

    /// Takes `old`'s events and calls, each to the contact of the same store id in this one
    /// (a contacts import adds and changes contacts, never removes one), in their order.
    fn adopt_events_and_calls(&mut self, old: Builder) -> vigie_store::Result<()> {
        for (i, packed) in old.events {
            let contact = self.contact_index(old.ids[i as usize], "a ledger event")?;
            self.events.push((contact, packed));
        }
        for (i, packed) in old.calls {
            let contact = self.contact_index(old.ids[i as usize], "a call")?;
            self.calls.push((contact, packed));
        }
        Ok(())
    }
}
