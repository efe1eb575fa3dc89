//! Connected systems: the other databases of the organization that hold personal data, declared
//! in a YAML file, and what access and erasure do to them.
//!
//! ```yaml
//! systems:
//!   - name: shop                      # a name for reports and the archive
//!     kind: sqlite                    # sqlite or postgres
//!     path: /var/lib/shop/shop.db     # sqlite: the file
//!     # url: postgres://…            # postgres: the URL, or url_env: SHOP_DATABASE_URL
//!     tables:
//!       - name: newsletter_subscribers
//!         match: { email: email }     # how rows join the person: email, phone, contact_ref columns
//!         erase: delete               # delete the rows (default: apply the column strategies)
//!       - name: customers
//!         match: { email: email, phone: phone, contact_ref: crm_ref }
//!         columns: { email: hash, phone: mask, first_name: "null", notes: "null" }
//!       - name: invoices
//!         match: { contact_ref: customer_ref }
//!         legal_hold: accounting      # kept (archived, restricted) instead of erased
//! processors:
//!   - name: callcentre
//!     webhook: https://callcentre.example/vigie
//!     secret_env: CALLCENTRE_WEBHOOK_SECRET   # or secret: "…"
//! ```
//!
//! Match columns must hold the normalized identifier (lower-cased e-mail, E.164 phone) and
//! should be indexed: a request reads and writes only the person's rows.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use vigie_core::dsar::LegalHold;

use crate::DsarError;

/// The connected systems file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Systems {
    #[serde(default)]
    pub systems: Vec<System>,
    #[serde(default)]
    pub processors: Vec<Processor>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SystemKind {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct System {
    pub name: String,
    pub kind: SystemKind,
    /// SQLite: the database file.
    pub path: Option<String>,
    /// PostgreSQL: the URL (prefer `url_env` to keep passwords out of the file).
    pub url: Option<String>,
    /// PostgreSQL: the environment variable holding the URL.
    pub url_env: Option<String>,
    pub tables: Vec<Table>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    pub name: String,
    /// How rows join the person.
    #[serde(rename = "match")]
    pub join: Join,
    /// Personal data columns and what erasure does to each.
    #[serde(default)]
    pub columns: BTreeMap<String, Strategy>,
    /// `delete`: erasure deletes the person's rows; `update` (default): applies `columns`.
    #[serde(default)]
    pub erase: TableErasure,
    /// Rows kept under a legal obligation: erasure leaves them (the answer says so).
    pub legal_hold: Option<LegalHold>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Join {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub contact_ref: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableErasure {
    Delete,
    #[default]
    Update,
}

/// What erasure does to a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// Deletes the whole row.
    Delete,
    /// Sets the column to NULL.
    Null,
    /// Replaces the value with a fixed mask.
    Mask,
    /// Replaces the value with the hex SHA-256 of the value (still joinable, no longer readable).
    Hash,
}

/// The text that replaces a masked value.
pub const MASK: &str = "[effacé]";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Processor {
    pub name: String,
    /// Where the signed notices are POSTed.
    pub webhook: String,
    pub secret: Option<String>,
    pub secret_env: Option<String>,
}

impl Processor {
    pub fn secret(&self) -> Result<Vec<u8>, DsarError> {
        if let Some(var) = &self.secret_env {
            return std::env::var(var).map(String::into_bytes).map_err(|_| {
                DsarError::Config(format!(
                    "processors.{}.secret_env: environment variable {var} is not set",
                    self.name
                ))
            });
        }
        self.secret.clone().map(String::into_bytes).ok_or_else(|| {
            DsarError::Config(format!(
                "processors.{}: give secret or secret_env (the webhook signing key)",
                self.name
            ))
        })
    }
}

/// Checks an SQL identifier (`table`, `schema.table`, `column`) and quotes it.
fn quote(what: &str, name: &str) -> Result<String, DsarError> {
    let part_ok = |p: &str| {
        !p.is_empty()
            && p.len() <= 63
            && p.bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
            && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    };
    let parts: Vec<&str> = name.split('.').collect();
    if parts.len() > 2 || !parts.iter().all(|p| part_ok(p)) {
        return Err(DsarError::Config(format!(
            "{what} {name:?}: use letters, digits and '_' (schema.table allowed)"
        )));
    }
    Ok(parts
        .iter()
        .map(|p| format!("\"{p}\""))
        .collect::<Vec<_>>()
        .join("."))
}

impl Systems {
    /// Reads and checks a connected systems file.
    pub fn load(path: &Path) -> Result<Systems, DsarError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| DsarError::Config(format!("{}: {e}", path.display())))?;
        Systems::parse(&text).map_err(|e| match e {
            DsarError::Config(m) => DsarError::Config(format!("{}: {m}", path.display())),
            e => e,
        })
    }

    pub fn parse(text: &str) -> Result<Systems, DsarError> {
        let s: Systems = serde_yaml_ng::from_str(text).map_err(|e| {
            DsarError::Config(match e.location() {
                Some(l) => format!("line {}, column {}: {e}", l.line(), l.column()),
                None => e.to_string(),
            })
        })?;
        for sys in &s.systems {
            let at = |m: String| DsarError::Config(format!("systems.{}: {m}", sys.name));
            match sys.kind {
                SystemKind::Sqlite if sys.path.is_none() => {
                    return Err(at("a sqlite system needs path".into()));
                }
                SystemKind::Postgres if sys.url.is_none() && sys.url_env.is_none() => {
                    return Err(at("a postgres system needs url or url_env".into()));
                }
                _ => {}
            }
            for t in &sys.tables {
                let at = |m: String| at(format!("tables.{}: {m}", t.name));
                quote("table", &t.name).map_err(|e| at(e.to_string()))?;
                let j = &t.join;
                if j.email.is_none() && j.phone.is_none() && j.contact_ref.is_none() {
                    return Err(at(
                        "match needs at least one of email, phone, contact_ref".into()
                    ));
                }
                for c in [&j.email, &j.phone, &j.contact_ref].into_iter().flatten() {
                    quote("match column", c).map_err(|e| at(e.to_string()))?;
                }
                for c in t.columns.keys() {
                    quote("column", c).map_err(|e| at(e.to_string()))?;
                }
                if t.erase == TableErasure::Update && t.legal_hold.is_none() && t.columns.is_empty()
                {
                    return Err(at(
                        "say what erasure does: erase: delete, or columns with null/mask/hash/delete"
                            .into(),
                    ));
                }
            }
        }
        for p in &s.processors {
            // Notices name the person: they travel over TLS, except to this machine.
            if let Err(rule) = vigie_core::webhooks::EndpointUrl::parse(&p.webhook) {
                return Err(DsarError::Config(format!(
                    "processors.{}.webhook: {rule}",
                    p.name
                )));
            }
        }
        Ok(s)
    }
}

