//! The screening snapshot: a compact, campaign-independent binary image of an organization's
//! base, derived from the store and cached in a file, so that a screening reads one file instead
//! of millions of rows.
//!
//! It holds no identifier in clear: only blind indexes (keyed HMACs, as in the store) and the
//! SHA-256 hashes the suppression list already holds. Contents:
//! - e-mail blind index → contact and phone blind index → contact (hash tables; when contacts
//!   share an identifier, the first one by id — import order — wins). The contact's record is
//!   the table's value: audience, flags (customer, informed, objection offered, contract active,
//!   restricted, phone on the opposition list), the set of product categories bought (interned),
//!   collection time, and its range of ledger events. Stored inline, a lookup costs one cache
//!   miss instead of two (table, then a record array); a contact is thus in both tables, and a
//!   contact with neither identifier, which no list can reach, in none;
//! - the ledger events, grouped per contact (in contact-id order) in recording order;
//! - the call log's attempts, grouped per contact in time order: each the call's time and
//!   whether the person refused further calls, all the counting of art. D223-9 needs (the
//!   count itself is vigie-core's `CallWindow`, by binary search over a contact's calls);
//! - the interned categories and category sets;
//! - the suppression list's SHA-256 hashes.
//!
//! File layout (little-endian): a 128-byte header (magic, format version, organization, data
//! version, a keyed check of the organization's index key, a fingerprint of the vocabularies'
//! order, counts), a directory of sections (kind, offset, length, one parameter), then the
//! sections, each with a checksum. Loading reads the header, then the sections the campaign
//! needs (one identifier table) in parallel, each in one positional read, verifies their
//! checksums and checks every value it will index with.
//!
//! The file is keyed by (organization, data version): [`Store::data_version`] changes with every
//! write, so a snapshot whose version differs from the store's is stale and is rebuilt. It is
//! written to a temporary file, synced, then renamed over the old one.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use rayon::prelude::*;
use sha2::{Digest as _, Sha256};
use vigie_core::{
    Action, Audience, CallCount, CallWindow, ChannelScope, ConsentEvent, Email, Method, Purpose,
    Zone,
};
use vigie_store::{Digest16, OrgCrypto, OrgId, StoreError};

use crate::campaign::Identifier;
use crate::table::{EMPTY, KeyTable};

mod build;
mod patch;
mod update;
use build::{
    Body, Builder, IdIndex, group_by_contact, opposition_section, pack_event, too_large, write_file,
};
pub use build::{BuildReport, build};
pub use update::{ImportChange, Skipped, update_after_import};

/// Version of the file layout; a file of another version is rebuilt. 5: recorded time zones and
/// the call log; 6: the contact's store id in its record; 7: what an import's update needs to
/// read the snapshot back whole (every contact with its identifiers' blind indexes, the
/// opposition list, the last ledger event's id).
pub const FORMAT_VERSION: u32 = 7;
const MAGIC: [u8; 8] = *b"VIGIESNP";
const HEADER_LEN: usize = 128;
const DIR_ENTRY_LEN: usize = 40;

/// A contact record, the value of an identifier table: events start `u32`, events count `u32`,
/// category set `u32`, audience `u8`, flags `u8`, recorded time zone `u16` (0: none; else its
/// position + 1 in the zone table), collection time `i64` (microseconds; `i64::MIN` when
/// unknown), calls start `u32`, calls count `u32`, the contact's store id `i64` (the census
/// names the contacts it decides, for the contacts list filtered by decision). The events start
/// is never `u32::MAX` (the table's free-slot mark).
const RECORD_LEN: usize = 40;
const EVENT_LEN: usize = 12;
/// A call attempt: its time in microseconds shifted left by one, the low bit set for a refusal.
/// Sorted per contact, so the packed values sort as the times do.
const CALL_LEN: usize = 8;
/// A contact of the [`Section::Contacts`] section: its record (`RECORD_LEN` bytes, the
/// opposition flag included), its e-mail and phone blind indexes (16 bytes each, zero when
/// absent), a byte of presence bits (`HAS_EMAIL`, `HAS_PHONE`), padding.
const CONTACT_LEN: usize = 80;
const HAS_EMAIL: u8 = 1;
const HAS_PHONE: u8 = 2;
/// No ledger event in the snapshot.
const NO_EVENT: i64 = i64::MIN;

/// `collected_at` unknown.
const NO_TIME: i64 = i64::MIN;
/// No time zone recorded.
const NO_ZONE: u16 = 0;

