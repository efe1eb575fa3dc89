//! CSV imports into Vigie.
//!
//! Files are comma- or semicolon-separated (the header line says which: French Excel writes
//! `;`), UTF-8; [`ensure_utf8`] rewrites a Windows-1252 export first.
//!
//! An import is all or nothing: the file is read, every row parsed into typed records (e-mails
//! trimmed and lower-cased, phones to E.164), sealed, and streamed to the store inside one
//! transaction. One bad row and nothing of the file is stored; the error names the file, the line,
//! the column and the reason. With `skip_invalid`, the good rows are imported and the bad ones
//! written, with their reasons, to a rejects file.
//!
//! Re-importing a file changes nothing: contacts upsert on `contact_ref` (and are left untouched
//! when identical), ledger events are de-duplicated by content.

mod reason;
mod rows;
mod skipped;
mod text;

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use csv::ByteRecord;
use rayon::prelude::*;
use tokio::sync::mpsc;
use vigie_core::Region;
use vigie_core::spreadsheet::formula_safe;
use vigie_store::{
    ImportCounts, ImportMsg, NewImportRun, OrgCrypto, Organization, Store, StoreError,
    WrittenEvents,
};

pub use reason::Reason;
pub use rows::FieldError;
use rows::{Columns, ListColumn};
pub use text::{EncodingError, TextEncoding, ensure_utf8, sniff_delimiter};

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImportKind {
    Contacts,
    Consents,
    Suppression,
    Opposition,
    Calls,
}

impl ImportKind {
    pub fn name(self) -> &'static str {
        match self {
            ImportKind::Contacts => "contacts",
            ImportKind::Consents => "consents",
            ImportKind::Suppression => "suppression",
            ImportKind::Opposition => "opposition",
            ImportKind::Calls => "calls",
        }
    }
}

/// How to import.
#[derive(Clone)]
pub struct ImportOptions {
    /// Region used to read phone numbers written without a country code.
    pub region: Region,
    /// Import the good rows and write the bad ones to `rejects_path`.
    pub skip_invalid: bool,
    /// Where rejected rows go (default: `FILE.rejects.csv` beside the input).
    pub rejects_path: Option<PathBuf>,
    /// Called with the number of bytes read so far (for a progress bar).
    pub progress: Option<Arc<dyn Fn(u64) + Send + Sync>>,
    /// The opposition list an opposition file is an extract of (default `bloctel`): the import
    /// replaces that list.
    pub list: String,
    /// The date of that extract, recorded with the list.
    pub extract_date: Option<jiff::civil::Date>,
    /// Set (by a signal handler) to stop the import: nothing more is read, and the transaction
    /// is rolled back (`StoreError::ImportAborted`); an import already committing completes.
    pub cancel: Option<Arc<std::sync::atomic::AtomicBool>>,
}

impl ImportOptions {
    /// Whether `cancel` was set.
    pub fn cancelled_by_signal(&self) -> bool {
        self.cancelled()
    }

    fn cancelled(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed))
    }
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            region: Region::FR,
            skip_invalid: false,
            rejects_path: None,
            progress: None,
            list: "bloctel".into(),
            extract_date: None,
            cancel: None,
        }
    }
}

/// One rejected row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub column: String,
    pub reason: Reason,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.column.is_empty() {
            write!(f, "line {}: {}", self.line, self.reason)
        } else {
            write!(
                f,
                "line {}, column {:?}: {}",
                self.line, self.column, self.reason
            )
        }
    }
}

