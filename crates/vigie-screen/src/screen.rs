//! Screening a targets file against a loaded [`Snapshot`]: one decision per data row, in input
//! order, streamed block by block so that memory does not grow with the list.
//!
//! Per row: the identifier is parsed by vigie-core ([`Email::parse`], [`PhoneE164::parse`]);
//! unusable → INVALID_IDENTIFIER; its SHA-256 on the suppression list → SUPPRESSED (before the
//! contact is looked up, as the reference screening does); its blind index matching no contact
//! → UNKNOWN_CONTACT; otherwise the engine decides ([`DecisionContext::decide`]) on a
//! [`ContactView`] over the snapshot's record. No rule is written here.
//!
//! Reading (`csv_blocks.rs`): blocks of a few MiB, cut after the last complete record. A block
//! without `"` is split by hand (lines on `\n`, `\r` or `\r\n`, fields on `,`); a block with quotes
//! is cut on record boundaries that respect quoting and read by the `csv` crate. Blank lines are
//! skipped, as Python's `csv.DictReader` does, so row numbers match it. The rows of a block are
//! decided in parallel (rayon), the output written in order, and both files hashed (SHA-256) on the
//! way, the hashing and writing of one block overlapping the decisions of the next.

use std::io::{Read, Write};

use jiff::Timestamp;
use rayon::prelude::*;
use sha2::{Digest as _, Sha256};
use vigie_core::{
    Audience, CallCount, CallWindows, Channel, Code, ConsentEvent, ContactView, DecisionContext,
    Email, PhoneE164, Region, RulePack, Zone, suppression_hash,
};
use vigie_store::OrgCrypto;
use vigie_store::vault::IndexKey;

use crate::campaign::{CampaignSpec, Identifier};
use crate::csv_blocks::{
    count_line_ends, field, header, last_record_end, lines, pieces, quoted_fields,
};
use crate::snapshot::{
    CONTRACT_ACTIVE, CUSTOMER, INFORMED, OBJECTION_OFFERED, ON_OPPOSITION_LIST, RESTRICTED, Record,
    Snapshot,
};

/// Bytes read per block (grown if one record is longer).
const BLOCK: usize = 4 << 20;
/// The header line of the output.
pub const OUTPUT_HEADER: &[u8] = b"row,decision,code\n";

/// Why a screening stopped.
#[derive(Debug, thiserror::Error)]
pub enum TargetsError {
    #[error("the targets file is empty: expected a header line with an {0:?} column")]
    Empty(&'static str),
    #[error(
        "the targets file has no {column:?} column (its header: {header}); a {channel} campaign reads it"
    )]
    MissingColumn {
        column: &'static str,
        header: String,
        channel: String,
    },
    #[error("the targets file's header cannot be read: {0}")]
    Header(String),
    #[error(
        "line {line} of the targets file: a quoted field opened on this line is not closed on it \
         (unbalanced \"); the list was not screened"
    )]
    UnclosedQuote { line: u64 },
    #[error("reading the targets: {0}")]
    Read(std::io::Error),
    #[error("writing the decisions: {0}")]
    Write(std::io::Error),
    #[error("the snapshot was loaded for {loaded:?} identifiers, the campaign reads {wanted:?}")]
    WrongSnapshot {
        loaded: Identifier,
        wanted: Identifier,
    },
}

/// Rows per decision code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts([u64; Code::ALL.len()]);

impl Default for Counts {
    fn default() -> Self {
        Counts([0; Code::ALL.len()])
    }
}

impl Counts {
    pub fn get(&self, code: Code) -> u64 {
        self.0[code as usize]
    }

    /// Every code with at least one row, in the order of [`Code::ALL`].
    pub fn iter(&self) -> impl Iterator<Item = (Code, u64)> + '_ {
        Code::ALL
            .iter()
            .map(|c| (*c, self.0[*c as usize]))
            .filter(|(_, n)| *n > 0)
    }

    pub fn allowed(&self) -> u64 {
        self.iter()
            .filter(|(c, _)| c.is_allow())
            .map(|(_, n)| n)
            .sum()
    }

    pub fn denied(&self) -> u64 {
        self.iter()
            .filter(|(c, _)| !c.is_allow())
            .map(|(_, n)| n)
            .sum()
    }

    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }

    /// As recorded with a run: code → rows, codes with rows only.
    pub fn to_map(&self) -> std::collections::BTreeMap<String, u64> {
        self.iter()
            .map(|(c, n)| (c.as_str().to_owned(), n))
            .collect()
    }

    fn add(&mut self, other: &Counts) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a += b;
        }
    }
}

