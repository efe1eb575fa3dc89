//! A test SMTP server on 127.0.0.1, with TLS: STARTTLS on a submission-like port or implicit
//! TLS from the first byte, AUTH PLAIN, and the messages handed to the test. Its certificate
//! (`tests/fixtures/smtp/server.pem`, for `localhost` and 127.0.0.1, valid until 2126) is signed by
//! the test CA `ca.pem`, which the test gives the mailer as its extra CA; `other-ca.pem` is a CA
//! that signed nothing of this server.
//!
//! Speaks EHLO/HELO, STARTTLS, AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP and QUIT; with a user
//! set, mail is refused before authentication, and authentication before TLS.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use vigie_server::{Mailer, SmtpSettings};

pub const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/smtp");

/// The test CA, PEM.
pub fn test_ca() -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/ca.pem")).unwrap()
}

/// A CA that signed nothing of the test server.
pub fn other_ca() -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/other-ca.pem")).unwrap()
}

/// How clients reach the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Clear text, as a local relay.
    Plain,
    /// Clear text until STARTTLS.
    StartTls,
    /// TLS from the first byte.
    Implicit,
}

/// One message as received.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// The DATA, lines joined with `\n`, dot-stuffing undone.
    pub data: String,
    /// Whether the message came over TLS.
    pub tls: bool,
    /// The user that authenticated, if any.
    pub user: Option<String>,
}

impl Received {
    /// The body with quoted-printable soft breaks and `=XX` escapes undone (the mailer writes
    /// text bodies quoted-printable).
    pub fn text(&self) -> String {
        let joined = self.data.replace("=\n", "");
        let bytes = joined.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'='
                && i + 2 < bytes.len()
                && let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
            {
                out.push(b);
                i += 3;
                continue;
            }
            out.push(bytes[i]);
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

/// A running server; it stops with the test's runtime.
#[derive(Clone)]
pub struct SmtpServer {
    pub port: u16,
    pub mode: Mode,
    messages: Arc<Mutex<Vec<Received>>>,
    /// The next this many messages are refused with a temporary failure (a relay that is down).
    pub refuse: Arc<AtomicUsize>,
}

trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// A TLS acceptor with the test certificate (for `localhost` and 127.0.0.1, signed by the test CA).
pub fn acceptor() -> TlsAcceptor {
    let certs: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(format!("{FIXTURES}/server.pem"))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
    let key = PrivateKeyDer::from_pem_file(format!("{FIXTURES}/server.key")).unwrap();
    // The crate's one provider (ring), as the mailer uses.
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    TlsAcceptor::from(Arc::new(config))
}

impl SmtpServer {
    /// Starts a server; with `login`, clients must authenticate as (user, password) over TLS.
    pub async fn start(mode: Mode, login: Option<(&str, &str)>) -> SmtpServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let messages = Arc::new(Mutex::new(Vec::new()));
        let kept = messages.clone();
        let login = login.map(|(u, p)| (u.to_owned(), p.to_owned()));
        let acceptor = acceptor();
        let refuse = Arc::new(AtomicUsize::new(0));
        let refusals = refuse.clone();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let (kept, login, acceptor) = (kept.clone(), login.clone(), acceptor.clone());
                let refusals = refusals.clone();
                tokio::spawn(async move {
                    let _ = session(tcp, mode, login, acceptor, kept, refusals).await;
                });
            }
        });
        SmtpServer {
            port,
            mode,
            messages,
            refuse,
        }
    }

    /// The URL a mailer reaches this server at.
    pub fn url(&self) -> String {
        let scheme = match self.mode {
            Mode::Plain => "smtp",
            Mode::StartTls => "smtp+starttls",
            Mode::Implicit => "smtps",
        };
        format!("{scheme}://127.0.0.1:{}", self.port)
    }

    /// A mailer for this server, trusting `ca` besides the system's CAs.
    pub fn mailer(&self, login: Option<(&str, &str)>, ca: Option<Vec<u8>>) -> Mailer {
        Mailer::configure(&SmtpSettings {
            url: self.url(),
            from: "ACME DPO <dpo@acme.example>".into(),
            user: login.map(|l| l.0.to_owned()),
            password: login.map(|l| l.1.to_owned()),
            extra_ca_pem: ca,
        })
        .unwrap()
    }

    pub fn messages(&self) -> Vec<Received> {
        self.messages.lock().unwrap().clone()
    }

    /// Waits (up to 10 s) until `n` messages were received, and returns them.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..200 {
            let m = self.messages();
            if m.len() >= n {
                return m;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "{n} message(s) expected, {} received",
            self.messages().len()
        );
    }
}