/// How many row errors are kept for the report (the count covers them all).
const MAX_REPORTED_ERRORS: usize = 50;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(
        "{file}: {count} invalid row(s); nothing was imported{}",
        first_errors(errors)
    )]
    Invalid {
        file: PathBuf,
        count: u64,
        errors: Vec<RowError>,
    },
    #[error("{file}: {0}", file = .1.display())]
    Io(std::io::Error, PathBuf),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn first_errors(errors: &[RowError]) -> String {
    let mut s = String::new();
    for e in errors.iter().take(10) {
        s.push_str("\n  ");
        s.push_str(&e.to_string());
    }
    if errors.len() > 10 {
        s.push_str(&format!(
            "\n  … ({} more listed in the report)",
            errors.len() - 10
        ));
    }
    s
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub kind: ImportKind,
    pub file: PathBuf,
    pub rows: u64,
    pub counts: ImportCounts,
    /// Rows left out (only with `skip_invalid`).
    pub rejected: u64,
    pub rejects_file: Option<PathBuf>,
    /// The first rows left out (up to 50), with their typed reasons; the rejects file has them
    /// all.
    pub rejects: Vec<RowError>,
    /// The first rows skipped (up to 50) because they name people erased by retention with no
    /// sign of life since (`counts.left_erased` counts them all; the rejects file lists them).
    pub skipped: Vec<RowError>,
    /// A ledger import's events with their contacts' ids, in the order of their ids, when the
    /// store wrote every one it resolved ([`vigie_store::LedgerImport::written`]): handed to the
    /// screening snapshot's upkeep. Whoever keeps the report longer drops them.
    pub written_events: Option<Arc<WrittenEvents>>,
}

/// Rows per batch sent to the store, parsed in parallel.
const BATCH: usize = 8192;

/// Imports `path` into `org`, counted in the process's metrics (`vigie_imports_total` by kind
/// and outcome, `vigie_import_rows_total`, `vigie_import_duration_seconds`; a no-op where no
/// metrics recorder is installed, as in the CLI).
pub async fn import_file(
    store: &Store,
    org: &Organization,
    kind: ImportKind,
    path: &Path,
    opts: &ImportOptions,
) -> Result<ImportReport, ImportError> {
    let clock = std::time::Instant::now();
    let result = import_file_uncounted(store, org, kind, path, opts).await;
    let outcome = if result.is_ok() {
        "imported"
    } else {
        "refused"
    };
    metrics::counter!("vigie_imports_total", "kind" => kind.name(), "outcome" => outcome)
        .increment(1);
    metrics::histogram!("vigie_import_duration_seconds", "kind" => kind.name())
        .record(clock.elapsed().as_secs_f64());
    if let Ok(report) = &result {
        metrics::counter!("vigie_import_rows_total", "kind" => kind.name()).increment(report.rows);
    }
    result
}

