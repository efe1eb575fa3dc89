//! A stored contact as the decision engine reads it: one contact model. The stored record says
//! what the contact is; the store adds what it knows beside it (the suppression and opposition
//! lists, the ledger, the calls), and the engine reads both through vigie-core's [`ContactView`]
//! rather than through a copy.

use vigie_core::{Audience, ConsentEvent, ContactView, Timestamp, Zone};

use crate::model::ContactData;

/// A stored contact and what the store adds to it, for one decision.
#[derive(Debug, Clone)]
pub struct StoredContactView<'c> {
    pub data: &'c ContactData,
    /// Its consent ledger, in recording order.
    pub events: Vec<ConsentEvent>,
    /// Its identifier for the channel is suppressed (for postal mail: any of its identifiers;
    /// see `Channel::suppressed`).
    pub suppressed: bool,
    /// Its phone number is on the opposition list that applies.
    pub on_opposition_list: bool,
    /// Call attempts in the 30 days before the moment, from the call log (0 without one).
    pub calls_last_30_days: u32,
    /// Its latest refusal of further calls, from the call log.
    pub last_call_refusal_at: Option<Timestamp>,
}

impl<'c> StoredContactView<'c> {
    /// The contact with its ledger, on no list and never called: the caller sets the rest.
    pub fn new(data: &'c ContactData, events: Vec<ConsentEvent>) -> StoredContactView<'c> {
        StoredContactView {
            data,
            events,
            suppressed: false,
            on_opposition_list: false,
            calls_last_30_days: 0,
            last_call_refusal_at: None,
        }
    }
}

impl ContactView for StoredContactView<'_> {
    fn audience(&self) -> Audience {
        self.data.audience
    }
    fn is_customer(&self) -> bool {
        self.data.customer
    }
    fn bought(&self, category: &str) -> bool {
        self.data.customer_categories.iter().any(|c| c == category)
    }
    fn contract_active(&self) -> bool {
        self.data.contract_active
    }
    fn collected_at(&self) -> Option<Timestamp> {
        self.data.collected_at
    }
    fn informed(&self) -> bool {
        self.data.informed
    }
    fn objection_offered(&self) -> bool {
        self.data.objection_offered
    }
    fn restricted(&self) -> bool {
        self.data.restricted
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
    /// The zone recorded for the contact, else the one its phone number implies.
    fn time_zone(&self) -> Option<Zone> {
        Zone::of_contact(self.data.time_zone, self.data.phone.as_ref())
    }
}
