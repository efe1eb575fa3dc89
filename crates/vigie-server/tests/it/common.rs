//! The harness: the real router on a real port, against a real store from
//! `vigie_store::testing` — SQLite in a temporary directory or PostgreSQL (a schema of its own in
//! the database at VIGIE_TEST_DATABASE_URL, which scripts/test provides) — with its screening
//! jobs and cache in a temporary directory of its own.

use std::path::PathBuf;

pub use reqwest::{Method, StatusCode};
pub use serde_json::{Value, json};
use vigie_server::{AppState, ScreeningConfig};
use vigie_store::Store;
use vigie_store::testing::{TestStore, postgres_store, sqlite_store};

pub struct TestApp {
    pub base: String,
    /// An API token of the default organization holding every scope, sent by `req`.
    pub token: String,
    /// Tokens of other organizations, made on demand by `get_as`.
    org_tokens: tokio::sync::Mutex<std::collections::HashMap<String, String>>,
    client: reqwest::Client,
    pub store: Store,
    /// "sqlite" or "postgres".
    pub kind: &'static str,
    /// Where the server keeps uploads in progress and decisions files.
    pub jobs_dir: PathBuf,
    /// The SQLite store's file, for byte scans; `None` on PostgreSQL.
    pub sqlite_file: Option<PathBuf>,
    _store: TestStore,
    _dir: tempfile::TempDir,
}

/// A response, read whole.
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    /// The header `name`, or "" when it is missing or not text.
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Asserts a JSON error with this status and code, and returns its body.
    #[track_caller]
    pub fn error(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status.as_u16(), status, "{}", self.text);
        let ct = self.header("content-type");
        assert!(
            ct.starts_with("application/json"),
            "content-type {ct:?}: {}",
            self.text
        );
        let body = self.json();
        assert_eq!(body["error"]["code"], code, "{body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{body}"
        );
        body
    }

    /// Asserts an error naming `field`, in `field` and in the message.
    #[track_caller]
    pub fn field_error(&self, status: u16, code: &str, field: &str) -> Value {
        let body = self.error(status, code);
        assert_eq!(body["error"]["field"], field, "{body}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(
            message.contains(field),
            "the message should name {field}: {message}"
        );
        body
    }
}

impl TestApp {
    pub async fn sqlite() -> TestApp {
        Self::spawn(sqlite_store().await, "sqlite", |s| s).await
    }

    pub async fn postgres() -> TestApp {
        Self::spawn(postgres_store().await, "postgres", |s| s).await
    }

    /// A server on `kind` ("sqlite" or "postgres") configured by `configure` (a mailer …).
    pub async fn with(kind: &'static str, configure: impl FnOnce(AppState) -> AppState) -> TestApp {
        let store = match kind {
            "sqlite" => sqlite_store().await,
            _ => postgres_store().await,
        };
        Self::spawn(store, kind, configure).await
    }

