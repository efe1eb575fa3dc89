//! Imports that change no contact (a ledger, suppression or opposition import) bring the
//! snapshot current by patching its sections instead of building them again: the old file's
//! sections are read as bytes (each checked against its checksum), the one list or the ledger's
//! new events are read from the store, and only what they touch is rewritten:
//! - a suppression import: the suppression table, built anew; every other section copied;
//! - an opposition import: the opposition section, and the opposition flag of each contact
//!   record, in the contacts section and in the identifier tables' values, in place (the
//!   tables' keys and slots do not move);
//! - a ledger import: the events section, each contact's old events followed by its new ones
//!   (the ledger is append-only and a contact's events are kept in id order), and every
//!   record's events range, in place.
//!
//! The result is byte for byte what a whole build gives (`tests/it/follow.rs` holds it to
//! that): a table's slots depend only on its keys, which none of these imports changes.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use jiff::Timestamp;
use rayon::prelude::*;
use vigie_core::{CallOutcome, ConsentEvent};
use vigie_store::{
    Digest16, OrgCrypto, ScanParts, ScreeningContact, ScreeningSink, Store, StoreError,
    WrittenEvents,
};

use super::update::Skipped;
use super::{
    Body, BuildReport, CONTACT_LEN, EVENT_LEN, Expected, HAS_PHONE, IdIndex, ON_OPPOSITION_LIST,
    RECORD_LEN, Section, Sections, SnapshotError, SnapshotInfo, group_by_contact, le_i64, le_u32,
    opposition_section, pack_event, too_large, write_file,
};
use crate::table::{EMPTY, KeyTable};

/// What an import that changed no contact changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ListOrLedger {
    Suppression,
    Opposition,
    /// This many ledger events appended, with the events themselves when the import handed
    /// them over (see `ImportChange::Ledger`).
    Ledger {
        appended: u64,
        written: Option<Arc<WrittenEvents>>,
    },
}

/// Rewrites, in place, the record of every contact in the contacts section and in the two
/// identifier tables' values (a table's value is the record of the contact its key names,
/// found by the store id at the record's end).
fn patch_records(
    sections: &mut Sections,
    path: &Path,
    ids: &IdIndex,
    patch: impl Fn(u32, &mut [u8]) + Sync,
) -> Result<(), SnapshotError> {
    sections
        .body_mut(Section::Contacts)
        .par_chunks_exact_mut(CONTACT_LEN)
        .enumerate()
        .for_each(|(i, c)| patch(i as u32, &mut c[..RECORD_LEN]));
    let slot = KeyTable::<16, RECORD_LEN>::SLOT;
    for table in [Section::EmailTable, Section::PhoneTable] {
        let unknown = sections
            .body_mut(table)
            .par_chunks_exact_mut(slot)
            .map(|s| {
                let record = &mut s[16..];
                if le_u32(record, 0) == EMPTY {
                    return 0;
                }
                match ids.get(le_i64(record, 32)) {
                    Some(i) => {
                        patch(i, record);
                        0
                    }
                    None => 1u64,
                }
            })
            .sum::<u64>();
        if unknown > 0 {
            return Err(SnapshotError::Corrupt(
                path.to_owned(),
                format!("{unknown} identifier table entries name no contact"),
            ));
        }
    }
    Ok(())
}

/// What an import that changed no contact wrote, as the store reads it: one list, or the
/// ledger's new events with their contacts' store ids.
#[derive(Default)]
struct Changes {
    suppression: Vec<([u8; 32], [u8; 4])>,
    opposition: Vec<(Digest16, [u8; 4])>,
    events: Vec<(i64, [u8; EVENT_LEN])>,
    /// The id of the last new event.
    last_event_id: Option<i64>,
}

impl ScreeningSink for Changes {
    fn opposition(&mut self, phone_bidx: Digest16) -> vigie_store::Result<()> {
        self.opposition.push((phone_bidx, [0; 4]));
        Ok(())
    }

    fn suppression(&mut self, sha256: [u8; 32]) -> vigie_store::Result<()> {
        self.suppression.push((sha256, [0; 4]));
        Ok(())
    }

    fn contact(&mut self, _: &ScreeningContact<'_>) -> vigie_store::Result<()> {
        Err(StoreError::Other("a patch reads no contact".into()))
    }

