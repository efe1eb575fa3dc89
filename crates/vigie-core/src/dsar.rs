//! Data subject requests (GDPR art. 12 and 15-21): the kinds of request, their life cycle, the
//! legal deadline and the rule that decides what an erasure may erase.
//!
//! Pure: time is an input, the organization's time zone too. The store keeps a request's facts
//! ([`RequestClock`] and [`RequestStatus`]); every transition and every deadline is computed here.
//!
//! # The deadline (art. 12(3))
//!
//! The controller answers "without undue delay and in any event within one month of receipt of
//! the request". A period in months is counted as Regulation (EEC, Euratom) No 1182/71 art. 3
//! says: it ends at the end of the day of the last month that bears the same number as the day
//! of receipt, or, when that month is shorter, at the end of its last day (received 31 January:
//! due 28 February, or 29 in a leap year). Days are the organization's calendar days.
//!
//! - While the controller waits for the person's proof of identity (art. 12(6)) the clock is
//!   paused; the due date moves by the length of every pause.
//! - The period may be extended once "by two further months where necessary, taking into
//!   account the complexity and number of the requests", with the reasons told to the person
//!   within the first month: an extension of 1 or 2 months, with a reason, before the due date.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan, civil::Date};
use serde::{Deserialize, Serialize};

use crate::vocab::vocabulary;

vocabulary! {
    /// What the person asks for.
    RequestKind, "request kind" {
        /// Art. 15: a copy of the data and the information about its processing.
        Access => "access",
        /// Art. 16: inaccurate data corrected.
        Rectification => "rectification",
        /// Art. 17: the data erased ("right to be forgotten").
        Erasure => "erasure",
        /// Art. 18: processing restricted (kept, not used).
        Restriction => "restriction",
        /// Art. 20: the data in a structured, machine-readable format.
        Portability => "portability",
        /// Art. 21: objection to processing (direct marketing: absolute).
        Objection => "objection",
    }
}

impl RequestKind {
    /// The article of the GDPR that grants the right.
    pub fn article(self) -> &'static str {
        match self {
            RequestKind::Access => "RGPD art. 15",
            RequestKind::Rectification => "RGPD art. 16",
            RequestKind::Erasure => "RGPD art. 17",
            RequestKind::Restriction => "RGPD art. 18",
            RequestKind::Portability => "RGPD art. 20",
            RequestKind::Objection => "RGPD art. 21",
        }
    }

    /// Whether processors and recipients must be told of the fulfilment (art. 19: every
    /// rectification, erasure or restriction is communicated to each recipient).
    pub fn notifies_recipients(self) -> bool {
        matches!(
            self,
            RequestKind::Rectification | RequestKind::Erasure | RequestKind::Restriction
        )
    }

    /// A label in French.
    pub fn label_fr(self) -> &'static str {
        match self {
            RequestKind::Access => "droit d'accès",
            RequestKind::Rectification => "droit de rectification",
            RequestKind::Erasure => "droit à l'effacement",
            RequestKind::Restriction => "droit à la limitation du traitement",
            RequestKind::Portability => "droit à la portabilité",
            RequestKind::Objection => "droit d'opposition",
        }
    }
}

vocabulary! {
    /// Where a request stands.
    RequestStatus, "request status" {
        /// Filed; the person has not proven they are who the request names (clock paused).
        AwaitingIdentity => "awaiting_identity",
        /// Identity proven, the clock is running.
        InProgress => "in_progress",
        /// Answered: fulfilled, in whole or in part (the outcome says which).
        Completed => "completed",
        /// Refused (art. 12(5): manifestly unfounded or excessive, or identity never proven),
        /// with the reason given to the person.
        Rejected => "rejected",
    }
}

impl RequestStatus {
    /// Open requests count against the deadline and take part in merging double requests.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            RequestStatus::AwaitingIdentity | RequestStatus::InProgress
        )
    }
}

/// Longest extension of the period (art. 12(3)): two further months.
pub const MAX_EXTENSION_MONTHS: u8 = 2;
/// A request due within this many days is "due soon".
pub const DUE_SOON_DAYS: i64 = 7;

/// A pause of the clock: from, and until (absent while it lasts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub from: Timestamp,
    pub until: Option<Timestamp>,
}

/// An extension of the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    /// 1 or 2 further months.
    pub months: u8,
    /// Why (told to the person): never empty.
    pub reason: String,
    pub at: Timestamp,
}

