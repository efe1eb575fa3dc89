//! What the engine reads about a contact and a campaign. The engine is generic over
//! [`ContactView`], so that the API's requests and bulk screening's compact records go through
//! the same rules without a second implementation.

use jiff::Timestamp;
use serde::Serialize;

use crate::ledger::ConsentEvent;
use crate::vocab::Audience;
use crate::zone::Zone;

/// The facts about one contact that the rules read.
pub trait ContactView {
    fn audience(&self) -> Audience;
    /// Has bought from us.
    fn is_customer(&self) -> bool;
    /// Is a customer of this product category.
    fn bought(&self, category: &str) -> bool;
    /// A contract with us is running.
    fn contract_active(&self) -> bool;
    /// When the data was collected, if known.
    fn collected_at(&self) -> Option<Timestamp>;
    /// Told at collection that the data would serve prospecting.
    fn informed(&self) -> bool;
    /// Offered a simple, free way to object at collection.
    fn objection_offered(&self) -> bool;
    /// Processing restricted (GDPR art. 18).
    fn restricted(&self) -> bool;
    /// The identifier is on the suppression list.
    fn suppressed(&self) -> bool;
    /// On the opposition list that applies to the request's channel and jurisdiction (Bloctel,
    /// TPS/CTPS, FPS for UK faxes).
    fn on_opposition_list(&self) -> bool;
    /// Prospecting calls placed to this contact in the 30 days before the moment of contact.
    fn calls_last_30_days(&self) -> u32;
    /// When the contact last refused further calls during a call.
    fn last_call_refusal_at(&self) -> Option<Timestamp>;
    /// The consent ledger, in recording order.
    fn events(&self) -> &[ConsentEvent];
    /// The consumer's own time zone, where known (recorded, or implied by the phone number:
    /// [`Zone::of_contact`]); `None`: the jurisdiction's. Calling hours are read in it.
    fn time_zone(&self) -> Option<Zone>;
}

/// What the campaign says about its message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Campaign {
    /// The product category promoted; soft opt-in and the phone contract exception need the
    /// contact to be a customer of it. `None`: no category, so neither applies.
    pub product_category: Option<String>,
    /// B2B: the message concerns the recipient's job.
    pub relates_to_profession: bool,
    /// `false` for a non-commercial appeal (e.g. a charity).
    pub commercial: bool,
    /// The supply of newspapers, periodicals or magazines: outside Bloctel and the opt-in rule
    /// for consumer calls (L223-1), not outside the calling hours.
    pub press: bool,
}

impl Default for Campaign {
    /// The contract's defaults: no category, not about the recipient's job, commercial, not
    /// press.
    fn default() -> Campaign {
        Campaign {
            product_category: None,
            relates_to_profession: false,
            commercial: true,
            press: false,
        }
    }
}
