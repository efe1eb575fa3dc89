//! Consent forms (migrations 0030, 0031): the versions of each form's definition, and what a
//! submission writes — the contact found by e-mail or phone (or created), the ledger grants with
//! their proof, and for an e-mail box under double opt-in a pending confirmation instead.
//!
//! The proof of a form grant: method `unticked_checkbox` (or `double_opt_in`), the notice
//! version, the source `form:<slug>@<version> <lang> sha256:<wording digest>` (the wording
//! shown, in the page's language), the time, and the IP and user agent sealed as the ledger seals
//! them. Under double opt-in the grant counts from the confirmation (its `at`, its IP and user
//! agent); its source adds `confirms:<id>`, the row of `form_confirmations` that keeps the
//! submission's time, IP and user agent (sealed with the contact's key): both steps stay.

use jiff::Timestamp;
use vigie_core::forms::{FormSpec, Submission, valid_form_slug};
use vigie_core::{
    Action, Audience, Channel, ChannelScope, ConsentEvent, ContactRef, Lang, Method, Purpose,
};

use crate::error::{Result, StoreError};
use crate::links::LinkKind;
use crate::model::{ContactData, ContactQuery, NewConsentEvent, OrgId, from_micros};
use crate::sql::sql_params;
use crate::{AuditEvent, Store, now_micros};

/// One version of a form.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StoredForm {
    pub slug: String,
    pub version: i64,
    pub spec: FormSpec,
    pub actor: String,
    pub created_at: Timestamp,
}

impl StoredForm {
    /// The ledger source of a grant by this form's box for `channel`, shown in `lang`.
    pub fn source(&self, channel: Channel, lang: Lang) -> String {
        let digest = self
            .spec
            .boxes
            .iter()
            .find(|b| b.channel == channel)
            .map(|b| b.wording_sha256(lang))
            .unwrap_or_default();
        format!(
            "form:{}@{} {} sha256:{digest}",
            self.slug,
            self.version,
            lang.as_str()
        )
    }
}

/// What a submission did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormSubmitted {
    pub contact_ref: ContactRef,
    /// The channels granted now (no confirmation awaited).
    pub granted: Vec<Channel>,
    /// The confirmation awaited for e-mail, if any: its id, for the signed link.
    pub confirmation: Option<i64>,
}

/// A confirmation awaited or given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormConfirmation {
    pub id: i64,
    pub form_slug: String,
    pub form_version: i64,
    pub contact_ref: String,
    pub lang: Lang,
    pub purposes: Vec<Purpose>,
    pub submitted_at: Timestamp,
    /// The submission's IP and user agent (absent once the contact is erased).
    pub submitted_ip: Option<String>,
    pub submitted_user_agent: Option<String>,
    pub confirmed_at: Option<Timestamp>,
}

fn read_form(slug: &str, r: &[crate::sql::Val]) -> Result<StoredForm> {
    let spec = FormSpec::from_json(&r[1].text()?)
        .map_err(|e| StoreError::Other(format!("stored form {slug}: {e}")))?;
    Ok(StoredForm {
        slug: slug.to_owned(),
        version: r[0].int()?,
        spec,
        actor: r[2].text()?,
        created_at: from_micros(r[3].int()?),
    })
}

fn new_contact_ref() -> ContactRef {
    let bytes: [u8; 10] = rand::random();
    ContactRef::parse(&format!("form-{}", hex::encode(bytes))).expect("a valid reference")
}

impl Store {
    /// Saves a form's definition: a new version when it differs from the latest (equal, it
    /// writes nothing and returns the latest). The notice it links to must be published.
    /// Audited.
    pub async fn save_form(
        &self,
        org: OrgId,
        slug: &str,
        spec: &FormSpec,
        audit: AuditEvent,
    ) -> Result<StoredForm> {
        if !valid_form_slug(slug) {
            return Err(StoreError::Invalid(format!(
                "slug: {slug:?} is not a form name (1-64 of a-z, 0-9, '-')"
            )));
        }
        spec.check()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        match self.notice(org, &spec.notice_version).await? {
            Some(n) if n.published_at.is_some() => {}
            _ => {
                return Err(StoreError::Invalid(format!(
                    "notice_version: {} is not a published notice",
                    spec.notice_version
                )));
            }
        }
        let latest = self.form(org, slug, None).await?;
        if let Some(l) = &latest
            && l.spec == *spec
        {
            return Ok(l.clone());
        }
        let version = latest.map_or(1, |l| l.version + 1);
        let json = serde_json::to_string(spec).expect("a form serializes");
        // Two saves racing for one version: the primary key lets one through.
        self.sql_exec(
            "INSERT INTO consent_forms (org_id, slug, version, spec, actor, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
            sql_params![org, slug, version, json, audit.actor.as_str(), now_micros()],
        )
        .await?;
        self.audit(
            org,
            AuditEvent {
                action: "form.save".into(),
                target: Some(format!("form:{slug}@{version}")),
                ..audit
            },
        )
        .await?;
        self.form(org, slug, Some(version))
            .await?
            .ok_or_else(|| StoreError::Other("form vanished after save".into()))
    }