/// A request's clock and status: every fact the deadline depends on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestClock {
    pub status: RequestStatus,
    pub received_at: Timestamp,
    pub verified_at: Option<Timestamp>,
    pub pauses: Vec<Pause>,
    pub extension: Option<Extension>,
    pub closed_at: Option<Timestamp>,
}

/// A step that the request's state does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("the request is {0}: it can no longer change")]
    Closed(RequestStatus),
    #[error("the identity was already verified")]
    AlreadyVerified,
    #[error("the identity has not been verified yet (verify it first)")]
    NotVerified,
    #[error("the clock is already paused")]
    AlreadyPaused,
    #[error("the clock is not paused")]
    NotPaused,
    #[error("the period was already extended once (art. 12(3) allows one extension)")]
    AlreadyExtended,
    #[error("an extension is of 1 or 2 months (art. 12(3)), not {0}")]
    ExtensionMonths(u8),
    #[error("an extension needs a reason, told to the person (art. 12(3))")]
    ExtensionReason,
    #[error(
        "the extension must be decided and told to the person before the due date ({due}); it is now past"
    )]
    ExtensionTooLate { due: Date },
    #[error("a refusal needs a reason, told to the person (art. 12(4))")]
    RejectionReason,
    #[error("{what} ({at}) is before the request was received ({received})")]
    BeforeReceipt {
        what: &'static str,
        at: Timestamp,
        received: Timestamp,
    },
}

impl RequestClock {
    /// A request received at `at`. With `verified`, the identity is already proven (the person
    /// came through an authenticated channel, or the DPO checked it) and the clock runs;
    /// otherwise it is paused until [`RequestClock::verify`].
    pub fn new(at: Timestamp, verified: bool) -> RequestClock {
        RequestClock {
            status: if verified {
                RequestStatus::InProgress
            } else {
                RequestStatus::AwaitingIdentity
            },
            received_at: at,
            verified_at: verified.then_some(at),
            pauses: if verified {
                Vec::new()
            } else {
                vec![Pause {
                    from: at,
                    until: None,
                }]
            },
            extension: None,
            closed_at: None,
        }
    }

    fn open(&self, what: &'static str, at: Timestamp) -> Result<(), TransitionError> {
        if !self.status.is_open() {
            return Err(TransitionError::Closed(self.status));
        }
        if at < self.received_at {
            return Err(TransitionError::BeforeReceipt {
                what,
                at,
                received: self.received_at,
            });
        }
        Ok(())
    }

    fn close_pause(&mut self, at: Timestamp) {
        if let Some(p) = self.pauses.last_mut().filter(|p| p.until.is_none()) {
            p.until = Some(at.max(p.from));
        }
    }

    /// The clock is paused now (waiting for the person).
    pub fn paused(&self) -> bool {
        self.pauses.last().is_some_and(|p| p.until.is_none())
    }

    /// The person proved their identity: the clock runs again.
    pub fn verify(&mut self, at: Timestamp) -> Result<(), TransitionError> {
        self.open("verification", at)?;
        if self.verified_at.is_some() {
            return Err(TransitionError::AlreadyVerified);
        }
        self.close_pause(at);
        self.verified_at = Some(at);
        self.status = RequestStatus::InProgress;
        Ok(())
    }

    /// The controller asks the person for (more) proof of identity (art. 12(6)): the clock stops.
    pub fn pause(&mut self, at: Timestamp) -> Result<(), TransitionError> {
        self.open("pause", at)?;
        if self.paused() {
            return Err(TransitionError::AlreadyPaused);
        }
        self.pauses.push(Pause {
            from: at,
            until: None,
        });
        self.status = RequestStatus::AwaitingIdentity;
        Ok(())
    }

    /// The proof asked for arrived: the clock runs again.
    pub fn resume(&mut self, at: Timestamp) -> Result<(), TransitionError> {
        self.open("resumption", at)?;
        if !self.paused() {
            return Err(TransitionError::NotPaused);
        }
        self.close_pause(at);
        if self.verified_at.is_none() {
            self.verified_at = Some(at);
        }
        self.status = RequestStatus::InProgress;
        Ok(())
    }