/// One contact's decision in a [`Screener::census`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContactDecision {
    /// The contact's id in the store.
    pub contact_id: i64,
    pub code: Code,
    pub audience: Audience,
}

/// What screening a contact's own identifier finds before the engine decides.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IdentifierFacts {
    /// The identifier is on the suppression list.
    pub suppressed: bool,
    /// The zone a phone number implies.
    pub zone: Option<Zone>,
}

/// What a campaign would do to the whole base: the counts by code, and every contact decided,
/// in contact id order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Census {
    pub counts: Counts,
    pub decided: Vec<ContactDecision>,
}

/// Where a screening is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Bytes of the targets read.
    pub bytes: u64,
    /// Data rows decided.
    pub rows: u64,
}

/// What a screening did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreenSummary {
    /// Data rows (one decision each).
    pub rows: u64,
    pub counts: Counts,
    pub input_sha256: [u8; 32],
    pub output_sha256: [u8; 32],
    pub input_bytes: u64,
    pub output_bytes: u64,
}

/// A campaign ready to screen rows against a snapshot.
pub struct Screener<'a> {
    snapshot: &'a Snapshot,
    index: &'a IndexKey,
    ctx: DecisionContext<'a>,
    identifier: Identifier,
    region: Region,
    channel_label: String,
    /// The campaign's product category, and per category set whether it holds it.
    category: Option<&'a str>,
    sets_with_category: Vec<bool>,
    /// The opposition list is about phone numbers: it applies to channels that use them.
    opposition_applies: bool,
    /// Where calls are limited (the phone channel): the 30 days in which attempts count, on each
    /// consumer's own calendar.
    call_windows: Option<CallWindows>,
    /// Calling hours are the consumer's own (D223-9): for calls, the zone of each number.
    zones_apply: bool,
}

