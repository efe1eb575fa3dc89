//! Building a snapshot: the store's screening scan received by [`Builder`] (contacts numbered
//! in id order, events and calls grouped per contact, categories and zones interned), the
//! identifier tables built, and the file written ([`write_file`], shared with the patches of
//! `patch.rs`).

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use rayon::prelude::*;
use vigie_core::{
    Action, Audience, CallOutcome, ChannelScope, ConsentEvent, Method, Purpose, Zone,
};
use vigie_store::{
    Digest16, OrgCrypto, ScanParts, ScreeningContact, ScreeningSink, Store, StoreError,
};

use super::{
    CALL_LEN, CONTACT_LEN, CONTRACT_ACTIVE, CUSTOMER, DIR_ENTRY_LEN, DirEntry, EVENT_LEN, Expected,
    HAS_EMAIL, HAS_PHONE, HEADER_LEN, INFORMED, NO_TIME, NO_ZONE, OBJECTION_OFFERED,
    ON_OPPOSITION_LIST, RECORD_LEN, RESTRICTED, Section, SnapshotError, SnapshotInfo, checksum,
    encode_header, encode_names, le_u32, position, vocabulary_fingerprint,
};
use crate::table::{EMPTY, KeyTable};

/// A contact's record before its events are placed.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pending {
    pub(super) collected_at: i64,
    pub(super) set: u32,
    pub(super) audience: u8,
    pub(super) flags: u8,
    pub(super) zone: u16,
}

/// Store ids to dense indexes: a table when the ids are dense enough (the usual case: one
/// organization's contacts were mostly imported together), a map otherwise.
pub(super) enum IdIndex {
    Dense { first: i64, slots: Vec<u32> },
    Sparse(HashMap<i64, u32>),
}

impl IdIndex {
    pub(super) fn new(ids: &[i64]) -> IdIndex {
        let (Some(&first), Some(&last)) = (ids.first(), ids.last()) else {
            return IdIndex::Sparse(HashMap::new());
        };
        let span = (last - first) as u64 + 1;
        if span <= 4 * ids.len() as u64 + 1024 {
            let mut slots = vec![EMPTY; span as usize];
            for (i, id) in ids.iter().enumerate() {
                slots[(id - first) as usize] = i as u32;
            }
            IdIndex::Dense { first, slots }
        } else {
            IdIndex::Sparse(
                ids.iter()
                    .enumerate()
                    .map(|(i, id)| (*id, i as u32))
                    .collect(),
            )
        }
    }

    pub(super) fn get(&self, id: i64) -> Option<u32> {
        match self {
            IdIndex::Dense { first, slots } => id
                .checked_sub(*first)
                .and_then(|d| usize::try_from(d).ok())
                .and_then(|d| slots.get(d).copied())
                .filter(|i| *i != EMPTY),
            IdIndex::Sparse(map) => map.get(&id).copied(),
        }
    }
}

/// Receives the store's screening scan and turns it into a snapshot.
pub(crate) struct Builder {
    pub(super) opposition_keys: Vec<(Digest16, [u8; 4])>,
    pub(super) opposition: Option<KeyTable<16, 4>>,
    pub(super) suppression: Vec<([u8; 32], [u8; 4])>,
    pub(super) ids: Vec<i64>,
    pub(super) records: Vec<Pending>,
    pub(super) email: Vec<(Digest16, u32)>,
    pub(super) phone: Vec<(Digest16, u32)>,
    pub(super) categories: Vec<String>,
    pub(super) category_ids: HashMap<String, u32>,
    /// Stored categories text → set, so that each distinct text is split once.
    pub(super) set_by_text: HashMap<String, u32>,
    pub(super) set_by_members: HashMap<Vec<u32>, u32>,
    pub(super) sets: Vec<Vec<u32>>,
    /// The recorded zones met, in the order of the zone table.
    pub(super) zones: Vec<Zone>,
    pub(super) id_index: Option<IdIndex>,
    pub(super) events: Vec<(u32, [u8; EVENT_LEN])>,
    pub(super) calls: Vec<(u32, [u8; CALL_LEN])>,
    /// The id of the last ledger event taken in.
    pub(super) last_event_id: Option<i64>,
}

