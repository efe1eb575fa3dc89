//! The consent coverage report: every contact not erased, classified by the core
//! ([`vigie_core::CoverageRules`]) for each channel and purpose, counted in one streamed pass
//! over the organization's contacts joined to their ledger (one query per store, in contact id
//! order, nothing decrypted), and the references behind one count.
//!
//! The organization's lists count as the decision counts them ([`ListFacts`]): whether the
//! contact's number is on an opposition list (Bloctel) is read in the pass (a key look-up of its
//! blind index); whether its e-mail or number is on the suppression list needs the identifiers
//! (the list holds hashes), so the contacts concerned are found first by opening identifiers a
//! batch at a time (`Store::suppressed_identifiers`), only when the list has any entry.

use jiff::Timestamp;
use serde::Serialize;
use std::collections::HashMap;
use vigie_core::retention::PolicySet;

use vigie_core::{
    Audience, Channel, ConsentEvent, ContactView, Coverage, CoverageCounts, CoverageRules,
    ListFacts, Moment, Purpose, Zone,
};

use crate::error::{Result, StoreError};
use crate::model::{OrgId, from_micros};
use crate::sealing::RowError;
use crate::{Backends, Store};

/// The organization's coverage at a moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoverageReport {
    pub at: String,
    pub policy_version: u32,
    /// Contacts not erased.
    pub contacts: i64,
    /// One cell per channel and purpose.
    pub cells: Vec<CoverageCell>,
}

/// One channel and purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CoverageCell {
    pub channel: Channel,
    pub purpose: Purpose,
    pub counts: CoverageCounts,
}

impl CoverageReport {
    /// The cell of a channel and purpose.
    pub fn cell(&self, channel: Channel, purpose: Purpose) -> &CoverageCell {
        self.cells
            .iter()
            .find(|c| c.channel == channel && c.purpose == purpose)
            .expect("every channel and purpose has a cell")
    }
}

/// The list behind one number of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CoverageSelection {
    pub category: Coverage,
    pub channel: Channel,
    pub purpose: Purpose,
}

/// The contact and ledger columns the pass reads; the ledger's columns are null for a contact
/// without events (left join). Parameter: $1 the organization.
const COVERAGE_SCAN: &str =
    "SELECT c.id, c.contact_ref, c.audience, c.customer, c.customer_categories,
        c.collected_at, c.informed, c.objection_offered, c.contract_active, c.restricted,
        c.relationship_ended_at,
        EXISTS (SELECT 1 FROM opposition o WHERE o.org_id = c.org_id AND o.phone_bidx = c.phone_bidx),
        e.channel, e.purpose, e.action, e.at, e.method
     FROM contacts c LEFT JOIN consent_events e ON e.org_id = c.org_id AND e.contact_id = c.id
     WHERE c.org_id = $1 AND c.erased_at IS NULL
     ORDER BY c.id, e.id";

/// Rows fetched per round trip of the PostgreSQL scan.
const PG_SCAN_BATCH: i32 = 20_000;

impl Store {
    /// The coverage report at `at_text` (RFC 3339) under the organization's current policies.
    pub async fn coverage(&self, org: OrgId, at_text: &str) -> Result<CoverageReport> {
        Ok(self.scan_coverage(org, at_text, None).await?.0)
    }

    /// The references (in id order) of the contacts a cell's count is made of, at `at_text`.
    pub async fn coverage_list(
        &self,
        org: OrgId,
        at_text: &str,
        selection: CoverageSelection,
    ) -> Result<Vec<String>> {
        let members = self.coverage_members(org, at_text, selection).await?;
        Ok(members.into_iter().map(|(_, r)| r).collect())
    }

    /// The contacts (id, reference) a cell's count is made of, in id order.
    pub(crate) async fn coverage_members(
        &self,
        org: OrgId,
        at_text: &str,
        selection: CoverageSelection,
    ) -> Result<Vec<(i64, String)>> {
        Ok(self.scan_coverage(org, at_text, Some(selection)).await?.1)
    }