impl<'a> Screener<'a> {
    /// `region` reads phone numbers written without a country code (usually
    /// [`CampaignSpec::default_region`]).
    pub fn new(
        snapshot: &'a Snapshot,
        crypto: &'a OrgCrypto,
        spec: &'a CampaignSpec,
        region: Region,
    ) -> Result<Screener<'a>, TargetsError> {
        if snapshot.identifier() != spec.identifier {
            return Err(TargetsError::WrongSnapshot {
                loaded: snapshot.identifier(),
                wanted: spec.identifier,
            });
        }
        let category = spec.campaign.product_category.as_deref();
        let sets_with_category = (0..snapshot.category_sets() as u32)
            .map(|s| category.is_some_and(|c| snapshot.set_contains(s, c)))
            .collect();
        // Every zone a number can imply or a contact records, resolved once for the run.
        let zones = || Zone::phone_zones().chain(snapshot.recorded_zones().iter().copied());
        let ctx = spec.context().with_zones(zones());
        let call_windows = (spec.channel == Channel::Phone)
            .then(|| CallWindows::new(ctx.at().instant(), ctx.jurisdiction().time_zone(), zones()));
        Ok(Screener {
            snapshot,
            index: &crypto.index,
            ctx,
            call_windows,
            zones_apply: spec.channel == Channel::Phone,
            identifier: spec.identifier,
            region,
            channel_label: spec.channel.to_string(),
            category,
            sets_with_category,
            opposition_applies: spec.channel.uses_phone_number(),
        })
    }

    /// The rule pack the campaign is decided by (its id is recorded as proof).
    pub fn rule_pack(&self) -> &'static RulePack {
        self.ctx.rule_pack()
    }

    /// Decides one identifier as typed in the targets file.
    pub fn decide(&self, raw: &[u8]) -> Code {
        let mut rows = Rows::new(self);
        rows.push(&[Some(raw)]);
        let codes = rows.finish();
        Code::ALL[usize::from(codes[0])]
    }

    /// The engine's decision on a contact's record (`zone`: the one the screened number
    /// implies); `events` is a buffer for its ledger.
    fn decide_record(
        &self,
        record: Record,
        zone: Option<Zone>,
        events: &mut Vec<ConsentEvent>,
    ) -> Code {
        self.snapshot.events_into(&record, events);
        let view = View {
            record,
            zone,
            events,
            calls: self
                .call_windows
                .as_ref()
                .map(|w| {
                    // The consumer's own calendar: the recorded zone, else the number's.
                    let own = record.time_zone.or(zone);
                    self.snapshot.call_count(&record, w.of(own))
                })
                .unwrap_or_default(),
            bought_category: self.sets_with_category[record.set as usize],
            screener: self,
        };
        self.ctx.decide(&view).code
    }

    /// The campaign's decision on every contact of the base that has the channel's identifier:
    /// what the campaign would reach if it were sent to the whole base, counted by code, and
    /// each contact's decision (by contact id, for the contacts list filtered by decision).
    /// `facts` says, per contact id, what screening the contact's own identifier finds before
    /// the engine: the suppression list, and the zone a number implies (the snapshot keeps the
    /// list's hashes and blind indexes, not the identifiers: see
    /// `vigie_store::Store::identifier_facts`); a contact's recorded zone comes from the
    /// snapshot. A contact whose identifier an earlier contact shares is not in the
    /// identifier's table: screening that identifier decides on the earlier contact, and so
    /// does the census.
    pub fn census(&self, facts: impl Fn(i64) -> IdentifierFacts + Sync) -> Census {
        let (counts, mut decided) = self
            .snapshot
            .par_records()
            .map(|chunk| {
                let mut counts = Counts::default();
                let mut decided = Vec::with_capacity(chunk.len());
                let mut events = Vec::new();
                for record in chunk {
                    let found = facts(record.contact_id);
                    // In the order screening follows: the suppression list, then the engine.
                    let code = if found.suppressed {
                        Code::Suppressed
                    } else {
                        let zone = if self.zones_apply { found.zone } else { None };
                        self.decide_record(record, zone, &mut events)
                    };
                    counts.0[code as usize] += 1;
                    decided.push(ContactDecision {
                        contact_id: record.contact_id,
                        code,
                        audience: record.audience,
                    });
                }
                (counts, decided)
            })
            .reduce(
                || (Counts::default(), Vec::new()),
                |(mut a, mut da), (b, mut db)| {
                    a.add(&b);
                    if da.len() < db.len() {
                        std::mem::swap(&mut da, &mut db);
                    }
                    da.append(&mut db);
                    (a, da)
                },
            );
        decided.par_sort_unstable_by_key(|d| d.contact_id);
        Census { counts, decided }
    }

    /// A code of this campaign told in words (as the engine explains it, for no contact in
    /// particular).
    pub fn explain(&self, code: Code, lang: vigie_core::Lang) -> String {
        let outcome = vigie_core::Outcome {
            code,
            audience: None,
            zone: None,
        };
        self.ctx.explain(outcome, lang).sentence
    }

    /// Parses an identifier and computes what the lookups need.
    #[inline]
    fn identify(&self, raw: Option<&[u8]>) -> Stage {
        let Some(text) = raw.and_then(|r| std::str::from_utf8(r).ok()) else {
            return Stage::Decided(Code::InvalidIdentifier);
        };
        match self.identifier {
            Identifier::Email => match Email::parse(text) {
                Ok(email) => Stage::Identified {
                    sha256: suppression_hash(email.as_str()),
                    blind_index: self.index.email_index(&email),
                    zone: None,
                },
                Err(_) => Stage::Decided(Code::InvalidIdentifier),
            },
            Identifier::Phone => match PhoneE164::parse(text, self.region) {
                Ok(phone) => Stage::Identified {
                    sha256: suppression_hash(phone.as_str()),
                    blind_index: self.index.phone_index(&phone),
                    // The number screened is the contact's (found by its blind index).
                    zone: if self.zones_apply {
                        Zone::of_phone(&phone)
                    } else {
                        None
                    },
                },
                Err(_) => Stage::Decided(Code::InvalidIdentifier),
            },
        }
    }

    /// Screens `input` (CSV with a header line) into `output` (`row,decision,code`), calling
    /// `progress` after each block.
    pub fn screen<R: Read, W: Write + Send>(
        &self,
        mut input: R,
        mut output: W,
        progress: Option<&(dyn Fn(Progress) + Sync)>,
    ) -> Result<ScreenSummary, TargetsError> {
        let mut input_hash = Sha256::new();
        let mut output_hash = Sha256::new();
        let mut buf: Vec<u8> = Vec::with_capacity(BLOCK);
        let mut block = BLOCK;
        // Bytes at the front of `buf` already hashed (the carry of the previous block).
        let mut hashed = 0usize;
        let mut bytes_read = 0u64;
        let mut output_bytes = 0u64;
        let mut rows = 0u64;
        // Line ends (`\n`) before the block: the line an error names.
        let mut lines_before = 0u64;
        let mut counts = Counts::default();
        let mut column: Option<usize> = None;
        let mut pending: Vec<Vec<u8>> = Vec::new();
        let mut eof = false;

        let write_out = |pending: &mut Vec<Vec<u8>>,
                         hash: &mut Sha256,
                         out: &mut W|
         -> Result<u64, TargetsError> {
            let mut n = 0;
            for chunk in pending.drain(..) {
                hash.update(&chunk);
                out.write_all(&chunk).map_err(TargetsError::Write)?;
                n += chunk.len() as u64;
            }
            Ok(n)
        };

        loop {
            // Fill the block.
            while !eof && buf.len() < block {
                let old = buf.len();
                buf.resize(block, 0);
                match input.read(&mut buf[old..]) {
                    Ok(0) => {
                        buf.truncate(old);
                        eof = true;
                    }
                    Ok(k) => {
                        buf.truncate(old + k);
                        bytes_read += k as u64;
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => buf.truncate(old),
                    Err(e) => return Err(TargetsError::Read(e)),
                }
            }
            let cut = if eof {
                buf.len()
            } else {
                last_record_end(&buf).unwrap_or(0)
            };
            if cut == 0 && !eof {
                // One record longer than a block: read more.
                block *= 2;
                continue;
            }
            let mut start = 0;
            if column.is_none() {
                match header(&buf[..cut], eof, self.identifier, &self.channel_label)? {
                    Some((col, end)) => {
                        column = Some(col);
                        start = end;
                        pending.push(OUTPUT_HEADER.to_vec());
                    }
                    None if eof => return Err(TargetsError::Empty(self.identifier.column())),
                    None => {
                        block *= 2;
                        continue;
                    }
                }
            }
            let col = column.expect("the header was read");
            let data = &buf[start..cut];
            let unhashed = &buf[hashed.min(buf.len())..];
            let lines_before_data = lines_before + count_line_ends(&buf[..start]);
            let (decided, (written, block_lines)) = rayon::join(
                || self.screen_block(data, col, rows, lines_before_data),
                || {
                    input_hash.update(unhashed);
                    let lines = count_line_ends(data);
                    (
                        write_out(&mut pending, &mut output_hash, &mut output),
                        lines,
                    )
                },
            );
            output_bytes += written?;
            let decided = decided?;
            lines_before = lines_before_data + block_lines;
            rows += decided.rows;
            counts.add(&decided.counts);
            pending = decided.outputs;
            buf.drain(..cut);
            hashed = buf.len();
            if let Some(p) = progress {
                p(Progress {
                    bytes: bytes_read - hashed as u64,
                    rows,
                });
            }
            if eof && buf.is_empty() {
                break;
            }
        }
        output_bytes += write_out(&mut pending, &mut output_hash, &mut output)?;
        output.flush().map_err(TargetsError::Write)?;
        Ok(ScreenSummary {
            rows,
            counts,
            input_sha256: input_hash.finalize().into(),
            output_sha256: output_hash.finalize().into(),
            input_bytes: bytes_read,
            output_bytes,
        })
    }

    /// Decides the complete records of `data`; their rows are numbered from `rows_before + 1`,
    /// and `data` starts after `lines_before` line ends of the file.
    fn screen_block(
        &self,
        data: &[u8],
        column: usize,
        rows_before: u64,
        lines_before: u64,
    ) -> Result<Decided, TargetsError> {
        let codes: Vec<Vec<u8>> = if memchr::memchr(b'"', data).is_none() {
            pieces(data)
                .par_iter()
                .map(|piece| {
                    let mut rows = Rows::new(self);
                    rows.codes.reserve(piece.len() / 32);
                    let mut batch: Vec<Option<&[u8]>> = Vec::with_capacity(BATCH);
                    for line in lines(piece) {
                        batch.push(field(line, column));
                        if batch.len() == BATCH {
                            rows.push(&batch);
                            batch.clear();
                        }
                    }
                    if !batch.is_empty() {
                        rows.push(&batch);
                    }
                    rows.finish()
                })
                .collect()
        } else {
            let fields =
                quoted_fields(data, column).map_err(|line| TargetsError::UnclosedQuote {
                    line: lines_before + line,
                })?;
            fields
                .par_chunks(2048)
                .map(|chunk| {
                    let mut rows = Rows::new(self);
                    for batch in chunk.chunks(BATCH) {
                        let batch: Vec<Option<&[u8]>> =
                            batch.iter().map(|f| f.as_deref()).collect();
                        rows.push(&batch);
                    }
                    rows.finish()
                })
                .collect()
        };
        let mut firsts = Vec::with_capacity(codes.len());
        let mut next = rows_before + 1;
        for c in &codes {
            firsts.push(next);
            next += c.len() as u64;
        }
        let (outputs, counts): (Vec<Vec<u8>>, Vec<Counts>) = codes
            .par_iter()
            .zip(firsts)
            .map(|(codes, first)| format_rows(codes, first))
            .unzip();
        let mut total = Counts::default();
        for c in &counts {
            total.add(c);
        }
        Ok(Decided {
            rows: next - rows_before - 1,
            counts: total,
            outputs,
        })
    }
}