    /// A form's version, or its latest.
    pub async fn form(
        &self,
        org: OrgId,
        slug: &str,
        version: Option<i64>,
    ) -> Result<Option<StoredForm>> {
        let row = match version {
            Some(v) => {
                self.sql_row(
                    "SELECT version, spec, actor, created_at FROM consent_forms
                     WHERE org_id = $1 AND slug = $2 AND version = $3",
                    sql_params![org, slug, v],
                )
                .await?
            }
            None => {
                self.sql_row(
                    "SELECT version, spec, actor, created_at FROM consent_forms
                     WHERE org_id = $1 AND slug = $2 ORDER BY version DESC LIMIT 1",
                    sql_params![org, slug],
                )
                .await?
            }
        };
        row.map(|r| read_form(slug, &r)).transpose()
    }

    /// The latest version of every form, by name.
    pub async fn forms(&self, org: OrgId) -> Result<Vec<StoredForm>> {
        let rows = self
            .sql_rows(
                "SELECT f.version, f.spec, f.actor, f.created_at, f.slug FROM consent_forms f
                 WHERE f.org_id = $1 AND f.version = (SELECT max(g.version) FROM consent_forms g
                     WHERE g.org_id = f.org_id AND g.slug = f.slug)
                 ORDER BY f.slug",
                sql_params![org],
            )
            .await?;
        rows.iter().map(|r| read_form(&r[4].text()?, r)).collect()
    }

    /// The contact a submission names: found by e-mail, else by phone, else created (a web-form
    /// prospect, informed by the linked notice). A found contact gains the identifiers it
    /// lacked; nothing it has is overwritten by what a stranger typed.
    async fn form_contact(
        &self,
        org: OrgId,
        form: &StoredForm,
        sub: &Submission,
        now: Timestamp,
    ) -> Result<ContactRef> {
        let mut found = None;
        if let Some(email) = &sub.email {
            let q = ContactQuery {
                email: Some(email.clone()),
                limit: 1,
                ..ContactQuery::default()
            };
            found = self.contacts(org, &q).await?.contacts.into_iter().next();
        }
        if found.is_none()
            && let Some(phone) = &sub.phone
        {
            let q = ContactQuery {
                phone: Some(phone.clone()),
                limit: 1,
                ..ContactQuery::default()
            };
            found = self.contacts(org, &q).await?.contacts.into_iter().next();
        }
        if let Some(c) = found {
            let mut data = c.data.clone();
            let mut changed = false;
            if data.email.is_none() && sub.email.is_some() {
                data.email = sub.email.clone();
                changed = true;
            }
            if data.phone.is_none() && sub.phone.is_some() {
                data.phone = sub.phone.clone();
                changed = true;
            }
            if changed {
                self.upsert_contact(org, &data).await?;
            }
            return Ok(data.contact_ref);
        }
        let data = ContactData {
            contact_ref: new_contact_ref(),
            email: sub.email.clone(),
            phone: sub.phone.clone(),
            first_name: sub.first_name.clone(),
            last_name: sub.last_name.clone(),
            audience: Audience::Consumer,
            customer: false,
            customer_categories: Vec::new(),
            collected_via: Some(format!("form:{}", form.slug)),
            collected_at: Some(now),
            informed: true,
            objection_offered: true,
            contract_active: false,
            restricted: false,
            time_zone: None,
            relationship_ended_at: None,
        };
        Ok(self.create_contact(org, &data).await?.data.contact_ref)
    }