    async fn scan_coverage(
        &self,
        org: OrgId,
        at_text: &str,
        selection: Option<CoverageSelection>,
    ) -> Result<(CoverageReport, Vec<(i64, String)>)> {
        let at = Moment::parse(at_text).map_err(|e| StoreError::Invalid(format!("at: {e}")))?;
        let policies = self.retention_policies(org).await?;
        let suppressed = self.suppressed_identifiers(org).await?;
        let tally = Tally::new(&policies, at, selection, suppressed);
        let tally = match &self.backend {
            Backends::Sqlite(b) => {
                b.read(move |conn| {
                    let mut tally = tally;
                    let mut st = conn.prepare(&crate::retention::sqlite_text(COVERAGE_SCAN))?;
                    let mut rows = st.query([org])?;
                    while let Some(r) = rows.next()? {
                        let id: i64 = r.get(0)?;
                        if !tally.is_current(id) {
                            tally.start(Head {
                                id,
                                contact_ref: r.get(1)?,
                                audience: r.get::<_, String>(2)?,
                                customer: r.get(3)?,
                                categories: r.get(4)?,
                                collected_at: r.get(5)?,
                                informed: r.get(6)?,
                                objection_offered: r.get(7)?,
                                contract_active: r.get(8)?,
                                restricted: r.get(9)?,
                                relationship_ended_at: r.get(10)?,
                                on_opposition_list: r.get(11)?,
                            })?;
                        }
                        if let Some(channel) = r.get::<_, Option<String>>(12)? {
                            tally.event(
                                &channel,
                                &r.get::<_, String>(13)?,
                                &r.get::<_, String>(14)?,
                                r.get(15)?,
                                &r.get::<_, String>(16)?,
                            )?;
                        }
                    }
                    Ok(tally)
                })
                .await?
            }
            Backends::Postgres(b) => {
                let mut tally = tally;
                let mut client = b.client().await?;
                let tx = client
                    .build_transaction()
                    .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
                    .read_only(true)
                    .start()
                    .await?;
                let st = tx.prepare(COVERAGE_SCAN).await?;
                let portal = tx.bind(&st, &[&org]).await?;
                loop {
                    let rows = tx.query_portal(&portal, PG_SCAN_BATCH).await?;
                    if rows.is_empty() {
                        break;
                    }
                    for r in &rows {
                        let id: i64 = r.try_get(0)?;
                        if !tally.is_current(id) {
                            tally.start(Head {
                                id,
                                contact_ref: r.try_get(1)?,
                                audience: r.try_get(2)?,
                                customer: r.try_get(3)?,
                                categories: r.try_get(4)?,
                                collected_at: r.try_get(5)?,
                                informed: r.try_get(6)?,
                                objection_offered: r.try_get(7)?,
                                contract_active: r.try_get(8)?,
                                restricted: r.try_get(9)?,
                                relationship_ended_at: r.try_get(10)?,
                                on_opposition_list: r.try_get(11)?,
                            })?;
                        }
                        if let Some(channel) = r.try_get::<_, Option<&str>>(12)? {
                            tally.event(
                                channel,
                                r.try_get(13)?,
                                r.try_get(14)?,
                                r.try_get(15)?,
                                r.try_get(16)?,
                            )?;
                        }
                    }
                }
                tx.commit().await?;
                tally
            }
        };
        Ok(tally.finish(at_text, policies.version))
    }
}

/// A contact's own columns, as read.
struct Head {
    id: i64,
    contact_ref: String,
    audience: String,
    customer: bool,
    categories: String,
    collected_at: Option<i64>,
    informed: bool,
    objection_offered: bool,
    contract_active: bool,
    restricted: bool,
    relationship_ended_at: Option<i64>,
    /// Its number is on one of the organization's opposition lists.
    on_opposition_list: bool,
}

/// One contact as the coverage reads it: its facts and its ledger in recording order.
struct CoverageContact {
    id: i64,
    contact_ref: String,
    audience: Audience,
    customer: bool,
    /// Product categories bought, `|`-separated as stored.
    categories: String,
    collected_at: Option<Timestamp>,
    informed: bool,
    objection_offered: bool,
    contract_active: bool,
    restricted: bool,
    relationship_ended_at: Option<Timestamp>,
    on_opposition_list: bool,
    events: Vec<ConsentEvent>,
}

impl ContactView for CoverageContact {
    fn audience(&self) -> Audience {
        self.audience
    }
    fn is_customer(&self) -> bool {
        self.customer
    }
    fn bought(&self, category: &str) -> bool {
        self.categories.split('|').any(|c| c == category)
    }
    fn contract_active(&self) -> bool {
        self.contract_active
    }
    fn collected_at(&self) -> Option<Timestamp> {
        self.collected_at
    }
    fn informed(&self) -> bool {
        self.informed
    }
    fn objection_offered(&self) -> bool {
        self.objection_offered
    }
    fn restricted(&self) -> bool {
        self.restricted
    }
    /// Per channel: the classification reads the lists through [`ListFacts`].
    fn suppressed(&self) -> bool {
        false
    }
    /// Per channel: the classification reads the lists through [`ListFacts`].
    fn on_opposition_list(&self) -> bool {
        false
    }
    /// The coverage's rules leave the call limits out.
    fn calls_last_30_days(&self) -> u32 {
        0
    }
    fn last_call_refusal_at(&self) -> Option<Timestamp> {
        None
    }
    fn events(&self) -> &[ConsentEvent] {
        &self.events
    }
    fn time_zone(&self) -> Option<Zone> {
        None
    }
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Row(RowError::Corrupt(format!("{what}: {e}")))
}

