//! Data subject requests, end to end: filing, the deadline's life cycle and fulfilment on the
//! store and on the organization's connected systems, with every step in the request's history
//! and in the audit trail.
//!
//! [`Dsar`] is what the CLI and the web layer call: each method is one step a person or the DPO
//! takes. Rules (deadlines, transitions, what erasure may erase) come from `vigie_core::dsar`;
//! facts are kept by `vigie_store`. No personal data goes into history notes, audit entries or
//! logs: requests are named `request:<id>`, contacts `contact:<ref>`.

pub mod archive;
mod fulfil;
pub mod notify;
pub mod systems;

use std::sync::Arc;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;
use serde_json::json;
use vigie_core::dsar::{Due, RequestKind, TransitionError, Urgency};
use vigie_store::{
    AnswerKind, AuditEvent, HistoryStep, Identifier, NewRequest, Organization, Request,
    RequestQuery, Store, StoreError,
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
}
