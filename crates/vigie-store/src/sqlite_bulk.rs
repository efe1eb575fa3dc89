//! Prepared statements that bind text and blobs without copying them, for bulk loads.
//!
//! rusqlite binds every text and blob with `SQLITE_TRANSIENT`: SQLite allocates a buffer, copies
//! the value into it, and frees it at the next bind. A load of millions of rows spent a quarter of
//! its writer thread (the bottleneck of a load) doing that. `SQLITE_STATIC` lets SQLite read the
//! caller's bytes where they are, which is sound only while those bytes outlive every use SQLite
//! makes of them. [`BulkStatement::execute`] keeps that promise by construction: it binds, steps
//! to the end, then resets the statement and clears every binding before it returns, so no
//! pointer to the caller's values outlives the borrow of `params`.

use std::ffi::{CStr, c_int};
use std::marker::PhantomData;
use std::ptr::{self, NonNull};

use rusqlite::{Connection, ffi};

/// One parameter value, borrowed.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Param<'a> {
    Null,
    Int(i64),
    Text(&'a str),
    Blob(&'a [u8]),
}

impl From<i64> for Param<'_> {
    fn from(v: i64) -> Self {
        Param::Int(v)
    }
}

impl From<bool> for Param<'_> {
    fn from(v: bool) -> Self {
        Param::Int(v.into())
    }
}

impl<'a> From<&'a str> for Param<'a> {
    fn from(v: &'a str) -> Self {
        Param::Text(v)
    }
}

impl<'a> From<&'a [u8]> for Param<'a> {
    fn from(v: &'a [u8]) -> Self {
        Param::Blob(v)
    }
}

impl<'a, T: Into<Param<'a>>> From<Option<T>> for Param<'a> {
    fn from(v: Option<T>) -> Self {
        v.map_or(Param::Null, Into::into)
    }
}

/// A statement of one connection, run with [`BulkStatement::execute`]; finalized on drop.
pub(crate) struct BulkStatement<'c> {
    stmt: NonNull<ffi::sqlite3_stmt>,
    db: *mut ffi::sqlite3,
    params: usize,
    _conn: PhantomData<&'c Connection>,
}

impl<'c> BulkStatement<'c> {
    /// Prepares `sql` (one statement) on `conn`.
    pub(crate) fn prepare(conn: &'c Connection, sql: &str) -> rusqlite::Result<Self> {
        // SAFETY: the handle is only used while `conn` is borrowed (the lifetime 'c), on the
        // thread that holds it (the type is neither Send nor Sync, through its raw pointers).
        let db = unsafe { conn.handle() };
        let len = c_int::try_from(sql.len()).map_err(|_| rusqlite::Error::InvalidQuery)?;
        let mut stmt = ptr::null_mut();
        // SAFETY: `sql` is valid for `len` bytes; `stmt` receives the new statement or null.
        let rc = unsafe {
            ffi::sqlite3_prepare_v3(
                db,
                sql.as_ptr().cast(),
                len,
                ffi::SQLITE_PREPARE_PERSISTENT,
                &mut stmt,
                ptr::null_mut(),
            )
        };
        if rc != ffi::SQLITE_OK {
            return Err(error(db, rc));
        }
        let stmt = NonNull::new(stmt).ok_or(rusqlite::Error::InvalidQuery)?;
        // SAFETY: `stmt` is a live statement.
        let params = unsafe { ffi::sqlite3_bind_parameter_count(stmt.as_ptr()) } as usize;
        Ok(BulkStatement {
            stmt,
            db,
            params,
            _conn: PhantomData,
        })
    }