async fn import_file_uncounted(
    store: &Store,
    org: &Organization,
    kind: ImportKind,
    path: &Path,
    opts: &ImportOptions,
) -> Result<ImportReport, ImportError> {
    let crypto = store.org_crypto(org.id).await?;
    let file = path.to_owned();
    let (mut report, mut errors) = match kind {
        ImportKind::Contacts => {
            // A contact already in the base keeps its data key: its ledger proofs (IP, user
            // agent) and earlier versions were sealed with it. A first load has none to look up.
            let existing = if store.count_contacts(org.id).await? > 0 {
                store.wrapped_keys_by_ref(org.id).await?
            } else {
                HashMap::new()
            };
            let (tx, rx) = mpsc::channel(4);
            let reader = spawn_reader(
                file.clone(),
                opts.clone(),
                tx,
                move |cols, rec, region, line| {
                    let c = rows::contact(cols.expect("contacts have columns"), rec, region)?;
                    let _ = line;
                    Ok(match existing.get(c.contact_ref.as_str()) {
                        Some(wrapped) => {
                            let dek = crypto
                                .unwrap_dek(c.contact_ref.as_str(), Some(wrapped))
                                .map_err(|e| FieldError {
                                    column: "contact_ref".into(),
                                    reason: Reason::StoredKeyUnreadable {
                                        detail: e.to_string(),
                                    },
                                })?;
                            crypto.seal_contact_with(&c, &dek)
                        }
                        None => crypto.seal_contact(&c),
                    })
                },
            );
            let (written, read) = tokio::join!(store.import_contacts(org.id, rx), reader);
            let (rows_read, errors) = read?;
            (
                finish(kind, &file, rows_read, written, &errors, opts)?,
                errors,
            )
        }
        ImportKind::Consents => {
            let (tx, rx) = mpsc::channel(4);
            let reader = spawn_reader(
                file.clone(),
                opts.clone(),
                tx,
                move |cols, rec, _region, line| {
                    let (contact_ref, event) =
                        rows::consent(cols.expect("consents have columns"), rec)?;
                    // The IP and user agent are sealed with the contact's key, which bulk imports do not
                    // open: they come through the API.
                    if event.ip.is_some() || event.user_agent.is_some() {
                        return Err(FieldError {
                            column: "ip".into(),
                            reason: Reason::IpThroughApi,
                        });
                    }
                    Ok(crypto.seal_event(line, contact_ref.as_str(), &event, None))
                },
            );
            let (written, read) =
                tokio::join!(store.import_ledger(org.id, rx, opts.skip_invalid), reader);
            let (rows_read, mut errors) = read?;
            let mut events = None;
            let written = match written {
                Ok(ledger) => {
                    errors.extend(
                        ledger
                            .unknown
                            .into_iter()
                            .map(|(line, r)| unknown_contact(line, &r, org)),
                    );
                    events = ledger.written.map(Arc::new);
                    Ok(ledger.counts)
                }
                Err(StoreError::UnknownContacts(unknown)) => {
                    errors.extend(
                        unknown
                            .into_iter()
                            .map(|(line, r)| unknown_contact(line, &r, org)),
                    );
                    Err(StoreError::ImportAborted)
                }
                Err(e) => Err(e),
            };
            errors.sort_by_key(|e| e.line);
            let mut report = finish(kind, &file, rows_read, written, &errors, opts)?;
            report.written_events = events;
            (report, errors)
        }
        ImportKind::Calls => {
            let (region, f) = (opts.region, file.clone());
            let (rows, mut errors, calls) =
                tokio::task::spawn_blocking(move || read_calls(&f, region))
                    .await
                    .map_err(|e| StoreError::Other(e.to_string()))??;
            let written = if (!errors.is_empty() && !opts.skip_invalid) || opts.cancelled() {
                Err(StoreError::ImportAborted)
            } else {
                match store.log_calls(org.id, calls).await {
                    Ok(logged) => Ok(ImportCounts {
                        inserted: logged.len() as u64,
                        ..ImportCounts::default()
                    }),
                    // A call naming no contact rejects the file even with `skip_invalid`: the
                    // store resolves contacts inside the transaction that writes the calls.
                    Err(StoreError::CallTarget {
                        line,
                        column,
                        reason,
                    }) => {
                        errors.push(RowError {
                            line,
                            column: column.into(),
                            reason: Reason::CallTarget { detail: reason },
                        });
                        return Err(ImportError::Invalid {
                            file,
                            count: errors.len() as u64,
                            errors,
                        });
                    }
                    Err(e) => Err(e),
                }
            };
            (finish(kind, &file, rows, written, &errors, opts)?, errors)
        }
        ImportKind::Suppression | ImportKind::Opposition => {
            let opts2 = opts.clone();
            let f = file.clone();
            let parsed = tokio::task::spawn_blocking(move || read_list(&f, kind, &crypto, &opts2))
                .await
                .map_err(|e| StoreError::Other(e.to_string()))??;
            let ListRead {
                rows,
                errors,
                hashes,
                phones,
            } = parsed;
            let written = if (!errors.is_empty() && !opts.skip_invalid) || opts.cancelled() {
                Err(StoreError::ImportAborted)
            } else if kind == ImportKind::Suppression {
                store.import_suppression(org.id, hashes).await
            } else {
                store
                    .replace_opposition_list(org.id, &opts.list, opts.extract_date, phones)
                    .await
                    .map(|r| ImportCounts {
                        inserted: r.inserted,
                        unchanged: r.unchanged,
                        removed: r.removed,
                        ..ImportCounts::default()
                    })
            };
            (finish(kind, &file, rows, written, &errors, opts)?, errors)
        }
    };
    let mut skipped = if kind == ImportKind::Contacts && report.counts.left_erased > 0 {
        skipped::erased_by_retention_lines(store, org.id, &file).await?
    } else {
        Vec::new()
    };
    // A row refused by the reader is already in the report with its own reason.
    skipped.retain(|s| !errors.iter().any(|e| e.line == s.line));
    if (opts.skip_invalid && !errors.is_empty()) || !skipped.is_empty() {
        let out = opts
            .rejects_path
            .clone()
            .unwrap_or_else(|| default_rejects_path(&file));
        errors.sort_by_key(|e| e.line);
        let mut listed = errors.clone();
        listed.extend(skipped.iter().cloned());
        write_rejects(&file, &out, &listed)?;
        report.rejected = errors.len() as u64;
        report.rejects_file = Some(out);
        report.rejects = errors.iter().take(MAX_REPORTED_ERRORS).cloned().collect();
        report.skipped = skipped.into_iter().take(MAX_REPORTED_ERRORS).collect();
    }
    Ok(report)
}