/// Contact flags.
pub(crate) const CUSTOMER: u8 = 1;
pub(crate) const INFORMED: u8 = 1 << 1;
pub(crate) const OBJECTION_OFFERED: u8 = 1 << 2;
pub(crate) const CONTRACT_ACTIVE: u8 = 1 << 3;
pub(crate) const RESTRICTED: u8 = 1 << 4;
pub(crate) const ON_OPPOSITION_LIST: u8 = 1 << 5;
const ALL_FLAGS: u8 = (1 << 6) - 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
enum Section {
    /// `EVENT_LEN` bytes per event: time `i64` (microseconds), then the positions of channel,
    /// purpose, action and method in vigie-core's vocabularies, one byte each.
    Events = 1,
    /// `u32` count, then per category a `u32` length and UTF-8 bytes.
    Categories = 2,
    /// `u32` set count, `u32` offsets (count + 1), then `u32` category ids.
    Sets = 3,
    /// `KeyTable` slots (blind index → record); the parameter is its range.
    EmailTable = 4,
    PhoneTable = 5,
    /// `KeyTable` slots (SHA-256 → 4 unused bytes); the parameter is its range.
    Suppression = 6,
    /// The recorded time zones' IANA names, as [`Section::Categories`]: names, not the tz
    /// database's indexes, which depend on the build.
    Zones = 7,
    /// `CALL_LEN` bytes per call attempt, grouped per contact in time order.
    Calls = 8,
    /// `CONTACT_LEN` bytes per contact in id order: what the identifier tables leave out (a
    /// contact with no identifier, or whose identifier an earlier contact shares), so that an
    /// import's update reads the snapshot back whole instead of rescanning the store.
    Contacts = 9,
    /// The opposition list's blind indexes, 16 bytes each, sorted, distinct.
    Opposition = 10,
}

const SECTIONS: [Section; 10] = [
    Section::Events,
    Section::Categories,
    Section::Sets,
    Section::EmailTable,
    Section::PhoneTable,
    Section::Suppression,
    Section::Zones,
    Section::Calls,
    Section::Contacts,
    Section::Opposition,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct DirEntry {
    kind: u32,
    offset: u64,
    len: u64,
    param: u64,
    /// [`checksum`] of the section's bytes.
    checksum: u64,
}

/// What a snapshot file's header says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotInfo {
    pub org_id: OrgId,
    /// The organization's data version the snapshot was built from.
    pub data_version: i64,
    pub built_at: Timestamp,
    pub contacts: u64,
    pub events: u64,
    pub suppression: u64,
    pub opposition: u64,
    /// Call attempts of the call log.
    pub calls: u64,
    /// The id of the last ledger event the snapshot holds (the ledger is append-only: an
    /// import's update reads only the events after it).
    pub last_event_id: Option<i64>,
    key_check: Digest16,
    vocabulary: [u8; 8],
    directory: Vec<DirEntry>,
}

/// Why a snapshot file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("{path}: {source}", path = .0.display(), source = .1)]
    Io(PathBuf, io::Error),
    #[error("{path}: not a usable screening snapshot ({why})", path = .0.display(), why = .1)]
    Corrupt(PathBuf, String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Whether a snapshot matches the store as it is now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    Fresh,
    Missing,
    /// Built from another data version, another key, another format: to rebuild.
    Stale,
}

/// The facts `key_check` and `vocabulary` are checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expected {
    pub org_id: OrgId,
    pub data_version: i64,
    pub key_check: Digest16,
}

impl Expected {
    pub fn new(crypto: &OrgCrypto, data_version: i64) -> Expected {
        Expected {
            org_id: crypto.org_id,
            data_version,
            key_check: key_check(crypto),
        }
    }
}

/// A keyed digest of a fixed probe: tells whether the snapshot's blind indexes were made with
/// this organization's key (a store restored from elsewhere, a key rotation), revealing nothing.
fn key_check(crypto: &OrgCrypto) -> Digest16 {
    let probe = Email::parse("snapshot-key-check@vigie.invalid").expect("a valid address");
    crypto.index.email_index(&probe)
}

