//! Test support, for this crate's tests and the others': a store on a temporary SQLite file or
//! in a fresh PostgreSQL schema, and a macro that runs one test body against both.
//!
//! PostgreSQL comes from `VIGIE_TEST_DATABASE_URL` (scripts/test starts a server and sets it).
//! Without it, PostgreSQL tests fail: they never pass silently.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::{SecretKey, Store, Vault};

/// A store under test and what keeps it alive.
pub struct TestStore {
    pub store: Store,
    /// The SQLite file (for byte scans and raw SQL), `None` for PostgreSQL.
    pub sqlite_file: Option<PathBuf>,
    /// PostgreSQL URL and schema, `None` for SQLite.
    pub pg: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

// Test bodies are closures: without a Drop impl they would capture only the fields they use,
// and the temporary directory would be deleted while the store is still open.
impl Drop for TestStore {
    fn drop(&mut self) {}
}

impl TestStore {
    /// Opens the same store again with another master key.
    pub async fn reopen_with(&self, vault: Vault) -> crate::Result<Store> {
        match (&self.sqlite_file, &self.pg) {
            (Some(f), _) => Store::open(&f.to_string_lossy(), vault).await,
            (None, Some((url, schema))) => Store::open_postgres_schema(url, schema, vault).await,
            _ => unreachable!("a test store is SQLite or PostgreSQL"),
        }
    }
}

impl TestStore {
    /// Runs raw SQL behind the store's back (to play the attacker, or to look at what is
    /// stored); the database's error text when it fails.
    pub async fn raw_sql(&self, sql: &str) -> Result<(), String> {
        match (&self.sqlite_file, &self.pg) {
            (Some(file), _) => {
                let conn = rusqlite::Connection::open(file).map_err(|e| e.to_string())?;
                conn.execute_batch(sql).map_err(|e| e.to_string())
            }
            (None, Some((url, schema))) => {
                let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
                    .await
                    .map_err(|e| e.to_string())?;
                tokio::spawn(conn);
                client
                    .batch_execute(&format!("SET search_path = {schema}; {sql}"))
                    .await
                    .map_err(|e| match e.as_db_error() {
                        Some(d) => d.message().to_owned(),
                        None => e.to_string(),
                    })
            }
            _ => unreachable!("a test store is SQLite or PostgreSQL"),
        }
    }
}

impl TestStore {
    /// The single integer a raw SQL query returns (a count), behind the store's back.
    pub async fn raw_count(&self, sql: &str) -> Result<i64, String> {
        match (&self.sqlite_file, &self.pg) {
            (Some(file), _) => {
                let conn = rusqlite::Connection::open(file).map_err(|e| e.to_string())?;
                conn.query_row(sql, [], |r| r.get(0))
                    .map_err(|e| e.to_string())
            }
            (None, Some((url, schema))) => {
                let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
                    .await
                    .map_err(|e| e.to_string())?;
                tokio::spawn(conn);
                client
                    .batch_execute(&format!("SET search_path = {schema}"))
                    .await
                    .map_err(|e| e.to_string())?;
                let row = client
                    .query_one(sql, &[])
                    .await
                    .map_err(|e| e.to_string())?;
                Ok(row.get(0))
            }
            _ => unreachable!("a test store is SQLite or PostgreSQL"),
        }
    }
}

/// The fixed master key of test stores.
pub fn test_vault() -> Vault {
    Vault::new(SecretKey::from_bytes([42u8; 32]))
}

/// The PostgreSQL URL for tests; panics with a hint when it is not set.
pub fn postgres_url() -> String {
    std::env::var("VIGIE_TEST_DATABASE_URL")
        .expect("VIGIE_TEST_DATABASE_URL is not set: run the suite with scripts/test, which starts PostgreSQL")
}

static SCHEMA_SEQ: AtomicU32 = AtomicU32::new(0);

fn unique_schema() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "t_{}_{}_{}",
        std::process::id(),
        SCHEMA_SEQ.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

pub async fn sqlite_store() -> TestStore {
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = dir.path().join("vigie.db");
    let store = Store::open(&file.to_string_lossy(), test_vault())
        .await
        .expect("open SQLite test store");
    TestStore {
        store,
        sqlite_file: Some(file),
        pg: None,
        _dir: Some(dir),
    }
}

pub async fn postgres_store() -> TestStore {
    let url = postgres_url();
    let schema = unique_schema();
    let store = Store::open_postgres_schema(&url, &schema, test_vault())
        .await
        .expect("open PostgreSQL test store");
    TestStore {
        store,
        sqlite_file: None,
        pg: Some((url, schema)),
        _dir: None,
    }
}

/// Declares each test twice, in modules `sqlite` and `postgres`:
///
/// ```ignore
/// vigie_store::both_stores! {
///     my_test => |t: TestStore| async move { /* use t.store */ };
/// }
/// ```
#[macro_export]
macro_rules! both_stores {
    ($($name:ident => $body:expr;)+) => {
        mod sqlite {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let t = $crate::testing::sqlite_store().await;
                    ($body)(t).await
                }
            )+
        }
        mod postgres {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let t = $crate::testing::postgres_store().await;
                    ($body)(t).await
                }
            )+
        }
    };
}