    /// Extends the period once, by 1 or 2 further months, with the reason told to the person.
    /// Allowed only before the due date (in `tz`).
    pub fn extend(
        &mut self,
        at: Timestamp,
        months: u8,
        reason: &str,
        tz: &TimeZone,
    ) -> Result<(), TransitionError> {
        self.open("extension", at)?;
        if self.extension.is_some() {
            return Err(TransitionError::AlreadyExtended);
        }
        if !(1..=MAX_EXTENSION_MONTHS).contains(&months) {
            return Err(TransitionError::ExtensionMonths(months));
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(TransitionError::ExtensionReason);
        }
        let due = self.due(at, tz);
        if at >= due.at {
            return Err(TransitionError::ExtensionTooLate { due: due.date });
        }
        self.extension = Some(Extension {
            months,
            reason: reason.to_owned(),
            at,
        });
        Ok(())
    }

    /// The request is answered (fulfilled, in whole or in part).
    pub fn complete(&mut self, at: Timestamp) -> Result<(), TransitionError> {
        self.open("completion", at)?;
        if self.verified_at.is_none() {
            return Err(TransitionError::NotVerified);
        }
        self.close_pause(at);
        self.status = RequestStatus::Completed;
        self.closed_at = Some(at);
        Ok(())
    }

    /// The request is refused, with a reason (art. 12(4) and (5)).
    pub fn reject(&mut self, at: Timestamp, reason: &str) -> Result<(), TransitionError> {
        self.open("refusal", at)?;
        if reason.trim().is_empty() {
            return Err(TransitionError::RejectionReason);
        }
        self.close_pause(at);
        self.status = RequestStatus::Rejected;
        self.closed_at = Some(at);
        Ok(())
    }

    /// Total paused time up to `now` (an open pause counts until `now`).
    pub fn paused_for(&self, now: Timestamp) -> SignedDuration {
        self.pauses
            .iter()
            .map(|p| {
                let until = p.until.unwrap_or(now).max(p.from);
                until.duration_since(p.from)
            })
            .fold(SignedDuration::ZERO, |a, b| a.saturating_add(b))
    }

    /// The due date as of `now`: the period from receipt (1 month, plus the extension), moved by
    /// every pause (an open pause counts until `now`, so a paused request's due date moves on
    /// day by day).
    pub fn due(&self, now: Timestamp, tz: &TimeZone) -> Due {
        let months = 1 + self.extension.as_ref().map_or(0, |e| e.months);
        let base = period_end(self.received_at, months, tz);
        let at = base
            .checked_add(self.paused_for(now))
            .unwrap_or(Timestamp::MAX);
        let date = last_day(at, tz);
        Due { at, date }
    }

    /// Where the request stands against its deadline at `now`.
    pub fn urgency(&self, now: Timestamp, tz: &TimeZone) -> Urgency {
        if !self.status.is_open() {
            return Urgency::Closed;
        }
        if self.paused() {
            return Urgency::Paused;
        }
        let due = self.due(now, tz);
        if now >= due.at {
            return Urgency::Overdue;
        }
        let today = now.to_zoned(tz.clone()).date();
        let days_left = today.until(due.date).map(|s| s.get_days()).unwrap_or(0);
        if i64::from(days_left) < DUE_SOON_DAYS {
            Urgency::DueSoon
        } else {
            Urgency::OnTrack
        }
    }
}

impl RequestClock {
    /// Whether a closed request was answered before its due date (its pauses and extension
    /// counted); `None` while it is open.
    pub fn answered_in_time(&self, tz: &TimeZone) -> Option<bool> {
        let closed = self.closed_at?;
        Some(closed < self.due(closed, tz).at)
    }
}

/// How an organization kept the deadlines of one kind of request: what an auditor asks for
/// (ISO/IEC 27701, GDPR art. 12(3)). Requests answered late and open ones past their due date
/// are counted apart; a paused request is waiting for the person, not late.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DeadlinesKept {
    pub received: u64,
    /// Closed (fulfilled or refused) before the due date.
    pub answered_in_time: u64,
    pub answered_late: u64,
    /// Open, the clock running, before the due date.
    pub open_in_time: u64,
    pub open_overdue: u64,
    /// Open, waiting for the person (identity not proven, or paused).
    pub waiting_for_the_person: u64,
    /// Extended once by one or two months (art. 12(3)).
    pub extended: u64,
}