/// The events and records store vocabularies by their position in `ALL`: a change of order in
/// vigie-core changes this fingerprint and the snapshot is rebuilt.
fn vocabulary_fingerprint() -> [u8; 8] {
    let mut h = Sha256::new();
    let mut add = |words: &mut dyn Iterator<Item = &'static str>| {
        for w in words {
            h.update(w.as_bytes());
            h.update([0]);
        }
        h.update([1]);
    };
    add(&mut ChannelScope::ALL.iter().map(|v| v.as_str()));
    add(&mut Purpose::ALL.iter().map(|v| v.as_str()));
    add(&mut Action::ALL.iter().map(|v| v.as_str()));
    add(&mut Method::ALL.iter().map(|v| v.as_str()));
    add(&mut Audience::ALL.iter().map(|v| v.as_str()));
    h.finalize()[..8].try_into().expect("8 bytes")
}

fn position<T: PartialEq>(all: &[T], v: T) -> u8 {
    all.iter()
        .position(|x| *x == v)
        .expect("a value of the vocabulary") as u8
}

fn le_u16(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes(b[at..at + 2].try_into().expect("2 bytes"))
}

fn le_u32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes"))
}

fn le_u64(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

fn le_i64(b: &[u8], at: usize) -> i64 {
    i64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

fn encode_header(info: &SnapshotInfo) -> Vec<u8> {
    let mut h = vec![0u8; HEADER_LEN];
    h[0..8].copy_from_slice(&MAGIC);
    h[8..12].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
    h[12..16].copy_from_slice(&(info.directory.len() as u32).to_le_bytes());
    h[16..24].copy_from_slice(&info.org_id.to_le_bytes());
    h[24..32].copy_from_slice(&info.data_version.to_le_bytes());
    h[32..48].copy_from_slice(&info.key_check);
    h[48..56].copy_from_slice(&info.vocabulary);
    h[56..64].copy_from_slice(&info.built_at.as_microsecond().to_le_bytes());
    h[64..72].copy_from_slice(&info.contacts.to_le_bytes());
    h[72..80].copy_from_slice(&info.events.to_le_bytes());
    h[80..88].copy_from_slice(&info.suppression.to_le_bytes());
    h[88..96].copy_from_slice(&info.opposition.to_le_bytes());
    h[96..104].copy_from_slice(&info.calls.to_le_bytes());
    h[104..112].copy_from_slice(&info.last_event_id.unwrap_or(NO_EVENT).to_le_bytes());
    for e in &info.directory {
        h.extend_from_slice(&e.kind.to_le_bytes());
        h.extend_from_slice(&0u32.to_le_bytes());
        h.extend_from_slice(&e.offset.to_le_bytes());
        h.extend_from_slice(&e.len.to_le_bytes());
        h.extend_from_slice(&e.param.to_le_bytes());
        h.extend_from_slice(&e.checksum.to_le_bytes());
    }
    h
}

// --- reading ----------------------------------------------------------------------------------

/// Reads a snapshot's header. `Ok(None)`: no file.
pub fn read_info(path: &Path) -> Result<Option<SnapshotInfo>, SnapshotError> {
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(SnapshotError::Io(path.to_owned(), e)),
    };
    read_header(&mut file, path).map(Some)
}

fn read_header(file: &mut File, path: &Path) -> Result<SnapshotInfo, SnapshotError> {
    let corrupt = |why: &str| SnapshotError::Corrupt(path.to_owned(), why.to_owned());
    let io_err = |e: io::Error| SnapshotError::Io(path.to_owned(), e);
    let size = file.metadata().map_err(io_err)?.len();
    let mut h = [0u8; HEADER_LEN];
    file.read_exact(&mut h)
        .map_err(|_| corrupt("shorter than its header"))?;
    if h[0..8] != MAGIC {
        return Err(corrupt("no snapshot magic"));
    }
    let format = le_u32(&h, 8);
    if format != FORMAT_VERSION {
        return Err(corrupt(&format!(
            "format {format}, this build reads {FORMAT_VERSION}"
        )));
    }
    let n_sections = le_u32(&h, 12) as usize;
    if n_sections > 64 {
        return Err(corrupt("too many sections"));
    }
    let mut dir = vec![0u8; n_sections * DIR_ENTRY_LEN];
    file.read_exact(&mut dir)
        .map_err(|_| corrupt("truncated directory"))?;
    let directory: Vec<DirEntry> = dir
        .chunks_exact(DIR_ENTRY_LEN)
        .map(|e| DirEntry {
            kind: le_u32(e, 0),
            offset: le_u64(e, 8),
            len: le_u64(e, 16),
            param: le_u64(e, 24),
            checksum: le_u64(e, 32),
        })
        .collect();
    for kind in SECTIONS {
        let e = directory
            .iter()
            .find(|e| e.kind == kind as u32)
            .ok_or_else(|| corrupt(&format!("no {kind:?} section")))?;
        if e.offset.checked_add(e.len).is_none_or(|end| end > size) {
            return Err(corrupt(&format!(
                "{kind:?} section beyond the end of the file"
            )));
        }
    }
    Ok(SnapshotInfo {
        org_id: le_i64(&h, 16),
        data_version: le_i64(&h, 24),
        key_check: h[32..48].try_into().expect("16 bytes"),
        vocabulary: h[48..56].try_into().expect("8 bytes"),
        built_at: Timestamp::from_microsecond(le_i64(&h, 56)).unwrap_or(Timestamp::UNIX_EPOCH),
        contacts: le_u64(&h, 64),
        events: le_u64(&h, 72),
        suppression: le_u64(&h, 80),
        opposition: le_u64(&h, 88),
        calls: le_u64(&h, 96),
        last_event_id: match le_i64(&h, 104) {
            NO_EVENT => None,
            id => Some(id),
        },
        directory,
    })
}

impl SnapshotInfo {
    /// Whether this snapshot describes the base as `expected` says it is now.
    pub fn freshness(&self, expected: &Expected) -> Freshness {
        if self.org_id == expected.org_id
            && self.data_version == expected.data_version
            && self.key_check == expected.key_check
            && self.vocabulary == vocabulary_fingerprint()
        {
            Freshness::Fresh
        } else {
            Freshness::Stale
        }
    }

    fn section(&self, kind: Section) -> DirEntry {
        *self
            .directory
            .iter()
            .find(|e| e.kind == kind as u32)
            .expect("read_header checked every section is present")
    }
}

/// One contact's record.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Record {
    pub collected_at: Option<Timestamp>,
    /// The zone recorded for the contact, if any.
    pub time_zone: Option<Zone>,
    pub events_start: u32,
    pub events_len: u32,
    pub set: u32,
    pub audience: Audience,
    pub flags: u8,
    pub calls_start: u32,
    pub calls_len: u32,
    /// The contact's id in the store.
    pub contact_id: i64,
}

