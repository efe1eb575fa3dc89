//! Data subject requests, end to end: filing, the deadline's life cycle and fulfilment on the
//! store and on the organization's connected systems, with every step in the request's history
//! and in the audit trail.
//!
//! [`Dsar`] is what the CLI and the web layer call: each method is one step a person or the DPO
//! takes. Rules (deadlines, transitions, what erasure may erase) come from `vigie_core::dsar`;
//! facts are kept by `vigie_store`. No personal data goes into history notes, audit entries or
//! logs: requests are named `request:<id>`, contacts `contact:<ref>`.

pub mod archive;
pub mod notify;
pub mod systems;

use std::sync::Arc;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;
use serde_json::json;
use vigie_core::dsar::{
    Due, ErasureDisposition, RequestKind, RequestStatus, TransitionError, Urgency,
    erasure_disposition,
};
use vigie_core::{Action, ChannelScope, ConsentEvent, ContactRef, Method, Purpose};
use vigie_store::{
    AnswerKind, AuditEvent, Contact, HistoryStep, Identifier, NewConsentEvent, NewRequest,
    Organization, Request, RequestQuery, Store, StoreError,
};

pub use archive::Archive;
pub use systems::Systems;

/// The time zone deadlines are counted in when none is configured.
pub const DEFAULT_TIME_ZONE: &str = "Europe/Paris";

/// How long the person may download their access or portability archive from the privacy
/// centre's status page after fulfilment: 30 days, long enough to be away for a holiday and
/// short enough that a forgotten archive does not linger (it is kept sealed meanwhile, see
/// `vigie_store::access_archives`).
pub const ARCHIVE_DOWNLOAD_PERIOD: std::time::Duration =
    std::time::Duration::from_secs(30 * 24 * 3600);

/// Why an answer is not e-mailed to the person (kept as the answer's `failure`).
pub mod unsent {
    /// The request names a phone number, or its identifier was cleared.
    pub const NO_EMAIL: &str = "no_email_address";
    /// Nobody proved the address is the person's (the request was refused before it was
    /// verified): telling a stranger that someone asked would disclose it.
    pub const NOT_VERIFIED: &str = "identity_not_verified";
}

#[derive(Debug, thiserror::Error)]
pub enum DsarError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("request {0} not found")]
    NotFound(i64),
    #[error("request {id}: {source}")]
    Transition {
        id: i64,
        #[source]
        source: TransitionError,
    },
    #[error("request {id}: {problem}")]
    NotReady { id: i64, problem: String },
    /// Input that does not make a request: names the field.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("connected systems: {0}")]
    Config(String),
    #[error("connected system {system}: {message}")]
    System { system: String, message: String },
    #[error("archive: {0}")]
    Archive(String),
}

pub type Result<T, E = DsarError> = std::result::Result<T, E>;

/// Who takes a step, for the history and the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// `user:<email>`, `token:<id>`, `cli:<os user>`, `public` (the person, via the privacy centre).
    pub name: String,
    pub role: Option<String>,
    /// The client address, or `cli`.
    pub origin: Option<String>,
}

impl Actor {
    /// The person themselves, through the public privacy centre.
    pub fn public(origin: Option<String>) -> Actor {
        Actor {
            name: "public".into(),
            role: None,
            origin,
        }
    }

    pub fn is_public(&self) -> bool {
        self.name == "public"
    }
}

/// A request with where it stands against its deadline.
#[derive(Debug, Clone, Serialize)]
pub struct QueueItem {
    #[serde(flatten)]
    pub request: Request,
    pub due: Due,
    pub urgency: Urgency,
}

/// A request, its deadline and its history.
#[derive(Debug, Clone, Serialize)]
pub struct Shown {
    #[serde(flatten)]
    pub item: QueueItem,
    pub history: Vec<HistoryStep>,
}

