//! Requalification campaigns (migration 0020): the prospects whose period ends within a few days
//! are asked, through a signed per-person link, whether they still want to hear from the
//! organization. A yes is a grant in the ledger on the campaign's channel (its proof: the
//! method, the campaign as source, the time, the IP and user agent sealed as the ledger seals
//! them), which is a sign of life: the period starts again. A no is a withdrawal. When the
//! window has closed, the retention run erases whoever did not answer yes (`RUN_CANDIDATES`).
//!
//! The link is the authority: `<campaign>.<contact id>.<expiry, Unix seconds>.<MAC>`, the MAC
//! an HMAC-SHA-256 under a key derived from the organization's key (`OrgCrypto::links`). A link
//! forged, altered or past its expiry is refused before anything is read or written.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use vigie_core::{
    Action, Channel, ChannelScope, ConsentEvent, ContactRef, Coverage, Email, Method, Moment,
    PhoneE164, Purpose,
};

use crate::coverage::CoverageSelection;
use crate::error::{Result, StoreError};
use crate::links::{LinkKind, LinkRefusal};
use crate::model::{NewConsentEvent, OrgId, from_micros};
use crate::retention::sqlite_text;
use crate::sql::sql_params;
use crate::{AuditEvent, Backends, Store, now_micros};

/// The response window when none is given.
pub const DEFAULT_WINDOW_DAYS: u32 = 30;

/// A campaign to create.
#[derive(Debug, Clone)]
pub struct NewRequalification {
    pub name: String,
    /// The channel the grant is asked for.
    pub channel: Channel,
    /// The moment the campaign selects for (RFC 3339): its window opens then.
    pub at: String,
    /// Who is asked.
    pub selection: RequalificationSelection,
    /// How long the people have to answer.
    pub window_days: u32,
}

/// Who a campaign asks: one of the two groups of issue 16.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RequalificationSelection {
    /// The prospects whose period ends after the campaign's moment and within this many days of
    /// it.
    PeriodEnding { within_days: u32 },
    /// The contacts without proof of consent on the campaign's channel for marketing: the
    /// coverage report's `no_basis` at the campaign's moment (not those who withdrew or
    /// objected, not those past their period, whom the run erases anyway).
    WithoutConsentProof,
}

impl RequalificationSelection {
    /// The stored spelling.
    pub fn kind(self) -> &'static str {
        match self {
            RequalificationSelection::PeriodEnding { .. } => "period_ending",
            RequalificationSelection::WithoutConsentProof => "without_consent_proof",
        }
    }

    fn within_days(self) -> u32 {
        match self {
            RequalificationSelection::PeriodEnding { within_days } => within_days,
            RequalificationSelection::WithoutConsentProof => 0,
        }
    }

    fn from_stored(kind: &str, within_days: i64) -> Result<RequalificationSelection> {
        match kind {
            "period_ending" => Ok(RequalificationSelection::PeriodEnding {
                within_days: u32::try_from(within_days)
                    .map_err(|e| StoreError::Other(format!("stored campaign: {e}")))?,
            }),
            "without_consent_proof" => Ok(RequalificationSelection::WithoutConsentProof),
            other => Err(StoreError::Other(format!(
                "stored campaign: unknown selection {other:?}"
            ))),
        }
    }

    fn describe(self) -> String {
        match self {
            RequalificationSelection::PeriodEnding { within_days } => {
                format!("prospect(s) whose period ends within {within_days} day(s)")
            }
            RequalificationSelection::WithoutConsentProof => {
                "contact(s) without proof of consent".to_owned()
            }
        }
    }
}

/// A campaign and its progress.
#[derive(Debug, Clone, Serialize)]
pub struct RequalificationCampaign {
    pub id: i64,
    pub name: String,
    pub channel: Channel,
    pub selection: RequalificationSelection,
    pub within_days: i64,
    pub starts_at: Timestamp,
    pub closes_at: Timestamp,
    pub actor: String,
    pub created_at: Timestamp,
    pub progress: RequalificationProgress,
}

