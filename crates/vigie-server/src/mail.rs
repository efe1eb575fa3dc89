//! E-mail to people (the privacy centre's one-time codes, the reasons of an extension, the
//! confirmation links of consent forms), over SMTP with `lettre`.
//!
//! Three ways to reach a relay, named by the URL's scheme:
//! - `smtp://host[:port]` (port 25): plain SMTP to a relay the server trusts by network (a local
//!   MTA, or one on the same private network) which carries the mail on with TLS; no
//!   credentials (they would travel in clear);
//! - `smtp+starttls://host[:port]` (port 587): STARTTLS is required — a relay that does not offer
//!   it, or whose certificate does not verify, gets nothing (no silent fall back to clear text);
//! - `smtps://host[:port]` (port 465): implicit TLS from the first byte.
//!
//! TLS is rustls on the `ring` provider; the relay's certificate is checked against the system's
//! certificates plus, for a private relay, an extra CA file. Authentication (user and password)
//! only over TLS. Messages are plain text, UTF-8, quoted-printable. Nothing of a message, nor
//! the password, is ever logged.

use std::time::Duration;

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Mailbox, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Where and as whom mail is sent.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.email.to_string())
            .finish()
    }
}

/// A mailer that could not be configured, or a message that could not be sent.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct MailError(pub String);

/// How the connection to the relay is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// No TLS: a relay trusted by network.
    Plain,
    /// STARTTLS, required.
    StartTls,
    /// TLS from the first byte.
    Implicit,
}

/// Everything `vigie serve` knows about its relay. The password never comes from the command
/// line (an environment variable or a file): `Debug` hides it.
#[derive(Clone, Default)]
pub struct SmtpSettings {
    /// `smtp://`, `smtp+starttls://` or `smtps://` then `host[:port]`.
    pub url: String,
    /// The sender, e.g. `"ACME DPO <dpo@acme.example>"`.
    pub from: String,
    pub user: Option<String>,
    pub password: Option<String>,
    /// PEM certificates of a private relay's CA, trusted besides the system's.
    pub extra_ca_pem: Option<Vec<u8>>,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("url", &self.url)
            .field("from", &self.from)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "(redacted)"))
            .field("extra_ca_pem", &self.extra_ca_pem.as_ref().map(Vec::len))
            .finish()
    }
}

const CERTIFICATE_PEM: &[u8] = b"-----BEGIN CERTIFICATE-----";

/// The scheme, host and port of a relay URL.
fn parse_url(url: &str) -> Result<(SmtpSecurity, String, u16), MailError> {
    let expected = "expected smtp://host[:port] (a relay trusted by network), \
                    smtp+starttls://host[:port] or smtps://host[:port]";
    let (security, rest, default_port) = if let Some(r) = url.strip_prefix("smtp://") {
        (SmtpSecurity::Plain, r, 25)
    } else if let Some(r) = url.strip_prefix("smtp+starttls://") {
        (SmtpSecurity::StartTls, r, 587)
    } else if let Some(r) = url.strip_prefix("smtps://") {
        (SmtpSecurity::Implicit, r, 465)
    } else {
        return Err(MailError(format!("--smtp-url {url:?}: {expected}")));
    };
    let rest = rest.trim_end_matches('/');
    if rest.contains('@') || rest.contains('/') || rest.contains('?') {
        return Err(MailError(format!(
            "--smtp-url {url:?}: {expected}; no credentials, path or options in the URL \
             (the user goes in --smtp-user, the password in VIGIE_SMTP_PASSWORD or \
             --smtp-password-file)"
        )));
    }
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || rest.starts_with('[') => (
            h.trim_start_matches('[').trim_end_matches(']').to_owned(),
            p.parse::<u16>()
                .map_err(|_| MailError(format!("--smtp-url {url:?}: bad port {p:?}")))?,
        ),
        _ => (rest.to_owned(), default_port),
    };
    if host.is_empty() {
        return Err(MailError(format!("--smtp-url {url:?}: no host")));
    }
    Ok((security, host, port))
}

impl Mailer {
    /// A mailer on a plain relay trusted by network: `url` is `smtp://host[:port]`.
    pub fn new(url: &str, from: &str) -> Result<Mailer, MailError> {
        Mailer::configure(&SmtpSettings {
            url: url.to_owned(),
            from: from.to_owned(),
            ..SmtpSettings::default()
        })
    }