/// What fulfilment produced.
#[derive(Debug, Clone)]
pub struct Fulfilment {
    /// The request, now completed, with its outcome.
    pub request: Request,
    /// Access and portability: the archive to hand to the person.
    pub archive: Option<Archive>,
}

/// Data subject requests over a store, connected systems and processors.
#[derive(Clone)]
pub struct Dsar {
    store: Store,
    tz: TimeZone,
    systems: Arc<Systems>,
    now: Arc<dyn Fn() -> Timestamp + Send + Sync>,
    archive_period: std::time::Duration,
}

impl std::fmt::Debug for Dsar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dsar")
            .field("store", &self.store)
            .field("systems", &self.systems.systems.len())
            .field("processors", &self.systems.processors.len())
            .finish()
    }
}

fn target(id: i64) -> String {
    format!("request:{id}")
}

impl Dsar {
    /// Requests on `store`, deadlines in Europe/Paris, no connected system.
    pub fn new(store: Store) -> Dsar {
        Dsar {
            store,
            tz: TimeZone::get(DEFAULT_TIME_ZONE).expect("bundled time zone database"),
            systems: Arc::default(),
            now: Arc::new(Timestamp::now),
            archive_period: ARCHIVE_DOWNLOAD_PERIOD,
        }
    }

    /// Offers access archives for `period` instead of [`ARCHIVE_DOWNLOAD_PERIOD`] (tests).
    pub fn with_archive_period(mut self, period: std::time::Duration) -> Dsar {
        self.archive_period = period;
        self
    }

    /// Counts deadlines on the organization's calendar in `tz`.
    pub fn with_time_zone(mut self, tz: TimeZone) -> Dsar {
        self.tz = tz;
        self
    }

    /// Connected systems and processors (see [`systems`]).
    pub fn with_systems(mut self, systems: Systems) -> Dsar {
        self.systems = Arc::new(systems);
        self
    }