/// The record of an import as it ended (`vigie_store::Store::record_import_run`), the same for
/// the CLI and the web pages: done with its counts, refused (bad rows: nothing imported) with
/// the first reasons, interrupted (cancelled by a stop: nothing imported), or failed.
pub fn run_record(
    kind: ImportKind,
    file_name: Option<String>,
    actor: String,
    started_at: jiff::Timestamp,
    result: &Result<ImportReport, ImportError>,
) -> NewImportRun {
    let mut run = NewImportRun {
        kind: kind.name().to_owned(),
        file_name,
        actor,
        started_at,
        finished_at: jiff::Timestamp::now(),
        outcome: "done".to_owned(),
        rows: 0,
        inserted: 0,
        updated: 0,
        unchanged: 0,
        removed: 0,
        rejected: 0,
        message: None,
    };
    match result {
        Ok(r) => {
            run.rows = r.rows;
            run.inserted = r.counts.inserted;
            run.updated = r.counts.updated;
            run.unchanged = r.counts.unchanged;
            run.removed = r.counts.removed;
            run.rejected = r.rejected;
        }
        Err(ImportError::Invalid { count, errors, .. }) => {
            run.outcome = "refused".to_owned();
            run.rejected = *count;
            run.message = Some(
                errors
                    .iter()
                    .take(3)
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            );
        }
        // Cancelled (a stop): the transaction was rolled back, nothing of the file was kept.
        Err(ImportError::Store(StoreError::ImportAborted)) => {
            run.outcome = vigie_store::INTERRUPTED.to_owned();
            run.message = Some(vigie_store::INTERRUPTED_MESSAGE.to_owned());
        }
        Err(e) => {
            run.outcome = "failed".to_owned();
            run.message = Some(e.to_string());
        }
    }
    run
}

fn unknown_contact(line: u64, contact_ref: &str, org: &Organization) -> RowError {
    RowError {
        line,
        column: "contact_ref".into(),
        reason: Reason::UnknownContact {
            reference: contact_ref.to_owned(),
            org: org.slug.clone(),
        },
    }
}

/// Turns the writer's and the reader's outcomes into the report or the error.
fn finish(
    kind: ImportKind,
    file: &Path,
    rows: u64,
    written: Result<ImportCounts, StoreError>,
    errors: &[RowError],
    opts: &ImportOptions,
) -> Result<ImportReport, ImportError> {
    if !errors.is_empty() && !opts.skip_invalid {
        return Err(ImportError::Invalid {
            file: file.to_owned(),
            count: errors.len() as u64,
            errors: errors.iter().take(MAX_REPORTED_ERRORS).cloned().collect(),
        });
    }
    let counts = written?;
    Ok(ImportReport {
        kind,
        file: file.to_owned(),
        rows,
        counts,
        rejected: 0,
        rejects_file: None,
        rejects: Vec::new(),
        skipped: Vec::new(),
        written_events: None,
    })
}

pub fn default_rejects_path(file: &Path) -> PathBuf {
    let mut name = file
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".rejects.csv");
    file.with_file_name(name)
}

/// What records are read from: the file, with CRLF given as LF when its lines end so.
type Source = BufReader<Box<dyn std::io::Read + Send>>;

fn open_csv(path: &Path) -> Result<(csv::Reader<Source>, ByteRecord), ImportError> {
    let io = |e| ImportError::Io(e, path.to_owned());
    let f = File::open(path).map_err(io)?;
    // French spreadsheets write `;`: the header line says which.
    let delimiter = text::file_delimiter(path).map_err(io)?;
    let source: Box<dyn std::io::Read + Send> = if text::file_is_crlf(path).map_err(io)? {
        Box::new(text::CrlfToLf::new(f))
    } else {
        Box::new(f)
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(false)
        .from_reader(BufReader::with_capacity(1 << 20, source));
    let header = reader
        .byte_headers()
        .map_err(|e| csv_error(e, path))?
        .clone();
    Ok((reader, header))
}

fn csv_error(e: csv::Error, path: &Path) -> ImportError {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    let reason = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => Reason::FieldCount {
            found: *len,
            expected: *expected_len,
        },
        csv::ErrorKind::Io(io) => {
            return ImportError::Io(
                std::io::Error::new(io.kind(), io.to_string()),
                path.to_owned(),
            );
        }
        _ => Reason::Unreadable {
            detail: e.to_string(),
        },
    };
    ImportError::Invalid {
        file: path.to_owned(),
        count: 1,
        errors: vec![RowError {
            line,
            column: String::new(),
            reason,
        }],
    }
}