/// Rows that go through each step of [`Rows`] together.
const BATCH: usize = 16;

/// A row on its way through [`Rows`].
enum Stage {
    Decided(Code),
    Identified {
        sha256: [u8; 32],
        blind_index: vigie_store::Digest16,
        /// The zone the screened number implies, where calling hours apply.
        zone: Option<Zone>,
    },
    Found(Record, Option<Zone>),
}

/// Decides rows in order through a three-step pipeline over batches of [`BATCH`] rows: a
/// batch's identifiers are parsed, hashed and blind-indexed and their table slots requested from
/// memory; one batch later the tables are read (suppression first, as the reference screening
/// does, then the contact's record) and the contact's ledger requested; one batch later still
/// the engine decides. Random reads in a base of millions of contacts miss the caches: this way
/// each one has a batch of work to arrive, instead of stalling its row.
struct Rows<'s, 'a> {
    screener: &'s Screener<'a>,
    batches: [Vec<Stage>; 3],
    pushed: usize,
    events: Vec<ConsentEvent>,
    codes: Vec<u8>,
}

impl<'s, 'a> Rows<'s, 'a> {
    fn new(screener: &'s Screener<'a>) -> Self {
        Rows {
            screener,
            batches: Default::default(),
            pushed: 0,
            events: Vec::new(),
            codes: Vec::new(),
        }
    }

