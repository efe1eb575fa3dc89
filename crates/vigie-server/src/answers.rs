//! The e-mails that answer a data subject request: fulfilled, extended (with the reason and the
//! new due date), refused (with the reason and how to complain to the CNIL). `vigie_dsar::Dsar`
//! queues them (`dsar_answers`, sent once); this module writes and sends them through
//! [`crate::Mailer::send`], at once after the step and again from a retry loop with backoff, so
//! that a mail failure never undoes the step and is visible to staff until the mail goes.
//!
//! Messages are plain text in the language the person filed in, written with the catalogue of
//! words ([`W`]): they name the organization, its controller and DPO as its registers record
//! them, never the software. They link to the request's status page through a signed link
//! ([`LinkKind::RequestStatus`]), never to a file: the archive is downloaded from that page.
//! Nothing of a message, an address or an SMTP answer is logged or stored; a failure is kept as
//! a code.

use std::time::Duration;

use jiff::Timestamp;
use vigie_core::Lang;
use vigie_core::dsar::RequestKind;
use vigie_core::registers::Profile;
use vigie_dsar::{Shown, unsent};
use vigie_store::{
    AnswerKind, AnswerState, ArchiveAvailability, AuditEvent, ClaimedAnswer, KeptArchive, LinkKind,
    Organization, StoreError,
};

use crate::AppState;
use crate::html::{Link, W};

/// How long a sender holds a claimed answer before another may try it (beyond the SMTP
/// timeout: a sender that died mid-way is replaced, a slow one is not doubled).
const LEASE: Duration = Duration::from_secs(120);

/// Attempts before an answer is given up (with a retry base of one minute, about a day).
pub const MAX_ATTEMPTS: u32 = 12;

/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(6 * 3600);

/// How long the status link of an answer stays valid: long enough for an extension of two
/// months to run out.
pub const STATUS_LINK_PERIOD: Duration = Duration::from_secs(92 * 24 * 3600);

/// Who sends answers, in the history and the audit trail.
const SENDER: &str = "vigie";

/// Failure codes kept on an answer (besides `vigie_dsar::unsent`'s).
pub(crate) mod failure {
    /// No mail relay is configured (`vigie serve --smtp-url`).
    pub const NO_MAIL_RELAY: &str = "no_mail_relay";
    /// The relay refused or could not be reached; retried.
    pub const RELAY_FAILED: &str = "mail_relay_failed";
    /// The relay failed [`super::MAX_ATTEMPTS`] times.
    pub const GAVE_UP: &str = "gave_up";
}

/// The wait after failed attempt number `attempt` (1 for the first): `base`, doubled at each
/// attempt, at most six hours.
pub(crate) fn backoff(base: Duration, attempt: u32) -> Duration {
    let factor = 1u32 << attempt.saturating_sub(1).min(16);
    base.saturating_mul(factor).min(MAX_BACKOFF)
}

fn plus(t: Timestamp, d: Duration) -> Timestamp {
    t.checked_add(d).unwrap_or(Timestamp::MAX)
}

/// The history step of an answer's outcome: `extension_sent`, `fulfilment_not_sent` …
fn step_name(kind: AnswerKind, what: &str) -> String {
    format!("{}_{what}", kind.as_str())
}