/// Reads the next record of an import file. A field holding a line break is refused: no
/// column of an import format may hold one, so it can only be a quote left open, which would
/// read the following rows into one field (issue 18, defect 3). The error names the line where
/// the field opened and its column; the whole file is refused, even with `--skip-invalid`,
/// since no row after it can be trusted.
fn read_record(
    reader: &mut csv::Reader<Source>,
    header: &ByteRecord,
    record: &mut ByteRecord,
    path: &Path,
) -> Result<bool, ImportError> {
    let more = reader
        .read_byte_record(record)
        .map_err(|e| csv_error(e, path))?;
    if more && memchr::memchr2(b'\n', b'\r', record.as_slice()).is_some() {
        return Err(unclosed_quote(path, header, record));
    }
    Ok(more)
}

fn unclosed_quote(path: &Path, header: &ByteRecord, record: &ByteRecord) -> ImportError {
    let field = record
        .iter()
        .position(|f| memchr::memchr2(b'\n', b'\r', f).is_some())
        .unwrap_or(0);
    ImportError::Invalid {
        file: path.to_owned(),
        count: 1,
        errors: vec![RowError {
            line: record.position().map(|p| p.line()).unwrap_or(0),
            column: String::from_utf8_lossy(header.get(field).unwrap_or_default()).into_owned(),
            reason: Reason::UnclosedQuote,
        }],
    }
}

fn header_error(path: &Path, e: FieldError) -> ImportError {
    ImportError::Invalid {
        file: path.to_owned(),
        count: 1,
        errors: vec![RowError {
            line: 1,
            column: e.column,
            reason: e.reason,
        }],
    }
}

/// Reads a contacts or consents file on a blocking thread: batches of records parsed in parallel,
/// in order, sent to the store. Returns the row count and the row errors.
///
/// On the first bad row (without `skip_invalid`) the channel is dropped, which makes the store
/// roll back at once; reading goes on only to report more errors.
async fn spawn_reader<T, F>(
    path: PathBuf,
    opts: ImportOptions,
    tx: mpsc::Sender<ImportMsg<T>>,
    parse: F,
) -> Result<(u64, Vec<RowError>), ImportError>
where
    T: Send + 'static,
    F: Fn(Option<&Columns>, &ByteRecord, Region, u64) -> Result<T, FieldError>
        + Send
        + Sync
        + 'static,
{
    tokio::task::spawn_blocking(move || {
        let (mut reader, header) = open_csv(&path)?;
        let format = if header.iter().any(|h| h == b"channel") {
            &rows::CONSENTS
        } else {
            &rows::CONTACTS
        };
        let cols = Columns::from_header(format, &header).map_err(|e| header_error(&path, e))?;
        // A contacts file names each contact once: a second row with the same reference would
        // silently replace the first.
        let mut seen_refs = std::ptr::eq(format, &rows::CONTACTS).then(SeenRefs::default);
        let mut tx = Some(tx);
        let mut errors = Vec::new();
        let mut error_count = 0u64;
        let mut rows = 0u64;
        // One batch of records, read into again and again: after the first batch, reading a row
        // allocates nothing (a fresh record per row cost the reader its buffers' growth, a copy,
        // and the freeing of both).
        let mut batch: Vec<(u64, ByteRecord)> =
            (0..BATCH).map(|_| (0, ByteRecord::new())).collect();
        let mut filled = 0;
        loop {
            let (line, record) = &mut batch[filled];
            let more = read_record(&mut reader, &header, record, &path)?;
            if more {
                *line = record.position().map(|p| p.line()).unwrap_or(0);
                filled += 1;
            }
            if filled == BATCH || (!more && filled > 0) {
                rows += filled as u64;
                let repeated: Vec<Option<u64>> = match &mut seen_refs {
                    Some(seen) => batch[..filled]
                        .iter()
                        .map(|(line, rec)| {
                            let contact_ref = cols.get(rec, rows::contact_col::CONTACT_REF);
                            seen.first_line(contact_ref.ok().flatten()?, *line)
                        })
                        .collect(),
                    None => Vec::new(),
                };
                let parsed: Vec<Result<T, (u64, FieldError)>> = batch[..filled]
                    .par_iter()
                    .enumerate()
                    .map(
                        |(i, (line, rec))| match repeated.get(i).copied().flatten() {
                            Some(first) => Err((*line, repeated_ref(rec, &cols, first))),
                            None => {
                                parse(Some(&cols), rec, opts.region, *line).map_err(|e| (*line, e))
                            }
                        },
                    )
                    .collect();
                filled = 0;
                let mut good = Vec::with_capacity(parsed.len());
                for p in parsed {
                    match p {
                        Ok(v) => good.push(v),
                        Err((line, e)) => {
                            error_count += 1;
                            if errors.len() < MAX_REPORTED_ERRORS || opts.skip_invalid {
                                errors.push(RowError {
                                    line,
                                    column: e.column,
                                    reason: e.reason,
                                });
                            }
                        }
                    }
                }
                if error_count > 0 && !opts.skip_invalid {
                    tx = None; // roll back now; keep reading only to report
                }
                if let Some(sender) = &tx
                    && sender.blocking_send(ImportMsg::Batch(good)).is_err()
                {
                    tx = None; // the store gave up; its error is reported by the caller
                }
                if let Some(progress) = &opts.progress {
                    progress(reader.position().byte());
                }
                if opts.cancelled() {
                    // No commit: the store rolls the transaction back.
                    tx = None;
                    break;
                }
            }
            if !more {
                break;
            }
        }
        if let Some(sender) = tx {
            let _ = sender.blocking_send(ImportMsg::Commit);
        }
        Ok((rows, errors))
    })
    .await
    .map_err(|e| ImportError::Store(StoreError::Other(e.to_string())))?
}