impl DeadlinesKept {
    /// Counts one request as it stands at `now`.
    pub fn count(&mut self, clock: &RequestClock, now: Timestamp, tz: &TimeZone) {
        self.received += 1;
        self.extended += u64::from(clock.extension.is_some());
        match clock.answered_in_time(tz) {
            Some(true) => self.answered_in_time += 1,
            Some(false) => self.answered_late += 1,
            None => match clock.urgency(now, tz) {
                Urgency::Overdue => self.open_overdue += 1,
                Urgency::Paused => self.waiting_for_the_person += 1,
                Urgency::DueSoon | Urgency::OnTrack | Urgency::Closed => self.open_in_time += 1,
            },
        }
    }
}

/// A day of receipt that cannot be: after today, on the organization's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the request cannot have been received on {received}, after today ({today})")]
pub struct ReceivedInFuture {
    pub received: Date,
    pub today: Date,
}

/// The moment a request received on day `received` (by post, by phone, in person) is filed
/// with: the period counts from the day of receipt (art. 12(3)), so a day before today is its
/// first instant on the organization's calendar, and today is `now`. A later day is refused.
pub fn received_moment(
    received: Date,
    now: Timestamp,
    tz: &TimeZone,
) -> Result<Timestamp, ReceivedInFuture> {
    let today = now.to_zoned(tz.clone()).date();
    if received > today {
        return Err(ReceivedInFuture { received, today });
    }
    if received == today {
        return Ok(now);
    }
    Ok(received
        .to_zoned(tz.clone())
        .map(|z| z.timestamp())
        .unwrap_or(now))
}

/// When a request is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Due {
    /// The instant the period ends (exclusive): the answer must be given before it.
    pub at: Timestamp,
    /// The last day to answer, on the organization's calendar.
    pub date: Date,
}

vocabulary! {
    /// A request against its deadline, for a DPO's queue.
    Urgency, "urgency" {
        /// Past its due date and still open.
        Overdue => "overdue",
        /// Due within [`DUE_SOON_DAYS`] days (today included).
        DueSoon => "due_soon",
        OnTrack => "on_track",
        /// The clock is stopped: waiting for the person.
        Paused => "paused",
        Closed => "closed",
    }
}

/// The end (exclusive) of a period of `months` months starting on the day of `from` (Regulation
/// 1182/71 art. 3(2)(c)): midnight after the last day, in `tz`.
pub fn period_end(from: Timestamp, months: u8, tz: &TimeZone) -> Timestamp {
    let last = due_date(from.to_zoned(tz.clone()).date(), months);
    let next = last.tomorrow().unwrap_or(last);
    next.to_zoned(tz.clone())
        .map(|z| z.timestamp())
        .unwrap_or(Timestamp::MAX)
}

/// The last day of a period of `months` months from the day `received`: the same day number
/// `months` later, or the last day of that month when it is shorter.
pub fn due_date(received: Date, months: u8) -> Date {
    // jiff clamps to the last day of a shorter month: 31 January + 1 month = 28/29 February.
    received
        .checked_add(i64::from(months).months())
        .unwrap_or(Date::MAX)
}

/// The day on which the instant just before `end` falls: the last day of a period ending at `end`.
fn last_day(end: Timestamp, tz: &TimeZone) -> Date {
    let just_before = end
        .checked_sub(SignedDuration::from_micros(1))
        .unwrap_or(end);
    just_before.to_zoned(tz.clone()).date()
}

// --- erasure and legal obligations --------------------------------------------------------

vocabulary! {
    /// A legal obligation to keep data that an erasure request cannot override (art. 17(3)(b):
    /// "for compliance with a legal obligation which requires processing").
    LegalHold, "legal hold" {
        /// Accounting records and their supporting documents (invoices): 10 years
        /// (French Code de commerce art. L123-22; Livre des procédures fiscales art. L102 B).
        Accounting => "accounting",
        /// A contract in force: the data needed to perform it is kept until it ends, then for the
        /// limitation period of contractual claims (Code civil art. 2224: 5 years).
        Contract => "contract",
    }
}

impl LegalHold {
    /// How many years the data is kept from the end of the obligation's event.
    pub fn years(self) -> u8 {
        match self {
            LegalHold::Accounting => 10,
            LegalHold::Contract => 5,
        }
    }