    /// Adds a batch of rows (`None`: the row has no such field).
    fn push(&mut self, raws: &[Option<&[u8]>]) {
        let k = self.pushed;
        let screener = self.screener;
        let batch = &mut self.batches[k % 3];
        batch.clear();
        for raw in raws {
            let stage = screener.identify(*raw);
            if let Stage::Identified {
                sha256,
                blind_index,
                ..
            } = &stage
            {
                screener.snapshot.prefetch_suppressed(sha256);
                screener.snapshot.prefetch_contact(blind_index);
            }
            batch.push(stage);
        }
        if k >= 1 {
            self.look_up((k - 1) % 3);
        }
        if k >= 2 {
            self.decide((k - 2) % 3);
        }
        self.pushed += 1;
    }

    /// Finishes the batches in flight; the codes of every row pushed, in order.
    fn finish(mut self) -> Vec<u8> {
        let k = self.pushed;
        if k >= 1 {
            self.look_up((k - 1) % 3);
        }
        if k >= 2 {
            self.decide((k - 2) % 3);
        }
        if k >= 1 {
            self.decide((k - 1) % 3);
        }
        self.codes
    }

    fn look_up(&mut self, slot: usize) {
        let snapshot = self.screener.snapshot;
        for stage in self.batches[slot].iter_mut() {
            if let Stage::Identified {
                sha256,
                blind_index,
                zone,
            } = stage
            {
                *stage = if snapshot.suppressed(sha256) {
                    Stage::Decided(Code::Suppressed)
                } else {
                    match snapshot.contact(blind_index) {
                        Some(record) => {
                            snapshot.prefetch_events(&record);
                            Stage::Found(record, *zone)
                        }
                        None => Stage::Decided(Code::UnknownContact),
                    }
                };
            }
        }
    }