/// Reads a calls file into memory: rows, row errors, and the calls of the good rows.
fn read_calls(
    path: &Path,
    region: Region,
) -> Result<(u64, Vec<RowError>, Vec<vigie_store::NewCall>), ImportError> {
    let (mut reader, header) = open_csv(path)?;
    let cols = Columns::from_header(&rows::CALLS, &header)
        .and_then(|c| rows::calls_name_the_contact(&c).map(|()| c))
        .map_err(|e| header_error(path, e))?;
    let (mut rows, mut errors, mut calls) = (0u64, Vec::new(), Vec::new());
    let mut record = ByteRecord::new();
    while read_record(&mut reader, &header, &mut record, path)? {
        rows += 1;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        match rows::call(&cols, &record, region, line) {
            Ok(c) => calls.push(c),
            Err(e) => errors.push(RowError {
                line,
                column: e.column,
                reason: e.reason,
            }),
        }
    }
    Ok((rows, errors, calls))
}

/// The contact references of a file seen so far, each with the line it was first on. Keyed by
/// a 128-bit hash (two SipHash keys) rather than the reference itself: two million references
/// cost 48 MB less, and two different references share a key with odds of about 2^-88.
#[derive(Default)]
struct SeenRefs(HashMap<u128, u64>);

impl SeenRefs {
    /// The line `contact_ref` was first seen on, if before `line`.
    fn first_line(&mut self, contact_ref: &str, line: u64) -> Option<u64> {
        use std::hash::{Hash, Hasher};
        let mut a = std::collections::hash_map::DefaultHasher::new();
        contact_ref.hash(&mut a);
        let mut b = std::collections::hash_map::DefaultHasher::new();
        (0xa5u8, contact_ref).hash(&mut b);
        let key = (u128::from(a.finish()) << 64) | u128::from(b.finish());
        match self.0.entry(key) {
            std::collections::hash_map::Entry::Occupied(first) => Some(*first.get()),
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(line);
                None
            }
        }
    }
}

fn repeated_ref(record: &ByteRecord, cols: &Columns, first: u64) -> FieldError {
    let contact_ref = cols
        .get(record, rows::contact_col::CONTACT_REF)
        .ok()
        .flatten()
        .unwrap_or_default();
    FieldError {
        column: "contact_ref".into(),
        reason: Reason::RepeatedReference {
            reference: contact_ref.to_owned(),
            first_line: first,
        },
    }
}