/// The pass's accumulator: the contact being read, then its classification counted.
struct Tally {
    rules: CoverageRules,
    selection: Option<(Coverage, usize)>,
    current: Option<CoverageContact>,
    classes: Vec<Coverage>,
    counts: Vec<CoverageCounts>,
    contacts: i64,
    members: Vec<(i64, String)>,
    /// (e-mail, phone) on the suppression list, by contact id: only the contacts concerned.
    suppressed: HashMap<i64, (bool, bool)>,
}

impl Tally {
    fn new(
        policies: &PolicySet,
        at: Moment,
        selection: Option<CoverageSelection>,
        suppressed: HashMap<i64, (bool, bool)>,
    ) -> Tally {
        let rules = CoverageRules::new(at, &policies.cutoffs(at));
        let cells = rules.cells().count();
        let selection = selection.map(|s| (s.category, rules.cell(s.channel, s.purpose)));
        Tally {
            rules,
            selection,
            current: None,
            classes: Vec::with_capacity(cells),
            counts: vec![CoverageCounts::default(); cells],
            contacts: 0,
            members: Vec::new(),
            suppressed,
        }
    }

    fn is_current(&self, id: i64) -> bool {
        self.current.as_ref().is_some_and(|c| c.id == id)
    }

    fn start(&mut self, head: Head) -> Result<()> {
        self.flush();
        let mut events = self.current.take().map(|c| c.events).unwrap_or_default();
        events.clear();
        self.current = Some(CoverageContact {
            id: head.id,
            contact_ref: head.contact_ref,
            audience: head
                .audience
                .parse()
                .map_err(|e| corrupt("contacts.audience", e))?,
            customer: head.customer,
            categories: head.categories,
            collected_at: head.collected_at.map(from_micros),
            informed: head.informed,
            objection_offered: head.objection_offered,
            contract_active: head.contract_active,
            restricted: head.restricted,
            relationship_ended_at: head.relationship_ended_at.map(from_micros),
            on_opposition_list: head.on_opposition_list,
            events,
        });
        Ok(())
    }

    fn event(
        &mut self,
        channel: &str,
        purpose: &str,
        action: &str,
        at: i64,
        method: &str,
    ) -> Result<()> {
        let event = ConsentEvent {
            scope: channel
                .parse()
                .map_err(|e| corrupt("consent_events.channel", e))?,
            purpose: purpose
                .parse()
                .map_err(|e| corrupt("consent_events.purpose", e))?,
            action: action
                .parse()
                .map_err(|e| corrupt("consent_events.action", e))?,
            at: from_micros(at),
            method: method
                .parse()
                .map_err(|e| corrupt("consent_events.method", e))?,
        };
        if let Some(c) = &mut self.current {
            c.events.push(event);
        }
        Ok(())
    }

    /// Classifies and counts the contact being read, if any (it stays, its buffer reused).
    fn flush(&mut self) {
        let Some(c) = &self.current else { return };
        let (email_suppressed, phone_suppressed) =
            self.suppressed.get(&c.id).copied().unwrap_or_default();
        let lists = ListFacts {
            email_suppressed,
            phone_suppressed,
            phone_on_opposition_list: c.on_opposition_list,
        };
        self.rules
            .classify(c, c.relationship_ended_at, lists, &mut self.classes);
        for (counts, class) in self.counts.iter_mut().zip(&self.classes) {
            counts.add(*class);
        }
        if let Some((category, cell)) = self.selection
            && self.classes[cell] == category
        {
            self.members.push((c.id, c.contact_ref.clone()));
        }
        self.contacts += 1;
    }

    fn finish(mut self, at: &str, policy_version: u32) -> (CoverageReport, Vec<(i64, String)>) {
        self.flush();
        let cells = self
            .rules
            .cells()
            .zip(&self.counts)
            .map(|((channel, purpose), counts)| CoverageCell {
                channel,
                purpose,
                counts: *counts,
            })
            .collect();
        (
            CoverageReport {
                at: at.to_owned(),
                policy_version,
                contacts: self.contacts,
                cells,
            },
            self.members,
        )
    }
}