/// How many were asked, how many were sent their link, and what they answered.
/// `confirmed + refused + silent + not_sent = asked`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RequalificationProgress {
    pub asked: i64,
    /// Whose link was in an export at least once.
    pub sent: i64,
    pub confirmed: i64,
    pub refused: i64,
    /// Sent, no answer yet.
    pub silent: i64,
    /// Never in an export, no answer (the window's end erases them all the same).
    pub not_sent: i64,
}

/// A person's link, with the identifiers the channel may need (the e-mail service's file).
#[derive(Debug, Clone, Serialize)]
pub struct RequalificationLink {
    pub contact_ref: String,
    pub email: Option<Email>,
    pub phone: Option<PhoneE164>,
    pub token: String,
}

/// One export of a campaign's links, as recorded.
#[derive(Debug, Clone, Serialize)]
pub struct RequalificationExport {
    pub exported_at: Timestamp,
    pub actor: String,
    /// The people in the file (now counted as sent).
    pub links: i64,
    /// The members left out: no identifier for the channel, or erased since.
    pub unreachable: i64,
    pub expires_at: Timestamp,
}

/// The links of an export, and the export as recorded.
#[derive(Debug, Clone)]
pub struct ExportedLinks {
    pub campaign: RequalificationCampaign,
    pub links: Vec<RequalificationLink>,
    pub export: RequalificationExport,
}

/// A member with what the channel needs to reach them.
struct MemberLink {
    contact_id: i64,
    link: RequalificationLink,
    /// Not erased, and holding the identifier the channel reaches (any member for postal mail:
    /// the organization knows the address by the reference).
    reachable: bool,
}

/// What a valid link names.
#[derive(Debug, Clone, Serialize)]
pub struct RequalificationTarget {
    pub campaign_id: i64,
    pub campaign_name: String,
    pub channel: Channel,
    pub contact_ref: String,
    pub expires: Timestamp,
    /// `yes` or `no` once answered.
    pub answer: Option<String>,
}

/// A parsed link, its MAC checked.
struct Token {
    campaign: i64,
    contact: i64,
    expires: i64,
}