impl Builder {
    pub(crate) fn new() -> Builder {
        let mut b = Builder {
            opposition_keys: Vec::new(),
            opposition: None,
            suppression: Vec::new(),
            ids: Vec::new(),
            records: Vec::new(),
            email: Vec::new(),
            phone: Vec::new(),
            categories: Vec::new(),
            category_ids: HashMap::new(),
            set_by_text: HashMap::new(),
            set_by_members: HashMap::new(),
            sets: Vec::new(),
            zones: Vec::new(),
            id_index: None,
            events: Vec::new(),
            calls: Vec::new(),
            last_event_id: None,
        };
        // Set 0: no category.
        b.sets.push(Vec::new());
        b.set_by_members.insert(Vec::new(), 0);
        b.set_by_text.insert(String::new(), 0);
        b
    }

    /// The dense index of a contact named by a ledger event or a call.
    pub(super) fn contact_index(
        &mut self,
        contact_id: i64,
        what: &str,
    ) -> vigie_store::Result<u32> {
        let ids = &self.ids;
        let index = self.id_index.get_or_insert_with(|| IdIndex::new(ids));
        index.get(contact_id).ok_or_else(|| {
            StoreError::Other(format!(
                "screening scan: {what} names contact id {contact_id}, which the scan did not return"
            ))
        })
    }

    pub(super) fn opposition_table(&mut self) -> &KeyTable<16, 4> {
        self.opposition
            .get_or_insert_with(|| KeyTable::build(std::mem::take(&mut self.opposition_keys)))
    }

    /// A recorded zone's number in the records (a few distinct zones at most: a linear search).
    pub(super) fn zone_number(&mut self, zone: Option<Zone>) -> u16 {
        let Some(zone) = zone else { return NO_ZONE };
        let position = match self.zones.iter().position(|z| *z == zone) {
            Some(i) => i,
            None => {
                self.zones.push(zone);
                self.zones.len() - 1
            }
        };
        // The tz database has fewer than 65 535 zones.
        u16::try_from(position + 1).expect("fewer zones than u16::MAX")
    }

    pub(super) fn category_set(&mut self, text: &str) -> u32 {
        if let Some(set) = self.set_by_text.get(text) {
            return *set;
        }
        let mut members: Vec<u32> = text
            .split('|')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|c| match self.category_ids.get(c) {
                Some(id) => *id,
                None => {
                    let id = self.categories.len() as u32;
                    self.categories.push(c.to_owned());
                    self.category_ids.insert(c.to_owned(), id);
                    id
                }
            })
            .collect();
        members.sort_unstable();
        members.dedup();
        let set = match self.set_by_members.get(&members) {
            Some(set) => *set,
            None => {
                let set = self.sets.len() as u32;
                self.sets.push(members.clone());
                self.set_by_members.insert(members, set);
                set
            }
        };
        self.set_by_text.insert(text.to_owned(), set);
        set
    }
}

pub(super) fn too_large(what: &str) -> StoreError {
    StoreError::Other(format!(
        "screening snapshot: more than 4 294 967 294 {what} in one organization"
    ))
}

impl ScreeningSink for Builder {
    fn opposition(&mut self, phone_bidx: Digest16) -> vigie_store::Result<()> {
        self.opposition_keys.push((phone_bidx, [0; 4]));
        Ok(())
    }

    fn suppression(&mut self, sha256: [u8; 32]) -> vigie_store::Result<()> {
        self.suppression.push((sha256, [0; 4]));
        Ok(())
    }