    /// Records a submission of `form` (read by the core) made at `now` from `ip` with
    /// `user_agent`, the page shown in `lang`: grants for the ticked boxes that need no
    /// confirmation, a pending confirmation for an e-mail box under double opt-in. Audited as
    /// `public`, without identifiers.
    #[allow(clippy::too_many_arguments)]
    pub async fn submit_form(
        &self,
        org: OrgId,
        form: &StoredForm,
        sub: &Submission,
        lang: Lang,
        now: Timestamp,
        ip: Option<String>,
        user_agent: Option<String>,
    ) -> Result<FormSubmitted> {
        let contact_ref = self.form_contact(org, form, sub, now).await?;
        let mut granted = Vec::new();
        let mut confirmation = None;
        for &channel in &sub.ticked {
            if form.spec.awaits_confirmation(channel) {
                confirmation = Some(
                    self.await_confirmation(org, form, &contact_ref, lang, now, &ip, &user_agent)
                        .await?,
                );
                continue;
            }
            for &purpose in &form.spec.purposes {
                let event = NewConsentEvent {
                    event: ConsentEvent {
                        scope: ChannelScope::from(channel),
                        purpose,
                        action: Action::Grant,
                        at: now,
                        method: Method::UntickedCheckbox,
                    },
                    notice_version: Some(form.spec.notice_version.clone()),
                    source: Some(form.source(channel, lang)),
                    ip: ip.clone(),
                    user_agent: user_agent.clone(),
                };
                self.append_event(org, &contact_ref, &event).await?;
            }
            granted.push(channel);
        }
        self.audit(
            org,
            AuditEvent {
                actor: "public".into(),
                role: None,
                action: "form.submit".into(),
                target: Some(format!("contact:{contact_ref}")),
                // The IP address is personal data: it stays sealed in the proof only.
                origin: None,
                reason: Some(format!(
                    "form:{}@{}: granted [{}]{}",
                    form.slug,
                    form.version,
                    granted
                        .iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    confirmation.map_or(String::new(), |id| format!(
                        "; e-mail awaits confirmation {id}"
                    ))
                )),
            },
        )
        .await?;
        Ok(FormSubmitted {
            contact_ref,
            granted,
            confirmation,
        })
    }