/// Sends a request's `kind` answer now if it is pending and due, records the outcome (history,
/// audit trail, retry time) and returns where the answer stands (`None`: none is queued).
/// Without a mail relay the answer is given up: the staff are told to reach the person.
pub(crate) async fn deliver(
    state: &AppState,
    org: &Organization,
    request_id: i64,
    kind: AnswerKind,
) -> Result<Option<AnswerState>, StoreError> {
    let store = state.store();
    let now = Timestamp::now();
    let Some(mailer) = state.mailer() else {
        if store
            .finish_answer(
                org.id,
                request_id,
                kind,
                AnswerState::Unsent,
                Some(failure::NO_MAIL_RELAY),
                now,
            )
            .await?
        {
            store
                .record_request_step(
                    org.id,
                    request_id,
                    SENDER,
                    &step_name(kind, "not_sent"),
                    Some(format!(
                        "{}: tell the person by other means",
                        failure::NO_MAIL_RELAY
                    )),
                )
                .await?;
        }
        return current(state, org, request_id, kind).await;
    };
    let Some(claimed) = store
        .claim_answer(org.id, request_id, kind, now, LEASE)
        .await?
    else {
        return current(state, org, request_id, kind).await;
    };
    let (subject, body) = match compose(state, org, &claimed).await {
        Ok(m) => m,
        Err(e) => {
            // The lease lapses and a later pass tries again.
            return Err(e);
        }
    };
    let sent = mailer.send(claimed.to.as_str(), &subject, body).await;
    let done = Timestamp::now();
    match sent {
        Ok(()) => {
            store
                .finish_answer(org.id, request_id, kind, AnswerState::Sent, None, done)
                .await?;
            store
                .record_request_step(
                    org.id,
                    request_id,
                    SENDER,
                    &step_name(kind, "sent"),
                    Some(format!(
                        "e-mailed to the person ({}, attempt {})",
                        claimed.lang.as_str(),
                        claimed.attempt
                    )),
                )
                .await?;
            store
                .audit(
                    org.id,
                    AuditEvent {
                        actor: SENDER.into(),
                        role: None,
                        action: "dsar.answer_sent".into(),
                        target: Some(format!("request:{request_id}")),
                        origin: None,
                        reason: Some(kind.as_str().into()),
                    },
                )
                .await?;
        }
        Err(_) if claimed.attempt >= MAX_ATTEMPTS => {
            // The error may quote the relay's answer, which may quote the address: not kept.
            store
                .finish_answer(
                    org.id,
                    request_id,
                    kind,
                    AnswerState::Unsent,
                    Some(failure::GAVE_UP),
                    done,
                )
                .await?;
            store
                .record_request_step(
                    org.id,
                    request_id,
                    SENDER,
                    &step_name(kind, "not_sent"),
                    Some(format!(
                        "{}: the mail relay failed {} times; tell the person by other means",
                        failure::GAVE_UP,
                        claimed.attempt
                    )),
                )
                .await?;
        }
        Err(_) => {
            let next = plus(
                done,
                backoff(state.privacy().answer_retry_every, claimed.attempt),
            );
            store
                .retry_answer(org.id, request_id, kind, failure::RELAY_FAILED, next)
                .await?;
            tracing::warn!(
                request = request_id,
                answer = kind.as_str(),
                attempt = claimed.attempt,
                "an answer to a data subject could not be sent; retried later"
            );
            store
                .record_request_step(
                    org.id,
                    request_id,
                    SENDER,
                    &step_name(kind, "failed"),
                    Some(format!(
                        "{}: attempt {}; next attempt at {next}",
                        failure::RELAY_FAILED,
                        claimed.attempt
                    )),
                )
                .await?;
        }
    }
    current(state, org, request_id, kind).await
}

async fn current(
    state: &AppState,
    org: &Organization,
    request_id: i64,
    kind: AnswerKind,
) -> Result<Option<AnswerState>, StoreError> {
    Ok(state
        .store()
        .request_answers(org.id, request_id)
        .await?
        .into_iter()
        .find(|a| a.kind == kind)
        .map(|a| a.state))
}

/// One pass over every organization: sends the answers due, clears the archives past their
/// time limit. Errors are logged and the pass goes on with the next organization.
pub async fn deliver_due(state: &AppState) {
    let orgs = match state.store().orgs().await {
        Ok(o) => o,
        Err(e) => {
            tracing::error!(error = %e, "answers: listing organizations failed");
            return;
        }
    };
    let now = Timestamp::now();
    for org in orgs {
        if let Err(e) = state.store().clear_expired_archives(org.id, now).await {
            tracing::error!(error = %e, org = org.slug, "answers: clearing expired archives failed");
        }
        if state.mailer().is_none() {
            continue;
        }
        let due = match state.store().answers_due(org.id, now, 100).await {
            Ok(d) => d,
            Err(e) => {
                tracing::error!(error = %e, org = org.slug, "answers: listing failed");
                continue;
            }
        };
        for (id, kind) in due {
            if let Err(e) = deliver(state, &org, id, kind).await {
                tracing::error!(error = %e, request = id, "answers: delivery failed");
            }
        }
    }
}