    fn contact(&mut self, c: &ScreeningContact<'_>) -> vigie_store::Result<()> {
        let index = u32::try_from(self.records.len())
            .ok()
            .filter(|i| *i != EMPTY)
            .ok_or_else(|| too_large("contacts"))?;
        if self.ids.last().is_some_and(|last| *last >= c.id) {
            return Err(StoreError::Other(
                "screening scan: contacts out of id order".into(),
            ));
        }
        // ON_OPPOSITION_LIST is set in `write`, on both cores.
        let flags = [
            (c.customer, CUSTOMER),
            (c.informed, INFORMED),
            (c.objection_offered, OBJECTION_OFFERED),
            (c.contract_active, CONTRACT_ACTIVE),
            (c.restricted, RESTRICTED),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .fold(0, |acc, (_, bit)| acc | bit);
        let set = self.category_set(c.customer_categories);
        let zone = self.zone_number(c.time_zone);
        self.records.push(Pending {
            collected_at: c.collected_at.map_or(NO_TIME, |t| t.as_microsecond()),
            set,
            audience: position(Audience::ALL, c.audience),
            flags,
            zone,
        });
        self.ids.push(c.id);
        if let Some(e) = c.email_bidx {
            self.email.push((e, index));
        }
        if let Some(p) = c.phone_bidx {
            self.phone.push((p, index));
        }
        Ok(())
    }

    fn event(&mut self, contact_id: i64, e: ConsentEvent) -> vigie_store::Result<()> {
        let contact = self.contact_index(contact_id, "a ledger event")?;
        self.events.push((contact, pack_event(&e)));
        Ok(())
    }

    fn call(
        &mut self,
        contact_id: i64,
        at: Timestamp,
        outcome: CallOutcome,
    ) -> vigie_store::Result<()> {
        let contact = self.contact_index(contact_id, "a call")?;
        let packed = (at.as_microsecond() << 1) | i64::from(outcome == CallOutcome::Refused);
        self.calls.push((contact, packed.to_le_bytes()));
        Ok(())
    }
}

/// A ledger event as the events section keeps it.
pub(super) fn pack_event(e: &ConsentEvent) -> [u8; EVENT_LEN] {
    let mut packed = [0u8; EVENT_LEN];
    packed[..8].copy_from_slice(&e.at.as_microsecond().to_le_bytes());
    packed[8] = position(ChannelScope::ALL, e.scope);
    packed[9] = position(Purpose::ALL, e.purpose);
    packed[10] = position(Action::ALL, e.action);
    packed[11] = position(Method::ALL, e.method);
    packed
}

/// Groups items per contact, keeping their order within a contact (a stable counting sort):
/// the contacts' starts (`n + 1` of them, the last one the total) and the items' bytes.
pub(super) fn group_by_contact<const LEN: usize>(
    n: usize,
    items: &[(u32, [u8; LEN])],
) -> (Vec<u32>, Vec<u8>) {
    let mut starts = vec![0u32; n + 1];
    for (c, _) in items {
        starts[*c as usize + 1] += 1;
    }
    for i in 0..n {
        starts[i + 1] += starts[i];
    }
    let mut cursor = starts.clone();
    let mut bytes = vec![0u8; items.len() * LEN];
    for (c, packed) in items {
        let at = cursor[*c as usize] as usize;
        cursor[*c as usize] += 1;
        bytes[at * LEN..][..LEN].copy_from_slice(packed);
    }
    (starts, bytes)
}

/// The [`Section::Opposition`] bytes: the opposition table's keys in its order (sorted,
/// distinct).
pub(super) fn opposition_section(opposition: &KeyTable<16, 4>) -> Vec<u8> {
    opposition
        .slot_bytes()
        .chunks_exact(KeyTable::<16, 4>::SLOT)
        .filter(|s| le_u32(s, 16) != EMPTY)
        .flat_map(|s| s[..16].iter().copied())
        .collect()
}

/// What a build did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildReport {
    pub path: PathBuf,
    pub info: SnapshotInfo,
    /// Reading the store.
    pub scan: Duration,
    /// Everything: scan, grouping, tables, writing.
    pub total: Duration,
    pub bytes: u64,
}

/// Builds the organization's snapshot from the store and writes it to `path` atomically.
pub async fn build(
    store: &Store,
    crypto: &OrgCrypto,
    path: &Path,
) -> Result<BuildReport, SnapshotError> {
    let started = Instant::now();
    let (mut builder, marks) = store
        .scan_screening_parts(crypto.org_id, ScanParts::ALL, Builder::new())
        .await?;
    builder.last_event_id = marks.last_event_id;
    let scan = started.elapsed();
    tracing::debug!(elapsed = ?scan, "screening snapshot: the store read");
    let expected = Expected::new(crypto, marks.data_version);
    builder.write_blocking(path, expected, started, scan).await
}

impl BuildReport {
    /// The report of a file written at `path`, `started` being when its build or update began.
    pub(super) fn of(
        path: &Path,
        (info, bytes): (SnapshotInfo, u64),
        started: Instant,
        scan: Duration,
    ) -> BuildReport {
        BuildReport {
            path: path.to_owned(),
            info,
            scan,
            total: started.elapsed(),
            bytes,
        }
    }
}