/// Who to look for in a connected system.
#[derive(Debug, Clone, Default)]
pub struct Subject {
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub contact_ref: Option<String>,
}

/// The person's rows of one table, as JSON objects.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Collected {
    pub system: String,
    pub table: String,
    pub rows: Vec<serde_json::Map<String, serde_json::Value>>,
}

/// What erasure did to one table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TableResult {
    pub system: String,
    pub table: String,
    /// `deleted`, `updated`, `kept_legal_hold`, `none` or `failed`.
    pub action: String,
    pub rows: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_hold: Option<LegalHold>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The WHERE clause and its parameters for a table.
fn condition(t: &Table, s: &Subject, pg: bool) -> Result<(String, Vec<String>), DsarError> {
    let mut parts = Vec::new();
    let mut params = Vec::new();
    let mut add = |col: &Option<String>, values: &[String]| -> Result<(), DsarError> {
        if let Some(c) = col {
            for v in values {
                params.push(v.clone());
                let n = params.len();
                let p = if pg { format!("${n}") } else { format!("?{n}") };
                parts.push(format!("{} = {p}", quote("column", c)?));
            }
        }
        Ok(())
    };
    add(&t.join.email, &s.emails)?;
    add(&t.join.phone, &s.phones)?;
    add(&t.join.contact_ref, s.contact_ref.as_slice())?;
    Ok((parts.join(" OR "), params))
}

fn hash_hex(v: &str) -> String {
    hex::encode(Sha256::digest(v.as_bytes()))
}

impl System {
    fn pg_url(&self) -> Result<String, DsarError> {
        if let Some(var) = &self.url_env {
            return std::env::var(var).map_err(|_| {
                DsarError::Config(format!(
                    "systems.{}.url_env: environment variable {var} is not set",
                    self.name
                ))
            });
        }
        self.url
            .clone()
            .ok_or_else(|| DsarError::Config(format!("systems.{}: no url", self.name)))
    }