/// A snapshot loaded for screening on one identifier.
pub struct Snapshot {
    info: SnapshotInfo,
    identifier: Identifier,
    events: Vec<u8>,
    calls: Vec<u8>,
    categories: Vec<String>,
    set_offsets: Vec<u32>,
    set_members: Vec<u32>,
    /// The zone table: a record's zone number `n` is `zones[n - 1]`.
    zones: Vec<Zone>,
    contacts: KeyTable<16, RECORD_LEN>,
    suppression: KeyTable<32, 4>,
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("info", &self.info)
            .field("identifier", &self.identifier)
            .finish_non_exhaustive()
    }
}

/// A fast checksum of a section's bytes: not cryptographic (whoever can write the cache can
/// write the store), it catches a damaged or truncated file, which the header alone would not.
/// Four independent multiply-xor lanes: several GB/s.
fn checksum(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut lanes: [u64; 4] = [
        0x243F_6A88_85A3_08D3,
        0x1319_8A2E_0370_7344,
        0xA409_3822_299F_31D0,
        0x082E_FA98_EC4E_6C89,
    ];
    let mut words = bytes.chunks_exact(32);
    for block in &mut words {
        for (i, lane) in lanes.iter_mut().enumerate() {
            let w = u64::from_le_bytes(block[i * 8..i * 8 + 8].try_into().expect("8 bytes"));
            *lane = (*lane ^ w).wrapping_mul(K).rotate_left(31);
        }
    }
    let mut h = bytes.len() as u64;
    for lane in lanes {
        h = (h ^ lane).wrapping_mul(K).rotate_left(27);
    }
    for b in words.remainder() {
        h = (h ^ u64::from(*b)).wrapping_mul(K);
    }
    h ^ (h >> 29)
}

/// A contact's events in the events section: start and count.
type EventRange = (u32, u32);

/// A snapshot file read whole as bytes, for an import's update: its header and every section
/// in file order, each checked against its checksum.
struct Sections {
    info: SnapshotInfo,
    bodies: Vec<(Section, Vec<u8>)>,
}