    /// The legal references.
    pub fn basis(self) -> &'static str {
        match self {
            LegalHold::Accounting => {
                "Code de commerce art. L123-22, LPF art. L102 B (10 ans); RGPD art. 17(3)(b)"
            }
            LegalHold::Contract => "Code civil art. 2224 (5 ans); RGPD art. 17(1)(a), 17(3)(b)",
        }
    }

    /// One sentence in French for the answer to the person.
    pub fn explain_fr(self) -> &'static str {
        match self {
            LegalHold::Accounting => {
                "Vos données de facturation sont conservées 10 ans au titre de nos obligations \
                 comptables (Code de commerce, art. L123-22) ; elles sont archivées, leur \
                 traitement est limité à cette obligation et elles ne servent plus à la prospection."
            }
            LegalHold::Contract => {
                "Un contrat est en cours : les données nécessaires à son exécution sont conservées \
                 jusqu'à sa fin, puis 5 ans (Code civil, art. 2224) ; leur traitement est limité à \
                 cet usage et elles ne servent plus à la prospection."
            }
        }
    }

    /// The latest day the held data is kept, for a hold starting on `from`.
    pub fn until(self, from: Date) -> Date {
        from.checked_add(i64::from(self.years()).years())
            .unwrap_or(Date::MAX)
    }
}

/// What an erasure request does to a person's data in Vigie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "disposition", rename_all = "snake_case")]
pub enum ErasureDisposition {
    /// No obligation to keep: the data is destroyed (crypto-shredding), the identifiers go to
    /// the suppression list (hashes only) so that nothing brings the person back.
    Erase,
    /// A legal obligation requires keeping the data: it is archived and restricted instead
    /// (used for nothing but the obligation), and the identifiers go to the suppression list so
    /// that marketing never reaches the person again. The answer says which obligation and until
    /// when.
    ArchiveAndRestrict { hold: LegalHold },
}

/// The rule: a person who bought from the organization has invoices that accounting law keeps
/// for 10 years; a person with a contract in force has data the contract needs. Either keeps the
/// identity (archived and restricted) instead of erasing it; accounting wins when both apply (the
/// longer period). Anyone else is erased.
pub fn erasure_disposition(customer: bool, contract_active: bool) -> ErasureDisposition {
    if customer {
        ErasureDisposition::ArchiveAndRestrict {
            hold: LegalHold::Accounting,
        }
    } else if contract_active {
        ErasureDisposition::ArchiveAndRestrict {
            hold: LegalHold::Contract,
        }
    } else {
        ErasureDisposition::Erase
    }
}

/// A retention period, as told to the person (art. 13(2)(a), 15(1)(d)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionRule {
    pub fr: &'static str,
    pub en: &'static str,
}

/// The retention periods Vigie applies and tells people about.
pub const RETENTION: &[RetentionRule] = &[
    RetentionRule {
        fr: "Prospects : 3 ans à compter de la collecte ou du dernier contact venant de vous              (CNIL, référentiel gestion commerciale).",
        en: "Prospects: 3 years from collection or from your last contact with us (CNIL              guidance on customer management).",
    },
    RetentionRule {
        fr: "Clients : la durée de la relation commerciale, puis 3 ans pour la prospection.",
        en: "Customers: the length of the business relationship, then 3 years for marketing.",
    },
    RetentionRule {
        fr: "Factures et pièces comptables : 10 ans (Code de commerce, art. L123-22).",
        en: "Invoices and accounting records: 10 years (French Commercial Code, art. L123-22).",
    },
    RetentionRule {
        fr: "Preuves de consentement et d'opposition : la durée du traitement, puis 5 ans              (prescription, Code civil art. 2224) ; après un effacement, sans donnée vous              identifiant.",
        en: "Proof of consent and objection: while the processing lasts, then 5 years              (limitation period, French Civil Code art. 2224); after an erasure, with nothing              that identifies you.",
    },
    RetentionRule {
        fr: "Liste de suppression (vous ne serez plus contacté) : une empreinte SHA-256 de              l'identifiant, sans limite de durée tant que vous ne demandez pas à en sortir.",
        en: "Suppression list (you will not be contacted again): a SHA-256 fingerprint of the              identifier, for as long as you do not ask to leave it.",
    },
];

#[cfg(test)]
mod tests {

