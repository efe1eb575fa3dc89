//! Backups of the embedded store, and their restore. PostgreSQL is backed up with its own tools
//! (`pg_dump`, README); after a restore of either, `Store::replay_erasures` applies the erasures
//! made since.
//!
//! A backup is SQLite's online backup copied in one step: one read transaction, so the copy is
//! the database as of one moment while a server goes on writing (WAL: readers do not block the
//! writer). It is written to a temporary file beside the target, checked, made durable, then
//! renamed over the target: a backup killed half-way leaves the previous one whole.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use crate::{Result, StoreError};

/// What a backup wrote.
#[derive(Debug, Clone)]
pub struct BackupReport {
    pub path: PathBuf,
    pub bytes: u64,
}

fn io(what: &str, path: &Path, e: impl std::fmt::Display) -> StoreError {
    StoreError::Other(format!("{what} {}: {e}", path.display()))
}

/// A sibling of `path` for work in progress.
fn temporary_beside(path: &Path, tag: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(format!(".{tag}-{}", std::process::id()));
    path.with_file_name(name)
}

fn sync_dir_of(path: &Path) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io("syncing the directory of", path, e))
}

/// `PRAGMA integrity_check` of a database file, and that it is a Vigie store.
pub fn check_sqlite_file(path: &Path) -> Result<()> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| io("opening", path, e))?;
    let verdict: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| io("checking", path, e))?;
    if verdict != "ok" {
        return Err(StoreError::Invalid(format!(
            "{}: the integrity check failed: {verdict}",
            path.display()
        )));
    }
    let versions: i64 = conn
        .query_row("SELECT count(*) FROM vigie_migrations", [], |r| r.get(0))
        .map_err(|e| io("not a Vigie store:", path, e))?;
    if versions == 0 {
        return Err(StoreError::Invalid(format!(
            "{}: not a Vigie store (no migration applied)",
            path.display()
        )));
    }
    Ok(())
}

/// Copies the SQLite store `db` to `out` (see the module's comment).
pub fn backup_sqlite(db: &Path, out: &Path) -> Result<BackupReport> {
    if !db.exists() {
        return Err(StoreError::NotFound(format!("store {}", db.display())));
    }
    let src = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| io("opening", db, e))?;
    src.busy_timeout(std::time::Duration::from_secs(30))
        .map_err(|e| io("opening", db, e))?;
    let tmp = temporary_beside(out, "partial");
    let _ = std::fs::remove_file(&tmp);
    let result = (|| {
        {
            let mut dst = Connection::open(&tmp).map_err(|e| io("creating", &tmp, e))?;
            let backup = rusqlite::backup::Backup::new(&src, &mut dst)
                .map_err(|e| io("backing up", db, e))?;
            // All pages in one step: one read transaction, one moment of the database.
            loop {
                match backup.step(-1).map_err(|e| io("backing up", db, e))? {
                    rusqlite::backup::StepResult::Done => break,
                    rusqlite::backup::StepResult::More => continue,
                    // Locked or busy: the writer holds the file for a moment (rollback-journal
                    // bulk loads); try again.
                    _ => std::thread::sleep(std::time::Duration::from_millis(50)),
                }
            }
        }
        // A single file: the copy leaves WAL mode (its WAL would be a second file to carry).
        {
            let dst = Connection::open(&tmp).map_err(|e| io("opening", &tmp, e))?;
            dst.pragma_update(None, "journal_mode", "DELETE")
                .map_err(|e| io("finishing", &tmp, e))?;
        }
        check_sqlite_file(&tmp)?;
        std::fs::File::open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(|e| io("syncing", &tmp, e))?;
        std::fs::rename(&tmp, out).map_err(|e| io("renaming the backup to", out, e))?;
        sync_dir_of(out)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result?;
    let bytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    Ok(BackupReport {
        path: out.to_owned(),
        bytes,
    })
}

/// Puts the backup `backup` in place of the store `db` (which must not be open: stop the
/// server first). The backup is checked first; the store it replaces is kept beside it as
/// `<db>.before-restore` (its WAL folded in), so a restore can be undone. Returns that path,
/// when there was a store.
pub fn restore_sqlite(backup: &Path, db: &Path) -> Result<Option<PathBuf>> {
    check_sqlite_file(backup)?;
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| io("creating", dir, e))?;
    }
    let tmp = temporary_beside(db, "restoring");
    std::fs::copy(backup, &tmp).map_err(|e| io("copying the backup to", &tmp, e))?;
    std::fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .map_err(|e| io("syncing", &tmp, e))?;
    let mut kept = None;
    if db.exists() {
        // Fold the WAL into the file so that the kept copy is whole on its own.
        {
            let conn = Connection::open(db).map_err(|e| io("opening", db, e))?;
            conn.pragma_update(None, "journal_mode", "DELETE")
                .map_err(|e| io("closing the WAL of", db, e))?;
        }
        let mut name = db.file_name().unwrap_or_default().to_owned();
        name.push(".before-restore");
        let before = db.with_file_name(name);
        std::fs::rename(db, &before).map_err(|e| io("setting aside", db, e))?;
        kept = Some(before);
    }
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut side = db.as_os_str().to_owned();
        side.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(side));
    }
    std::fs::rename(&tmp, db).map_err(|e| io("putting the backup in place as", db, e))?;
    sync_dir_of(db)?;
    Ok(kept)
}