impl Sections {
    fn read(path: &Path, expected: &Expected) -> Result<Sections, SnapshotError> {
        let mut file = File::open(path).map_err(|e| SnapshotError::Io(path.to_owned(), e))?;
        let info = read_header(&mut file, path)?;
        if info.freshness(expected) != Freshness::Fresh {
            return Err(SnapshotError::Corrupt(
                path.to_owned(),
                "changed while being read back".into(),
            ));
        }
        // Every section once, in file order (as a build writes it).
        let kinds: Vec<Section> = info
            .directory
            .iter()
            .map(|e| SECTIONS.iter().copied().find(|k| *k as u32 == e.kind))
            .collect::<Option<_>>()
            .filter(|kinds: &Vec<Section>| kinds.len() == SECTIONS.len())
            .ok_or_else(|| {
                SnapshotError::Corrupt(path.to_owned(), "an unknown or repeated section".into())
            })?;
        let bodies = read_sections(&file, path, &info, &kinds)?;
        Ok(Sections {
            info,
            bodies: kinds.into_iter().zip(bodies).collect(),
        })
    }

    fn body(&self, kind: Section) -> &[u8] {
        &self
            .bodies
            .iter()
            .find(|(k, _)| *k == kind)
            .expect("read_header checked every section is present")
            .1
    }

    fn body_mut(&mut self, kind: Section) -> &mut Vec<u8> {
        &mut self
            .bodies
            .iter_mut()
            .find(|(k, _)| *k == kind)
            .expect("read_header checked every section is present")
            .1
    }

    /// The contacts' store ids, in order, and each contact's events range, checked: ids
    /// increasing, ranges back to back and ending at the header's event count.
    fn contacts(&self, path: &Path) -> Result<(Vec<i64>, Vec<EventRange>), SnapshotError> {
        let corrupt = |why: &str| SnapshotError::Corrupt(path.to_owned(), why.to_owned());
        let contacts = self.body(Section::Contacts);
        let n = usize::try_from(self.info.contacts).map_err(|_| corrupt("contact count"))?;
        if contacts.len() != n.saturating_mul(CONTACT_LEN) {
            return Err(corrupt("a section of the wrong size"));
        }
        let mut ids = Vec::with_capacity(n);
        let mut ranges = Vec::with_capacity(n);
        let mut next_event = 0u32;
        for c in contacts.chunks_exact(CONTACT_LEN) {
            let (start, len, id) = (le_u32(c, 0), le_u32(c, 4), le_i64(c, 32));
            if start != next_event || ids.last().is_some_and(|last| *last >= id) {
                return Err(corrupt("a contact is out of range or out of order"));
            }
            next_event = start
                .checked_add(len)
                .ok_or_else(|| corrupt("event range"))?;
            ids.push(id);
            ranges.push((start, len));
        }
        if u64::from(next_event) != self.info.events
            || self.body(Section::Events).len() as u64
                != self.info.events.saturating_mul(EVENT_LEN as u64)
        {
            return Err(corrupt("events that belong to no contact"));
        }
        Ok((ids, ranges))
    }
}

/// Reads sections of `file` in parallel, each checked against its checksum; a damaged or short
/// section is [`SnapshotError::Corrupt`].
fn read_sections(
    file: &File,
    path: &Path,
    info: &SnapshotInfo,
    kinds: &[Section],
) -> Result<Vec<Vec<u8>>, SnapshotError> {
    kinds
        .par_iter()
        .map(|kind| read_section(file, info.section(*kind)))
        .collect::<io::Result<Vec<_>>>()
        .map_err(|e| match e.kind() {
            io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof => {
                SnapshotError::Corrupt(path.to_owned(), e.to_string())
            }
            _ => SnapshotError::Io(path.to_owned(), e),
        })
}

/// Reads a section with a positional read: sections are read in parallel from one open file
/// (opened once, so that a snapshot renamed over this one meanwhile is never mixed in).
fn read_section(file: &File, e: DirEntry) -> io::Result<Vec<u8>> {
    let len = usize::try_from(e.len).map_err(io::Error::other)?;
    // Zeroed by the allocator without a pass over the pages (fresh mappings are zero). Huge
    // pages (MADV_HUGEPAGE) were tried: a little less CPU per row from fewer TLB misses, but the
    // first run on fresh memory paid more for zeroing them than it saved.
    let mut buf = vec![0u8; len];
    read_exact_at(file, &mut buf, e.offset)?;
    if checksum(&buf) != e.checksum {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "a section does not match its checksum",
        ));
    }
    Ok(buf)
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(not(unix))]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    use std::io::{Seek, SeekFrom};
    let mut f = file.try_clone()?;
    f.seek(SeekFrom::Start(offset))?;
    f.read_exact(buf)
}