    #[test]
    fn deadlines_kept_count_each_request_once_where_it_stands() {
        let tz = TimeZone::get("Europe/Paris").unwrap();
        let t = |s: &str| s.parse::<Timestamp>().unwrap();
        let mut in_time = RequestClock::new(t("2026-01-05T10:00:00Z"), true);
        in_time.complete(t("2026-01-20T10:00:00Z")).unwrap();
        let mut late = RequestClock::new(t("2026-01-05T10:00:00Z"), true);
        late.complete(t("2026-03-01T10:00:00Z")).unwrap();
        let overdue = RequestClock::new(t("2026-01-05T10:00:00Z"), true);
        let running = RequestClock::new(t("2026-03-20T10:00:00Z"), true);
        let waiting = RequestClock::new(t("2026-01-05T10:00:00Z"), false);
        let mut extended = RequestClock::new(t("2026-02-20T10:00:00Z"), true);
        extended
            .extend(t("2026-03-01T10:00:00Z"), 2, "Demande complexe", &tz)
            .unwrap();
        let now = t("2026-03-25T10:00:00Z");
        let mut k = DeadlinesKept::default();
        for c in [&in_time, &late, &overdue, &running, &waiting, &extended] {
            k.count(c, now, &tz);
        }
        assert_eq!(
            k,
            DeadlinesKept {
                received: 6,
                answered_in_time: 1,
                answered_late: 1,
                open_in_time: 2,
                open_overdue: 1,
                waiting_for_the_person: 1,
                extended: 1,
            }
        );
    }

    #[test]
    fn a_request_received_by_post_counts_from_its_day_of_receipt() {
        let tz = TimeZone::get("Europe/Paris").unwrap();
        let now: Timestamp = "2026-12-05T10:00:00Z".parse().unwrap();
        let day = |s: &str| s.parse::<Date>().unwrap();
        let at = received_moment(day("2026-11-30"), now, &tz).unwrap();
        assert_eq!(
            at,
            "2026-11-29T23:00:00Z".parse::<Timestamp>().unwrap(),
            "midnight in Paris"
        );
        let clock = RequestClock::new(at, true);
        assert_eq!(clock.due(now, &tz).date, day("2026-12-30"));
        assert_eq!(received_moment(day("2026-12-05"), now, &tz).unwrap(), now);
        assert_eq!(
            received_moment(day("2026-12-06"), now, &tz),
            Err(ReceivedInFuture {
                received: day("2026-12-06"),
                today: day("2026-12-05")
            })
        );
    }

    #[test]
    fn answered_in_time_reads_the_due_date_at_closing() {
        let tz = TimeZone::get("Europe/Paris").unwrap();
        let received: Timestamp = "2026-01-10T09:00:00Z".parse().unwrap();
        let mut c = RequestClock::new(received, true);
        assert_eq!(c.answered_in_time(&tz), None, "open");
        c.complete("2026-02-10T20:00:00Z".parse().unwrap()).unwrap();
        assert_eq!(
            c.answered_in_time(&tz),
            Some(true),
            "the last day, before midnight in Paris"
        );
        let mut late = RequestClock::new(received, true);
        late.complete("2026-02-11T08:00:00Z".parse().unwrap())
            .unwrap();
        assert_eq!(late.answered_in_time(&tz), Some(false));
    }

    use super::*;

    fn paris() -> TimeZone {
        TimeZone::get("Europe/Paris").unwrap()
    }

    /// Noon, Paris time, on a day.
    fn at(y: i16, m: i8, d: i8) -> Timestamp {
        jiff::civil::date(y, m, d)
            .at(12, 0, 0, 0)
            .to_zoned(paris())
            .unwrap()
            .timestamp()
    }

    fn day(y: i16, m: i8, d: i8) -> Date {
        jiff::civil::date(y, m, d)
    }

    #[test]
    fn one_month_across_month_ends() {
        assert_eq!(due_date(day(2026, 1, 31), 1), day(2026, 2, 28));
        assert_eq!(due_date(day(2028, 1, 31), 1), day(2028, 2, 29)); // leap year
        assert_eq!(due_date(day(2026, 1, 30), 1), day(2026, 2, 28));
        assert_eq!(due_date(day(2026, 3, 31), 1), day(2026, 4, 30));
        assert_eq!(due_date(day(2026, 2, 28), 1), day(2026, 3, 28));
        assert_eq!(due_date(day(2026, 12, 15), 1), day(2027, 1, 15));
        assert_eq!(due_date(day(2026, 12, 31), 1), day(2027, 1, 31));
        assert_eq!(due_date(day(2026, 1, 15), 1), day(2026, 2, 15));
        // Extended by two months: three months from receipt, clamped once.
        assert_eq!(due_date(day(2026, 11, 30), 3), day(2027, 2, 28));
        assert_eq!(due_date(day(2027, 11, 30), 3), day(2028, 2, 29));
    }