struct ListRead {
    rows: u64,
    errors: Vec<RowError>,
    hashes: Vec<[u8; 32]>,
    phones: Vec<vigie_store::Digest16>,
}

/// Reads a suppression or opposition list (one identifying column) into memory: lists are
/// short rows, and sorting them before the write makes the insert sequential.
fn read_list(
    path: &Path,
    kind: ImportKind,
    crypto: &OrgCrypto,
    opts: &ImportOptions,
) -> Result<ListRead, ImportError> {
    let (mut reader, header) = open_csv(path)?;
    let accepted: &[ListColumn] = match kind {
        ImportKind::Suppression => &[ListColumn::Sha256, ListColumn::Email, ListColumn::Phone],
        _ => &[ListColumn::Phone],
    };
    let (column, _) =
        ListColumn::from_header(&header, accepted).map_err(|e| header_error(path, e))?;
    let mut values: Vec<(u64, String)> = Vec::new();
    let mut record = ByteRecord::new();
    while read_record(&mut reader, &header, &mut record, path)? {
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let v = String::from_utf8_lossy(record.get(0).unwrap_or_default()).into_owned();
        values.push((line, v));
        if values.len().is_multiple_of(65536)
            && let Some(progress) = &opts.progress
        {
            progress(reader.position().byte() / 2);
        }
    }
    let region = opts.region;
    let mut out = ListRead {
        rows: values.len() as u64,
        errors: Vec::new(),
        hashes: Vec::new(),
        phones: Vec::new(),
    };
    let as_error = |line: u64, e: FieldError| RowError {
        line,
        column: e.column,
        reason: e.reason,
    };
    match kind {
        ImportKind::Suppression => {
            let parsed: Vec<_> = values
                .par_iter()
                .map(|(l, v)| {
                    rows::suppression_entry(column, v, region).map_err(|e| as_error(*l, e))
                })
                .collect();
            for p in parsed {
                match p {
                    Ok(h) => out.hashes.push(h),
                    Err(e) => out.errors.push(e),
                }
            }
        }
        _ => {
            let parsed: Vec<_> = values
                .par_iter()
                .map(|(l, v)| {
                    rows::opposition_entry(v, region)
                        .map(|p| crypto.index.phone_index(&p))
                        .map_err(|e| as_error(*l, e))
                })
                .collect();
            for p in parsed {
                match p {
                    Ok(b) => out.phones.push(b),
                    Err(e) => out.errors.push(e),
                }
            }
        }
    }
    if let Some(progress) = &opts.progress {
        progress(reader.position().byte());
    }
    Ok(out)
}

/// Writes the rejected rows: `line,column,code,reason` (the code stable, for programs; the
/// reason in English) followed by the row as it was in the file.
fn write_rejects(input: &Path, out: &Path, errors: &[RowError]) -> Result<(), ImportError> {
    let io = |e: std::io::Error, p: &Path| ImportError::Io(e, p.to_owned());
    let by_line: BTreeMap<u64, &RowError> = errors.iter().map(|e| (e.line, e)).collect();
    let (mut reader, header) = open_csv(input)?;
    let f = File::create(out).map_err(|e| io(e, out))?;
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(BufWriter::new(f));
    let mut head = ByteRecord::from(vec!["line", "column", "code", "reason"]);
    head.extend(header.iter());
    w.write_byte_record(&head).map_err(|e| io(e.into(), out))?;
    let mut record = ByteRecord::new();
    while read_record(&mut reader, &header, &mut record, input)? {
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if let Some(err) = by_line.get(&line) {
            let mut row = ByteRecord::from(vec![
                line.to_string(),
                err.column.clone(),
                err.reason.code().to_owned(),
                err.reason.to_string(),
            ]);
            // The rejected row is shown to people in a spreadsheet: no cell may run as a
            // formula (a cell that is not UTF-8 is written as read).
            for cell in record.iter() {
                match std::str::from_utf8(cell) {
                    Ok(text) => row.push_field(formula_safe(text).as_bytes()),
                    Err(_) => row.push_field(cell),
                }
            }
            w.write_byte_record(&row).map_err(|e| io(e.into(), out))?;
        }
    }
    w.flush().map_err(|e| io(e, out))?;
    Ok(())
}