    fn err(&self, e: impl std::fmt::Display) -> DsarError {
        DsarError::System {
            system: self.name.clone(),
            message: e.to_string(),
        }
    }

    /// The person's rows in every table of the system.
    pub async fn collect(&self, s: &Subject) -> Result<Vec<Collected>, DsarError> {
        match self.kind {
            SystemKind::Sqlite => {
                let sys = self.clone();
                let s = s.clone();
                tokio::task::spawn_blocking(move || sys.collect_sqlite(&s))
                    .await
                    .map_err(|e| self.err(e))?
            }
            SystemKind::Postgres => self.collect_pg(s).await,
        }
    }

    fn open_sqlite(&self) -> Result<rusqlite::Connection, DsarError> {
        let path = self.path.as_deref().unwrap_or_default();
        let c = rusqlite::Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| self.err(format!("{path}: {e}")))?;
        c.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(|e| self.err(e))?;
        // Overwrite deleted content on disk: an erased value must not linger in free pages.
        c.execute_batch("PRAGMA secure_delete = ON;")
            .map_err(|e| self.err(e))?;
        Ok(c)
    }

    fn collect_sqlite(&self, s: &Subject) -> Result<Vec<Collected>, DsarError> {
        let c = self.open_sqlite()?;
        let mut out = Vec::new();
        for t in &self.tables {
            let (cond, params) = condition(t, s, false)?;
            let mut rows = Vec::new();
            if !cond.is_empty() {
                let sql = format!("SELECT * FROM {} WHERE {cond}", quote("table", &t.name)?);
                let mut stmt = c.prepare(&sql).map_err(|e| self.err(e))?;
                let names: Vec<String> = stmt.column_names().map(|n| n.to_string()).collect();
                let mut q = stmt
                    .query(rusqlite::params_from_iter(params.iter()))
                    .map_err(|e| self.err(e))?;
                while let Some(r) = q.next().map_err(|e| self.err(e))? {
                    let mut obj = serde_json::Map::new();
                    for (i, n) in names.iter().enumerate() {
                        use rusqlite::types::ValueRef;
                        let v = match r.get_ref(i).map_err(|e| self.err(e))? {
                            ValueRef::Null => serde_json::Value::Null,
                            ValueRef::Integer(i) => i.into(),
                            ValueRef::Real(f) => f.into(),
                            ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
                            ValueRef::Blob(b) => hex::encode(b).into(),
                        };
                        obj.insert(n.clone(), v);
                    }
                    rows.push(obj);
                }
            }
            out.push(Collected {
                system: self.name.clone(),
                table: t.name.clone(),
                rows,
            });
        }
        Ok(out)
    }

    async fn pg_client(&self) -> Result<tokio_postgres::Client, DsarError> {
        let (client, conn) = tokio_postgres::connect(&self.pg_url()?, tokio_postgres::NoTls)
            .await
            .map_err(|e| self.err(e))?;
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::warn!(error = %e, "connected system connection ended");
            }
        });
        Ok(client)
    }

    async fn collect_pg(&self, s: &Subject) -> Result<Vec<Collected>, DsarError> {
        let client = self.pg_client().await?;
        let mut out = Vec::new();
        for t in &self.tables {
            let (cond, params) = condition(t, s, true)?;
            let mut rows = Vec::new();
            if !cond.is_empty() {
                let sql = format!(
                    "SELECT row_to_json(t)::text FROM {} AS t WHERE {cond}",
                    quote("table", &t.name)?
                );
                let p: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = params
                    .iter()
                    .map(|v| v as &(dyn tokio_postgres::types::ToSql + Sync))
                    .collect();
                for r in client.query(&sql, &p).await.map_err(|e| self.err(e))? {
                    let text: String = r.get(0);
                    match serde_json::from_str(&text).map_err(|e| self.err(e))? {
                        serde_json::Value::Object(o) => rows.push(o),
                        other => return Err(self.err(format!("row is not an object: {other}"))),
                    }
                }
            }
            out.push(Collected {
                system: self.name.clone(),
                table: t.name.clone(),
                rows,
            });
        }
        Ok(out)
    }

    /// Applies each table's erasure strategy to the person's rows; tables under a legal hold
    /// that applies are left as they are. One transaction per system.
    pub async fn erase(&self, s: &Subject) -> Result<Vec<TableResult>, DsarError> {
        match self.kind {
            SystemKind::Sqlite => {
                let sys = self.clone();
                let s = s.clone();
                tokio::task::spawn_blocking(move || sys.erase_sqlite(&s))
                    .await
                    .map_err(|e| self.err(e))?
            }
            SystemKind::Postgres => self.erase_pg(s).await,
        }
    }

    fn result(&self, t: &Table, action: &str, rows: u64) -> TableResult {
        TableResult {
            system: self.name.clone(),
            table: t.name.clone(),
            action: action.into(),
            rows,
            legal_hold: t.legal_hold,
            error: None,
        }
    }

    /// The SET list of an update, with `hash` columns left to the caller (`hashed`).
    fn set_list(t: &Table) -> Result<(Vec<String>, Vec<String>), DsarError> {
        let mut set = Vec::new();
        let mut hashed = Vec::new();
        for (c, strat) in &t.columns {
            let q = quote("column", c)?;
            match strat {
                Strategy::Null => set.push(format!("{q} = NULL")),
                Strategy::Mask => set.push(format!("{q} = '{MASK}'")),
                Strategy::Hash => hashed.push(c.clone()),
                Strategy::Delete => {}
            }
        }
        Ok((set, hashed))
    }

    fn deletes(t: &Table) -> bool {
        t.erase == TableErasure::Delete || t.columns.values().any(|s| *s == Strategy::Delete)
    }

    fn erase_sqlite(&self, s: &Subject) -> Result<Vec<TableResult>, DsarError> {
        let mut c = self.open_sqlite()?;
        let tx = c.transaction().map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for t in &self.tables {
            let (cond, params) = condition(t, s, false)?;
            let table = quote("table", &t.name)?;
            if cond.is_empty() {
                out.push(self.result(t, "none", 0));
                continue;
            }
            if t.legal_hold.is_some() {
                let n: i64 = tx
                    .query_row(
                        &format!("SELECT count(*) FROM {table} WHERE {cond}"),
                        rusqlite::params_from_iter(params.iter()),
                        |r| r.get(0),
                    )
                    .map_err(|e| self.err(e))?;
                out.push(self.result(t, "kept_legal_hold", n as u64));
                continue;
            }
            if Self::deletes(t) {
                let n = tx
                    .execute(
                        &format!("DELETE FROM {table} WHERE {cond}"),
                        rusqlite::params_from_iter(params.iter()),
                    )
                    .map_err(|e| self.err(e))?;
                out.push(self.result(t, "deleted", n as u64));
                continue;
            }
            let (mut set, hashed) = Self::set_list(t)?;
            // Hashes are computed here (SQLite has no SHA-256): read the values by rowid first.
            let mut per_row: Vec<(i64, Vec<Option<String>>)> = Vec::new();
            if !hashed.is_empty() {
                let cols = hashed
                    .iter()
                    .map(|c| quote("column", c))
                    .collect::<Result<Vec<_>, _>>()?;
                let sql = format!(
                    "SELECT rowid, {} FROM {table} WHERE {cond}",
                    cols.join(", ")
                );
                let mut stmt = tx.prepare(&sql).map_err(|e| self.err(e))?;
                let mut q = stmt
                    .query(rusqlite::params_from_iter(params.iter()))
                    .map_err(|e| self.err(e))?;
                while let Some(r) = q.next().map_err(|e| self.err(e))? {
                    let id: i64 = r.get(0).map_err(|e| self.err(e))?;
                    let mut vals = Vec::new();
                    for i in 0..hashed.len() {
                        let v: Option<String> = r.get(i + 1).map_err(|e| self.err(e))?;
                        vals.push(v.map(|v| hash_hex(&v)));
                    }
                    per_row.push((id, vals));
                }
            }
            let n = if !set.is_empty() {
                tx.execute(
                    &format!("UPDATE {table} SET {} WHERE {cond}", set.join(", ")),
                    rusqlite::params_from_iter(params.iter()),
                )
                .map_err(|e| self.err(e))? as u64
            } else {
                per_row.len() as u64
            };
            if !hashed.is_empty() {
                set.clear();
                for (i, c) in hashed.iter().enumerate() {
                    set.push(format!("{} = ?{}", quote("column", c)?, i + 1));
                }
                let sql = format!(
                    "UPDATE {table} SET {} WHERE rowid = ?{}",
                    set.join(", "),
                    hashed.len() + 1
                );
                for (id, vals) in &per_row {
                    let mut p: Vec<rusqlite::types::Value> = vals
                        .iter()
                        .map(|v| match v {
                            Some(s) => rusqlite::types::Value::Text(s.clone()),
                            None => rusqlite::types::Value::Null,
                        })
                        .collect();
                    p.push(rusqlite::types::Value::Integer(*id));
                    tx.execute(&sql, rusqlite::params_from_iter(p.iter()))
                        .map_err(|e| self.err(e))?;
                }
            }
            out.push(self.result(t, "updated", n));
        }
        tx.commit().map_err(|e| self.err(e))?;
        Ok(out)
    }

    async fn erase_pg(&self, s: &Subject) -> Result<Vec<TableResult>, DsarError> {
        let mut client = self.pg_client().await?;
        let tx = client.transaction().await.map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for t in &self.tables {
            let (cond, params) = condition(t, s, true)?;
            let table = quote("table", &t.name)?;
            if cond.is_empty() {
                out.push(self.result(t, "none", 0));
                continue;
            }
            let p: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = params
                .iter()
                .map(|v| v as &(dyn tokio_postgres::types::ToSql + Sync))
                .collect();
            if t.legal_hold.is_some() {
                let n: i64 = tx
                    .query_one(&format!("SELECT count(*) FROM {table} WHERE {cond}"), &p)
                    .await
                    .map_err(|e| self.err(e))?
                    .get(0);
                out.push(self.result(t, "kept_legal_hold", n as u64));
                continue;
            }
            if Self::deletes(t) {
                let n = tx
                    .execute(&format!("DELETE FROM {table} WHERE {cond}"), &p)
                    .await
                    .map_err(|e| self.err(e))?;
                out.push(self.result(t, "deleted", n));
                continue;
            }
            let (mut set, hashed) = Self::set_list(t)?;
            for c in &hashed {
                let q = quote("column", c)?;
                set.push(format!(
                    "{q} = encode(sha256(convert_to({q}::text, 'UTF8')), 'hex')"
                ));
            }
            let n = tx
                .execute(
                    &format!("UPDATE {table} SET {} WHERE {cond}", set.join(", ")),
                    &p,
                )
                .await
                .map_err(|e| self.err(e))?;
            out.push(self.result(t, "updated", n));
        }
        tx.commit().await.map_err(|e| self.err(e))?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_checked_and_errors_name_the_field() {
        let ok = Systems::parse(
            "systems:\n  - name: shop\n    kind: sqlite\n    path: /tmp/x.db\n    tables:\n      - name: customers\n        match: { email: email }\n        columns: { email: hash, name: mask }\n      - name: invoices\n        match: { contact_ref: ref }\n        legal_hold: accounting\n",
        )
        .unwrap();
        assert_eq!(
            ok.systems[0].tables[1].legal_hold,
            Some(LegalHold::Accounting)
        );
        let no_match = Systems::parse(
            "systems:\n  - name: shop\n    kind: sqlite\n    path: x\n    tables:\n      - name: t\n        match: {}\n        erase: delete\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            no_match.contains("systems.shop: tables.t: match needs"),
            "{no_match}"
        );
        let bad_col = Systems::parse(
            "systems:\n  - name: shop\n    kind: sqlite\n    path: x\n    tables:\n      - name: t\n        match: { email: \"e; DROP TABLE t\" }\n        erase: delete\n",
        )
        .unwrap_err()
        .to_string();
        assert!(bad_col.contains("match column"), "{bad_col}");
        let nothing = Systems::parse(
            "systems:\n  - name: shop\n    kind: sqlite\n    path: x\n    tables:\n      - name: t\n        match: { email: e }\n",
        )
        .unwrap_err()
        .to_string();
        assert!(nothing.contains("say what erasure does"), "{nothing}");
        let unknown =
            Systems::parse("systems:\n  - name: shop\n    kind: oracle\n    tables: []\n")
                .unwrap_err()
                .to_string();
        assert!(unknown.contains("line 3"), "{unknown}");
        let http = Systems::parse(
            "processors:\n  - name: cc\n    webhook: http://callcentre.example/hook\n    secret: s\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            http.contains("processors.cc.webhook: an https:// URL"),
            "{http}"
        );
        Systems::parse(
            "processors:\n  - name: cc\n    webhook: http://127.0.0.1:9/hook\n    secret: s\n",
        )
        .unwrap();
        let pg = Systems::parse("systems:\n  - name: crm\n    kind: postgres\n    tables: []\n")
            .unwrap_err()
            .to_string();
        assert!(pg.contains("needs url or url_env"), "{pg}");
    }
}
