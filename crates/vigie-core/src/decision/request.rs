//! The wire format of DECISIONS.md: a request describing one contact moment, and the response.
//! Requests are read by [`super::parse::parse_request`], which names the field of any error.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::code::{Code, Decision};
use super::contact::{Campaign, ContactView};
use super::engine::DecisionContext;
use super::explain::Lang;
use super::packs::Jurisdiction;
use crate::ledger::ConsentEvent;
use crate::moment::Moment;
use crate::vocab::{Audience, Channel, Purpose};
use crate::zone::Zone;

/// "May we contact this person, on this channel, for this purpose, at this time?"
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecisionRequest {
    pub jurisdiction: Jurisdiction,
    /// The moment of contact, with the offset it was written in.
    pub at: Moment,
    pub channel: Channel,
    pub purpose: Purpose,
    pub campaign: Campaign,
    pub contact: ContactFacts,
}

/// What a request says about the contact. Absent fields take the contract's defaults (see
/// [`ContactFacts::new`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContactFacts {
    pub audience: Audience,
    pub customer: bool,
    pub customer_categories: Vec<String>,
    pub contract_active: bool,
    pub collected_at: Option<Timestamp>,
    pub collected_via: Option<String>,
    pub informed: bool,
    pub objection_offered: bool,
    pub restricted: bool,
    pub suppressed: bool,
    pub on_opposition_list: bool,
    pub calls_last_30_days: u32,
    pub last_call_refusal_at: Option<Timestamp>,
    /// The consumer's zone; absent, the jurisdiction's.
    pub time_zone: Option<Zone>,
    pub events: Vec<ConsentEvent>,
}

impl ContactFacts {
    /// A contact with the contract's defaults: not a customer, no contract, not informed nor
    /// offered to object at collection (v2: what was not recorded is not presumed), not
    /// restricted, suppressed nor on an opposition list, no calls, no refusal, the
    /// jurisdiction's zone, no events. The contract's sample values for `collected_at` and
    /// `collected_via` are examples, not defaults: absent, they are unknown.
    pub fn new(audience: Audience) -> ContactFacts {
        ContactFacts {
            audience,
            customer: false,
            customer_categories: Vec::new(),
            contract_active: false,
            collected_at: None,
            collected_via: None,
            informed: false,
            objection_offered: false,
            restricted: false,
            suppressed: false,
            on_opposition_list: false,
            calls_last_30_days: 0,
            last_call_refusal_at: None,
            time_zone: None,
            events: Vec::new(),
        }
    }
}

impl ContactView for ContactFacts {
    fn audience(&self) -> Audience {
        self.audience
    }
    fn is_customer(&self) -> bool {
        self.customer
    }
    fn bought(&self, category: &str) -> bool {
        self.customer_categories.iter().any(|c| c == category)
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
    fn suppressed(&self) -> bool {
        self.suppressed
    }
    fn on_opposition_list(&self) -> bool {
        self.on_opposition_list
    }
    fn calls_last_30_days(&self) -> u32 {
        self.calls_last_30_days
    }
    fn last_call_refusal_at(&self) -> Option<Timestamp> {
        self.last_call_refusal_at
    }
    fn events(&self) -> &[ConsentEvent] {
        &self.events
    }
    fn time_zone(&self) -> Option<Zone> {
        self.time_zone
    }
}

impl DecisionRequest {
    /// The engine's context for this request.
    pub fn context(&self) -> DecisionContext<'_> {
        DecisionContext::new(
            self.jurisdiction,
            self.at,
            self.channel,
            self.purpose,
            &self.campaign,
        )
        .with_zones(self.contact.time_zone)
    }
}

/// The answer: allow or deny, the code, one sentence for a person and the texts behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionResponse {
    pub decision: Decision,
    pub code: Code,
    pub explanation: String,
    pub references: Vec<String>,
}

/// Decides one request and explains the answer in `lang`.
pub fn decide(request: &DecisionRequest, lang: Lang) -> DecisionResponse {
    let ctx = request.context();
    let outcome = ctx.decide(&request.contact);
    let explanation = ctx.explain(outcome, lang);
    DecisionResponse {
        decision: outcome.decision(),
        code: outcome.code,
        explanation: explanation.sentence,
        references: explanation
            .references
            .iter()
            .map(|r| (*r).to_owned())
            .collect(),
    }
}
