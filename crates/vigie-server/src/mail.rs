//! E-mail to people who file requests in the privacy centre (one-time codes, the reasons of an
//! extension), over SMTP with `lettre`.
//!
//! No TLS stack is built in: the server hands its mail to a relay it trusts (a local MTA on
//! `smtp://127.0.0.1:25`, or one on the same private network) which carries it on with TLS.
//! Messages are plain text, UTF-8, quoted-printable. Nothing of a message is ever logged.

use std::time::Duration;

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Mailbox, SinglePart};
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

impl Mailer {
    /// `url` is `smtp://host[:port]` (port 25 by default); `from` the sender's address.
    pub fn new(url: &str, from: &str) -> Result<Mailer, MailError> {
        let rest = url.strip_prefix("smtp://").ok_or_else(|| {
            MailError(format!(
                "--smtp-url {url:?}: expected smtp://host[:port] (Vigie relays through an MTA \
                 that carries the mail on with TLS; smtps:// is not supported)"
            ))
        })?;
        let rest = rest.trim_end_matches('/');
        if rest.contains('@') || rest.contains('/') || rest.contains('?') {
            return Err(MailError(format!(
                "--smtp-url {url:?}: expected smtp://host[:port], no credentials, path or options \
                 (credentials would travel in clear: let the relay authenticate by network)"
            )));
        }
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || rest.starts_with('[') => (
                h.trim_start_matches('[').trim_end_matches(']').to_owned(),
                p.parse::<u16>()
                    .map_err(|_| MailError(format!("--smtp-url {url:?}: bad port {p:?}")))?,
            ),
            _ => (rest.to_owned(), 25),
        };
        if host.is_empty() {
            return Err(MailError(format!("--smtp-url {url:?}: no host")));
        }
        let from: Mailbox = from
            .parse()
            .map_err(|e| MailError(format!("--mail-from {from:?}: {e}")))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(port)
            .timeout(Some(Duration::from_secs(15)))
            .build();
        Ok(Mailer { transport, from })
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
        assert!(Mailer::new("smtps://mail.internal", "dpo@acme.example").is_err());
        assert!(Mailer::new("smtp://u:p@mail.internal", "dpo@acme.example").is_err());
        assert!(Mailer::new("smtp://mail.internal:x", "dpo@acme.example").is_err());
        assert!(Mailer::new("smtp://mail.internal", "not an address").is_err());
    }
}