    #[test]
    fn due_is_the_end_of_the_last_day_on_the_organizations_calendar() {
        let c = RequestClock::new(at(2026, 1, 31), true);
        let due = c.due(at(2026, 2, 1), &paris());
        assert_eq!(due.date, day(2026, 2, 28));
        // Midnight Paris time after 28 February: 23:00 UTC on the 28th.
        assert_eq!(due.at.to_string(), "2026-02-28T23:00:00Z");
        // Received just before midnight Paris time on 31 January (23:30 UTC is already 1 February
        // in Paris): the Paris day counts.
        let late: Timestamp = "2026-01-31T23:30:00Z".parse().unwrap();
        assert_eq!(
            RequestClock::new(late, true).due(late, &paris()).date,
            day(2026, 3, 1)
        );
        let leap = RequestClock::new(at(2028, 1, 31), true);
        assert_eq!(leap.due(at(2028, 2, 1), &paris()).date, day(2028, 2, 29));
    }

    #[test]
    fn pauses_move_the_due_date_by_their_length() {
        let tz = paris();
        // Filed unverified on 31 January, verified 5 days later: due 5 days after 28 February.
        let mut c = RequestClock::new(at(2026, 1, 31), false);
        assert_eq!(c.status, RequestStatus::AwaitingIdentity);
        assert!(c.paused());
        // While paused the due date moves on with time.
        assert_eq!(c.due(at(2026, 2, 3), &tz).date, day(2026, 3, 3));
        c.verify(at(2026, 2, 5)).unwrap();
        assert_eq!(c.status, RequestStatus::InProgress);
        assert_eq!(c.due(at(2026, 2, 6), &tz).date, day(2026, 3, 5));
        // The DPO asks for more proof on 10 February; it comes on 20 February: 10 more days.
        c.pause(at(2026, 2, 10)).unwrap();
        assert_eq!(c.urgency(at(2026, 2, 12), &tz), Urgency::Paused);
        assert_eq!(
            c.pause(at(2026, 2, 11)),
            Err(TransitionError::AlreadyPaused)
        );
        c.resume(at(2026, 2, 20)).unwrap();
        assert_eq!(c.resume(at(2026, 2, 21)), Err(TransitionError::NotPaused));
        assert_eq!(
            c.paused_for(at(2026, 6, 1)),
            SignedDuration::from_hours(15 * 24)
        );
        assert_eq!(c.due(at(2026, 6, 1), &tz).date, day(2026, 3, 15));
        // A pause of a few hours moves the end by those hours: into the small hours of the day
        // after, which becomes the last day.
        let mut short = RequestClock::new(at(2026, 4, 10), true);
        short.pause(at(2026, 4, 11)).unwrap();
        short
            .resume(at(2026, 4, 11) + SignedDuration::from_hours(3))
            .unwrap();
        let due = short.due(at(2026, 4, 12), &tz);
        assert_eq!(due.date, day(2026, 5, 11));
        assert_eq!(due.at.to_string(), "2026-05-11T01:00:00Z");
    }

    #[test]
    fn one_extension_of_at_most_two_months_with_a_reason_before_the_due_date() {
        let tz = paris();
        let mut c = RequestClock::new(at(2026, 1, 31), true);
        assert_eq!(
            c.extend(at(2026, 2, 10), 3, "complex", &tz),
            Err(TransitionError::ExtensionMonths(3))
        );
        assert_eq!(
            c.extend(at(2026, 2, 10), 0, "complex", &tz),
            Err(TransitionError::ExtensionMonths(0))
        );
        assert_eq!(
            c.extend(at(2026, 2, 10), 2, "  ", &tz),
            Err(TransitionError::ExtensionReason)
        );
        assert_eq!(
            c.extend(at(2026, 3, 1), 2, "complex", &tz),
            Err(TransitionError::ExtensionTooLate {
                due: day(2026, 2, 28)
            })
        );
        c.extend(at(2026, 2, 10), 2, "twelve connected systems", &tz)
            .unwrap();
        // Three months from 31 January: 30 April.
        assert_eq!(c.due(at(2026, 2, 11), &tz).date, day(2026, 4, 30));
        assert_eq!(
            c.extend(at(2026, 2, 11), 1, "again", &tz),
            Err(TransitionError::AlreadyExtended)
        );
        // One month in a leap year, with a pause of 2 days.
        let mut l = RequestClock::new(at(2028, 1, 31), true);
        l.pause(at(2028, 2, 1)).unwrap();
        l.resume(at(2028, 2, 3)).unwrap();
        l.extend(at(2028, 2, 4), 1, "volume", &tz).unwrap();
        assert_eq!(l.due(at(2028, 2, 5), &tz).date, day(2028, 4, 2));
    }

