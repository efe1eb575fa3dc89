//! One SQL text for both stores, for the small, low-volume tables (accounts, sessions, tokens):
//! parameters are written `$1, $2 …` in order of first use, which PostgreSQL reads as positions
//! and SQLite as names numbered in order of appearance, and values travel as [`Val`]. The hot
//! paths (contacts, ledger, imports, screening) keep their hand-tuned per-store code.

use std::error::Error;

use tokio_postgres::types::private::BytesMut;
use tokio_postgres::types::{IsNull, ToSql, Type, to_sql_checked};

use crate::error::{Result, StoreError};
use crate::{Backends, Store};

/// A value in or out of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Val {
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
    Null,
}

impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::Int(v)
    }
}

impl From<&str> for Val {
    fn from(v: &str) -> Self {
        Val::Text(v.to_owned())
    }
}

impl From<String> for Val {
    fn from(v: String) -> Self {
        Val::Text(v)
    }
}

impl From<Vec<u8>> for Val {
    fn from(v: Vec<u8>) -> Self {
        Val::Blob(v)
    }
}

impl From<&[u8]> for Val {
    fn from(v: &[u8]) -> Self {
        Val::Blob(v.to_vec())
    }
}

impl<T: Into<Val>> From<Option<T>> for Val {
    fn from(v: Option<T>) -> Self {
        v.map_or(Val::Null, Into::into)
    }
}

/// Builds a parameter list: `params![a, b, c]`.
macro_rules! sql_params {
    ($($v:expr),* $(,)?) => { vec![$($crate::sql::Val::from($v)),*] };
}
pub(crate) use sql_params;

impl Val {
    pub fn int(&self) -> Result<i64> {
        match self {
            Val::Int(v) => Ok(*v),
            other => Err(StoreError::Other(format!(
                "expected an integer, got {other:?}"
            ))),
        }
    }

    pub fn opt_int(&self) -> Result<Option<i64>> {
        match self {
            Val::Null => Ok(None),
            v => v.int().map(Some),
        }
    }

    pub fn text(&self) -> Result<String> {
        match self {
            Val::Text(v) => Ok(v.clone()),
            other => Err(StoreError::Other(format!("expected text, got {other:?}"))),
        }
    }

    pub fn opt_text(&self) -> Result<Option<String>> {
        match self {
            Val::Null => Ok(None),
            v => v.text().map(Some),
        }
    }

    pub fn opt_blob(&self) -> Result<Option<Vec<u8>>> {
        match self {
            Val::Null => Ok(None),
            Val::Blob(b) => Ok(Some(b.clone())),
            other => Err(StoreError::Other(format!("expected bytes, got {other:?}"))),
        }
    }
}

impl ToSql for Val {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn Error + Sync + Send>> {
        match self {
            Val::Int(v) => v.to_sql(ty, out),
            Val::Text(v) => v.to_sql(ty, out),
            Val::Blob(v) => v.to_sql(ty, out),
            Val::Null => Ok(IsNull::Yes),
        }
    }

    fn accepts(ty: &Type) -> bool {
        [Type::INT8, Type::TEXT, Type::VARCHAR, Type::BYTEA].contains(ty)
    }

    to_sql_checked!();
}

impl rusqlite::ToSql for Val {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Val::Int(v) => ValueRef::Integer(*v),
            Val::Text(v) => ValueRef::Text(v.as_bytes()),
            Val::Blob(v) => ValueRef::Blob(v),
            Val::Null => ValueRef::Null,
        }))
    }
}

fn from_sqlite(v: rusqlite::types::ValueRef<'_>) -> Result<Val> {
    use rusqlite::types::ValueRef;
    Ok(match v {
        ValueRef::Null => Val::Null,
        ValueRef::Integer(i) => Val::Int(i),
        ValueRef::Text(t) => Val::Text(
            std::str::from_utf8(t)
                .map_err(|e| StoreError::Other(e.to_string()))?
                .to_owned(),
        ),
        ValueRef::Blob(b) => Val::Blob(b.to_vec()),
        ValueRef::Real(r) => {
            return Err(StoreError::Other(format!("unexpected real value {r}")));
        }
    })
}