    #[allow(clippy::too_many_arguments)]
    async fn await_confirmation(
        &self,
        org: OrgId,
        form: &StoredForm,
        contact_ref: &ContactRef,
        lang: Lang,
        now: Timestamp,
        ip: &Option<String>,
        user_agent: &Option<String>,
    ) -> Result<i64> {
        let contact = self
            .contact(org, contact_ref)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("contact {contact_ref}")))?;
        let wrapped = self
            .sql_row(
                "SELECT wrapped_dek FROM contacts WHERE org_id = $1 AND id = $2",
                sql_params![org, contact.id],
            )
            .await?
            .and_then(|r| r[0].opt_blob().ok().flatten());
        let crypto = self.org_crypto(org).await?;
        let dek = crypto.data_key(contact_ref.as_str(), wrapped.as_deref())?;
        let proof = crypto.seal_proof(
            contact_ref.as_str(),
            ip.as_deref(),
            user_agent.as_deref(),
            &dek,
        );
        let purposes = form
            .spec
            .purposes
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(",");
        let digest = form
            .source(Channel::Email, lang)
            .rsplit("sha256:")
            .next()
            .unwrap_or_default()
            .to_owned();
        let rows = self
            .sql_rows(
                "INSERT INTO form_confirmations (org_id, form_slug, form_version, contact_id,
                     contact_ref, lang, wording_sha256, purposes, submitted_at, proof)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                sql_params![
                    org,
                    form.slug.as_str(),
                    form.version,
                    contact.id,
                    contact_ref.as_str(),
                    lang.as_str(),
                    digest,
                    purposes,
                    now.as_microsecond(),
                    proof
                ],
            )
            .await?;
        rows.first()
            .ok_or_else(|| StoreError::Other("no id returned".into()))?[0]
            .int()
    }

    /// The signed token of a confirmation's link, valid until `expires`.
    pub async fn form_confirmation_token(
        &self,
        org: OrgId,
        form_slug: &str,
        id: i64,
        expires: Timestamp,
    ) -> Result<String> {
        Ok(self.link_signer(org).await?.sign(
            LinkKind::FormConfirmation,
            &[form_slug, &id.to_string()],
            expires,
        ))
    }

    /// The confirmation a link names, checked at `now` (forged, altered or expired: an
    /// `Invalid` error naming why), changing nothing.
    pub async fn form_confirmation(
        &self,
        org: OrgId,
        token: &str,
        now: Timestamp,
    ) -> Result<FormConfirmation> {
        let signer = self.link_signer(org).await?;
        let id = {
            let link = signer
                .verify(LinkKind::FormConfirmation, token, now)
                .map_err(|r| r.into_error(LinkKind::FormConfirmation))?;
            match link.parts.as_slice() {
                [_, id] => id.parse::<i64>().ok(),
                _ => None,
            }
        }
        .ok_or_else(|| StoreError::Invalid("form-confirmation link: forged or altered".into()))?;
        let r = self
            .sql_row(
                "SELECT f.id, f.form_slug, f.form_version, f.contact_ref, f.lang, f.purposes,
                     f.submitted_at, f.proof, f.confirmed_at, c.wrapped_dek
                 FROM form_confirmations f LEFT JOIN contacts c
                     ON c.org_id = f.org_id AND c.id = f.contact_id
                 WHERE f.org_id = $1 AND f.id = $2",
                sql_params![org, id],
            )
            .await?
            .ok_or_else(|| {
                StoreError::NotFound("form-confirmation link: no such submission".into())
            })?;
        let contact_ref = r[3].text()?;
        let (submitted_ip, submitted_user_agent) = match (r[7].opt_blob()?, r[9].opt_blob()?) {
            (Some(sealed), Some(wrapped)) => {
                let crypto = self.org_crypto(org).await?;
                let dek = crypto.data_key(&contact_ref, Some(&wrapped))?;
                crypto.open_proof(&contact_ref, &sealed, &dek)?
            }
            _ => (None, None),
        };
        let bad =
            |e: &dyn std::fmt::Display| StoreError::Other(format!("stored confirmation {id}: {e}"));
        Ok(FormConfirmation {
            id: r[0].int()?,
            form_slug: r[1].text()?,
            form_version: r[2].int()?,
            contact_ref,
            lang: r[4].text()?.parse().map_err(|e| bad(&e))?,
            purposes: r[5]
                .text()?
                .split(',')
                .map(|p| p.parse::<Purpose>().map_err(|e| bad(&e)))
                .collect::<Result<_>>()?,
            submitted_at: from_micros(r[6].int()?),
            submitted_ip,
            submitted_user_agent,
            confirmed_at: r[8].opt_int()?.map(from_micros),
        })
    }

    /// Confirms the e-mail consent a link names, at `now`, from `ip` with `user_agent`: a grant
    /// per purpose, method `double_opt_in`, counted from now. Confirming again changes nothing
    /// and returns the confirmation as it stands.
    pub async fn confirm_form(
        &self,
        org: OrgId,
        token: &str,
        now: Timestamp,
        ip: Option<String>,
        user_agent: Option<String>,
    ) -> Result<FormConfirmation> {
        // Stored times are microseconds: the answer says what is stored.
        let now = from_micros(now.as_microsecond());
        let c = self.form_confirmation(org, token, now).await?;
        if c.confirmed_at.is_some() {
            return Ok(c);
        }
        let form = self
            .form(org, &c.form_slug, Some(c.form_version))
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("form {}", c.form_slug)))?;
        let contact_ref = ContactRef::from_stored(&c.contact_ref)
            .map_err(|e| StoreError::Other(format!("stored confirmation: {e}")))?;
        for &purpose in &c.purposes {
            let event = NewConsentEvent {
                event: ConsentEvent {
                    scope: ChannelScope::Email,
                    purpose,
                    action: Action::Grant,
                    at: now,
                    method: Method::DoubleOptIn,
                },
                notice_version: Some(form.spec.notice_version.clone()),
                source: Some(format!(
                    "{} confirms:{}",
                    form.source(Channel::Email, c.lang),
                    c.id
                )),
                ip: ip.clone(),
                user_agent: user_agent.clone(),
            };
            // Appending the same event again is a no-op: a retry after a failure completes.
            self.append_event(org, &contact_ref, &event).await?;
        }
        self.sql_exec(
            "UPDATE form_confirmations SET confirmed_at = $1
             WHERE org_id = $2 AND id = $3 AND confirmed_at IS NULL",
            sql_params![now.as_microsecond(), org, c.id],
        )
        .await?;
        self.audit(
            org,
            AuditEvent {
                actor: "public".into(),
                role: None,
                action: "form.confirm".into(),
                target: Some(format!("contact:{}", c.contact_ref)),
                // The IP address is personal data: it stays sealed in the proof only.
                origin: None,
                reason: Some(format!(
                    "form:{}@{}: e-mail confirmed (confirmation {})",
                    c.form_slug, c.form_version, c.id
                )),
            },
        )
        .await?;
        Ok(FormConfirmation {
            confirmed_at: Some(now),
            ..c
        })
    }
}