    /// Reads the clock from `now` (tests).
    pub fn with_clock(mut self, now: impl Fn() -> Timestamp + Send + Sync + 'static) -> Dsar {
        self.now = Arc::new(now);
        self
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn time_zone(&self) -> &TimeZone {
        &self.tz
    }

    async fn audit(
        &self,
        org: &Organization,
        by: &Actor,
        action: &str,
        target: String,
        reason: Option<String>,
    ) -> Result<()> {
        self.store
            .audit(
                org.id,
                AuditEvent {
                    actor: by.name.clone(),
                    role: by.role.clone(),
                    action: action.into(),
                    target: Some(target),
                    origin: by.origin.clone(),
                    reason,
                },
            )
            .await?;
        Ok(())
    }

    fn item(&self, request: Request) -> QueueItem {
        let now = (self.now)();
        QueueItem {
            due: request.clock.due(now, &self.tz),
            urgency: request.clock.urgency(now, &self.tz),
            request,
        }
    }

    async fn load(&self, org: &Organization, id: i64) -> Result<Request> {
        self.store
            .request(org.id, id)
            .await?
            .ok_or(DsarError::NotFound(id))
    }

    // --- filing and the life cycle ---------------------------------------------------------

    /// Files a request (received now). Double requests (same person, same kind, still open) are
    /// merged: the open one is returned with `merged`.
    pub async fn file(
        &self,
        org: &Organization,
        kind: RequestKind,
        identifier: Identifier,
        verified: bool,
        corrections: Option<vigie_store::Corrections>,
        by: &Actor,
    ) -> Result<vigie_store::Filed> {
        let now = (self.now)();
        self.file_received(org, kind, identifier, verified, corrections, now, by)
            .await
    }

    /// Files a request received at `received_at` (by post, by phone, in person: see
    /// [`vigie_core::dsar::received_moment`]); the deadline counts from it.
    #[allow(clippy::too_many_arguments)]
    pub async fn file_received(
        &self,
        org: &Organization,
        kind: RequestKind,
        identifier: Identifier,
        verified: bool,
        corrections: Option<vigie_store::Corrections>,
        received_at: Timestamp,
        by: &Actor,
    ) -> Result<vigie_store::Filed> {
        if kind == RequestKind::Rectification && corrections.as_ref().is_none_or(|c| c.is_empty()) {
            return Err(DsarError::Invalid {
                field: "corrections".into(),
                message: "a rectification request needs at least one corrected field (email, \
                          phone, first_name or last_name)"
                    .into(),
            });
        }
        let filed = self
            .store
            .file_request(
                org.id,
                &NewRequest {
                    kind,
                    identifier,
                    verified,
                    received_at,
                    corrections,
                },
                &by.name,
            )
            .await?;
        let action = if filed.merged {
            "dsar.merge"
        } else {
            "dsar.file"
        };
        self.audit(org, by, action, target(filed.request.id), None)
            .await?;
        Ok(filed)
    }

    /// One step of the life cycle: loads, applies `f` (a core transition), writes with
    /// compare-and-swap, records the step and audits it.
    async fn step(
        &self,
        org: &Organization,
        id: i64,
        by: &Actor,
        step: &str,
        note: Option<String>,
        f: impl FnOnce(&mut Request, Timestamp, &TimeZone) -> Result<(), TransitionError>,
    ) -> Result<Request> {
        let mut r = self.load(org, id).await?;
        f(&mut r, (self.now)(), &self.tz).map_err(|source| DsarError::Transition { id, source })?;
        let r = self
            .store
            .update_request(org.id, &r, &by.name, step, note.clone())
            .await?;
        self.audit(org, by, &format!("dsar.{step}"), target(id), note)
            .await?;
        Ok(r)
    }

    /// The person proved their identity (one-time code, or checked by the DPO): the clock runs.
    pub async fn verify(&self, org: &Organization, id: i64, by: &Actor) -> Result<Request> {
        self.step(org, id, by, "verified", None, |r, now, _| {
            r.clock.verify(now)
        })
        .await
    }

    /// Asks the person for proof of identity: the clock stops until [`Dsar::resume`].
    pub async fn pause(
        &self,
        org: &Organization,
        id: i64,
        reason: Option<String>,
        by: &Actor,
    ) -> Result<Request> {
        self.step(org, id, by, "paused", reason, |r, now, _| {
            r.clock.pause(now)
        })
        .await
    }

    /// The proof arrived: the clock runs again.
    pub async fn resume(&self, org: &Organization, id: i64, by: &Actor) -> Result<Request> {
        self.step(org, id, by, "resumed", None, |r, now, _| {
            r.clock.resume(now)
        })
        .await
    }

    /// Extends the deadline once by 1 or 2 months; the reason is told to the person.
    pub async fn extend(
        &self,
        org: &Organization,
        id: i64,
        months: u8,
        reason: &str,
        by: &Actor,
    ) -> Result<Request> {
        let note = format!("{months} month(s)");
        let r = self
            .step(org, id, by, "extended", Some(note), |r, now, tz| {
                r.clock.extend(now, months, reason, tz)
            })
            .await?;
        self.queue_answer(org, &r, AnswerKind::Extension).await?;
        Ok(r)
    }

    /// Refuses the request with a reason (art. 12(4), 12(5)).
    pub async fn reject(
        &self,
        org: &Organization,
        id: i64,
        reason: &str,
        by: &Actor,
    ) -> Result<Request> {
        let reason_kept = reason.to_owned();
        let r = self
            .step(
                org,
                id,
                by,
                "rejected",
                Some(reason.to_owned()),
                move |req, now, _| {
                    req.clock.reject(now, &reason_kept)?;
                    req.outcome = Some(json!({"rejected": reason_kept}));
                    Ok(())
                },
            )
            .await?;
        self.queue_answer(org, &r, AnswerKind::Rejection).await?;
        Ok(r)
    }

    /// Queues the e-mail telling the person of `answer` (sent once: a second call writes
    /// nothing), to the request's e-mail address once the person's identity was proven, in
    /// the language they filed in (else the organization's). Without such an address, the
    /// answer is recorded as not sent, in the history too, so the staff tell the person by
    /// other means. `r` is the request as it named the person before the step (an erasure
    /// clears its identifier).
    async fn queue_answer(
        &self,
        org: &Organization,
        r: &Request,
        answer: AnswerKind,
    ) -> Result<()> {
        let to = match &r.identifier {
            Some(Identifier::Email(e)) if r.clock.verified_at.is_some() => Ok(e),
            Some(Identifier::Email(_)) => Err(unsent::NOT_VERIFIED),
            _ => Err(unsent::NO_EMAIL),
        };
        let lang = match self.store.request_lang(org.id, r.id).await? {
            Some(l) => l,
            None => self.store.org_settings(org.id).await?.lang,
        };
        let queued = self
            .store
            .queue_answer(org.id, r.id, answer, lang, to, (self.now)())
            .await?;
        if queued && let Err(reason) = to {
            self.store
                .record_request_step(
                    org.id,
                    r.id,
                    "vigie",
                    &format!("{}_not_sent", answer.as_str()),
                    Some(format!("{reason}: tell the person by other means")),
                )
                .await?;
        }
        Ok(())
    }

    /// The organization's requests with their deadlines, most urgent first (overdue, due soon,
    /// on track, paused, closed; then by due date).
    pub async fn queue(&self, org: &Organization, open_only: bool) -> Result<Vec<QueueItem>> {
        let mut all = Vec::new();
        let mut after = None;
        loop {
            let page = self
                .store
                .requests(
                    org.id,
                    &RequestQuery {
                        open_only,
                        after_id: after,
                        limit: vigie_store::MAX_PAGE,
                        contact_ref: None,
                    },
                )
                .await?;
            let done = page.len() < vigie_store::MAX_PAGE as usize;
            after = page.last().map(|r| r.id);
            all.extend(page.into_iter().map(|r| self.item(r)));
            if done {
                break;
            }
        }
        let rank = |u: Urgency| match u {
            Urgency::Overdue => 0,
            Urgency::DueSoon => 1,
            Urgency::OnTrack => 2,
            Urgency::Paused => 3,
            Urgency::Closed => 4,
        };
        all.sort_by_key(|i| (rank(i.urgency), i.due.at, i.request.id));
        Ok(all)
    }

    /// A request with its deadline and history.
    pub async fn show(&self, org: &Organization, id: i64) -> Result<Shown> {
        let r = self.load(org, id).await?;
        let history = self.store.request_history(org.id, id).await?;
        Ok(Shown {
            item: self.item(r),
            history,
        })
    }

    // --- fulfilment ------------------------------------------------------------------------

    /// The contact a request is about: the one matched at filing, or found now by identifier.
    async fn subject_contact(&self, org: &Organization, r: &Request) -> Result<Option<Contact>> {
        if let Some(c) = &r.contact_ref {
            return Ok(self.store.contact(org.id, c).await?);
        }
        match &r.identifier {
            Some(i) => Ok(self.store.contact_by_identifier(org.id, i).await?),
            None => Ok(None),
        }
    }

    /// Every identifier of the person: the one the request names and the contact's.
    fn identifiers(r: &Request, c: Option<&Contact>) -> Vec<Identifier> {
        let mut ids: Vec<Identifier> = r.identifier.iter().cloned().collect();
        if let Some(c) = c {
            if let Some(e) = &c.data.email {
                ids.push(Identifier::Email(e.clone()));
            }
            if let Some(p) = &c.data.phone {
                ids.push(Identifier::Phone(p.clone()));
            }
        }
        let mut seen = std::collections::HashSet::new();
        ids.retain(|i| seen.insert(i.clone()));
        ids
    }

    fn subject(ids: &[Identifier], c: Option<&Contact>) -> systems::Subject {
        let mut s = systems::Subject {
            contact_ref: c.map(|c| c.data.contact_ref.as_str().to_owned()),
            ..Default::default()
        };
        for i in ids {
            match i {
                Identifier::Email(e) => s.emails.push(e.as_str().to_owned()),
                Identifier::Phone(p) => s.phones.push(p.as_str().to_owned()),
            }
        }
        s
    }

    /// Fulfils a request according to its kind, records the outcome, completes the request.
    /// The request must be verified and not paused.
    pub async fn fulfil(&self, org: &Organization, id: i64, by: &Actor) -> Result<Fulfilment> {
        let r = self.load(org, id).await?;
        match r.clock.status {
            RequestStatus::InProgress => {}
            RequestStatus::AwaitingIdentity => {
                return Err(DsarError::NotReady {
                    id,
                    problem:
                        "waiting for the person's proof of identity (verify or resume it first)"
                            .into(),
                });
            }
            s => {
                return Err(DsarError::Transition {
                    id,
                    source: TransitionError::Closed(s),
                });
            }
        }
        let contact = self.subject_contact(org, &r).await?;
        let ids = Self::identifiers(&r, contact.as_ref());
        let (outcome, archive) = match r.kind {
            RequestKind::Access | RequestKind::Portability => {
                let (a, systems) = self.access(org, &r, contact.as_ref(), &ids, by).await?;
                let outcome = json!({
                    "archive": {"file": a.file_name, "sha256": a.sha256, "bytes": a.bytes.len(), "files": a.files},
                    "systems": systems,
                });
                (outcome, Some(a))
            }
            RequestKind::Erasure => (self.erase(org, &r, contact.as_ref(), &ids, by).await?, None),
            RequestKind::Rectification => {
                (self.rectify(org, &r, contact.as_ref(), by).await?, None)
            }
            RequestKind::Restriction => (
                self.restrict(org, &r, contact.as_ref(), &ids, by).await?,
                None,
            ),
            RequestKind::Objection => (self.object(org, &r, contact.as_ref(), by).await?, None),
        };
        // Reload: erasure changed the request's identifier behind this copy.
        let mut done = self.load(org, id).await?;
        done.clock
            .complete((self.now)())
            .map_err(|source| DsarError::Transition { id, source })?;
        done.outcome = Some(outcome);
        if let Some(a) = &archive {
            // Offered to the person on the status page for a limited time.
            let now = (self.now)();
            let until = now
                .checked_add(self.archive_period)
                .map_err(|e| DsarError::Archive(e.to_string()))?;
            self.store
                .keep_archive(
                    org.id,
                    id,
                    contact.as_ref().map(|c| &c.data.contact_ref),
                    &a.file_name,
                    &a.sha256,
                    &a.bytes,
                    now,
                    until,
                )
                .await?;
        }
        let note = Some(format!("{} fulfilled", r.kind));
        let done = self
            .store
            .update_request(org.id, &done, &by.name, "fulfilled", note)
            .await?;
        self.audit(org, by, "dsar.fulfil", target(id), None).await?;
        self.queue_answer(org, &r, AnswerKind::Fulfilment).await?;
        Ok(Fulfilment {
            request: done,
            archive,
        })
    }

    /// Gathers everything held on the person into the archive (art. 15 and 20).
    async fn access(
        &self,
        org: &Organization,
        r: &Request,
        contact: Option<&Contact>,
        ids: &[Identifier],
        by: &Actor,
    ) -> Result<(Archive, Vec<serde_json::Value>)> {
        let (ledger, versions, requests) = match contact {
            Some(c) => {
                let cref = &c.data.contact_ref;
                let ledger = self.store.ledger(org.id, cref).await?;
                let versions = self.store.contact_versions(org.id, cref).await?;
                let reqs = self
                    .store
                    .requests(
                        org.id,
                        &RequestQuery {
                            contact_ref: Some(cref.clone()),
                            limit: vigie_store::MAX_PAGE,
                            ..Default::default()
                        },
                    )
                    .await?;
                (ledger, versions, reqs)
            }
            None => (Vec::new(), Vec::new(), vec![r.clone()]),
        };
        let mut with_history = Vec::with_capacity(requests.len());
        for q in requests {
            let h = self.store.request_history(org.id, q.id).await?;
            with_history.push((q, h));
        }
        let mut lists = archive::ListStatus {
            restricted: contact.is_some_and(|c| c.data.restricted),
            ..Default::default()
        };
        for i in ids {
            let suppressed = self.store.is_suppressed(org.id, i.as_str()).await?;
            match i {
                Identifier::Email(_) => {
                    lists.email_suppressed =
                        Some(lists.email_suppressed.unwrap_or(false) || suppressed)
                }
                Identifier::Phone(p) => {
                    lists.phone_suppressed =
                        Some(lists.phone_suppressed.unwrap_or(false) || suppressed);
                    let opp = self.store.on_opposition_list(org.id, p).await?;
                    lists.phone_on_opposition_list =
                        Some(lists.phone_on_opposition_list.unwrap_or(false) || opp);
                }
            }
        }
        let subject = Self::subject(ids, contact);
        let mut collected = Vec::new();
        for sys in &self.systems.systems {
            collected.extend(sys.collect(&subject).await?);
        }
        let found: Vec<serde_json::Value> = collected
            .iter()
            .map(|c| json!({"system": c.system, "table": c.table, "rows": c.rows.len()}))
            .collect();
        let dossier = archive::Dossier {
            organization: org.clone(),
            request: r.clone(),
            generated_at: (self.now)(),
            contact: contact.cloned(),
            ledger,
            versions,
            requests: with_history,
            lists,
            systems: collected,
            recipients: self
                .systems
                .processors
                .iter()
                .map(|p| p.name.clone())
                .collect(),
        };
        let a = archive::build(&dossier)?;
        if let Some(c) = contact {
            self.audit(
                org,
                by,
                "contact.export",
                format!("contact:{}", c.data.contact_ref),
                Some(target(r.id)),
            )
            .await?;
        }
        Ok((a, found))
    }

    /// Tells every processor, records each delivery in the request's history.
    async fn notify(
        &self,
        org: &Organization,
        r: &Request,
        event: &str,
        s: systems::Subject,
        corrections: Option<serde_json::Value>,
        by: &Actor,
    ) -> Result<Vec<notify::Delivery>> {
        if self.systems.processors.is_empty() {
            return Ok(Vec::new());
        }
        let notice = notify::Notice {
            event: event.into(),
            organization: org.slug.clone(),
            request_id: Some(r.id),
            at: (self.now)(),
            subject: notify::NoticeSubject {
                contact_ref: s.contact_ref,
                emails: s.emails,
                phones: s.phones,
            },
            corrections,
        };
        let deliveries = notify::notify_all(&self.systems.processors, &notice).await;
        for d in &deliveries {
            let note = match (&d.status, &d.error) {
                (_, Some(e)) => format!("{}: not delivered ({e})", d.processor),
                (Some(s), None) => format!("{}: HTTP {s}", d.processor),
                (None, None) => d.processor.clone(),
            };
            self.store
                .record_request_step(org.id, r.id, &by.name, "processor_notified", Some(note))
                .await?;
        }
        Ok(deliveries)
    }

    /// Erasure (art. 17): the core decides between erasing and archiving under a legal hold.
    async fn erase(
        &self,
        org: &Organization,
        r: &Request,
        contact: Option<&Contact>,
        ids: &[Identifier],
        by: &Actor,
    ) -> Result<serde_json::Value> {
        let disposition = match contact {
            Some(c) => erasure_disposition(c.data.customer, c.data.contract_active),
            None => ErasureDisposition::Erase,
        };
        // Connected systems first: if one fails, nothing in Vigie is destroyed yet and the
        // request stays open to be fulfilled again.
        let subject = Self::subject(ids, contact);
        let mut systems = Vec::new();
        for sys in &self.systems.systems {
            systems.extend(sys.erase(&subject).await?);
        }
        // Processors hear of it while the identifiers are still at hand.
        let deliveries = self
            .notify(org, r, "dsar.erasure", subject.clone(), None, by)
            .await?;
        let today = (self.now)().to_zoned(self.tz.clone()).date();
        let outcome = match disposition {
            ErasureDisposition::Erase => {
                let actions = json!({
                    "disposition": "erased",
                    "contact": contact.map(|_| "data key destroyed; sealed fields and blind indexes cleared; earlier versions deleted; ledger kept without identifying data"),
                    "suppression_hashes_added": ids.len(),
                    "identifier_kinds": ids.iter().map(Identifier::kind).collect::<Vec<_>>(),
                    "systems": systems,
                    "processors_notified": deliveries,
                });
                let tomb = self
                    .store
                    .erase_person(
                        org.id,
                        contact.map(|c| &c.data.contact_ref),
                        ids,
                        r.id,
                        &actions,
                    )
                    .await?;
                if let Some(c) = contact {
                    self.audit(
                        org,
                        by,
                        "contact.erase",
                        format!("contact:{}", c.data.contact_ref),
                        Some(target(r.id)),
                    )
                    .await?;
                }
                json!({"erasure": actions, "tombstone": tomb.id})
            }
            ErasureDisposition::ArchiveAndRestrict { hold } => {
                let c = contact.expect("a hold applies to a contact");
                // Kept, but restricted and never used for marketing again.
                self.store
                    .set_contact_restricted(org.id, &c.data.contact_ref, true)
                    .await?;
                let hashes: Vec<[u8; 32]> = ids
                    .iter()
                    .map(|i| vigie_core::suppression_hash(i.as_str()))
                    .collect();
                self.store.import_suppression(org.id, hashes).await?;
                self.audit(
                    org,
                    by,
                    "contact.restrict",
                    format!("contact:{}", c.data.contact_ref),
                    Some(format!("{}; legal hold {}", target(r.id), hold)),
                )
                .await?;
                json!({"erasure": {
                    "disposition": "archived_and_restricted",
                    "legal_hold": hold,
                    "basis": hold.basis(),
                    "kept_until": hold.until(today),
                    "answer_fr": hold.explain_fr(),
                    "suppression_hashes_added": ids.len(),
                    "systems": systems,
                    "processors_notified": deliveries,
                }})
            }
        };
        Ok(outcome)
    }

    async fn rectify(
        &self,
        org: &Organization,
        r: &Request,
        contact: Option<&Contact>,
        by: &Actor,
    ) -> Result<serde_json::Value> {
        let c = contact.ok_or_else(|| DsarError::NotReady {
            id: r.id,
            problem: "no contact matches the request's identifier: nothing to rectify".into(),
        })?;
        let corrections = r.corrections.clone().ok_or_else(|| DsarError::NotReady {
            id: r.id,
            problem: "the request holds no corrections".into(),
        })?;
        self.store
            .rectify_contact(org.id, &c.data.contact_ref, &corrections, Some(r.id))
            .await?;
        self.audit(
            org,
            by,
            "contact.update",
            format!("contact:{}", c.data.contact_ref),
            Some(format!(
                "{}; fields {}",
                target(r.id),
                corrections.fields().join(",")
            )),
        )
        .await?;
        // Processors find the person under the old identifiers and learn the new values.
        let ids = Self::identifiers(r, Some(c));
        let deliveries = self
            .notify(
                org,
                r,
                "dsar.rectification",
                Self::subject(&ids, Some(c)),
                Some(serde_json::to_value(&corrections).expect("plain struct serializes")),
                by,
            )
            .await?;
        Ok(json!({"rectification": {
            "fields": corrections.fields(),
            "previous_version_kept": true,
            "processors_notified": deliveries,
        }}))
    }

    async fn restrict(
        &self,
        org: &Organization,
        r: &Request,
        contact: Option<&Contact>,
        ids: &[Identifier],
        by: &Actor,
    ) -> Result<serde_json::Value> {
        let c = contact.ok_or_else(|| DsarError::NotReady {
            id: r.id,
            problem: "no contact matches the request's identifier: nothing to restrict".into(),
        })?;
        self.store
            .set_contact_restricted(org.id, &c.data.contact_ref, true)
            .await?;
        self.audit(
            org,
            by,
            "contact.restrict",
            format!("contact:{}", c.data.contact_ref),
            Some(target(r.id)),
        )
        .await?;
        let deliveries = self
            .notify(
                org,
                r,
                "dsar.restriction",
                Self::subject(ids, Some(c)),
                None,
                by,
            )
            .await?;
        Ok(
            json!({"restriction": {"restricted": true, "until": "lifted", "processors_notified": deliveries}}),
        )
    }

    async fn object(
        &self,
        org: &Organization,
        r: &Request,
        contact: Option<&Contact>,
        by: &Actor,
    ) -> Result<serde_json::Value> {
        let c = contact.ok_or_else(|| DsarError::NotReady {
            id: r.id,
            problem: "no contact matches the request's identifier: record the objection by \
                      suppression (an erasure request) instead"
                .into(),
        })?;
        let method = if by.is_public() {
            Method::PrivacyCentre
        } else {
            Method::CustomerService
        };
        let mut added = 0;
        for purpose in Purpose::ALL {
            let (_, inserted) = self
                .store
                .append_event(
                    org.id,
                    &c.data.contact_ref,
                    &NewConsentEvent {
                        event: ConsentEvent {
                            scope: ChannelScope::Any,
                            purpose: *purpose,
                            action: Action::Object,
                            at: (self.now)(),
                            method,
                        },
                        notice_version: None,
                        source: Some(target(r.id)),
                        ip: None,
                        user_agent: None,
                    },
                )
                .await?;
            added += usize::from(inserted);
        }
        self.audit(
            org,
            by,
            "ledger.append",
            format!("contact:{}", c.data.contact_ref),
            Some(target(r.id)),
        )
        .await?;
        Ok(
            json!({"objection": {"channel": "any", "purposes": Purpose::ALL, "events_added": added}}),
        )
    }

    /// Lifts a contact's restriction of processing (the reason for it has ended, art. 18(3)).
    pub async fn lift_restriction(
        &self,
        org: &Organization,
        contact_ref: &ContactRef,
        reason: &str,
        by: &Actor,
    ) -> Result<Contact> {
        let c = self
            .store
            .set_contact_restricted(org.id, contact_ref, false)
            .await?;
        self.audit(
            org,
            by,
            "contact.unrestrict",
            format!("contact:{contact_ref}"),
            Some(reason.to_owned()),
        )
        .await?;
        if !self.systems.processors.is_empty() {
            let ids = Self::identifiers_of(&c);
            let s = Self::subject(&ids, Some(&c));
            let notice = notify::Notice {
                event: "dsar.restriction_lifted".into(),
                organization: org.slug.clone(),
                request_id: None,
                at: (self.now)(),
                subject: notify::NoticeSubject {
                    contact_ref: s.contact_ref,
                    emails: s.emails,
                    phones: s.phones,
                },
                corrections: None,
            };
            notify::notify_all(&self.systems.processors, &notice).await;
        }
        Ok(c)
    }

    fn identifiers_of(c: &Contact) -> Vec<Identifier> {
        let mut ids = Vec::new();
        if let Some(e) = &c.data.email {
            ids.push(Identifier::Email(e.clone()));
        }
        if let Some(p) = &c.data.phone {
            ids.push(Identifier::Phone(p.clone()));
        }
        ids
    }
}