    fn decide(&mut self, slot: usize) {
        let screener = self.screener;
        for stage in &self.batches[slot] {
            let code = match stage {
                Stage::Decided(code) => *code,
                Stage::Found(record, zone) => {
                    screener.decide_record(*record, *zone, &mut self.events)
                }
                Stage::Identified { .. } => unreachable!("every batch is looked up first"),
            };
            self.codes.push(code as u8);
        }
    }
}

struct Decided {
    rows: u64,
    counts: Counts,
    outputs: Vec<Vec<u8>>,
}

/// `row,decision,code` lines for codes numbered from `first`.
fn format_rows(codes: &[u8], first: u64) -> (Vec<u8>, Counts) {
    let mut out = Vec::with_capacity(codes.len() * 24);
    let mut counts = Counts::default();
    let mut n = itoa::Buffer::new();
    for (i, c) in codes.iter().enumerate() {
        let code = Code::ALL[usize::from(*c)];
        counts.0[usize::from(*c)] += 1;
        out.extend_from_slice(n.format(first + i as u64).as_bytes());
        out.push(b',');
        out.extend_from_slice(code.decision().as_str().as_bytes());
        out.push(b',');
        out.extend_from_slice(code.as_str().as_bytes());
        out.push(b'\n');
    }
    (out, counts)
}

/// The engine's view of a snapshot record.
struct View<'v> {
    record: Record,
    /// The zone the screened number implies.
    zone: Option<Zone>,
    events: &'v [ConsentEvent],
    calls: CallCount,
    bought_category: bool,
    screener: &'v Screener<'v>,
}

impl View<'_> {
    fn flag(&self, bit: u8) -> bool {
        self.record.flags & bit != 0
    }
}

impl ContactView for View<'_> {
    fn audience(&self) -> Audience {
        self.record.audience
    }
    fn is_customer(&self) -> bool {
        self.flag(CUSTOMER)
    }
    fn bought(&self, category: &str) -> bool {
        if self.screener.category == Some(category) {
            self.bought_category
        } else {
            self.screener
                .snapshot
                .set_contains(self.record.set, category)
        }
    }
    fn contract_active(&self) -> bool {
        self.flag(CONTRACT_ACTIVE)
    }
    fn collected_at(&self) -> Option<Timestamp> {
        self.record.collected_at
    }
    fn informed(&self) -> bool {
        self.flag(INFORMED)
    }
    fn objection_offered(&self) -> bool {
        self.flag(OBJECTION_OFFERED)
    }
    fn restricted(&self) -> bool {
        self.flag(RESTRICTED)
    }
    /// Checked before the contact is looked up (the identifier screened, not the contact's).
    fn suppressed(&self) -> bool {
        false
    }
    fn on_opposition_list(&self) -> bool {
        self.screener.opposition_applies && self.flag(ON_OPPOSITION_LIST)
    }
    fn calls_last_30_days(&self) -> u32 {
        self.calls.attempts
    }
    fn last_call_refusal_at(&self) -> Option<Timestamp> {
        self.calls.last_refusal_at
    }
    fn events(&self) -> &[ConsentEvent] {
        self.events
    }
    /// The zone recorded for the contact, else the screened number's ([`Zone::of_contact`],
    /// with the number's zone found once when the row was parsed).
    fn time_zone(&self) -> Option<Zone> {
        self.record.time_zone.or(self.zone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_index_their_table() {
        for (i, c) in Code::ALL.iter().enumerate() {
            assert_eq!(*c as usize, i);
        }
    }
}