impl Snapshot {
    /// Loads the snapshot at `path` for screening on `identifier`, checking it against
    /// `expected` and checking every value that indexes something.
    pub fn load(
        path: &Path,
        identifier: Identifier,
        expected: &Expected,
    ) -> Result<Snapshot, SnapshotError> {
        let corrupt = |why: String| SnapshotError::Corrupt(path.to_owned(), why);
        let io_err = |e: io::Error| SnapshotError::Io(path.to_owned(), e);
        let mut file = File::open(path).map_err(io_err)?;
        let info = read_header(&mut file, path)?;
        if info.freshness(expected) != Freshness::Fresh {
            return Err(corrupt(format!(
                "built for organization {} at data version {}, the store is at {} (or another key)",
                info.org_id, info.data_version, expected.data_version
            )));
        }
        let table_section = match identifier {
            Identifier::Email => Section::EmailTable,
            Identifier::Phone => Section::PhoneTable,
        };
        let kinds = [
            table_section,
            Section::Events,
            Section::Suppression,
            Section::Categories,
            Section::Sets,
            Section::Zones,
            Section::Calls,
        ];
        let mut bodies = read_sections(&file, path, &info, &kinds)?.into_iter();
        let mut next = || bodies.next().expect("one body per section");
        let (table, events, suppression, categories, sets, zones, calls) =
            (next(), next(), next(), next(), next(), next(), next());

        let m = usize::try_from(info.events).map_err(|e| corrupt(e.to_string()))?;
        if events.len() != m.saturating_mul(EVENT_LEN) {
            return Err(corrupt("event section of the wrong size".into()));
        }
        let n_calls = usize::try_from(info.calls).map_err(|e| corrupt(e.to_string()))?;
        if calls.len() != n_calls.saturating_mul(CALL_LEN) {
            return Err(corrupt("call section of the wrong size".into()));
        }
        let categories =
            decode_names(&categories).ok_or_else(|| corrupt("bad category table".into()))?;
        let zones = decode_names(&zones)
            .ok_or_else(|| corrupt("bad zone table".into()))?
            .iter()
            .map(|name| Zone::parse(name))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| corrupt(format!("zone table: {e}")))?;
        let (set_offsets, set_members) = decode_sets(&sets, categories.len())
            .ok_or_else(|| corrupt("bad category sets".into()))?;
        let contacts = KeyTable::from_parts(info.section(table_section).param, table)
            .ok_or_else(|| corrupt("bad identifier table".into()))?;
        let suppression =
            KeyTable::from_parts(info.section(Section::Suppression).param, suppression)
                .ok_or_else(|| corrupt("bad suppression table".into()))?;
        let snapshot = Snapshot {
            info,
            identifier,
            events,
            calls,
            categories,
            set_offsets,
            set_members,
            zones,
            contacts,
            suppression,
        };
        snapshot.check().map_err(corrupt)?;
        Ok(snapshot)
    }

    /// Every value the screening indexes with is in range: a damaged file is refused here,
    /// never half-used.
    fn check(&self) -> Result<(), String> {
        let m = self.info.events;
        let sets = (self.set_offsets.len() - 1) as u32;
        let zones = self.zones.len();
        let slots = self.contacts.slot_bytes();
        let slot = KeyTable::<16, RECORD_LEN>::SLOT;
        slots.par_chunks(slot * 4096).try_for_each(|chunk| {
            for r in chunk.chunks_exact(slot).map(|s| &s[16..]) {
                if le_u32(r, 0) == EMPTY {
                    continue;
                }
                let (start, len) = (u64::from(le_u32(r, 0)), u64::from(le_u32(r, 4)));
                let at = le_i64(r, 16);
                let (calls_start, calls_len) = (u64::from(le_u32(r, 24)), u64::from(le_u32(r, 28)));
                if start + len > m
                    || calls_start + calls_len > self.info.calls
                    || le_u32(r, 8) >= sets
                    || usize::from(r[12]) >= Audience::ALL.len()
                    || r[13] & !ALL_FLAGS != 0
                    || usize::from(le_u16(r, 14)) > zones
                    || (at != NO_TIME && Timestamp::from_microsecond(at).is_err())
                {
                    return Err("a contact record is out of range".to_owned());
                }
            }
            Ok(())
        })?;
        self.events
            .par_chunks(EVENT_LEN * 8192)
            .try_for_each(|chunk| {
                for e in chunk.chunks_exact(EVENT_LEN) {
                    if Timestamp::from_microsecond(le_i64(e, 0)).is_err()
                        || usize::from(e[8]) >= ChannelScope::ALL.len()
                        || usize::from(e[9]) >= Purpose::ALL.len()
                        || usize::from(e[10]) >= Action::ALL.len()
                        || usize::from(e[11]) >= Method::ALL.len()
                    {
                        return Err("a ledger event is out of range".to_owned());
                    }
                }
                Ok(())
            })?;
        self.calls
            .par_chunks(CALL_LEN * 8192)
            .try_for_each(|chunk| {
                for c in chunk.chunks_exact(CALL_LEN) {
                    if Timestamp::from_microsecond(le_i64(c, 0) >> 1).is_err() {
                        return Err("a call attempt is out of range".to_owned());
                    }
                }
                Ok(())
            })
    }

    pub fn info(&self) -> &SnapshotInfo {
        &self.info
    }

    pub fn identifier(&self) -> Identifier {
        self.identifier
    }

    /// The record of the contact with this blind index (of the snapshot's identifier kind).
    #[inline]
    pub(crate) fn contact(&self, blind_index: &Digest16) -> Option<Record> {
        self.contacts.get(blind_index).map(|r| self.record(r))
    }

    /// Every contact record of the snapshot's identifier table (one per identifier), in no
    /// particular order, in parallel blocks.
    pub(crate) fn par_records(&self) -> impl ParallelIterator<Item = Vec<Record>> + '_ {
        let slot = KeyTable::<16, RECORD_LEN>::SLOT;
        self.contacts
            .slot_bytes()
            .par_chunks(slot * 4096)
            .map(move |chunk| {
                chunk
                    .chunks_exact(slot)
                    .map(|s| <&[u8; RECORD_LEN]>::try_from(&s[16..]).expect("a record"))
                    .filter(|r| le_u32(*r, 0) != EMPTY)
                    .map(|r| self.record(r))
                    .collect()
            })
    }

    /// The number of contacts with the snapshot's identifier.
    pub fn contacts_with_identifier(&self) -> u64 {
        self.contacts.len() as u64
    }

    /// Every ledger event of the snapshot, counted by action into the week it falls in: week
    /// `i` is `[from + 7i days, from + 7(i+1) days)`, `weeks` of them; events outside are left
    /// out. Each event is counted once, whichever identifier the snapshot was loaded for.
    pub fn events_per_week(&self, from: Timestamp, weeks: usize) -> Vec<[u64; Action::ALL.len()]> {
        const WEEK: i64 = 7 * 24 * 3600 * 1_000_000;
        let start = from.as_microsecond();
        let mut out = vec![[0u64; Action::ALL.len()]; weeks];
        for e in self.events.chunks_exact(EVENT_LEN) {
            let at = le_i64(e, 0);
            if at < start {
                continue;
            }
            let week = usize::try_from((at - start) / WEEK).unwrap_or(usize::MAX);
            if let Some(counts) = out.get_mut(week) {
                counts[usize::from(e[10])] += 1;
            }
        }
        out
    }

    fn record(&self, r: &[u8; RECORD_LEN]) -> Record {
        Record {
            events_start: le_u32(r, 0),
            events_len: le_u32(r, 4),
            set: le_u32(r, 8),
            audience: Audience::ALL[usize::from(r[12])],
            flags: r[13],
            time_zone: match le_u16(r, 14) {
                NO_ZONE => None,
                n => Some(self.zones[usize::from(n) - 1]),
            },
            calls_start: le_u32(r, 24),
            calls_len: le_u32(r, 28),
            contact_id: le_i64(r, 32),
            collected_at: match le_i64(r, 16) {
                NO_TIME => None,
                at => Some(Timestamp::from_microsecond(at).unwrap_or(Timestamp::MIN)),
            },
        }
    }

    #[inline]
    pub(crate) fn prefetch_contact(&self, blind_index: &Digest16) {
        self.contacts.prefetch(blind_index);
    }

    /// Whether this SHA-256 of a normalized identifier is on the suppression list.
    #[inline]
    pub(crate) fn suppressed(&self, sha256: &[u8; 32]) -> bool {
        self.suppression.contains(sha256)
    }

    #[inline]
    pub(crate) fn prefetch_suppressed(&self, sha256: &[u8; 32]) {
        self.suppression.prefetch(sha256);
    }

    /// The contact's call attempts counted over `window` by vigie-core's rule, on its calls
    /// sorted by time.
    pub(crate) fn call_count(&self, record: &Record, window: CallWindow) -> CallCount {
        let start = record.calls_start as usize * CALL_LEN;
        let calls = &self.calls[start..start + record.calls_len as usize * CALL_LEN];
        window.count_sorted(
            calls.len() / CALL_LEN,
            // `check` verified every time is in range when the snapshot was loaded.
            |i| {
                Timestamp::from_microsecond(le_i64(calls, i * CALL_LEN) >> 1)
                    .unwrap_or(Timestamp::MIN)
            },
            |i| calls[i * CALL_LEN] & 1 == 1,
        )
    }

    fn event_bytes(&self, record: &Record) -> &[u8] {
        let start = record.events_start as usize * EVENT_LEN;
        &self.events[start..start + record.events_len as usize * EVENT_LEN]
    }

    #[inline]
    pub(crate) fn prefetch_events(&self, record: &Record) {
        crate::table::prefetch(self.event_bytes(record));
    }

    /// Decodes a contact's ledger into `out` (cleared first), in recording order.
    #[inline]
    pub(crate) fn events_into(&self, record: &Record, out: &mut Vec<ConsentEvent>) {
        out.clear();
        for e in self.event_bytes(record).chunks_exact(EVENT_LEN) {
            out.push(ConsentEvent {
                at: Timestamp::from_microsecond(le_i64(e, 0)).unwrap_or(Timestamp::MIN),
                scope: ChannelScope::ALL[usize::from(e[8])],
                purpose: Purpose::ALL[usize::from(e[9])],
                action: Action::ALL[usize::from(e[10])],
                method: Method::ALL[usize::from(e[11])],
            });
        }
    }

    /// The number of category sets.
    /// Every zone recorded for a contact of the snapshot.
    pub(crate) fn recorded_zones(&self) -> &[Zone] {
        &self.zones
    }

    pub(crate) fn category_sets(&self) -> usize {
        self.set_offsets.len() - 1
    }

    /// Whether the set `set` holds the category named `category`.
    pub(crate) fn set_contains(&self, set: u32, category: &str) -> bool {
        let (a, b) = (
            self.set_offsets[set as usize],
            self.set_offsets[set as usize + 1],
        );
        self.set_members[a as usize..b as usize]
            .iter()
            .any(|id| self.categories[*id as usize] == category)
    }
}