impl Builder {
    /// [`Builder::write`] on a blocking thread, for the organization's data version
    /// `expected` names.
    pub(super) async fn write_blocking(
        self,
        path: &Path,
        expected: Expected,
        started: Instant,
        scan: Duration,
    ) -> Result<BuildReport, SnapshotError> {
        let path_buf = path.to_owned();
        let written = tokio::task::spawn_blocking(move || self.write(&path_buf, &expected))
            .await
            .map_err(|e| SnapshotError::Io(path.to_owned(), io::Error::other(e)))?
            .map_err(|e| SnapshotError::Io(path.to_owned(), e))?;
        Ok(BuildReport::of(path, written, started, scan))
    }

    /// Groups the events per contact, builds the tables and writes the file.
    pub(super) fn write(
        mut self,
        path: &Path,
        expected: &Expected,
    ) -> io::Result<(SnapshotInfo, u64)> {
        // Contacts whose phone number is on the opposition list (each one, not only the first
        // of a shared number).
        self.opposition_table();
        let opposition = self.opposition.take().expect("built just above");
        let n_opposition = opposition.len() as u64;
        let opposition_keys = opposition_section(&opposition);
        let listed: Vec<u32> = self
            .phone
            .par_iter()
            .filter(|(phone, _)| opposition.contains(phone))
            .map(|(_, contact)| *contact)
            .collect();
        for contact in listed {
            self.records[contact as usize].flags |= ON_OPPOSITION_LIST;
        }
        drop(opposition);
        let n = self.records.len();
        let m = self.events.len();
        if u32::try_from(m).is_err() {
            return Err(io::Error::other(too_large("ledger events").to_string()));
        }
        let n_calls = self.calls.len();
        if u32::try_from(n_calls).is_err() {
            return Err(io::Error::other(too_large("call attempts").to_string()));
        }

        // Events per contact in recording order, calls per contact in time order (the scan
        // gives each contact's calls sorted).
        let (starts, events) = group_by_contact(n, &self.events);
        drop(std::mem::take(&mut self.events));
        let (call_starts, calls) = group_by_contact(n, &self.calls);
        drop(std::mem::take(&mut self.calls));

        let records: Vec<[u8; RECORD_LEN]> = self
            .records
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let mut rec = [0u8; RECORD_LEN];
                rec[0..4].copy_from_slice(&starts[i].to_le_bytes());
                rec[4..8].copy_from_slice(&(starts[i + 1] - starts[i]).to_le_bytes());
                rec[8..12].copy_from_slice(&r.set.to_le_bytes());
                rec[12] = r.audience;
                rec[13] = r.flags;
                rec[14..16].copy_from_slice(&r.zone.to_le_bytes());
                rec[16..24].copy_from_slice(&r.collected_at.to_le_bytes());
                rec[24..28].copy_from_slice(&call_starts[i].to_le_bytes());
                rec[28..32].copy_from_slice(&(call_starts[i + 1] - call_starts[i]).to_le_bytes());
                rec[32..40].copy_from_slice(&self.ids[i].to_le_bytes());
                rec
            })
            .collect();
        drop(starts);
        drop(call_starts);
        let mut contacts = vec![0u8; n * CONTACT_LEN];
        for (c, rec) in contacts.chunks_exact_mut(CONTACT_LEN).zip(&records) {
            c[..RECORD_LEN].copy_from_slice(rec);
        }
        for (bidx, i) in &self.email {
            let c = &mut contacts[*i as usize * CONTACT_LEN..][..CONTACT_LEN];
            c[40..56].copy_from_slice(bidx);
            c[72] |= HAS_EMAIL;
        }
        for (bidx, i) in &self.phone {
            let c = &mut contacts[*i as usize * CONTACT_LEN..][..CONTACT_LEN];
            c[56..72].copy_from_slice(bidx);
            c[72] |= HAS_PHONE;
        }

        let categories = encode_names(self.categories.iter().map(String::as_str));
        let zones = encode_names(self.zones.iter().map(|z| z.name()));
        let mut sets = Vec::new();
        sets.extend_from_slice(&(self.sets.len() as u32).to_le_bytes());
        let mut offset = 0u32;
        sets.extend_from_slice(&offset.to_le_bytes());
        for s in &self.sets {
            offset += s.len() as u32;
            sets.extend_from_slice(&offset.to_le_bytes());
        }
        for s in &self.sets {
            for id in s {
                sets.extend_from_slice(&id.to_le_bytes());
            }
        }

        let (email, phone, suppression) = (
            std::mem::take(&mut self.email),
            std::mem::take(&mut self.phone),
            std::mem::take(&mut self.suppression),
        );
        let record = |contact: u32| records[contact as usize];
        let ((email, phone), suppression) = rayon::join(
            || {
                rayon::join(
                    || KeyTable::build_indexed(email, record),
                    || KeyTable::build_indexed(phone, record),
                )
            },
            || KeyTable::build(suppression),
        );
        drop(records);
        let n_suppression = suppression.len() as u64;

        let info = SnapshotInfo {
            org_id: expected.org_id,
            data_version: expected.data_version,
            built_at: Timestamp::now(),
            contacts: n as u64,
            events: m as u64,
            suppression: n_suppression,
            opposition: n_opposition,
            calls: n_calls as u64,
            last_event_id: self.last_event_id,
            key_check: expected.key_check,
            vocabulary: vocabulary_fingerprint(),
            directory: Vec::new(),
        };
        // The sections only an import's update reads come first: a damaged or cut file end
        // falls in those every screening reads and checks.
        let bodies: [(Section, &[u8], u64); 10] = [
            (Section::Contacts, &contacts, 0),
            (Section::Opposition, &opposition_keys, 0),
            (Section::Events, &events, 0),
            (Section::Categories, &categories, 0),
            (Section::Sets, &sets, 0),
            (Section::EmailTable, email.slot_bytes(), email.range()),
            (Section::PhoneTable, phone.slot_bytes(), phone.range()),
            (
                Section::Suppression,
                suppression.slot_bytes(),
                suppression.range(),
            ),
            (Section::Zones, &zones, 0),
            (Section::Calls, &calls, 0),
        ];
        let bodies = bodies.map(|(kind, body, param)| Body {
            kind,
            bytes: body,
            param,
            checksum: None,
        });
        write_file(path, info, &bodies)
    }
}