fn from_postgres(row: &tokio_postgres::Row, i: usize) -> Result<Val> {
    let ty = row.columns()[i].type_().clone();
    Ok(if ty == Type::INT8 {
        row.try_get::<_, Option<i64>>(i)?
            .map_or(Val::Null, Val::Int)
    } else if ty == Type::INT4 {
        row.try_get::<_, Option<i32>>(i)?
            .map_or(Val::Null, |v| Val::Int(v.into()))
    } else if ty == Type::BOOL {
        row.try_get::<_, Option<bool>>(i)?
            .map_or(Val::Null, |v| Val::Int(v.into()))
    } else if ty == Type::BYTEA {
        row.try_get::<_, Option<Vec<u8>>>(i)?
            .map_or(Val::Null, Val::Blob)
    } else {
        row.try_get::<_, Option<String>>(i)?
            .map_or(Val::Null, Val::Text)
    })
}

/// A unique or primary key violation becomes [`StoreError::Conflict`].
fn conflict_or(e: StoreError) -> StoreError {
    let unique = match &e {
        StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _)) => {
            f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
        }
        StoreError::Postgres(p) => {
            p.code() == Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION)
        }
        _ => false,
    };
    if unique {
        StoreError::Conflict(e.to_string())
    } else {
        e
    }
}

impl Store {
    /// Runs one statement; the number of rows it changed.
    pub(crate) async fn sql_exec(&self, sql: &'static str, params: Vec<Val>) -> Result<u64> {
        let out = match &self.backend {
            Backends::Sqlite(b) => {
                b.write(move |tx| {
                    Ok(tx
                        .prepare_cached(sql)?
                        .execute(rusqlite::params_from_iter(params.iter()))?
                        as u64)
                })
                .await
            }
            Backends::Postgres(b) => {
                let c = b.client().await?;
                let refs: Vec<&(dyn ToSql + Sync)> =
                    params.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
                c.execute(sql, &refs).await.map_err(StoreError::from)
            }
        };
        out.map_err(conflict_or)
    }

    /// Runs one query (a `SELECT`, or a write with `RETURNING`); its rows. A write runs on the
    /// writer connection of SQLite.
    pub(crate) async fn sql_rows(
        &self,
        sql: impl AsRef<str> + Send + 'static,
        params: Vec<Val>,
    ) -> Result<Vec<Vec<Val>>> {
        let writes = !sql
            .as_ref()
            .trim_start()
            .to_ascii_uppercase()
            .starts_with("SELECT");
        let out = match &self.backend {
            Backends::Sqlite(b) => {
                let run = move |c: &rusqlite::Connection| -> Result<Vec<Vec<Val>>> {
                    let mut stmt = c.prepare_cached(sql.as_ref())?;
                    let n = stmt.column_count();
                    let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
                    let mut out = Vec::new();
                    while let Some(r) = rows.next()? {
                        out.push(
                            (0..n)
                                .map(|i| from_sqlite(r.get_ref(i)?))
                                .collect::<Result<Vec<_>>>()?,
                        );
                    }
                    Ok(out)
                };
                if writes {
                    b.write(move |tx| run(tx)).await
                } else {
                    b.read(run).await
                }
            }
            Backends::Postgres(b) => {
                let c = b.client().await?;
                let refs: Vec<&(dyn ToSql + Sync)> =
                    params.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
                let rows = c.query(sql.as_ref(), &refs).await?;
                rows.iter()
                    .map(|r| (0..r.len()).map(|i| from_postgres(r, i)).collect())
                    .collect()
            }
        };
        out.map_err(conflict_or)
    }

    /// Runs statements in order in one transaction: all of them or none. The rows each changed.
    pub(crate) async fn sql_exec_all(
        &self,
        statements: Vec<(&'static str, Vec<Val>)>,
    ) -> Result<Vec<u64>> {
        let out = match &self.backend {
            Backends::Sqlite(b) => {
                b.write(move |tx| {
                    statements
                        .iter()
                        .map(|(sql, params)| {
                            Ok(tx
                                .prepare_cached(sql)?
                                .execute(rusqlite::params_from_iter(params.iter()))?
                                as u64)
                        })
                        .collect()
                })
                .await
            }
            Backends::Postgres(b) => {
                async {
                    let mut c = b.client().await?;
                    let tx = c.transaction().await?;
                    let mut changed = Vec::with_capacity(statements.len());
                    for (sql, params) in &statements {
                        let refs: Vec<&(dyn ToSql + Sync)> =
                            params.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
                        changed.push(tx.execute(*sql, &refs).await?);
                    }
                    tx.commit().await?;
                    Ok(changed)
                }
                .await
            }
        };
        out.map_err(conflict_or)
    }

    /// The first row of a query, if any.
    pub(crate) async fn sql_row(
        &self,
        sql: &'static str,
        params: Vec<Val>,
    ) -> Result<Option<Vec<Val>>> {
        Ok(self.sql_rows(sql, params).await?.into_iter().next())
    }
}
