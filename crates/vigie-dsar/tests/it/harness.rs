//! Shared pieces: a person, a connected SQLite database, a connected PostgreSQL schema, and a
//! webhook listener that records what it receives.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use vigie_core::{Audience, ContactRef, Email, PhoneE164, Region};
use vigie_store::ContactData;

pub const EMAIL: &str = "ines.baradel@example.org";
pub const PHONE: &str = "+33687654321";
pub const OTHER_EMAIL: &str = "someone.else@example.org";

pub fn person(r: &str, customer: bool) -> ContactData {
    ContactData {
        contact_ref: ContactRef::parse(r).unwrap(),
        email: Some(Email::parse(EMAIL).unwrap()),
        phone: Some(PhoneE164::parse(PHONE, Region::FR).unwrap()),
        first_name: Some("Inès".into()),
        last_name: Some("Baradel".into()),
        audience: Audience::Consumer,
        customer,
        customer_categories: vec![],
        collected_via: Some("trade_show".into()),
        collected_at: Some("2025-03-01T09:00:00Z".parse().unwrap()),
        informed: true,
        objection_offered: true,
        contract_active: false,
        restricted: false,
        time_zone: None,
        relationship_ended_at: None,
    }
}

/// A connected SQLite database with the person's rows and someone else's.
pub fn shop_db(dir: &Path) -> PathBuf {
    let path = dir.join("shop.db");
    let c = rusqlite::Connection::open(&path).unwrap();
    c.execute_batch(&format!(
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT, phone TEXT, first_name TEXT, notes TEXT, crm_ref TEXT);
         CREATE INDEX customers_email ON customers (email);
         CREATE TABLE newsletter (email TEXT PRIMARY KEY, since TEXT);
         CREATE TABLE invoices (id INTEGER PRIMARY KEY, customer_ref TEXT, amount_cents INTEGER);
         INSERT INTO customers (email, phone, first_name, notes, crm_ref) VALUES
             ('{EMAIL}', '{PHONE}', 'Inès', 'prefers mornings', 'P1'),
             ('{OTHER_EMAIL}', '+33600000001', 'Paul', 'n/a', 'P9');
         INSERT INTO newsletter VALUES ('{EMAIL}', '2025-01-01'), ('{OTHER_EMAIL}', '2025-02-02');
         INSERT INTO invoices (customer_ref, amount_cents) VALUES ('P1', 12900), ('P9', 500);"
    ))
    .unwrap();
    path
}

/// A connected PostgreSQL schema with a `crm.people` like table; `None` without PostgreSQL.
pub async fn crm_schema() -> (String, String) {
    let url = vigie_store::testing::postgres_url();
    let schema = format!(
        "crm_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    );
    let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    client
        .batch_execute(&format!(
            "CREATE SCHEMA {schema};
             CREATE TABLE {schema}.people (id BIGSERIAL PRIMARY KEY, email TEXT, phone TEXT, name TEXT, score INT);
             INSERT INTO {schema}.people (email, phone, name, score) VALUES
                 ('{EMAIL}', '{PHONE}', 'Inès Baradel', 7), ('{OTHER_EMAIL}', NULL, 'Paul', 3);"
        ))
        .await
        .unwrap();
    (url, schema)
}

pub async fn pg_rows(url: &str, sql: &str) -> Vec<String> {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    client
        .query(sql, &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect()
}

/// The connected systems file for these databases and a processor at `hook`.
pub fn systems_yaml(shop: &Path, pg: Option<(&str, &str)>, hook: &str) -> String {
    let mut y = format!(
        "systems:
  - name: shop
    kind: sqlite
    path: {}
    tables:
      - name: customers
        match: {{ email: email, phone: phone, contact_ref: crm_ref }}
        columns: {{ email: hash, phone: mask, first_name: \"null\", notes: \"null\" }}
      - name: newsletter
        match: {{ email: email }}
        erase: delete
      - name: invoices
        match: {{ contact_ref: customer_ref }}
        legal_hold: accounting
",
        shop.display()
    );
    if let Some((url, schema)) = pg {
        y.push_str(&format!(
            "  - name: crm
    kind: postgres
    url: {url}
    tables:
      - name: {schema}.people
        match: {{ email: email, phone: phone }}
        columns: {{ email: hash, phone: \"null\", name: mask }}
"
        ));
    }
    y.push_str(&format!(
        "processors:
  - name: callcentre
    webhook: {hook}
    secret: hook-secret
"
    ));
    y
}

/// One request received by the webhook listener.
#[derive(Debug, Clone)]
pub struct Received {
    pub signature: String,
    pub body: Vec<u8>,
}

/// A tiny HTTP listener on 127.0.0.1: answers 200 to every POST and keeps what it received.
pub async fn webhook() -> (String, Arc<Mutex<Vec<Received>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let got: Arc<Mutex<Vec<Received>>> = Arc::default();
    let sink = got.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let sink = sink.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                let (head_end, length) = loop {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buf[..i]).to_lowercase();
                        let len = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .map(|v| v.trim().parse::<usize>().unwrap())
                            .unwrap_or(0);
                        break (i + 4, len);
                    }
                };
                while buf.len() < head_end + length {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                }
                let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                let signature = head
                    .lines()
                    .find_map(|l| {
                        l.split_once(':')
                            .filter(|(k, _)| k.eq_ignore_ascii_case("vigie-signature"))
                            .map(|(_, v)| v.trim().to_owned())
                    })
                    .unwrap_or_default();
                sink.lock().unwrap().push(Received {
                    signature,
                    body: buf[head_end..head_end + length].to_vec(),
                });
                let _ = sock
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                    .await;
            });
        }
    });
    (url, got)
}

/// Whether `needle` appears anywhere in the files.
pub fn in_files(files: &[PathBuf], needle: &str) -> bool {
    files.iter().any(|f| {
        std::fs::read(f)
            .map(|b| b.windows(needle.len()).any(|w| w == needle.as_bytes()))
            .unwrap_or(false)
    })
}

/// A file and its SQLite companions (-wal, -journal).
pub fn with_companions(file: &Path) -> Vec<PathBuf> {
    ["", "-wal", "-journal"]
        .iter()
        .map(|s| PathBuf::from(format!("{}{s}", file.display())))
        .collect()
}
