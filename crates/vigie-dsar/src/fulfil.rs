//! Fulfilment: what a request does once verified, on Vigie's own data (access archive, erasure
//! or its archive under a legal hold, rectification, restriction, objection) and on the
//! organization's connected systems, each step in the request's history and the audit trail.

use serde_json::json;
use vigie_core::dsar::{
    ErasureDisposition, RequestKind, RequestStatus, TransitionError, erasure_disposition,
};
use vigie_core::{Action, ChannelScope, ConsentEvent, ContactRef, Method, Purpose};
use vigie_store::{
    AnswerKind, Contact, Identifier, NewConsentEvent, Organization, Request, RequestQuery,
};

use crate::{
    Actor, Archive, Dsar, DsarError, Fulfilment, Result, archive, notify, systems, target,
};

impl Dsar {
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