/// Runs [`deliver_due`] every `answer_retry_every` ([`crate::PrivacyConfig`]) for as long as
/// the server runs: answers queued by the command line or left pending by a failure go.
pub(crate) async fn retry_loop(state: AppState) {
    let every = state.privacy().answer_retry_every;
    loop {
        tokio::time::sleep(every).await;
        deliver_due(&state).await;
    }
}

// ------------------------------------------------------------------------- the message

/// A plain-text message being written in one language.
struct Text {
    lang: Lang,
    out: String,
}

impl Text {
    fn line(&mut self, s: &str) {
        self.out.push_str(s);
        self.out.push('\n');
    }

    fn blank(&mut self) {
        self.out.push('\n');
    }

    /// `Label : value` (French spacing by the catalogue's colon).
    fn fact(&mut self, label: W, value: &str) {
        self.out.push_str(label.t(self.lang));
        self.out.push_str(W::Colon.t(self.lang));
        self.out.push_str(value);
        self.out.push('\n');
    }

    fn w(&mut self, w: W) {
        self.line(w.t(self.lang));
    }
}

/// What a message says besides the request itself, read by the caller.
pub(crate) struct Facts<'a> {
    pub org: &'a Organization,
    pub profile: Option<&'a Profile>,
    pub shown: &'a Shown,
    pub archive: Option<&'a (KeptArchive, ArchiveAvailability)>,
    /// The status page's address, when the server knows its public address.
    pub status_link: Option<String>,
    pub tz: &'a jiff::tz::TimeZone,
}

fn day(t: Timestamp, tz: &jiff::tz::TimeZone) -> String {
    t.to_zoned(tz.clone()).date().to_string()
}

/// The subject and body of a `kind` answer in `lang`.
pub(crate) fn message(kind: AnswerKind, lang: Lang, f: &Facts<'_>) -> (String, String) {
    let r = &f.shown.item.request;
    let c = &r.clock;
    let subject_word = match kind {
        AnswerKind::Fulfilment => W::MailSubjectFulfilment,
        AnswerKind::Extension => W::MailSubjectExtension,
        AnswerKind::Rejection => W::MailSubjectRejection,
    };
    let subject = format!("{}{}{}", f.org.name, W::Colon.t(lang), subject_word.t(lang));
    let mut t = Text {
        lang,
        out: String::new(),
    };
    t.w(W::MailHello);
    t.blank();
    t.w(match kind {
        AnswerKind::Fulfilment => W::MailFulfilledLead,
        AnswerKind::Extension => W::MailExtendedLead,
        AnswerKind::Rejection => W::MailRejectedLead,
    });
    t.blank();
    t.fact(W::Organization, &f.org.name);
    t.fact(
        W::Request,
        &format!(
            "{} ({})",
            crate::privacy::kind_label(r.kind, lang),
            r.kind.article()
        ),
    );
    t.fact(W::PcReceivedOn, &day(c.received_at, f.tz));
    match kind {
        AnswerKind::Fulfilment => {
            if let Some(at) = c.closed_at {
                t.fact(W::MailFulfilledOn, &day(at, f.tz));
            }
            if matches!(r.kind, RequestKind::Access | RequestKind::Portability)
                && let Some((kept, ArchiveAvailability::Available)) = f.archive
            {
                t.blank();
                t.w(W::MailArchiveReady);
                t.fact(W::PcArchiveUntil, &day(kept.expires_at, f.tz));
                if f.status_link.is_none() {
                    t.w(W::MailStatusFromFiling);
                }
            }
        }
        AnswerKind::Extension => {
            if let Some(x) = &c.extension {
                t.fact(
                    W::PcExtended,
                    &format!("{} {}", x.months, W::MailMonths.t(lang)),
                );
                t.fact(W::PcAnswerBy, &f.shown.item.due.date.to_string());
                t.fact(W::MailReason, &x.reason);
            }
        }
        AnswerKind::Rejection => {
            if let Some(reason) = r
                .outcome
                .as_ref()
                .and_then(|o| o.get("rejected"))
                .and_then(|v| v.as_str())
            {
                t.fact(W::PcRefusalReason, reason);
            }
            t.blank();
            t.w(W::MailComplain);
        }
    }
    if let Some(link) = &f.status_link {
        t.blank();
        t.fact(W::MailStatusPage, link);
    }
    t.blank();
    match f.profile {
        Some(p) => {
            t.fact(W::PcController, &p.legal_name);
            if let Some(d) = &p.dpo {
                t.fact(W::Dpo, &format!("{} — {}", d.name, d.contact));
            }
        }
        None => t.fact(W::PcController, &f.org.name),
    }
    (subject, t.out)
}