    async fn spawn(
        test_store: TestStore,
        kind: &'static str,
        configure: impl FnOnce(AppState) -> AppState,
    ) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().unwrap();
        let config = ScreeningConfig::in_dir(dir.path());
        let jobs_dir = config.jobs_dir.clone();
        let store = test_store.store.clone();
        let token = all_scopes_token(&store, vigie_store::DEFAULT_ORG).await;
        let state = configure(AppState::with_screening(store.clone(), config));
        tokio::spawn(vigie_server::serve_until(
            listener,
            state,
            std::future::pending(),
        ));
        TestApp {
            base: format!("http://{addr}"),
            token,
            org_tokens: Default::default(),
            client: reqwest::Client::builder().no_proxy().build().unwrap(),
            store,
            kind,
            jobs_dir,
            sqlite_file: test_store.sqlite_file.clone(),
            _store: test_store,
            _dir: dir,
        }
    }

    /// Runs SQL on the store behind the server's back (someone with database access).
    pub async fn raw_sql(&self, sql: &str) {
        self._store.raw_sql(sql).await.expect("raw SQL");
    }

    /// Sends a request and reads the whole response; a 5xx fails the test.
    pub async fn send(&self, req: reqwest::RequestBuilder) -> Answer {
        let resp = req.send().await.expect("request");
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.expect("body");
        assert!(
            !status.is_server_error(),
            "a {status} must never happen: {text}"
        );
        Answer {
            status,
            headers,
            text,
        }
    }

    /// A request authenticated with the default organization's all-scopes token.
    pub fn req(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.anonymous(method, path).bearer_auth(&self.token)
    }

    /// A request with no credentials.
    pub fn anonymous(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.client.request(method, format!("{}{path}", self.base))
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(self.req(Method::GET, path)).await
    }

    /// A GET for the organization `org`, with an all-scopes token of that organization; for an
    /// organization that does not exist, the default token naming it in `Vigie-Org`.
    pub async fn get_as(&self, org: &str, path: &str) -> Answer {
        let token = {
            let mut tokens = self.org_tokens.lock().await;
            match tokens.get(org) {
                Some(t) => Some(t.clone()),
                None if self.store.org(org).await.unwrap().is_some() => {
                    let t = all_scopes_token(&self.store, org).await;
                    tokens.insert(org.to_owned(), t.clone());
                    Some(t)
                }
                None => None,
            }
        };
        let req = self.anonymous(Method::GET, path);
        let req = match token {
            Some(t) => req.bearer_auth(t),
            None => req.bearer_auth(&self.token).header("vigie-org", org),
        };
        self.send(req).await
    }

    pub async fn json(&self, method: Method, path: &str, body: &Value) -> Answer {
        self.send(self.req(method, path).json(body)).await
    }

    /// Sends `body` as is, labelled JSON.
    pub async fn raw(&self, method: Method, path: &str, body: &str) -> Answer {
        self.send(
            self.req(method, path)
                .header("content-type", "application/json")
                .body(body.to_owned()),
        )
        .await
    }

    /// POSTs a JSON body declared larger than the 1 MiB limit of the JSON routes, sending only
    /// limit + 1 bytes of it. The server reads what it was sent, answers 413 and closes; a client
    /// that kept sending would make that close a reset and could lose the answer.
    pub async fn oversized_json_post(&self, path: &str) -> Answer {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        const LIMIT: usize = 1 << 20;
        let addr = self.base.trim_start_matches("http://");
        let mut tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
             Authorization: Bearer {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            self.token,
            2 * LIMIT
        );
        tcp.write_all(head.as_bytes()).await.expect("head");
        tcp.write_all(&vec![b' '; LIMIT + 1]).await.expect("body");
        let mut raw = Vec::new();
        tcp.read_to_end(&mut raw).await.expect("response");
        let raw = String::from_utf8(raw).expect("UTF-8 response");
        let (head, body) = raw.split_once("\r\n\r\n").expect("a response head");
        let status: u16 = head
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .expect("status");
        let mut headers = reqwest::header::HeaderMap::new();
        for line in head.lines().skip(1) {
            if let Some((k, v)) = line.split_once(':') {
                headers.insert(
                    reqwest::header::HeaderName::from_bytes(
                        k.trim().to_ascii_lowercase().as_bytes(),
                    )
                    .unwrap(),
                    v.trim().parse().unwrap(),
                );
            }
        }
        let chunked = headers
            .get("transfer-encoding")
            .is_some_and(|v| v == "chunked");
        let text = if chunked {
            dechunk(body)
        } else {
            body.to_owned()
        };
        Answer {
            status: StatusCode::from_u16(status).unwrap(),
            headers,
            text,
        }
    }

    /// Creates a contact (201) and returns it.
    pub async fn create(&self, body: Value) -> Value {
        let a = self.json(Method::POST, "/api/v1/contacts", &body).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        a.json()
    }

    /// Appends an event to the ledger of `contact_ref`.
    pub async fn event(&self, contact_ref: &str, body: Value) -> Answer {
        self.json(
            Method::POST,
            &format!("/api/v1/contacts/{contact_ref}/events"),
            &body,
        )
        .await
    }
}

/// A person signed in (second factor given) with `role` in each of `orgs`: the `Cookie` header
/// value and the session's CSRF token.
pub async fn signed_in(
    store: &Store,
    email: &str,
    role: vigie_core::Role,
    orgs: &[&str],
) -> (String, String) {
    let mut user = None;
    for slug in orgs {
        let org = store.require_org(slug).await.expect("organization");
        user = Some(
            store
                .add_member(org.id, email, role)
                .await
                .expect("member")
                .0,
        );
    }
    let user = user.expect("at least one organization");
    let (cookie, session) = store
        .create_session(user.id, true, vigie_store::SessionPolicy::default())
        .await
        .expect("session");
    (format!("vigie_session={cookie}"), session.csrf)
}

/// A token of organization `slug` holding every scope.
pub async fn all_scopes_token(store: &Store, slug: &str) -> String {
    let org = store.require_org(slug).await.expect("organization");
    let scopes: Vec<_> = vigie_core::Permission::scopes().collect();
    store
        .create_token(org.id, "tests", &scopes, None, "test")
        .await
        .expect("token")
        .secret
}

/// Writes each test once and runs it on both stores: `name::sqlite` and `name::postgres`.
macro_rules! both_stores {
    ($(async fn $name:ident($app:ident) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($app: $crate::common::TestApp) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                body($crate::common::TestApp::sqlite().await).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                body($crate::common::TestApp::postgres().await).await
            }
        }
    )*};
}
pub(crate) use both_stores;

/// Decodes an HTTP/1.1 chunked body.
fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).expect("chunk size");
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        body = &rest[n + 2..];
    }
    out
}

/// An urlencoded form body, as a browser sends it.
pub fn form_body(pairs: &[(&str, &str)]) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect::<String>()
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}
