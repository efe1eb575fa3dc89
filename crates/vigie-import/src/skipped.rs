//! The rows a contacts import skipped because they name people erased by retention (issue 16):
//! the store leaves such a contact erased unless the row was collected after the erasure, and
//! counts them (`ImportCounts::left_erased`); this names each one, as a rejection is named:
//! the file's line, the reference, and the reason with the day of the erasure.
//!
//! Found after the import committed, by reading the file's references once more, and only when
//! the store counted such rows: the import's own path (and its speed) is not touched, and a
//! contact the same file brought back is no longer erased by retention, so it is not named.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use csv::ByteRecord;
use vigie_store::{OrgId, Store};

use crate::reason::Reason;
use crate::rows::{self, Columns};
use crate::{ImportError, RowError, header_error, open_csv, read_record};

/// The lines of `path` naming contacts of `org` erased by retention, in file order.
pub(crate) async fn erased_by_retention_lines(
    store: &Store,
    org: OrgId,
    path: &Path,
) -> Result<Vec<RowError>, ImportError> {
    let zone = jiff::tz::TimeZone::get(&store.org_settings(org).await?.time_zone)
        .unwrap_or(jiff::tz::TimeZone::UTC);
    let erased: HashMap<String, jiff::civil::Date> = store
        .erased_by_retention(org)
        .await?
        .into_iter()
        .map(|(reference, at)| (reference, zone.to_datetime(at).date()))
        .collect();
    if erased.is_empty() {
        return Ok(Vec::new());
    }
    let path: PathBuf = path.to_owned();
    tokio::task::spawn_blocking(move || {
        let (mut reader, header) = open_csv(&path)?;
        let cols =
            Columns::from_header(&rows::CONTACTS, &header).map_err(|e| header_error(&path, e))?;
        let mut record = ByteRecord::new();
        let mut lines = Vec::new();
        while read_record(&mut reader, &header, &mut record, &path)? {
            let Ok(Some(reference)) = cols.get(&record, rows::contact_col::CONTACT_REF) else {
                continue;
            };
            if let Some(day) = erased.get(reference) {
                lines.push(RowError {
                    line: record.position().map(|p| p.line()).unwrap_or(0),
                    column: "contact_ref".into(),
                    reason: Reason::ErasedByRetention {
                        reference: reference.to_owned(),
                        erased_on: *day,
                    },
                });
            }
        }
        Ok(lines)
    })
    .await
    .map_err(|e| ImportError::Io(std::io::Error::other(e.to_string()), PathBuf::new()))?
}