    /// A mailer as `settings` say. Refused: credentials or a CA file on a plain connection
    /// (they would be sent in clear, or mean TLS was intended), a user without a password,
    /// a CA file with no certificate.
    pub fn configure(settings: &SmtpSettings) -> Result<Mailer, MailError> {
        let url = &settings.url;
        let (security, host, port) = parse_url(url)?;
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|e| MailError(format!("--mail-from {:?}: {e}", settings.from)))?;
        let credentials = match (&settings.user, &settings.password) {
            (Some(u), Some(p)) => Some(Credentials::new(u.clone(), p.clone())),
            (None, None) => None,
            (Some(_), None) => {
                return Err(MailError(
                    "--smtp-user: no password (VIGIE_SMTP_PASSWORD or --smtp-password-file)".into(),
                ));
            }
            (None, Some(_)) => {
                return Err(MailError(
                    "an SMTP password without --smtp-user: whose password is it?".into(),
                ));
            }
        };
        if security == SmtpSecurity::Plain
            && (credentials.is_some() || settings.extra_ca_pem.is_some())
        {
            return Err(MailError(format!(
                "--smtp-url {url:?}: credentials and a CA file need TLS: use smtp+starttls:// \
                 or smtps:// (a password is never sent in clear)"
            )));
        }
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host.clone())
            .port(port)
            .timeout(Some(Duration::from_secs(15)));
        if security != SmtpSecurity::Plain {
            let mut tls = TlsParameters::builder(host);
            if let Some(pem) = &settings.extra_ca_pem {
                // lettre reads every certificate of the file; one without any is a mistake.
                if !pem
                    .windows(CERTIFICATE_PEM.len())
                    .any(|w| w == CERTIFICATE_PEM)
                {
                    return Err(MailError(
                        "--smtp-ca-file: no PEM certificate (-----BEGIN CERTIFICATE-----) in it"
                            .into(),
                    ));
                }
                let certs = Certificate::from_pem(pem)
                    .map_err(|e| MailError(format!("--smtp-ca-file: {e}")))?;
                tls = tls.add_root_certificate(certs);
            }
            let tls = tls
                .build_rustls()
                .map_err(|e| MailError(format!("SMTP TLS: {e}")))?;
            builder = builder.tls(match security {
                SmtpSecurity::StartTls => Tls::Required(tls),
                _ => Tls::Wrapper(tls),
            });
        }
        if let Some(c) = credentials {
            builder = builder.credentials(c);
        }
        Ok(Mailer {
            transport: builder.build(),
            from,
        })
    }

    /// Sends one plain-text message to `to`.
    pub async fn send(&self, to: &str, subject: &str, body: String) -> Result<(), MailError> {
        let to: Mailbox = to
            .parse()
            .map_err(|_| MailError("the recipient's address is not valid".into()))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .header(ContentTransferEncoding::QuotedPrintable)
                    .body(body),
            )
            .map_err(|e| MailError(format!("message: {e}")))?;
        self.transport
            .send(message)
            .await
            .map_err(|e| MailError(format!("SMTP: {e}")))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_smtp_host_and_port_only() {
        assert!(Mailer::new("smtp://127.0.0.1:2525", "dpo@acme.example").is_ok());
        assert!(Mailer::new("smtp://mail.internal", "Vigie <dpo@acme.example>").is_ok());
        assert!(Mailer::new("smtps://mail.internal", "dpo@acme.example").is_ok());
        assert!(Mailer::new("smtp+starttls://mail.internal:587", "dpo@acme.example").is_ok());
        assert!(Mailer::new("smtp+tls://mail.internal", "dpo@acme.example").is_err());
        assert!(Mailer::new("smtp://u:p@mail.internal", "dpo@acme.example").is_err());
        assert!(Mailer::new("smtp://mail.internal:x", "dpo@acme.example").is_err());
        assert!(Mailer::new("smtp://mail.internal", "not an address").is_err());
    }

    #[test]
    fn secrets_and_a_ca_need_tls() {
        let with = |url: &str, user: Option<&str>, password: Option<&str>| SmtpSettings {
            url: url.into(),
            from: "dpo@acme.example".into(),
            user: user.map(Into::into),
            password: password.map(Into::into),
            extra_ca_pem: None,
        };
        let plain = with("smtp://relay", Some("u"), Some("p"));
        let e = Mailer::configure(&plain).unwrap_err().0;
        assert!(e.contains("never sent in clear"), "{e}");
        assert!(Mailer::configure(&with("smtps://relay", Some("u"), Some("p"))).is_ok());
        assert!(Mailer::configure(&with("smtps://relay", Some("u"), None)).is_err());
        assert!(Mailer::configure(&with("smtps://relay", None, Some("p"))).is_err());
        let ca = SmtpSettings {
            extra_ca_pem: Some(b"not a certificate".to_vec()),
            ..with("smtps://relay", None, None)
        };
        let e = Mailer::configure(&ca).unwrap_err().0;
        assert!(e.contains("--smtp-ca-file"), "{e}");
        // The password never shows in a debug print.
        let shown = format!(
            "{:?}",
            with("smtps://relay", Some("u"), Some("hunter2-secret"))
        );
        assert!(
            !shown.contains("hunter2") && shown.contains("redacted"),
            "{shown}"
        );
    }
}