impl Store {
    /// Creates a campaign asking the prospects whose period ends after `new.at` and within
    /// `new.within_days` of it (the organization's current policies, the core's cut-offs); the
    /// campaign and its members in one transaction; audited.
    pub async fn create_requalification(
        &self,
        org: OrgId,
        new: &NewRequalification,
        audit: AuditEvent,
    ) -> Result<RequalificationCampaign> {
        let name = new.name.trim();
        if name.is_empty() {
            return Err(StoreError::Invalid("name: a campaign needs a name".into()));
        }
        if new.window_days == 0 {
            return Err(StoreError::Invalid(
                "window_days: the window must last at least one day".into(),
            ));
        }
        let at = Moment::parse(&new.at).map_err(|e| StoreError::Invalid(format!("at: {e}")))?;
        let within_days = new.selection.within_days();
        let later = Moment::new(
            at.instant() + SignedDuration::from_hours(24 * i64::from(within_days)),
            at.offset(),
        );
        // Without proof of consent: the coverage's own list, read before the transaction (one
        // pass over the base); the period ending: one set-based insert inside it.
        let chosen = match new.selection {
            RequalificationSelection::PeriodEnding { .. } => None,
            RequalificationSelection::WithoutConsentProof => Some(
                self.coverage_members(
                    org,
                    &new.at,
                    CoverageSelection {
                        category: Coverage::NoBasis,
                        channel: new.channel,
                        purpose: Purpose::Marketing,
                    },
                )
                .await?,
            ),
        };
        let policies = self.retention_policies(org).await?;
        let now_cut = policies.cutoffs(at).prospects.as_microsecond();
        let later_cut = policies.cutoffs(later).prospects.as_microsecond();
        let starts = at.instant().as_microsecond();
        let closes = (at.instant() + SignedDuration::from_hours(24 * i64::from(new.window_days)))
            .as_microsecond();
        let campaign = (
            name.to_owned(),
            new.channel.as_str().to_owned(),
            i64::from(within_days),
            starts,
            closes,
            audit.actor.clone(),
            now_micros(),
            new.selection.kind(),
        );
        let params = [org, later.instant().as_microsecond(), now_cut, later_cut];
        let id = match &self.backend {
            Backends::Sqlite(b) => {
                b.write(move |tx| {
                    let id: i64 = tx.query_row(
                        "INSERT INTO requalification_campaigns (org_id, name, channel, within_days,
                             starts_at, closes_at, actor, created_at, selection)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
                        rusqlite::params![
                            org, campaign.0, campaign.1, campaign.2, campaign.3, campaign.4,
                            campaign.5, campaign.6, campaign.7
                        ],
                        |r| r.get(0),
                    )?;
                    match &chosen {
                        None => {
                            tx.execute(
                                &sqlite_text(SELECT_MEMBERS),
                                rusqlite::params![params[0], params[1], params[2], params[3], id],
                            )?;
                        }
                        Some(members) => {
                            let mut st = tx.prepare(
                                "INSERT INTO requalification_members (org_id, campaign_id, contact_id, contact_ref)
                                 VALUES (?1, ?2, ?3, ?4)",
                            )?;
                            for (contact, contact_ref) in members {
                                st.execute(rusqlite::params![org, id, contact, contact_ref])?;
                            }
                        }
                    }
                    Ok(id)
                })
                .await?
            }
            Backends::Postgres(b) => {
                let mut c = b.client().await?;
                let tx = c.transaction().await?;
                let id: i64 = tx
                    .query_one(
                        "INSERT INTO requalification_campaigns (org_id, name, channel, within_days,
                             starts_at, closes_at, actor, created_at, selection)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                        &[
                            &org,
                            &campaign.0,
                            &campaign.1,
                            &campaign.2,
                            &campaign.3,
                            &campaign.4,
                            &campaign.5,
                            &campaign.6,
                            &campaign.7,
                        ],
                    )
                    .await?
                    .get(0);
                match &chosen {
                    None => {
                        tx.execute(
                            SELECT_MEMBERS,
                            &[&params[0], &params[1], &params[2], &params[3], &id],
                        )
                        .await?;
                    }
                    Some(members) => {
                        // One statement for the whole list: two arrays unnested side by side.
                        let (ids, refs): (Vec<i64>, Vec<&str>) =
                            members.iter().map(|(i, r)| (*i, r.as_str())).unzip();
                        tx.execute(
                            "INSERT INTO requalification_members (org_id, campaign_id, contact_id, contact_ref)
                             SELECT $1, $2, m.id, m.ref FROM unnest($3::bigint[], $4::text[]) AS m(id, ref)",
                            &[&org, &id, &ids, &refs],
                        )
                        .await?;
                    }
                }
                tx.commit().await?;
                id
            }
        };
        let created = self
            .requalification(org, id)
            .await?
            .ok_or_else(|| StoreError::Other("campaign vanished".into()))?;
        self.audit(
            org,
            AuditEvent {
                action: "retention.requalification.create".into(),
                target: Some(format!("requalification:{id}")),
                reason: Some(format!(
                    "{name:?} on {}: {} {} at {}; window closes {}",
                    new.channel.as_str(),
                    created.progress.asked,
                    new.selection.describe(),
                    new.at,
                    created.closes_at
                )),
                ..audit
            },
        )
        .await?;
        Ok(created)
    }

    /// A campaign with its progress.
    pub async fn requalification(
        &self,
        org: OrgId,
        id: i64,
    ) -> Result<Option<RequalificationCampaign>> {
        let Some(r) = self
            .sql_row(
                "SELECT k.id, k.name, k.channel, k.within_days, k.starts_at, k.closes_at, k.actor,
                     k.created_at, k.selection,
                     (SELECT count(*) FROM requalification_members m
                      WHERE m.org_id = k.org_id AND m.campaign_id = k.id),
                     (SELECT count(*) FROM requalification_members m
                      WHERE m.org_id = k.org_id AND m.campaign_id = k.id AND m.answer = 'yes'),
                     (SELECT count(*) FROM requalification_members m
                      WHERE m.org_id = k.org_id AND m.campaign_id = k.id AND m.answer = 'no'),
                     (SELECT count(*) FROM requalification_members m
                      WHERE m.org_id = k.org_id AND m.campaign_id = k.id AND m.sent_at IS NOT NULL),
                     (SELECT count(*) FROM requalification_members m
                      WHERE m.org_id = k.org_id AND m.campaign_id = k.id AND m.sent_at IS NOT NULL
                          AND m.answer IS NULL)
                 FROM requalification_campaigns k WHERE k.org_id = $1 AND k.id = $2",
                sql_params![org, id],
            )
            .await?
        else {
            return Ok(None);
        };
        let channel = r[2]
            .text()?
            .parse::<Channel>()
            .map_err(|e| StoreError::Other(format!("stored campaign {id}: {e}")))?;
        let (asked, confirmed, refused) = (r[9].int()?, r[10].int()?, r[11].int()?);
        let (sent, silent) = (r[12].int()?, r[13].int()?);
        Ok(Some(RequalificationCampaign {
            id: r[0].int()?,
            name: r[1].text()?,
            channel,
            selection: RequalificationSelection::from_stored(&r[8].text()?, r[3].int()?)?,
            within_days: r[3].int()?,
            starts_at: from_micros(r[4].int()?),
            closes_at: from_micros(r[5].int()?),
            actor: r[6].text()?,
            created_at: from_micros(r[7].int()?),
            progress: RequalificationProgress {
                asked,
                sent,
                confirmed,
                refused,
                silent,
                not_sent: asked - confirmed - refused - silent,
            },
        }))
    }

    /// The latest campaigns (at most `limit`), latest first, with their progress.
    pub async fn requalifications(
        &self,
        org: OrgId,
        limit: u32,
    ) -> Result<Vec<RequalificationCampaign>> {
        let ids = self
            .sql_rows(
                "SELECT id FROM requalification_campaigns WHERE org_id = $1 ORDER BY id DESC LIMIT $2",
                sql_params![org, i64::from(limit)],
            )
            .await?;
        let mut campaigns = Vec::with_capacity(ids.len());
        for r in ids {
            if let Some(c) = self.requalification(org, r[0].int()?).await? {
                campaigns.push(c);
            }
        }
        Ok(campaigns)
    }

    /// Every member's signed link, valid until `expires`, with their identifiers. Records
    /// nothing: the file for the people goes through [`Store::export_requalification_links`],
    /// which keeps who was sent a link.
    pub async fn requalification_links(
        &self,
        org: OrgId,
        id: i64,
        expires: Timestamp,
    ) -> Result<Vec<RequalificationLink>> {
        let Some(campaign) = self.requalification(org, id).await? else {
            return Err(StoreError::NotFound(format!(
                "requalification campaign {id}"
            )));
        };
        Ok(self
            .member_links(org, &campaign, expires)
            .await?
            .into_iter()
            .map(|m| m.link)
            .collect())
    }

    /// The file of a campaign's links for the e-mail (or SMS, or mail) service, at `now`: the
    /// links of the members the channel can reach, valid until `expires` (by default, the end of
    /// the window); records the export
    /// (when, by whom, how many) and marks those people sent, in one transaction, then audits
    /// it. Refused once the window has closed (the next run erases whoever did not say yes).
    pub async fn export_requalification_links(
        &self,
        org: OrgId,
        id: i64,
        expires: Option<Timestamp>,
        now: Timestamp,
        audit: AuditEvent,
    ) -> Result<ExportedLinks> {
        let Some(campaign) = self.requalification(org, id).await? else {
            return Err(StoreError::NotFound(format!(
                "requalification campaign {id}"
            )));
        };
        if campaign.closes_at <= now {
            return Err(StoreError::Conflict(format!(
                "requalification campaign {id}: its window closed at {}; the next retention run \
                 erases whoever did not answer yes",
                campaign.closes_at
            )));
        }
        let expires = expires.unwrap_or(campaign.closes_at);
        if expires <= now {
            return Err(StoreError::Invalid(format!(
                "expires: {expires} is not after now ({now})"
            )));
        }
        let members = self.member_links(org, &campaign, expires).await?;
        let unreachable = members.iter().filter(|m| !m.reachable).count() as i64;
        let (ids, links): (Vec<i64>, Vec<RequalificationLink>) = members
            .into_iter()
            .filter(|m| m.reachable)
            .map(|m| (m.contact_id, m.link))
            .unzip();
        let export = RequalificationExport {
            exported_at: now,
            actor: audit.actor.clone(),
            links: links.len() as i64,
            unreachable,
            expires_at: expires,
        };
        let row = (
            org,
            id,
            now.as_microsecond(),
            export.actor.clone(),
            export.links,
            export.unreachable,
            expires.as_microsecond(),
        );
        const INSERT_EXPORT: &str = "INSERT INTO requalification_exports (org_id, campaign_id,
                 exported_at, actor, links, unreachable, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)";
        match &self.backend {
            Backends::Sqlite(b) => {
                b.write(move |tx| {
                    tx.execute(
                        &sqlite_text(INSERT_EXPORT),
                        rusqlite::params![row.0, row.1, row.2, row.3, row.4, row.5, row.6],
                    )?;
                    let mut st = tx.prepare(
                        "UPDATE requalification_members SET sent_at = ?4
                         WHERE org_id = ?1 AND campaign_id = ?2 AND contact_id = ?3
                             AND sent_at IS NULL",
                    )?;
                    for contact in &ids {
                        st.execute(rusqlite::params![row.0, row.1, contact, row.2])?;
                    }
                    Ok(())
                })
                .await?;
            }
            Backends::Postgres(b) => {
                let mut c = b.client().await?;
                let tx = c.transaction().await?;
                tx.execute(
                    INSERT_EXPORT,
                    &[&row.0, &row.1, &row.2, &row.3, &row.4, &row.5, &row.6],
                )
                .await?;
                tx.execute(
                    "UPDATE requalification_members SET sent_at = $3
                     WHERE org_id = $1 AND campaign_id = $2 AND contact_id = ANY($4::bigint[])
                         AND sent_at IS NULL",
                    &[&row.0, &row.1, &row.2, &ids],
                )
                .await?;
                tx.commit().await?;
            }
        }
        let channel_needs = match campaign.channel.identifier() {
            Some(vigie_core::IdentifierKind::Email) => "no e-mail address",
            Some(vigie_core::IdentifierKind::Phone) => "no number",
            None => "erased",
        };
        self.audit(
            org,
            AuditEvent {
                action: "retention.requalification.export".into(),
                target: Some(format!("requalification:{id}")),
                reason: Some(format!(
                    "{} link(s) exported, valid until {expires}; {unreachable} member(s) left out \
                     ({channel_needs})",
                    export.links
                )),
                ..audit
            },
        )
        .await?;
        let campaign = self
            .requalification(org, id)
            .await?
            .ok_or_else(|| StoreError::Other("campaign vanished".into()))?;
        Ok(ExportedLinks {
            campaign,
            links,
            export,
        })
    }

    /// A campaign's exports, latest first.
    pub async fn requalification_exports(
        &self,
        org: OrgId,
        id: i64,
    ) -> Result<Vec<RequalificationExport>> {
        self.sql_rows(
            "SELECT exported_at, actor, links, unreachable, expires_at FROM requalification_exports
             WHERE org_id = $1 AND campaign_id = $2 ORDER BY id DESC",
            sql_params![org, id],
        )
        .await?
        .into_iter()
        .map(|r| {
            Ok(RequalificationExport {
                exported_at: from_micros(r[0].int()?),
                actor: r[1].text()?,
                links: r[2].int()?,
                unreachable: r[3].int()?,
                expires_at: from_micros(r[4].int()?),
            })
        })
        .collect()
    }

    /// Every member of a campaign, in contact order, with their signed link and whether the
    /// campaign's channel reaches them (their contacts opened in batches).
    async fn member_links(
        &self,
        org: OrgId,
        campaign: &RequalificationCampaign,
        expires: Timestamp,
    ) -> Result<Vec<MemberLink>> {
        let id = campaign.id;
        let signer = self.link_signer(org).await?;
        let members = self
            .sql_rows(
                "SELECT m.contact_id, m.contact_ref,
                     CASE WHEN c.erased_at IS NULL THEN 1 ELSE 0 END
                 FROM requalification_members m LEFT JOIN contacts c
                     ON c.org_id = m.org_id AND c.id = m.contact_id
                 WHERE m.org_id = $1 AND m.campaign_id = $2 ORDER BY m.contact_id",
                sql_params![org, id],
            )
            .await?;
        let mut links = Vec::with_capacity(members.len());
        for batch in members.chunks(1000) {
            let ids: Vec<i64> = batch.iter().map(|m| m[0].int()).collect::<Result<_>>()?;
            let mut contacts = self
                .contacts_by_ids(org, &ids)
                .await?
                .into_iter()
                .peekable();
            for m in batch {
                let (contact, contact_ref) = (m[0].int()?, m[1].text()?);
                let present = m[2].int()? == 1;
                // Both lists are in id order: the contact, if it is still there, is next.
                while contacts.next_if(|c| c.id < contact).is_some() {}
                let data = contacts.next_if(|c| c.id == contact).map(|c| c.data);
                let (email, phone) = data.map_or((None, None), |d| (d.email, d.phone));
                let reachable = present
                    && match campaign.channel.identifier() {
                        Some(vigie_core::IdentifierKind::Email) => email.is_some(),
                        Some(vigie_core::IdentifierKind::Phone) => phone.is_some(),
                        None => true,
                    };
                let token = signer.sign(
                    LinkKind::Requalification,
                    &[&id.to_string(), &contact.to_string()],
                    expires,
                );
                links.push(MemberLink {
                    contact_id: contact,
                    link: RequalificationLink {
                        contact_ref,
                        email,
                        phone,
                        token,
                    },
                    reachable,
                });
            }
        }
        Ok(links)
    }

    /// What the link `token` names, at `now`, changing nothing; a forged, altered or expired
    /// link is an error.
    pub async fn requalification_target(
        &self,
        org: OrgId,
        token: &str,
        now: Timestamp,
    ) -> Result<RequalificationTarget> {
        let t = self.verified_token(org, token, now).await?;
        let r = self
            .sql_row(
                "SELECT k.name, k.channel, m.contact_ref, m.answer
                 FROM requalification_members m JOIN requalification_campaigns k
                     ON k.org_id = m.org_id AND k.id = m.campaign_id
                 WHERE m.org_id = $1 AND m.campaign_id = $2 AND m.contact_id = $3",
                sql_params![org, t.campaign, t.contact],
            )
            .await?
            .ok_or_else(|| StoreError::NotFound("requalification link: no such person".into()))?;
        Ok(RequalificationTarget {
            campaign_id: t.campaign,
            campaign_name: r[0].text()?,
            channel: r[1]
                .text()?
                .parse()
                .map_err(|e| StoreError::Other(format!("stored campaign: {e}")))?,
            contact_ref: r[2].text()?,
            expires: Timestamp::from_second(t.expires)
                .map_err(|e| StoreError::Other(e.to_string()))?,
            answer: r[3].opt_text()?,
        })
    }

    /// Records the answer of the person the link names, at `now`: a yes is a grant on the
    /// campaign's channel for marketing, a no a withdrawal, each with its proof (the IP and
    /// user agent sealed with the person's key). The first answer counts; a second one changes
    /// nothing and returns the target as it stands.
    pub async fn answer_requalification(
        &self,
        org: OrgId,
        token: &str,
        yes: bool,
        now: Timestamp,
        ip: Option<String>,
        user_agent: Option<String>,
    ) -> Result<RequalificationTarget> {
        let target = self.requalification_target(org, token, now).await?;
        if target.answer.is_some() {
            return Ok(target);
        }
        let contact_ref = ContactRef::parse(&target.contact_ref)
            .map_err(|e| StoreError::Other(format!("stored member: {e}")))?;
        let event = NewConsentEvent {
            event: ConsentEvent {
                scope: ChannelScope::from(target.channel),
                purpose: Purpose::Marketing,
                action: if yes { Action::Grant } else { Action::Withdraw },
                at: now,
                method: Method::PrivacyCentre,
            },
            notice_version: None,
            source: Some(format!("requalification:{}", target.campaign_id)),
            ip,
            user_agent,
        };
        // The event first: appending it again is a no-op, so a failure between the two
        // statements leaves a retry that completes.
        self.append_event(org, &contact_ref, &event).await?;
        let answer = if yes { "yes" } else { "no" };
        self.sql_exec(
            "UPDATE requalification_members SET answer = $1, answered_at = $2
             WHERE org_id = $3 AND campaign_id = $4 AND contact_ref = $5 AND answer IS NULL",
            sql_params![
                answer,
                now.as_microsecond(),
                org,
                target.campaign_id,
                target.contact_ref.as_str()
            ],
        )
        .await?;
        self.audit(
            org,
            AuditEvent {
                actor: "public".into(),
                action: "retention.requalification.answer".into(),
                target: Some(format!("contact:{}", target.contact_ref)),
                reason: Some(format!("campaign {}: {answer}", target.campaign_id)),
                ..AuditEvent::default()
            },
        )
        .await?;
        Ok(RequalificationTarget {
            answer: Some(answer.into()),
            ..target
        })
    }

    async fn verified_token(&self, org: OrgId, token: &str, now: Timestamp) -> Result<Token> {
        const KIND: LinkKind = LinkKind::Requalification;
        let signer = self.link_signer(org).await?;
        let link = signer
            .verify(KIND, token, now)
            .map_err(|r| r.into_error(KIND))?;
        match link.parts.as_slice() {
            [campaign, contact] => match (campaign.parse(), contact.parse()) {
                (Ok(campaign), Ok(contact)) => Ok(Token {
                    campaign,
                    contact,
                    expires: link.expires.as_second(),
                }),
                _ => Err(LinkRefusal::Forged.into_error(KIND)),
            },
            _ => Err(LinkRefusal::Forged.into_error(KIND)),
        }
    }
}

/// The members of a new campaign: the prospects past their period at the later moment (`$2`,
/// its cut-off `$4`) but not at the campaign's moment (cut-off `$3`). Parameters: $1 org, $5 the
/// campaign.
const SELECT_MEMBERS: &str = concat!(
    "INSERT INTO requalification_members (org_id, campaign_id, contact_id, contact_ref)
     SELECT c.org_id, CAST($5 AS BIGINT), c.id, c.contact_ref FROM contacts c
     WHERE c.org_id = $1 AND c.erased_at IS NULL AND ",
    crate::retention::prospect_past_at!("$4"),
    " AND NOT ",
    crate::retention::prospect_past_at!("$3")
);