    fn event(&mut self, contact_id: i64, e: ConsentEvent) -> vigie_store::Result<()> {
        self.events.push((contact_id, pack_event(&e)));
        Ok(())
    }

    fn call(&mut self, _: i64, _: Timestamp, _: CallOutcome) -> vigie_store::Result<()> {
        Err(StoreError::Other("a patch reads no call".into()))
    }
}

/// Brings the snapshot at `path`, current as `info` says, up to date after an import that
/// changed no contact; `started` is when the update began.
pub(super) async fn patch_after_import(
    store: &Store,
    crypto: &OrgCrypto,
    path: &Path,
    info: &SnapshotInfo,
    change: ListOrLedger,
    started: Instant,
) -> Result<Result<BuildReport, Skipped>, SnapshotError> {
    // The old file is read (on a blocking thread) while the store is: the two take about as
    // long on the bench base.
    let before = Expected::new(crypto, info.data_version);
    let last_event_id = info.last_event_id;
    let p = path.to_owned();
    let read = tokio::task::spawn_blocking(move || {
        let sections = Sections::read(&p, &before)?;
        let (ids, ranges) = sections.contacts(&p)?;
        if sections.info.last_event_id != last_event_id {
            return Err(SnapshotError::Corrupt(
                p,
                "replaced while being read".into(),
            ));
        }
        Ok::<_, SnapshotError>((sections, ids, ranges))
    });
    let parts = match &change {
        ListOrLedger::Suppression => ScanParts {
            suppression: true,
            ..ScanParts::NONE
        },
        ListOrLedger::Opposition => ScanParts {
            opposition: true,
            ..ScanParts::NONE
        },
        // Handed over by the import: only the data version is read.
        ListOrLedger::Ledger {
            written: Some(_), ..
        } => ScanParts::NONE,
        ListOrLedger::Ledger { written: None, .. } => ScanParts {
            events_after: Some(last_event_id.unwrap_or(i64::MIN)),
            ..ScanParts::NONE
        },
    };
    let scan = store.scan_screening_parts(crypto.org_id, parts, Changes::default());
    let (read, scanned) = tokio::join!(read, scan);
    let read = read.map_err(|e| StoreError::Other(e.to_string()))?;
    let (mut sections, ids, ranges) = match read {
        Ok(read) => read,
        // Damaged, or replaced meanwhile by another process: built whole instead.
        Err(SnapshotError::Corrupt(..)) => return Ok(Err(Skipped::NoUsableSnapshot)),
        Err(e) => return Err(e),
    };
    let (mut changes, marks) = scanned?;
    if marks.data_version != sections.info.data_version + 1 {
        return Ok(Err(Skipped::OtherChanges {
            snapshot: sections.info.data_version,
            store: marks.data_version,
        }));
    }
    if let ListOrLedger::Ledger { appended, written } = &change {
        let read = match written {
            Some(written) => {
                changes.events = (written.events.iter())
                    .map(|(id, e)| (*id, pack_event(e)))
                    .collect();
                changes.last_event_id = written.last_id;
                written.events.len() as u64
            }
            None => {
                changes.last_event_id = marks.last_event_id;
                marks.events
            }
        };
        if read != *appended {
            return Ok(Err(Skipped::LedgerMismatch {
                expected: *appended,
                read,
            }));
        }
    }
    let scan = started.elapsed();
    tracing::debug!(elapsed = ?scan, events = marks.events, "the snapshot and the import's changes read");

    let expected = Expected::new(crypto, marks.data_version);
    let p = path.to_owned();
    let written = tokio::task::spawn_blocking(move || {
        let mut info = SnapshotInfo {
            data_version: expected.data_version,
            built_at: Timestamp::now(),
            ..sections.info.clone()
        };
        // A section built anew here, with its directory parameter.
        let mut rebuilt: Option<(Section, Vec<u8>, u64)> = None;
        match change {
            ListOrLedger::Suppression => {
                let table = KeyTable::build(std::mem::take(&mut changes.suppression));
                info.suppression = table.len() as u64;
                let range = table.range();
                rebuilt = Some((Section::Suppression, table.slot_bytes().to_vec(), range));
            }
            ListOrLedger::Opposition => {
                let table = KeyTable::build(std::mem::take(&mut changes.opposition));
                info.opposition = table.len() as u64;
                // Each contact whose number is on the list, not only the first of a number.
                let listed: Vec<bool> = sections
                    .body(Section::Contacts)
                    .par_chunks_exact(CONTACT_LEN)
                    .map(|c| {
                        c[72] & HAS_PHONE != 0
                            && table.contains(c[56..72].try_into().expect("16 bytes"))
                    })
                    .collect();
                let index = IdIndex::new(&ids);
                patch_records(&mut sections, &p, &index, |i, record| {
                    record[13] &= !ON_OPPOSITION_LIST;
                    if listed[i as usize] {
                        record[13] |= ON_OPPOSITION_LIST;
                    }
                })?;
                *sections.body_mut(Section::Opposition) = opposition_section(&table);
            }
            ListOrLedger::Ledger { .. } => {
                let n = ranges.len();
                let index = IdIndex::new(&ids);
                let new: Vec<(u32, [u8; EVENT_LEN])> = changes
                    .events
                    .iter()
                    .map(|(id, packed)| index.get(*id).map(|i| (i, *packed)))
                    .collect::<Option<_>>()
                    .ok_or_else(|| {
                        SnapshotError::Corrupt(p.clone(), "a new event names no contact".into())
                    })?;
                let total = info.events + new.len() as u64;
                if u32::try_from(total).is_err() {
                    return Err(SnapshotError::Io(
                        p.clone(),
                        std::io::Error::other(too_large("ledger events").to_string()),
                    ));
                }
                let (new_starts, new_events) = group_by_contact(n, &new);
                let old_events = sections.body(Section::Events);
                let mut events = Vec::with_capacity(total as usize * EVENT_LEN);
                let mut starts = Vec::with_capacity(n + 1);
                for (i, (start, len)) in ranges.iter().enumerate() {
                    starts.push((events.len() / EVENT_LEN) as u32);
                    let old = *start as usize * EVENT_LEN..(*start + *len) as usize * EVENT_LEN;
                    events.extend_from_slice(&old_events[old]);
                    let new =
                        new_starts[i] as usize * EVENT_LEN..new_starts[i + 1] as usize * EVENT_LEN;
                    events.extend_from_slice(&new_events[new]);
                }
                starts.push((events.len() / EVENT_LEN) as u32);
                patch_records(&mut sections, &p, &index, |i, record| {
                    let (from, to) = (starts[i as usize], starts[i as usize + 1]);
                    record[0..4].copy_from_slice(&from.to_le_bytes());
                    record[4..8].copy_from_slice(&(to - from).to_le_bytes());
                })?;
                info.events = total;
                info.last_event_id = changes.last_event_id.or(info.last_event_id);
                *sections.body_mut(Section::Events) = events;
            }
        }

        tracing::debug!(elapsed = ?started.elapsed(), "screening snapshot patched");
        // Sections left as they were keep the checksum read_sections checked.
        let touched: &[Section] = match change {
            ListOrLedger::Suppression => &[],
            ListOrLedger::Opposition => &[
                Section::Contacts,
                Section::Opposition,
                Section::EmailTable,
                Section::PhoneTable,
            ],
            ListOrLedger::Ledger { .. } => &[
                Section::Contacts,
                Section::Events,
                Section::EmailTable,
                Section::PhoneTable,
            ],
        };
        let bodies: Vec<Body<'_>> = sections
            .bodies
            .iter()
            .map(|(kind, bytes)| match &rebuilt {
                Some((k, b, param)) if k == kind => Body {
                    kind: *kind,
                    bytes: b,
                    param: *param,
                    checksum: None,
                },
                _ => Body {
                    kind: *kind,
                    bytes,
                    param: sections.info.section(*kind).param,
                    checksum: (!touched.contains(kind))
                        .then(|| sections.info.section(*kind).checksum),
                },
            })
            .collect();
        write_file(&p, info, &bodies).map_err(|e| SnapshotError::Io(p.clone(), e))
    })
    .await
    .map_err(|e| StoreError::Other(e.to_string()))?;
    match written {
        Ok(written) => Ok(Ok(BuildReport::of(path, written, started, scan))),
        Err(SnapshotError::Corrupt(..)) => Ok(Err(Skipped::NoUsableSnapshot)),
        Err(e) => Err(e),
    }
}