    /// Binds `params` to `?1`, `?2`, … in order, runs the statement to its end and returns the
    /// number of rows it changed.
    pub(crate) fn execute(&mut self, params: &[Param<'_>]) -> rusqlite::Result<usize> {
        if params.len() != self.params {
            return Err(rusqlite::Error::InvalidParameterCount(
                params.len(),
                self.params,
            ));
        }
        let st = self.stmt.as_ptr();
        let outcome = self.bind_and_step(st, params);
        // SAFETY: `st` is live. Resetting and clearing the bindings drops every pointer to
        // `params` before the borrow ends (see the module's documentation).
        unsafe {
            ffi::sqlite3_reset(st);
            ffi::sqlite3_clear_bindings(st);
        }
        outcome
    }

    fn bind_and_step(
        &self,
        st: *mut ffi::sqlite3_stmt,
        params: &[Param<'_>],
    ) -> rusqlite::Result<usize> {
        for (i, p) in params.iter().enumerate() {
            let i = (i + 1) as c_int;
            // SAFETY: `st` is live; text and blob pointers are valid for their lengths until the
            // statement is reset and its bindings cleared, which `execute` does before returning.
            let rc = unsafe {
                match *p {
                    Param::Null => ffi::sqlite3_bind_null(st, i),
                    Param::Int(v) => ffi::sqlite3_bind_int64(st, i, v),
                    Param::Text(s) => ffi::sqlite3_bind_text64(
                        st,
                        i,
                        s.as_ptr().cast(),
                        s.len() as u64,
                        ffi::SQLITE_STATIC(),
                        ffi::SQLITE_UTF8 as u8,
                    ),
                    Param::Blob(b) => ffi::sqlite3_bind_blob64(
                        st,
                        i,
                        b.as_ptr().cast(),
                        b.len() as u64,
                        ffi::SQLITE_STATIC(),
                    ),
                }
            };
            if rc != ffi::SQLITE_OK {
                return Err(error(self.db, rc));
            }
        }
        loop {
            // SAFETY: `st` is live and bound.
            match unsafe { ffi::sqlite3_step(st) } {
                ffi::SQLITE_DONE => break,
                ffi::SQLITE_ROW => continue,
                rc => return Err(error(self.db, rc)),
            }
        }
        // SAFETY: `db` is live.
        Ok(unsafe { ffi::sqlite3_changes64(self.db) } as usize)
    }
}

impl Drop for BulkStatement<'_> {
    fn drop(&mut self) {
        // SAFETY: the statement is live and finalized once.
        unsafe {
            ffi::sqlite3_finalize(self.stmt.as_ptr());
        }
    }
}

/// The error of a failed call, with SQLite's message (e.g. a trigger's `RAISE`).
fn error(db: *mut ffi::sqlite3, rc: c_int) -> rusqlite::Error {
    // SAFETY: `db` is live; the message is copied before any other call on the connection.
    let message = unsafe {
        let p = ffi::sqlite3_errmsg(db);
        (!p.is_null()).then(|| CStr::from_ptr(p).to_string_lossy().into_owned())
    };
    rusqlite::Error::SqliteFailure(ffi::Error::new(rc), message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn() -> Connection {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT, b BLOB, n INTEGER UNIQUE);
             CREATE TRIGGER t_no_update BEFORE UPDATE ON t BEGIN SELECT RAISE(ABORT, 'no update'); END;",
        )
        .unwrap();
        c
    }

    #[test]
    fn binds_every_kind_of_value_and_counts_changes() {
        let c = conn();
        let mut st = BulkStatement::prepare(
            &c,
            "INSERT INTO t (s, b, n) VALUES (?1, ?2, ?3), (?1, ?4, ?5)",
        )
        .unwrap();
        {
            // The values live only in this block: SQLite must not keep pointers to them.
            let text = String::from("é-mail");
            let blob = vec![0u8, 1, 2, 255];
            let changed = st
                .execute(&[
                    Param::Text(&text),
                    Param::Blob(&blob),
                    Param::Int(7),
                    Param::Blob(&[]),
                    Param::from(None::<i64>),
                ])
                .unwrap();
            assert_eq!(changed, 2);
        }
        let rows: Vec<(String, Vec<u8>, Option<i64>)> = c
            .prepare("SELECT s, b, n FROM t ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            rows,
            vec![
                ("é-mail".into(), vec![0, 1, 2, 255], Some(7)),
                ("é-mail".into(), vec![], None),
            ]
        );
    }

    #[test]
    fn reports_constraint_and_trigger_errors_with_their_message_and_stays_usable() {
        let c = conn();
        let mut insert = BulkStatement::prepare(&c, "INSERT INTO t (n) VALUES (?1)").unwrap();
        insert.execute(&[Param::Int(1)]).unwrap();
        let err = insert.execute(&[Param::Int(1)]).unwrap_err();
        assert!(err.to_string().contains("UNIQUE"), "{err}");
        assert_eq!(insert.execute(&[Param::Int(2)]).unwrap(), 1);

        let mut update = BulkStatement::prepare(&c, "UPDATE t SET n = n + 10").unwrap();
        let err = update.execute(&[]).unwrap_err();
        assert!(err.to_string().contains("no update"), "{err}");

        let err = insert.execute(&[]).unwrap_err();
        assert!(
            matches!(err, rusqlite::Error::InvalidParameterCount(0, 1)),
            "{err}"
        );
        assert!(BulkStatement::prepare(&c, "INSERT INTO nowhere VALUES (1)").is_err());
    }
}