    #[test]
    fn urgency_for_the_queue() {
        let tz = paris();
        let c = RequestClock::new(at(2026, 1, 31), true);
        assert_eq!(c.urgency(at(2026, 2, 1), &tz), Urgency::OnTrack);
        assert_eq!(c.urgency(at(2026, 2, 21), &tz), Urgency::OnTrack); // 7 days left
        assert_eq!(c.urgency(at(2026, 2, 22), &tz), Urgency::DueSoon); // 6 days left
        assert_eq!(c.urgency(at(2026, 2, 28), &tz), Urgency::DueSoon); // the last day
        assert_eq!(c.urgency(at(2026, 3, 1), &tz), Urgency::Overdue);
        let mut done = c.clone();
        done.complete(at(2026, 3, 2)).unwrap();
        assert_eq!(done.urgency(at(2026, 3, 3), &tz), Urgency::Closed);
    }

    #[test]
    fn life_cycle_refuses_what_the_state_does_not_allow() {
        let mut c = RequestClock::new(at(2026, 5, 1), false);
        assert_eq!(
            c.complete(at(2026, 5, 2)),
            Err(TransitionError::NotVerified)
        );
        assert!(matches!(
            c.verify(at(2026, 4, 30)),
            Err(TransitionError::BeforeReceipt { .. })
        ));
        c.verify(at(2026, 5, 2)).unwrap();
        assert_eq!(
            c.verify(at(2026, 5, 3)),
            Err(TransitionError::AlreadyVerified)
        );
        assert_eq!(
            c.reject(at(2026, 5, 3), ""),
            Err(TransitionError::RejectionReason)
        );
        c.complete(at(2026, 5, 3)).unwrap();
        assert_eq!(c.closed_at, Some(at(2026, 5, 3)));
        assert_eq!(
            c.pause(at(2026, 5, 4)),
            Err(TransitionError::Closed(RequestStatus::Completed))
        );
        // Rejecting an unverified request closes its pause.
        let mut r = RequestClock::new(at(2026, 5, 1), false);
        r.reject(at(2026, 6, 1), "identity never proven").unwrap();
        assert!(!r.paused());
        assert_eq!(r.status, RequestStatus::Rejected);
    }

    #[test]
    fn erasure_keeps_what_the_law_obliges_to_keep() {
        assert_eq!(erasure_disposition(false, false), ErasureDisposition::Erase);
        assert_eq!(
            erasure_disposition(true, false),
            ErasureDisposition::ArchiveAndRestrict {
                hold: LegalHold::Accounting
            }
        );
        assert_eq!(
            erasure_disposition(true, true),
            ErasureDisposition::ArchiveAndRestrict {
                hold: LegalHold::Accounting
            }
        );
        assert_eq!(
            erasure_disposition(false, true),
            ErasureDisposition::ArchiveAndRestrict {
                hold: LegalHold::Contract
            }
        );
        assert_eq!(
            LegalHold::Accounting.until(day(2028, 2, 29)),
            day(2038, 2, 28)
        );
    }

    #[test]
    fn kinds_and_statuses_have_one_spelling() {
        for k in RequestKind::ALL {
            assert_eq!(k.as_str().parse::<RequestKind>().unwrap(), *k);
        }
        assert!("forget".parse::<RequestKind>().is_err());
        assert!(RequestKind::Erasure.notifies_recipients());
        assert!(!RequestKind::Access.notifies_recipients());
        for s in RequestStatus::ALL {
            assert_eq!(s.as_str().parse::<RequestStatus>().unwrap(), *s);
        }
    }
}
