//! The erasure journal: every erasure of a person, also written outside the database (beside
//! the master key), so that restoring an older backup never brings an erased person back:
//! `Store::replay_erasures` applies again every erasure the restored data does not show.
//!
//! One JSON object a line, appended and fsynced, never rewritten. A line holds no identifier in
//! clear: the organization's id, the contact's reference, the request's id, the moment, the
//! blind indexes of the identifiers (HMAC under the organization's index key) and their
//! suppression hashes (SHA-256 of the normalized identifier, the form the suppression list
//! itself keeps, which the replay must put back on the list).
//!
//! The line is written before the erasure commits (write-ahead): an erasure that then fails
//! appends a cancellation of its line, so that a replay never erases what was not erased.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::{OrgId, Result, StoreError};

/// One line of the journal.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum JournalLine {
    Erasure(JournalErasure),
    /// The erasure of line `id` did not commit.
    Cancelled {
        id: String,
    },
}

/// An erasure as the journal keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JournalErasure {
    /// Random, to pair a cancellation with its erasure.
    pub id: String,
    /// Microseconds since the Unix epoch.
    pub at: i64,
    pub org: OrgId,
    pub contact_ref: Option<String>,
    /// The request erasing; 0 for an erasure by retention.
    pub request_id: i64,
    /// The retention run erasing (absent from a request's line, and from lines written before
    /// retention erasures were journaled). Such a line carries no suppression hash: the person
    /// did not object, and the replay must not put her on the suppression list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_run: Option<i64>,
    /// SHA-256 of the normalized identifiers, hex.
    pub suppress: Vec<String>,
    /// Blind indexes of the identifiers, hex.
    pub bidx: Vec<String>,
}

/// The journal file, appended to by this process.
#[derive(Debug)]
pub struct ErasureJournal {
    path: PathBuf,
    /// One append at a time within the process (each line is one `write` under O_APPEND,
    /// so other processes' lines do not interleave with ours).
    lock: Mutex<()>,
}

impl ErasureJournal {
    pub fn new(path: impl Into<PathBuf>) -> ErasureJournal {
        ErasureJournal {
            path: path.into(),
            lock: Mutex::new(()),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends a line and makes it durable before returning.
    pub fn append(&self, line: &JournalLine) -> Result<()> {
        let mut bytes = serde_json::to_vec(line).expect("a journal line serializes");
        bytes.push(b'\n');
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let fail = |e: std::io::Error| {
            StoreError::Other(format!(
                "erasure journal {}: {e} (nothing was erased)",
                self.path.display()
            ))
        };
        let new = !self.path.exists();
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(fail)?;
        file.write_all(&bytes).map_err(fail)?;
        file.sync_data().map_err(fail)?;
        if new {
            // The file's name in its directory must be durable too.
            if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::File::open(dir)
                    .and_then(|d| d.sync_all())
                    .map_err(fail)?;
            }
        }
        Ok(())
    }

    /// The erasures of the journal at `path`, oldest first, cancelled ones left out; none when
    /// the file does not exist. A line that cannot be read is an error naming it.
    pub fn read(path: &Path) -> Result<Vec<JournalErasure>> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(StoreError::Other(format!(
                    "erasure journal {}: {e}",
                    path.display()
                )));
            }
        };
        let mut erasures = Vec::new();
        let mut cancelled = std::collections::HashSet::new();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<JournalLine>(line) {
                Ok(JournalLine::Erasure(e)) => erasures.push(e),
                Ok(JournalLine::Cancelled { id }) => {
                    cancelled.insert(id);
                }
                // A last line cut short by a crash during its append: that erasure never
                // committed (the line is written first).
                Err(_) if i + 1 == lines.len() && !text.ends_with('\n') => {}
                Err(e) => {
                    return Err(StoreError::Invalid(format!(
                        "erasure journal {}, line {}: {e}",
                        path.display(),
                        i + 1
                    )));
                }
            }
        }
        erasures.retain(|e| !cancelled.contains(&e.id));
        Ok(erasures)
    }
}

/// What a replay did for one erasure of the journal.
#[derive(Debug, Clone, Serialize)]
pub struct Replayed {
    pub journal_id: String,
    pub at: jiff::Timestamp,
    pub org: String,
    pub contact_ref: Option<String>,
    pub request_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_run: Option<i64>,
    /// Suppression hashes put back on the list.
    pub suppressions_added: usize,
}