async fn session(
    tcp: tokio::net::TcpStream,
    mode: Mode,
    login: Option<(String, String)>,
    acceptor: TlsAcceptor,
    kept: Arc<Mutex<Vec<Received>>>,
    refusals: Arc<AtomicUsize>,
) -> std::io::Result<()> {
    let mut tls = mode == Mode::Implicit;
    let stream: Box<dyn Stream> = if tls {
        Box::new(acceptor.accept(tcp).await?)
    } else {
        Box::new(tcp)
    };
    let mut io = BufReader::new(stream);
    io.write_all(b"220 localhost test ESMTP\r\n").await?;
    let mut user: Option<String> = None;
    let mut from = String::new();
    let mut to = Vec::new();
    loop {
        let mut line = String::new();
        if io.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let line = line.trim_end();
        let verb = line
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        let arg = line.get(verb.len()..).unwrap_or("").trim();
        let answer: String = match verb.as_str() {
            "EHLO" => {
                let mut a = String::from("250-localhost\r\n");
                if mode == Mode::StartTls && !tls {
                    a.push_str("250-STARTTLS\r\n");
                }
                if tls && login.is_some() {
                    a.push_str("250-AUTH PLAIN\r\n");
                }
                a.push_str("250 8BITMIME\r\n");
                a
            }
            "HELO" => "250 localhost\r\n".into(),
            "STARTTLS" if mode == Mode::StartTls && !tls => {
                io.write_all(b"220 go ahead\r\n").await?;
                let inner = io.into_inner();
                let secured = acceptor.accept(inner).await?;
                io = BufReader::new(Box::new(secured) as Box<dyn Stream>);
                tls = true;
                continue;
            }
            "AUTH" if tls && login.is_some() => {
                let given = arg.strip_prefix("PLAIN").map(str::trim).unwrap_or("");
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(given)
                    .unwrap_or_default();
                let parts: Vec<&[u8]> = decoded.split(|b| *b == 0).collect();
                let (u, p) = login.as_ref().unwrap();
                if parts.len() == 3 && parts[1] == u.as_bytes() && parts[2] == p.as_bytes() {
                    user = Some(u.clone());
                    "235 authenticated\r\n".into()
                } else {
                    "535 bad credentials\r\n".into()
                }
            }
            "MAIL" if login.is_some() && user.is_none() => "530 authenticate first\r\n".into(),
            "MAIL" => {
                from = arg.trim_start_matches("FROM:").trim().to_owned();
                to.clear();
                "250 ok\r\n".into()
            }
            "RCPT" => {
                to.push(arg.trim_start_matches("TO:").trim().to_owned());
                "250 ok\r\n".into()
            }
            "DATA" => {
                io.write_all(b"354 go on\r\n").await?;
                let mut data = String::new();
                loop {
                    let mut l = String::new();
                    if io.read_line(&mut l).await? == 0 {
                        return Ok(());
                    }
                    let l = l.trim_end_matches(['\r', '\n']);
                    if l == "." {
                        break;
                    }
                    data.push_str(l.strip_prefix('.').unwrap_or(l));
                    data.push('\n');
                }
                let refused = refusals
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok();
                if refused {
                    "451 try again later\r\n".into()
                } else {
                    kept.lock().unwrap().push(Received {
                        from: from.clone(),
                        to: to.clone(),
                        data,
                        tls,
                        user: user.clone(),
                    });
                    "250 kept\r\n".into()
                }
            }
            "RSET" | "NOOP" => "250 ok\r\n".into(),
            "QUIT" => {
                io.write_all(b"221 bye\r\n").await?;
                return Ok(());
            }
            _ => "502 not here\r\n".into(),
        };
        io.write_all(answer.as_bytes()).await?;
    }
}