/// A table of names: `u32` count, then per name a `u32` length and UTF-8 bytes.
fn encode_names<'n>(names: impl ExactSizeIterator<Item = &'n str>) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&(names.len() as u32).to_le_bytes());
    for name in names {
        out.extend_from_slice(&(name.len() as u32).to_le_bytes());
        out.extend_from_slice(name.as_bytes());
    }
    out
}

/// Reads what [`encode_names`] wrote.
fn decode_names(b: &[u8]) -> Option<Vec<String>> {
    let count = le_u32(b.get(..4)?, 0) as usize;
    let mut at = 4;
    let mut out = Vec::with_capacity(count.min(1 << 16));
    for _ in 0..count {
        let len = le_u32(b.get(at..at + 4)?, 0) as usize;
        at += 4;
        out.push(String::from_utf8(b.get(at..at.checked_add(len)?)?.to_vec()).ok()?);
        at += len;
    }
    (at == b.len()).then_some(out)
}

fn decode_sets(b: &[u8], categories: usize) -> Option<(Vec<u32>, Vec<u32>)> {
    let count = le_u32(b.get(..4)?, 0) as usize;
    let words: Vec<u32> = b.get(4..)?.chunks_exact(4).map(|w| le_u32(w, 0)).collect();
    if !b.len().is_multiple_of(4) || words.len() < count + 1 {
        return None;
    }
    let (offsets, members) = words.split_at(count + 1);
    let ok = offsets.windows(2).all(|w| w[0] <= w[1])
        && offsets.first() == Some(&0)
        && offsets.last().map(|l| *l as usize) == Some(members.len())
        && members.iter().all(|m| (*m as usize) < categories);
    ok.then(|| (offsets.to_vec(), members.to_vec()))
}