/// Reads what the message of `claimed` needs and writes it.
async fn compose(
    state: &AppState,
    org: &Organization,
    claimed: &ClaimedAnswer,
) -> Result<(String, String), StoreError> {
    let shown = match state.dsar().show(org, claimed.request_id).await {
        Ok(s) => s,
        Err(vigie_dsar::DsarError::Store(e)) => return Err(e),
        Err(e) => return Err(StoreError::Other(e.to_string())),
    };
    let profile = state
        .store()
        .registers(org.id)
        .await?
        .map(|r| r.registers.profile);
    let now = Timestamp::now();
    let archive = state
        .store()
        .kept_archive(org.id, claimed.request_id, now)
        .await?;
    // `to_string`: the public address is whatever `AppState::public_url` holds (its Display
    // is the bare `scheme://host[:port]`).
    let status_link = match state.public_url().map(|u| u.to_string()) {
        Some(base) => {
            let signer = state.store().link_signer(org.id).await?;
            let token = signer.sign(
                LinkKind::RequestStatus,
                &[&claimed.request_id.to_string()],
                plus(now, STATUS_LINK_PERIOD),
            );
            let path = Link::new("/privacy")
                .seg(&org.slug)
                .seg("status")
                .seg(&token)
                .to_string();
            let lang = match claimed.lang {
                Lang::Fr => "",
                Lang::En => "?lang=en",
            };
            Some(format!("{}{path}{lang}", base.trim_end_matches('/')))
        }
        None => None,
    };
    let facts = Facts {
        org,
        profile: profile.as_ref(),
        shown: &shown,
        archive: archive.as_ref(),
        status_link,
        tz: state.dsar().time_zone(),
    };
    Ok(message(claimed.kind, claimed.lang, &facts))
}

/// Why an answer is not sent, or why its last attempt failed, in words for the staff.
pub(crate) fn failure_words(code: &str) -> W {
    match code {
        unsent::NO_EMAIL => W::AnsNoEmail,
        unsent::NOT_VERIFIED => W::AnsNotVerified,
        failure::NO_MAIL_RELAY => W::AnsNoRelay,
        failure::GAVE_UP => W::AnsGaveUp,
        _ => W::AnsRelayFailed,
    }
}

/// An answer's kind in words.
pub(crate) fn kind_words(kind: AnswerKind) -> W {
    match kind {
        AnswerKind::Fulfilment => W::AnsFulfilment,
        AnswerKind::Extension => W::AnsExtension,
        AnswerKind::Rejection => W::AnsRejection,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_six_hours() {
        let m = Duration::from_secs(60);
        assert_eq!(backoff(m, 1), m);
        assert_eq!(backoff(m, 2), 2 * m);
        assert_eq!(backoff(m, 4), 8 * m);
        assert_eq!(backoff(m, 12), MAX_BACKOFF);
        assert_eq!(backoff(m, u32::MAX), MAX_BACKOFF);
    }
}