/// A section to write: its bytes, its directory parameter, and its checksum when already known
/// (a section copied unchanged from a checked file).
pub(crate) struct Body<'a> {
    pub(super) kind: Section,
    pub(super) bytes: &'a [u8],
    pub(super) param: u64,
    pub(super) checksum: Option<u64>,
}

/// Writes a snapshot file: `info` (its directory filled in here) and the sections in this
/// order, to a temporary file, synced, then renamed over `path`. Returns the header written and
/// the file's size.
pub(super) fn write_file(
    path: &Path,
    info: SnapshotInfo,
    bodies: &[Body<'_>],
) -> io::Result<(SnapshotInfo, u64)> {
    let started = Instant::now();
    let checksums: Vec<u64> = bodies
        .par_iter()
        .map(|b| b.checksum.unwrap_or_else(|| checksum(b.bytes)))
        .collect();
    let mut offset = (HEADER_LEN + DIR_ENTRY_LEN * bodies.len()) as u64;
    let mut directory = Vec::new();
    for (b, checksum) in bodies.iter().zip(checksums) {
        directory.push(DirEntry {
            kind: b.kind as u32,
            offset,
            len: b.bytes.len() as u64,
            param: b.param,
            checksum,
        });
        offset += b.bytes.len() as u64;
    }
    let info = SnapshotInfo { directory, ..info };

    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = temporary_path(path);
    let result = (|| {
        let file = create_private(&tmp)?;
        let mut w = BufWriter::with_capacity(8 << 20, file);
        w.write_all(&encode_header(&info))?;
        for b in bodies {
            w.write_all(b.bytes)?;
        }
        // Not synced before the rename: the file is a cache derived from the store, and every
        // section is checked against its checksum when read, so a file cut short or left
        // unwritten by a crash is found damaged and built again, never used. Syncing cost
        // 0.3–0.6 s per 440 MB file on the bench machine, paid by every import.
        w.flush()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result?;
    tracing::debug!(elapsed = ?started.elapsed(), bytes = offset, "screening snapshot written");
    Ok((info, offset))
}

pub(super) fn temporary_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(format!(".tmp.{}", std::process::id()));
    path.with_file_name(name)
}

/// A new file readable by its owner only: the snapshot holds blind indexes, as the store does.
pub(super) fn create_private(path: &Path) -> io::Result<File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
}