// --------------------------------------------------------------------------------- tests

const LOGIN: (&str, &str) = ("acme-relay", "s3cret-relay-password");

#[tokio::test]
async fn a_message_goes_through_starttls_with_auth() {
    let server = SmtpServer::start(Mode::StartTls, Some(LOGIN)).await;
    let mailer = server.mailer(Some(LOGIN), Some(test_ca()));
    mailer
        .send("ines@example.org", "Bonjour", "Confirmez : é à ç".into())
        .await
        .unwrap();
    let m = server.wait_for(1).await;
    assert!(m[0].tls, "STARTTLS was used");
    assert_eq!(m[0].user.as_deref(), Some("acme-relay"));
    assert_eq!(m[0].from, "<dpo@acme.example>");
    assert_eq!(m[0].to, ["<ines@example.org>"]);
    assert!(m[0].text().contains("Confirmez : é à ç"), "{}", m[0].data);
}

#[tokio::test]
async fn a_message_goes_through_implicit_tls() {
    let server = SmtpServer::start(Mode::Implicit, Some(LOGIN)).await;
    let mailer = server.mailer(Some(LOGIN), Some(test_ca()));
    mailer
        .send("ines@example.org", "Hello", "Over TLS".into())
        .await
        .unwrap();
    let m = server.wait_for(1).await;
    assert!(m[0].tls);
    assert_eq!(m[0].user.as_deref(), Some("acme-relay"));
}

#[tokio::test]
async fn a_relay_signed_by_another_ca_gets_nothing() {
    for mode in [Mode::StartTls, Mode::Implicit] {
        let server = SmtpServer::start(mode, Some(LOGIN)).await;
        // Only the system's CAs and one that did not sign the server: the handshake fails and
        // nothing goes in clear instead.
        let mailer = server.mailer(Some(LOGIN), Some(other_ca()));
        let e = mailer
            .send("ines@example.org", "Hello", "secret body".into())
            .await
            .unwrap_err();
        assert!(e.0.contains("SMTP"), "{mode:?}: {e}");
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(server.messages().is_empty(), "{mode:?}: nothing delivered");
    }
}

#[tokio::test]
async fn a_relay_without_starttls_gets_nothing() {
    // A relay that offers no STARTTLS (or an attacker who strips it from EHLO) : required TLS
    // means the mailer gives up instead of sending in clear.
    let server = SmtpServer::start(Mode::Plain, None).await;
    let mailer = Mailer::configure(&SmtpSettings {
        url: format!("smtp+starttls://127.0.0.1:{}", server.port),
        from: "dpo@acme.example".into(),
        extra_ca_pem: Some(test_ca()),
        ..SmtpSettings::default()
    })
    .unwrap();
    assert!(
        mailer
            .send("ines@example.org", "Hello", "secret".into())
            .await
            .is_err()
    );
    assert!(server.messages().is_empty());
}

#[tokio::test]
async fn the_plain_local_relay_stays() {
    let server = SmtpServer::start(Mode::Plain, None).await;
    let mailer = Mailer::new(&server.url(), "dpo@acme.example").unwrap();
    mailer
        .send("ines@example.org", "Hello", "plain".into())
        .await
        .unwrap();
    let m = server.wait_for(1).await;
    assert!(!m[0].tls);
}
